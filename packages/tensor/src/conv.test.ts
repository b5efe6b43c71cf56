import { test, expect } from 'bun:test';
import { channelsToImages, col2im, im2col, imagesToChannels, type ConvGeometry } from './conv.ts';
import { randomArray } from './compare.ts';

/** Equal element by element as values (any NaN equals any NaN; 0 and -0 differ). */
const sameValues = (a: Float32Array, b: Float32Array, what: string) =>
  expect(a.length === b.length && a.every((v, i) => Object.is(v, b[i])), what).toBeTruthy();
import { Rng } from './random.ts';
import { SharedKernels, detectSharedSimd } from './wasm/shared-kernels.ts';

/** Output sizes as the conv layer's shape function computes them. */
function geometry(C: number, H: number, W: number, k: number, s: number, same: boolean): ConvGeometry {
  const pad = same ? (k - 1) / 2 : 0;
  return { C, H, W, k, s, pad, OH: Math.floor((H + 2 * pad - k) / s) + 1, OW: Math.floor((W + 2 * pad - k) / s) + 1 };
}

/** Both paddings and strides, one to seventeen channels, sides odd and even, rows not a multiple of 4. */
const shapes: [string, ConvGeometry][] = [
  ['1x28x28 k5 valid (the default conv1)', geometry(1, 28, 28, 5, 1, false)],
  ['16x12x12 k5 valid (conv2)', geometry(16, 12, 12, 5, 1, false)],
  ['3x7x9 k3 same', geometry(3, 7, 9, 3, 1, true)],
  ['2x8x8 k3 same (the centre taps take the whole-row path, the others not)', geometry(2, 8, 8, 3, 1, true)],
  ['2x9x8 k3 same stride 2', geometry(2, 9, 8, 3, 2, true)],
  ['5x10x11 k4 valid stride 2', geometry(5, 10, 11, 4, 2, false)],
  ['17x6x5 k1', geometry(17, 6, 5, 1, 1, false)],
  ['1x3x13 k5 same', geometry(1, 3, 13, 5, 1, true)],
];

const arena = detectSharedSimd() === 'none' ? null : SharedKernels.create();
/** A copy of `a` in the arena (the WebAssembly path), or a plain copy where there is none. */
const inArena = (a: Float32Array): Float32Array => {
  if (!arena) return Float32Array.from(a);
  const b = arena.alloc(a.length);
  b.set(a);
  return b;
};

/** x at (r, c, iy, ix), 0 in the padding: the definition im2col unrolls. */
function pixel(g: ConvGeometry, x: Float32Array, r: number, c: number, iy: number, ix: number): number {
  return iy < 0 || iy >= g.H || ix < 0 || ix >= g.W ? 0 : x[((r * g.C + c) * g.H + iy) * g.W + ix];
}

test('arena kernels exist where tests run (Node, Bun and Deno have shared WebAssembly memory)', () => {
  expect(arena, 'no shared-memory WebAssembly in this runtime').toBeTruthy();
});

for (const [name, g] of shapes) {
  test(`im2col and col2im, ${name}: the definition, the adjoint, and the arena path bit for bit`, () => {
    const rng = new Rng(g.C * 100 + g.H);
    for (const rows of [1, 3, 5]) {
      const P = g.OH * g.OW;
      const kk = g.C * g.k * g.k;
      const x = randomArray(rng, rows * g.C * g.H * g.W);
      const col = new Float32Array(kk * rows * P).fill(NaN);
      im2col(g, rows, x, col);
      for (let c = 0; c < g.C; c++)
        for (let ky = 0; ky < g.k; ky++)
          for (let kx = 0; kx < g.k; kx++)
            for (let r = 0; r < rows; r++)
              for (let oy = 0; oy < g.OH; oy++)
                for (let ox = 0; ox < g.OW; ox++) {
                  const want = pixel(g, x, r, c, oy * g.s + ky - g.pad, ox * g.s + kx - g.pad);
                  expect(col[((c * g.k + ky) * g.k + kx) * rows * P + r * P + oy * g.OW + ox]).toBe(want);
                }
      const fastCol = inArena(new Float32Array(col.length).fill(NaN));
      im2col(g, rows, inArena(x), fastCol);
      sameValues(fastCol, col, 'im2col in the arena');

      // col2im is im2col's adjoint: <im2col(x), d> = <x, col2im(d)>.
      const d = randomArray(rng, col.length);
      const dx = new Float32Array(x.length).fill(NaN);
      col2im(g, rows, d, dx);
      let lhs = 0;
      let rhs = 0;
      for (let i = 0; i < col.length; i++) lhs += col[i] * d[i];
      for (let i = 0; i < x.length; i++) rhs += x[i] * dx[i];
      expect(Math.abs(lhs - rhs), `adjoint: ${lhs} vs ${rhs}`).toBeLessThanOrEqual(1e-4 * Math.max(1, Math.abs(lhs)));
      const fastDx = inArena(new Float32Array(x.length).fill(NaN));
      col2im(g, rows, inArena(d), fastDx);
      sameValues(fastDx, dx, 'col2im in the arena (same sums in the same order)');
    }
  });
}

for (const [O, rows, P] of [[16, 3, 576], [32, 5, 64], [3, 7, 7], [5, 2, 1], [1, 1, 13]]) {
  test(`channel-major to NCHW and back, O ${O}, ${rows} rows, ${P} positions: definition and arena path`, () => {
    const rng = new Rng(O * 7 + P);
    const n = O * rows * P;
    const t = randomArray(rng, n);
    t[0] = NaN; // the forward ReLU keeps NaN
    const bias = randomArray(rng, O);
    for (const relu of [false, true]) {
      const y = new Float32Array(n).fill(NaN);
      channelsToImages(O, rows, P, t, bias, y, relu);
      for (let r = 0; r < rows; r++)
        for (let o = 0; o < O; o++)
          for (let i = 0; i < P; i++) {
            const v = Math.fround(t[o * rows * P + r * P + i] + bias[o]);
            expect(Object.is(y[(r * O + o) * P + i], relu && v <= 0 ? 0 : v)).toBeTruthy();
          }
      const fastY = inArena(new Float32Array(n).fill(NaN));
      channelsToImages(O, rows, P, inArena(t), inArena(bias), fastY, relu);
      sameValues(fastY, y, 'fastY equals y');

      const dy = randomArray(rng, n);
      const back = new Float32Array(n).fill(NaN);
      const db = new Float32Array(O).fill(NaN);
      imagesToChannels(O, rows, P, y, dy, back, db, relu);
      for (let o = 0; o < O; o++) {
        let sum = 0;
        for (let r = 0; r < rows; r++)
          for (let i = 0; i < P; i++) {
            const at = (r * O + o) * P + i;
            const want = relu && !(y[at] > 0) ? 0 : dy[at];
            expect(back[o * rows * P + r * P + i]).toBe(want);
            sum += want;
          }
        expect(Math.abs(db[o] - sum), `bias gradient ${o}: ${db[o]} vs ${sum}`).toBeLessThanOrEqual(1e-5 * Math.max(1, Math.abs(sum)));
      }
      const fastBack = inArena(new Float32Array(n).fill(NaN));
      const fastDb = inArena(new Float32Array(O).fill(NaN));
      imagesToChannels(O, rows, P, inArena(y), inArena(dy), fastBack, fastDb, relu);
      sameValues(fastBack, back, 'fastBack equals back');
      for (let o = 0; o < O; o++) expect(Math.abs(fastDb[o] - db[o]), `arena bias gradient ${o}`).toBeLessThanOrEqual(1e-5 * Math.max(1, Math.abs(db[o])));
    }
  });
}
