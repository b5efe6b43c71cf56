/**
 * The typed events of a run that a CLI or page renders, and a checkpoint
 * keeps (its epochs' history): apart from the loop (fit.ts), so that the
 * checkpoint format need not import the loop that writes it.
 * @module
 */

export interface StartEvent {
  type: 'start';
  backend: string;
  architecture: number[];
  parameters: number;
  trainSize: number;
  validationSize: number;
  seed: number;
}
export interface ProgressEvent {
  type: 'progress';
  epoch: number;
  /** Rows trained so far in this epoch, and the epoch's total. */
  rows: number;
  total: number;
  /** Mean training loss so far in this epoch. */
  trainLoss: number;
}
export interface EpochEvent {
  type: 'epoch';
  epoch: number;
  trainLoss: number;
  validationLoss: number;
  validationAccuracy: number;
  learningRate: number;
  seconds: number;
}
export type FitEvent = StartEvent | ProgressEvent | EpochEvent;
