/**
 * Class names for the commands: `--classes a,b,...`, or a `classes.txt`
 * (one name a line) beside the data files; none means the digits 0-9.
 */
import { readFile } from 'node:fs/promises';
import { join } from 'node:path';
import { classNamesProblem } from '@dnn/nn';
import { UsageError } from './errors.ts';
import { FileProblem } from './model-file.ts';

export const CLASSES_FILE = 'classes.txt';

/** The names in `--classes`, checked. */
export function classesFlag(value: string): string[] {
  const names = value.split(',').map((n) => n.trim());
  const problem = classNamesProblem(names);
  if (problem) throw new UsageError(`--classes ${problem}`);
  return names;
}

/** The names in `dir/classes.txt`, or null when there is no such file. */
export async function readClassesFile(dir: string): Promise<string[] | null> {
  const path = join(dir, CLASSES_FILE);
  let text: string;
  try {
    text = await readFile(path, 'utf8');
  } catch (e) {
    if ((e as { code?: string }).code === 'ENOENT') return null;
    throw e;
  }
  const names = text.replace(/\r/g, '').replace(/\n+$/, '').split('\n').map((n) => n.trim());
  const problem = classNamesProblem(names);
  if (problem) throw new FileProblem(path, `${problem} (one name a line)`);
  return names;
}
