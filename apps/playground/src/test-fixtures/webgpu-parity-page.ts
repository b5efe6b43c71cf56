// Runs in the browser: the WebGPU backend against the CPU backend for 50
// training steps of a few networks, with sizes that take both the GEMM's
// scalar and vec4 loads. Writes a JSON verdict into the page.
import { Rng } from '@dnn/tensor';
import { cpuBackend, initParams, paramLayout, validateSpec, type ActivationName, type Dataset, type LossName, type OptimizerName } from '@dnn/nn';
import { webgpuBackend } from '@dnn/backend-webgpu';

const cases: [number, number[], ActivationName, ActivationName, LossName, OptimizerName][] = [
  [19, [11], 'relu', 'softmax', 'cross-entropy', 'adam'],
  [24, [12, 16], 'tanh', 'sigmoid', 'mse', 'momentum'],
  [20, [8], 'elu', 'softmax', 'mse', 'sgd'],
];

async function run(): Promise<Record<string, unknown>> {
  const gpu = await webgpuBackend();
  const results: { name: string; worst: number }[] = [];
  for (const [inputs, hidden, act, output, loss, optimizer] of cases) {
    const outputs = 6;
    const spec = validateSpec({ inputSize: inputs, hidden, activations: hidden.map(() => act), outputSize: outputs, output, loss, inputScale: 1 / 255 });
    const rng = new Rng(5);
    const data: Dataset = { x: Uint8Array.from({ length: 230 * inputs }, () => rng.int(256)), labels: Uint8Array.from({ length: 230 }, () => rng.int(outputs)), count: 230, features: inputs, classes: outputs };
    const params = initParams(spec, 3);
    for (const l of paramLayout(spec).layers) for (let i = 0; i < l.outputs; i++) params[l.bias + i] = rng.float() - 0.5;
    const opts = { spec, params, optimizer: { name: optimizer }, data, maxBatch: 9 };
    const c = await cpuBackend().createTrainer(opts);
    const g = await gpu.createTrainer(opts);
    const order = Uint32Array.from({ length: 230 }, (_, i) => (i * 37) % 230);
    const lr = optimizer === 'adam' ? 0.01 : 0.1;
    let worst = 0;
    for (let s = 0; s < 50; s++) {
      const start = (s * 9) % 225;
      const want = await c.train(order, start, 9, 9, lr);
      const got = await g.train(order, start, 9, 9, lr);
      worst = Math.max(worst, Math.abs(got.lossSum - want.lossSum) / Math.max(Math.abs(want.lossSum), 1e-6));
    }
    await g.dispose();
    results.push({ name: `${inputs}-${hidden.join('-')}-${outputs} ${act} ${output} ${loss} ${optimizer}`, worst });
  }
  return { adapter: gpu.describe(), results };
}

run().then(
  (r) => (document.body.dataset.result = JSON.stringify(r)),
  (e) => (document.body.dataset.result = JSON.stringify({ error: String(e?.message ?? e) })),
);
