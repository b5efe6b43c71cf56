import { test, expect } from 'bun:test';
import { decodeCheckpoint, encodeCheckpoint, type FitProgress } from './checkpoint.ts';
import { fit, type FitOptions } from './fit.ts';
import { validateSpec } from './spec.ts';
import { blobs } from './testing/fixtures.ts';
import { cpuBackend } from './cpu-backend.ts';
import { testKernels } from '../../../test-support/environment.ts';

// Image blobs: 2 channels of 6x6, 3 classes.
const data = blobs(600, 72, 3, 4);
const spec = validateSpec({
  input: { shape: [2, 6, 6], scale: 1 / 255 },
  layers: [
    { kind: 'conv2d', out: 4, kernel: 3, stride: 1, padding: 'same' },
    { kind: 'relu' },
    { kind: 'maxpool2d' },
    { kind: 'dropout', rate: 0.2 },
    { kind: 'flatten' },
    { kind: 'dense', out: 3 },
    { kind: 'softmax' },
  ],
  loss: 'cross-entropy',
});
const options = (over: Partial<FitOptions> = {}): FitOptions => ({
  backend: cpuBackend(testKernels),
  epochs: 3,
  batchSize: 25,
  optimizer: { name: 'adam' },
  schedule: { name: 'linear', lr: 1e-2, lrEnd: 1e-3 },
  validation: 100,
  seed: 2,
  ...over,
});
const bits = (a: Float32Array) => new Uint8Array(a.buffer, a.byteOffset, a.byteLength);

test('a CNN with dropout learns, repeats exactly with the same seed, and resumes bit-identically from a checkpoint file', async () => {
  const full = await fit(spec, data, options());
  expect(full.history[2].validationAccuracy, `validation accuracy ${full.history[2].validationAccuracy}`).toBeGreaterThan(0.9);
  expect(full.history[2].trainLoss).toBeLessThan(full.history[0].trainLoss);
  expect(bits((await fit(spec, data, options())).params), 'same seed, same run').toEqual(bits(full.params));
  expect(bits((await fit(spec, data, options({ seed: 3 }))).params), 'another seed, another run').not.toEqual(bits(full.params));
  const saved: FitProgress[] = [];
  await fit(spec, data, options({ checkpointEvery: 7, onCheckpoint: (p) => void saved.push(p) }));
  const mid = saved.find((p) => p.epoch === 2 && p.rowsDone > 0)!;
  const cp = decodeCheckpoint(encodeCheckpoint({ ...mid, spec, config: {} }));
  expect(cp.spec).toEqual(spec);
  const resumed = await fit(spec, data, options({ resume: cp }));
  expect(bits(resumed.params)).toEqual(bits(full.params));
});
