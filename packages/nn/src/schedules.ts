/**
 * Learning-rate schedules. `linear` and `cosine` decay per optimizer step
 * over the whole run, from `lr` at the first step to `lrEnd` at the last, so
 * a short run does not spend its last epoch at the floor. `linear-epoch` and
 * `cosine-epoch` are the seed's per-epoch forms (one rate for each epoch,
 * `lrEnd` for the last). `warmup` ramps the rate up linearly over the first
 * steps of any schedule.
 * @module
 */

export const SCHEDULES = ['constant', 'linear', 'cosine', 'linear-epoch', 'cosine-epoch'] as const;
export type ScheduleName = (typeof SCHEDULES)[number];

export interface ScheduleConfig {
  name: ScheduleName;
  /** Learning rate at the start (after any warmup). */
  lr: number;
  /** Learning rate at the last step (`linear`, `cosine`) or the last epoch (`-epoch` forms). */
  lrEnd: number;
  /** Steps over which the rate rises linearly from lr/warmup to lr (default 0: none). */
  warmup?: number;
}

/** Where a run is: optimizer step `step` (0-based) of `steps`, in epoch `epoch` (0-based) of `epochs`. */
export interface SchedulePosition {
  step: number;
  steps: number;
  epoch: number;
  epochs: number;
}

/** True when the rate can change between the steps of one epoch. */
export function changesPerStep(s: ScheduleConfig): boolean {
  return s.name === 'linear' || s.name === 'cosine' || (s.warmup ?? 0) > 0;
}

/** Checks a schedule; throws RangeError naming the field. */
export function checkSchedule(s: ScheduleConfig): void {
  if (!SCHEDULES.includes(s.name)) throw new RangeError(`unknown schedule ${JSON.stringify(s.name)}; choose from ${SCHEDULES.join(', ')}`);
  if (!(s.lr > 0) || !Number.isFinite(s.lr)) throw new RangeError(`learning rate must be a positive number, got ${s.lr}`);
  if (s.name !== 'constant' && (!(s.lrEnd >= 0) || !Number.isFinite(s.lrEnd))) throw new RangeError(`lrEnd must be a non-negative number, got ${s.lrEnd}`);
  const w = s.warmup ?? 0;
  if (!Number.isInteger(w) || w < 0) throw new RangeError(`warmup must be a non-negative whole number of steps, got ${w}`);
}

/** The learning rate at position `p` of a run. */
export function learningRateAt(s: ScheduleConfig, p: SchedulePosition): number {
  const warmup = s.warmup ?? 0;
  const ramp = p.step < warmup ? (p.step + 1) / warmup : 1;
  return ramp * decayed(s, p, warmup);
}

function decayed(s: ScheduleConfig, p: SchedulePosition, warmup: number): number {
  switch (s.name) {
    case 'constant':
      return s.lr;
    case 'linear':
    case 'cosine': {
      // The decay starts after the warmup and reaches lrEnd at the last step.
      const span = p.steps - 1 - warmup;
      return blend(s, span <= 0 ? 0 : (p.step - warmup) / span);
    }
    case 'linear-epoch':
    case 'cosine-epoch':
      return blend(s, p.epochs <= 1 ? 0 : p.epoch / (p.epochs - 1));
    default:
      throw new RangeError(`unknown schedule ${JSON.stringify(s.name)}; choose from ${SCHEDULES.join(', ')}`);
  }
}

/** The rate a fraction `f` of the way from lr to lrEnd; written as a blend so f = 1 gives exactly lrEnd. */
function blend(s: ScheduleConfig, fraction: number): number {
  const f = Math.min(Math.max(fraction, 0), 1);
  if (s.name === 'linear' || s.name === 'linear-epoch') return s.lr * (1 - f) + s.lrEnd * f;
  return s.lrEnd + ((s.lr - s.lrEnd) * (1 + Math.cos(Math.PI * f))) / 2;
}
