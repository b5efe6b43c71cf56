import { test, expect } from 'bun:test';
import { Rng } from '@dnn/tensor';
import { activateBackward } from './activation.ts';
import { referenceKernels } from './kernels.ts';
import { paramLayout } from './layout.ts';
import { denseForward, denseParamGradients } from './mlp-step.ts';
import { computeGradients, createWorkspace } from './network.ts';
import { mlpView, validateSpec, type ActivationName, type MlpSpec } from './spec.ts';

// A worker pool may own the first layer's units in slices and the layers after it by rows
// (backend-cpu-workers): these pieces must give the whole network's gradient.
for (const [first, rest] of [
  ['tanh', ['relu']],
  ['relu', []],
  ['softplus', ['sigmoid', 'elu']],
] as [ActivationName, ActivationName[]][]) {
  test(`the first layer in unit slices plus the rest's input gradient give the whole gradient: ${first}, then ${rest.join(',') || 'the output'}`, () => {
    const hidden = [7, 5, 4].slice(0, rest.length + 1);
    const spec = validateSpec({ inputSize: 13, hidden, activations: [first, ...rest], outputSize: 3, output: 'softmax', loss: 'cross-entropy', inputScale: 1 });
    const mlp = mlpView(spec)!;
    const rng = new Rng(5 + rest.length);
    const layout = paramLayout(spec);
    const params = Float64Array.from({ length: layout.size }, () => rng.uniform(-0.8, 0.8));
    const rows = 6;
    const x = Float64Array.from({ length: rows * 13 }, () => rng.uniform(-2, 2));
    const labels = Uint8Array.from({ length: rows }, () => rng.int(3));

    const whole = createWorkspace(spec, rows, Float64Array);
    whole.a[0].set(x);
    (whole as { labels: Uint8Array }).labels.set(labels);
    const want = new Float64Array(layout.size);
    const wantLoss = computeGradients(whole, params, want, rows);

    const { inputs, outputs: units, weight, bias } = layout.layers[0];
    const tailStart = bias + units;
    const got = new Float64Array(layout.size);
    const z = new Float64Array(rows * units);
    const a = new Float64Array(rows * units);
    // Units [0, 3) and [3, 7), each computed alone, then put side by side.
    const slices = [[0, 3], [3, units]];
    for (const [lo, hi] of slices) {
      const n = hi - lo;
      const zs = new Float64Array(rows * n);
      const as = new Float64Array(rows * n);
      denseForward(referenceKernels, first, rows, inputs, n, x, params.subarray(weight + lo * inputs, weight + hi * inputs), params.subarray(bias + lo, bias + hi), zs, as);
      for (let r = 0; r < rows; r++) for (let u = lo; u < hi; u++) [z[r * units + u], a[r * units + u]] = [zs[r * n + u - lo], as[r * n + u - lo]];
    }
    const tailSpec: MlpSpec = { ...mlp, inputSize: units, hidden: mlp.hidden.slice(1), activations: mlp.activations.slice(1), inputScale: 1 };
    const tail = createWorkspace(tailSpec, rows, Float64Array);
    tail.a[0].set(a);
    (tail as { labels: Uint8Array }).labels.set(labels);
    const da = new Float64Array(rows * units);
    const loss = computeGradients(tail, params.subarray(tailStart), got.subarray(tailStart), rows, referenceKernels, rows, { inputGrad: da });
    expect(loss).toBe(wantLoss);
    for (const [lo, hi] of slices) {
      const n = hi - lo;
      const pick = (m: Float64Array) => Float64Array.from({ length: rows * n }, (_, i) => m[Math.floor(i / n) * units + lo + (i % n)]);
      const dz = new Float64Array(rows * n);
      activateBackward(first, rows, n, pick(z), pick(a), pick(da), dz);
      denseParamGradients(referenceKernels, rows, inputs, n, dz, x, got.subarray(weight + lo * inputs, weight + hi * inputs), got.subarray(bias + lo, bias + hi));
    }
    got.forEach((g, i) => expect(Math.abs(g - want[i]), `parameter ${i}: ${g} vs ${want[i]}`).toBeLessThanOrEqual(1e-12 * Math.max(1, Math.abs(want[i]))));
  });
}

test('the input gradient is for the fused MLP step only: a layer list refuses it', () => {
  const spec = validateSpec({ input: { shape: [6], scale: 1 }, layers: [{ kind: 'dense', out: 4 }, { kind: 'dropout', rate: 0.5 }, { kind: 'dense', out: 2 }, { kind: 'softmax' }], loss: 'cross-entropy' });
  const ws = createWorkspace(spec, 2);
  expect(() => computeGradients(ws, new Float32Array(paramLayout(spec).size), new Float32Array(paramLayout(spec).size), 2, referenceKernels, 2, { inputGrad: new Float32Array(12) })).toThrow(/inputGrad is for the fused MLP step only/);
});
