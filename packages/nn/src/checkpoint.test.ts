import { test } from 'node:test';
import assert from 'node:assert/strict';
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
  assert.ok(saved.some((p) => p.rowsDone > 0), 'mid-epoch checkpoints were taken');
  assert.ok(saved.some((p) => p.rowsDone === 0 && p.epoch === 2), 'and end-of-epoch ones');
  for (const p of [saved[1], saved[Math.floor(saved.length / 2)], saved[saved.length - 2]]) {
    // Through the file format, as a resumed process would read it.
    const cp = decodeCheckpoint(encodeCheckpoint({ ...p, spec, config: { note: 'test' } }));
    assert.equal(cp.config.note, 'test');
    const resumed = await fit(spec, data, options({ schedule, resume: cp }));
    assert.deepEqual(bits(resumed.params), bits(full.params), `resumed at epoch ${p.epoch}, row ${p.rowsDone}`);
    assert.deepEqual(resumed.history.map((h) => h.trainLoss), full.history.map((h) => h.trainLoss));
    assert.deepEqual(resumed.history.map((h) => h.validationLoss), full.history.map((h) => h.validationLoss));
    assert.deepEqual(resumed.history.map((h) => h.learningRate), full.history.map((h) => h.learningRate));
  }
});

test('an abort writes a checkpoint at the point it stopped', async () => {
  const ac = new AbortController();
  let last: FitProgress | null = null;
  let progress = 0;
  const r = await fit(spec, data, options({ signal: ac.signal, onEvent: (e) => e.type === 'progress' && ++progress === 30 && ac.abort(), onCheckpoint: (p) => void (last = p) }));
  assert.equal(r.aborted, true);
  assert.ok(last !== null && (last as FitProgress).epoch === 1 && (last as FitProgress).rowsDone > 0);
  const full = await fit(spec, data, options());
  const resumed = await fit(spec, data, options({ resume: last! }));
  assert.deepEqual(bits(resumed.params), bits(full.params));
});

test('checkpoint files are checked; a model file is not a checkpoint', () => {
  const model = encodeModel({ spec, params: new Float32Array(16 * 24 + 24 + 24 * 12 + 12 + 12 * 4 + 4) });
  assert.throws(() => decodeCheckpoint(model), (e: unknown) => e instanceof ModelFileError && /not a checkpoint/.test(e.message));
  assert.throws(() => decodeCheckpoint(new Uint8Array(3)), ModelFileError);
});
