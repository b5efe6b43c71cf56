import { test, expect } from 'bun:test';
import * as act from './activations.ts';
import { softmaxRows } from './rowwise.ts';
import { Rng } from './random.ts';

const kernels = {
  linear: act.linear,
  sigmoid: act.sigmoid,
  tanh: act.tanh,
  lecunTanh: act.lecunTanh,
  relu: act.relu,
  leakyRelu: act.leakyRelu,
  elu: act.elu,
  softplus: act.softplus,
};

/** Random float64 inputs kept away from the kinks at 0. */
function inputs(rng: Rng, n: number): Float64Array {
  const x = new Float64Array(n);
  for (let i = 0; i < n; i++) {
    const v = rng.uniform(0.05, 4);
    x[i] = rng.float() < 0.5 ? -v : v;
  }
  return x;
}

for (const [name, k] of Object.entries(kernels)) {
  test(`${name}: backward matches central finite differences (float64)`, () => {
    const rng = new Rng(name.length * 31 + 1);
    const n = 64;
    const x = inputs(rng, n);
    const y = new Float64Array(n);
    const dy = Float64Array.from({ length: n }, () => rng.uniform(-1, 1));
    const dx = new Float64Array(n);
    k.forward(n, x, y);
    k.backward(n, x, y, dy, dx);
    const h = 1e-6;
    const one = new Float64Array(1);
    for (let i = 0; i < n; i++) {
      k.forward(1, Float64Array.of(x[i] + h), one);
      const up = one[0];
      k.forward(1, Float64Array.of(x[i] - h), one);
      const numeric = ((up - one[0]) / (2 * h)) * dy[i];
      expect(Math.abs(numeric - dx[i]), `${name} x=${x[i]}: analytic ${dx[i]} numeric ${numeric}`).toBeLessThan(1e-6 * Math.max(1, Math.abs(numeric)));
    }
  });
}

test('activations give known values', () => {
  const y = new Float64Array(3);
  act.sigmoid.forward(3, Float64Array.of(0, 100, -100), y);
  expect([...y]).toEqual([0.5, 1, 1 / (1 + Math.exp(100))]);
  act.relu.forward(3, Float64Array.of(-2, 0, 3), y);
  expect([...y]).toEqual([0, 0, 3]);
  act.lecunTanh.forward(1, Float64Array.of(1.5), y);
  expect(Math.abs(y[0] - 1.7159 * Math.tanh(1))).toBeLessThan(1e-12);
  act.softplus.forward(3, Float64Array.of(1000, -1000, 0), y);
  expect([...y]).toEqual([1000, 0, Math.log(2)]);
  act.elu.forward(1, Float64Array.of(-1), y);
  expect(Math.abs(y[0] - (Math.exp(-1) - 1))).toBeLessThan(1e-15);
});

test('NaN propagates through every activation', () => {
  for (const [name, k] of Object.entries(kernels)) {
    const y = new Float32Array(1);
    k.forward(1, Float32Array.of(NaN), y);
    expect(Number.isNaN(y[0]), `${name} forward of NaN`).toBeTruthy();
  }
});

test('softmax backward matches finite differences of sum(dy * softmax(x))', () => {
  const rng = new Rng(5);
  const rows = 3;
  const cols = 7;
  const x = Float64Array.from({ length: rows * cols }, () => rng.uniform(-3, 3));
  const dy = Float64Array.from({ length: rows * cols }, () => rng.uniform(-1, 1));
  const y = new Float64Array(rows * cols);
  softmaxRows(rows, cols, x, y);
  const dx = new Float64Array(rows * cols);
  act.softmaxBackwardRows(rows, cols, y, dy, dx);
  const f = (xs: Float64Array) => {
    const out = new Float64Array(xs.length);
    softmaxRows(rows, cols, xs, out);
    return out.reduce((s, v, i) => s + v * dy[i], 0);
  };
  const h = 1e-6;
  for (let i = 0; i < x.length; i++) {
    const xp = x.slice();
    xp[i] += h;
    const xm = x.slice();
    xm[i] -= h;
    const numeric = (f(xp) - f(xm)) / (2 * h);
    expect(Math.abs(numeric - dx[i]), `i=${i}: ${dx[i]} vs ${numeric}`).toBeLessThan(1e-7);
  }
});
