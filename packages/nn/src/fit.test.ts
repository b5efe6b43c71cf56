import { test, expect } from 'bun:test';
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
  expect(start.type).toBe('start');
  expect(start.type === 'start' && start.trainSize === 1000 && start.validationSize === 200 && start.parameters === 16 * 32 + 32 + 32 * 4 + 4).toBeTruthy();
  const epochs = events.filter((e) => e.type === 'epoch');
  expect(epochs.length).toBe(3);
  expect(events.some((e) => e.type === 'progress')).toBeTruthy();
  expect(r.history[2].trainLoss, 'training loss falls').toBeLessThan(r.history[0].trainLoss);
  expect(r.validation!.accuracy, `validation accuracy ${r.validation!.accuracy}`).toBeGreaterThan(0.9);
  // Per step: each epoch ends at its share of the way down, the last at lrEnd.
  const expected = [1, 2, 3].map((e) => 1e-2 + ((1e-3 - 1e-2) * (e * 20 - 1)) / 59);
  r.history.forEach((h, i) => expect(Math.abs(h.learningRate - expected[i]), `epoch ${i + 1} lr ${h.learningRate}`).toBeLessThan(1e-12));
});

test('linear-epoch keeps the seed schedule: one rate per epoch', async () => {
  const r = await fit(spec, data, options({ schedule: { name: 'linear-epoch', lr: 1e-2, lrEnd: 1e-3 } }));
  expect(r.history.map((h) => h.learningRate)).toEqual([1e-2, (1e-2 + 1e-3) / 2, 1e-3]);
});

test('fit(spec, data) trains with the defaults for everything else', async () => {
  const events: FitEvent[] = [];
  const more = blobs(6000);
  const r = await fit(spec, more, { onEvent: (e) => events.push(e) });
  const start = events.find((e) => e.type === 'start');
  expect(start?.type === 'start' && start.validationSize === 1000 && start.seed === 1, 'a sixth of the rows validate').toBeTruthy();
  expect(r.history.length).toBe(10);
  expect(Math.abs(r.history[9].learningRate - 1e-5), 'linear decay to 1e-5').toBeLessThan(1e-12);
  expect(r.validation!.accuracy, `validation accuracy ${r.validation!.accuracy}`).toBeGreaterThan(0.9);
  const b = await fit(spec, more);
  expect(new Uint8Array(b.params.buffer), 'repeatable').toEqual(new Uint8Array(r.params.buffer));
});

test('validation is the last rows, and equals evaluate/predict of the result', async () => {
  const r = await fit(spec, data, options({ epochs: 1 }));
  const model = { spec, params: r.params };
  const valRows = { ...data, x: data.x.subarray(1000 * 16), labels: data.labels.subarray(1000), count: 200 };
  const m = await evaluate(model, valRows, { backend: cpuBackend(testKernels) });
  expect(m.accuracy).toBe(r.validation!.accuracy);
  expect(Math.abs(m.loss - r.validation!.loss)).toBeLessThan(1e-9);
  const viaPredict = metricsFromOutputs(spec, predict(model, valRows.x, undefined, testKernels), valRows.labels);
  expect(viaPredict.accuracy).toBe(m.accuracy);
});

test('the same seed gives bit-identical weights; another seed does not', async () => {
  const a = await fit(spec, data, options({ epochs: 1 }));
  const b = await fit(spec, data, options({ epochs: 1 }));
  const c = await fit(spec, data, options({ epochs: 1, seed: 6 }));
  expect(new Uint8Array(a.params.buffer)).toEqual(new Uint8Array(b.params.buffer));
  expect(new Uint8Array(a.params.buffer)).not.toEqual(new Uint8Array(c.params.buffer));
});

test('a last partial batch is trained, and every optimizer learns', async () => {
  for (const name of ['sgd', 'momentum', 'adam'] as const) {
    const lr = name === 'adam' ? 3e-3 : 0.05;
    const r = await fit(spec, data, options({ batchSize: 64, optimizer: { name }, schedule: { name: 'constant', lr, lrEnd: lr } }));
    expect(r.validation!.accuracy, `${name}: ${r.validation!.accuracy}`).toBeGreaterThan(0.85);
  }
});

test('abort stops after the current chunk', async () => {
  const ac = new AbortController();
  const r = await fit(spec, data, options({ onEvent: (e) => e.type === 'progress' && ac.abort(), signal: ac.signal }));
  expect(r.aborted).toBe(true);
  expect(r.history.length).toBe(0);
});

test('a diverging run stops with a clear error', async () => {
  const bad = { ...data, x: Float32Array.from(data.x, (v, i) => (i === 5 ? NaN : v)) };
  await expect(fit(spec, bad, options({ validation: 0 }))).rejects.toThrow(/became NaN or infinite in epoch 1/);
});

test('fit options are checked against the data', () => {
  expect(() => checkFitOptions(data, options({ batchSize: 1001 }))).toThrow(/batchSize \(1001\) is larger than the 1000 training rows/);
  expect(() => checkFitOptions(data, options({ validation: 1200 }))).toThrow(/validation \(1200\) must be smaller/);
  expect(() => checkFitOptions(data, options({ epochs: 0 }))).toThrow(/epochs must be a positive integer/);
  expect(() => checkFitOptions(data, options({ schedule: { name: 'constant', lr: -1, lrEnd: 0 } }))).toThrow(/learning rate/);
});

test('patience stops when validation loss stalls and restores the best epoch', async () => {
  // With this seed and rate the validation loss falls for five epochs, then rises.
  const r = await fit(spec, data, options({ epochs: 12, patience: 1, schedule: { name: 'constant', lr: 0.05, lrEnd: 0.05 } }));
  const losses = r.history.map((h) => h.validationLoss);
  expect(r.stoppedEarly).toBe(true);
  const bestIdx = losses.indexOf(Math.min(...losses));
  expect(r.bestEpoch).toBe(bestIdx + 1);
  expect(r.bestEpoch).toBeLessThan(12);
  expect(r.history.length, 'stopped one epoch after the best').toBe(r.bestEpoch + 1);
  expect(r.validation!.loss, "the reported validation is the best epoch's").toBe(losses[bestIdx]);
  const model = { spec, params: r.params };
  const valRows = { ...data, x: data.x.subarray(1000 * 16), labels: data.labels.subarray(1000), count: 200 };
  expect(Math.abs((await evaluate(model, valRows, { backend: cpuBackend(testKernels) })).loss - losses[bestIdx]), "the returned weights are the best epoch's").toBeLessThan(1e-9);
  expect(() => checkFitOptions(data, options({ patience: 2, validation: 0 }))).toThrow(/patience needs a validation split/);
});
