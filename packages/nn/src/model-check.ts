/**
 * Whole-model checks on load, beyond names and shapes: every value finite,
 * every tensor name (every header key) unique, and the model's inputs and
 * outputs matching the data it is used on. Each failure is one line.
 * @module
 */
import { ModelFileError, type NamedTensor } from './safetensors.ts';
import { inputSize, outputSize, type ModelSpec } from './spec.ts';

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

/** What a model must fit: the data's features per example and, where known, its classes. */
export interface DataShape {
  features: number;
  classes?: number;
}

/**
 * The mismatch between a model and the data, in words, or null when they fit
 * (any layer list: its input and its last layer). A model needs an output per
 * class; more outputs are allowed (a model of named classes may have classes
 * the data does not show).
 */
export function modelDataMismatch(spec: ModelSpec, data: DataShape): string | null {
  const inputs = inputSize(spec);
  if (inputs !== data.features) {
    const shape = spec.input.shape.length > 1 ? ` (${spec.input.shape.join('x')})` : '';
    return `takes ${inputs} inputs${shape}, the images have ${data.features} pixels`;
  }
  const outputs = outputSize(spec);
  if (data.classes !== undefined && outputs < data.classes) return `has ${outputs} outputs, the data has ${data.classes} classes`;
  return null;
}
