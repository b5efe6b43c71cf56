import { test, expect } from 'bun:test';
import { gemm } from './gemm.ts';
import { randomArray, maxRelativeError } from './compare.ts';
import { Rng } from './random.ts';
import { SharedKernels, detectSharedSimd } from './wasm/shared-kernels.ts';

const level = detectSharedSimd();

test('shared-memory kernels are available (Node, Deno and Bun all have them)', () => {
  expect(level).not.toBe('none');
});

const levels = level === 'relaxed' ? (['simd', 'relaxed'] as const) : (['simd'] as const);
for (const lv of levels) {
  test(`${lv}: in-place GEMM on arena buffers matches the reference, all transposes`, () => {
    const k = SharedKernels.create(lv);
    const rng = new Rng(7);
    for (const [m, n, kk] of [[1, 1, 1], [7, 33, 3], [100, 257, 784], [33, 7, 100]]) {
      for (const ta of [false, true]) {
        for (const tb of [false, true]) {
          const a = k.alloc(m * kk);
          a.set(randomArray(rng, m * kk));
          const b = k.alloc(kk * n);
          b.set(randomArray(rng, kk * n));
          const c = k.alloc(m * n);
          c.set(randomArray(rng, m * n));
          const want = Float32Array.from(c);
          gemm(ta, tb, m, n, kk, 0.5, a, b, 0.25, want);
          k.gemm(ta, tb, m, n, kk, 0.5, a, b, 0.25, c);
          const scale = want.reduce((s, v) => Math.max(s, Math.abs(v)), 1e-30);
          expect(maxRelativeError(c, want, scale), `${m}x${n}x${kk} ${ta} ${tb}`).toBeLessThan(1e-5);
        }
      }
    }
    // Operands outside the memory take the copying path, with the same result.
    const a = randomArray(rng, 12);
    const b = randomArray(rng, 12);
    const c = new Float32Array(9);
    const want = new Float32Array(9);
    gemm(false, true, 3, 3, 4, 1, a, b, 0, want);
    k.gemm(false, true, 3, 3, 4, 1, a, b, 0, c);
    expect(maxRelativeError(c, want, 1)).toBeLessThan(1e-6);
  });

  test(`${lv}: Adam in place (with gradient parts) matches the scalar formula`, () => {
    const k = SharedKernels.create(lv);
    const n = 11; // not a multiple of 4: the tail runs too
    const rng = new Rng(8);
    const p = k.alloc(n);
    const m = k.alloc(n);
    const v = k.alloc(n);
    const g0 = k.alloc(n);
    const g1 = k.alloc(n);
    p.set(randomArray(rng, n));
    const ref = { p: Float64Array.from(p), m: new Float64Array(n), v: new Float64Array(n) };
    for (let t = 1; t <= 3; t++) {
      g0.set(randomArray(rng, n));
      g1.set(randomArray(rng, n));
      expect(k.adam(p, [g0, g1], m, v, 0.01, t, 0.9, 0.999, 1e-8, 2, n)).toBe(true);
      for (let i = 2; i < n; i++) {
        const g = g0[i] + g1[i];
        ref.m[i] = 0.9 * ref.m[i] + 0.1 * g;
        ref.v[i] = 0.999 * ref.v[i] + 0.001 * g * g;
        ref.p[i] -= (0.01 / (1 - 0.9 ** t)) * ref.m[i] / (Math.sqrt(ref.v[i] / (1 - 0.999 ** t)) + 1e-8);
      }
    }
    expect(maxRelativeError(p, ref.p, 1)).toBeLessThan(1e-5);
    expect(p[0], 'elements before start untouched').toBe(Math.fround(ref.p[0]));
    expect(k.adam(new Float32Array(n), [g0], m, v, 0.01, 1, 0.9, 0.999, 1e-8, 0, n), 'not in the memory: declined').toBe(false);
  });
}

test('views stay valid when the memory grows, and attach shares it', () => {
  const k = SharedKernels.create('simd');
  const first = k.alloc(4);
  first.set([1, 2, 3, 4]);
  k.alloc(8 << 20); // grows the memory by 32 MiB
  expect([...first]).toEqual([1, 2, 3, 4]);
  const region = k.reserve(1024);
  const other = SharedKernels.attach(k.memory, 'simd', region.start, region.end);
  const seen = other.view(first.byteOffset, 4);
  expect([...seen]).toEqual([1, 2, 3, 4]);
  expect(() => other.alloc(1000)).toThrow(/arena region exhausted/);
});
