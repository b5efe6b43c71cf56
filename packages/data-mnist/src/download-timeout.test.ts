// Downloads are bounded in time: a loopback mirror that accepts and never answers, or stops mid-body.
import { test, expect } from 'bun:test';
import { createServer as createHttpServer } from 'node:http';
import { createServer, type Socket } from 'node:net';
import { mkdtemp, readdir, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { downloadMnist } from './download.ts';
import { DataError } from './errors.ts';

/** Runs `body` against a loopback server; closes it and its sockets after. */
async function withServer(server: ReturnType<typeof createServer> | ReturnType<typeof createHttpServer>, body: (url: string) => Promise<void>): Promise<void> {
  const sockets = new Set<Socket>();
  server.on('connection', (s: Socket) => sockets.add(s));
  await new Promise<void>((r) => server.listen(0, '127.0.0.1', () => r()));
  const { port } = server.address() as { port: number };
  try {
    await body(`http://127.0.0.1:${port}/mnist/`);
  } finally {
    for (const s of sockets) s.destroy();
    await new Promise((r) => server.close(r));
  }
}

test('a mirror that accepts the connection and never answers is given up on, naming it', async () => {
  const dir = await mkdtemp(join(tmpdir(), 'dnn-stall-'));
  await withServer(createServer(() => {}), async (mirror) => {
    const started = Date.now();
    const message = new RegExp(`download failed \\(the mirror ${mirror.replace(/\./g, '\\.')} did not answer within 0\\.4 s\\); set a reachable mirror`);
    await expect(downloadMnist({ mirror, dir, timeoutMs: 400 })).rejects.toThrow(expect.objectContaining({ constructor: DataError, message: expect.stringMatching(message) }));
    expect(Date.now() - started, `gave up after ${Date.now() - started} ms`).toBeLessThan(5000);
  });
  expect(await readdir(dir), 'nothing was written').toEqual([]);
  await rm(dir, { recursive: true });
});

test('a mirror that stops sending mid-body is given up on, saying how far it got', async () => {
  const dir = await mkdtemp(join(tmpdir(), 'dnn-stall-'));
  const server = createHttpServer((_req, res) => {
    res.writeHead(200, { 'content-length': '100000' });
    res.write(new Uint8Array(1000));
  });
  await withServer(server, async (mirror) => {
    await expect(downloadMnist({ mirror, dir, timeoutMs: 400 })).rejects.toThrow(/the mirror .* stopped sending for 0\.4 s after 1000 bytes/);
  });
  expect(await readdir(dir)).toEqual([]);
  await rm(dir, { recursive: true });
});

test('a download stops when its signal is aborted (Ctrl-C), long before the timeout', async () => {
  const dir = await mkdtemp(join(tmpdir(), 'dnn-stall-'));
  const ac = new AbortController();
  // Aborted once the download has connected (an event, not a delay); the mirror never answers.
  await withServer(createServer(() => ac.abort()), async (mirror) => {
    const started = Date.now();
    await expect(downloadMnist({ mirror, dir, timeoutMs: 60_000, signal: ac.signal })).rejects.toThrow(DataError);
    expect(Date.now() - started, `stopped after ${Date.now() - started} ms`).toBeLessThan(10_000);
  });
  expect(await readdir(dir)).toEqual([]);
  await rm(dir, { recursive: true });
});
