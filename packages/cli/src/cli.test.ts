import { test } from 'node:test';
import assert from 'node:assert/strict';
import { mkdtemp, writeFile, readFile, mkdir, copyFile, truncate, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { cpuBackend, decodeModel, evaluate } from '@dnn/nn';
import { loadMnist, mnistDataPackageDir, MNIST_FILES } from '@dnn/data-mnist';
import { events, runCli } from './test-helpers.ts';
import { testKernels } from '../../../test-support/environment.ts';

const QUICK = ['--epochs', '1', '--limit', '6000', '--hidden', '64', '--lr', '0.003'];

test('train --json on real MNIST: start, epoch and done events, accuracy above a floor', () => {
  const r = runCli(['train', ...QUICK, '--json']);
  assert.equal(r.code, 0, r.stderr);
  const ev = events(r.stdout);
  assert.deepEqual(ev.map((e) => e.event), ['start', 'epoch', 'done']);
  const [start, epoch, done] = ev;
  assert.equal(start.backend, 'cpu');
  assert.match(start.runtime, /^(node|bun|deno) \d+\./);
  assert.deepEqual(start.architecture, [784, 64, 10]);
  assert.equal(start.arch, 'dense64,relu,dense10,softmax');
  assert.equal(start.parameters, 784 * 64 + 64 + 64 * 10 + 10);
  assert.equal(start.trainSize, 5000);
  assert.equal(start.validationSize, 1000);
  assert.equal(start.seed, 1);
  assert.equal(epoch.epoch, 1);
  assert.ok(epoch.validationAccuracy > 0.85, `validation accuracy ${epoch.validationAccuracy}`);
  assert.ok(done.testAccuracy > 0.85, `test accuracy ${done.testAccuracy}`);
  assert.equal(done.perClassAccuracy.length, 10);
  assert.equal(done.confusionMatrix.flat().reduce((a: number, b: number) => a + b), 10000);
  assert.ok(done.trainSeconds > 0 && done.seconds >= done.trainSeconds);
});

test('the human report has the epoch line, test accuracy, confusion matrix and architecture', () => {
  const r = runCli(['train', ...QUICK]);
  assert.equal(r.code, 0, r.stderr);
  assert.match(r.stdout, /epoch 1\/1 {2}train loss \d\.\d{4} {2}val loss \d\.\d{4} {2}val acc \d+\.\d\d% {2}lr 1\.00e-5/, "the rate at the epoch's last step: per-step linear decay ends at --lr-end");
  assert.match(r.stdout, /Test accuracy \d+\.\d\d% \([\d,]+\/10,000\)/);
  assert.match(r.stdout, /Confusion matrix \(rows: true digit, columns: predicted\)/);
  assert.match(r.stdout, /total +50,890/);
  assert.doesNotMatch(r.stdout, /\x1b\[/, 'no escape codes when stdout is not a terminal');
});

test('--save writes a model whose evaluation gives exactly the reported test accuracy', async () => {
  const dir = await mkdtemp(join(tmpdir(), 'dnn-cli-'));
  const file = join(dir, 'model.safetensors');
  const r = runCli(['train', ...QUICK, '--json', '--save', file]);
  assert.equal(r.code, 0, r.stderr);
  const done = events(r.stdout).at(-1)!;
  const { model, metadata } = decodeModel(new Uint8Array(await readFile(file)));
  assert.equal(metadata['train.seed'], '1');
  const mnist = await loadMnist({ dataDir: mnistDataPackageDir()! });
  const m = await evaluate(model, mnist.test, { backend: cpuBackend(testKernels) });
  assert.equal(m.accuracy, done.testAccuracy);
  await rm(dir, { recursive: true });
});

test('the same seed gives the same run', () => {
  const a = events(runCli(['train', ...QUICK, '--json', '--limit', '1200']).stdout);
  const b = events(runCli(['train', ...QUICK, '--json', '--limit', '1200']).stdout);
  assert.equal(a[1].trainLoss, b[1].trainLoss);
  assert.equal(a[2].testAccuracy, b[2].testAccuracy);
});

test('--backend workers: the same losses as cpu, and the start event says how many workers', () => {
  const cpu = events(runCli(['train', ...QUICK, '--json']).stdout);
  const r = runCli(['train', ...QUICK, '--json', '--backend', 'workers', '--workers', '2']);
  assert.equal(r.code, 0, r.stderr);
  const ev = events(r.stdout);
  assert.equal(ev[0].backend, 'workers');
  assert.equal(ev[0].workers, 2);
  // Both skip the input's zero pixels (the sparse first layer): only the workers' sum of their gradients differs.
  for (const key of ['trainLoss', 'validationLoss']) {
    assert.ok(Math.abs(ev[1][key] - cpu[1][key]) / cpu[1][key] < 1e-5, `${key}: ${ev[1][key]} vs ${cpu[1][key]}`);
  }
  assert.equal(ev[2].event, 'done');
});

test('--backend webgpu: the cpu backend\'s losses within 1e-4, on this machine\'s adapter', async () => {
  const args = ['train', '--epochs', '1', '--limit', '2400', '--hidden', '48', '--json'];
  const gpu = runCli([...args, '--backend', 'webgpu']);
  if (gpu.code === 1 && /no WebGPU adapter found/.test(gpu.stderr)) {
    // Only where no adapter exists, and saying so; CI has a software one.
    console.log(`# skipped: ${gpu.stderr.trim()}`);
    return;
  }
  assert.equal(gpu.code, 0, gpu.stderr);
  const cpu = events(runCli(args).stdout);
  const ev = events(gpu.stdout);
  assert.equal(ev[0].backend, 'webgpu');
  for (const key of ['trainLoss', 'validationLoss']) {
    assert.ok(Math.abs(ev[1][key] - cpu[1][key]) / cpu[1][key] < 1e-4, `${key}: ${ev[1][key]} vs ${cpu[1][key]}`);
  }
  assert.equal(ev[2].event, 'done');
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
    assert.equal(r.code, 2, `${args.join(' ')}: exit ${r.code}, ${r.stderr}`);
    const lines = r.stderr.trim().split('\n');
    assert.equal(lines.length, 1, `${args.join(' ')}: ${r.stderr}`);
    assert.match(lines[0], /^dnn-cli: error: /);
    assert.match(lines[0], re, args.join(' '));
    assert.equal(r.stdout, '');
  }
});

test('unknown command and --help', () => {
  const r = runCli(['trian']);
  assert.equal(r.code, 2);
  assert.match(r.stderr, /unknown command "trian"; did you mean train\?/);
  const h = runCli(['train', '--help']);
  assert.equal(h.code, 0);
  assert.match(h.stdout, /--batch-size N +examples per optimizer step \(default: 100\)/);
  assert.match(h.stdout, /Examples:/);
});

test('a missing or broken data folder: exit 1 and one line naming the file', async () => {
  const root = await mkdtemp(join(tmpdir(), 'dnn-cli-data-'));
  let r = runCli(['train', '--data', join(root, 'none')]);
  assert.equal(r.code, 1);
  assert.match(r.stderr, /^dnn-cli: error: .*none: no such folder \(given with --data\)\n$/);

  const dir = join(root, 'mnist');
  await mkdir(dir);
  const src = mnistDataPackageDir()!;
  for (const f of Object.values(MNIST_FILES)) await copyFile(join(src, f), join(dir, f));
  await truncate(join(dir, MNIST_FILES.trainLabels), 1000);
  r = runCli(['train', '--data', dir]);
  assert.equal(r.code, 1);
  assert.match(r.stderr, /^dnn-cli: error: .*train-labels-idx1-ubyte: truncated body: dimensions 60000 need 60000 bytes of data, the file has 992\n$/);

  await writeFile(join(dir, MNIST_FILES.trainLabels), 'not idx');
  r = runCli(['train', '--data', dir], { env: { DNN_DEBUG: '1' } });
  assert.equal(r.code, 1);
  assert.match(r.stderr, /not an IDX file/);
  assert.match(r.stderr, /\n\s+at /, 'DNN_DEBUG=1 adds the stack trace');
  await rm(root, { recursive: true });
});

test('the command links on a fresh clone: its bin is a committed file, not a build output', async () => {
  const { createRequire } = await import('node:module');
  const { dirname, join } = await import('node:path');
  const { execFileSync } = await import('node:child_process');
  const pkgPath = createRequire(import.meta.url).resolve('dnn-cli/package.json');
  const pkg = JSON.parse(await readFile(pkgPath, 'utf8'));
  const bin = join(dirname(pkgPath), pkg.bin['dnn-cli']);
  assert.doesNotMatch(pkg.bin['dnn-cli'], /dist\//, 'npm links bins at install time, before dist/ is built');
  const tracked = execFileSync('git', ['ls-files', bin], { cwd: dirname(pkgPath), encoding: 'utf8' });
  assert.equal(tracked.trim().length > 0, true, `${bin} is committed`);
  assert.match(await readFile(bin, 'utf8'), /^#!\/usr\/bin\/env node\n[\s\S]*import '\.\.\/dist\/cli\.js';/);
});
