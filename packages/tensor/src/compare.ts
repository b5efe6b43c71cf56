/**
 * Helpers for checking one kernel against another: random inputs from a
 * seed, and the largest relative difference between two arrays.
 * @module
 */
import type { FloatArray } from './shape.ts';
import type { Rng } from './random.ts';

/** A Float32Array of `n` uniform values in [lo, hi). */
export function randomArray(rng: Rng, n: number, lo = -1, hi = 1): Float32Array {
  const a = new Float32Array(n);
  for (let i = 0; i < n; i++) a[i] = rng.uniform(lo, hi);
  return a;
}

/**
 * Largest |a - b| / max(|a|, |b|, floor) over the elements. NaN where one is
 * NaN and the other is not, so a missing NaN counts as a mismatch; equal
 * infinities and NaN pairs count as equal.
 */
export function maxRelativeError(a: ArrayLike<number>, b: ArrayLike<number>, floor = 1): number {
  if (a.length !== b.length) throw new RangeError(`lengths differ: ${a.length} vs ${b.length}`);
  let worst = 0;
  for (let i = 0; i < a.length; i++) {
    const x = a[i];
    const y = b[i];
    if (Number.isNaN(x) || Number.isNaN(y)) {
      if (Number.isNaN(x) !== Number.isNaN(y)) return NaN;
      continue;
    }
    if (x === y) continue;
    const e = Math.abs(x - y) / Math.max(Math.abs(x), Math.abs(y), floor);
    if (!(e <= worst)) worst = e;
  }
  return worst;
}
