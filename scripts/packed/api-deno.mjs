// The same as api-node.mjs, with Deno's npm: specifiers.
// steps on random data, save and load it. Runs under Node, Bun and Deno.
import { createModel, decodeModel, defaultSpec, encodeModel, fit, predict } from 'npm:@dnn/nn';
import { Rng } from 'npm:@dnn/tensor';
import { workersBackend } from 'npm:@dnn/backend-cpu-workers';

const spec = defaultSpec({ inputSize: 20, hidden: [16], activations: ['tanh'], outputSize: 3, inputScale: 1 });
const rng = new Rng(1);
const count = 300;
const data = {
  x: Float32Array.from({ length: count * 20 }, () => rng.normal()),
  labels: Uint8Array.from({ length: count }, () => rng.int(3)),
  count,
  features: 20,
  classes: 3,
};
const options = { epochs: 2, batchSize: 30, validation: 60, seed: 2, optimizer: { name: 'adam' }, schedule: { name: 'constant', lr: 0.01, lrEnd: 0.01 } };
const a = await fit(spec, data, options);
const b = await fit(spec, data, { ...options, backend: workersBackend({ workers: 2 }) });
const model = { spec, params: a.params };
const back = decodeModel(encodeModel(model)).model;
const same = back.params.every((v, i) => v === model.params[i]);
const p = predict(back, data.x.subarray(0, 20), 1);
const ok = same && a.history.length === 2 && Math.abs(b.history[1].trainLoss - a.history[1].trainLoss) < 1e-4 && Math.abs(p.reduce((s, v) => s + v, 0) - 1) < 1e-5;
createModel(spec, 3);
console.log(JSON.stringify({ ok, trainLoss: a.history[1].trainLoss }));
if (!ok) Deno.exit(1);
