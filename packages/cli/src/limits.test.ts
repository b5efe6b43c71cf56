import { test } from 'node:test';
import assert from 'node:assert/strict';
import { defaultSpec, workspaceFloats } from '@dnn/nn';
import { checkTrainingMemory, checkWorkers, trainingMemory } from './limits.ts';
import { runCli } from './test-helpers.ts';

test('the estimate counts weights, gradients, optimizer slots and activations', () => {
  const spec = defaultSpec({ hidden: [400, 200] });
  const p = 784 * 400 + 400 + 400 * 200 + 200 + 200 * 10 + 10;
  const ws = workspaceFloats(spec, 256);
  const adam = trainingMemory(spec, 100, 'adam');
  assert.equal(adam.parameters, p);
  assert.equal(adam.kernelBytes, 4 * (3 * p + p + ws));
  assert.equal(adam.totalBytes, adam.kernelBytes + 8 * p);
  assert.equal(trainingMemory(spec, 100, 'sgd').kernelBytes, 4 * (p + p + ws));
  // Each worker thread has its own gradients and activations.
  assert.equal(trainingMemory(spec, 100, 'sgd', 4).kernelBytes, 4 * (p + 4 * (p + ws)));
  assert.doesNotThrow(() => checkTrainingMemory(adam, '--hidden 400,200', 'cpu', 8e9));
});

test('limits refuse in one line what would not fit, before anything is allocated', () => {
  const big = trainingMemory(defaultSpec({ hidden: [20000, 20000] }), 100, 'adam');
  assert.throws(() => checkTrainingMemory(big, '--hidden 20000,20000', 'cpu', 64e9), /^UsageError: --hidden 20000,20000: 415,920,010 parameters; training needs about \d+\.\d GB, \d+\.\d GB of it in the CPU kernels' memory, which holds at most 2\.1 GB; use smaller layers$/);
  const mid = trainingMemory(defaultSpec({ hidden: [50000] }), 100, 'adam');
  assert.throws(() => checkTrainingMemory(mid, '--hidden 50000', 'webgpu', 64e9), /^UsageError: --hidden 50000: 39,750,010 parameters are 159 MB of weights, more than the 134 MB WebGPU binds at once; use smaller layers or --backend cpu$/);
  assert.throws(() => checkTrainingMemory(trainingMemory(defaultSpec({ hidden: [4000] }), 100, 'adam'), '--hidden 4000', 'webgpu', 1e6), /more than the 1 MB of memory here/);
  assert.throws(() => checkWorkers(9, 2), /--workers 9 is more than 4 per core \(2 cores\): use at most 8/);
  assert.doesNotThrow(() => checkWorkers(8, 2));
  assert.doesNotThrow(() => checkWorkers(undefined, 1));
});

test('the CLI refuses a huge network and a thousand workers at once, exit 2', () => {
  for (const [args, re] of [
    [['--hidden', '100000,100000'], /^dnn-cli: error: --hidden 100000,100000: 10,079,600,010 parameters; training needs about [\d.]+ GB/],
    [['--backend', 'workers', '--workers', '1000'], /^dnn-cli: error: --workers 1000 is more than 4 per core/],
  ] as [string[], RegExp][]) {
    const started = Date.now();
    const r = runCli(['train', ...args]);
    assert.equal(r.code, 2, r.stderr);
    assert.match(r.stderr, re);
    assert.equal(r.stderr.trim().split('\n').length, 1);
    assert.ok(Date.now() - started < 15_000);
  }
});
