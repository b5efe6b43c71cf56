// Every kernel against the CPU reference, on the adapter this machine has
// (a software one in CI). Imports the built package, as users do.
import { expect } from 'bun:test';
import { gemm, maxRelativeError, randomArray, Rng } from '@dnn/tensor';
import { ACTIVATIONS, cpuBackend, hiddenActivations, initParams, paramLayout, validateSpec, type ActivationName, type Dataset, type LossName, type OptimizerName, type Trainer } from '@dnn/nn';
import { createGpuGemm, webgpuBackend } from '@dnn/backend-webgpu';
import { simdOff } from '../../../test-support/environment.ts';
import { requireCapability, skipIf } from '../../../test-support/capabilities.ts';

let backend: Awaited<ReturnType<typeof webgpuBackend>> | null = null;
let why = '';
try {
  backend = await webgpuBackend();
  console.log(`# WebGPU adapter: ${backend.describe()}`);
} catch (e) {
  why = `no WebGPU adapter here: ${(e as Error).message}`;
  console.log(`# skipping the WebGPU tests: ${why}`);
}
// The DNN_SIMD=off pass checks the CPU's TypeScript kernels; the GPU's are the same in both passes.
const gpuTest = simdOff ? skipIf('the GPU kernels do not depend on DNN_SIMD (run in the SIMD pass)') : requireCapability('webgpu', backend !== null, why);

function dataset(count: number, features: number, classes: number, seed: number): Dataset {
  const rng = new Rng(seed);
  return {
    x: Uint8Array.from({ length: count * features }, () => rng.int(256)),
    labels: Uint8Array.from({ length: count }, () => rng.int(classes)),
    count,
    features,
    classes,
  };
}

gpuTest('GEMM matches the reference on awkward sizes, all four transposes, every tile', async () => {
  const rng = new Rng(1);
  // Awkward sizes (scalar loads) and multiples of four (vec4 loads); each tile forced, then chosen by size.
  // Deno's software adapter (wgpu over lavapipe) takes minutes to compile the 8x8-per-thread tile; Dawn compiles it in a moment.
  const slowCompiler = Boolean((globalThis as { Deno?: unknown }).Deno) && /llvmpipe|lavapipe/i.test(backend!.describe());
  if (slowCompiler) console.log('# the xl GEMM tile is not checked under Deno on a software adapter (its shader compiler takes minutes); Node and Bun check it');
  for (const tile of ['small', 'large', 'xl', undefined] as const) {
    if (tile === 'xl' && slowCompiler) continue;
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
  const g = createGpuGemm(backend!.context);
  const nan = await g.run(false, false, 1, 2, 2, Float32Array.of(NaN, 1), Float32Array.of(1, 2, 3, Infinity));
  expect(Number.isNaN(nan[0]) && Number.isNaN(nan[1]), 'NaN propagates').toBeTruthy();
});

async function pair(spec: ReturnType<typeof validateSpec>, data: Dataset, optimizer: OptimizerName, maxBatch: number): Promise<[Trainer, Trainer]> {
  // Biases start at zero in initParams; random ones make the forward pass's bias term count.
  const params = initParams(spec, 3);
  const rng = new Rng(4);
  for (const l of paramLayout(spec).layers) for (let i = 0; i < l.outputs; i++) params[l.bias + i] = rng.float() - 0.5;
  const make = (b: typeof backend) => b!.createTrainer({ spec, params, optimizer: { name: optimizer }, data, maxBatch });
  return [await make(cpuBackend() as typeof backend), await make(backend)];
}

gpuTest('forward pass of every activation matches the CPU (awkward sizes)', async () => {
  const data = dataset(37, 13, 5, 2);
  for (const act of hiddenActivations()) {
    const spec = validateSpec({ inputSize: 13, hidden: [7, 9], activations: [act, act], outputSize: 5, output: 'softmax', loss: 'cross-entropy', inputScale: 1 / 255 });
    const [c, g] = await pair(spec, data, 'sgd', 10);
    const want = await c.predict(data, 3, 37);
    const got = await g.predict(data, 3, 37);
    expect(maxRelativeError(got, want, 1e-3), `${act}: ${maxRelativeError(got, want, 1e-3)}`).toBeLessThan(1e-4);
    await g.dispose();
  }
});

const combos: [ActivationName, ActivationName, LossName, OptimizerName, number[]?][] = [
  // Sizes that are multiples of four take the GEMM's vec4 loads; two hidden layers take the fused backward epilogue twice.
  ['elu', 'softmax', 'mse', 'adam', [12, 16]],
  ['relu', 'softmax', 'cross-entropy', 'adam', [20, 8]],
  ['relu', 'softmax', 'cross-entropy', 'adam'],
  ['tanh', 'softmax', 'cross-entropy', 'momentum'],
  ['lecun-tanh', 'softmax', 'mse', 'sgd'],
  ['sigmoid', 'sigmoid', 'mse', 'adam'],
  ['elu', 'linear', 'mse', 'sgd'],
  ['leaky-relu', 'tanh', 'mse', 'momentum'],
  ['softplus', 'softmax', 'cross-entropy', 'sgd'],
];

for (const [hidden, output, loss, optimizer, widths] of combos) {
  const aligned = widths !== undefined;
  gpuTest(`training steps match the CPU within 1e-4 for 50 steps: ${hidden} -> ${output}, ${loss}, ${optimizer}${aligned ? `, aligned ${widths}` : ''}`, async () => {
    const [inputs, outputs] = aligned ? [24, 8] : [19, 6];
    const layers = widths ?? [11];
    const spec = validateSpec({ inputSize: inputs, hidden: layers, activations: layers.map(() => hidden), outputSize: outputs, output, loss, inputScale: 1 / 255 });
    const data = dataset(230, inputs, outputs, 5);
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

gpuTest('setState rejects a state of the wrong shape, as the other backends do', async () => {
  const spec = validateSpec({ inputSize: 3, hidden: [4], activations: ['relu'], outputSize: 2, output: 'softmax', loss: 'cross-entropy', inputScale: 1 });
  const data: Dataset = { x: new Float32Array(6), labels: new Uint8Array(2), count: 2, features: 3, classes: 2 };
  const [, g] = await pair(spec, data, 'adam', 2);
  const state = await g.getState();
  await expect(g.setState({ ...state, params: new Float32Array(3) })).rejects.toThrow(/state has 3 parameters, the model 26/);
  await expect(g.setState({ ...state, slots: [state.slots[0]] })).rejects.toThrow(/optimizer slots/);
  await g.setState(state);
  expect(await g.getParams()).toEqual(state.params);
  await g.dispose();
});

gpuTest('one learning rate per batch (a per-step schedule) trains as on the CPU', async () => {
  const spec = validateSpec({ inputSize: 19, hidden: [11], activations: ['relu'], outputSize: 6, output: 'softmax', loss: 'cross-entropy', inputScale: 1 / 255 });
  const data = dataset(230, 19, 6, 5);
  const [c, g] = await pair(spec, data, 'sgd', 9);
  const order = Uint32Array.from({ length: 230 }, (_, i) => (i * 37) % 230);
  const rates = Float32Array.from({ length: 26 }, (_, i) => 0.3 * (1 - i / 26));
  const want = await c.train(order, 0, 230, 9, rates);
  const got = await g.train(order, 0, 230, 9, rates);
  expect(Math.abs(got.lossSum - want.lossSum) / want.lossSum, `${got.lossSum} vs ${want.lossSum}`).toBeLessThan(1e-4);
  expect(maxRelativeError(await g.getParams(), await c.getParams(), 1e-2), 'parameters after 26 steps').toBeLessThan(1e-3);
  const [c2, g2] = await pair(spec, data, 'sgd', 9);
  await g2.dispose();
  await c2.train(order, 0, 230, 9, 0.3);
  expect(maxRelativeError(await c2.getParams(), await c.getParams(), 1e-2), 'the rates were used: a constant rate ends elsewhere').toBeGreaterThan(1e-3);
  await g.dispose();
});

gpuTest('a forward pass propagates NaN like the CPU', async () => {
  const spec = validateSpec({ inputSize: 3, hidden: [4], activations: ['relu'], outputSize: 2, output: 'softmax', loss: 'cross-entropy', inputScale: 1 });
  const data: Dataset = { x: Float32Array.of(1, NaN, 2, 0.5, 0.25, 1), labels: Uint8Array.of(0, 1), count: 2, features: 3, classes: 2 };
  const [c, g] = await pair(spec, data, 'sgd', 2);
  const want = await c.predict(data, 0, 2);
  const got = await g.predict(data, 0, 2);
  expect([...got].map(Number.isNaN)).toEqual([...want].map(Number.isNaN));
  expect(Number.isNaN(got[0]) && !Number.isNaN(got[2])).toBeTruthy();
  void ACTIVATIONS;
});

gpuTest('a lost device gives a clear error on the next call, not a hang', async () => {
  // A device of its own, so the other tests keep theirs.
  const own = await webgpuBackend();
  const spec = validateSpec({ inputSize: 4, hidden: [3], activations: ['relu'], outputSize: 2, output: 'softmax', loss: 'cross-entropy', inputScale: 1 });
  const data: Dataset = { x: new Float32Array(8 * 4), labels: new Uint8Array(8), count: 8, features: 4, classes: 2 };
  const t = await own.createTrainer({ spec, params: initParams(spec, 1), optimizer: { name: 'sgd' }, data, maxBatch: 4 });
  await t.train(Uint32Array.from({ length: 8 }, (_, i) => i), 0, 4, 4, 0.1);
  own.context.device.destroy();
  await own.context.device.lost;
  await expect(t.train(Uint32Array.from({ length: 8 }, (_, i) => i), 0, 4, 4, 0.1)).rejects.toThrow(/the GPU device failed \(lost: destroyed/);
});
