import { test, expect, afterAll } from 'bun:test';
import { copyFile, mkdir, mkdtemp, readFile, rm, writeFile } from 'node:fs/promises';
import { gzipSync } from 'node:zlib';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { encodeIdx, mnistDataPackageDir, MNIST_FILES } from '@dnn/data-mnist';
import { runCli } from './test-helpers.ts';
import { skipIf } from '../../../test-support/capabilities.ts';

const root = await mkdtemp(join(tmpdir(), 'dnn-faults-'));
const source = mnistDataPackageDir()!;

/** A data folder with the real files, one of them replaced by `make`'s result (or a folder). */
async function folderWith(name: string, file: string, make: ((real: Uint8Array) => Uint8Array) | 'directory'): Promise<string> {
  const dir = join(root, name);
  await mkdir(dir);
  for (const f of Object.values(MNIST_FILES)) if (f !== file) await copyFile(join(source, f), join(dir, f));
  if (make === 'directory') await mkdir(join(dir, file));
  else await writeFile(join(dir, file), make(new Uint8Array(await readFile(join(source, file)))));
  return dir;
}

test('bad data files: one line naming the file and what is wrong, exit 1', async () => {
  const L = MNIST_FILES.trainLabels;
  const I = MNIST_FILES.testImages;
  const cases: [string, string, ((b: Uint8Array) => Uint8Array) | 'directory', RegExp][] = [
    ['magic', L, (b) => Uint8Array.from(b, (v, i) => (i === 3 ? 9 : v)), /train-labels-idx1-ubyte: IDX file with 9 dimensions/],
    ['notidx', L, (b) => Uint8Array.from(b, (v, i) => (i === 0 ? 7 : v)), /train-labels-idx1-ubyte: not an IDX file/],
    ['truncated', I, (b) => b.subarray(0, 5000), /t10k-images-idx3-ubyte: truncated body/],
    ['counts', L, () => encodeIdx([59999], new Uint8Array(59999)), /train-labels-idx1-ubyte: has 59999 labels but .*train-images-idx3-ubyte has 60000 images/],
    ['label', L, (b) => Uint8Array.from(b, (v, i) => (i === 100 ? 12 : v)), /train-labels-idx1-ubyte: label 12 at index 92 is outside 0-9/],
    ['empty', L, () => new Uint8Array(0), /train-labels-idx1-ubyte: the file is empty/],
    ['folder', L, 'directory', /train-labels-idx1-ubyte: is a directory, expected a file/],
  ];
  for (const [name, file, make, re] of cases) {
    const dir = await folderWith(name, file, make);
    const r = runCli(['train', '--data', dir, '--epochs', '1', '--limit', '1000']);
    expect(r.code, `${name}: ${r.stderr}`).toBe(1);
    const lines = r.stderr.trim().split('\n');
    expect(lines.length, `${name}: ${r.stderr}`).toBe(1);
    expect(lines[0], name).toMatch(re);
  }
  // A corrupt gzip stream, in place of the raw file.
  const gzDir = join(root, 'gz');
  await mkdir(gzDir);
  for (const f of Object.values(MNIST_FILES)) if (f !== MNIST_FILES.testLabels) await copyFile(join(source, f), join(gzDir, f));
  const gz = new Uint8Array(gzipSync(await readFile(join(source, MNIST_FILES.testLabels))));
  gz[gz.length - 6] ^= 0xff;
  await writeFile(join(gzDir, `${MNIST_FILES.testLabels}.gz`), gz);
  const r = runCli(['train', '--data', gzDir, '--epochs', '1', '--limit', '1000']);
  expect(r.code).toBe(1);
  expect(r.stderr).toMatch(/t10k-labels-idx1-ubyte\.gz: corrupt gzip stream/);
});

const isRoot = process.getuid?.() === 0;
skipIf(isRoot ? 'running as root, which may read any file' : false)('a data file that may not be read', async () => {
  const { chmod } = await import('node:fs/promises');
  const dir = await folderWith('perm', MNIST_FILES.testLabels, (b) => b);
  await chmod(join(dir, MNIST_FILES.testLabels), 0o000);
  const r = runCli(['train', '--data', dir, '--epochs', '1', '--limit', '1000']);
  expect(r.code).toBe(1);
  expect(r.stderr).toMatch(/t10k-labels-idx1-ubyte: permission denied/);
});

test('a loss that becomes NaN stops at once, says where, and saves nothing over the model', async () => {
  const model = join(root, 'keep.safetensors');
  await writeFile(model, 'the previous model');
  const r = runCli(['train', '--optimizer', 'sgd', '--lr', '1000000', '--limit', '3000', '--epochs', '2', '--save', model]);
  expect(r.code).toBe(1);
  expect(r.stderr).toMatch(/^dnn-cli: error: the training loss became NaN or infinite in epoch 1 near step \d+; try a lower learning rate\n$/);
  expect(await readFile(model, 'utf8')).toBe('the previous model');
});

afterAll(async () => {
  await rm(root, { recursive: true, force: true });
});
