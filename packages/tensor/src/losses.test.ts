import { test, expect } from 'bun:test';
import { softmaxCrossEntropy, meanSquaredError } from './losses.ts';
import { softmaxRows } from './rowwise.ts';
import { Rng } from './random.ts';

const rows = 4;
const cols = 5;
const labels = [0, 3, 4, 3];

/** Central differences of `loss(x)` for every element of x. */
function numericGrad(x: Float64Array, loss: (x: Float64Array) => number): Float64Array {
  const g = new Float64Array(x.length);
  const h = 1e-6;
  for (let i = 0; i < x.length; i++) {
    const xp = x.slice();
    xp[i] += h;
    const xm = x.slice();
    xm[i] -= h;
    g[i] = (loss(xp) - loss(xm)) / (2 * h);
  }
  return g;
}

test('softmax cross-entropy: value and fused logit gradient match finite differences', () => {
  const rng = new Rng(1);
  const logits = Float64Array.from({ length: rows * cols }, () => rng.uniform(-2, 2));
  const meanLoss = (z: Float64Array) => {
    const p = new Float64Array(z.length);
    softmaxRows(rows, cols, z, p);
    return softmaxCrossEntropy(rows, cols, p, labels) / rows;
  };
  const p = new Float64Array(rows * cols);
  softmaxRows(rows, cols, logits, p);
  const grad = new Float64Array(rows * cols);
  const sum = softmaxCrossEntropy(rows, cols, p, labels, grad);
  let expected = 0;
  for (let r = 0; r < rows; r++) expected -= Math.log(p[r * cols + labels[r]]);
  expect(Math.abs(sum - expected)).toBeLessThan(1e-12);
  const numeric = numericGrad(logits, meanLoss);
  for (let i = 0; i < grad.length; i++) expect(Math.abs(grad[i] - numeric[i]), `i=${i}: ${grad[i]} vs ${numeric[i]}`).toBeLessThan(1e-8);
});

test('cross-entropy of a zero probability is large but finite', () => {
  const p = Float32Array.of(1, 0);
  const loss = softmaxCrossEntropy(1, 2, p, [1]);
  expect(Number.isFinite(loss) && loss > 60).toBeTruthy();
});

test('mean squared error: value and gradient match finite differences', () => {
  const rng = new Rng(2);
  const y = Float64Array.from({ length: rows * cols }, () => rng.uniform(-1, 1));
  const grad = new Float64Array(rows * cols);
  const sum = meanSquaredError(rows, cols, y, labels, grad);
  let expected = 0;
  for (let r = 0; r < rows; r++) for (let c = 0; c < cols; c++) expected += (y[r * cols + c] - (c === labels[r] ? 1 : 0)) ** 2 / cols;
  expect(Math.abs(sum - expected)).toBeLessThan(1e-12);
  const numeric = numericGrad(y, (v) => meanSquaredError(rows, cols, v, labels) / rows);
  for (let i = 0; i < grad.length; i++) expect(Math.abs(grad[i] - numeric[i])).toBeLessThan(1e-8);
});
