import { test } from 'node:test';
import assert from 'node:assert/strict';
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
  assert.equal(json.code, 0, json.stderr);
  const done = events(json.stdout).at(-1)!;
  assert.deepEqual(done.classes, NAMES);
  assert.equal(done.confusionMatrix.length, 3, 'three outputs, not ten');
  assert.ok(done.testAccuracy > 0.75, `well above chance (1/3): test accuracy ${done.testAccuracy}`);
  const { model: m, metadata } = decodeModel(new Uint8Array(await readFile(model)));
  assert.equal(outputSize(m.spec), 3);
  assert.deepEqual(JSON.parse(metadata['dnn.classes']), NAMES);

  const text = runCli(run);
  assert.equal(text.code, 0, text.stderr);
  assert.match(text.stdout, /Accuracy per class:/);
  assert.match(text.stdout, /rows: true class/);
  assert.match(text.stdout, /vertical bar/);
  assert.doesNotMatch(text.stdout, /digit/i, 'the report stops saying "digit"');

  const evalText = runCli(['eval', '--model', model, '--data', dir]);
  assert.equal(evalText.code, 0, evalText.stderr);
  assert.match(evalText.stdout, /Accuracy per class:[^]*box/);

  // A box drawn large, as a picture file: predict names the class.
  const picture = new Uint8Array(100 * 100).fill(255);
  for (let i = 20; i < 80; i++) for (const [r, c] of [[20, i], [79, i], [i, 20], [i, 79]]) for (let t = 0; t < 6; t++) picture[(r + (r === 79 ? -t : t)) * 100 + c] = 0;
  const pgm = join(dir, 'box.pgm');
  await writeFile(pgm, encodePgm(100, 100, picture));
  const p = runCli(['predict', '--model', model, '--json', pgm]);
  assert.equal(p.code, 0, p.stderr);
  const e = events(p.stdout)[0];
  assert.equal(e.probabilities.length, 3);
  assert.equal(e.name, NAMES[e.class]);
  assert.equal(e.digit, undefined, 'no digit for a model with named classes');
  assert.match(runCli(['predict', '--model', model, pgm]).stdout, /box\.pgm: (horizontal bar|vertical bar|box) \(/);
});

test('--classes overrides classes.txt; labels outside the named classes are refused', () => {
  const r = runCli([...run, '--epochs', '1', '--classes', 'a,b,c', '--json']);
  assert.equal(r.code, 0, r.stderr);
  assert.deepEqual(events(r.stdout).at(-1)!.classes, ['a', 'b', 'c']);
  const two = runCli([...run, '--classes', 'a,b']);
  assert.equal(two.code, 2);
  assert.match(two.stderr, /^dnn-cli: error: --classes names 2 classes, but the training labels: label 2 at row 2 is outside 0\.\.1\n$/);
  assert.match(runCli([...run, '--classes', 'a,a']).stderr, /--classes the class name "a" appears twice/);
});

test('dnn-cli data --help says where to get Fashion-MNIST and KMNIST, and how to name their classes', () => {
  const r = runCli(['data', '--help']);
  assert.equal(r.code, 0);
  assert.match(r.stdout, /Fashion-MNIST[^]*github\.com\/zalandoresearch\/fashion-mnist/);
  assert.match(r.stdout, /KMNIST[^]*github\.com\/rois-codh\/kmnist/);
  assert.match(r.stdout, /classes\.txt/);
});

test.after?.(async () => {
  await rm(dir, { recursive: true, force: true });
});
