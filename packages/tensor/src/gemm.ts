/**
 * The reference GEMM: C = alpha * op(A) * op(B) + beta * C, row-major, where
 * op(A) is M x K and op(B) is K x N. `transA` means A is stored K x M,
 * `transB` means B is stored N x K. Backprop needs the transposed forms:
 * dW = dY^T X and dX = dY W.
 *
 * Plain loops, obviously correct. Faster kernels are tested against this one.
 * @module
 */
import type { FloatArray } from './shape.ts';

/** Arguments of a GEMM call, in BLAS order. */
export type GemmFn = (
  transA: boolean,
  transB: boolean,
  m: number,
  n: number,
  k: number,
  alpha: number,
  a: FloatArray,
  b: FloatArray,
  beta: number,
  c: FloatArray,
) => void;

/**
 * Reference GEMM.
 * @example
 * const c = new Float32Array(4);
 * gemm(false, false, 2, 2, 1, 1, Float32Array.of(1, 2), Float32Array.of(3, 4), 0, c); // c = [3,4,6,8]
 */
export const gemm: GemmFn = (transA, transB, m, n, k, alpha, a, b, beta, c) => {
  checkGemm(transA, transB, m, n, k, a, b, c);
  for (let i = 0; i < m; i++) {
    for (let j = 0; j < n; j++) {
      let sum = 0;
      for (let p = 0; p < k; p++) {
        const av = transA ? a[p * m + i] : a[i * k + p];
        const bv = transB ? b[j * k + p] : b[p * n + j];
        sum += av * bv;
      }
      // beta = 0 must overwrite, even NaN left in C from before.
      c[i * n + j] = beta === 0 ? alpha * sum : alpha * sum + beta * c[i * n + j];
    }
  }
};

/** Throws a RangeError when the arrays are too short for the sizes. */
export function checkGemm(
  transA: boolean,
  transB: boolean,
  m: number,
  n: number,
  k: number,
  a: FloatArray,
  b: FloatArray,
  c: FloatArray,
): void {
  for (const [name, v] of [['m', m], ['n', n], ['k', k]] as const) {
    if (!Number.isInteger(v) || v < 0) throw new RangeError(`gemm: ${name} must be a non-negative integer, got ${v}`);
  }
  if (a.length < m * k) throw new RangeError(`gemm: A has ${a.length} elements, needs ${m * k} (${transA ? 'K x M' : 'M x K'})`);
  if (b.length < k * n) throw new RangeError(`gemm: B has ${b.length} elements, needs ${k * n} (${transB ? 'N x K' : 'K x N'})`);
  if (c.length < m * n) throw new RangeError(`gemm: C has ${c.length} elements, needs ${m * n}`);
}
