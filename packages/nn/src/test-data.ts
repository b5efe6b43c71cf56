/**
 * A small learnable dataset for tests: `classes` Gaussian blobs in
 * `features` dimensions, stored as bytes like MNIST.
 */
import { Rng } from '@dnn/tensor';
import type { Dataset } from './dataset.ts';

export function blobs(count: number, features = 16, classes = 4, seed = 1): Dataset {
  const rng = new Rng(seed);
  const centres = Array.from({ length: classes }, () => Array.from({ length: features }, () => rng.uniform(40, 215)));
  const x = new Uint8Array(count * features);
  const labels = new Uint8Array(count);
  for (let i = 0; i < count; i++) {
    const c = rng.int(classes);
    labels[i] = c;
    for (let f = 0; f < features; f++) x[i * features + f] = Math.max(0, Math.min(255, Math.round(centres[c][f] + 30 * rng.normal())));
  }
  return { x, labels, count, features, classes };
}
