/**
 * Cache blocking for the WebAssembly GEMM. The kernel sweeps a whole k for
 * each tile of C, so on large products one tile's slices of A and B no
 * longer stay in the caches between tiles (1024 cubed ran at half speed).
 * Here the product is cut into blocks of at most KC steps of k and MC rows
 * of C, each one kernel call over sub-matrices (the kernel takes leading
 * dimensions): a block's A (MC x KC floats, 256 KiB) stays in L2 while its
 * 8-column panels of B (8 KiB) stay in L1. k-blocks after the first add to
 * C (beta = 1), so the sums are split at block edges, nothing else changes.
 * @module
 */

/** The kernel's export: sizes, then each operand's byte offset and leading dimension (in floats). */
export type WasmGemmKernel = (
  transA: number,
  transB: number,
  m: number,
  n: number,
  k: number,
  alpha: number,
  pA: number,
  lda: number,
  pB: number,
  ldb: number,
  beta: number,
  pC: number,
  ldc: number,
  scratch: number,
) => void;

/** Steps of k per block. */
export const KC = 256;
/** Rows of C per block. */
export const MC = 256;

/** Floats of scratch the kernel needs for products with `k` steps: one packed panel of B and a spill tile. */
export const scratchFloats = (k: number) => 8 * Math.min(k, KC) + 32;

/** Splits `size` into the fewest blocks of at most `most`, equal up to a multiple of 4. */
function blockSize(size: number, most: number): number {
  const blocks = Math.ceil(size / most);
  return Math.min(size, Math.ceil(size / blocks / 4) * 4);
}

/**
 * C = alpha op(A) op(B) + beta C (row-major, contiguous operands at byte
 * offsets), in cache-sized blocks; `blocked: false` makes one call.
 */
export function gemmInBlocks(
  kernel: WasmGemmKernel,
  transA: boolean,
  transB: boolean,
  m: number,
  n: number,
  k: number,
  alpha: number,
  pA: number,
  pB: number,
  beta: number,
  pC: number,
  scratch: number,
  blocked = true,
): void {
  const ta = transA ? 1 : 0;
  const tb = transB ? 1 : 0;
  const lda = transA ? m : k;
  const ldb = transB ? k : n;
  if (!blocked || (k <= KC && m <= MC) || k === 0) {
    kernel(ta, tb, m, n, k, alpha, pA, lda, pB, ldb, beta, pC, n, scratch);
    return;
  }
  const kc = blockSize(k, KC);
  const mc = blockSize(m, MC);
  for (let p = 0; p < k; p += kc) {
    const kb = Math.min(kc, k - p);
    // Where step p of k starts in A and B, in bytes.
    const a0 = pA + 4 * (transA ? p * m : p);
    const b0 = pB + 4 * (transB ? p : p * n);
    const betaHere = p === 0 ? beta : 1;
    for (let i = 0; i < m; i += mc) {
      const mb = Math.min(mc, m - i);
      const a = a0 + 4 * (transA ? i : i * k);
      kernel(ta, tb, mb, n, kb, alpha, a, lda, b0, ldb, betaHere, pC + 4 * i * n, n, scratch);
    }
  }
}
