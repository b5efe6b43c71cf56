/**
 * Cache blocking for the WebAssembly GEMM. The kernel sweeps a whole k for
 * each tile of C, so on large products one tile's slices of A and B no
 * longer stay in the caches between tiles (1024 cubed ran at half speed).
 * Here the product is cut into blocks of at most KC steps of k and MC rows
 * of C, each one kernel call over sub-matrices (the kernel takes leading
 * dimensions): a block's A (MC x KC floats, 256 KiB) stays in L2 while its
 * 8-column panels of B (8 KiB, packed by the kernel) stay in L1. k-blocks
 * after the first add to C (beta = 1), so the sums are split at block
 * edges, nothing else changes. Measured on one core (CPU time, busy
 * machine): 1024 cubed from 17 to 31-33 GFLOP/s (NN) and from 11 to 35 (TN).
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
  pack: number,
) => void;

/** The transpose export: dst[c * ldd + r] = src[r * lds + c]. */
export type WasmTranspose = (src: number, rows: number, cols: number, lds: number, dst: number, ldd: number) => void;

/** Steps of k per block. */
export const KC = 256;
/** Rows of C per block. */
export const MC = 256;

/**
 * Elements of a transposed A from which it is copied to row-major blocks;
 * a smaller one stays in cache when read in place (and the workers' arena
 * regions are sized for the panel alone).
 */
export const TRANSPOSE_A_MIN = 65536;

const copiesA = (transA: boolean, m: number, k: number) => transA && m * k >= TRANSPOSE_A_MIN;

/**
 * Floats of scratch for a product: a packed panel of B and a spill tile (for
 * all of k, as a product run in one call needs), and (a large transposed A)
 * a block of A.
 */
export const scratchFloats = (m: number, k: number, transA: boolean) => 8 * k + 32 + (copiesA(transA, m, k) ? MC * KC : 0);

/** Splits `size` into the fewest blocks of at most `most`, equal up to a multiple of 4. */
function blockSize(size: number, most: number): number {
  const blocks = Math.ceil(size / most);
  return Math.min(size, Math.ceil(size / blocks / 4) * 4);
}

/**
 * C = alpha op(A) op(B) + beta C (row-major, contiguous operands at byte
 * offsets), in cache-sized blocks; `blocked: false` makes one call without
 * packing (the kernel as it was before blocking, for comparison). A B^T
 * goes in one call: that kernel reads both operands along k and measured
 * slower when k was split. A transposed A is copied block by block into
 * scratch as row-major, since reading it in place strides by a whole row
 * of A per step of k (when it is large: TRANSPOSE_A_MIN).
 */
export function gemmInBlocks(
  kernel: WasmGemmKernel,
  transpose: WasmTranspose,
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
  const tb = transB ? 1 : 0;
  const ldb = transB ? k : n;
  const copyA = copiesA(transA, m, k);
  if (!blocked || (!transA && transB) || k === 0 || (transA && !copyA) || (k <= KC && m <= MC && !transA)) {
    kernel(transA ? 1 : 0, tb, m, n, k, alpha, pA, transA ? m : k, pB, ldb, beta, pC, n, scratch, blocked ? 1 : 0);
    return;
  }
  const kc = blockSize(k, KC);
  const mc = blockSize(m, MC);
  // The kernel's panel scratch sits after the block of A.
  const panel = copyA ? scratch + 4 * MC * KC : scratch;
  for (let p = 0; p < k; p += kc) {
    const kb = Math.min(kc, k - p);
    const b0 = pB + 4 * (transB ? p : p * n);
    const betaHere = p === 0 ? beta : 1;
    for (let i = 0; i < m; i += mc) {
      const mb = Math.min(mc, m - i);
      if (copyA) {
        // A is stored [k, m]: rows p .. p + kb, columns i .. i + mb, into scratch as [mb, kb].
        transpose(pA + 4 * (p * m + i), kb, mb, m, scratch, kb);
        kernel(0, tb, mb, n, kb, alpha, scratch, kb, b0, ldb, betaHere, pC + 4 * i * n, n, panel, 1);
      } else {
        kernel(0, tb, mb, n, kb, alpha, pA + 4 * (i * k + p), k, b0, ldb, betaHere, pC + 4 * i * n, n, panel, 1);
      }
    }
  }
}
