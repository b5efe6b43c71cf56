import { test, expect } from 'bun:test';
import { mkdtemp, writeFile, readFile, mkdir, copyFile, truncate, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { cpuBackend, decodeModel, evaluate } from '@dnn/nn';
import { loadMnist, mnistDataPackageDir, MNIST_FILES } from '@dnn/data-mnist';
import { events, runCli } from './test-helpers.ts';
import { requireCapability } from '../../../test-support/capabilities.ts';
import { testKernels } from '../../../test-support/environment.ts';

const QUICK = ['--epochs', '1', '--limit', '6000', '--hidden', '64', '--lr', '0.003'];

test('train --json on real MNIST: start, epoch and done events, accuracy above a floor', () => {
  const r = runCli(['train', ...QUICK, '--json']);
  expect(r.code, r.stderr).toBe(0);
  const ev = events(r.stdout);
  expect(ev.map((e) => e.event)).toEqual(['start', 'epoch', 'done']);
  const [start, epoch, done] = ev;
  expect(start.backend).toBe('cpu');
  expect(start.runtime).toMatch(/^(node|bun|deno) \d+\./);
  expect(start.architecture).toEqual([784, 64, 10]);
  expect(start.arch).toBe('dense64,relu,dense10,softmax');
  expect(start.parameters).toBe(784 * 64 + 64 + 64 * 10 + 10);
  expect(start.trainSize).toBe(5000);
  expect(start.validationSize).toBe(1000);
  expect(start.seed).toBe(1);
  expect(epoch.epoch).toBe(1);
  expect(epoch.validationAccuracy, `validation accuracy ${epoch.validationAccuracy}`).toBeGreaterThan(0.85);
  expect(done.testAccuracy, `test accuracy ${done.testAccuracy}`).toBeGreaterThan(0.85);
  expect(done.perClassAccuracy.length).toBe(10);
  expect(done.confusionMatrix.flat().reduce((a: number, b: number) => a + b)).toBe(10000);
  expect(done.trainSeconds > 0 && done.seconds >= done.trainSeconds).toBeTruthy();
});

test('the human report has the epoch line, test accuracy, confusion matrix and architecture', () => {
  const r = runCli(['train', ...QUICK]);
  expect(r.code, r.stderr).toBe(0);
  expect(r.stdout, "the rate at the epoch's last step: per-step linear decay ends at --lr-end").toMatch(/epoch 1\/1 {2}train loss \d\.\d{4} {2}val loss \d\.\d{4} {2}val acc \d+\.\d\d% {2}lr 1\.00e-5/);
  expect(r.stdout).toMatch(/Test accuracy \d+\.\d\d% \([\d,]+\/10,000\)/);
  expect(r.stdout).toMatch(/Confusion matrix \(rows: true digit, columns: predicted\)/);
  expect(r.stdout).toMatch(/total +50,890/);
  expect(r.stdout, 'no escape codes when stdout is not a terminal').not.toMatch(/\x1b\[/);
});

test('--save writes a model whose evaluation gives exactly the reported test accuracy', async () => {
  const dir = await mkdtemp(join(tmpdir(), 'dnn-cli-'));
  const file = join(dir, 'model.safetensors');
  const r = runCli(['train', ...QUICK, '--json', '--save', file]);
  expect(r.code, r.stderr).toBe(0);
  const done = events(r.stdout).at(-1)!;
  const { model, metadata } = decodeModel(new Uint8Array(await readFile(file)));
  expect(metadata['train.seed']).toBe('1');
  const mnist = await loadMnist({ dataDir: mnistDataPackageDir()! });
  const m = await evaluate(model, mnist.test, { backend: cpuBackend(testKernels) });
  expect(m.accuracy).toBe(done.testAccuracy);
  await rm(dir, { recursive: true });
});

test('the same seed gives the same run', () => {
  const a = events(runCli(['train', ...QUICK, '--json', '--limit', '1200']).stdout);
  const b = events(runCli(['train', ...QUICK, '--json', '--limit', '1200']).stdout);
  expect(a[1].trainLoss).toBe(b[1].trainLoss);
  expect(a[2].testAccuracy).toBe(b[2].testAccuracy);
});

test('--backend workers: the same losses as cpu, and the start event says how many workers', () => {
  const cpu = events(runCli(['train', ...QUICK, '--json']).stdout);
  const r = runCli(['train', ...QUICK, '--json', '--backend', 'workers', '--workers', '2']);
  expect(r.code, r.stderr).toBe(0);
  const ev = events(r.stdout);
  expect(ev[0].backend).toBe('workers');
  expect(ev[0].workers).toBe(2);
  // Both skip the input's zero pixels (the sparse first layer): only the workers' sum of their gradients differs.
  for (const key of ['trainLoss', 'validationLoss']) {
    expect(Math.abs(ev[1][key] - cpu[1][key]) / cpu[1][key], `${key}: ${ev[1][key]} vs ${cpu[1][key]}`).toBeLessThan(1e-5);
  }
  expect(ev[2].event).toBe('done');
});

// WebGPU only where this runtime has an adapter (dnn-cli info says); CI has a software one.
const info = runCli(['info', '--json']);
const hasGpu = info.code === 0 && JSON.parse(info.stdout.trim().split('\n')[0]).backends?.webgpu?.available === true;
requireCapability('webgpu', hasGpu, 'no WebGPU adapter in this runtime (dnn-cli info)')("--backend webgpu: the cpu backend's losses within 1e-4, on this machine's adapter", async () => {
  const args = ['train', '--epochs', '1', '--limit', '2400', '--hidden', '48', '--json'];
  const gpu = runCli([...args, '--backend', 'webgpu']);
  expect(gpu.code, gpu.stderr).toBe(0);
  const cpu = events(runCli(args).stdout);
  const ev = events(gpu.stdout);
  expect(ev[0].backend).toBe('webgpu');
  for (const key of ['trainLoss', 'validationLoss']) {
    expect(Math.abs(ev[1][key] - cpu[1][key]) / cpu[1][key], `${key}: ${ev[1][key]} vs ${cpu[1][key]}`).toBeLessThan(1e-4);
  }
  expect(ev[2].event).toBe('done');
});

const badFlags: [string[], RegExp][] = [
  [['--epochs', '0'], /--epochs must be at least 1, got 0/],
  [['--epochs', 'ten'], /--epochs must be a whole number, got "ten"/],
  [['--epocs', '2'], /unknown flag --epocs; did you mean --epochs\?/],
  [['--lr'], /--lr needs a value/],
  [['--lr', '--epochs', '2'], /--lr needs a value/],
  [['--lr', '-0.1'], /--lr must be greater than 0, got -0.1/],
  [['--backend', 'gpu'], /--backend must be one of cpu, workers, webgpu; got "gpu"/],
  [['--activations', 'relu,swish'], /--activations must be one of .*got "swish"/],
  [['--hidden', '400,0'], /--hidden must be at least 1, got 0/],
  [['--hidden', '10,10', '--activations', 'relu,relu,relu'], /--activations names 3 activations for 2 hidden layers/],
  [['--output', 'relu'], /--loss: cross-entropy needs a softmax output/],
  [['--optimizer', 'adma'], /--optimizer must be one of sgd, momentum, adam; got "adma" \(did you mean adam\?\)/],
  [['--limit', '1000', '--batch-size', '5000'], /--batch-size 5000 is larger than the 834 training examples/],
  [['--limit', '1000', '--validation', '1000'], /--validation 1000 must be smaller than the 1000 training images/],
  [['--limit', '70000'], /--limit 70000 is more than the 60000 training images/],
  [['extra'], /unexpected argument "extra"/],
  [['--workers', '2'], /--workers needs --backend workers/],
  [['--gpu-adapter', 'software'], /--gpu-adapter needs --backend webgpu/],
  [['--backend', 'webgpu', '--gpu-adapter', 'fast'], /--gpu-adapter must be one of auto, hardware, software/],
  [['--backend', 'workers', '--workers', '0'], /--workers must be at least 1, got 0/],
];

test('bad flags: exit 2 and one line naming the flag, no stack trace', () => {
  for (const [args, re] of badFlags) {
    const r = runCli(['train', ...args]);
    expect(r.code, `${args.join(' ')}: exit ${r.code}, ${r.stderr}`).toBe(2);
    const lines = r.stderr.trim().split('\n');
    expect(lines.length, `${args.join(' ')}: ${r.stderr}`).toBe(1);
    expect(lines[0]).toMatch(/^dnn-cli: error: /);
    expect(lines[0], args.join(' ')).toMatch(re);
    expect(r.stdout).toBe('');
  }
});

test('unknown command and --help', () => {
  const r = runCli(['trian']);
  expect(r.code).toBe(2);
  expect(r.stderr).toMatch(/unknown command "trian"; did you mean train\?/);
  const h = runCli(['train', '--help']);
  expect(h.code).toBe(0);
  expect(h.stdout).toMatch(/--batch-size N +examples per optimizer step \(default: 100\)/);
  expect(h.stdout).toMatch(/Examples:/);
});

test('a missing or broken data folder: exit 1 and one line naming the file', async () => {
  const root = await mkdtemp(join(tmpdir(), 'dnn-cli-data-'));
  let r = runCli(['train', '--data', join(root, 'none')]);
  expect(r.code).toBe(1);
  expect(r.stderr).toMatch(/^dnn-cli: error: .*none: no such folder \(given with --data\)\n$/);

  const dir = join(root, 'mnist');
  await mkdir(dir);
  const src = mnistDataPackageDir()!;
  for (const f of Object.values(MNIST_FILES)) await copyFile(join(src, f), join(dir, f));
  await truncate(join(dir, MNIST_FILES.trainLabels), 1000);
  r = runCli(['train', '--data', dir]);
  expect(r.code).toBe(1);
  expect(r.stderr).toMatch(/^dnn-cli: error: .*train-labels-idx1-ubyte: truncated body: dimensions 60000 need 60000 bytes of data, the file has 992\n$/);

  await writeFile(join(dir, MNIST_FILES.trainLabels), 'not idx');
  r = runCli(['train', '--data', dir], { env: { DNN_DEBUG: '1' } });
  expect(r.code).toBe(1);
  expect(r.stderr).toMatch(/not an IDX file/);
  expect(r.stderr, 'DNN_DEBUG=1 adds the stack trace').toMatch(/\n\s+at /);
  await rm(root, { recursive: true });
});

test('the command links on a fresh clone: its bin is a committed file, not a build output', async () => {
  const { createRequire } = await import('node:module');
  const { dirname, join } = await import('node:path');
  const { execFileSync } = await import('node:child_process');
  const pkgPath = createRequire(import.meta.url).resolve('dnn-cli/package.json');
  const pkg = JSON.parse(await readFile(pkgPath, 'utf8'));
  const bin = join(dirname(pkgPath), pkg.bin['dnn-cli']);
  expect(pkg.bin['dnn-cli'], 'npm links bins at install time, before dist/ is built').not.toMatch(/dist\//);
  const tracked = execFileSync('git', ['ls-files', bin], { cwd: dirname(pkgPath), encoding: 'utf8' });
  expect(tracked.trim().length > 0, `${bin} is committed`).toBe(true);
  expect(await readFile(bin, 'utf8')).toMatch(/^#!\/usr\/bin\/env node\n[\s\S]*import '\.\.\/dist\/cli\.js';/);
});
