// A checkpoint records its data (folder and SHA-256); --resume uses it and refuses data that moved or changed.
import { test, expect, afterAll } from 'bun:test';
import { copyFile, mkdir, mkdtemp, readFile, rename, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { decodeCheckpoint } from '@dnn/nn';
import { MNIST_FILES, mnistDataPackageDir } from '@dnn/data-mnist';
import { runCli } from './test-helpers.ts';

const root = await mkdtemp(join(tmpdir(), 'dnn-resume-data-'));
const source = mnistDataPackageDir()!;
const copyOf = async (name: string) => {
  const dir = join(root, name);
  await mkdir(dir);
  for (const f of Object.values(MNIST_FILES)) await copyFile(join(source, f), join(dir, f));
  return dir;
};

test('--resume uses the checkpoint data folder, and refuses it changed or gone', async () => {
  const data = await copyOf('mine');
  const cp = join(root, 'run.ckpt');
  const first = runCli(['train', '--data', data, '--checkpoint', cp, '--epochs', '1', '--limit', '3000', '--hidden', '16', '--quiet']);
  expect(first.code, first.stderr).toBe(0);
  const bytes0 = new Uint8Array(await readFile(cp));
  expect(new TextDecoder().decode(bytes0.subarray(0, 4096)), 'the record sits in the layer-list checkpoint format').toMatch(/"dnn\.format":"dnn-checkpoint\/2"/);
  const stored = decodeCheckpoint(bytes0).config.data as { dir: string; sha256: Record<string, string> };
  expect(stored.dir).toBe(data);
  expect(Object.keys(stored.sha256).length).toBe(4);

  // Resumed without --data: the checkpoint's folder, not the packaged MNIST.
  const again = runCli(['train', '--resume', cp]);
  expect(again.code, again.stderr).toBe(0);
  expect(again.stdout).toMatch(new RegExp(`data: --data \\(${data}\\)`));

  // One label changed (still a valid file): refused, naming the checkpoint and the file.
  const labels = join(data, MNIST_FILES.trainLabels);
  const bytes = new Uint8Array(await readFile(labels));
  bytes[100] = (bytes[100] + 1) % 10;
  await writeFile(labels, bytes);
  const changed = runCli(['train', '--resume', cp]);
  expect(changed.code, changed.stderr).toBe(2);
  expect(changed.stderr).toMatch(/run\.ckpt: the data has changed since the checkpoint: train-labels-idx1-ubyte in .*mine is not the file the run was trained on/);

  // The folder gone: refused; the same files elsewhere, given with --data: accepted.
  await rename(data, join(root, 'moved'));
  const gone = runCli(['train', '--resume', cp]);
  expect(gone.code, gone.stderr).toBe(2);
  expect(gone.stderr).toMatch(/run\.ckpt: the run's data folder .*mine cannot be found; give --data DIR/);
  const elsewhere = await copyOf('elsewhere');
  const moved = runCli(['train', '--resume', cp, '--data', elsewhere, '--quiet']);
  expect(moved.code, moved.stderr).toBe(0);
});

afterAll(async () => {
  await rm(root, { recursive: true, force: true });
});
