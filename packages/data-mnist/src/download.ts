/**
 * Downloads the four MNIST files from a mirror with `fetch`, checks the
 * SHA-256 of each decompressed file, and writes them into a cache folder
 * atomically (with the caller's `writeFile`, or atomic-write.ts), so a failed
 * or interrupted download never leaves a file that looks complete. Bounded: a mirror that does not answer, or stops sending, for
 * `timeoutMs` is given up on, naming it; a body over MAX_DOWNLOAD_BYTES is refused.
 * @module
 */
import { mkdir } from 'node:fs/promises';
import { join } from 'node:path';
import { MNIST_FILES, MNIST_SHA256, sha256Hex } from './checksums.ts';
import { concatBytes } from './concat-bytes.ts';
import { DataError } from './errors.ts';
import { maybeGunzip } from './gzip.ts';
import { findFile } from './files.ts';
import { writeAtomically } from './atomic-write.ts';
import type { MnistFileKey } from './checksums.ts';

/** The mirror torchvision uses; it serves the files gzipped. */
export const DEFAULT_MIRROR = 'https://ossci-datasets.s3.amazonaws.com/mnist/';

/** Seconds without a response, or without a byte of the body, before a download is given up (default). */
export const DEFAULT_DOWNLOAD_TIMEOUT_MS = 30_000;

/** The largest file downloaded: 64 MiB (MNIST's largest .gz is under 10 MB). */
export const MAX_DOWNLOAD_BYTES = 64 << 20;

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
  /** Milliseconds to wait for the response, and then for each piece of the body (default 30 s). */
  timeoutMs?: number;
  /** Stops the download (Ctrl-C). */
  signal?: AbortSignal;
  /** Saves a verified file; must be atomic (default: a temporary file renamed over the target). */
  writeFile?: (path: string, bytes: Uint8Array) => Promise<void>;
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
    const timeoutMs = options.timeoutMs ?? DEFAULT_DOWNLOAD_TIMEOUT_MS;
    const seconds = `${timeoutMs / 1000} s`;
    const hint = 'set a reachable mirror with --mirror or DNN_MNIST_MIRROR';
    // One timer, re-armed whenever the mirror answers or sends a piece of the body.
    const ac = new AbortController();
    const stop = () => ac.abort();
    options.signal?.addEventListener('abort', stop);
    if (options.signal?.aborted) ac.abort();
    let stalled: string | null = null;
    let timer: ReturnType<typeof setTimeout> | undefined;
    const arm = (why: string) => {
      clearTimeout(timer);
      timer = setTimeout(() => {
        stalled = why;
        ac.abort();
      }, timeoutMs);
    };
    try {
      arm(`the mirror ${mirror} did not answer within ${seconds}`);
      let response: Response;
      try {
        response = await doFetch(url, { signal: ac.signal });
      } catch (e) {
        throw new DataError(url, `download failed (${stalled ?? (e as Error).message}); ${hint}`);
      }
      arm(`the mirror ${mirror} stopped sending for ${seconds} after 0 bytes`);
      if (!response.ok) throw new DataError(url, `download failed: HTTP ${response.status} ${response.statusText}`);
      const declared = Number(response.headers.get('content-length'));
      if (declared > MAX_DOWNLOAD_BYTES) throw new DataError(url, `download refused: ${declared} bytes is over the ${MAX_DOWNLOAD_BYTES}-byte limit`);
      let body: Uint8Array;
      try {
        body = await readBody(response, url, (n, total) => {
          arm(`the mirror ${mirror} stopped sending for ${seconds} after ${n} bytes`);
          options.onProgress?.(name, n, total);
        });
      } catch (e) {
        if (e instanceof DataError) throw e;
        throw new DataError(url, `download failed (${stalled ?? (e as Error).message}); ${hint}`);
      }
      const bytes = await maybeGunzip(body, url);
      const sum = await sha256Hex(bytes);
      if (checksums[name] && sum !== checksums[name]) {
        throw new DataError(url, `SHA-256 mismatch: got ${sum}, expected ${checksums[name]}; nothing was saved`);
      }
      const target = join(options.dir, name);
      await (options.writeFile ?? writeAtomically)(target, bytes);
      written.push(target);
    } finally {
      clearTimeout(timer);
      options.signal?.removeEventListener('abort', stop);
    }
  }
  return written;
}

async function readBody(response: Response, url: string, onProgress: (n: number, total: number | null) => void): Promise<Uint8Array> {
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
    if (n > MAX_DOWNLOAD_BYTES) {
      await reader.cancel().catch(() => {});
      throw new DataError(url, `download refused: more than the ${MAX_DOWNLOAD_BYTES}-byte limit`);
    }
    onProgress(n, total);
  }
  return concatBytes(parts, n);
}
