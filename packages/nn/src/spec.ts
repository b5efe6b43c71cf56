/**
 * A model described as plain data: an input shape, a list of layers and a
 * loss. The same spec builds the network, is stored in a model file, and
 * comes from the CLI's flags. Today's multilayer-perceptron form (`hidden`,
 * `activations`) is a shorthand that desugars into a layer list, as
 * ConvNetJS desugars `{type: 'fc', activation: 'relu'}`.
 * @module
 */

/** Every activation dnn knows. `softmax` is for the output layer only. */
export const ACTIVATIONS = [
  'linear',
  'sigmoid',
  'tanh',
  'lecun-tanh',
  'relu',
  'leaky-relu',
  'elu',
  'softplus',
  'softmax',
] as const;
export type ActivationName = (typeof ACTIVATIONS)[number];

export const LOSSES = ['cross-entropy', 'mse'] as const;
export type LossName = (typeof LOSSES)[number];

/** Layer kinds with parameters or shape changes; the activations are layer kinds too. */
export const LAYER_KINDS = ['dense', 'conv2d', 'maxpool2d', 'flatten', 'dropout', ...ACTIVATIONS] as const;
export type LayerKind = (typeof LAYER_KINDS)[number];

export interface DenseLayer {
  kind: 'dense';
  /** Output features. */
  out: number;
}
export interface Conv2dLayer {
  kind: 'conv2d';
  /** Output channels. */
  out: number;
  /** Square kernel side. */
  kernel: number;
  stride: 1 | 2;
  /** `same` pads (kernel - 1) / 2 on every side (odd kernels only), as PyTorch's `padding=k // 2`. */
  padding: 'valid' | 'same';
}
/** 2x2 max pooling with stride 2 (odd edges are dropped, as PyTorch's default). */
export interface MaxPool2dLayer {
  kind: 'maxpool2d';
}
export interface FlattenLayer {
  kind: 'flatten';
}
/** Inverted dropout: training zeroes each value with probability `rate` and scales the rest by 1 / (1 - rate). */
export interface DropoutLayer {
  kind: 'dropout';
  rate: number;
}
export interface ActivationLayer {
  kind: ActivationName;
}
export type LayerSpec = DenseLayer | Conv2dLayer | MaxPool2dLayer | FlattenLayer | DropoutLayer | ActivationLayer;

export interface InputSpec {
  /** `[features]`, or `[channels, height, width]` for images ([1, 28, 28] for MNIST). */
  shape: number[];
  /** Inputs are multiplied by this before the first layer (1/255 for bytes). */
  scale: number;
}

/** A network: its input, its layers in order, and the loss it trains on. */
export interface ModelSpec {
  input: InputSpec;
  layers: LayerSpec[];
  loss: LossName;
}

/** The multilayer-perceptron shorthand: dense layers, an activation after each. */
export interface MlpSpec {
  /** Features per example (784 for MNIST). */
  inputSize: number;
  /** Width of each hidden layer, input side first. */
  hidden: number[];
  /** One activation per hidden layer. */
  activations: ActivationName[];
  /** Number of outputs (classes). */
  outputSize: number;
  /** Activation of the output layer. */
  output: ActivationName;
  loss: LossName;
  /** Inputs are multiplied by this before the first layer (1/255 for bytes). */
  inputScale: number;
}

/** Thrown for a spec that cannot be built; `field` names what is wrong (`layers[3]` for a layer). */
export class SpecError extends Error {
  constructor(
    readonly field: string,
    message: string,
  ) {
    super(message);
    this.name = 'SpecError';
  }
}

const MLP_DEFAULTS: MlpSpec = {
  inputSize: 784,
  hidden: [400, 200],
  activations: ['relu', 'relu'],
  outputSize: 10,
  output: 'softmax',
  loss: 'cross-entropy',
  inputScale: 1 / 255,
};

/** The seed's network: 784-400-200-10, relu, softmax, cross-entropy (fields of the MLP shorthand override it). */
export function defaultSpec(overrides: Partial<MlpSpec> = {}): ModelSpec {
  const hidden = overrides.hidden ?? MLP_DEFAULTS.hidden;
  return validateSpec({ ...MLP_DEFAULTS, activations: hidden.map(() => 'relu' as const), ...overrides });
}

/**
 * The default CNN: conv 16x5x5 - relu - pool - conv 32x5x5 - relu - pool -
 * flatten - dense 128 - relu - dense 10 - softmax, on 1x28x28 images.
 */
export function defaultCnnSpec(): ModelSpec {
  return validateSpec({
    input: { shape: [1, 28, 28], scale: 1 / 255 },
    layers: [
      { kind: 'conv2d', out: 16, kernel: 5, stride: 1, padding: 'valid' },
      { kind: 'relu' },
      { kind: 'maxpool2d' },
      { kind: 'conv2d', out: 32, kernel: 5, stride: 1, padding: 'valid' },
      { kind: 'relu' },
      { kind: 'maxpool2d' },
      { kind: 'flatten' },
      { kind: 'dense', out: 128 },
      { kind: 'relu' },
      { kind: 'dense', out: 10 },
      { kind: 'softmax' },
    ],
    loss: 'cross-entropy',
  });
}

const isSize = (n: unknown): n is number => typeof n === 'number' && Number.isInteger(n) && n > 0 && n <= 1 << 24;

/** The layer list an MLP shorthand stands for: dense, activation, ..., dense, output activation. */
export function layersFromMlp(s: MlpSpec): ModelSpec {
  const layers: LayerSpec[] = [];
  s.hidden.forEach((n, i) => layers.push({ kind: 'dense', out: n }, { kind: s.activations[i] }));
  layers.push({ kind: 'dense', out: s.outputSize }, { kind: s.output });
  return { input: { shape: [s.inputSize], scale: s.inputScale }, layers, loss: s.loss };
}

/**
 * Checks a spec (for example one read from a file) and returns it typed, as
 * a layer list. Accepts the layer-list form and the MLP shorthand.
 */
export function validateSpec(spec: unknown): ModelSpec {
  if (typeof spec !== 'object' || spec === null) throw new SpecError('spec', 'the model spec must be an object');
  const s = spec as Record<string, unknown>;
  if (!('layers' in s)) return validateLayers(layersFromMlp(validateMlp(s)) as unknown as Record<string, unknown>);
  return validateLayers(s);
}

function validateMlp(s: Record<string, unknown>): MlpSpec {
  if (!isSize(s.inputSize)) throw new SpecError('inputSize', `inputSize must be a positive integer, got ${JSON.stringify(s.inputSize)}`);
  if (!isSize(s.outputSize)) throw new SpecError('outputSize', `outputSize must be a positive integer, got ${JSON.stringify(s.outputSize)}`);
  if (!Array.isArray(s.hidden) || !s.hidden.every(isSize)) {
    throw new SpecError('hidden', `hidden must be a list of positive integers, got ${JSON.stringify(s.hidden)}`);
  }
  if (!Array.isArray(s.activations) || s.activations.length !== s.hidden.length) {
    throw new SpecError(
      'activations',
      `activations must name one activation per hidden layer (${s.hidden.length}), got ${JSON.stringify(s.activations)}`,
    );
  }
  for (const a of s.activations) {
    if (!ACTIVATIONS.includes(a as ActivationName) || a === 'softmax') {
      throw new SpecError('activations', `unknown hidden activation ${JSON.stringify(a)}; choose from ${hiddenActivations().join(', ')}`);
    }
  }
  if (!ACTIVATIONS.includes(s.output as ActivationName)) {
    throw new SpecError('output', `unknown output activation ${JSON.stringify(s.output)}; choose from ${ACTIVATIONS.join(', ')}`);
  }
  if (s.loss === 'cross-entropy' && s.output !== 'softmax') {
    throw new SpecError('loss', `cross-entropy needs a softmax output (got ${s.output}); use --loss mse for other outputs`);
  }
  return {
    inputSize: s.inputSize,
    hidden: [...s.hidden],
    activations: [...(s.activations as ActivationName[])],
    outputSize: s.outputSize,
    output: s.output as ActivationName,
    loss: s.loss as LossName,
    inputScale: s.inputScale as number,
  };
}

function validateLayers(s: Record<string, unknown>): ModelSpec {
  const input = s.input as Record<string, unknown> | undefined;
  if (typeof input !== 'object' || input === null) throw new SpecError('input', 'the spec needs an input: { shape, scale }');
  const shape = input.shape;
  if (!Array.isArray(shape) || !(shape.length === 1 || shape.length === 3) || !shape.every(isSize)) {
    throw new SpecError('input', `input.shape must be [features] or [channels, height, width], got ${JSON.stringify(shape)}`);
  }
  if (typeof input.scale !== 'number' || !Number.isFinite(input.scale) || input.scale <= 0) {
    throw new SpecError('inputScale', `inputScale must be a positive number, got ${JSON.stringify(input.scale)}`);
  }
  if (!LOSSES.includes(s.loss as LossName)) {
    throw new SpecError('loss', `unknown loss ${JSON.stringify(s.loss)}; choose from ${LOSSES.join(', ')}`);
  }
  if (!Array.isArray(s.layers) || s.layers.length === 0) throw new SpecError('layers', 'layers must be a non-empty list');
  const layers = s.layers.map((l, i) => validateLayer(l, i, i === (s.layers as unknown[]).length - 1));
  const last = layers[layers.length - 1];
  if (s.loss === 'cross-entropy' && last.kind !== 'softmax') {
    throw new SpecError('loss', `cross-entropy needs a softmax output (got ${last.kind}); use --loss mse for other outputs`);
  }
  const spec: ModelSpec = { input: { shape: [...shape], scale: input.scale }, layers, loss: s.loss as LossName };
  checkShapes(spec);
  return spec;
}

const oneOf = <T>(v: unknown, options: readonly T[]): v is T => options.includes(v as T);

function validateLayer(raw: unknown, i: number, last: boolean): LayerSpec {
  const field = `layers[${i}]`;
  if (typeof raw !== 'object' || raw === null) throw new SpecError(field, `layer ${i} must be an object with a kind`);
  const l = raw as Record<string, unknown>;
  const bad = (what: string) => new SpecError(field, `layer ${i} (${String(l.kind)}): ${what}, got ${JSON.stringify(raw)}`);
  switch (l.kind) {
    case 'dense':
      if (!isSize(l.out)) throw bad('out must be a positive integer');
      return { kind: 'dense', out: l.out };
    case 'conv2d':
      if (!isSize(l.out)) throw bad('out must be a positive integer');
      if (!isSize(l.kernel) || l.kernel > 64) throw bad('kernel must be an integer from 1 to 64');
      if (!oneOf(l.stride, [1, 2] as const)) throw bad('stride must be 1 or 2');
      if (!oneOf(l.padding, ['valid', 'same'] as const)) throw bad("padding must be 'valid' or 'same'");
      if (l.padding === 'same' && l.kernel % 2 === 0) throw bad("'same' padding needs an odd kernel");
      return { kind: 'conv2d', out: l.out, kernel: l.kernel, stride: l.stride, padding: l.padding };
    case 'maxpool2d':
    case 'flatten':
      return { kind: l.kind };
    case 'dropout':
      if (typeof l.rate !== 'number' || !(l.rate >= 0 && l.rate < 1)) throw bad('rate must be a number in [0, 1)');
      return { kind: 'dropout', rate: l.rate };
    default:
      if (!oneOf(l.kind, ACTIVATIONS)) throw new SpecError(field, `layer ${i}: unknown kind ${JSON.stringify(l.kind)}; choose from ${LAYER_KINDS.join(', ')}`);
      if (l.kind === 'softmax' && !last) throw new SpecError(field, `layer ${i}: softmax is for the output only (the last layer)`);
      return { kind: l.kind };
  }
}

/** Where a layer's weight and bias sit in the flat parameter vector, in PyTorch's layout. */
export interface ParamSlot {
  offset: number;
  shape: number[];
  size: number;
}

/** A layer with its shapes and parameters, as `layerShapes` infers them. */
export interface LayerInfo {
  index: number;
  spec: LayerSpec;
  /** Input and output shape of one example: `[features]` or `[channels, height, width]`. */
  inShape: number[];
  outShape: number[];
  inSize: number;
  outSize: number;
  /** Dense `[out, in]`, conv `[out, in, k, k]`; absent for layers without parameters. */
  weight?: ParamSlot;
  bias?: ParamSlot;
  /** Number of parameters (weight and bias). */
  params: number;
}

const prod = (s: number[]) => s.reduce((a, b) => a * b, 1);
const MAX_ACTIVATION = 1 << 26;

/**
 * The one shape function: every layer's input and output shape, parameter
 * count and parameter offsets. Throws a SpecError naming the layer that does
 * not fit its input.
 */
export function layerShapes(spec: ModelSpec): LayerInfo[] {
  let shape = spec.input.shape;
  let offset = 0;
  return spec.layers.map((l, index) => {
    const field = `layers[${index}]`;
    const fail = (why: string) => new SpecError(field, `layer ${index} (${l.kind}) does not fit its input [${shape.join(', ')}]: ${why}`);
    let out = shape;
    let weight: number[] | undefined;
    let bias: number[] | undefined;
    if (l.kind === 'dense') {
      if (shape.length !== 1) throw fail('dense needs a flat input; add a flatten layer before it');
      out = [l.out];
      weight = [l.out, shape[0]];
      bias = [l.out];
    } else if (l.kind === 'conv2d') {
      if (shape.length !== 3) throw fail('conv2d needs a [channels, height, width] input');
      const pad = l.padding === 'same' ? (l.kernel - 1) / 2 : 0;
      const side = (n: number) => Math.floor((n + 2 * pad - l.kernel) / l.stride) + 1;
      if (shape[1] + 2 * pad < l.kernel || shape[2] + 2 * pad < l.kernel) throw fail(`the ${l.kernel}x${l.kernel} kernel is larger than the image`);
      out = [l.out, side(shape[1]), side(shape[2])];
      weight = [l.out, shape[0], l.kernel, l.kernel];
      bias = [l.out];
    } else if (l.kind === 'maxpool2d') {
      if (shape.length !== 3) throw fail('maxpool2d needs a [channels, height, width] input');
      if (shape[1] < 2 || shape[2] < 2) throw fail('the image is smaller than the 2x2 window');
      out = [shape[0], Math.floor(shape[1] / 2), Math.floor(shape[2] / 2)];
    } else if (l.kind === 'flatten') {
      out = [prod(shape)];
    } else if (l.kind === 'softmax' && shape.length !== 1) {
      throw fail('softmax needs a flat input; add a flatten and a dense layer before it');
    }
    if (prod(out) > MAX_ACTIVATION) throw fail(`the output [${out.join(', ')}] is too large`);
    const info: LayerInfo = { index, spec: l, inShape: shape, outShape: out, inSize: prod(shape), outSize: prod(out), params: 0 };
    if (weight && bias) {
      info.weight = { offset, shape: weight, size: prod(weight) };
      info.bias = { offset: offset + prod(weight), shape: bias, size: prod(bias) };
      info.params = prod(weight) + prod(bias);
      offset += info.params;
    }
    shape = out;
    return info;
  });
}

function checkShapes(spec: ModelSpec): void {
  const infos = layerShapes(spec);
  const last = infos[infos.length - 1];
  if (last.outShape.length !== 1) {
    throw new SpecError('layers', `the network's output has shape [${last.outShape.join(', ')}]; end with flatten and dense layers`);
  }
}

/** Features per example the network takes (784 for MNIST). */
export function inputSize(spec: ModelSpec): number {
  return prod(spec.input.shape);
}

/** Outputs per example (the number of classes). */
export function outputSize(spec: ModelSpec): number {
  const infos = layerShapes(spec);
  return infos[infos.length - 1].outSize;
}

/**
 * The MLP shorthand of a layer list, or null when the list is more than
 * dense layers and activations (an optional leading flatten is allowed).
 * Backends with a fused MLP step use it.
 */
export function mlpView(spec: ModelSpec): MlpSpec | null {
  let layers = spec.layers;
  if (layers[0]?.kind === 'flatten') layers = layers.slice(1);
  const hidden: number[] = [];
  const acts: ActivationName[] = [];
  for (let i = 0; i < layers.length; ) {
    const d = layers[i];
    if (d.kind !== 'dense') return null;
    const next = layers[i + 1];
    const act: ActivationName = next && oneOf(next.kind, ACTIVATIONS) ? (next.kind as ActivationName) : 'linear';
    i += next && oneOf(next.kind, ACTIVATIONS) ? 2 : 1;
    hidden.push(d.out);
    acts.push(act);
  }
  if (hidden.length === 0) return null;
  return {
    inputSize: inputSize(spec),
    hidden: hidden.slice(0, -1),
    activations: acts.slice(0, -1),
    outputSize: hidden[hidden.length - 1],
    output: acts[acts.length - 1],
    loss: spec.loss,
    inputScale: spec.input.scale,
  };
}

/** Activations allowed on hidden layers. */
export function hiddenActivations(): ActivationName[] {
  return ACTIVATIONS.filter((a) => a !== 'softmax');
}

/** Values per example at the input and after each layer with parameters: [784, 400, 200, 10] for the MLP. */
export function layerSizes(spec: ModelSpec): number[] {
  return [inputSize(spec), ...layerShapes(spec).filter((l) => l.params > 0).map((l) => l.outSize)];
}
