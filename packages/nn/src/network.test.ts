import { test, expect } from 'bun:test';
import { Rng } from '@dnn/tensor';
import { computeGradients, createWorkspace, forward } from './network.ts';
import { paramLayout } from './layout.ts';
import { inputSize, validateSpec, type ActivationName, type LossName } from './spec.ts';

/** A small spec with the given activations, for gradient checks. */
function smallSpec(hiddenActs: ActivationName[], output: ActivationName, loss: LossName) {
  return validateSpec({ inputSize: 5, hidden: hiddenActs.map((_, i) => 4 - (i % 2)), activations: hiddenActs, outputSize: 3, output, loss, inputScale: 0.5 });
}

const cases: [ActivationName[], ActivationName, LossName][] = [
  [['relu', 'relu'], 'softmax', 'cross-entropy'],
  [['sigmoid', 'tanh'], 'softmax', 'cross-entropy'],
  [['lecun-tanh', 'elu'], 'softmax', 'mse'],
  [['leaky-relu', 'softplus'], 'sigmoid', 'mse'],
  [['linear'], 'tanh', 'mse'],
  [[], 'softmax', 'cross-entropy'],
];

for (const [acts, output, loss] of cases) {
  test(`network gradients match finite differences: ${acts.join(',') || '(no hidden)'} -> ${output}, ${loss}`, () => {
    const spec = smallSpec(acts, output, loss);
    const rng = new Rng(acts.length * 7 + output.length);
    const size = paramLayout(spec).size;
    const params = Float64Array.from({ length: size }, () => rng.uniform(-0.8, 0.8));
    const rows = 4;
    const ws = createWorkspace(spec, rows, Float64Array);
    const x = Float64Array.from({ length: rows * inputSize(spec) }, () => rng.uniform(-2, 2));
    const labels = [0, 2, 1, 2];
    const load = () => {
      for (let i = 0; i < x.length; i++) ws.a[0][i] = x[i] * spec.input.scale;
      labels.forEach((l, i) => (ws.labels[i] = l));
    };
    load();
    const grads = new Float64Array(size);
    computeGradients(ws, params, grads, rows);
    const meanLoss = () => {
      load();
      return computeGradients(ws, params, new Float64Array(size), rows) / rows;
    };
    const h = 1e-6;
    let checked = 0;
    for (let i = 0; i < size; i++) {
      const keep = params[i];
      params[i] = keep + h;
      const up = meanLoss();
      params[i] = keep - h;
      const down = meanLoss();
      params[i] = keep;
      const numeric = (up - down) / (2 * h);
      expect(Math.abs(numeric - grads[i]), `param ${i}: analytic ${grads[i]}, numeric ${numeric}`).toBeLessThan(1e-6 * Math.max(1, Math.abs(numeric)));
      checked++;
    }
    expect(checked).toBe(size);
  });
}

test('forward of a known tiny network', () => {
  // 2 inputs -> 1 linear output: y = w.x + b, weight stored [out, in].
  const spec = validateSpec({ inputSize: 2, hidden: [], activations: [], outputSize: 1, output: 'linear', loss: 'mse', inputScale: 1 });
  const ws = createWorkspace(spec, 2);
  ws.a[0].set([1, 2, 3, 4]);
  const y = forward(ws, Float32Array.of(10, 100, 0.5), 2);
  expect([...y.subarray(0, 2)]).toEqual([210.5, 430.5]);
});
