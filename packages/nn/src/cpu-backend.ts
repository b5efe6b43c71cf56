/**
 * The reference backend: one thread, the plain kernels of @dnn/tensor (or
 * faster ones passed in). Every other backend is checked against it.
 * @module
 */
import { BACKEND_INTERFACE_VERSION, rateOf, type Backend, type Trainer, type TrainerOptions } from './backend.ts';
import type { KernelOptions } from '@dnn/tensor';
import { deterministicKernelOptions, fastKernels, fastKernelsPath, referenceKernels, type Kernels } from './kernels.ts';
import { blockGradients } from './block-gradients.ts';
import { computeGradients, createWorkspace, loadBatch } from './network.ts';
import { createOptimizer } from './optimizers.ts';
import { sparseInputBuffer, withSparseFirstLayer } from './sparse-first-layer.ts';
import { copyState, PREDICT_CHUNK, predictRows, restoreState, TrainerDisposedError } from './trainer-parts.ts';

export { checkState } from './trainer-parts.ts';

/** The cpu backend's options; `simd` (KernelOptions) picks among the fast kernels. */
export interface CpuBackendOptions extends KernelOptions {
  /** `reference`: the plain loops (slow; for checking); `fast` (default): the fastest that `simd` allows; or kernels of your own. */
  kernels?: Kernels | 'reference' | 'fast';
  /** False keeps the first layer's products dense (for comparison; see sparse-first-layer.ts). */
  sparseInput?: boolean;
  /** Every run of this backend deterministic (see deterministic.ts); a run may also ask with `TrainerOptions.deterministic`. */
  deterministic?: boolean;
}

/**
 * Creates the single-thread CPU backend.
 * @example cpuBackend({ simd: 'off' }) // the TypeScript kernels
 */
export function cpuBackend(options: CpuBackendOptions = {}): Backend {
  const choice = options.kernels ?? 'fast';
  const simd: KernelOptions = { simd: options.simd };
  // Deterministic runs leave out relaxed SIMD (deterministicKernelOptions).
  const optionsFor = (det: boolean): KernelOptions => (det ? deterministicKernelOptions(simd) : simd);
  const kernelsFor = (det: boolean): Kernels => (choice === 'fast' ? fastKernels(optionsFor(det)) : choice === 'reference' ? referenceKernels : choice);
  const label = choice === 'fast' ? fastKernelsPath(optionsFor(options.deterministic ?? false)) : choice === 'reference' ? 'reference loops' : (choice.path ?? 'custom kernels');
  return {
    interfaceVersion: BACKEND_INTERFACE_VERSION,
    name: 'cpu',
    describe: () => `cpu (1 thread, ${label}${options.deterministic ? ', deterministic' : ''})`,
    // Each run gets its own kernels, so its memory goes when the run does.
    createTrainer: async (opts) => {
      const det = Boolean(options.deterministic || opts.deterministic);
      return createCpuTrainer(opts, kernelsFor(det), options.sparseInput ?? true, det);
    },
  };
}

function createCpuTrainer(opts: TrainerOptions, kernels: Kernels, sparseInput: boolean, deterministic: boolean): Trainer {
  const { spec, data } = opts;
  // One workspace for training and prediction; the MLP gets the fused step.
  // With an allocator, every buffer lives where the kernels compute in place.
  const alloc = kernels.alloc ?? ((n: number) => new Float32Array(n));
  const params = alloc(opts.params.length);
  params.set(opts.params);
  const grads = alloc(params.length);
  const optimizer = createOptimizer(opts.optimizer, kernels);
  const state = optimizer.init(params.length, alloc);
  const ws = createWorkspace(spec, Math.max(opts.maxBatch, PREDICT_CHUNK), alloc);
  // #13: a first dense layer skips its input's zeros (sparse-first-layer.ts), fused MLP step or layer list.
  if (sparseInput) kernels = withSparseFirstLayer(kernels, sparseInputBuffer(ws));
  const pass = { seed: opts.seed ?? 0, step: 0 };
  const blocks = deterministic ? blockGradients(ws, params.length, alloc) : null;
  let steps = 0;
  let disposed = false;
  const alive = () => {
    if (disposed) throw new TrainerDisposedError();
  };

  return {
    async train(order, start, count, batchSize, lr) {
      alive();
      if (batchSize > opts.maxBatch) throw new RangeError(`batch size ${batchSize} exceeds maxBatch ${opts.maxBatch}`);
      let lossSum = 0;
      blocks?.startChunk();
      for (let b = start; b < start + count; b += batchSize) {
        const rows = Math.min(batchSize, start + count - b);
        steps++;
        if (blocks) {
          // Every block here, in block order; the workers backend computes the same blocks across threads.
          for (let k = 0; k < blocks.count; k++) blocks.compute(k, data, order, b, rows, params, kernels, opts.seed ?? 0, steps);
          blocks.sum(0, params.length);
          optimizer.update(params, blocks.total, state, rateOf(lr, (b - start) / batchSize), steps);
          continue;
        }
        loadBatch(ws, data.x, data.labels, order, b, rows);
        pass.step = steps;
        lossSum += computeGradients(ws, params, grads, rows, kernels, rows, pass);
        optimizer.update(params, grads, state, rateOf(lr, (b - start) / batchSize), steps);
      }
      return { lossSum: blocks ? blocks.chunkLoss() : lossSum, rows: count, steps };
    },
    async predict(d, from, to) {
      alive();
      return predictRows(ws, params, kernels, d, from, to);
    },
    getParams: async () => Float32Array.from(params),
    getState: async () => copyState(params, state.slots, steps),
    async setState(s) {
      steps = restoreState(s, params, state.slots);
    },
    async dispose() {
      disposed = true;
    },
  };
}
