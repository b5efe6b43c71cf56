/** Messages between the page and its training worker. */
import type { FitEvent, Metrics, ModelSpec } from '@dnn/nn';

export interface TrainRequest {
  type: 'train';
  spec: ModelSpec;
  backend: 'webgpu' | 'workers' | 'cpu';
  optimizer: 'adam' | 'momentum' | 'sgd';
  lr: number;
  batchSize: number;
  epochs: number;
  validation: number;
  train: { x: Uint8Array; labels: Uint8Array; count: number };
  test: { x: Uint8Array; labels: Uint8Array; count: number };
}

export type FromTrainer =
  | { type: 'event'; event: FitEvent; backend: string }
  | { type: 'done'; params: Float32Array; metrics: Metrics; mistakes: { index: number; label: number; predicted: number }[]; seconds: number }
  | { type: 'error'; message: string };
