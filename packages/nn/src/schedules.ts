/**
 * Learning-rate schedules, evaluated per epoch. `linear` is the seed's
 * (e.g. 1e-3 falling to 1e-5 by the last epoch); `cosine` falls from `lr` to
 * `lrEnd` along half a cosine.
 * @module
 */

export const SCHEDULES = ['constant', 'linear', 'cosine'] as const;
export type ScheduleName = (typeof SCHEDULES)[number];

export interface ScheduleConfig {
  name: ScheduleName;
  lr: number;
  /** Learning rate of the last epoch (linear, cosine). */
  lrEnd: number;
}

/** Learning rate for `epoch` (0-based) of `epochs`. */
export function learningRateAt(s: ScheduleConfig, epoch: number, epochs: number): number {
  if (s.name === 'constant' || epochs <= 1) return s.lr;
  const f = Math.min(Math.max(epoch / (epochs - 1), 0), 1);
  // Written as a blend so the last epoch gets exactly lrEnd.
  if (s.name === 'linear') return s.lr * (1 - f) + s.lrEnd * f;
  if (s.name === 'cosine') return s.lrEnd + ((s.lr - s.lrEnd) * (1 + Math.cos(Math.PI * f))) / 2;
  throw new RangeError(`unknown schedule ${JSON.stringify(s.name)}; choose from ${SCHEDULES.join(', ')}`);
}
