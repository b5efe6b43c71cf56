/**
 * Uploads: host arrays into device buffers, and each dataset's rows and
 * labels kept on the device (bytes packed four to a u32, or float bits),
 * uploaded once per dataset.
 * @module
 */
import type { Dataset } from '@dnn/nn';
import type { BufferPool } from './gpu-buffers.ts';
import type { GatherSource } from './wgsl.ts';

/** Writes `data` into `b` at byte `offset`. */
export function upload(device: GPUDevice, b: GPUBuffer, data: ArrayBufferView, offset = 0): void {
  device.queue.writeBuffer(b, offset, data.buffer, data.byteOffset, data.byteLength);
}

export interface DeviceDataset {
  x: GPUBuffer;
  labels: GPUBuffer;
  source: GatherSource;
}

/** A function that returns `d` on the device, uploading it the first time. */
export function datasetCache(device: GPUDevice, pool: BufferPool): (d: Dataset) => DeviceDataset {
  const cache = new Map<Uint8Array | Float32Array, DeviceDataset>();
  return (d) => {
    let u = cache.get(d.x);
    if (!u) {
      const bytes = d.x instanceof Uint8Array ? d.x : new Uint8Array(d.x.buffer, d.x.byteOffset, d.x.byteLength);
      const x = pool.storage(bytes.length);
      upload(device, x, padTo4(bytes));
      const labels = pool.storage(d.labels.length);
      upload(device, labels, padTo4(d.labels));
      u = { x, labels, source: d.x instanceof Uint8Array ? 'bytes' : 'floats' };
      cache.set(d.x, u);
    }
    return u;
  };
}

/** Bytes padded to a multiple of four (writeBuffer sizes must be). */
export function padTo4(b: Uint8Array): Uint8Array {
  if (b.length % 4 === 0) return b;
  const out = new Uint8Array(Math.ceil(b.length / 4) * 4);
  out.set(b);
  return out;
}
