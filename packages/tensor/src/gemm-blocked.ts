/**
 * A faster GEMM in plain TypeScript, the fallback where WebAssembly SIMD is
 * missing. Every product is turned into row updates with a contiguous inner
 * loop (C[i, :] += A(i, p) * B[p, :]), four values of p at a time so each
 * element of C is loaded and stored once per four multiply-adds. op(B) is
 * transposed into a scratch buffer first when B is given transposed.
 * @module
 */
import { checkGemm, gemm as referenceGemm, type GemmFn } from './gemm.ts';

/** Creates a blocked GEMM with its own scratch space (reused between calls). */
export function createBlockedGemm(): GemmFn {
  let scratch = new Float32Array(0);
  return (transA, transB, m, n, k, alpha, a, b, beta, c) => {
    if (!(a instanceof Float32Array && b instanceof Float32Array && c instanceof Float32Array)) {
      referenceGemm(transA, transB, m, n, k, alpha, a, b, beta, c);
      return;
    }
    checkGemm(transA, transB, m, n, k, a, b, c);
    let bb = b;
    if (transB) {
      if (scratch.length < k * n) scratch = new Float32Array(k * n);
      for (let j = 0; j < n; j++) for (let p = 0; p < k; p++) scratch[p * n + j] = b[j * k + p];
      bb = scratch;
    }
    for (let i = 0; i < m; i++) {
      const ci = i * n;
      if (beta === 0) c.fill(0, ci, ci + n);
      else if (beta !== 1) for (let j = 0; j < n; j++) c[ci + j] *= beta;
      const aK = transA ? m : 1;
      const a0 = transA ? i : i * k;
      let p = 0;
      for (; p + 4 <= k; p += 4) {
        const x0 = alpha * a[a0 + p * aK];
        const x1 = alpha * a[a0 + (p + 1) * aK];
        const x2 = alpha * a[a0 + (p + 2) * aK];
        const x3 = alpha * a[a0 + (p + 3) * aK];
        const r0 = p * n;
        const r1 = r0 + n;
        const r2 = r1 + n;
        const r3 = r2 + n;
        for (let j = 0; j < n; j++) c[ci + j] += x0 * bb[r0 + j] + x1 * bb[r1 + j] + x2 * bb[r2 + j] + x3 * bb[r3 + j];
      }
      for (; p < k; p++) {
        const x = alpha * a[a0 + p * aK];
        const r = p * n;
        for (let j = 0; j < n; j++) c[ci + j] += x * bb[r + j];
      }
    }
  };
}
