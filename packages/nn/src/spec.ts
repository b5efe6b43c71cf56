/**
 * A model described as plain data. The same spec builds the network, is
 * stored in a model file, and comes from the CLI's flags.
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

/** A multilayer perceptron: dense layers, an activation after each. */
export interface ModelSpec {
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

/** The seed's network: 784-400-200-10, relu, softmax, cross-entropy. */
export function defaultSpec(overrides: Partial<ModelSpec> = {}): ModelSpec {
  const hidden = overrides.hidden ?? [400, 200];
  return validateSpec({
    inputSize: 784,
    hidden,
    activations: hidden.map(() => 'relu' as const),
    outputSize: 10,
    output: 'softmax',
    loss: 'cross-entropy',
    inputScale: 1 / 255,
    ...overrides,
  });
}

/** Thrown for a spec that cannot be built; `field` names what is wrong. */
export class SpecError extends Error {
  constructor(
    readonly field: string,
    message: string,
  ) {
    super(message);
    this.name = 'SpecError';
  }
}

const isSize = (n: unknown): n is number => typeof n === 'number' && Number.isInteger(n) && n > 0 && n <= 1 << 24;

/** Checks a spec (for example one read from a file) and returns it typed. */
export function validateSpec(spec: unknown): ModelSpec {
  if (typeof spec !== 'object' || spec === null) throw new SpecError('spec', 'the model spec must be an object');
  const s = spec as Record<string, unknown>;
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
  if (!LOSSES.includes(s.loss as LossName)) {
    throw new SpecError('loss', `unknown loss ${JSON.stringify(s.loss)}; choose from ${LOSSES.join(', ')}`);
  }
  if (s.loss === 'cross-entropy' && s.output !== 'softmax') {
    throw new SpecError('loss', `cross-entropy needs a softmax output (got ${s.output}); use --loss mse for other outputs`);
  }
  if (typeof s.inputScale !== 'number' || !Number.isFinite(s.inputScale) || s.inputScale <= 0) {
    throw new SpecError('inputScale', `inputScale must be a positive number, got ${JSON.stringify(s.inputScale)}`);
  }
  return {
    inputSize: s.inputSize,
    hidden: [...s.hidden],
    activations: [...(s.activations as ActivationName[])],
    outputSize: s.outputSize,
    output: s.output as ActivationName,
    loss: s.loss as LossName,
    inputScale: s.inputScale,
  };
}

/** Activations allowed on hidden layers. */
export function hiddenActivations(): ActivationName[] {
  return ACTIVATIONS.filter((a) => a !== 'softmax');
}

/** Nodes per layer, input first: [784, 400, 200, 10]. */
export function layerSizes(spec: ModelSpec): number[] {
  return [spec.inputSize, ...spec.hidden, spec.outputSize];
}
