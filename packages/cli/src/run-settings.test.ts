import { test, expect } from 'bun:test';
import { defaultSpec } from '@dnn/nn';
import { resumeConflicts, savedSettings, type GivenRun, type RunSettings } from './run-settings.ts';

const saved: RunSettings = { optimizer: 'adam', lr: 0.001, lrEnd: 1e-5, schedule: 'linear', warmup: 0, batchSize: 100, epochs: 3, validation: 1000, limit: 6000, seed: 3, classes: ['a', 'b', 'c'] };
const spec = defaultSpec({ hidden: [64], outputSize: 3 });
const run = (given: GivenRun['given'], over: Partial<GivenRun> = {}): GivenRun => ({ ...saved, spec, given, ...over });

test('flags equal to the checkpoint\'s are accepted, however they were typed', () => {
  const given = { hidden: '64', activations: 'relu', lr: '1e-3', epochs: '3', validation: '1000', limit: '6000', seed: '3', classes: 'a,b,c' };
  expect(resumeConflicts(run(given), saved, spec)).toEqual([]);
});

test('each differing flag is named with both values', () => {
  const conflicts = resumeConflicts(run({ epochs: '5', seed: '3', classes: 'x,y,z' }, { epochs: 5, classes: ['x', 'y', 'z'] }), saved, spec);
  expect(conflicts).toEqual(["--epochs 5 (the checkpoint's run has 3)", "--classes x,y,z (the checkpoint's run has a,b,c)"]);
  expect(resumeConflicts(run({ patience: '2' }, { patience: 2 }), saved, spec)).toEqual(["--patience 2 (the checkpoint's run has none)"]);
});

test('checkpoints from before per-step schedules keep their per-epoch schedule', () => {
  const old = { ...saved } as Record<string, unknown>;
  delete old.warmup;
  expect(savedSettings(old).schedule).toBe('linear-epoch');
  expect(savedSettings({ ...old, schedule: 'cosine' }).schedule).toBe('cosine-epoch');
  expect(savedSettings({ ...saved }).schedule).toBe('linear');
});

test('--deterministic is a run setting: a resume may repeat it, and may not add or drop it', () => {
  expect(resumeConflicts(run({ deterministic: 'true' }, { deterministic: true }), { ...saved, deterministic: true }, spec)).toEqual([]);
  expect(resumeConflicts(run({ deterministic: 'true' }, { deterministic: true }), saved, spec)).toEqual(["--deterministic true (the checkpoint's run has false)"]);
});
