/**
 * How a download is saved when the caller gives no writer of its own: into a
 * temporary file beside the target, flushed, then renamed over it, so an
 * interrupted or failed write never leaves a file that looks complete. (The
 * CLI passes @dnn/nn/files' writeOutputFile, dnn's policy for every file it
 * writes; this package does not depend on nn.)
 * @module
 */
import { open, rename, rm } from 'node:fs/promises';
import { DataError } from './errors.ts';

/** Writes `bytes` to `path` atomically; an error names `path`. */
export async function writeAtomically(path: string, bytes: Uint8Array): Promise<void> {
  const temporary = `${path}.${Date.now().toString(36)}${Math.random().toString(36).slice(2, 8)}.part`;
  try {
    const file = await open(temporary, 'wx');
    try {
      await file.writeFile(bytes);
      await file.sync();
    } finally {
      await file.close();
    }
    await rename(temporary, path);
  } catch (e) {
    await rm(temporary, { force: true });
    throw new DataError(path, `cannot write (${(e as { code?: string }).code ?? (e as Error).message})`);
  }
}
