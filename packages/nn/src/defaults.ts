/**
 * The default training settings, in one place: `fit` fills in what its
 * caller leaves out from here, and the CLI's flags default to the same.
 * @module
 */
import type { OptimizerName } from './optimizers.ts';
import type { ScheduleName } from './schedules.ts';

export const DEFAULTS = {
  epochs: 10,
  batchSize: 100,
  optimizer: 'adam' as OptimizerName,
  schedule: 'linear' as ScheduleName,
  lr: 1e-3,
  lrEnd: 1e-5,
  warmup: 0,
  seed: 1,
  /** Most validation rows; fewer when the data is small (see `defaultValidation`). */
  maxValidation: 10000,
} as const;

/** Validation rows for `rows` training rows: 10,000, or a sixth of a smaller set. */
export function defaultValidation(rows: number): number {
  return Math.min(DEFAULTS.maxValidation, Math.floor(rows / 6));
}
