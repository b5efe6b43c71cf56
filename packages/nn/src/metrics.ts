/**
 * Classification metrics from network outputs: mean loss, accuracy,
 * per-class accuracy and the confusion matrix (rows: true class, columns:
 * predicted class).
 * @module
 */
import { argmaxRows, meanSquaredError, softmaxCrossEntropy } from '@dnn/tensor';
import { outputSize, type ModelSpec } from './spec.ts';

export interface Metrics {
  /** Mean loss per example. */
  loss: number;
  accuracy: number;
  /** Accuracy within each true class (NaN for a class with no examples). */
  perClassAccuracy: number[];
  /** confusionMatrix[true][predicted] = count. */
  confusionMatrix: number[][];
  count: number;
}

/** Metrics of `outputs` ([count, outputSize], after the output activation) against `labels`. */
export function metricsFromOutputs(spec: ModelSpec, outputs: Float32Array, labels: ArrayLike<number>): Metrics {
  const classes = outputSize(spec);
  const count = labels.length;
  if (outputs.length !== count * classes) throw new RangeError(`${outputs.length} outputs for ${count} labels of ${classes} classes`);
  const lossSum =
    spec.loss === 'cross-entropy'
      ? softmaxCrossEntropy(count, classes, outputs, labels)
      : meanSquaredError(count, classes, outputs, labels);
  const predicted = new Uint32Array(count);
  argmaxRows(count, classes, outputs, predicted);
  const confusionMatrix = Array.from({ length: classes }, () => new Array<number>(classes).fill(0));
  let correct = 0;
  for (let i = 0; i < count; i++) {
    confusionMatrix[labels[i]][predicted[i]]++;
    if (predicted[i] === labels[i]) correct++;
  }
  const perClassAccuracy = confusionMatrix.map((row, c) => {
    const total = row.reduce((a, b) => a + b, 0);
    return total === 0 ? NaN : row[c] / total;
  });
  return { loss: count ? lossSum / count : NaN, accuracy: count ? correct / count : NaN, perClassAccuracy, confusionMatrix, count };
}
