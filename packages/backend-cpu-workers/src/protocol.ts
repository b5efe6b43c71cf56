/** Messages between the main thread and the workers: one per chunk of batches, never one per batch. */
import type { LearningRates, ModelSpec, OptimizerConfig } from '@dnn/nn';
import type { KernelOptions } from '@dnn/tensor';
import type { PredictJob } from './pool-predict.ts';
import type { BlockLayout, SharedLayout } from './shared.ts';

export type ToWorker =
  | {
      type: 'init';
      index: number;
      workers: number;
      layout: SharedLayout;
      spec: ModelSpec;
      optimizer: OptimizerConfig;
      maxBatch: number;
      /** The run's seed, for dropout's masks. */
      seed: number;
      /** The kernels the backend was asked for (`simd: 'off'`: the TypeScript loops). */
      kernels: KernelOptions;
      /** Deterministic mode: train in the fixed row blocks (deterministic-blocks.ts). */
      blocks?: BlockLayout;
    }
  | { type: 'train'; start: number; count: number; batchSize: number; lr: LearningRates; firstStep: number }
  | ({ type: 'predict' } & PredictJob);

export type FromWorker =
  | { type: 'ready'; index: number; kernels: string }
  | { type: 'done'; index: number }
  | { type: 'error'; index: number; message: string }
  | { type: 'aborted'; index: number };
