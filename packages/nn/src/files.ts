/**
 * @dnn/nn/files: model and checkpoint files on a file system (Node, Deno,
 * Bun). Writes are atomic: a temporary file in the same folder, flushed,
 * then renamed, so a crash leaves the previous file whole. Every error names
 * the file. The byte-level functions in @dnn/nn work everywhere; these add
 * the file system.
 * @module @dnn/nn/files
 */
import { open, readFile, rename, rm, stat } from 'node:fs/promises';
import { basename, dirname, join } from 'node:path';
import { decodeCheckpoint, encodeCheckpoint, type Checkpoint } from './checkpoint.ts';
import { decodeModel, encodeModel, type DecodedModel, type DecodeOptions } from './model-file.ts';
import type { Model } from './model.ts';
import { ModelFileError, type ModelMetadata } from './safetensors.ts';

/** A file that cannot be read or decoded; the message starts with its path. */
export class FileProblem extends Error {
  constructor(
    readonly path: string,
    readonly problem: string,
  ) {
    super(`${path}: ${problem}`);
    this.name = 'FileProblem';
  }
}

/** Writes `bytes` to `path` atomically (temporary file, fsync, rename). */
export async function writeFileAtomic(path: string, bytes: Uint8Array): Promise<void> {
  const temp = join(dirname(path), `.${basename(path)}.${process.pid}.${Date.now()}.tmp`);
  const handle = await open(temp, 'w');
  try {
    await handle.writeFile(bytes);
    await handle.sync();
  } catch (e) {
    await handle.close();
    await rm(temp, { force: true });
    throw e;
  }
  await handle.close();
  try {
    await rename(temp, path);
  } catch (e) {
    await rm(temp, { force: true });
    throw e;
  }
}

async function readChecked<T>(path: string, decode: (bytes: Uint8Array) => T): Promise<T> {
  const info = await stat(path).catch(() => null);
  if (!info) throw new FileProblem(path, 'no such file');
  if (info.isDirectory()) throw new FileProblem(path, 'is a directory, expected a file');
  let bytes: Uint8Array;
  try {
    bytes = new Uint8Array(await readFile(path));
  } catch (e) {
    throw new FileProblem(path, (e as { code?: string }).code === 'EACCES' ? 'permission denied' : (e as Error).message);
  }
  try {
    return decode(bytes);
  } catch (e) {
    if (e instanceof ModelFileError) throw new FileProblem(path, e.message);
    throw e;
  }
}

/**
 * Reads a model file; `activations` overrides the stored hidden activations
 * where shapes fit; `arch` gives the layers of a PyTorch file without dnn
 * metadata (see `decodeModel`).
 */
export function loadModel(path: string, options: DecodeOptions = {}): Promise<DecodedModel> {
  return readChecked(path, (b) => decodeModel(b, options));
}

/** Writes a model file atomically. */
export function saveModel(path: string, model: Model, metadata: ModelMetadata = {}): Promise<void> {
  return writeFileAtomic(path, encodeModel(model, metadata));
}

export function loadCheckpoint(path: string): Promise<Checkpoint> {
  return readChecked(path, decodeCheckpoint);
}

export function saveCheckpoint(path: string, checkpoint: Checkpoint): Promise<void> {
  return writeFileAtomic(path, encodeCheckpoint(checkpoint));
}
