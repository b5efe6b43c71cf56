/**
 * @dnn/nn/files: model and checkpoint files on a file system (Node, Deno,
 * Bun). Writes follow the output-file policy of output-path.ts: atomic
 * (temporary file, flush, rename), links followed, devices never replaced,
 * temporary files never left behind. Every error names the file. The byte-level functions in @dnn/nn work everywhere; these add
 * the file system.
 * @module @dnn/nn/files
 */
import { readFile, stat } from 'node:fs/promises';
import { FileProblem, fsErrorWords } from './file-problem.ts';
import { writeOutputFile } from './output-path.ts';
import { decodeCheckpoint, encodeCheckpoint, type Checkpoint } from './checkpoint.ts';
import { decodeModel, encodeModel, type DecodedModel, type DecodeOptions } from './model-file.ts';
import type { Model } from './model.ts';
import { ModelFileError, type ModelMetadata } from './safetensors.ts';

export { FileProblem, fsErrorWords } from './file-problem.ts';
export { checkOutputPath, writeOutputFile, removeLeftovers, outputTarget } from './output-path.ts';

/** Writes `bytes` to `path` atomically: the output-file policy of output-path.ts. */
export const writeFileAtomic = writeOutputFile;

async function readChecked<T>(path: string, decode: (bytes: Uint8Array) => T): Promise<T> {
  let info;
  try {
    info = await stat(path);
  } catch (e) {
    throw new FileProblem(path, (e as { code?: string }).code === 'ENOENT' ? 'no such file' : fsErrorWords(e));
  }
  if (info.isDirectory()) throw new FileProblem(path, 'is a directory, expected a file');
  if (!info.isFile()) throw new FileProblem(path, 'is not a regular file');
  let bytes: Uint8Array;
  try {
    bytes = new Uint8Array(await readFile(path));
  } catch (e) {
    throw new FileProblem(path, fsErrorWords(e));
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
