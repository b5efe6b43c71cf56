/**
 * Downloads the four MNIST files from a mirror with `fetch`, checks the
 * SHA-256 of each decompressed file, and writes them into a cache folder
 * atomically (temporary file, then rename), so a failed or interrupted
 * download never leaves a file that looks complete.
 * @module
 */
import { mkdir, rename, rm, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { MNIST_FILES, MNIST_SHA256, sha256Hex } from './checksums.ts';
import { DataError } from './errors.ts';
import { maybeGunzip } from './gzip.ts';
import { findFile } from './files.ts';
import type { MnistFileKey } from './checksums.ts';

/** The mirror torchvision uses; it serves the files gzipped. */
export const DEFAULT_MIRROR = 'https://ossci-datasets.s3.amazonaws.com/mnist/';

export interface DownloadOptions {
  /** Base URL; `<name>.gz` is fetched from it. */
  mirror?: string;
  /** Folder to write into (created if needed). */
  dir: string;
  /** Expected SHA-256 per file name (defaults to the originals'). */
  checksums?: Record<string, string>;
  fetch?: typeof fetch;
  /** Called as bytes arrive. */
  onProgress?: (file: string, received: number, total: number | null) => void;
}

/** Downloads whichever of the four files `dir` lacks; returns the files written. */
export async function downloadMnist(options: DownloadOptions): Promise<string[]> {
  const mirror = (options.mirror ?? DEFAULT_MIRROR).replace(/\/?$/, '/');
  const checksums = options.checksums ?? MNIST_SHA256;
  const doFetch = options.fetch ?? fetch;
  await mkdir(options.dir, { recursive: true });
  const written: string[] = [];
  for (const key of Object.keys(MNIST_FILES) as MnistFileKey[]) {
    const name = MNIST_FILES[key];
    if (await findFile(options.dir, key)) continue;
    const url = `${mirror}${name}.gz`;
    let response: Response;
    try {
      response = await doFetch(url);
    } catch (e) {
      throw new DataError(url, `download failed (${(e as Error).message}); set a reachable mirror with --mirror or DNN_MNIST_MIRROR`);
    }
    if (!response.ok) throw new DataError(url, `download failed: HTTP ${response.status} ${response.statusText}`);
    const body = await readBody(response, (n, total) => options.onProgress?.(name, n, total));
    const bytes = await maybeGunzip(body, url);
    const sum = await sha256Hex(bytes);
    if (checksums[name] && sum !== checksums[name]) {
      throw new DataError(url, `SHA-256 mismatch: got ${sum}, expected ${checksums[name]}; nothing was saved`);
    }
    const target = join(options.dir, name);
    const temp = `${target}.part-${Date.now()}`;
    try {
      await writeFile(temp, bytes);
      await rename(temp, target);
    } catch (e) {
      await rm(temp, { force: true });
      throw new DataError(target, `could not write (${(e as Error).message})`);
    }
    written.push(target);
  }
  return written;
}

async function readBody(response: Response, onProgress: (n: number, total: number | null) => void): Promise<Uint8Array> {
  const total = Number(response.headers.get('content-length')) || null;
  if (!response.body) return new Uint8Array(await response.arrayBuffer());
  const parts: Uint8Array[] = [];
  let n = 0;
  const reader = response.body.getReader();
  for (;;) {
    const { done, value } = await reader.read();
    if (done) break;
    parts.push(value);
    n += value.length;
    onProgress(n, total);
  }
  const out = new Uint8Array(n);
  let o = 0;
  for (const p of parts) {
    out.set(p, o);
    o += p.length;
  }
  return out;
}
