/**
 * Shared fixtures for backend tests: learnable data, one small model per
 * layer kind, parameters with non-zero biases, a shuffled order, and a
 * hash of a weight vector for bit-for-bit comparisons.
 * @module
 */
import { Rng } from '@dnn/tensor';
import type { Dataset } from '../dataset.ts';
import { initParams } from '../init.ts';
import { paramLayout } from '../layout.ts';
import { ACTIVATIONS, validateSpec, type ActivationName, type LayerKind, type LayerSpec, type ModelSpec } from '../spec.ts';

/** `classes` Gaussian blobs in `features` dimensions, stored as bytes like MNIST: learnable, and quick. */
export function blobs(count: number, features = 16, classes = 4, seed = 1, spread = 30): Dataset {
  const rng = new Rng(seed);
  const centres = Array.from({ length: classes }, () => Array.from({ length: features }, () => rng.uniform(40, 215)));
  const x = new Uint8Array(count * features);
  const labels = new Uint8Array(count);
  for (let i = 0; i < count; i++) {
    const c = rng.int(classes);
    labels[i] = c;
    for (let f = 0; f < features; f++) x[i * features + f] = Math.max(0, Math.min(255, Math.round(centres[c][f] + spread * rng.normal())));
  }
  return { x, labels, count, features, classes };
}

/** Uniformly random bytes and labels: nothing to learn, every value path exercised. */
export function noise(count: number, features: number, classes: number, seed = 1): Dataset {
  const rng = new Rng(seed);
  return {
    x: Uint8Array.from({ length: count * features }, () => rng.int(256)),
    labels: Uint8Array.from({ length: count }, () => rng.int(classes)),
    count,
    features,
    classes,
  };
}

/** A fixed shuffle of `count` rows (a stride coprime with the count). */
export function strideOrder(count: number, stride = 37): Uint32Array {
  let s = stride;
  while (gcd(s, count) !== 1) s++;
  return Uint32Array.from({ length: count }, (_, i) => (i * s) % count);
}

function gcd(a: number, b: number): number {
  return b === 0 ? a : gcd(b, a % b);
}

/** Initial parameters with random biases too (initParams zeroes them), so every bias term counts. */
export function paramsWithBiases(spec: ModelSpec, seed = 3): Float32Array {
  const params = initParams(spec, seed);
  const rng = new Rng(seed + 1);
  for (const l of paramLayout(spec).layers) for (let i = 0; i < l.outputs; i++) params[l.bias + i] = rng.float() - 0.5;
  return params;
}

/** The image shape of the layer-kind fixtures: awkward sides, two channels. */
export const IMAGE: [number, number, number] = [2, 7, 7];
const imageInput = { shape: IMAGE, scale: 1 / 255 };
const classes = 4;

/** A model around one hidden activation: dense, the activation, dense, softmax. */
function around(act: ActivationName): ModelSpec {
  return { input: { shape: [13], scale: 1 / 255 }, layers: [{ kind: 'dense', out: 9 }, { kind: act }, { kind: 'dense', out: classes }, { kind: 'softmax' }], loss: 'cross-entropy' };
}

const head: LayerSpec[] = [{ kind: 'flatten' }, { kind: 'dense', out: classes }, { kind: 'softmax' }];

/**
 * One small model per layer kind, each using that kind (and as few others
 * as it can). Typed by kind: a new kind is a type error here until it has
 * its line, and then every backend's conformance suite runs it.
 */
export const LAYER_CASES: Record<LayerKind, ModelSpec> = {
  dense: around('relu'),
  conv2d: { input: imageInput, layers: [{ kind: 'conv2d', out: 3, kernel: 3, stride: 1, padding: 'valid' }, { kind: 'relu' }, ...head], loss: 'cross-entropy' },
  maxpool2d: { input: imageInput, layers: [{ kind: 'conv2d', out: 3, kernel: 2, stride: 1, padding: 'valid' }, { kind: 'maxpool2d' }, ...head], loss: 'cross-entropy' },
  flatten: { input: imageInput, layers: [{ kind: 'flatten' }, { kind: 'dense', out: 6 }, { kind: 'tanh' }, { kind: 'dense', out: classes }, { kind: 'softmax' }], loss: 'cross-entropy' },
  dropout: { input: { shape: [13], scale: 1 / 255 }, layers: [{ kind: 'dense', out: 11 }, { kind: 'relu' }, { kind: 'dropout', rate: 0.3 }, { kind: 'dense', out: classes }, { kind: 'softmax' }], loss: 'cross-entropy' },
  ...(Object.fromEntries(ACTIVATIONS.filter((a) => a !== 'softmax').map((a) => [a, around(a)])) as Record<Exclude<ActivationName, 'softmax'>, ModelSpec>),
  // Softmax as the output with either loss (mse takes the softmax's Jacobian, not the fused gradient).
  softmax: { input: { shape: [13], scale: 1 / 255 }, layers: [{ kind: 'dense', out: 9 }, { kind: 'elu' }, { kind: 'dense', out: classes }, { kind: 'softmax' }], loss: 'mse' },
};

/** Further layer lists the kinds' own cases leave out: the other convolution paddings and strides, a CNN end to end. */
export const EXTRA_CASES: Record<string, ModelSpec> = {
  'conv2d same padding, stride 2': { input: imageInput, layers: [{ kind: 'conv2d', out: 4, kernel: 3, stride: 2, padding: 'same' }, { kind: 'sigmoid' }, ...head], loss: 'cross-entropy' },
  'conv2d same padding, stride 1, 5x5': { input: imageInput, layers: [{ kind: 'conv2d', out: 2, kernel: 5, stride: 1, padding: 'same' }, { kind: 'leaky-relu' }, ...head], loss: 'cross-entropy' },
  'conv2d valid padding, stride 2': { input: imageInput, layers: [{ kind: 'conv2d', out: 3, kernel: 2, stride: 2, padding: 'valid' }, { kind: 'tanh' }, ...head], loss: 'cross-entropy' },
  'a CNN: conv, pool, dropout, dense': {
    input: imageInput,
    layers: [
      { kind: 'conv2d', out: 4, kernel: 3, stride: 1, padding: 'same' },
      { kind: 'relu' },
      { kind: 'maxpool2d' },
      { kind: 'dropout', rate: 0.25 },
      { kind: 'flatten' },
      { kind: 'dense', out: 8 },
      { kind: 'softplus' },
      { kind: 'dense', out: classes },
      { kind: 'softmax' },
    ],
    loss: 'cross-entropy',
  },
};

/** The layer kinds a spec uses. */
export function kindsOf(spec: ModelSpec): LayerKind[] {
  return [...new Set(validateSpec(spec).layers.map((l) => l.kind))];
}

/** A dense model for the optimizer and loss cases: every optimizer and loss on the fused MLP path. */
export function denseSpec(loss: 'cross-entropy' | 'mse'): ModelSpec {
  const output = loss === 'mse' ? 'sigmoid' : 'softmax';
  return { input: { shape: [13], scale: 1 / 255 }, layers: [{ kind: 'dense', out: 10 }, { kind: 'tanh' }, { kind: 'dense', out: 7 }, { kind: 'relu' }, { kind: 'dense', out: classes }, { kind: output }], loss };
}

/** Data for a spec: its input size, the fixtures' classes. */
export function dataFor(spec: ModelSpec, count: number, seed = 5): Dataset {
  const features = validateSpec(spec).input.shape.reduce((a, b) => a * b, 1);
  return noise(count, features, classes, seed);
}

/** A 64-bit FNV-1a hash of a vector's bytes, as 16 hex digits: equal hashes, equal bits. */
export function weightsHash(v: Float32Array | Float64Array): string {
  const bytes = new Uint8Array(v.buffer, v.byteOffset, v.byteLength);
  let lo = 0x811c9dc5;
  let hi = 0xcbf29ce4;
  for (let i = 0; i < bytes.length; i++) {
    lo = Math.imul(lo ^ bytes[i], 0x01000193) >>> 0;
    hi = Math.imul(hi ^ bytes[i] ^ (lo >>> 24), 0x01000193) >>> 0;
  }
  return hi.toString(16).padStart(8, '0') + lo.toString(16).padStart(8, '0');
}
