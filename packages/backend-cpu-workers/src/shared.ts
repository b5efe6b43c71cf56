/**
 * The memory every thread maps. Parameters, optimizer slots and one gradient
 * buffer per worker live in a shared WebAssembly memory, where the kernels
 * compute on them in place; each worker also gets a region of it for its
 * work buffers. The training rows, labels, shuffled order, per-worker loss
 * sums and the barrier's control block are plain SharedArrayBuffers.
 * Created once per run by the main thread.
 * @module
 */
import type { SharedKernels } from '@dnn/tensor';
import type { SplitBuffers } from './split-plan.ts';

/** Control block slots (Int32). */
export const CTL = {
  /** Barrier arrivals in the current round. */
  count: 0,
  /** Barrier generation; bumped when every worker has arrived. */
  generation: 1,
  /** Non-zero once any thread has failed: everyone stops. */
  abort: 2,
  size: 4,
} as const;

/** What is posted to each worker: buffers and offsets, no copies. */
export interface SharedLayout {
  memory: WebAssembly.Memory;
  level: 'simd' | 'relaxed';
  paramCount: number;
  params: number;
  slots: number[];
  grads: number[];
  /** Each worker's region of the memory for its work buffers. */
  regions: { start: number; end: number }[];
  x: SharedArrayBuffer;
  xType: 'u8' | 'f32';
  labels: SharedArrayBuffer;
  order: SharedArrayBuffer;
  losses: SharedArrayBuffer;
  control: SharedArrayBuffer;
  /** The buffers of the split plan, where it applies (split-plan.ts). */
  split: SplitBuffers | null;
}

export interface SharedViews {
  params: Float32Array;
  slots: Float32Array[];
  grads: Float32Array[];
  x: Uint8Array | Float32Array;
  labels: Uint8Array;
  order: Uint32Array;
  losses: Float64Array;
  control: Int32Array;
}

/** Allocates everything in `kernels`' memory and in fresh SharedArrayBuffers. */
export function allocateShared(
  kernels: SharedKernels,
  o: { paramCount: number; slotCount: number; workers: number; regionBytes: number; x: Uint8Array | Float32Array; labels: Uint8Array; rows: number },
): SharedLayout {
  const at = (a: Float32Array) => a.byteOffset;
  const params = at(kernels.alloc(o.paramCount));
  const slots = Array.from({ length: o.slotCount }, () => at(kernels.alloc(o.paramCount)));
  const grads = Array.from({ length: o.workers }, () => at(kernels.alloc(o.paramCount)));
  const regions = Array.from({ length: o.workers }, () => kernels.reserve(o.regionBytes));
  const x = new SharedArrayBuffer(o.x.byteLength);
  new Uint8Array(x).set(new Uint8Array(o.x.buffer, o.x.byteOffset, o.x.byteLength));
  const labels = new SharedArrayBuffer(o.labels.length);
  new Uint8Array(labels).set(o.labels);
  return {
    memory: kernels.memory,
    level: kernels.level,
    paramCount: o.paramCount,
    params,
    slots,
    grads,
    regions,
    x,
    xType: o.x instanceof Uint8Array ? 'u8' : 'f32',
    labels,
    order: new SharedArrayBuffer(Math.max(1, o.rows) * 4),
    losses: new SharedArrayBuffer(o.workers * 8),
    control: new SharedArrayBuffer(CTL.size * 4),
    split: null,
  };
}

/** Views of the layout through `kernels` (attached to the same memory). */
export function viewShared(kernels: SharedKernels, b: SharedLayout): SharedViews {
  return {
    params: kernels.view(b.params, b.paramCount),
    slots: b.slots.map((o) => kernels.view(o, b.paramCount)),
    grads: b.grads.map((o) => kernels.view(o, b.paramCount)),
    x: b.xType === 'u8' ? new Uint8Array(b.x) : new Float32Array(b.x),
    labels: new Uint8Array(b.labels),
    order: new Uint32Array(b.order),
    losses: new Float64Array(b.losses),
    control: new Int32Array(b.control),
  };
}

/** Where the blocks' gradients and losses live: posted to every worker. */
export interface BlockLayout {
  /** Byte offsets of the blocks' gradient buffers in the shared memory. */
  parts: number[];
  /** One float64 loss sum per block. */
  losses: SharedArrayBuffer;
}
