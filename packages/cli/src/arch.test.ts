import { test, expect } from 'bun:test';
import { mkdtemp, readFile, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { decodeCheckpoint, decodeModel, formatArch } from '@dnn/nn';
import { encodePgm, loadMnist, mnistDataPackageDir } from '@dnn/data-mnist';
import { events, runCli } from './test-helpers.ts';

const SMALL_CNN = 'conv4x5,relu,pool2,dense10';
// A 12-step run: a constant rate (the default linear decay would spend half of it below 0.0015).
const QUICK = ['--epochs', '1', '--limit', '1500', '--validation', '300', '--lr', '0.003', '--schedule', 'constant'];

test('train --arch: a small CNN trains, reports each layer, saves Sequential names, and eval gives the same accuracy', async () => {
  const dir = await mkdtemp(join(tmpdir(), 'dnn-cli-arch-'));
  const file = join(dir, 'cnn.safetensors');
  const ckpt = join(dir, 'cnn.ckpt');
  try {
    const r = runCli(['train', '--arch', SMALL_CNN, ...QUICK, '--save', file, '--checkpoint', ckpt]);
    expect(r.code, r.stderr).toBe(0);
    // The architecture table: one row per layer with its output shape and parameters.
    expect(r.stdout).toMatch(/Architecture: conv4x5,relu,pool2,flatten,dense10,softmax, loss cross-entropy/);
    expect(r.stdout).toMatch(/0 +conv4x5 +\[4, 24, 24\] +\[4, 1, 5, 5\] +\[4\] +104/);
    expect(r.stdout).toMatch(/2 +pool2 +\[4, 12, 12\]/);
    expect(r.stdout).toMatch(/4 +dense10 +\[10\] +\[10, 576\] +\[10\] +5,770/);
    expect(r.stdout).toMatch(/total +5,874/);
    const accuracy = Number(r.stdout.match(/Test accuracy (\d+\.\d\d)%/)![1]);
    expect(accuracy, `a CNN learns something in 1,200 images: ${accuracy}%`).toBeGreaterThan(70);
    const { model } = decodeModel(new Uint8Array(await readFile(file)));
    expect(formatArch(model.spec)).toBe('conv4x5,relu,pool2,flatten,dense10,softmax');
    const e = runCli(['eval', '--model', file, '--json']);
    expect(e.code, e.stderr).toBe(0);
    expect((events(e.stdout)[0].testAccuracy * 100).toFixed(2)).toBe(accuracy.toFixed(2));
    const cp = decodeCheckpoint(new Uint8Array(await readFile(ckpt)));
    expect(cp.spec, 'the checkpoint holds the layer list').toEqual(model.spec);
    // predict runs the CNN on a prepared image: a test digit, inverted (dark on light) as a PGM.
    const mnist = await loadMnist({ dataDir: mnistDataPackageDir()! });
    const digit = join(dir, 'digit.pgm');
    await writeFile(digit, encodePgm(28, 28, Uint8Array.from(mnist.test.x.subarray(0, 784), (v) => 255 - v)));
    const p = runCli(['predict', '--model', file, '--json', digit]);
    expect(p.code, p.stderr).toBe(0);
    const [e0] = events(p.stdout);
    expect(e0.probabilities.length).toBe(10);
    expect(Math.abs(e0.probabilities.reduce((a: number, b: number) => a + b, 0) - 1)).toBeLessThan(1e-4);
    expect(e0.digit).toBe(e0.probabilities.indexOf(Math.max(...e0.probabilities)));
  } finally {
    await rm(dir, { recursive: true, force: true });
  }
});

test('train --arch: bad lists and clashing flags are usage errors naming the flag', () => {
  const cases: [string[], RegExp][] = [
    [['--arch', 'conv16'], /--arch: "conv16" is not a layer/],
    [['--arch', 'conv16x40,dense10'], /--arch: layer 0 \(conv2d\) does not fit its input \[1, 28, 28\]/],
    [['--arch', 'cnn', '--hidden', '10'], /--arch gives the whole network; drop --hidden/],
  ];
  for (const [args, re] of cases) {
    const r = runCli(['train', ...args]);
    expect(r.code, args.join(' ')).toBe(2);
    expect(r.stderr).toMatch(re);
    expect(r.stderr.trim().split('\n').length, 'one line').toBe(1);
  }
});

test('train --help documents --arch with examples', () => {
  const r = runCli(['train', '--help']);
  expect(r.code).toBe(0);
  expect(r.stdout).toMatch(/--arch LAYERS/);
  expect(r.stdout).toMatch(/convNxK/);
  expect(r.stdout).toMatch(/dnn-cli train --arch cnn/);
  expect(r.stdout).toMatch(/conv16x5,relu,pool2,conv32x5,relu,pool2,dense128,relu,dense10/);
});
