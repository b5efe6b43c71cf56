// The GPU GEMM's tiles, the vec4 paths and NaN against the CPU, on the adapter
// this machine has (a software one in CI); everything a backend must do is in
// the conformance suite (conformance.test.ts). Imports the built package, as users do.
import { expect } from 'bun:test';
import { gemm, maxRelativeError, randomArray, Rng } from '@dnn/tensor';
import { cpuBackend, validateSpec, type ActivationName, type Dataset, type LossName, type OptimizerName, type Trainer } from '@dnn/nn';
import { noise, paramsWithBiases } from '@dnn/nn/testing';
import { createGpuGemm, webgpuBackend } from '@dnn/backend-webgpu';
import { simdOff } from '../../../test-support/environment.ts';
import { requireCapability, skipIf } from '../../../test-support/capabilities.ts';
import { testGemmTile } from './test-tile.ts';

let backend: Awaited<ReturnType<typeof webgpuBackend>> | null = null;
let why = '';
/** Deno on a software adapter, whose shader compiler is slow (decided on the adapter's own description). */
let slowCompiler = false;
try {
  backend = await webgpuBackend();
  slowCompiler = testGemmTile(backend) !== undefined;
  if (slowCompiler) backend = await webgpuBackend({ device: backend.context.device, gemmTile: 'tiny' });
  console.log(`# WebGPU adapter: ${backend.describe()}`);
} catch (e) {
  why = `no WebGPU adapter here: ${(e as Error).message}`;
  console.log(`# skipping the WebGPU tests: ${why}`);
}
// The DNN_SIMD=off pass checks the CPU's TypeScript kernels; the GPU's are the same in both passes.
const gpuTest = simdOff ? skipIf('the GPU kernels do not depend on DNN_SIMD (run in the SIMD pass)') : requireCapability('webgpu', backend !== null, why);

gpuTest('GEMM matches the reference on awkward sizes, all four transposes, every tile', async () => {
  const rng = new Rng(1);
  // Awkward sizes (scalar loads) and multiples of four (vec4 loads); each tile forced, then chosen by size.
  // Deno's software adapter (wgpu over lavapipe) takes a minute or more to compile each tile but the tiny one; Dawn compiles them in a moment.
  const slow = slowCompiler;
  if (slow) console.log('# only the tiny GEMM tile is checked under Deno on a software adapter (its shader compiler takes minutes on the others); Node and Bun check every tile');
  for (const tile of ['tiny', 'small', 'large', 'xl', undefined] as const) {
    if (tile !== 'tiny' && slow) continue;
    const g = createGpuGemm(backend!.context, { tile });
    for (const [m, n, k] of [[1, 1, 1], [7, 33, 3], [33, 7, 100], [100, 13, 257], [4, 8, 12], [68, 132, 36], [132, 136, 20]]) {
      for (const ta of [false, true]) {
        for (const tb of [false, true]) {
          const a = randomArray(rng, m * k);
          const b = randomArray(rng, k * n);
          const want = new Float32Array(m * n);
          gemm(ta, tb, m, n, k, 1, a, b, 0, want);
          const got = await g.run(ta, tb, m, n, k, a, b);
          const scale = want.reduce((s, v) => Math.max(s, Math.abs(v)), 1e-30);
          expect(maxRelativeError(got, want, scale), `${tile} ${m}x${n}x${k} ${ta} ${tb}`).toBeLessThan(1e-5);
        }
      }
    }
  }
  const g = createGpuGemm(backend!.context, { tile: slow ? 'tiny' : undefined });
  const nan = await g.run(false, false, 1, 2, 2, Float32Array.of(NaN, 1), Float32Array.of(1, 2, 3, Infinity));
  expect(Number.isNaN(nan[0]) && Number.isNaN(nan[1]), 'NaN propagates').toBeTruthy();
});

async function pair(spec: ReturnType<typeof validateSpec>, data: Dataset, optimizer: OptimizerName, maxBatch: number): Promise<[Trainer, Trainer]> {
  const params = paramsWithBiases(spec, 3);
  const make = (b: typeof backend) => b!.createTrainer({ spec, params, optimizer: { name: optimizer }, data, maxBatch });
  return [await make(cpuBackend() as typeof backend), await make(backend)];
}

// The conformance suite (conformance.test.ts) covers every activation, optimizer and loss on
// awkward sizes; these widths are multiples of four, for the GEMM's vec4 loads, and two hidden
// layers take the fused backward epilogue twice.
const combos: [ActivationName, ActivationName, LossName, OptimizerName, number[]][] = [
  ['elu', 'softmax', 'mse', 'adam', [12, 16]],
  ['relu', 'softmax', 'cross-entropy', 'adam', [20, 8]],
];

for (const [hidden, output, loss, optimizer, widths] of combos) {
  gpuTest(`training steps match the CPU within 1e-4 for 50 steps: ${hidden} -> ${output}, ${loss}, ${optimizer}, aligned ${widths}`, async () => {
    const [inputs, outputs] = [24, 8];
    const layers = widths;
    const spec = validateSpec({ inputSize: inputs, hidden: layers, activations: layers.map(() => hidden), outputSize: outputs, output, loss, inputScale: 1 / 255 });
    const data = noise(230, inputs, outputs, 5);
    const [c, g] = await pair(spec, data, optimizer, 9);
    const order = Uint32Array.from({ length: 230 }, (_, i) => (i * 37) % 230);
    const lr = optimizer === 'adam' ? 0.01 : 0.1;
    for (let s = 0; s < 50; s++) {
      // Batches of 9 with the last of each sweep partial (230 = 25 x 9 + 5).
      const start = (s * 9) % 225;
      const want = await c.train(order, start, 9, 9, lr);
      const got = await g.train(order, start, 9, 9, lr);
      const rel = Math.abs(got.lossSum - want.lossSum) / Math.max(Math.abs(want.lossSum), 1e-6);
      expect(rel, `step ${s + 1}: ${got.lossSum} vs ${want.lossSum}`).toBeLessThan(1e-4);
    }
    const last = await c.train(order, 225, 5, 9, lr);
    const lastGpu = await g.train(order, 225, 5, 9, lr);
    expect(Math.abs(lastGpu.lossSum - last.lossSum) / last.lossSum, 'a partial batch').toBeLessThan(1e-4);
    const pc = await c.getParams();
    const pg = await g.getParams();
    expect(maxRelativeError(pg, pc, 1e-2), 'parameters after 51 steps').toBeLessThan(1e-3);
    const state = await g.getState();
    expect(state.steps).toBe(51);
    await g.dispose();
  });
}

gpuTest('a forward pass propagates NaN like the CPU', async () => {
  const spec = validateSpec({ inputSize: 3, hidden: [4], activations: ['relu'], outputSize: 2, output: 'softmax', loss: 'cross-entropy', inputScale: 1 });
  const data: Dataset = { x: Float32Array.of(1, NaN, 2, 0.5, 0.25, 1), labels: Uint8Array.of(0, 1), count: 2, features: 3, classes: 2 };
  const [c, g] = await pair(spec, data, 'sgd', 2);
  const want = await c.predict(data, 0, 2);
  const got = await g.predict(data, 0, 2);
  expect([...got].map(Number.isNaN)).toEqual([...want].map(Number.isNaN));
  expect(Number.isNaN(got[0]) && !Number.isNaN(got[2])).toBeTruthy();
});
