/**
 * Weight initialisation from the seed. He (normal, std sqrt(2/fan_in)) for
 * layers followed by a ReLU-like activation, Xavier/Glorot (normal, std
 * sqrt(2/(fan_in+fan_out))) for the rest; biases start at zero. Each layer
 * draws from its own split stream.
 * @module
 */
import { Rng } from '@dnn/tensor';
import { paramLayout } from './layout.ts';
import type { ActivationName, ModelSpec } from './spec.ts';

/** Stream numbers split from the run's seed, one per consumer. */
export const STREAM = { init: 1, shuffle: 2, workers: 3 } as const;

const RELU_LIKE: ActivationName[] = ['relu', 'leaky-relu', 'elu', 'softplus'];

/** Fresh parameters for `spec`, determined by `seed` alone. */
export function initParams(spec: ModelSpec, seed: number): Float32Array {
  const layout = paramLayout(spec);
  const params = new Float32Array(layout.size);
  const rng = new Rng(seed).split(STREAM.init);
  const acts = [...spec.activations, spec.output];
  layout.layers.forEach((layer, i) => {
    const stream = rng.split(i);
    const he = RELU_LIKE.includes(acts[i]);
    const std = he ? Math.sqrt(2 / layer.inputs) : Math.sqrt(2 / (layer.inputs + layer.outputs));
    const n = layer.inputs * layer.outputs;
    for (let j = 0; j < n; j++) params[layer.weight + j] = std * stream.normal();
  });
  return params;
}
