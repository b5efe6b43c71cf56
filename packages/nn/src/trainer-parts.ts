/**
 * Pieces every CPU trainer shares, written once: prediction in chunks of
 * rows through a workspace, and taking and restoring a trainer's state
 * (parameters, optimizer slots, step count) with its shape checked.
 * @module
 */
import type { TrainerState } from './backend.ts';
import type { Kernels } from './kernels.ts';
import { forward, loadBatch, outputWidth, type Workspace } from './network.ts';

/** Rows per forward pass when predicting: a workspace for prediction holds at least this many. */
export const PREDICT_CHUNK = 256;

/**
 * Network outputs for rows [from, to) of `x` (`labels` only feed the
 * workspace's label buffer), computed `ws.maxBatch` rows at a time, up to
 * PREDICT_CHUNK.
 */
export function predictRows(
  ws: Workspace,
  params: Float32Array,
  kernels: Kernels,
  data: { x: Uint8Array | Float32Array; labels?: Uint8Array },
  from: number,
  to: number,
): Float32Array {
  const width = outputWidth(ws);
  const chunk = Math.min(ws.maxBatch, PREDICT_CHUNK);
  const labels = data.labels ?? new Uint8Array(to);
  const out = new Float32Array((to - from) * width);
  const rows = new Uint32Array(chunk);
  for (let r = from; r < to; r += chunk) {
    const n = Math.min(chunk, to - r);
    for (let i = 0; i < n; i++) rows[i] = r + i;
    loadBatch(ws, data.x, labels, rows, 0, n);
    out.set(forward(ws, params, n, kernels).subarray(0, n * width), (r - from) * width);
  }
  return out;
}

/** A copy of a trainer's parameters, slots and step count (nothing shared with the trainer). */
export function copyState(params: Float32Array, slots: readonly Float32Array[], steps: number): TrainerState {
  return { params: Float32Array.from(params), slots: slots.map((x) => Float32Array.from(x)), steps };
}

/** Checks `s` against the trainer's buffers, copies it into them, and returns its step count. */
export function restoreState(s: TrainerState, params: Float32Array, slots: readonly Float32Array[]): number {
  checkState(s, params.length, slots.length);
  params.set(s.params);
  s.slots.forEach((x, i) => slots[i].set(x));
  return s.steps;
}

/** Throws unless `s` fits a trainer of `size` parameters and `slots` optimizer slots. */
export function checkState(s: TrainerState, size: number, slots: number): void {
  if (s.params.length !== size) throw new RangeError(`state has ${s.params.length} parameters, the model ${size}`);
  if (s.slots.length !== slots || s.slots.some((x) => x.length !== size)) {
    throw new RangeError(`state has ${s.slots.length} optimizer slots, the optimizer needs ${slots} of ${size}`);
  }
  if (!Number.isInteger(s.steps) || s.steps < 0) throw new RangeError(`state has step count ${s.steps}, not a whole number of steps`);
}

/** What a trainer's methods throw once it is disposed. */
export class TrainerDisposedError extends Error {
  constructor() {
    super('the trainer was disposed; create another to go on');
    this.name = 'TrainerDisposedError';
  }
}
