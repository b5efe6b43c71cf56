import { test, expect } from 'bun:test';
import { fit, type FitOptions } from './fit.ts';
import { defaultSpec, validateSpec } from './spec.ts';
import { blobs } from './testing/fixtures.ts';
import { decodeCheckpoint, encodeCheckpoint, type FitProgress } from './checkpoint.ts';
import { ModelFileError } from './safetensors.ts';
import { encodeModel } from './model-file.ts';
import { cpuBackend } from './cpu-backend.ts';
import { testKernels } from '../../../test-support/environment.ts';

const spec = defaultSpec({ inputSize: 16, hidden: [24, 12], activations: ['relu', 'elu'], outputSize: 4 });
const data = blobs(1000);
const options = (over: Partial<FitOptions> = {}): FitOptions => ({
  backend: cpuBackend(testKernels),
  epochs: 3,
  batchSize: 20,
  optimizer: { name: 'adam' },
  schedule: { name: 'cosine', lr: 1e-2, lrEnd: 1e-4 },
  validation: 200,
  seed: 9,
  ...over,
});
const bits = (a: Float32Array) => new Uint8Array(a.buffer, a.byteOffset, a.byteLength);

for (const schedule of [{ name: 'cosine', lr: 1e-2, lrEnd: 1e-4, warmup: 15 }, { name: 'linear-epoch', lr: 1e-2, lrEnd: 1e-4 }] as const)
test(`resuming from any checkpoint ends with bit-identical weights and the same history (${schedule.name})`, async () => {
  const full = await fit(spec, data, options({ schedule }));
  const saved: FitProgress[] = [];
  await fit(spec, data, options({ schedule, checkpointEvery: 7, onCheckpoint: (p) => void saved.push(p) }));
  expect(saved.some((p) => p.rowsDone > 0), 'mid-epoch checkpoints were taken').toBeTruthy();
  expect(saved.some((p) => p.rowsDone === 0 && p.epoch === 2), 'and end-of-epoch ones').toBeTruthy();
  for (const p of [saved[1], saved[Math.floor(saved.length / 2)], saved[saved.length - 2]]) {
    // Through the file format, as a resumed process would read it.
    const cp = decodeCheckpoint(encodeCheckpoint({ ...p, spec, config: { note: 'test' } }));
    expect(cp.config.note).toBe('test');
    const resumed = await fit(spec, data, options({ schedule, resume: cp }));
    expect(bits(resumed.params), `resumed at epoch ${p.epoch}, row ${p.rowsDone}`).toEqual(bits(full.params));
    expect(resumed.history.map((h) => h.trainLoss)).toEqual(full.history.map((h) => h.trainLoss));
    expect(resumed.history.map((h) => h.validationLoss)).toEqual(full.history.map((h) => h.validationLoss));
    expect(resumed.history.map((h) => h.learningRate)).toEqual(full.history.map((h) => h.learningRate));
  }
});

test('an abort writes a checkpoint at the point it stopped', async () => {
  const ac = new AbortController();
  let last: FitProgress | null = null;
  let progress = 0;
  const r = await fit(spec, data, options({ signal: ac.signal, onEvent: (e) => e.type === 'progress' && ++progress === 30 && ac.abort(), onCheckpoint: (p) => void (last = p) }));
  expect(r.aborted).toBe(true);
  expect(last !== null && (last as FitProgress).epoch === 1 && (last as FitProgress).rowsDone > 0).toBeTruthy();
  const full = await fit(spec, data, options());
  const resumed = await fit(spec, data, options({ resume: last! }));
  expect(bits(resumed.params)).toEqual(bits(full.params));
});

test('checkpoint files are checked; a model file is not a checkpoint', () => {
  const model = encodeModel({ spec, params: new Float32Array(16 * 24 + 24 + 24 * 12 + 12 + 12 * 4 + 4) });
  expect(() => decodeCheckpoint(model)).toThrow(expect.objectContaining({ constructor: ModelFileError, message: expect.stringMatching(/not a checkpoint/) }));
  expect(() => decodeCheckpoint(new Uint8Array(3))).toThrow(ModelFileError);
});
