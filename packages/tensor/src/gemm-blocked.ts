/**
 * A faster GEMM in plain TypeScript, the fallback where WebAssembly SIMD is
 * missing. Operands are first laid out row-major (transposed into scratch
 * when given transposed), then a 4x4 block of C is kept in sixteen local
 * variables while k runs: sixteen multiply-adds for every eight loads,
 * where a plain loop does one for every three. Edges use the plain loop.
 * @module
 */
import { checkGemm, gemm as referenceGemm, type GemmFn } from './gemm.ts';

/** Creates a blocked GEMM with its own scratch space (reused between calls). */
export function createBlockedGemm(): GemmFn {
  let scratchA = new Float32Array(0);
  let scratchB = new Float32Array(0);
  return (transA, transB, m, n, k, alpha, a, b, beta, c) => {
    if (!(a instanceof Float32Array && b instanceof Float32Array && c instanceof Float32Array)) {
      referenceGemm(transA, transB, m, n, k, alpha, a, b, beta, c);
      return;
    }
    checkGemm(transA, transB, m, n, k, a, b, c);
    let aa = a;
    if (transA) {
      if (scratchA.length < m * k) scratchA = new Float32Array(m * k);
      transposeInto(a, k, m, scratchA);
      aa = scratchA;
    }
    let bb = b;
    if (transB) {
      if (scratchB.length < k * n) scratchB = new Float32Array(k * n);
      transposeInto(b, n, k, scratchB);
      bb = scratchB;
    }
    const m4 = m - (m % 4);
    const n4 = n - (n % 4);
    for (let i = 0; i < m4; i += 4) {
      for (let j = 0; j < n4; j += 4) block4x4(aa, bb, c, i, j, n, k, alpha, beta);
      for (let j = n4; j < n; j++) for (let r = i; r < i + 4; r++) single(aa, bb, c, r, j, n, k, alpha, beta);
    }
    for (let i = m4; i < m; i++) for (let j = 0; j < n; j++) single(aa, bb, c, i, j, n, k, alpha, beta);
  };
}

/** out[c * rows + r] = x[r * cols + c]: x is rows x cols. */
function transposeInto(x: Float32Array, rows: number, cols: number, out: Float32Array): void {
  for (let r = 0; r < rows; r++) for (let col = 0; col < cols; col++) out[col * rows + r] = x[r * cols + col];
}

function single(a: Float32Array, b: Float32Array, c: Float32Array, i: number, j: number, n: number, k: number, alpha: number, beta: number): void {
  let s = 0;
  for (let p = 0; p < k; p++) s += a[i * k + p] * b[p * n + j];
  const o = i * n + j;
  c[o] = beta === 0 ? alpha * s : alpha * s + beta * c[o];
}

function block4x4(a: Float32Array, b: Float32Array, c: Float32Array, i: number, j: number, n: number, k: number, alpha: number, beta: number): void {
  let c00 = 0, c01 = 0, c02 = 0, c03 = 0;
  let c10 = 0, c11 = 0, c12 = 0, c13 = 0;
  let c20 = 0, c21 = 0, c22 = 0, c23 = 0;
  let c30 = 0, c31 = 0, c32 = 0, c33 = 0;
  let pa0 = i * k;
  let pa1 = pa0 + k;
  let pa2 = pa1 + k;
  let pa3 = pa2 + k;
  let pb = j;
  for (let p = 0; p < k; p++) {
    const b0 = b[pb], b1 = b[pb + 1], b2 = b[pb + 2], b3 = b[pb + 3];
    const a0 = a[pa0++], a1 = a[pa1++], a2 = a[pa2++], a3 = a[pa3++];
    c00 += a0 * b0; c01 += a0 * b1; c02 += a0 * b2; c03 += a0 * b3;
    c10 += a1 * b0; c11 += a1 * b1; c12 += a1 * b2; c13 += a1 * b3;
    c20 += a2 * b0; c21 += a2 * b1; c22 += a2 * b2; c23 += a2 * b3;
    c30 += a3 * b0; c31 += a3 * b1; c32 += a3 * b2; c33 += a3 * b3;
    pb += n;
  }
  store4(c, i * n + j, c00, c01, c02, c03, alpha, beta);
  store4(c, (i + 1) * n + j, c10, c11, c12, c13, alpha, beta);
  store4(c, (i + 2) * n + j, c20, c21, c22, c23, alpha, beta);
  store4(c, (i + 3) * n + j, c30, c31, c32, c33, alpha, beta);
}

function store4(c: Float32Array, o: number, x0: number, x1: number, x2: number, x3: number, alpha: number, beta: number): void {
  if (beta === 0) {
    c[o] = alpha * x0;
    c[o + 1] = alpha * x1;
    c[o + 2] = alpha * x2;
    c[o + 3] = alpha * x3;
  } else {
    c[o] = alpha * x0 + beta * c[o];
    c[o + 1] = alpha * x1 + beta * c[o + 1];
    c[o + 2] = alpha * x2 + beta * c[o + 2];
    c[o + 3] = alpha * x3 + beta * c[o + 3];
  }
}
