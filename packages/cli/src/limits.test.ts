import { test, expect } from 'bun:test';
import { defaultCnnSpec, defaultSpec, layerShapes, parameterCount, parseArch, workspaceFloats } from '@dnn/nn';
import { spawnSync } from 'node:child_process';
import { addressSpaceLimit, checkAddressSpace, checkTrainingMemory, checkWorkers, explainOutOfMemory, trainingMemory } from './limits.ts';
import { CLI, runCli } from './test-helpers.ts';
import { skipIf } from '../../../test-support/capabilities.ts';
import { isDeno } from '../../../test-support/runtime.ts';

test('the estimate counts weights, gradients, optimizer slots and activations', () => {
  const spec = defaultSpec({ hidden: [400, 200] });
  const p = 784 * 400 + 400 + 400 * 200 + 200 + 200 * 10 + 10;
  const ws = workspaceFloats(spec, 256);
  const adam = trainingMemory(spec, 100, 'adam');
  expect(adam.parameters).toBe(p);
  expect(adam.kernelBytes).toBe(4 * (3 * p + p + ws));
  expect(adam.totalBytes).toBe(adam.kernelBytes + 8 * p);
  expect(trainingMemory(spec, 100, 'sgd').kernelBytes).toBe(4 * (p + p + ws));
  // Each worker thread has its own gradients and activations.
  expect(trainingMemory(spec, 100, 'sgd', 4).kernelBytes).toBe(4 * (p + 4 * (p + ws)));
  expect(() => checkTrainingMemory(adam, '--hidden 400,200', 'cpu', 8e9)).not.toThrow();
});

test('the estimate covers every layer kind: conv parameters from the shape function, im2col columns in the workspace', () => {
  const cnn = defaultCnnSpec();
  const p = layerShapes(cnn).reduce((n, l) => n + l.params, 0);
  expect(p).toBe(16 * 25 + 16 + 32 * 16 * 25 + 32 + 128 * 512 + 128 + 10 * 128 + 10);
  const e = trainingMemory(cnn, 100, 'adam');
  expect(e.parameters).toBe(p);
  expect(e.kernelBytes).toBe(4 * (3 * p + p + workspaceFloats(cnn, 256)));
  // The first conv's im2col columns alone (5x5 taps x 24x24 positions x 256 rows) are in it, and its activations.
  const columns = 25 * 24 * 24 * 256;
  const activations = 256 * (784 + 2 * 16 * 24 * 24);
  expect(e.kernelBytes, `${e.kernelBytes}`).toBeGreaterThan(4 * (4 * p + columns + activations));
  // Wide same-padded convs on 28x28 need gigabytes of columns with few parameters: refused, naming --arch.
  const wide = parseArch('conv512x3same,relu,conv512x3same,relu,dense10');
  const w = trainingMemory(wide, 100, 'adam');
  expect(w.parameters).toBe(parameterCount(wide));
  expect(w.parameters < 7e6 && w.kernelBytes > 2 ** 31, `${w.parameters} ${w.kernelBytes}`).toBeTruthy();
  expect(() => checkTrainingMemory(w, '--arch conv512x3same,relu,conv512x3same,relu,dense10', 'cpu', 64e9)).toThrow(expect.objectContaining({ name: 'UsageError', message: expect.stringMatching(/^--arch conv512x3same,relu,conv512x3same,relu,dense10: 6,379,018 parameters; training needs about [\d.]+ GB, [\d.]+ GB of it in the CPU kernels' memory/) }));
});

test('limits refuse in one line what would not fit, before anything is allocated', () => {
  const big = trainingMemory(defaultSpec({ hidden: [20000, 20000] }), 100, 'adam');
  expect(() => checkTrainingMemory(big, '--hidden 20000,20000', 'cpu', 64e9)).toThrow(expect.objectContaining({ name: 'UsageError', message: expect.stringMatching(/^--hidden 20000,20000: 415,920,010 parameters; training needs about \d+\.\d GB, \d+\.\d GB of it in the CPU kernels' memory, which holds at most 2\.1 GB; use smaller layers$/) }));
  const mid = trainingMemory(defaultSpec({ hidden: [50000] }), 100, 'adam');
  expect(() => checkTrainingMemory(mid, '--hidden 50000', 'webgpu', 64e9)).toThrow(expect.objectContaining({ name: 'UsageError', message: expect.stringMatching(/^--hidden 50000: 39,750,010 parameters are 159 MB of weights, more than the 134 MB WebGPU binds at once; use smaller layers or --backend cpu$/) }));
  expect(() => checkTrainingMemory(trainingMemory(defaultSpec({ hidden: [4000] }), 100, 'adam'), '--hidden 4000', 'webgpu', 1e6)).toThrow(/more than the 1 MB of memory here/);
  expect(() => checkWorkers(9, 2)).toThrow(/--workers 9 is more than 4 per core \(2 cores\): use at most 8/);
  expect(() => checkWorkers(8, 2)).not.toThrow();
  expect(() => checkWorkers(undefined, 1)).not.toThrow();
});

test('the CLI refuses a huge network (MLP or layer list) and a thousand workers at once, exit 2', () => {
  for (const [args, re] of [
    [['--hidden', '100000,100000'], /^dnn-cli: error: --hidden 100000,100000: 10,079,600,010 parameters; training needs about [\d.]+ GB/],
    [['--arch', 'conv512x3same,relu,conv512x3same,relu,dense10'], /^dnn-cli: error: --arch conv512x3same,relu,conv512x3same,relu,dense10: 6,379,018 parameters; training needs about [\d.]+ GB/],
    [['--backend', 'workers', '--workers', '1000'], /^dnn-cli: error: --workers 1000 is more than 4 per core/],
  ] as [string[], RegExp][]) {
    const started = Date.now();
    const r = runCli(['train', ...args]);
    expect(r.code, r.stderr).toBe(2);
    expect(r.stderr).toMatch(re);
    expect(r.stderr.trim().split('\n').length).toBe(1);
    expect(Date.now() - started).toBeLessThan(15_000);
  }
});

test('an address-space limit (ulimit -v) is read from /proc and explained', () => {
  const limited = 'Limit                     Soft Limit           Hard Limit           Units\nMax address space         6144000000           unlimited            bytes\n';
  expect(addressSpaceLimit(limited)).toBe(6144000000);
  expect(addressSpaceLimit('Max address space         unlimited            unlimited            bytes\n')).toBe(null);
  expect(addressSpaceLimit(null)).toBe(null);
  expect(() => checkAddressSpace('workers', 6144000000)).toThrow(expect.objectContaining({ name: 'UsageError', message: expect.stringMatching(/^--backend workers: this process may use only 6\.1 GB of address space \(ulimit -v\), and the worker threads reserve about 17\.2 GB; use --backend cpu or raise the limit$/) }));
  expect(() => checkAddressSpace('cpu', 6144000000)).not.toThrow();
  expect(() => checkAddressSpace('workers', null)).not.toThrow();
  expect(explainOutOfMemory('WebAssembly.Instance(): Out of memory: Cannot allocate Wasm memory for new instance', 6144000000).split(':')[0]).toBe('could not reserve memory for the WebAssembly kernels');
  expect(explainOutOfMemory('x Out of memory', 6144000000)).toMatch(/this process may use only 6\.1 GB of address space \(ulimit -v\); raise the limit/);
  expect(explainOutOfMemory('something else', 1)).toBe('something else');
});

const hasSh = spawnSync('sh', ['-c', 'ulimit -v unlimited']).status === 0;
skipIf(isDeno ? 'Deno itself aborts at start under such a limit, before any of our code runs' : hasSh ? false : 'no sh with ulimit')('under ulimit -v the workers backend is refused in one line, not with a crash', () => {
  const r = spawnSync('sh', ['-c', 'ulimit -v 12000000 && exec "$0" "$@"', process.execPath, CLI, 'train', '--backend', 'workers', '--epochs', '1', '--limit', '1000'], { encoding: 'utf8', timeout: 60_000 });
  expect(r.status, r.stderr).toBe(2);
  expect(r.stderr).toMatch(/^dnn-cli: error: --backend workers: this process may use only 12\.3 GB of address space \(ulimit -v\)/);
});
