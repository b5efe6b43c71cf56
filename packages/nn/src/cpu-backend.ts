/**
 * The reference backend: one thread, the plain kernels of @dnn/tensor (or
 * faster ones passed in). Every other backend is checked against it.
 * @module
 */
import { BACKEND_INTERFACE_VERSION, rateOf, type Backend, type Trainer, type TrainerOptions, type TrainerState } from './backend.ts';
import type { Dataset } from './dataset.ts';
import type { KernelOptions } from '@dnn/tensor';
import { fastKernels, fastKernelsPath, referenceKernels, type Kernels } from './kernels.ts';
import { computeGradients, createWorkspace, forward, loadBatch, outputWidth } from './network.ts';
import { createOptimizer } from './optimizers.ts';
import { sparseInputBuffer, withSparseFirstLayer } from './sparse-first-layer.ts';

/** Rows per forward pass when predicting. */
const PREDICT_CHUNK = 256;

/** The cpu backend's options; `simd` (KernelOptions) picks among the fast kernels. */
export interface CpuBackendOptions extends KernelOptions {
  /** `reference`: the plain loops (slow; for checking); `fast` (default): the fastest that `simd` allows; or kernels of your own. */
  kernels?: Kernels | 'reference' | 'fast';
  /** False keeps the first layer's products dense (for comparison; see sparse-first-layer.ts). */
  sparseInput?: boolean;
}

/**
 * Creates the single-thread CPU backend.
 * @example cpuBackend({ simd: 'off' }) // the TypeScript kernels
 */
export function cpuBackend(options: CpuBackendOptions = {}): Backend {
  const choice = options.kernels ?? 'fast';
  const simd: KernelOptions = { simd: options.simd };
  const kernelsFor = (): Kernels => (choice === 'fast' ? fastKernels(simd) : choice === 'reference' ? referenceKernels : choice);
  const label = choice === 'fast' ? fastKernelsPath(simd) : choice === 'reference' ? 'reference loops' : (choice.path ?? 'custom kernels');
  return {
    interfaceVersion: BACKEND_INTERFACE_VERSION,
    name: 'cpu',
    describe: () => `cpu (1 thread, ${label})`,
    // Each run gets its own kernels, so its memory goes when the run does.
    createTrainer: async (opts) => createCpuTrainer(opts, kernelsFor(), options.sparseInput ?? true),
  };
}

function createCpuTrainer(opts: TrainerOptions, kernels: Kernels, sparseInput: boolean): Trainer {
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
  const width = outputWidth(ws);
  const pass = { seed: opts.seed ?? 0, step: 0 };
  let steps = 0;
  const identity = new Uint32Array(ws.maxBatch);

  return {
    async train(order, start, count, batchSize, lr) {
      if (batchSize > opts.maxBatch) throw new RangeError(`batch size ${batchSize} exceeds maxBatch ${opts.maxBatch}`);
      let lossSum = 0;
      for (let b = start; b < start + count; b += batchSize) {
        const rows = Math.min(batchSize, start + count - b);
        loadBatch(ws, data.x, data.labels, order, b, rows);
        pass.step = steps + 1;
        lossSum += computeGradients(ws, params, grads, rows, kernels, rows, pass);
        steps++;
        optimizer.update(params, grads, state, rateOf(lr, (b - start) / batchSize), steps);
      }
      return { lossSum, rows: count, steps };
    },
    async predict(d: Dataset, from, to) {
      const out = new Float32Array((to - from) * width);
      for (let r = from; r < to; r += PREDICT_CHUNK) {
        const rows = Math.min(PREDICT_CHUNK, to - r);
        for (let i = 0; i < rows; i++) identity[i] = r + i;
        loadBatch(ws, d.x, d.labels, identity, 0, rows);
        const y = forward(ws, params, rows, kernels);
        out.set(y.subarray(0, rows * width), (r - from) * width);
      }
      return out;
    },
    async getParams() {
      return Float32Array.from(params);
    },
    async getState() {
      return { params: Float32Array.from(params), slots: state.slots.map((x) => Float32Array.from(x)), steps };
    },
    async setState(s) {
      checkState(s, params.length, state.slots.length);
      params.set(s.params);
      s.slots.forEach((x, i) => state.slots[i].set(x));
      steps = s.steps;
    },
    async dispose() {},
  };
}

/** Throws unless `s` fits a trainer of `size` parameters and `slots` optimizer slots. */
export function checkState(s: TrainerState, size: number, slots: number): void {
  if (s.params.length !== size) throw new RangeError(`state has ${s.params.length} parameters, the model ${size}`);
  if (s.slots.length !== slots || s.slots.some((x) => x.length !== size)) {
    throw new RangeError(`state has ${s.slots.length} optimizer slots, the optimizer needs ${slots} of ${size}`);
  }
}
