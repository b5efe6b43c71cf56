// The webgpu backend on layer lists (layer-schedule.ts): every layer kind
// trains and predicts as the cpu backend's reference loops do, and the
// default CNN keeps within 1e-4 of the cpu backend over 50 steps. Small
// images and batches: Deno's software adapter is slow. Imports the built
// package, as users do.
import { expect } from 'bun:test';
import { maxRelativeError, Rng } from '@dnn/tensor';
import { cpuBackend, defaultCnnSpec, initParams, paramLayout, validateSpec, type Backend, type Dataset, type ModelSpec, type OptimizerName } from '@dnn/nn';
import { webgpuBackend } from '@dnn/backend-webgpu';
import { simdOff } from '../../../test-support/environment.ts';
import { requireCapability, skipIf } from '../../../test-support/capabilities.ts';
import { testGemmTile } from './test-tile.ts';

let backend: Awaited<ReturnType<typeof webgpuBackend>> | null = null;
/** The same device, every GEMM on the tiny tile. */
let tiny: Awaited<ReturnType<typeof webgpuBackend>> | null = null;
let why = '';
try {
  backend = await webgpuBackend();
  tiny = await webgpuBackend({ device: backend.context.device, gemmTile: 'tiny' });
  // Tens of GEMM variants here: on Deno's software adapter the tests run on the tiny tile (test-tile.ts).
  if (testGemmTile(backend)) {
    console.log('# Deno on a software adapter: every GEMM on the tiny tile (its shader compiler is slow); Node and Bun test the size-chosen tiles');
    backend = tiny;
  }
} catch (e) {
  why = `no WebGPU adapter here: ${(e as Error).message}`;
}
const gpuTest = simdOff ? skipIf('the GPU kernels do not depend on DNN_SIMD (run in the SIMD pass)') : requireCapability('webgpu', backend !== null, why);

function dataset(count: number, features: number, classes: number, seed: number): Dataset {
  const rng = new Rng(seed);
  return { x: Uint8Array.from({ length: count * features }, () => rng.int(256)), labels: Uint8Array.from({ length: count }, () => rng.int(classes)), count, features, classes };
}

/** Initial parameters with random biases (initParams zeroes them), so the bias terms count. */
function startParams(spec: ModelSpec): Float32Array {
  const params = initParams(spec, 3);
  const rng = new Rng(4);
  for (const l of paramLayout(spec).layers) for (let i = 0; i < l.outputs; i++) params[l.bias + i] = (rng.float() - 0.5) * 0.2;
  return params;
}

const rel = (a: number, b: number) => Math.abs(a - b) / Math.max(Math.abs(b), 1e-6);

/**
 * Trains `steps` batches on the cpu reference and on the GPU from the same
 * start and compares each step's loss, the parameters, and predictions.
 */
async function compare(spec: ModelSpec, o: { steps: number; batch: number; optimizer?: OptimizerName; lr?: number; seed?: number; reference?: boolean; paramTol?: number; gpu?: Backend }) {
  const features = spec.input.shape.reduce((a, b) => a * b, 1);
  const classes = paramLayout(spec).layers.at(-1)!.outputs;
  const data = dataset(o.batch * 4 + 3, features, classes, 5);
  const params = startParams(spec);
  const make = (b: Backend) => b.createTrainer({ spec, params, optimizer: { name: o.optimizer ?? 'adam' }, data, maxBatch: o.batch, seed: o.seed ?? 9 });
  const cpu = await make(cpuBackend({ kernels: o.reference === false ? 'fast' : 'reference' }));
  const gpu = await make(o.gpu ?? backend!);
  try {
    const order = Uint32Array.from({ length: data.count }, (_, i) => (i * 7) % data.count);
    const lr = o.lr ?? 1e-2;
    let worst = 0;
    for (let s = 0; s < o.steps; s++) {
      // The last batch of each sweep is partial.
      const start = (s % 5) * o.batch;
      const rows = Math.min(o.batch, data.count - start);
      const want = await cpu.train(order, start, rows, o.batch, lr);
      const got = await gpu.train(order, start, rows, o.batch, lr);
      worst = Math.max(worst, rel(got.lossSum, want.lossSum));
      expect(rel(got.lossSum, want.lossSum), `step ${s + 1}: loss ${got.lossSum} vs ${want.lossSum}`).toBeLessThan(1e-4);
    }
    const pc = await cpu.getParams();
    const pg = await gpu.getParams();
    const paramError = maxRelativeError(pg, pc, 1e-2);
    expect(paramError, `parameters after ${o.steps} steps: ${paramError}`).toBeLessThan((o.paramTol ?? 1e-4));
    const want = await cpu.predict(data, 1, data.count);
    const got = await gpu.predict(data, 1, data.count);
    expect(maxRelativeError(got, want, 1e-3), `predictions: ${maxRelativeError(got, want, 1e-3)}`).toBeLessThan(1e-4);
    return { worst, paramError, params: pg };
  } finally {
    await gpu.dispose();
  }
}

const spec = (shape: number[], layers: unknown[], loss: 'cross-entropy' | 'mse' = 'cross-entropy') => validateSpec({ input: { shape, scale: 1 / 255 }, layers, loss });

gpuTest('webgpu: a dense-only layer list on image inputs trains like the cpu backend (the fused MLP schedule)', async () => {
  await compare(spec([1, 4, 4], [{ kind: 'flatten' }, { kind: 'dense', out: 7 }, { kind: 'tanh' }, { kind: 'dense', out: 3 }, { kind: 'softmax' }]), { steps: 5, batch: 12 });
});

gpuTest('webgpu: conv2d, same padding stride 1 and valid stride 2, several channels, odd sizes; max pooling of an odd side', async () => {
  // [3,9,7] -> conv5 k3 same -> [5,9,7] -> conv4 k3 s2 valid -> [4,4,3] -> pool -> [4,2,1].
  await compare(
    spec([3, 9, 7], [
      { kind: 'conv2d', out: 5, kernel: 3, stride: 1, padding: 'same' },
      { kind: 'relu' },
      { kind: 'conv2d', out: 4, kernel: 3, stride: 2, padding: 'valid' },
      { kind: 'tanh' },
      { kind: 'maxpool2d' },
      { kind: 'flatten' },
      { kind: 'dense', out: 6 },
      { kind: 'softmax' },
    ]),
    { steps: 6, batch: 5, optimizer: 'sgd', lr: 0.5 },
  );
});

gpuTest('webgpu: conv2d same padding stride 2 (5x5), pooling an odd side, dropout, activations after pooling and in a row, mse', async () => {
  // [2,11,10] -> conv3 k5 s2 same -> [3,6,5] -> pool -> [3,3,2] -> ... ; elu and sigmoid run as layers of their own.
  await compare(
    spec(
      [2, 11, 10],
      [
        { kind: 'conv2d', out: 3, kernel: 5, stride: 2, padding: 'same' },
        { kind: 'maxpool2d' },
        { kind: 'elu' },
        { kind: 'softplus' },
        { kind: 'conv2d', out: 4, kernel: 1, stride: 1, padding: 'valid' },
        { kind: 'leaky-relu' },
        { kind: 'flatten' },
        { kind: 'dropout', rate: 0.3 },
        { kind: 'dense', out: 5 },
        { kind: 'lecun-tanh' },
        { kind: 'dropout', rate: 0.5 },
        { kind: 'dense', out: 4 },
        { kind: 'sigmoid' },
      ],
      'mse',
    ),
    { steps: 6, batch: 6, optimizer: 'momentum', lr: 0.1 },
  );
});

gpuTest('webgpu: every GEMM on the tiny tile (gemmTile): conv layers, split-K weight gradients, vec4 and scalar loads', async () => {
  // [1,24,23] -> conv3 k3 same -> [3,24,23]: 1104 pixels at batch 2, over the 1024 that split the weight gradient's depth.
  await compare(
    spec([1, 24, 23], [
      { kind: 'conv2d', out: 3, kernel: 3, stride: 1, padding: 'same' },
      { kind: 'relu' },
      { kind: 'maxpool2d' },
      { kind: 'conv2d', out: 4, kernel: 3, stride: 2, padding: 'valid' },
      { kind: 'tanh' },
      { kind: 'flatten' },
      { kind: 'dense', out: 8 },
      { kind: 'sigmoid' },
      { kind: 'dense', out: 4 },
      { kind: 'softmax' },
    ]),
    { steps: 5, batch: 2, lr: 1e-2, gpu: tiny! },
  );
  expect(tiny!.describe()).toMatch(/every GEMM on the tiny tile/);
});

gpuTest("webgpu: dropout's mask is the cpu's, element for element", async () => {
  // Linear layers around the dropout: any element dropped on one side and kept on the other moves the loss far beyond 1e-4.
  const s = spec([12], [{ kind: 'dense', out: 40 }, { kind: 'dropout', rate: 0.5 }, { kind: 'dense', out: 3 }, { kind: 'softmax' }]);
  const a = await compare(s, { steps: 5, batch: 8, optimizer: 'sgd', lr: 0.5, seed: 1 });
  const b = await compare(s, { steps: 5, batch: 8, optimizer: 'sgd', lr: 0.5, seed: 2 });
  // The seed drives the mask: two seeds end in different places.
  expect(maxRelativeError(a.params, b.params, 1e-2), 'the seed changed nothing').toBeGreaterThan(1e-3);
});

gpuTest('webgpu: a batch too large for a device buffer is refused with one line', async () => {
  const s = spec([1, 28, 28], [{ kind: 'conv2d', out: 64, kernel: 5, stride: 1, padding: 'same' }, { kind: 'flatten' }, { kind: 'dense', out: 2 }, { kind: 'softmax' }]);
  await expect(backend!.createTrainer({ spec: s, params: initParams(s, 1), optimizer: { name: 'sgd' }, data: dataset(2, 784, 2, 1), maxBatch: 4000 })).rejects.toThrow(expect.objectContaining({ name: 'Error', message: expect.stringMatching(/^the webgpu backend needs .+ of \d+ MiB for batches of 4000, over this device's \d+ MiB per buffer; use a smaller batch$/) }));
});

gpuTest('webgpu: 50 training steps of the default CNN agree with the cpu backend within 1e-4', async () => {
  const r = await compare(defaultCnnSpec(), { steps: 50, batch: 2, lr: 1e-3, reference: false, paramTol: 1e-3 });
  console.log(`# default CNN, 50 steps of 2 rows: worst loss difference ${r.worst.toExponential(2)}, parameters ${r.paramError.toExponential(2)} (relative, floor 1e-2)`);
}, 900_000);
