/**
 * Whole-model checks on load, beyond names and shapes: every value finite,
 * every tensor name (every header key) unique, and the model's inputs and
 * outputs matching the data it is used on. Each failure is one line.
 * @module
 */
import { ModelFileError, type NamedTensor } from './safetensors.ts';
import type { ModelSpec } from './spec.ts';

/** Throws a ModelFileError naming the first tensor with a NaN or infinite value. */
export function checkFiniteTensors(tensors: Iterable<NamedTensor>): void {
  for (const t of tensors) {
    const d = t.data;
    for (let i = 0; i < d.length; i++) {
      // x - x is 0 for every finite x and NaN otherwise: one test for NaN and both infinities.
      if (d[i] - d[i] !== 0) throw new ModelFileError(`tensor ${t.name} holds a non-finite value (${d[i]}) at index ${i}; the model is unusable`);
    }
  }
}

/** What a model must fit: the data's features per example and its classes. */
export interface DataShape {
  features: number;
  classes: number;
}

/** The mismatch between a model and the data, in words, or null when they fit. */
export function modelDataMismatch(spec: ModelSpec, data: DataShape): string | null {
  if (spec.inputSize !== data.features) return `takes ${spec.inputSize} inputs, the images have ${data.features} pixels`;
  if (spec.outputSize !== data.classes) return `has ${spec.outputSize} outputs, the data has ${data.classes} classes`;
  return null;
}
