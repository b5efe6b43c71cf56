/**
 * Deterministic mode: the same seed gives bit-identical weights on every
 * CPU backend, any number of worker threads, and every JavaScript engine.
 * Three things make floating-point results differ, and each is fixed here
 * or where it happens:
 * - the order of the batch's gradient sum: a batch is cut into a fixed
 *   number of row blocks (not one slice per thread); each block's gradient
 *   is computed on its own and the blocks are summed in a fixed pairwise
 *   tree, whoever computed them (`blockRows`, `treeSum`);
 * - the engines' `Math.exp`/`Math.log`/`**`: @dnn/tensor's activations,
 *   softmax, losses and Adam use its own portable versions (always);
 * - relaxed SIMD's fused multiply-add, which may fuse or not per engine and
 *   CPU: deterministic runs use the plain SIMD kernels.
 * The weights still depend on the kernel path (WebAssembly SIMD or the
 * TypeScript fallback) and on the batch size, as they must.
 * @module
 */

/** Row blocks a batch is cut into in deterministic mode, whatever the thread count. */
export const DETERMINISTIC_BLOCKS = 8;

/** The rows [lo, hi) of block `b` of a batch of `rows` (empty when the batch is smaller than the blocks). */
export function blockRows(rows: number, b: number, blocks = DETERMINISTIC_BLOCKS): [number, number] {
  return [Math.floor((b * rows) / blocks), Math.floor(((b + 1) * rows) / blocks)];
}

/**
 * Sums every part into `parts[0]` over elements [lo, hi), in a fixed
 * pairwise tree: ((p0 + p1) + (p2 + p3)) + ((p4 + p5) + (p6 + p7)). Each
 * element's additions are the same whichever thread sums which range.
 */
export function treeSum(parts: readonly Float32Array[], lo: number, hi: number): void {
  for (let width = 1; width < parts.length; width *= 2) {
    for (let i = 0; i + width < parts.length; i += 2 * width) {
      const into = parts[i];
      const from = parts[i + width];
      for (let j = lo; j < hi; j++) into[j] += from[j];
    }
  }
}
