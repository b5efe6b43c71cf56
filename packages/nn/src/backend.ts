/**
 * The interface a backend implements. `nn` owns the math's definition and
 * the training loop; a backend only owns where the numbers live and how a
 * step is computed: plain loops (`cpu`), a worker pool, or a GPU.
 *
 * A backend makes a Trainer for one run. The Trainer holds the parameters
 * and optimizer state for the run and trains on ranges of a shuffled index
 * list; it hands parameters back only when asked.
 * @module
 */
import type { Dataset } from './dataset.ts';
import type { OptimizerConfig } from './optimizers.ts';
import type { ModelSpec } from './spec.ts';

/** What a trainer holds: parameters, optimizer slots and the number of steps taken (a checkpoint stores it). */
export interface TrainerState {
  params: Float32Array;
  slots: Float32Array[];
  steps: number;
}

/** Version of this interface; bumped on any breaking change. */
export const BACKEND_INTERFACE_VERSION = 2;

export interface TrainerOptions {
  spec: ModelSpec;
  /** Initial parameters, laid out as `paramLayout(spec)`; copied. */
  params: Float32Array;
  optimizer: OptimizerConfig;
  /** The training rows; the trainer may copy them to where it computes. */
  data: Dataset;
  /** Largest batch `train` will be given. */
  maxBatch: number;
  /** The run's seed: dropout's masks derive from it (default 0). */
  seed?: number;
  /**
   * Bit-identical weights for the same seed on any CPU backend, thread
   * count and engine (see deterministic.ts); a backend that cannot promise
   * it refuses the run.
   */
  deterministic?: boolean;
}

/** One learning rate for all batches of a `train` call, or one per batch (interface version 2). */
export type LearningRates = number | Float32Array;

/** The rate of batch `i` of a `train` call. */
export function rateOf(lr: LearningRates, i: number): number {
  return typeof lr === 'number' ? lr : lr[i];
}

export interface TrainResult {
  /** Sum over the trained rows of each row's loss. */
  lossSum: number;
  /** Rows trained. */
  rows: number;
  /** Optimizer steps taken so far in this run. */
  steps: number;
}

export interface Trainer {
  /**
   * Trains on rows `order[start .. start + count)` of the training data in
   * consecutive batches of `batchSize` (the last may be smaller), one
   * optimizer step per batch, at learning rate `lr`: one rate for every
   * batch, or one per batch of this call (`rateOf(lr, i)` for batch i).
   */
  train(order: Uint32Array, start: number, count: number, batchSize: number, lr: LearningRates): Promise<TrainResult>;
  /** Network outputs (after the output activation) for rows [start, end) of `data`. */
  predict(data: Dataset, start: number, end: number): Promise<Float32Array>;
  /** A copy of the current parameters. */
  getParams(): Promise<Float32Array>;
  /** A copy of everything needed to continue: parameters, optimizer slots, step count. */
  getState(): Promise<TrainerState>;
  /** Restores a state from `getState` (for resuming a run). */
  setState(state: TrainerState): Promise<void>;
  /** Frees workers, GPU buffers and anything else held. */
  dispose(): Promise<void>;
}

export interface Backend {
  readonly interfaceVersion: typeof BACKEND_INTERFACE_VERSION;
  /** Short name, as on the CLI: `cpu`, `workers`, `webgpu`. */
  readonly name: string;
  /** A one-line description for reports, e.g. `cpu (1 thread)`. */
  describe(): string;
  createTrainer(options: TrainerOptions): Promise<Trainer>;
}
