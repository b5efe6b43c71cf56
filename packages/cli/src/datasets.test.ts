import { test, expect, afterAll } from 'bun:test';
import { mkdtemp, readFile, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { Rng } from '@dnn/tensor';
import { decodeModel, outputSize } from '@dnn/nn';
import { encodeIdx, encodePgm } from '@dnn/data-mnist';
import { events, runCli } from './test-helpers.ts';

// A small data set in MNIST's format with three named classes of shapes:
// a horizontal bar, a vertical bar and a box, at random places, with noise.
const NAMES = ['horizontal bar', 'vertical bar', 'box'];
function shapes(count: number, seed: number): { images: Uint8Array; labels: Uint8Array } {
  const rng = new Rng(seed);
  const images = new Uint8Array(count * 784);
  const labels = new Uint8Array(count);
  for (let n = 0; n < count; n++) {
    const label = n % 3;
    labels[n] = label;
    const img = images.subarray(n * 784, (n + 1) * 784);
    for (let i = 0; i < 784; i++) img[i] = Math.floor(rng.float() * 40);
    const r0 = 4 + Math.floor(rng.float() * 12);
    const c0 = 4 + Math.floor(rng.float() * 12);
    for (let i = 0; i < 10; i++) {
      if (label === 0) img[r0 * 28 + c0 + i] = 255;
      if (label === 1) img[(r0 + i) * 28 + c0] = 255;
      if (label === 2) for (const [r, c] of [[r0, c0 + i], [r0 + 9, c0 + i], [r0 + i, c0], [r0 + i, c0 + 9]]) img[r * 28 + c] = 255;
    }
  }
  return { images, labels };
}

const dir = await mkdtemp(join(tmpdir(), 'dnn-datasets-'));
const train = shapes(1200, 1);
const testSet = shapes(300, 2);
await writeFile(join(dir, 'train-images-idx3-ubyte'), encodeIdx([1200, 28, 28], train.images));
await writeFile(join(dir, 'train-labels-idx1-ubyte'), encodeIdx([1200], train.labels));
await writeFile(join(dir, 't10k-images-idx3-ubyte'), encodeIdx([300, 28, 28], testSet.images));
await writeFile(join(dir, 't10k-labels-idx1-ubyte'), encodeIdx([300], testSet.labels));
await writeFile(join(dir, 'classes.txt'), NAMES.join('\n') + '\n');

const model = join(dir, 'shapes.safetensors');
const run = ['train', '--data', dir, '--epochs', '3', '--hidden', '32', '--lr', '0.003', '--batch-size', '50'];

test('an MNIST-format data set with classes.txt: trains, names its classes in the report, the model file and predict', async () => {
  const json = runCli([...run, '--json', '--save', model]);
  expect(json.code, json.stderr).toBe(0);
  const done = events(json.stdout).at(-1)!;
  expect(done.classes).toEqual(NAMES);
  expect(done.confusionMatrix.length, 'three outputs, not ten').toBe(3);
  expect(done.testAccuracy, `well above chance (1/3): test accuracy ${done.testAccuracy}`).toBeGreaterThan(0.75);
  const { model: m, metadata } = decodeModel(new Uint8Array(await readFile(model)));
  expect(outputSize(m.spec)).toBe(3);
  expect(JSON.parse(metadata['dnn.classes'])).toEqual(NAMES);

  const text = runCli(run);
  expect(text.code, text.stderr).toBe(0);
  expect(text.stdout).toMatch(/Accuracy per class:/);
  expect(text.stdout).toMatch(/rows: true class/);
  expect(text.stdout).toMatch(/vertical bar/);
  expect(text.stdout, 'the report stops saying "digit"').not.toMatch(/digit/i);

  const evalText = runCli(['eval', '--model', model, '--data', dir]);
  expect(evalText.code, evalText.stderr).toBe(0);
  expect(evalText.stdout).toMatch(/Accuracy per class:[^]*box/);

  // A box drawn large, as a picture file: predict names the class.
  const picture = new Uint8Array(100 * 100).fill(255);
  for (let i = 20; i < 80; i++) for (const [r, c] of [[20, i], [79, i], [i, 20], [i, 79]]) for (let t = 0; t < 6; t++) picture[(r + (r === 79 ? -t : t)) * 100 + c] = 0;
  const pgm = join(dir, 'box.pgm');
  await writeFile(pgm, encodePgm(100, 100, picture));
  const p = runCli(['predict', '--model', model, '--json', pgm]);
  expect(p.code, p.stderr).toBe(0);
  const e = events(p.stdout)[0];
  expect(e.probabilities.length).toBe(3);
  expect(e.name).toBe(NAMES[e.class]);
  expect(e.digit, 'no digit for a model with named classes').toBe(undefined);
  expect(runCli(['predict', '--model', model, pgm]).stdout).toMatch(/box\.pgm: (horizontal bar|vertical bar|box) \(/);
});

test('--classes overrides classes.txt; labels outside the named classes are refused', () => {
  const r = runCli([...run, '--epochs', '1', '--classes', 'a,b,c', '--json']);
  expect(r.code, r.stderr).toBe(0);
  expect(events(r.stdout).at(-1)!.classes).toEqual(['a', 'b', 'c']);
  const two = runCli([...run, '--classes', 'a,b']);
  expect(two.code).toBe(2);
  expect(two.stderr).toMatch(/^dnn-cli: error: --classes names 2 classes, but the training labels: label 2 at row 2 is outside 0\.\.1\n$/);
  expect(runCli([...run, '--classes', 'a,a']).stderr).toMatch(/--classes the class name "a" appears twice/);
});

test('dnn-cli data --help says where to get Fashion-MNIST and KMNIST, and how to name their classes', () => {
  const r = runCli(['data', '--help']);
  expect(r.code).toBe(0);
  expect(r.stdout).toMatch(/Fashion-MNIST[^]*github\.com\/zalandoresearch\/fashion-mnist/);
  expect(r.stdout).toMatch(/KMNIST[^]*github\.com\/rois-codh\/kmnist/);
  expect(r.stdout).toMatch(/classes\.txt/);
});

afterAll(async () => {
  await rm(dir, { recursive: true, force: true });
});
