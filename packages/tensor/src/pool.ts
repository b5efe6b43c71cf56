/**
 * 2x2 max pooling with stride 2 over `planes` planes of H x W (an odd last
 * row or column is dropped), reading the four values of each window
 * directly. The gradient goes to each window's first maximum in row-major
 * order. These loops are the definition; arrays from a SharedKernels arena
 * run the same comparisons in WebAssembly SIMD (scripts/conv-wat.mjs).
 * @module
 */
import type { FloatArray } from './shape.ts';
import { arenaOf } from './wasm/in-arena.ts';

/** y[p, oy, ox] = the largest of x[p, 2 oy .. 2 oy + 1, 2 ox .. 2 ox + 1] (the value at its first maximum, as
 * the backward pass chooses it, NaN included). */
export function maxPool2(planes: number, H: number, W: number, x: FloatArray, y: FloatArray): void {
  const OH = H >> 1;
  const OW = W >> 1;
  const arena = planes * OH * OW > 0 && x.length >= planes * H * W && y.length >= planes * OH * OW ? arenaOf(x, y) : null;
  if (arena) return arena.exports.maxPool2(x.byteOffset, y.byteOffset, planes, H, W, OH, OW);
  let o = 0;
  for (let p = 0; p < planes; p++) {
    const plane = p * H * W;
    for (let oy = 0; oy < OH; oy++) {
      let i = plane + 2 * oy * W;
      for (let ox = 0; ox < OW; ox++, i += 2) {
        // In row-major order, a later value replacing the maximum only when larger (as the gradient's choice).
        let m = x[i];
        if (x[i + 1] > m) m = x[i + 1];
        if (x[i + W] > m) m = x[i + W];
        if (x[i + W + 1] > m) m = x[i + W + 1];
        y[o++] = m;
      }
    }
  }
}

/** dx = dy at each window's first maximum of x (row-major), 0 elsewhere (dropped rows and columns included). */
export function maxPool2Backward(planes: number, H: number, W: number, x: FloatArray, dy: FloatArray, dx: FloatArray): void {
  const OH = H >> 1;
  const OW = W >> 1;
  // The kernel writes all four values of every window; only a dropped odd row or column needs zeros first.
  if (H % 2 !== 0 || W % 2 !== 0 || OH * OW === 0) dx.fill(0, 0, planes * H * W);
  const arena = planes * OH * OW > 0 && x.length >= planes * H * W && dx.length >= planes * H * W && dy.length >= planes * OH * OW ? arenaOf(x, dy, dx) : null;
  if (arena) return arena.exports.maxPool2Backward(x.byteOffset, dy.byteOffset, dx.byteOffset, planes, H, W, OH, OW);
  let o = 0;
  for (let p = 0; p < planes; p++) {
    const plane = p * H * W;
    for (let oy = 0; oy < OH; oy++) {
      let i = plane + 2 * oy * W;
      for (let ox = 0; ox < OW; ox++, i += 2) {
        let best = i;
        if (x[i + 1] > x[best]) best = i + 1;
        if (x[i + W] > x[best]) best = i + W;
        if (x[i + W + 1] > x[best]) best = i + W + 1;
        dx[i] = 0;
        dx[i + 1] = 0;
        dx[i + W] = 0;
        dx[i + W + 1] = 0;
        dx[best] = dy[o++];
      }
    }
  }
}
