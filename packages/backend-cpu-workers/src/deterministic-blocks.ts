/**
 * Deterministic mode on the pool (see @dnn/nn's deterministic.ts): instead
 * of one slice of each batch per worker, the batch is cut into @dnn/nn's
 * fixed row blocks; worker w computes blocks w, w + n, ... into the blocks'
 * own shared gradient buffers, and after a barrier each worker sums its
 * slice of the parameters over the blocks in the fixed tree and updates it.
 * The same calls as the cpu backend's deterministic step, so any number of
 * workers gives its weights bit for bit. Kept apart from the usual step
 * (worker.ts), which sums one gradient per worker.
 * @module
 */
import { blockGradients, blockLossTotal, DETERMINISTIC_BLOCKS, rateOf, type Kernels, type Optimizer, type OptimizerState, type Workspace } from '@dnn/nn';
import type { SharedKernels } from '@dnn/tensor';
import { barrier } from './barrier.ts';
import type { ToWorker } from './protocol.ts';
import type { BlockLayout, SharedViews } from './shared.ts';

export type { BlockLayout };

/** Allocates the blocks' buffers in the pool's memory (main thread, once per run). */
export function allocateBlocks(kernels: SharedKernels, paramCount: number): BlockLayout {
  return {
    parts: Array.from({ length: DETERMINISTIC_BLOCKS }, () => kernels.alloc(paramCount).byteOffset),
    losses: new SharedArrayBuffer(DETERMINISTIC_BLOCKS * 8),
  };
}

/** The sum of the blocks' losses since they were zeroed (main thread, between chunks). */
export function blockLossSum(blocks: BlockLayout): number {
  const losses = new Float64Array(blocks.losses);
  const s = blockLossTotal(losses);
  losses.fill(0);
  return s;
}

export interface BlockWorker {
  index: number;
  workers: number;
  seed: number;
  views: SharedViews;
  ws: Workspace;
  kernels: Kernels;
  optimizer: Optimizer;
  state: OptimizerState;
}

/** A worker's side: trains one chunk of batches, block by block. */
export function blockTrainer(w: BlockWorker, layout: BlockLayout, shared: SharedKernels): (m: Extract<ToWorker, { type: 'train' }>) => void {
  const { params } = w.views;
  const n = params.length;
  const blocks = blockGradients(w.ws, n, () => new Float32Array(0), {
    parts: layout.parts.map((o) => shared.view(o, n)),
    losses: new Float64Array(layout.losses),
  });
  const pLo = Math.floor((w.index * n) / w.workers);
  const pHi = Math.floor(((w.index + 1) * n) / w.workers);
  return (m) => {
    const { x, labels, order, control } = w.views;
    let step = m.firstStep;
    for (let b = m.start; b < m.start + m.count; b += m.batchSize, step++) {
      const rows = Math.min(m.batchSize, m.start + m.count - b);
      for (let k = w.index; k < blocks.count; k += w.workers) blocks.compute(k, { x, labels }, order, b, rows, params, w.kernels, w.seed, step);
      barrier(control, w.workers);
      blocks.sum(pLo, pHi);
      w.optimizer.update(params, blocks.total, w.state, rateOf(m.lr, step - m.firstStep), step, pLo, pHi);
      barrier(control, w.workers);
    }
  };
}
