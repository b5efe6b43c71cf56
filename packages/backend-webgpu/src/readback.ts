/**
 * Reading back: copies from device buffers into mappable ones and maps them.
 * Small reads (a loss sum, a chunk of predictions) reuse one staging buffer;
 * large ones (parameters, optimizer state) get a buffer of their own.
 * @module
 */
import { COPY_DST, MAP_READ } from './gpu-buffers.ts';

/** Maps `bytes` of `staging` (already copied into by a submitted command buffer) and returns a copy. */
export async function mapStaging(staging: GPUBuffer, bytes: number): Promise<Float32Array> {
  await staging.mapAsync(1 /* GPUMapMode.READ */, 0, bytes);
  const out = new Float32Array(staging.getMappedRange(0, bytes).slice(0));
  staging.unmap();
  return out;
}

/** Copies `bytes` of `src` into `staging` and reads them. */
export async function readSmall(device: GPUDevice, src: GPUBuffer, staging: GPUBuffer, bytes: number): Promise<Float32Array> {
  const enc = device.createCommandEncoder();
  enc.copyBufferToBuffer(src, 0, staging, 0, bytes);
  device.queue.submit([enc.finish()]);
  return mapStaging(staging, bytes);
}

/** Reads `floats` floats of `src` through a buffer made for the purpose. */
export async function readLarge(device: GPUDevice, src: GPUBuffer, floats: number): Promise<Float32Array> {
  const tmp = device.createBuffer({ size: Math.max(16, floats * 4), usage: MAP_READ | COPY_DST });
  try {
    const enc = device.createCommandEncoder();
    enc.copyBufferToBuffer(src, 0, tmp, 0, floats * 4);
    device.queue.submit([enc.finish()]);
    await tmp.mapAsync(1);
    return new Float32Array(tmp.getMappedRange().slice(0));
  } finally {
    tmp.destroy();
  }
}
