/**
 * Deterministic mode's step on the CPU (see deterministic.ts): the gradient
 * of each fixed row block of a batch into its own buffer, their fixed-order
 * sum, and each block's loss kept apart until the end of a `train` call so
 * the loss sum is added in the same order too. The cpu backend computes all
 * blocks in one thread; each worker of the workers backend computes some of
 * them into shared buffers, with the same calls.
 * @module
 */
import type { Dataset } from './dataset.ts';
import { blockRows, DETERMINISTIC_BLOCKS, treeSum } from './deterministic.ts';
import type { Kernels } from './kernels.ts';
import { computeGradients, loadBatch, type Workspace } from './network.ts';

export interface BlockGradients {
  readonly count: number;
  /** Block 0's buffer: after `sum`, the batch's gradient. */
  readonly total: Float32Array;
  readonly parts: readonly Float32Array[];
  /** Forgets the losses of the last `train` call. */
  startChunk(): void;
  /** Block `k`'s gradient of the batch of `rows` rows at `order[at..]`, the batch's optimizer step `step`. */
  compute(k: number, data: Pick<Dataset, 'x' | 'labels'>, order: Uint32Array, at: number, rows: number, params: Float32Array, kernels: Kernels, seed: number, step: number): void;
  /** Sums the blocks into `total` over parameters [lo, hi). */
  sum(lo: number, hi: number): void;
  /** The blocks' losses since `startChunk`, added in block order. */
  chunkLoss(): number;
}

/**
 * Block buffers over a workspace that holds a block's rows. `parts` and
 * `losses` may be given (shared memory, in the workers backend); by default
 * they are allocated here.
 */
export function blockGradients(
  ws: Workspace,
  size: number,
  alloc: (n: number) => Float32Array,
  shared: { parts?: readonly Float32Array[]; losses?: Float64Array } = {},
): BlockGradients {
  const parts = shared.parts ?? Array.from({ length: DETERMINISTIC_BLOCKS }, () => alloc(size));
  const losses = shared.losses ?? new Float64Array(DETERMINISTIC_BLOCKS);
  const pass = { seed: 0, step: 0, rowOffset: 0 };
  return {
    count: DETERMINISTIC_BLOCKS,
    total: parts[0],
    parts,
    startChunk: () => losses.fill(0),
    compute(k, data, order, at, rows, params, kernels, seed, step) {
      const [lo, hi] = blockRows(rows, k);
      if (hi === lo) {
        parts[k].fill(0);
        return;
      }
      loadBatch(ws, data.x, data.labels, order, at + lo, hi - lo);
      // Normalised by the whole batch; dropout's masks by the row in the whole batch.
      pass.seed = seed;
      pass.step = step;
      pass.rowOffset = lo;
      losses[k] += computeGradients(ws, params, parts[k], hi - lo, kernels, rows, pass);
    },
    sum: (lo, hi) => treeSum(parts, lo, hi),
    chunkLoss: () => blockLossTotal(losses),
  };
}

/** The blocks' losses added in block order (the cpu backend's chunk loss, and the pool's from its shared losses). */
export function blockLossTotal(losses: Float64Array): number {
  let s = 0;
  for (let k = 0; k < losses.length; k++) s += losses[k];
  return s;
}
