// Messages that name the file that is wrong: empty sets, wrong image sizes, link loops; and exact flags.
import { test, expect, afterAll } from 'bun:test';
import { copyFile, mkdir, mkdtemp, rm, symlink, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { encodeIdx, MNIST_FILES, mnistDataPackageDir } from '@dnn/data-mnist';
import { runCli } from './test-helpers.ts';

const root = await mkdtemp(join(tmpdir(), 'dnn-messages-'));
const source = mnistDataPackageDir()!;
const images = (n: number, side = 28) => encodeIdx([n, side, side], new Uint8Array(n * side * side));
const labels = (n: number) => encodeIdx([n], new Uint8Array(n));

/** A data folder with the real files except those given. */
async function folder(name: string, files: Partial<Record<keyof typeof MNIST_FILES, Uint8Array | 'loop'>>): Promise<string> {
  const dir = join(root, name);
  await mkdir(dir);
  for (const [key, f] of Object.entries(MNIST_FILES) as [keyof typeof MNIST_FILES, string][]) {
    const made = files[key];
    if (made === 'loop') {
      await symlink(`${f}.b`, join(dir, f));
      await symlink(f, join(dir, `${f}.b`));
    } else if (made) await writeFile(join(dir, f), made);
    else await copyFile(join(source, f), join(dir, f));
  }
  return dir;
}

test('each data problem names the file that has it (exit 1, one line)', async () => {
  const cases: [string, Parameters<typeof folder>[1], RegExp][] = [
    ['empty-test', { testImages: images(0), testLabels: labels(0) }, /t10k-images-idx3-ubyte: has no images$/],
    ['empty-train', { trainImages: images(0), trainLabels: labels(0) }, /\/train-images-idx3-ubyte: has no images$/],
    ['big-train', { trainImages: images(100, 32), trainLabels: labels(100) }, /\/train-images-idx3-ubyte: images have 1024 pixels each, the test images 784$/],
    ['big-test', { testImages: images(100, 32), testLabels: labels(100) }, /t10k-images-idx3-ubyte: images have 1024 pixels each, the training images 784$/],
    ['big-both', { trainImages: images(100, 32), trainLabels: labels(100), testImages: images(100, 32), testLabels: labels(100) }, /\/train-images-idx3-ubyte: images have 1024 pixels each; MNIST's are 28 x 28 = 784$/],
    ['loop', { trainLabels: 'loop' }, /train-labels-idx1-ubyte: too many levels of symbolic links/],
  ];
  for (const [name, files, re] of cases) {
    const dir = await folder(name, files);
    const r = runCli(['train', '--data', dir, '--epochs', '1', '--limit', '1000']);
    expect(r.code, `${name}: ${r.stderr}`).toBe(1);
    const lines = r.stderr.trim().split('\n');
    expect(lines.length, r.stderr).toBe(1);
    expect(lines[0], name).toMatch(re);
  }
});

test('a whole-number flag beyond 2^53 is refused, not rounded', () => {
  const r = runCli(['train', '--seed', '9007199254740993']);
  expect(r.code).toBe(2);
  expect(r.stderr).toMatch(/--seed 9007199254740993 is too large to be exact; use at most 9007199254740991/);
});

afterAll(async () => {
  await rm(root, { recursive: true, force: true });
});
