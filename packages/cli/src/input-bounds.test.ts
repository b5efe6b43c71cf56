// Bounded work from bounded input, as a user meets it: a gzip bomb in --data, a mirror that never answers.
import { test, expect, afterAll } from 'bun:test';
import { copyFile, mkdir, mkdtemp, readdir, rm, writeFile } from 'node:fs/promises';
import { createServer } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { gzipSync } from 'node:zlib';
import { encodeIdx, MNIST_FILES, mnistDataPackageDir } from '@dnn/data-mnist';
import { runCli } from './test-helpers.ts';

const root = await mkdtemp(join(tmpdir(), 'dnn-bounds-'));

test('a .gz in --data that inflates past its IDX header stops there: one line naming it, exit 1', async () => {
  const dir = join(root, 'bomb');
  await mkdir(dir);
  const source = mnistDataPackageDir()!;
  for (const f of Object.values(MNIST_FILES)) if (f !== MNIST_FILES.trainLabels) await copyFile(join(source, f), join(dir, f));
  const bomb = new Uint8Array(32 << 20);
  bomb.set(encodeIdx([60000], new Uint8Array(0)));
  await writeFile(join(dir, `${MNIST_FILES.trainLabels}.gz`), gzipSync(bomb, { level: 1 }));
  const r = runCli(['train', '--data', dir, '--epochs', '1', '--limit', '1000']);
  expect(r.code, r.stderr).toBe(1);
  expect(r.stderr).toMatch(/^dnn-cli: error: .*train-labels-idx1-ubyte\.gz: trailing bytes: decompresses to more than the 60008 bytes its header says \(60000\); stopped reading\n$/);
});

test('data download from a loopback mirror that accepts and never answers gives up after --timeout, naming the mirror', async () => {
  const server = createServer(() => {});
  await new Promise<void>((r) => server.listen(0, '127.0.0.1', () => r()));
  const mirror = `http://127.0.0.1:${(server.address() as { port: number }).port}/`;
  const dir = join(root, 'cache');
  try {
    const started = Date.now();
    const r = runCli(['data', 'download', '--data', dir, '--mirror', mirror, '--timeout', '0.5'], { killAfterMs: 30_000 });
    expect(r.code, r.stderr).toBe(1);
    expect(r.stderr).toMatch(new RegExp(`^dnn-cli: error: .*train-images-idx3-ubyte\\.gz: download failed \\(the mirror ${mirror.replace(/\./g, '\\.')} did not answer within 0\\.5 s\\)`));
    expect(Date.now() - started).toBeLessThan(20_000);
    expect(await readdir(dir)).toEqual([]);
  } finally {
    server.close();
  }
});

afterAll(async () => {
  await rm(root, { recursive: true, force: true });
});
