import { test, expect } from 'bun:test';
import { maxPool2, maxPool2Backward } from './pool.ts';
import { randomArray } from './compare.ts';

/** Equal element by element as values (any NaN equals any NaN; 0 and -0 differ). */
const sameValues = (a: Float32Array, b: Float32Array, what: string) =>
  expect(a.length === b.length && a.every((v, i) => Object.is(v, b[i])), what).toBeTruthy();
import { Rng } from './random.ts';
import { SharedKernels, detectSharedSimd } from './wasm/shared-kernels.ts';

const arena = detectSharedSimd() === 'none' ? null : SharedKernels.create();
const inArena = (a: Float32Array): Float32Array => {
  if (!arena) return Float32Array.from(a);
  const b = arena.alloc(a.length);
  b.set(a);
  return b;
};

/** Values from a few levels, so windows have ties (the first maximum must win), and a few NaNs. */
function tiedInput(rng: Rng, n: number): Float32Array {
  const x = randomArray(rng, n).map((v) => Math.round(v * 2) / 2);
  for (let i = 0; i < n; i += 37) x[i] = NaN;
  return x;
}

// Sides odd and even, outputs per row below, at and past the four the SIMD loop takes at once.
for (const [planes, H, W] of [[3, 24, 24], [2, 8, 8], [5, 7, 9], [1, 2, 2], [4, 13, 19], [2, 1, 6], [3, 18, 17]]) {
  test(`max pool 2x2, ${planes} planes of ${H}x${W}: the definition (first maximum wins) and the arena path bit for bit`, () => {
    const rng = new Rng(planes * 1000 + H * 10 + W);
    const OH = H >> 1;
    const OW = W >> 1;
    const x = tiedInput(rng, planes * H * W);
    const y = new Float32Array(planes * OH * OW).fill(-7);
    maxPool2(planes, H, W, x, y);
    const dy = randomArray(rng, y.length);
    const dx = new Float32Array(x.length).fill(NaN);
    maxPool2Backward(planes, H, W, x, dy, dx);
    const want = new Float32Array(x.length);
    for (let p = 0; p < planes; p++)
      for (let oy = 0; oy < OH; oy++)
        for (let ox = 0; ox < OW; ox++) {
          // The first maximum in row-major order: a later value replaces it only when larger.
          let best = p * H * W + 2 * oy * W + 2 * ox;
          for (const at of [best + 1, best + W, best + W + 1]) if (x[at] > x[best]) best = at;
          const o = (p * OH + oy) * OW + ox;
          expect(Object.is(y[o], x[best]), `window ${o}: ${y[o]} vs ${x[best]}`).toBeTruthy();
          want[best] = dy[o];
        }
    sameValues(dx, want, 'dx equals want');
    const fastY = inArena(new Float32Array(y.length).fill(-7));
    maxPool2(planes, H, W, inArena(x), fastY);
    sameValues(fastY, y, 'fastY equals y');
    const fastDx = inArena(new Float32Array(x.length).fill(NaN));
    maxPool2Backward(planes, H, W, inArena(x), inArena(dy), fastDx);
    sameValues(fastDx, dx, 'fastDx equals dx');
  });
}
