/**
 * @dnn/backend-webgpu: the whole training step on the GPU with WGSL compute
 * shaders, for @dnn/nn. Finds a device itself (navigator.gpu in browsers and
 * Deno; the npm package `webgpu`, loaded only when asked for, in Node and
 * Bun), or takes one from the caller.
 * @module @dnn/backend-webgpu
 */
import { BACKEND_INTERFACE_VERSION, type Backend } from '@dnn/nn';
import { describeAdapter, findDevice, type FindOptions, type GpuContext } from './device.ts';
import { createGpuTrainer } from './gpu-trainer.ts';
import type { GemmTiles } from './wgsl-gemm.ts';

export { type AdapterChoice, type FindOptions, type GpuContext, NoAdapterError, WebGpuPackageMissingError, findDevice, describeAdapter } from './device.ts';

export interface WebgpuBackendOptions extends FindOptions {
  /**
   * Runs every GEMM on this tile instead of the one chosen by each product's size. 'tiny' (one output per thread)
   * runs slower but a software adapter such as llvmpipe compiles it in a fraction of a second where the others take
   * up to a minute each: for short runs (tests) on such an adapter.
   */
  gemmTile?: keyof GemmTiles;
}

/**
 * Creates the WebGPU backend, finding a device first.
 * @example const backend = await webgpuBackend(); await fit(spec, data, { ...options, backend });
 */
export async function webgpuBackend(options: WebgpuBackendOptions = {}): Promise<Backend & { context: GpuContext }> {
  const context = await findDevice(options);
  const info = describeAdapter(context);
  return {
    interfaceVersion: BACKEND_INTERFACE_VERSION,
    name: 'webgpu',
    context,
    describe: () => `webgpu (${info.description || info.vendor || 'adapter'}, ${context.route}${options.gemmTile ? `, every GEMM on the ${options.gemmTile} tile` : ''})`,
    createTrainer: async (opts) => {
      // The GPU's sums run in parallel in an order the driver chooses: no bit-for-bit promise.
      if (opts.deterministic) throw new Error('the webgpu backend has no deterministic mode; use --backend cpu or workers');
      return createGpuTrainer(context, opts, options.gemmTile);
    },
  };
}
export { type GpuGemm, type GpuGemmOptions, createGpuGemm } from './gemm-runner.ts';
