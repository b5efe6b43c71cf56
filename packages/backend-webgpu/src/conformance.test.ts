// The backend conformance suite (@dnn/nn/testing) for WebGPU, on the adapter
// this machine has (a software one in CI: llvmpipe is slow, and the suite's
// models are small). Imports the built package, as users do.
import type { Backend } from '@dnn/nn';
import { describeBackend } from '@dnn/nn/testing';
import { webgpuBackend } from '@dnn/backend-webgpu';
import { simdOff } from '../../../test-support/environment.ts';
import { isRequired, requireCapability } from '../../../test-support/capabilities.ts';
import { testGemmTile } from './test-tile.ts';

let why: string | false = false;
// On Deno's software adapter the suite puts every GEMM on the tiny tile (test-tile.ts).
let gemmTile: 'tiny' | undefined;
try {
  const probe = await webgpuBackend();
  gemmTile = testGemmTile(probe);
  console.log(`# WebGPU adapter: ${probe.describe()}${gemmTile ? ' (every GEMM on the tiny tile)' : ''}`);
  probe.context.device.destroy();
} catch (e) {
  why = `no WebGPU adapter here: ${(e as Error).message}`;
}
// The DNN_SIMD=off pass checks the CPU's TypeScript kernels; the GPU's are the same in both passes.
if (simdOff) why = 'the GPU kernels do not depend on DNN_SIMD (run in the SIMD pass)';

// Without an adapter where the run requires one, the suite's cases would only skip: one test fails instead, naming it.
if (why && !simdOff && isRequired('webgpu')) requireCapability('webgpu', false, why)('webgpu: the conformance suite', () => {});
else describeBackend('webgpu', () => webgpuBackend({ gemmTile }), {
  skip: why,
  // The GPU's sums run in an order of the driver's choosing: no bit-for-bit promise.
  deterministic: false,
  loseDevice: async (b: Backend) => {
    const { device } = (b as Awaited<ReturnType<typeof webgpuBackend>>).context;
    device.destroy();
    await device.lost;
  },
});
