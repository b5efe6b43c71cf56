/**
 * Class names. MNIST's classes are the digits 0-9 and need no names; other
 * data sets in the same format (Fashion-MNIST, KMNIST) name theirs, and a
 * model file keeps the names in its metadata (`dnn.classes`, a JSON list).
 * @module
 */
import { ModelFileError, type ModelMetadata } from './safetensors.ts';

/** The metadata key of the class names. */
export const CLASSES_KEY = 'dnn.classes';

/** The names of unnamed classes: their numbers, '0', '1', ... */
export function numberedClasses(count: number): string[] {
  return Array.from({ length: count }, (_, i) => String(i));
}

/** Checks a list of class names; returns the problem in words, or null. */
export function classNamesProblem(names: readonly string[]): string | null {
  if (names.length < 2) return `needs at least 2 class names, got ${names.length}`;
  if (names.length > 1 << 16) return `has ${names.length} class names; at most 65536`;
  const empty = names.findIndex((n) => n.trim() === '');
  if (empty >= 0) return `class ${empty} has an empty name`;
  const seen = new Set<string>();
  for (const n of names) {
    if (seen.has(n)) return `the class name ${JSON.stringify(n)} appears twice`;
    seen.add(n);
  }
  return null;
}

/** Metadata entries that store `names` (none when null). */
export function classesMetadata(names: readonly string[] | null | undefined): ModelMetadata {
  return names ? { [CLASSES_KEY]: JSON.stringify(names) } : {};
}

/** The class names stored in a model's metadata, checked against its outputs; null when there are none. */
export function classesFromMetadata(metadata: ModelMetadata, outputs: number): string[] | null {
  const raw = metadata[CLASSES_KEY];
  if (raw === undefined) return null;
  let names: unknown;
  try {
    names = JSON.parse(raw);
  } catch {
    throw new ModelFileError(`${CLASSES_KEY} in the metadata is not valid JSON`);
  }
  if (!Array.isArray(names) || !names.every((n) => typeof n === 'string')) throw new ModelFileError(`${CLASSES_KEY} in the metadata is not a list of names`);
  const problem = classNamesProblem(names);
  if (problem) throw new ModelFileError(`${CLASSES_KEY} in the metadata ${problem}`);
  if (names.length !== outputs) throw new ModelFileError(`${CLASSES_KEY} names ${names.length} classes; the model has ${outputs} outputs`);
  return names;
}
