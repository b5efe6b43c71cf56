import { test, expect } from 'bun:test';
import { gemm } from './gemm.ts';
import { createBlockedGemm } from './gemm-blocked.ts';
import { createWasmGemm, detectSimd } from './wasm/gemm-wasm.ts';
import { randomArray, maxRelativeError } from './compare.ts';
import { Rng } from './random.ts';
import type { GemmFn } from './gemm.ts';

const SIZES = [1, 3, 7, 33, 100, 257, 784];

/**
 * Error relative to the largest element of the expected result: the fast
 * paths sum in float32 while the reference sums in float64, so an element
 * that cancels to near zero can differ by more than 1e-5 of itself.
 */
const normError = (got: Float32Array, want: Float32Array) => maxRelativeError(got, want, want.reduce((m, v) => Math.max(m, Math.abs(v)), 1e-30));
const level = detectSimd();
const paths: [string, GemmFn][] = [['typescript', createBlockedGemm()]];
if (level !== 'none') paths.push(['wasm-simd', createWasmGemm('simd')]);
if (level === 'relaxed') paths.push(['wasm-relaxed', createWasmGemm('relaxed')]);

test('this runtime has WebAssembly SIMD (every supported runtime does)', () => {
  expect(level).not.toBe('none');
});

for (const [name, fast] of paths) {
  test(`${name} GEMM matches the reference on awkward sizes, all transposes`, () => {
    const rng = new Rng(name.length);
    let cases = 0;
    for (const m of SIZES) {
      for (const n of SIZES) {
        // k over the same sizes would be 216 cases x 4 transposes; vary it with m and n.
        const k = SIZES[(SIZES.indexOf(m) + 2 * SIZES.indexOf(n)) % SIZES.length];
        for (const ta of [false, true]) {
          for (const tb of [false, true]) {
            const a = randomArray(rng, m * k);
            const b = randomArray(rng, k * n);
            const c0 = randomArray(rng, m * n);
            const beta = (m + n) % 3 === 0 ? 0 : 0.5;
            const want = c0.slice();
            const got = c0.slice();
            gemm(ta, tb, m, n, k, 1.5, a, b, beta, want);
            fast(ta, tb, m, n, k, 1.5, a, b, beta, got);
            const err = normError(got, want);
            expect(err, `${name} m=${m} n=${n} k=${k} transA=${ta} transB=${tb}: error ${err}`).toBeLessThan(1e-5);
            cases++;
          }
        }
      }
    }
    expect(cases).toBe(SIZES.length * SIZES.length * 4);
  });

  test(`${name} GEMM on the training shapes (784 inputs) and with k = 0`, () => {
    const rng = new Rng(99);
    for (const [m, n, k, ta, tb] of [[100, 400, 784, false, true], [400, 784, 100, true, false], [100, 784, 400, false, false]] as const) {
      const a = randomArray(rng, m * k);
      const b = randomArray(rng, k * n);
      const want = new Float32Array(m * n);
      const got = new Float32Array(m * n).fill(NaN);
      gemm(ta, tb, m, n, k, 1, a, b, 0, want);
      fast(ta, tb, m, n, k, 1, a, b, 0, got);
      expect(normError(got, want), `${m}x${n}x${k}`).toBeLessThan(1e-5);
    }
    const c = Float32Array.of(2, 4, 6);
    fast(false, false, 1, 3, 0, 1, new Float32Array(0), new Float32Array(0), 0.5, c);
    expect([...c]).toEqual([1, 2, 3]);
  });

  test(`${name} GEMM on products cut into cache blocks (m past 256 rows, k past 256 steps), all transposes`, () => {
    const rng = new Rng(1024);
    for (const [m, n, k] of [[513, 37, 600], [260, 9, 1030], [300, 260, 257]]) {
      for (const ta of [false, true]) {
        for (const tb of [false, true]) {
          const a = randomArray(rng, m * k);
          const b = randomArray(rng, k * n);
          const c0 = randomArray(rng, m * n);
          const want = c0.slice();
          const got = c0.slice();
          gemm(ta, tb, m, n, k, 0.75, a, b, 0.5, want);
          fast(ta, tb, m, n, k, 0.75, a, b, 0.5, got);
          expect(normError(got, want), `${name} ${m}x${n}x${k} transA=${ta} transB=${tb}: ${normError(got, want)}`).toBeLessThan(1e-5);
        }
      }
    }
  });

  test(`${name} GEMM propagates NaN and Inf like the reference`, () => {
    const a = Float32Array.of(1, NaN, 2, 3, Infinity, 1);
    const b = Float32Array.of(1, 2, 3, 4, 5, 6);
    const want = new Float32Array(4);
    const got = new Float32Array(4);
    gemm(false, false, 2, 2, 3, 1, a, b, 0, want);
    fast(false, false, 2, 2, 3, 1, a, b, 0, got);
    expect([...got].map(String)).toEqual([...want].map(String));
  });
}
