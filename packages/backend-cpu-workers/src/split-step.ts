/**
 * A worker's training steps under the split plan (split-plan.ts). Per step,
 * for the batch in shared buffer `x[cur]`:
 *
 * 1. its units of the first layer, for every row: z, a = act(x W1ᵀ + b1),
 *    written into their columns of the shared outputs `a`;
 * 2. barrier (every unit of every row is there);
 * 3. the layers after the first, forward and backward, for its rows: its
 *    part of their gradient, and the gradient of its rows of `a` into `da`;
 *    then its rows of the next batch into `x[1 - cur]`;
 * 4. barrier (every row of `da` is there; everyone is done with the rest's
 *    weights);
 * 5. its units' gradient from every row's `da`, and their update (no other
 *    worker reads them); the sum of every worker's part of the rest's
 *    gradient over its share of those parameters, in worker order, and
 *    their update.
 *
 * Why no more barriers are needed: a worker writes `a` (step 1) only after
 * every worker passed step 4 of the step before, so all reads of `a` are
 * done; it writes `da` and its part of the gradient (step 3) only after step
 * 2, which no worker passes before finishing step 5 of the step before; the
 * next batch goes into the buffer the step before used, whose last reader
 * (step 5 there) came before this step's step 2. The first batch of each
 * chunk costs one more barrier.
 * @module
 */
import { activateBackward, computeGradients, createWorkspace, denseForward, denseParamGradients, withSparseFirstLayer, type Kernels, type MlpWorkspace, type Optimizer, type OptimizerState } from '@dnn/nn';
import { gatherRows, type SharedKernels } from '@dnn/tensor';
import { barrier } from './barrier.ts';
import { largestShare, share } from './partition.ts';
import type { SplitBuffers, SplitPlan } from './split-plan.ts';
import type { SharedViews } from './shared.ts';

export interface SplitContext {
  plan: SplitPlan;
  buffers: SplitBuffers;
  index: number;
  workers: number;
  maxBatch: number;
  views: SharedViews;
  /** This worker's kernels, and its memory (allocating in its region). */
  kernels: Kernels;
  shared: SharedKernels;
  optimizer: Optimizer;
  state: OptimizerState;
}

/** One chunk of consecutive batches, as posted by the main thread. */
export interface SplitChunk {
  start: number;
  count: number;
  batchSize: number;
  firstStep: number;
  /** The learning rate of the chunk's i-th batch. */
  rate(i: number): number;
}

/** Makes the step of worker `c.index`; it returns the chunk's summed loss over this worker's rows. */
export function createSplitStep(c: SplitContext): (m: SplitChunk, beforeStep: (step: number) => void) => number {
  const { plan, buffers, index, workers, maxBatch, views, kernels, optimizer, state } = c;
  const alloc = (n: number) => c.shared.alloc(n);
  const { inputs, units } = plan;
  const { params, grads, order, labels, control } = views;
  const mine = grads[index];
  const [u0, u1] = share(units, index, workers);
  const own = u1 - u0;
  const x = buffers.x.map((o) => c.shared.view(o, maxBatch * inputs)) as [Float32Array, Float32Array];
  const a = c.shared.view(buffers.a, maxBatch * units);
  const da = c.shared.view(buffers.da, maxBatch * units);
  // The first layer's products skip the inputs' zeros, as everywhere: one wrapper per input buffer.
  const first = x.map((b) => withSparseFirstLayer(kernels, b));
  const z1 = alloc(maxBatch * own);
  const a1 = alloc(maxBatch * own);
  const d1 = alloc(maxBatch * own);
  const w1 = params.subarray(plan.weight + u0 * inputs, plan.weight + u1 * inputs);
  const b1 = params.subarray(plan.bias + u0, plan.bias + u1);
  const gw1 = mine.subarray(plan.weight + u0 * inputs, plan.weight + u1 * inputs);
  const gb1 = mine.subarray(plan.bias + u0, plan.bias + u1);
  const tail = createWorkspace(plan.tail, largestShare(maxBatch, workers), alloc) as MlpWorkspace;
  const tailParams = params.subarray(plan.tailStart);
  const tailGrads = mine.subarray(plan.tailStart);
  const [t0, t1] = share(params.length - plan.tailStart, index, workers);
  const pass = { inputGrad: da };

  /** This worker's rows of the batch at `b` into input buffer `into`. */
  const gather = (into: Float32Array, b: number, rows: number) => {
    const [lo, hi] = share(rows, index, workers);
    gatherRows(views.x, inputs, order, b + lo, hi - lo, plan.inputScale, into.subarray(lo * inputs));
  };

  return (m, beforeStep) => {
    const end = m.start + m.count;
    const rowsAt = (b: number) => Math.min(m.batchSize, end - b);
    let loss = 0;
    let cur = 0;
    gather(x[cur], m.start, rowsAt(m.start));
    barrier(control, workers);
    for (let b = m.start, i = 0; b < end; b += m.batchSize, i++) {
      const step = m.firstStep + i;
      beforeStep(step);
      const rows = rowsAt(b);
      const k1 = first[cur];
      if (own > 0) {
        denseForward(k1, plan.act, rows, inputs, own, x[cur], w1, b1, z1, a1);
        for (let r = 0; r < rows; r++) a.set(a1.subarray(r * own, (r + 1) * own), r * units + u0);
      }
      barrier(control, workers);
      const [lo, hi] = share(rows, index, workers);
      if (hi > lo) {
        tail.a[0].set(a.subarray(lo * units, hi * units));
        for (let r = lo; r < hi; r++) tail.labels[r - lo] = labels[order[b + r]];
        // Normalised by the whole batch, so the workers' parts add up to the batch mean's gradient.
        pass.inputGrad = da.subarray(lo * units, hi * units);
        loss += computeGradients(tail, tailParams, tailGrads, hi - lo, kernels, rows, pass);
      } else {
        tailGrads.fill(0);
      }
      if (b + m.batchSize < end) gather(x[1 - cur], b + m.batchSize, rowsAt(b + m.batchSize));
      barrier(control, workers);
      const lr = m.rate(i);
      if (own > 0) {
        for (let r = 0; r < rows; r++) d1.set(da.subarray(r * units + u0, r * units + u1), r * own);
        activateBackward(plan.act, rows, own, z1, a1, d1, d1);
        denseParamGradients(k1, rows, inputs, own, d1, x[cur], gw1, gb1);
      }
      if (own > 0) {
        optimizer.update(params, mine, state, lr, step, plan.weight + u0 * inputs, plan.weight + u1 * inputs);
        optimizer.update(params, mine, state, lr, step, plan.bias + u0, plan.bias + u1);
      }
      optimizer.update(params, grads, state, lr, step, plan.tailStart + t0, plan.tailStart + t1);
      cur = 1 - cur;
    }
    return loss;
  };
}
