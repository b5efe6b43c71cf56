/**
 * The GPU GEMM on its own, for tests and the benchmark: uploads A and B,
 * runs the same WGSL kernel the trainer uses, and reads C back.
 * @module
 */
import type { GpuContext } from './device.ts';
import { gemmWgsl } from './wgsl.ts';

export interface GpuGemm {
  /** C = op(A) op(B); resolves to C. `repeat` runs the kernel that many times (for timing). */
  run(transA: boolean, transB: boolean, m: number, n: number, k: number, a: Float32Array, b: Float32Array, repeat?: number): Promise<Float32Array>;
  tile: number;
}

export function createGpuGemm(ctx: GpuContext): GpuGemm {
  const { device } = ctx;
  let tile = 16;
  while (tile * tile > device.limits.maxComputeInvocationsPerWorkgroup || tile > device.limits.maxComputeWorkgroupSizeX) tile /= 2;
  const module = device.createShaderModule({ code: gemmWgsl(tile) });
  const pipeline = device.createComputePipeline({ layout: 'auto', compute: { module, entryPoint: 'main' } });
  return {
    tile,
    async run(transA, transB, m, n, k, a, b, repeat = 1) {
      const make = (data: Float32Array | number, usage: number) => {
        const size = Math.max(16, (typeof data === 'number' ? data : data.byteLength) + 3) & ~3;
        const buf = device.createBuffer({ size, usage });
        if (typeof data !== 'number') device.queue.writeBuffer(buf, 0, data.buffer, data.byteOffset, data.byteLength);
        return buf;
      };
      const A = make(a, 0x80 | 0x08);
      const B = make(b, 0x80 | 0x08);
      const C = make(m * n * 4, 0x80 | 0x04);
      const dims = new ArrayBuffer(48);
      new Uint32Array(dims).set([m, n, k, 0, 0, 0, transA ? 1 : 0, transB ? 1 : 0]);
      new Float32Array(dims).set([1, 0], 8);
      const U = device.createBuffer({ size: 48, usage: 0x40 | 0x08 });
      device.queue.writeBuffer(U, 0, dims);
      const bind = device.createBindGroup({ layout: pipeline.getBindGroupLayout(0), entries: [A, B, C, U].map((buffer, binding) => ({ binding, resource: { buffer } })) });
      const enc = device.createCommandEncoder();
      const pass = enc.beginComputePass();
      pass.setPipeline(pipeline);
      pass.setBindGroup(0, bind);
      for (let i = 0; i < repeat; i++) pass.dispatchWorkgroups(Math.ceil(n / tile), Math.ceil(m / tile));
      pass.end();
      const R = device.createBuffer({ size: Math.max(16, m * n * 4), usage: 0x01 | 0x08 });
      enc.copyBufferToBuffer(C, 0, R, 0, m * n * 4);
      device.queue.submit([enc.finish()]);
      await R.mapAsync(1);
      const out = new Float32Array(R.getMappedRange().slice(0, m * n * 4));
      for (const buf of [A, B, C, U, R]) buf.destroy();
      return out;
    },
  };
}
