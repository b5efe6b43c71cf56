/**
 * A training worker (worker-entry.ts starts it). It maps the shared buffers, and for each chunk of
 * batches it runs the steps: for a multilayer perceptron, the split plan's
 * (split-step.ts); for any other network, per batch: forward and backward on
 * its slice of the rows into its own gradient buffer; a barrier; the sum of
 * every worker's gradient over its slice of the parameters, in worker order,
 * and the optimizer update of that slice; a barrier. Asked to predict, it
 * runs its share of the rows (pool-predict.ts). The math is @dnn/nn's.
 * @module
 */
import {
  computeGradients,
  createOptimizer,
  rateOf,
  createWorkspace,
  kernelsOver,
  loadBatch,
  sparseInputBuffer,
  withSparseFirstLayer,
  type Kernels,
  type Optimizer,
  type OptimizerState,
} from '@dnn/nn';
import { SharedKernels } from '@dnn/tensor';
import { abortPool, barrier, PoolAborted } from './barrier.ts';
import { blockTrainer } from './deterministic-blocks.ts';
import type { FromWorker, ToWorker } from './protocol.ts';
import { viewShared, type SharedViews } from './shared.ts';
import { createPoolPredict } from './pool-predict.ts';
import { splitPlan } from './split-plan.ts';
import { createSplitStep, type SplitChunk } from './split-step.ts';
import { workerPort } from './spawn.ts';

/** Test hooks, passed only by test-only worker entries (test-fixtures/); the public entry (worker-entry.ts) passes none. */
export interface WorkerHooks {
  /** Called before each optimizer step (1-based) of this worker; a test may throw or end the thread here. */
  beforeStep?(worker: number, step: number): void;
}

let hooks: WorkerHooks = {};
let send: (m: FromWorker) => void;
let init: Extract<ToWorker, { type: 'init' }>;
let views: SharedViews;
let optimizer: Optimizer;
let state: OptimizerState;
let ws: ReturnType<typeof createWorkspace>;
let kernels: Kernels;
let splitStep: ReturnType<typeof createSplitStep> | null = null;
let predict: ReturnType<typeof createPoolPredict>;
/** Deterministic mode's chunk (deterministic-blocks.ts), else null. */
let blockChunk: ((m: Extract<ToWorker, { type: 'train' }>) => void) | null = null;

/** Serves the pool's messages in this thread until it is terminated. */
export async function serveWorker(withHooks: WorkerHooks = {}): Promise<void> {
  hooks = withHooks;
  const port = await workerPort();
  send = (m) => port.post(m);
  port.onMessage(onMessage);
}

function onMessage(data: unknown): void {
  const msg = data as ToWorker;
  try {
    if (msg.type === 'init') {
      init = msg;
      const { layout } = msg;
      const region = layout.regions[msg.index];
      // The same memory as every other thread; allocations only in this worker's region.
      const shared = SharedKernels.attach(layout.memory, layout.level, region.start, region.end, { inPlace: msg.kernels.simd !== 'off' });
      const fast = kernelsOver(shared, msg.kernels);
      views = viewShared(shared, layout);
      optimizer = createOptimizer(msg.optimizer, fast);
      state = { slots: views.slots };
      // The main thread decided the plan (it allocated the split buffers or not); deterministic mode has none.
      const plan = !msg.blocks && layout.split && splitPlan(msg.spec);
      if (plan) {
        splitStep = createSplitStep({ plan, buffers: layout.split!, index: msg.index, workers: msg.workers, maxBatch: msg.maxBatch, views, kernels: fast, shared, optimizer, state });
      } else {
        // A slice of each batch per worker; in deterministic mode, a block of it (fewer rows unless workers > blocks).
        const slices = msg.blocks ? Math.min(msg.workers, msg.blocks.parts.length) : msg.workers;
        ws = createWorkspace(msg.spec, Math.ceil(msg.maxBatch / slices), fast.alloc);
        // #13: the first dense layer skips its input's zeros, as on the cpu backend (its arena is in the region).
        kernels = withSparseFirstLayer(fast, sparseInputBuffer(ws));
        if (msg.blocks) blockChunk = blockTrainer({ index: msg.index, workers: msg.workers, seed: msg.seed, views, ws, kernels, optimizer, state }, msg.blocks, shared);
      }
      predict = createPoolPredict(msg.spec, fast, (n) => shared.alloc(n), msg.index, msg.workers);
      send({ type: 'ready', index: msg.index, kernels: fast.path });
    } else if (msg.type === 'predict') {
      predict(msg, views.params, views.x, views.labels);
      send({ type: 'done', index: init.index });
    } else {
      if (blockChunk) blockChunk(msg);
      else trainChunk(msg);
      send({ type: 'done', index: init.index });
    }
  } catch (e) {
    if (views) abortPool(views.control);
    if (e instanceof PoolAborted) send({ type: 'aborted', index: init?.index ?? -1 });
    else send({ type: 'error', index: init?.index ?? -1, message: (e as Error)?.message ?? String(e) });
  }
}

function trainChunk(m: Extract<ToWorker, { type: 'train' }>): void {
  const { index, workers } = init;
  const { params, grads, x, labels, order, losses, control } = views;
  if (splitStep) {
    const chunk: SplitChunk = { ...m, rate: (i) => rateOf(m.lr, i) };
    losses[index] = splitStep(chunk, (step) => hooks.beforeStep?.(index, step));
    return;
  }
  const mine = grads[index];
  const n = params.length;
  const pLo = Math.floor((index * n) / workers);
  const pHi = Math.floor(((index + 1) * n) / workers);
  let loss = 0;
  let step = m.firstStep;
  const pass = { seed: init.seed, step, rowOffset: 0 };
  for (let b = m.start; b < m.start + m.count; b += m.batchSize, step++) {
    hooks.beforeStep?.(index, step);
    const rows = Math.min(m.batchSize, m.start + m.count - b);
    const lo = Math.floor((index * rows) / workers);
    const hi = Math.floor(((index + 1) * rows) / workers);
    if (hi > lo) {
      loadBatch(ws, x, labels, order, b + lo, hi - lo);
      // Normalised by the whole batch, so the workers' gradients add up to the batch mean's.
      // Dropout's mask is indexed by the row in the whole batch, so any split gives the same masks.
      pass.step = step;
      pass.rowOffset = lo;
      loss += computeGradients(ws, params, mine, hi - lo, kernels, rows, pass);
    } else {
      mine.fill(0);
    }
    barrier(control, workers);
    // Sums the workers' gradients (in worker order) in the update's own pass.
    optimizer.update(params, grads, state, rateOf(m.lr, step - m.firstStep), step, pLo, pHi);
    barrier(control, workers);
  }
  losses[index] = loss;
}
