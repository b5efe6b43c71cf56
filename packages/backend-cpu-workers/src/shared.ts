/**
 * The memory every thread maps: parameters, optimizer
 * slots, one gradient buffer per worker, the training rows and labels, the
 * shuffled order, per-worker loss sums, and a small control block for the
 * barrier. Created once per run by the main thread.
 * @module
 */

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

export interface SharedBuffers {
  params: SharedArrayBuffer;
  slots: SharedArrayBuffer[];
  grads: SharedArrayBuffer[];
  x: SharedArrayBuffer;
  /** 'u8' or 'f32' rows. */
  xType: 'u8' | 'f32';
  labels: SharedArrayBuffer;
  order: SharedArrayBuffer;
  losses: SharedArrayBuffer;
  control: SharedArrayBuffer;
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

export function allocateShared(o: {
  paramCount: number;
  slotCount: number;
  workers: number;
  x: Uint8Array | Float32Array;
  labels: Uint8Array;
  rows: number;
}): SharedBuffers {
  const f32 = (n: number) => new SharedArrayBuffer(n * 4);
  const x = new SharedArrayBuffer(o.x.byteLength);
  new Uint8Array(x).set(new Uint8Array(o.x.buffer, o.x.byteOffset, o.x.byteLength));
  const labels = new SharedArrayBuffer(o.labels.length);
  new Uint8Array(labels).set(o.labels);
  return {
    params: f32(o.paramCount),
    slots: Array.from({ length: o.slotCount }, () => f32(o.paramCount)),
    grads: Array.from({ length: o.workers }, () => f32(o.paramCount)),
    x,
    xType: o.x instanceof Uint8Array ? 'u8' : 'f32',
    labels,
    order: new SharedArrayBuffer(Math.max(1, o.rows) * 4),
    losses: new SharedArrayBuffer(o.workers * 8),
    control: new SharedArrayBuffer(CTL.size * 4),
  };
}

export function viewShared(b: SharedBuffers): SharedViews {
  return {
    params: new Float32Array(b.params),
    slots: b.slots.map((s) => new Float32Array(s)),
    grads: b.grads.map((s) => new Float32Array(s)),
    x: b.xType === 'u8' ? new Uint8Array(b.x) : new Float32Array(b.x),
    labels: new Uint8Array(b.labels),
    order: new Uint32Array(b.order),
    losses: new Float64Array(b.losses),
    control: new Int32Array(b.control),
  };
}
