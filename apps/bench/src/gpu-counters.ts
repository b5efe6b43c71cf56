/// <reference types="@webgpu/types" />
/**
 * Counts what a WebGPU device is asked to do: compute dispatches, command
 * buffers submitted, and bytes copied into mappable (read-back) buffers.
 * Wraps a real device without changing the backend, so the same count
 * serves the code before and after a change.
 * @module
 */

export interface GpuCounts {
  dispatches: number;
  commandBuffers: number;
  bytesReadBack: number;
}

const MAP_READ = 0x01;

/** A device that behaves as `device` and counts into `counts`. */
export function countingDevice(device: GPUDevice, counts: GpuCounts): GPUDevice {
  const readable = new WeakSet<object>();
  const bindAll = <T extends object>(target: T, overrides: Record<string, unknown>): T =>
    new Proxy(target, {
      get(t, key) {
        if (typeof key === 'string' && key in overrides) return overrides[key];
        const v = Reflect.get(t, key, t);
        return typeof v === 'function' ? v.bind(t) : v;
      },
    });
  const pass = (p: GPUComputePassEncoder) =>
    bindAll(p, {
      dispatchWorkgroups: (x: number, y?: number, z?: number) => {
        counts.dispatches++;
        p.dispatchWorkgroups(x, y, z);
      },
    });
  const encoder = (e: GPUCommandEncoder) =>
    bindAll(e, {
      beginComputePass: (d?: GPUComputePassDescriptor) => pass(e.beginComputePass(d)),
      copyBufferToBuffer: (src: GPUBuffer, srcOffset: number, dst: GPUBuffer, dstOffset: number, size: number) => {
        if (readable.has(dst)) counts.bytesReadBack += size;
        e.copyBufferToBuffer(src, srcOffset, dst, dstOffset, size);
      },
    });
  const queue = bindAll(device.queue, {
    submit: (buffers: GPUCommandBuffer[]) => {
      counts.commandBuffers += buffers.length;
      device.queue.submit(buffers);
    },
  });
  return bindAll(device, {
    queue,
    createCommandEncoder: (d?: GPUCommandEncoderDescriptor) => encoder(device.createCommandEncoder(d)),
    createBuffer: (d: GPUBufferDescriptor) => {
      const b = device.createBuffer(d);
      if (d.usage & MAP_READ) readable.add(b);
      return b;
    },
  });
}
