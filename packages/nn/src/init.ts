/**
 * Weight initialisation from the seed. He (normal, std sqrt(2/fan_in)) for
 * layers followed by a ReLU-like activation, Xavier/Glorot (normal, std
 * sqrt(2/(fan_in+fan_out))) for the rest; biases start at zero. Each layer
 * with parameters draws from its own split stream (the i-th such layer from
 * stream i, so an MLP initialises as it always has).
 * @module
 */
import { Rng } from '@dnn/tensor';
import { layerShapes, layersFromMlp, type ActivationName, type MlpSpec, type ModelSpec } from './spec.ts';

/** Stream numbers split from the run's seed, one per consumer. */
export const STREAM = { init: 1, shuffle: 2, workers: 3 } as const;

const RELU_LIKE: string[] = ['relu', 'leaky-relu', 'elu', 'softplus'] satisfies ActivationName[];

/** Fresh parameters for `spec`, determined by `seed` alone. */
export function initParams(spec: ModelSpec | MlpSpec, seed: number): Float32Array {
  const list = 'layers' in spec ? spec : layersFromMlp(spec);
  const infos = layerShapes(list);
  const size = infos.reduce((s, l) => s + l.params, 0);
  const params = new Float32Array(size);
  const rng = new Rng(seed).split(STREAM.init);
  let stream = 0;
  infos.forEach((layer, i) => {
    if (!layer.weight || !layer.bias) return;
    const rand = rng.split(stream++);
    // The activation that follows, looking past dropout.
    const next = list.layers.slice(i + 1).find((l) => l.kind !== 'dropout');
    const fanIn = layer.weight.size / layer.bias.size;
    const fanOut = layer.weight.size / layer.weight.shape[1];
    const std = next && RELU_LIKE.includes(next.kind) ? Math.sqrt(2 / fanIn) : Math.sqrt(2 / (fanIn + fanOut));
    for (let j = 0; j < layer.weight.size; j++) params[layer.weight.offset + j] = std * rand.normal();
  });
  return params;
}
