import { test, expect } from 'bun:test';
import { biasRelu } from '../rowwise.ts';
import { relu } from '../activations.ts';
import { randomArray } from '../compare.ts';
import { Rng } from '../random.ts';
import { SharedKernels, detectSharedSimd } from './shared-kernels.ts';
import { arenaOf } from './in-arena.ts';

/** Each element's bits, NaN as NaN: a NaN's sign and payload are the runtime's choice, in WebAssembly as in JavaScript. */
const bits = (a: Float32Array) => [...new Uint32Array(a.buffer.slice(a.byteOffset, a.byteOffset + a.byteLength))].map((b, i) => (Number.isNaN(a[i]) ? 'NaN' : b));

// In place (WebAssembly) and not (an arena for `simd: 'off'`, TypeScript loops over its buffers).
for (const inPlace of [true, false]) test(`ReLU on arena arrays${inPlace ? '' : ' (inPlace: false)'} gives the loops\' results bit for bit (NaN, -0, Infinity, odd sizes)`, () => {
  expect(detectSharedSimd()).not.toBe('none');
  const k = SharedKernels.create(undefined, { inPlace });
  const rng = new Rng(3);
  for (const [rows, cols] of [[1, 1], [3, 7], [100, 400], [5, 13]]) {
    const n = rows * cols;
    const x = randomArray(rng, n);
    x[0] = NaN;
    if (n > 2) [x[1], x[2]] = [-0, Infinity];
    const bias = randomArray(rng, cols);
    const dy = randomArray(rng, n);
    // Plain arrays: the loops.
    const px = x.slice();
    const py = new Float32Array(n);
    biasRelu(rows, cols, px, bias, py);
    const pdx = new Float32Array(n);
    relu.backward(n, px, py, dy, pdx);
    // The same in the arena.
    const [ax, ab, ay, ady, adx] = [x, bias, new Float32Array(n), dy, new Float32Array(n)].map((a) => {
      const v = k.alloc(a.length);
      v.set(a);
      return v;
    });
    expect(arenaOf(ax, ab, ay)).toBe(inPlace ? k : null);
    biasRelu(rows, cols, ax, ab, ay);
    relu.backward(n, ax, ay, ady, adx);
    expect(bits(ax), `${rows}x${cols}: x + bias`).toEqual(bits(px));
    expect(bits(ay), `${rows}x${cols}: relu`).toEqual(bits(py));
    expect(bits(adx), `${rows}x${cols}: relu backward`).toEqual(bits(pdx));
    // dx aliasing dy, as backprop calls it.
    relu.backward(n, ax, ay, ady, ady);
    expect(bits(ady), `${rows}x${cols}: in place`).toEqual(bits(pdx));
  }
});

test('arrays from outside the arena, or too short, take the loops', () => {
  const k = SharedKernels.create();
  const inside = k.alloc(8);
  expect(arenaOf(inside, new Float32Array(8))).toBe(null);
  expect(arenaOf(new Float64Array(8), inside)).toBe(null);
  // A y shorter than rows * cols: the loop writes what fits and nothing past it.
  const x = k.alloc(8).fill(1);
  const y = k.alloc(4);
  const after = k.alloc(4).fill(7);
  biasRelu(2, 4, x, k.alloc(4), y.subarray(0, 2));
  expect([...after]).toEqual([7, 7, 7, 7]);
});
