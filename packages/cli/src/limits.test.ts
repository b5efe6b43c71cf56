import { test } from 'node:test';
import assert from 'node:assert/strict';
import { defaultCnnSpec, defaultSpec, layerShapes, parameterCount, parseArch, workspaceFloats } from '@dnn/nn';
import { spawnSync } from 'node:child_process';
import { addressSpaceLimit, checkAddressSpace, checkTrainingMemory, checkWorkers, explainOutOfMemory, trainingMemory } from './limits.ts';
import { CLI, runCli } from './test-helpers.ts';

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

test('the estimate covers every layer kind: conv parameters from the shape function, im2col columns in the workspace', () => {
  const cnn = defaultCnnSpec();
  const p = layerShapes(cnn).reduce((n, l) => n + l.params, 0);
  assert.equal(p, 16 * 25 + 16 + 32 * 16 * 25 + 32 + 128 * 512 + 128 + 10 * 128 + 10);
  const e = trainingMemory(cnn, 100, 'adam');
  assert.equal(e.parameters, p);
  assert.equal(e.kernelBytes, 4 * (3 * p + p + workspaceFloats(cnn, 256)));
  // The first conv's im2col columns alone (5x5 taps x 24x24 positions x 256 rows) are in it, and its activations.
  const columns = 25 * 24 * 24 * 256;
  const activations = 256 * (784 + 2 * 16 * 24 * 24);
  assert.ok(e.kernelBytes > 4 * (4 * p + columns + activations), `${e.kernelBytes}`);
  // Wide same-padded convs on 28x28 need gigabytes of columns with few parameters: refused, naming --arch.
  const wide = parseArch('conv512x3same,relu,conv512x3same,relu,dense10');
  const w = trainingMemory(wide, 100, 'adam');
  assert.equal(w.parameters, parameterCount(wide));
  assert.ok(w.parameters < 7e6 && w.kernelBytes > 2 ** 31, `${w.parameters} ${w.kernelBytes}`);
  assert.throws(() => checkTrainingMemory(w, '--arch conv512x3same,relu,conv512x3same,relu,dense10', 'cpu', 64e9), /^UsageError: --arch conv512x3same,relu,conv512x3same,relu,dense10: 6,379,018 parameters; training needs about [\d.]+ GB, [\d.]+ GB of it in the CPU kernels' memory/);
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

test('the CLI refuses a huge network (MLP or layer list) and a thousand workers at once, exit 2', () => {
  for (const [args, re] of [
    [['--hidden', '100000,100000'], /^dnn-cli: error: --hidden 100000,100000: 10,079,600,010 parameters; training needs about [\d.]+ GB/],
    [['--arch', 'conv512x3same,relu,conv512x3same,relu,dense10'], /^dnn-cli: error: --arch conv512x3same,relu,conv512x3same,relu,dense10: 6,379,018 parameters; training needs about [\d.]+ GB/],
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

test('an address-space limit (ulimit -v) is read from /proc and explained', () => {
  const limited = 'Limit                     Soft Limit           Hard Limit           Units\nMax address space         6144000000           unlimited            bytes\n';
  assert.equal(addressSpaceLimit(limited), 6144000000);
  assert.equal(addressSpaceLimit('Max address space         unlimited            unlimited            bytes\n'), null);
  assert.equal(addressSpaceLimit(null), null);
  assert.throws(() => checkAddressSpace('workers', 6144000000), /^UsageError: --backend workers: this process may use only 6\.1 GB of address space \(ulimit -v\), and the worker threads reserve about 17\.2 GB; use --backend cpu or raise the limit$/);
  assert.doesNotThrow(() => checkAddressSpace('cpu', 6144000000));
  assert.doesNotThrow(() => checkAddressSpace('workers', null));
  assert.equal(explainOutOfMemory('WebAssembly.Instance(): Out of memory: Cannot allocate Wasm memory for new instance', 6144000000).split(':')[0], 'could not reserve memory for the WebAssembly kernels');
  assert.match(explainOutOfMemory('x Out of memory', 6144000000), /this process may use only 6\.1 GB of address space \(ulimit -v\); raise the limit/);
  assert.equal(explainOutOfMemory('something else', 1), 'something else');
});

const isDeno = typeof (globalThis as { Deno?: unknown }).Deno !== 'undefined';
const hasSh = spawnSync('sh', ['-c', 'ulimit -v unlimited']).status === 0;
test('under ulimit -v the workers backend is refused in one line, not with a crash', { skip: isDeno ? 'Deno itself aborts at start under such a limit, before any of our code runs' : hasSh ? false : 'no sh with ulimit' }, () => {
  const r = spawnSync('sh', ['-c', 'ulimit -v 12000000 && exec "$0" "$@"', process.execPath, CLI, 'train', '--backend', 'workers', '--epochs', '1', '--limit', '1000'], { encoding: 'utf8', timeout: 60_000 });
  assert.equal(r.status, 2, r.stderr);
  assert.match(r.stderr, /^dnn-cli: error: --backend workers: this process may use only 12\.3 GB of address space \(ulimit -v\)/);
});
