/**
 * How the pool divides work: `n` things (rows of a batch, units of a layer,
 * parameters to update) into `parts` contiguous shares, in order, as even
 * as integers allow. Every thread computes the same shares, so none needs
 * telling.
 * @module
 */

/** The share [lo, hi) of `n` things that part `i` of `parts` takes; empty when there are fewer things than parts. */
export function share(n: number, i: number, parts: number): [number, number] {
  return [Math.floor((i * n) / parts), Math.floor(((i + 1) * n) / parts)];
}

/** The largest share any part gets. */
export function largestShare(n: number, parts: number): number {
  return Math.ceil(n / parts);
}
