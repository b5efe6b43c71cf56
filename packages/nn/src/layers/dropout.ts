/**
 * Inverted dropout: in training each value is kept with probability
 * 1 - rate and scaled by 1 / (1 - rate); at inference it passes through.
 * The mask is a counter-based hash of (seed, step, layer, index in the whole
 * batch), so it is the same on every backend and any number of workers, and
 * there is no generator state to share or to save in checkpoints.
 * @module
 */
import type { DropoutLayer } from '../spec.ts';
import type { LayerKernel, LayerPass } from './layer.ts';

/** A 32-bit finaliser (lowbias32): every input bit flips about half the output bits. */
function mix(h: number): number {
  h ^= h >>> 16;
  h = Math.imul(h, 0x7feb352d);
  h ^= h >>> 15;
  h = Math.imul(h, 0x846ca68b);
  h ^= h >>> 16;
  return h >>> 0;
}

/** A uniform 32-bit value for one element: u32 operations only, so WGSL can compute the same. */
export function dropoutHash(seed: number, step: number, layer: number, index: number): number {
  return mix(mix(mix(mix(seed >>> 0) ^ (step >>> 0)) ^ (layer >>> 0)) ^ (index >>> 0));
}

/** Whether element `index` of the batch survives; the threshold compares against rate 2^32. */
export function dropoutKeeps(seed: number, step: number, layer: number, index: number, rate: number): boolean {
  return dropoutHash(seed, step, layer, index) >= rate * 4294967296;
}

function apply(p: LayerPass, src: ArrayLike<number>, dst: { [i: number]: number }): void {
  const rate = (p.info.spec as DropoutLayer).rate;
  const n = p.info.inSize;
  const scale = 1 / (1 - rate);
  const first = p.rowOffset * n;
  for (let i = 0; i < p.rows * n; i++) {
    dst[i] = dropoutKeeps(p.seed, p.step, p.info.index, first + i, rate) ? src[i] * scale : 0;
  }
}

export const dropout: LayerKernel = {
  forward(p, x, y) {
    if (p.training && (p.info.spec as DropoutLayer).rate > 0) apply(p, x, y);
    else for (let i = 0; i < p.rows * p.info.inSize; i++) y[i] = x[i];
  },
  backward(p, _x, _y, dy, dx) {
    if (dx) apply(p, dy, dx);
  },
};
