import { test } from 'node:test';
import assert from 'node:assert/strict';
import { fit, checkFitOptions, type FitEvent, type FitOptions } from './fit.ts';
import { defaultSpec, validateSpec } from './spec.ts';
import { blobs } from './testing/fixtures.ts';
import { evaluate, predict } from './model.ts';
import { metricsFromOutputs } from './metrics.ts';
import { cpuBackend } from './cpu-backend.ts';
import { testKernels } from '../../../test-support/environment.ts';

const spec = defaultSpec({ inputSize: 16, hidden: [32], activations: ['relu'], outputSize: 4 });
const data = blobs(1200);
const options = (over: Partial<FitOptions> = {}): FitOptions => ({
  backend: cpuBackend(testKernels),
  epochs: 3,
  batchSize: 50,
  optimizer: { name: 'adam' },
  schedule: { name: 'linear', lr: 1e-2, lrEnd: 1e-3 },
  validation: 200,
  seed: 5,
  ...over,
});

test('fit learns: validation accuracy above a floor, loss falls', async () => {
  const events: FitEvent[] = [];
  const r = await fit(spec, data, options({ onEvent: (e) => events.push(e) }));
  const start = events[0];
  assert.equal(start.type, 'start');
  assert.ok(start.type === 'start' && start.trainSize === 1000 && start.validationSize === 200 && start.parameters === 16 * 32 + 32 + 32 * 4 + 4);
  const epochs = events.filter((e) => e.type === 'epoch');
  assert.equal(epochs.length, 3);
  assert.ok(events.some((e) => e.type === 'progress'));
  assert.ok(r.history[2].trainLoss < r.history[0].trainLoss, 'training loss falls');
  assert.ok(r.validation!.accuracy > 0.9, `validation accuracy ${r.validation!.accuracy}`);
  // Per step: each epoch ends at its share of the way down, the last at lrEnd.
  const expected = [1, 2, 3].map((e) => 1e-2 + ((1e-3 - 1e-2) * (e * 20 - 1)) / 59);
  r.history.forEach((h, i) => assert.ok(Math.abs(h.learningRate - expected[i]) < 1e-12, `epoch ${i + 1} lr ${h.learningRate}`));
});

test('linear-epoch keeps the seed schedule: one rate per epoch', async () => {
  const r = await fit(spec, data, options({ schedule: { name: 'linear-epoch', lr: 1e-2, lrEnd: 1e-3 } }));
  assert.deepEqual(r.history.map((h) => h.learningRate), [1e-2, (1e-2 + 1e-3) / 2, 1e-3]);
});

test('fit(spec, data) trains with the defaults for everything else', async () => {
  const events: FitEvent[] = [];
  const more = blobs(6000);
  const r = await fit(spec, more, { onEvent: (e) => events.push(e) });
  const start = events.find((e) => e.type === 'start');
  assert.ok(start?.type === 'start' && start.validationSize === 1000 && start.seed === 1, 'a sixth of the rows validate');
  assert.equal(r.history.length, 10);
  assert.ok(Math.abs(r.history[9].learningRate - 1e-5) < 1e-12, 'linear decay to 1e-5');
  assert.ok(r.validation!.accuracy > 0.9, `validation accuracy ${r.validation!.accuracy}`);
  const b = await fit(spec, more);
  assert.deepEqual(new Uint8Array(b.params.buffer), new Uint8Array(r.params.buffer), 'repeatable');
});

test('validation is the last rows, and equals evaluate/predict of the result', async () => {
  const r = await fit(spec, data, options({ epochs: 1 }));
  const model = { spec, params: r.params };
  const valRows = { ...data, x: data.x.subarray(1000 * 16), labels: data.labels.subarray(1000), count: 200 };
  const m = await evaluate(model, valRows, { backend: cpuBackend(testKernels) });
  assert.equal(m.accuracy, r.validation!.accuracy);
  assert.ok(Math.abs(m.loss - r.validation!.loss) < 1e-9);
  const viaPredict = metricsFromOutputs(spec, predict(model, valRows.x, undefined, testKernels), valRows.labels);
  assert.equal(viaPredict.accuracy, m.accuracy);
});

test('the same seed gives bit-identical weights; another seed does not', async () => {
  const a = await fit(spec, data, options({ epochs: 1 }));
  const b = await fit(spec, data, options({ epochs: 1 }));
  const c = await fit(spec, data, options({ epochs: 1, seed: 6 }));
  assert.deepEqual(new Uint8Array(a.params.buffer), new Uint8Array(b.params.buffer));
  assert.notDeepEqual(new Uint8Array(a.params.buffer), new Uint8Array(c.params.buffer));
});

test('a last partial batch is trained, and every optimizer learns', async () => {
  for (const name of ['sgd', 'momentum', 'adam'] as const) {
    const lr = name === 'adam' ? 3e-3 : 0.05;
    const r = await fit(spec, data, options({ batchSize: 64, optimizer: { name }, schedule: { name: 'constant', lr, lrEnd: lr } }));
    assert.ok(r.validation!.accuracy > 0.85, `${name}: ${r.validation!.accuracy}`);
  }
});

test('abort stops after the current chunk', async () => {
  const ac = new AbortController();
  const r = await fit(spec, data, options({ onEvent: (e) => e.type === 'progress' && ac.abort(), signal: ac.signal }));
  assert.equal(r.aborted, true);
  assert.equal(r.history.length, 0);
});

test('a diverging run stops with a clear error', async () => {
  const bad = { ...data, x: Float32Array.from(data.x, (v, i) => (i === 5 ? NaN : v)) };
  await assert.rejects(fit(spec, bad, options({ validation: 0 })), /became NaN or infinite in epoch 1/);
});

test('fit options are checked against the data', () => {
  assert.throws(() => checkFitOptions(data, options({ batchSize: 1001 })), /batchSize \(1001\) is larger than the 1000 training rows/);
  assert.throws(() => checkFitOptions(data, options({ validation: 1200 })), /validation \(1200\) must be smaller/);
  assert.throws(() => checkFitOptions(data, options({ epochs: 0 })), /epochs must be a positive integer/);
  assert.throws(() => checkFitOptions(data, options({ schedule: { name: 'constant', lr: -1, lrEnd: 0 } })), /learning rate/);
});

test('patience stops when validation loss stalls and restores the best epoch', async () => {
  // With this seed and rate the validation loss falls for five epochs, then rises.
  const r = await fit(spec, data, options({ epochs: 12, patience: 1, schedule: { name: 'constant', lr: 0.05, lrEnd: 0.05 } }));
  const losses = r.history.map((h) => h.validationLoss);
  assert.equal(r.stoppedEarly, true);
  const bestIdx = losses.indexOf(Math.min(...losses));
  assert.equal(r.bestEpoch, bestIdx + 1);
  assert.ok(r.bestEpoch < 12);
  assert.equal(r.history.length, r.bestEpoch + 1, 'stopped one epoch after the best');
  assert.equal(r.validation!.loss, losses[bestIdx], "the reported validation is the best epoch's");
  const model = { spec, params: r.params };
  const valRows = { ...data, x: data.x.subarray(1000 * 16), labels: data.labels.subarray(1000), count: 200 };
  assert.ok(Math.abs((await evaluate(model, valRows, { backend: cpuBackend(testKernels) })).loss - losses[bestIdx]) < 1e-9, "the returned weights are the best epoch's");
  assert.throws(() => checkFitOptions(data, options({ patience: 2, validation: 0 })), /patience needs a validation split/);
});
