/** Reading and writing model files for the commands, with errors that name the file. */
import { readFile, stat } from 'node:fs/promises';
import { decodeCheckpoint, decodeModel, encodeModel, ModelFileError, type ActivationName, type Checkpoint, type Model, type ModelMetadata } from '@dnn/nn';
import { writeFileAtomic } from './files.ts';

/** Thrown for an unreadable or invalid model file; the message starts with the path. */
export class ModelFileProblem extends Error {
  constructor(path: string, problem: string) {
    super(`${path}: ${problem}`);
    this.name = 'ModelFileProblem';
  }
}

export async function readModelFile(path: string, activations?: ActivationName[]): Promise<{ model: Model; metadata: ModelMetadata }> {
  return decodeFile(path, (bytes) => decodeModel(bytes, { activations }));
}

export async function readCheckpointFile(path: string): Promise<Checkpoint> {
  return decodeFile(path, decodeCheckpoint);
}

async function decodeFile<T>(path: string, decode: (bytes: Uint8Array) => T): Promise<T> {
  const info = await stat(path).catch(() => null);
  if (!info) throw new ModelFileProblem(path, 'no such file');
  if (info.isDirectory()) throw new ModelFileProblem(path, 'is a directory, expected a file');
  let bytes: Uint8Array;
  try {
    bytes = new Uint8Array(await readFile(path));
  } catch (e) {
    throw new ModelFileProblem(path, (e as { code?: string }).code === 'EACCES' ? 'permission denied' : (e as Error).message);
  }
  try {
    return decode(bytes);
  } catch (e) {
    if (e instanceof ModelFileError) throw new ModelFileProblem(path, e.message);
    throw e;
  }
}

/** Writes a model atomically: an interrupted write leaves any previous file whole. */
export async function writeModelFile(path: string, model: Model, metadata: ModelMetadata): Promise<void> {
  await writeFileAtomic(path, encodeModel(model, metadata));
}
