/**
 * Issue #13: the first layer's two products skip the input's exact zeros
 * (81% of MNIST's pixels), through @dnn/tensor's sparse-input kernels.
 *
 * This is the ONE hook into training: cpu-backend.ts wraps its kernels with
 * `withSparseFirstLayer` when it makes a trainer; network.ts is untouched.
 * The wrapper recognises the first layer's GEMMs by their operand, the
 * workspace's input buffer: `X W^T` (forward) and `dZ^T X` (its weight
 * gradient). Per call it indexes the batch's non-zero pixels and, when the
 * batch is sparse enough for the kernels to win (`breakEven`), computes
 * the same product sparsely; everything else goes to the dense GEMM. The
 * results equal the dense ones to float32 rounding (tested in
 * sparse-first-layer.test.ts). Another backend (workers) can apply the same
 * wrapper where it makes its kernels; in WebAssembly the kernels allocate
 * their index and W^T in the arena, so a worker's region must then grow by
 * @dnn/tensor's `sparseInputArenaBytes(rows, inputs, outputs)`.
 * @module
 */
import { createSparseInput, SharedKernels, type GemmFn, type SparseInput } from '@dnn/tensor';
import type { Kernels } from './network.ts';

/**
 * `kernels` with the first layer's products made sparse-aware, for the
 * input buffer `input` (the workspace's `a[0]`). Kernels other than the fast
 * ones (the reference loops, custom kernels) are returned as they are.
 */
export function withSparseFirstLayer(kernels: Kernels, input: Float32Array): Kernels {
  const sparse = sparseInputFor(kernels, input);
  if (!sparse) return kernels;
  const dense = kernels.gemm;
  const gemm: GemmFn = (transA, transB, m, n, k, alpha, a, b, beta, c) => {
    const plain = alpha === 1 && beta === 0 && c instanceof Float32Array;
    // X W^T: X [m, k] is the input, W [n, k].
    if (plain && a === input && !transA && transB && b instanceof Float32Array && sparse.index(input, m, k, sparse.breakEven)) {
      sparse.forward(input, b, n, c);
      return;
    }
    // dW = dZ^T X: dZ [k, m] stored transposed, X [k, n] is the input. Indexed again: the input may have changed.
    if (plain && b === input && transA && !transB && a instanceof Float32Array && sparse.index(input, k, n, sparse.breakEven)) {
      sparse.weightGrad(a, input, m, c);
      return;
    }
    dense(transA, transB, m, n, k, alpha, a, b, beta, c);
  };
  return { ...kernels, gemm };
}

/** The sparse kernels that match `kernels`: WebAssembly in place where the input lives in a shared arena. */
function sparseInputFor(kernels: Kernels, input: Float32Array): SparseInput | null {
  if (kernels.path === 'typescript') return createSparseInput(null, 'off');
  if (!kernels.path?.startsWith('wasm-')) return null;
  const shared = SharedKernels.holding(input);
  return shared ? createSparseInput(shared, shared.level) : null;
}
