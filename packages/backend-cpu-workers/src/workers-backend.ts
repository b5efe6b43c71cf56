/**
 * The `workers` backend: data-parallel training on a pool of N threads
 * sharing memory. The pool starts once per run; per chunk of batches the
 * main thread posts one message to each worker and waits for their replies,
 * and within a chunk the workers synchronise among themselves with Atomics.
 * @module
 */
import { detectSharedSimd, SharedKernels, sharedSimdLevel, type KernelOptions } from '@dnn/tensor';
import {
  BACKEND_INTERFACE_VERSION,
  copyState,
  DETERMINISTIC_BLOCKS,
  restoreState,
  TrainerDisposedError,
  createOptimizer,
  deterministicKernelOptions,
  outputSize,
  sparseFirstLayerBytes,
  workspaceFloats,
  type Backend,
  type Dataset,
  type Trainer,
  type TrainerOptions,
} from '@dnn/nn';
import { abortPool } from './barrier.ts';
import { allocateBlocks, blockLossSum, type BlockLayout } from './deterministic-blocks.ts';
import type { FromWorker, ToWorker } from './protocol.ts';
import { allocateShared, viewShared } from './shared.ts';
import { predictRegionBytes } from './pool-predict.ts';
import { allocateSplitBuffers, splitPlan, splitRegionBytes } from './split-plan.ts';
import { spawnWorker, type WorkerHandle } from './spawn.ts';

/** The pool's options; `simd` (KernelOptions) picks the kernels, in every worker alike. */
export interface WorkersOptions extends KernelOptions {
  /** Number of workers (default: the number of cores). */
  workers?: number;
  /** URL of the worker script (default: `worker.js` beside this module; a bundler builds it from `@dnn/backend-cpu-workers/worker`). */
  workerUrl?: URL;
  /** Every run deterministic: the cpu backend's weights bit for bit, with any number of workers (see @dnn/nn's deterministic.ts). */
  deterministic?: boolean;
}

/** Thrown when a worker fails; names the worker and the cause. */
export class WorkerFailedError extends Error {
  constructor(
    readonly worker: number,
    readonly causeText: string,
  ) {
    super(`worker ${worker} failed: ${causeText}`);
    this.name = 'WorkerFailedError';
  }
}

/** Number of logical cores, in any runtime. */
export function coreCount(): number {
  const g = globalThis as {
    navigator?: { hardwareConcurrency?: number };
    process?: { getBuiltinModule?: (name: string) => { availableParallelism?: () => number } | undefined };
  };
  // Node 20 has no navigator; it has process.getBuiltinModule (no import needed, so browsers are unaffected).
  const n = g.navigator?.hardwareConcurrency ?? g.process?.getBuiltinModule?.('node:os')?.availableParallelism?.();
  return Math.max(1, n ?? 1);
}

function defaultWorkerUrl(): URL {
  // Built: dist/index.js beside dist/worker.js. From source (Bun, Deno): src/worker-entry.ts.
  return new URL(import.meta.url.endsWith('.ts') ? './worker-entry.ts' : './worker.js', import.meta.url);
}

/**
 * Creates the worker-pool backend.
 * @example workersBackend({ workers: 2, simd: 'off' }) // two threads, TypeScript kernels
 */
export function workersBackend(options: WorkersOptions = {}): Backend {
  const n = options.workers ?? coreCount();
  if (!Number.isInteger(n) || n < 1) throw new RangeError(`workers must be a positive integer, got ${n}`);
  if (typeof SharedArrayBuffer !== 'undefined' && detectSharedSimd() === 'none') {
    // Threads exist but no shared memory could be made: say why (a memory limit), not "unsupported".
    try {
      new WebAssembly.Memory({ initial: 1, maximum: 1, shared: true });
    } catch (e) {
      if (e instanceof RangeError) throw new Error(`the workers backend could not reserve shared WebAssembly memory (${e.message}); is a memory limit (ulimit -v) set?`);
    }
  }
  if (typeof SharedArrayBuffer === 'undefined' || detectSharedSimd() === 'none') {
    throw new Error('the workers backend needs SharedArrayBuffer and WebAssembly threads with SIMD (in a browser: a cross-origin isolated page)');
  }
  const kernels: KernelOptions = { simd: options.simd ?? 'auto' };
  // Checked here, so that a runtime without the level asked for fails before any thread starts.
  sharedSimdLevel(kernels);
  return {
    interfaceVersion: BACKEND_INTERFACE_VERSION,
    name: 'workers',
    describe: () => `workers (${n} thread${n === 1 ? '' : 's'}${options.deterministic ? ', deterministic' : ''})`,
    createTrainer: (opts) => createPoolTrainer({ ...opts, deterministic: Boolean(options.deterministic || opts.deterministic) }, n, options.workerUrl ?? defaultWorkerUrl(), kernels),
  };
}

async function createPoolTrainer(opts: TrainerOptions, n: number, url: URL, kernelOptions: KernelOptions): Promise<Trainer> {
  const { spec, data } = opts;
  const optimizer = createOptimizer(opts.optimizer);
  // Deterministic runs leave out relaxed SIMD, whose fused multiply-add differs between engines.
  const kernelChoice = opts.deterministic ? deterministicKernelOptions(kernelOptions) : kernelOptions;
  // The memory is shared even with SIMD off; then the loops compute on it, the element-wise ones too.
  const inPlace = kernelChoice.simd !== 'off';
  const shared = SharedKernels.create(sharedSimdLevel(inPlace ? kernelChoice : {}) ?? undefined, { inPlace });
  // With several workers, a multilayer perceptron splits its first layer by units (split-plan.ts);
  // other networks train data-parallel, and one worker, having nothing to split, runs the cpu backend's step.
  // Deterministic runs train in fixed row blocks instead (deterministic-blocks.ts).
  const plan = n > 1 && !opts.deterministic ? splitPlan(spec) : null;
  const slices = opts.deterministic ? Math.min(n, DETERMINISTIC_BLOCKS) : n;
  const layout = allocateShared(shared, {
    paramCount: opts.params.length,
    slotCount: optimizer.slotCount,
    workers: n,
    // Each worker's workspace, GEMM scratch, and the sparse first layer's index and W^T; and its predictor's.
    regionBytes:
      (plan
        ? splitRegionBytes(spec, plan, opts.maxBatch, n)
        : 4 * workspaceFloats(spec, Math.ceil(opts.maxBatch / slices)) + sparseFirstLayerBytes(spec, Math.ceil(opts.maxBatch / slices))) + predictRegionBytes(spec),
    x: data.x,
    labels: data.labels,
    rows: data.count,
  });
  if (plan) layout.split = allocateSplitBuffers(shared, plan, opts.maxBatch);
  const views = viewShared(shared, layout);
  views.params.set(opts.params);
  const blocks: BlockLayout | undefined = opts.deterministic ? allocateBlocks(shared, opts.params.length) : undefined;

  // Failures reject whatever is pending and stop every thread.
  let failure: WorkerFailedError | null = null;
  let pending: { replies: number; resolve: () => void; reject: (e: Error) => void } | null = null;
  const handles: WorkerHandle[] = [];
  let disposed = false;
  const fail = (index: number, cause: string) => {
    if (failure || disposed) return;
    failure = new WorkerFailedError(index, cause);
    abortPool(views.control);
    pending?.reject(failure);
    pending = null;
    void Promise.all(handles.map((h) => h.terminate()));
  };

  const ready = new Array<Promise<void>>(n);
  for (let i = 0; i < n; i++) {
    const h = await spawnWorker(url);
    handles.push(h);
    ready[i] = new Promise<void>((resolve, reject) => {
      h.onFailure((cause) => {
        fail(i, cause);
        reject(failure);
      });
      h.onMessage((d) => {
        const m = d as FromWorker;
        if (m.type === 'ready') resolve();
        else if (m.type === 'error') {
          fail(i, m.message);
          reject(failure);
        } else if (m.type === 'done' && pending && --pending.replies === 0) {
          const p = pending;
          pending = null;
          p.resolve();
        }
      });
    });
    const init: ToWorker = { type: 'init', index: i, workers: n, layout, spec, optimizer: opts.optimizer, maxBatch: opts.maxBatch, seed: opts.seed ?? 0, kernels: kernelChoice, blocks };
    h.post(init);
  }
  try {
    await Promise.all(ready);
  } catch (e) {
    await Promise.all(handles.map((h) => h.terminate()));
    throw e;
  }

  let steps = 0;
  const width = outputSize(spec);
  /** Posts `msg` to every worker and waits until all are done. */
  const onAll = (msg: ToWorker) => {
    const done = new Promise<void>((resolve, reject) => (pending = { replies: n, resolve, reject }));
    for (const h of handles) h.post(msg);
    return done;
  };

  const dispose = async () => {
    if (disposed) return;
    disposed = true;
    abortPool(views.control);
    await Promise.all(handles.map((h) => h.terminate()));
  };

  return {
    async train(order, start, count, batchSize, lr) {
      if (disposed) throw new TrainerDisposedError();
      if (failure) throw failure;
      if (batchSize > opts.maxBatch) throw new RangeError(`batch size ${batchSize} exceeds maxBatch ${opts.maxBatch}`);
      views.order.set(order.subarray(start, start + count), start);
      await onAll({ type: 'train', start, count, batchSize, lr, firstStep: steps + 1 });
      steps += Math.ceil(count / batchSize);
      let lossSum = 0;
      for (let w = 0; w < n; w++) lossSum += views.losses[w];
      return { lossSum: blocks ? blockLossSum(blocks) : lossSum, rows: count, steps };
    },
    async predict(d: Dataset, from, to) {
      if (disposed) throw new TrainerDisposedError();
      if (failure) throw failure;
      // Every worker predicts its share of the rows (pool-predict.ts).
      const out = new SharedArrayBuffer(Math.max(0, to - from) * width * 4);
      if (to > from) {
        // The training rows are there already; other rows are copied where the workers can read
        // them, on every call (a caller may refill its arrays between calls).
        const copy = d.x === data.x ? null : sharedCopy(d, from, to);
        await onAll({ type: 'predict', from, to, x: copy?.x ?? null, xType: d.x instanceof Uint8Array ? 'u8' : 'f32', labels: copy?.labels ?? null, firstRow: copy ? from : 0, out });
      }
      return new Float32Array(out).slice();
    },
    async getParams() {
      return Float32Array.from(views.params);
    },
    // Between chunks the workers are idle: the state in shared memory is settled.
    getState: async () => copyState(views.params, views.slots, steps),
    async setState(s) {
      steps = restoreState(s, views.params, views.slots);
    },
    dispose,
  };
}

/** Rows [from, to) of `d` and their labels in SharedArrayBuffers, for the workers to read. */
function sharedCopy(d: Dataset, from: number, to: number): { x: SharedArrayBuffer; labels: SharedArrayBuffer } {
  const bytes = d.x.BYTES_PER_ELEMENT * d.features;
  const x = new SharedArrayBuffer((to - from) * bytes);
  new Uint8Array(x).set(new Uint8Array(d.x.buffer, d.x.byteOffset + from * bytes, (to - from) * bytes));
  const labels = new SharedArrayBuffer(to - from);
  new Uint8Array(labels).set(d.labels.subarray(from, to));
  return { x, labels };
}
