// The webgpu backend and layer lists: a dense-only list (its MLP view) runs
// as before, any other list is refused with one clear line. Imports the
// built package, as users do.
import { expect } from 'bun:test';
import { maxRelativeError, Rng } from '@dnn/tensor';
import { cpuBackend, defaultCnnSpec, initParams, validateSpec, type Dataset } from '@dnn/nn';
import { webgpuBackend } from '@dnn/backend-webgpu';
import { requireCapability, skipIf } from '../../../scripts/testing/capabilities.ts';

let backend: Awaited<ReturnType<typeof webgpuBackend>> | null = null;
let why = '';
try {
  backend = await webgpuBackend();
} catch (e) {
  why = `no WebGPU adapter here: ${(e as Error).message}`;
}
const gpuTest = process.env.DNN_SIMD === 'off' ? skipIf('the GPU kernels do not depend on DNN_SIMD (run in the SIMD pass)') : requireCapability('webgpu', backend !== null, why);

const rng = new Rng(5);
const data: Dataset = { x: Uint8Array.from({ length: 60 * 16 }, () => rng.int(256)), labels: Uint8Array.from({ length: 60 }, () => rng.int(3)), count: 60, features: 16, classes: 3 };

gpuTest('webgpu: a dense-only layer list on image inputs trains like the cpu backend', async () => {
  const spec = validateSpec({
    input: { shape: [1, 4, 4], scale: 1 / 255 },
    layers: [{ kind: 'flatten' }, { kind: 'dense', out: 7 }, { kind: 'tanh' }, { kind: 'dense', out: 3 }, { kind: 'softmax' }],
    loss: 'cross-entropy',
  });
  const params = initParams(spec, 2);
  const order = Uint32Array.from({ length: 60 }, (_, i) => i);
  const run = async (b: NonNullable<typeof backend> | ReturnType<typeof cpuBackend>) => {
    const t = await b.createTrainer({ spec, params, optimizer: { name: 'adam' }, data, maxBatch: 12 });
    try {
      const r = await t.train(order, 0, 60, 12, 1e-2);
      return { loss: r.lossSum, params: await t.getParams() };
    } finally {
      await t.dispose();
    }
  };
  const cpu = await run(cpuBackend());
  const gpu = await run(backend!);
  expect(Math.abs(gpu.loss - cpu.loss) / cpu.loss, `loss ${gpu.loss} vs ${cpu.loss}`).toBeLessThan(1e-4);
  expect(maxRelativeError(gpu.params, cpu.params, 1e-2)).toBeLessThan(1e-4);
});

gpuTest('webgpu: any other layer list is refused with one clear line', async () => {
  const spec = defaultCnnSpec();
  await expect(backend!.createTrainer({ spec, params: initParams(spec, 1), optimizer: { name: 'sgd' }, data: { ...data, features: 784, x: new Uint8Array(60 * 784) }, maxBatch: 10 })).rejects.toThrow(expect.objectContaining({ name: 'Error', message: expect.stringMatching(/^the webgpu backend runs dense layers only so far; use --backend cpu or workers$/) }));
});
