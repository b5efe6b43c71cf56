/**
 * The GPU GEMM on its own, for tests and the benchmark: uploads A and B,
 * runs the same WGSL kernel generator the trainer uses (plain store
 * epilogue), and reads C back.
 * @module
 */
import type { GpuContext } from './device.ts';
import { bufferPool, COPY_DST, MAP_READ } from './gpu-buffers.ts';
import { pipelineCache } from './pipeline-cache.ts';
import { mapStaging } from './readback.ts';
import { gemmDispatch, encodePass } from './step-schedule.ts';
import { gemmTiles, pickTile, type GemmTiles } from './wgsl-gemm.ts';
import { upload } from './gpu-uploads.ts';

export interface GpuGemm {
  /** C = op(A) op(B); resolves to C. `repeat` runs the kernel that many times in one pass (for timing). */
  run(transA: boolean, transB: boolean, m: number, n: number, k: number, a: Float32Array, b: Float32Array, repeat?: number): Promise<Float32Array>;
  /** The tile the kernel uses for an m x n x k product, for reports. */
  describe(m: number, n: number, k: number): string;
}

export interface GpuGemmOptions {
  /** Always this tile instead of the one chosen by size (tests cover every tile on small products). */
  tile?: keyof GemmTiles;
}

export function createGpuGemm(ctx: GpuContext, options: GpuGemmOptions = {}): GpuGemm {
  const { device } = ctx;
  const tiles = gemmTiles(device.limits.maxComputeInvocationsPerWorkgroup, device.limits.maxComputeWorkgroupStorageSize);
  const pipelines = pipelineCache(device);
  return {
    describe(m, n) {
      const t = options.tile ? tiles[options.tile] : pickTile(tiles, m, n);
      return `${t.wgX}x${t.wgY} threads, ${t.tm}x${t.tn} outputs each, depth ${t.bk}`;
    },
    async run(transA, transB, m, n, k, a, b, repeat = 1) {
      const pool = bufferPool(device);
      try {
        const A = pool.storage(a.byteLength);
        upload(device, A, a);
        const B = pool.storage(b.byteLength);
        upload(device, B, b);
        const C = pool.storage(m * n * 4);
        const R = pool.buffer(m * n * 4, MAP_READ | COPY_DST);
        const d = gemmDispatch({ pool, pipelines, tiles }, { A, B, C, m, n, k, transA, transB, epilogue: { kind: 'store' }, tile: options.tile });
        const enc = device.createCommandEncoder();
        encodePass(enc, Array.from({ length: repeat }, () => d));
        enc.copyBufferToBuffer(C, 0, R, 0, m * n * 4);
        device.queue.submit([enc.finish()]);
        return await mapStaging(R, m * n * 4);
      } finally {
        pool.destroyAll();
      }
    },
  };
}
