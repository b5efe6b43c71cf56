/**
 * Reading the MNIST files from a folder (raw or gzip, with the usual name
 * variants) with the node: file API, which Node, Deno and Bun all provide.
 * @module
 */
import { readFile, stat } from 'node:fs/promises';
import { join } from 'node:path';
import type { Dataset } from '@dnn/tensor';
import { MNIST_FILES, type MnistFileKey } from './checksums.ts';
import { DataError } from './errors.ts';
import { MAX_IDX_BYTES } from './bounded-gunzip.ts';
import { maybeGunzip } from './gzip.ts';
import { datasetFromIdx } from './mnist.ts';

export interface Mnist {
  train: Dataset;
  test: Dataset;
  /** The folder the files came from. */
  dir: string;
}

/** Names a file may have on disk: the original, the dotted variant, either gzipped. */
function variants(name: string): string[] {
  const dotted = name.replace(/-(idx\d-ubyte)$/, '.$1');
  return [name, `${name}.gz`, dotted, `${dotted}.gz`];
}

/** Path of the file `key` in `dir`, or null if no variant exists. */
export async function findFile(dir: string, key: MnistFileKey): Promise<string | null> {
  for (const v of variants(MNIST_FILES[key])) {
    const path = join(dir, v);
    try {
      await stat(path);
      return path;
    } catch (e) {
      // Only a name that is not there means "try the next"; a loop or a locked folder is said as it is.
      const code = (e as { code?: string }).code;
      if (code !== 'ENOENT' && code !== 'ENOTDIR') throw new DataError(path, describeFsError(e));
    }
  }
  return null;
}

/** Which of the four files are missing from `dir` (empty when it is complete). */
export async function missingFiles(dir: string): Promise<string[]> {
  const missing: string[] = [];
  for (const key of Object.keys(MNIST_FILES) as MnistFileKey[]) {
    if ((await findFile(dir, key)) === null) missing.push(MNIST_FILES[key]);
  }
  return missing;
}

/** Reads a file's bytes, decompressed; every failure names the file. */
export async function readDataFile(path: string): Promise<Uint8Array> {
  let info;
  try {
    info = await stat(path);
  } catch (e) {
    throw new DataError(path, describeFsError(e));
  }
  if (info.isDirectory()) throw new DataError(path, 'is a directory, expected a file');
  if (!info.isFile()) throw new DataError(path, 'is not a regular file');
  if (info.size > MAX_IDX_BYTES) throw new DataError(path, `is ${info.size} bytes, over the ${MAX_IDX_BYTES}-byte limit for an IDX file`);
  let bytes: Uint8Array;
  try {
    bytes = new Uint8Array(await readFile(path));
  } catch (e) {
    throw new DataError(path, describeFsError(e));
  }
  return maybeGunzip(bytes, path);
}

/** Loads the training and test sets from `dir`. */
export async function loadMnistDir(dir: string): Promise<Mnist> {
  const missing = await missingFiles(dir);
  if (missing.length) throw new DataError(dir, `missing MNIST file(s): ${missing.join(', ')}`);
  const path = async (key: MnistFileKey) => (await findFile(dir, key))!;
  const [trImg, trLab, teImg, teLab] = await Promise.all(
    (['trainImages', 'trainLabels', 'testImages', 'testLabels'] as const).map(path),
  );
  const [a, b, c, d] = await Promise.all([trImg, trLab, teImg, teLab].map(readDataFile));
  const train = datasetFromIdx(a, b, trImg, trLab);
  const test = datasetFromIdx(c, d, teImg, teLab);
  // Each problem is blamed on the file that has it: of two sizes, the one that is not MNIST's.
  if (train.features !== test.features) {
    const [file, has, other] = train.features !== MNIST_PIXELS ? [trImg, train, test] : [teImg, test, train];
    throw new DataError(file, `images have ${has.features} pixels each, the ${has === train ? 'test' : 'training'} images ${other.features}`);
  }
  if (train.count === 0) throw new DataError(trImg, 'has no images');
  if (test.count === 0) throw new DataError(teImg, 'has no images');
  return { train, test, dir };
}

/** Pixels in an MNIST image (28 x 28). */
const MNIST_PIXELS = 784;

function describeFsError(e: unknown): string {
  const code = (e as { code?: string }).code;
  if (code === 'ELOOP') return 'too many levels of symbolic links (a loop?)';
  if (code === 'ENOENT') return 'no such file';
  if (code === 'EACCES' || code === 'EPERM') return 'permission denied (the file cannot be read)';
  if (code === 'EISDIR') return 'is a directory, expected a file';
  return (e as Error).message ?? String(e);
}
