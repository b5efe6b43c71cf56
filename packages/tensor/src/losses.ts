/**
 * Loss kernels over a batch of rows with integer class targets. Each returns
 * the loss summed over the rows (callers divide by the batch for the mean)
 * and writes the gradient of the batch-mean loss when `grad` is given.
 * @module
 */
import { log } from './portable-math.ts';
import type { FloatArray } from './shape.ts';

/**
 * Softmax cross-entropy from probabilities `p` (already softmaxed).
 * The gradient with respect to the logits is (p - onehot) / batch: the
 * fused form, which the seed did not use.
 */
export function softmaxCrossEntropy(
  rows: number,
  cols: number,
  p: FloatArray,
  labels: ArrayLike<number>,
  gradLogits?: FloatArray,
  batch = rows,
): number {
  let loss = 0;
  for (let r = 0; r < rows; r++) {
    const o = r * cols;
    const t = labels[r];
    // Clamp so a probability of exactly 0 gives a large finite loss, not Inf.
    loss -= log(Math.max(p[o + t], 1e-30));
    if (gradLogits) {
      for (let c = 0; c < cols; c++) gradLogits[o + c] = (p[o + c] - (c === t ? 1 : 0)) / batch;
    }
  }
  return loss;
}

/**
 * Mean squared error against one-hot targets, averaged over classes (as
 * PyTorch's MSELoss does over all elements). Per row: sum_c (y_c - t_c)^2 / cols.
 * Gradient of the batch mean: 2 (y - t) / (cols * batch).
 */
export function meanSquaredError(
  rows: number,
  cols: number,
  y: FloatArray,
  labels: ArrayLike<number>,
  grad?: FloatArray,
  batch = rows,
): number {
  let loss = 0;
  for (let r = 0; r < rows; r++) {
    const o = r * cols;
    const t = labels[r];
    for (let c = 0; c < cols; c++) {
      const d = y[o + c] - (c === t ? 1 : 0);
      loss += (d * d) / cols;
      if (grad) grad[o + c] = (2 * d) / (cols * batch);
    }
  }
  return loss;
}
