// The step schedule's size, counted on the adapter this machine has: the
// figures the GPU bench prints, held here so they cannot creep back up.
import { expect } from 'bun:test';
import { initParams, validateSpec, type Dataset } from '@dnn/nn';
import { webgpuBackend } from '@dnn/backend-webgpu';
import { countingDevice, type GpuCounts } from './gpu-counters.ts';
import { simdOff } from '../../../test-support/environment.ts';
import { requireCapability, skipIf } from '../../../test-support/capabilities.ts';

let base: Awaited<ReturnType<typeof webgpuBackend>> | null = null;
let why = '';
try {
  base = await webgpuBackend();
} catch (e) {
  why = `no WebGPU adapter here: ${(e as Error).message}`;
}
const gpuTest = simdOff ? skipIf('the GPU schedule does not depend on DNN_SIMD (run in the SIMD pass)') : requireCapability('webgpu', base !== null, why);

gpuTest('a training call is one command buffer of 3L + 2 dispatches per step, reading back 4 bytes', async () => {
  const counts: GpuCounts = { dispatches: 0, commandBuffers: 0, bytesReadBack: 0 };
  const backend = await webgpuBackend({ device: countingDevice(base!.context.device, counts) });
  const spec = validateSpec({ inputSize: 10, hidden: [8, 6], activations: ['relu', 'tanh'], outputSize: 4, output: 'softmax', loss: 'cross-entropy', inputScale: 1 / 255 });
  const data: Dataset = { x: new Uint8Array(50 * 10).map((_, i) => i % 251), labels: new Uint8Array(50).map((_, i) => i % 4), count: 50, features: 10, classes: 4 };
  const t = await backend.createTrainer({ spec, params: initParams(spec, 1), optimizer: { name: 'adam' }, data, maxBatch: 10 });
  const order = Uint32Array.from({ length: 50 }, (_, i) => i);
  await t.train(order, 0, 10, 10, 0.01); // pipelines compile here
  const before = { ...counts };
  const r = await t.train(order, 0, 50, 10, 0.01);
  expect(Number.isFinite(r.lossSum) && r.lossSum > 0).toBeTruthy();
  expect(counts.dispatches - before.dispatches, 'dispatches for 5 steps of a 3-layer MLP').toBe(5 * (3 * 3 + 2));
  expect(counts.commandBuffers - before.commandBuffers, 'command buffers per train call').toBe(1);
  expect(counts.bytesReadBack - before.bytesReadBack, 'bytes read back per train call').toBe(4);
  await t.dispose();
});

gpuTest("a CNN's training call is one command buffer too: 23 dispatches per step for the default CNN's layers, reading back 4 bytes", async () => {
  const counts: GpuCounts = { dispatches: 0, commandBuffers: 0, bytesReadBack: 0 };
  const backend = await webgpuBackend({ device: countingDevice(base!.context.device, counts) });
  // The default CNN's layer kinds on 12x12 images: 9 forward, the loss, 12 backward, the optimizer.
  const spec = validateSpec({
    input: { shape: [1, 12, 12], scale: 1 / 255 },
    layers: [
      { kind: 'conv2d', out: 2, kernel: 3, stride: 1, padding: 'valid' },
      { kind: 'relu' },
      { kind: 'maxpool2d' },
      { kind: 'conv2d', out: 3, kernel: 3, stride: 1, padding: 'valid' },
      { kind: 'relu' },
      { kind: 'maxpool2d' },
      { kind: 'flatten' },
      { kind: 'dense', out: 4 },
      { kind: 'relu' },
      { kind: 'dense', out: 3 },
      { kind: 'softmax' },
    ],
    loss: 'cross-entropy',
  });
  const data: Dataset = { x: new Uint8Array(20 * 144).map((_, i) => i % 251), labels: new Uint8Array(20).map((_, i) => i % 3), count: 20, features: 144, classes: 3 };
  const t = await backend.createTrainer({ spec, params: initParams(spec, 1), optimizer: { name: 'adam' }, data, maxBatch: 4 });
  const order = Uint32Array.from({ length: 20 }, (_, i) => i);
  await t.train(order, 0, 4, 4, 0.01); // pipelines compile here
  const before = { ...counts };
  const r = await t.train(order, 0, 20, 4, 0.01);
  expect(Number.isFinite(r.lossSum) && r.lossSum > 0).toBeTruthy();
  expect(counts.dispatches - before.dispatches, 'dispatches for 5 steps').toBe(5 * 23);
  expect(counts.commandBuffers - before.commandBuffers, 'command buffers per train call').toBe(1);
  expect(counts.bytesReadBack - before.bytesReadBack, 'bytes read back per train call').toBe(4);
  await t.dispose();
});
