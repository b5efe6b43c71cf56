import { test, expect, beforeAll, afterAll } from 'bun:test';
import { mkdtemp, readFile, writeFile, copyFile, mkdir, readdir, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { encode as encodePng } from 'fast-png';
import { decodeModel, predict } from '@dnn/nn';
import { loadMnist, mnistDataPackageDir, MNIST_FILES, encodePgm } from '@dnn/data-mnist';
import { events, runCli, type CliResult } from './test-helpers.ts';
import { testKernels } from '../../../test-support/environment.ts';

const dir = await mkdtemp(join(tmpdir(), 'dnn-commands-'));
const modelFile = join(dir, 'model.safetensors');
// Trained once before the tests (not while the file is imported).
let trained: CliResult;
let trainEvents: ReturnType<typeof events> = [];
beforeAll(() => {
  trained = runCli(['train', '--epochs', '2', '--limit', '12000', '--hidden', '128', '--lr', '0.003', '--json', '--save', modelFile]);
  if (trained.code === 0) trainEvents = events(trained.stdout);
});
const mnist = await loadMnist({ dataDir: mnistDataPackageDir()! });

test('train --save, then eval: exactly the test accuracy train reported', () => {
  expect(trained.code, trained.stderr).toBe(0);
  const r = runCli(['eval', '--model', modelFile, '--json']);
  expect(r.code, r.stderr).toBe(0);
  const e = events(r.stdout)[0];
  expect(e.event).toBe('eval');
  expect(e.testAccuracy).toBe(trainEvents.at(-1)!.testAccuracy);
  expect(e.testLoss).toBe(trainEvents.at(-1)!.testLoss);
  expect(e.confusionMatrix).toEqual(trainEvents.at(-1)!.confusionMatrix);
  const text = runCli(['eval', '--model', modelFile]);
  expect(text.stdout).toMatch(/trained 2 epochs, adam, seed 1/);
  expect(text.stdout).toMatch(/Confusion matrix/);
});

test('eval: a wrong shape, a truncated file and a corrupted header each give their clear error', async () => {
  const bytes = new Uint8Array(await readFile(modelFile));
  const headerLen = Number(new DataView(bytes.buffer, bytes.byteOffset).getBigUint64(0, true));
  const header = new TextDecoder().decode(bytes.subarray(8, 8 + headerLen));
  // The spec in the metadata says 127 hidden units; the tensors hold 128.
  const lying = header.replace('{\\"kind\\":\\"dense\\",\\"out\\":128}', '{\\"kind\\":\\"dense\\",\\"out\\":127}');
  expect(lying).not.toBe(header);
  const cases: [string, Uint8Array, RegExp][] = [
    ['truncated.safetensors', bytes.subarray(0, bytes.length - 100), /truncated\.safetensors: tensor \d\.(weight|bias) has data_offsets .* outside/],
    ['corrupt.safetensors', Uint8Array.from(bytes, (b, i) => (i === 8 ? 0x78 : b)), /corrupt\.safetensors: header is not valid JSON/],
    ['short.safetensors', bytes.subarray(0, 4), /short\.safetensors: file too short/],
    ['shape.safetensors', withHeader(bytes, lying), /shape\.safetensors: tensor 0\.weight has shape \[128,784\], the spec needs \[127, 784\]/],
  ];
  for (const [name, data, re] of cases) {
    const path = join(dir, name);
    await writeFile(path, data);
    const r = runCli(['eval', '--model', path]);
    expect(r.code, `${name}: ${r.stderr}`).toBe(1);
    expect(r.stderr).toMatch(/^dnn-cli: error: /);
    expect(r.stderr, name).toMatch(re);
    expect(r.stderr.trim().split('\n').length).toBe(1);
  }
  const missing = runCli(['eval', '--model', join(dir, 'nope.safetensors')]);
  expect(missing.code).toBe(1);
  expect(missing.stderr).toMatch(/nope\.safetensors: no such file/);
  expect(runCli(['eval']).code, 'no --model is a usage error').toBe(2);
});

function withHeader(file: Uint8Array, header: string): Uint8Array {
  const old = Number(new DataView(file.buffer, file.byteOffset).getBigUint64(0, true));
  const h = new TextEncoder().encode(header);
  const out = new Uint8Array(8 + h.length + file.length - 8 - old);
  new DataView(out.buffer).setBigUint64(0, BigInt(h.length), true);
  out.set(h, 8);
  out.set(file.subarray(8 + old), 8 + h.length);
  return out;
}

/** An MNIST test digit as a bigger picture, dark on light or light on dark, as RGBA. */
function rgbaPicture(index: number, scale: number, darkOnLight: boolean): { width: number; height: number; data: Uint8Array } {
  const pad = 7;
  const w = 28 * scale + 2 * pad;
  const h = 28 * scale + 2 * pad + 11;
  const data = new Uint8Array(w * h * 4).fill(darkOnLight ? 255 : 0);
  const d = mnist.test.x.subarray(index * 784, (index + 1) * 784);
  for (let y = 0; y < h; y++) {
    for (let x = 0; x < w; x++) {
      const sx = Math.floor((x - pad) / scale);
      const sy = Math.floor((y - pad) / scale);
      const v = sx >= 0 && sx < 28 && sy >= 0 && sy < 28 ? d[sy * 28 + sx] : 0;
      const g = darkOnLight ? 255 - v : v;
      data.set([g, g, g, 255], (y * w + x) * 4);
    }
  }
  return { width: w, height: h, data };
}

test('predict: MNIST digits as PNG and PGM, resized and inverted, get the label the model gives the original', async () => {
  const { model } = decodeModel(new Uint8Array(await readFile(modelFile)));
  const files: string[] = [];
  const expected: number[] = [];
  // Digits the model is sure of, so the check is of preprocessing, not of close calls.
  for (let i = 0; files.length < 24 && i < 200; i++) {
    const p = [...predict(model, mnist.test.x.subarray(i * 784, (i + 1) * 784), 1, testKernels)];
    const label = p.indexOf(Math.max(...p));
    if (p[label] < 0.95) continue;
    const variant = files.length % 3;
    const pic = rgbaPicture(i, [1, 3, 2][variant], variant !== 0);
    const file = join(dir, `digit-${i}.${variant === 2 ? 'pgm' : 'png'}`);
    if (variant === 2) {
      const gray = Uint8Array.from({ length: pic.width * pic.height }, (_, k) => pic.data[k * 4]);
      await writeFile(file, encodePgm(pic.width, pic.height, gray));
    } else {
      await writeFile(file, encodePng({ width: pic.width, height: pic.height, data: pic.data, channels: 4, depth: 8 }));
    }
    files.push(file);
    expected.push(label);
  }
  expect(files.length).toBe(24);
  const r = runCli(['predict', '--model', modelFile, '--json', ...files]);
  expect(r.code, r.stderr).toBe(0);
  const got = events(r.stdout);
  expect(got.map((e) => e.digit)).toEqual(expected);
  for (const e of got) expect(Math.abs(e.probabilities.reduce((a: number, b: number) => a + b, 0) - 1)).toBeLessThan(1e-4);
  const text = runCli(['predict', '--model', modelFile, files[0]]);
  expect(text.stdout).toMatch(new RegExp(`digit-\\d+\\.png: ${expected[0]} \\(\\d+\\.\\d%\\)  0:`));
  const bad = join(dir, 'not-an-image.png');
  await writeFile(bad, 'hello');
  const r2 = runCli(['predict', '--model', modelFile, bad]);
  expect(r2.code).toBe(1);
  expect(r2.stderr).toMatch(/not-an-image\.png: not a PNG or PGM image/);
  const blank = join(dir, 'blank.pgm');
  await writeFile(blank, encodePgm(10, 10, new Uint8Array(100).fill(255)));
  expect(runCli(['predict', '--model', modelFile, blank]).stderr).toMatch(/blank\.pgm: no digit found/);
});

test('data path, verify (good and tampered files) and download with nothing missing', async () => {
  const p = runCli(['data', 'path', '--json']);
  expect(p.code, p.stderr).toBe(0);
  expect(events(p.stdout).some((e) => e.event === 'using' && e.kind === 'package')).toBeTruthy();
  const v = runCli(['data', 'verify']);
  expect(v.code, v.stderr).toBe(0);
  expect((v.stdout.match(/^ok /gm) ?? []).length).toBe(4);
  const copy = join(dir, 'mnist');
  await mkdir(copy);
  for (const f of Object.values(MNIST_FILES)) await copyFile(join(mnistDataPackageDir()!, f), join(copy, f));
  const labels = join(copy, MNIST_FILES.testLabels);
  const bytes = new Uint8Array(await readFile(labels));
  bytes[100] = (bytes[100] + 1) % 10;
  await writeFile(labels, bytes);
  const t = runCli(['data', 'verify', '--data', copy]);
  expect(t.code).toBe(1);
  expect(t.stdout).toMatch(/MISMATCH .*t10k-labels-idx1-ubyte/);
  expect(t.stderr).toMatch(/1 of the 4 files .* do not match the original MNIST/);
  const d = runCli(['data', 'download', '--data', copy]);
  expect(d.code, d.stderr).toBe(0);
  expect(d.stdout).toMatch(/nothing to download/);
  expect(runCli(['data', 'fetch']).code).toBe(2);
});

test('info lists the runtime, cores and backends', () => {
  const r = runCli(['info', '--json']);
  expect(r.code, r.stderr).toBe(0);
  const info = JSON.parse(r.stdout);
  expect(info.runtime).toMatch(/^(node|bun|deno) /);
  expect(info.cores).toBeGreaterThanOrEqual(1);
  expect(info.backends.cpu.available).toBe(true);
  expect(info.backends.workers.available).toBe(true);
  // CI and this machine have a software adapter; the test needs one.
  expect(info.backends.webgpu.available, info.backends.webgpu.detail).toBe(true);
  expect(info.adapters.length >= 1 && typeof info.adapters[0].maxStorageBufferBindingSize === 'number').toBeTruthy();
});

test('DNN_SIMD (read by the CLI, handed to the kernels as a value) picks the kernels; a bad value is a usage error naming it', () => {
  const off = runCli(['info', '--json'], { env: { DNN_SIMD: 'off' } });
  expect(off.code, off.stderr).toBe(0);
  expect(JSON.parse(off.stdout).kernels).toBe('typescript');
  const simd = runCli(['info', '--json'], { env: { DNN_SIMD: 'simd' } });
  expect(JSON.parse(simd.stdout).kernels).toBe('wasm-simd');
  const bad = runCli(['info'], { env: { DNN_SIMD: 'fast' } });
  expect(bad.code).toBe(2);
  expect(bad.stderr).toBe('dnn-cli: error: DNN_SIMD: unknown SIMD choice "fast"; choose auto, relaxed, simd, off\n');
});

test('plot: the profile SVG from a --json log; clear errors for a bad log', async () => {
  const log = join(dir, 'run.jsonl');
  await writeFile(log, trained.stdout);
  const svg = join(dir, 'profile.svg');
  const r = runCli(['plot', log, '-o', svg]);
  expect(r.code, r.stderr).toBe(0);
  const text = await readFile(svg, 'utf8');
  expect((text.match(/<polyline /g) ?? []).length).toBe(3);
  await writeFile(join(dir, 'empty.jsonl'), '{"event":"start"}\n');
  expect(runCli(['plot', join(dir, 'empty.jsonl')]).stderr).toMatch(/empty\.jsonl: no epoch events/);
  await writeFile(join(dir, 'bad.jsonl'), 'oops\n');
  expect(runCli(['plot', join(dir, 'bad.jsonl')]).stderr).toMatch(/bad\.jsonl:1: not a JSON line/);
  expect(runCli(['plot', join(dir, 'none.jsonl')]).stderr).toMatch(/none\.jsonl: no such file/);
});

test('every command has --help with examples; train --patience stops early and says so', () => {
  for (const c of ['train', 'eval', 'predict', 'data', 'plot']) {
    const r = runCli([c, '--help']);
    expect(r.code, c).toBe(0);
    expect(r.stdout).toMatch(/Usage: dnn-cli/);
    expect(r.stdout, c).toMatch(/Examples:/);
  }
  const r = runCli(['train', '--epochs', '12', '--limit', '3000', '--hidden', '32', '--lr', '0.05', '--optimizer', 'adam', '--schedule', 'constant', '--patience', '1', '--json']);
  expect(r.code, r.stderr).toBe(0);
  const done = events(r.stdout).at(-1)!;
  const epochs = events(r.stdout).filter((e) => e.event === 'epoch');
  expect(done.stoppedEarly, 'a rate this high stalls within 12 epochs').toBe(true);
  expect(epochs.length).toBe(done.bestEpoch + 1);
  expect(runCli(['train', '--patience', '0']).code).toBe(2);
});

afterAll(async () => {
  await rm(dir, { recursive: true, force: true });
});
