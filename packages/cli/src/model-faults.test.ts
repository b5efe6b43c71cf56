// Models checked whole on load, and predict going on past pictures it cannot read.
import { test, expect, beforeAll, afterAll } from 'bun:test';
import { mkdtemp, readFile, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { createModel, decodeModel, defaultCnnSpec, defaultSpec, encodeModel, validateSpec } from '@dnn/nn';
import { digitPicture, encodeTestPng } from './png-fixtures.ts';
import { events, runCli, type CliResult } from './test-helpers.ts';

const dir = await mkdtemp(join(tmpdir(), 'dnn-model-faults-'));
const modelFile = join(dir, 'm.safetensors');
// Trained once before the tests (not while the file is imported).
let trained: CliResult;
beforeAll(() => {
  trained = runCli(['train', '--hidden', '32', '--epochs', '2', '--limit', '6000', '--save', modelFile, '--quiet']);
});

test('a model with a NaN weight or the wrong number of outputs: one line naming the file, exit 1', async () => {
  expect(trained.code, trained.stderr).toBe(0);
  const { model } = decodeModel(new Uint8Array(await readFile(modelFile)));
  model.params[0] = NaN;
  const nan = join(dir, 'nan.safetensors');
  await writeFile(nan, encodeModel(model));
  const five = join(dir, 'five.safetensors');
  await writeFile(five, encodeModel(createModel(defaultSpec({ hidden: [4], outputSize: 5 }))));
  // A layer list (a small CNN) ending in 5 outputs: the same check, from its last layer.
  const fiveCnn = join(dir, 'five-cnn.safetensors');
  const cnn = defaultCnnSpec();
  await writeFile(fiveCnn, encodeModel(createModel(validateSpec({ ...cnn, layers: [...cnn.layers.slice(0, -2), { kind: 'dense', out: 5 }, { kind: 'softmax' }] }))));
  const png = join(dir, 'seven.png');
  const { width, height, gray } = digitPicture();
  await writeFile(png, encodeTestPng(width, height, 0, 8, gray));
  for (const args of [['eval', '--model'], ['predict', png, '--model']]) {
    const a = runCli([...args, nan]);
    expect(a.code, a.stderr).toBe(1);
    expect(a.stderr).toMatch(/^dnn-cli: error: .*nan\.safetensors: tensor 0\.weight holds a non-finite value \(NaN\) at index 0; the model is unusable\n$/);
  }
  // eval: fewer outputs than the test set's labels need, MLP or layer list: one line naming the file.
  for (const file of [five, fiveCnn]) {
    const b = runCli(['eval', '--model', file]);
    expect(b.code, b.stderr).toBe(1);
    expect(b.stderr).toMatch(/^dnn-cli: error: .*five(-cnn)?\.safetensors: has 5 outputs, but the test labels: label \d at row \d+ is outside 0\.\.4\n$/);
  }
  // predict has no data: a model of 5 (unnamed) classes names one of them, no crash.
  const p = runCli(['predict', png, '--model', five, '--json']);
  expect(p.code, p.stderr).toBe(0);
  const [e] = events(p.stdout);
  expect(e.probabilities.length).toBe(5);
  expect(e.class >= 0 && e.class < 5).toBeTruthy();
});

test('predict reads 1- to 16-bit PNGs alike, reports each unreadable file and goes on (exit 1)', async () => {
  expect(trained.code, trained.stderr).toBe(0);
  const { width, height, gray } = digitPicture();
  const files: string[] = [];
  for (const depth of [1, 2, 4, 8, 16]) {
    const top = (1 << depth) - 1;
    const file = join(dir, `seven-${depth}bit.png`);
    await writeFile(file, encodeTestPng(width, height, 0, depth, gray.map((g) => Math.round((g * top) / 255))));
    files.push(file);
  }
  const bad = join(dir, 'broken.png');
  await writeFile(bad, Uint8Array.of(0x89, 0x50, 0x4e, 0x47, 1, 2, 3));
  const missing = join(dir, 'missing.png');
  const r = runCli(['predict', '--model', modelFile, '--json', files[0], bad, files[1], missing, ...files.slice(2)]);
  expect(r.code, r.stderr).toBe(1);
  const got = events(r.stdout);
  const predictions = got.filter((e) => e.event === 'prediction');
  expect(predictions.map((e) => e.file), 'every readable picture was predicted').toEqual(files);
  expect(predictions.map((e) => e.digit), 'MNIST test digit 0 is a 7 at every bit depth').toEqual([7, 7, 7, 7, 7]);
  expect(got.filter((e) => e.event === 'error').map((e) => e.file)).toEqual([bad, missing]);
  expect(r.stderr).toMatch(/broken\.png: cannot decode/);
  expect(r.stderr).toMatch(/missing\.png: no such file/);
});

afterAll(async () => {
  await rm(dir, { recursive: true, force: true });
});
