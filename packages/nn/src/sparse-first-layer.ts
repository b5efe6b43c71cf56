/**
 * Issue #13: the first dense layer's two products skip the input's exact
 * zeros (81% of MNIST's pixels), through @dnn/tensor's sparse-input kernels.
 *
 * This is the ONE hook into training: a backend wraps its kernels with
 * `withSparseFirstLayer(kernels, sparseInputBuffer(ws))` when it makes a
 * trainer; the passes (mlp-step.ts, sequence.ts) are untouched. The buffer is
 * the one the first layer with parameters reads, when that layer is dense:
 * the input itself for the fused MLP step and for a list that starts with a
 * dense layer, or the output of the parameter-free layers before it
 * (flatten, dropout, pooling). A list that starts with a convolution has
 * none. The wrapper recognises the first layer's GEMMs by that operand:
 * `X W^T` (forward) and `dZ^T X` (its weight gradient). Per call it indexes
 * the batch's non-zero pixels and, when the batch is sparse enough for the
 * kernels to win (`breakEven`), computes the same product sparsely;
 * everything else goes to the dense GEMM. The results equal the dense ones
 * to float32 rounding (tested in sparse-first-layer.test.ts). In
 * WebAssembly the kernels allocate their index and W^T in the arena, so a
 * worker's region grows by `sparseFirstLayerBytes(spec, rows)`.
 * @module
 */
import { createSparseInput, SharedKernels, sparseInputArenaBytes, type GemmFn, type SparseInput } from '@dnn/tensor';
import type { Kernels } from './kernels.ts';
import type { Workspace } from './network.ts';
import { layerShapes, type ModelSpec } from './spec.ts';

/** The buffer the first dense layer reads, where the first layer with parameters is dense; else null. */
export function sparseInputBuffer(ws: Workspace): Float32Array | null {
  const buffer = ws.path === 'mlp' ? ws.a[0] : ws.infos[ws.firstParam]?.spec.kind === 'dense' ? ws.a[ws.firstParam] : null;
  return buffer instanceof Float32Array ? buffer : null;
}

/** Bytes the WebAssembly sparse kernels allocate in an arena for `spec` at up to `maxBatch` rows (0 where there is no first dense layer). */
export function sparseFirstLayerBytes(spec: ModelSpec, maxBatch: number): number {
  const first = layerShapes(spec).find((l) => l.params > 0);
  return first?.spec.kind === 'dense' ? sparseInputArenaBytes(maxBatch, first.inSize, first.outSize) : 0;
}

/**
 * `kernels` with the first dense layer's products made sparse-aware, for the
 * buffer `input` it reads (`sparseInputBuffer(ws)`). Kernels other than the
 * fast ones (the reference loops, custom kernels), and a null input, give
 * `kernels` back as they are.
 */
export function withSparseFirstLayer(kernels: Kernels, input: Float32Array | null): Kernels {
  const sparse = input && sparseInputFor(kernels, input);
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
  if (kernels.path === 'typescript') return createSparseInput(null, { simd: 'off' });
  if (!kernels.path?.startsWith('wasm-')) return null;
  const shared = SharedKernels.holding(input);
  return shared ? createSparseInput(shared, { simd: shared.level }) : null;
}
