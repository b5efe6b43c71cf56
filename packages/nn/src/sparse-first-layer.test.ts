import { test, expect } from 'bun:test';
import { Rng, maxRelativeError, type GemmFn } from '@dnn/tensor';
import { computeGradients, createWorkspace, loadBatch, type WorkspaceOptions } from './network.ts';
import { fastKernels, referenceKernels, type Kernels } from './kernels.ts';
import { sparseFirstLayerBytes, sparseInputBuffer, withSparseFirstLayer } from './sparse-first-layer.ts';
import { initParams } from './init.ts';
import { defaultCnnSpec, defaultSpec, inputSize, validateSpec, type ModelSpec } from './spec.ts';
import { cpuBackend } from './cpu-backend.ts';
import { fit } from './fit.ts';
import type { Dataset } from './dataset.ts';
import { testKernels } from '../../../test-support/environment.ts';

/** MNIST-like bytes: `density` of the pixels non-zero, the rest exactly 0. */
function sparseImages(count: number, features: number, density: number, seed: number): Dataset {
  const rng = new Rng(seed);
  const x = new Uint8Array(count * features);
  for (let i = 0; i < x.length; i++) if (rng.uniform(0, 1) < density) x[i] = 1 + rng.int(255);
  const labels = Uint8Array.from({ length: count }, () => rng.int(10));
  return { x, labels, count, features, classes: 10 };
}

/** Kernels whose GEMM counts its calls. */
function counting(k: Kernels): Kernels & { calls: number } {
  const out = { ...k, calls: 0 };
  const gemm: GemmFn = (...args) => {
    out.calls++;
    k.gemm(...args);
  };
  return Object.assign(out, { gemm });
}

const spec = defaultSpec({ hidden: [37, 20] });
const rows = 50;

/** A list the fused MLP step does not take: flatten and dropout before the first dense layer. */
const listSpec: ModelSpec = validateSpec({
  input: { shape: [1, 28, 28], scale: 1 / 255 },
  layers: [{ kind: 'flatten' }, { kind: 'dropout', rate: 0.25 }, { kind: 'dense', out: 37 }, { kind: 'relu' }, { kind: 'dense', out: 10 }, { kind: 'softmax' }],
  loss: 'cross-entropy',
});

// Each case: the spec, how the workspace runs it, and the GEMMs of a dense step (forward, dW, dX but the first layer's).
const cases: [string, ModelSpec, WorkspaceOptions, number][] = [
  ['the fused MLP step', spec, {}, 8],
  ['the layer list, first layer dense on the raw input', spec, { fused: false }, 8],
  ['the layer list, dense after flatten and dropout', listSpec, {}, 5],
];

for (const [name, s, options, gemms] of cases) {
  for (const density of [0.01, 0.19, 1]) {
    test(`${name}: one training step with the sparse first layer equals the dense one to float32 rounding (${density * 100}% non-zero)`, () => {
      const data = sparseImages(rows * 3, inputSize(s), density, 7);
      const fast = counting(fastKernels(testKernels));
      const alloc = fast.alloc ?? ((n: number) => new Float32Array(n));
      const ws = createWorkspace(s, rows, alloc, options);
      expect(ws.path).toBe(options.fused === false || s === listSpec ? 'layers' : 'mlp');
      const input = sparseInputBuffer(ws);
      expect(input && input !== ws.a[ws.a.length - 1], 'a buffer the first dense layer reads').toBeTruthy();
      const sparse = withSparseFirstLayer(fast, input);
      const params = alloc(initParams(s, 3).length);
      params.set(initParams(s, 3));
      const order = Uint32Array.from({ length: data.count }, (_, i) => i);
      for (let b = 0; b < data.count; b += rows) {
        loadBatch(ws, data.x, data.labels, order, b, rows);
        const gDense = alloc(params.length);
        const gSparse = alloc(params.length);
        const pass = { seed: 5, step: b / rows + 1 };
        const denseLoss = computeGradients(ws, params, gDense, rows, fast, rows, pass);
        fast.calls = 0;
        const sparseLoss = computeGradients(ws, params, gSparse, rows, sparse, rows, pass);
        expect(Math.abs(sparseLoss - denseLoss), `loss ${sparseLoss} vs ${denseLoss}`).toBeLessThanOrEqual(1e-6 * Math.abs(denseLoss));
        const scale = gDense.reduce((m, v) => Math.max(m, Math.abs(v)), 1e-30);
        expect(maxRelativeError(gSparse, gDense, scale), `gradients: ${maxRelativeError(gSparse, gDense, scale)}`).toBeLessThan(1e-6);
        // The first layer's two products leave the dense GEMM only when the batch is sparse enough.
        expect(fast.calls, `dense GEMM calls at ${density * 100}%`).toBe(density < 0.2 ? gemms - 2 : gemms);
      }
    });
  }
}

test('a list that starts with a convolution has no sparse first layer; the reference kernels stay as they are (the oracle)', () => {
  const cnn = createWorkspace(defaultCnnSpec(), 4);
  expect(sparseInputBuffer(cnn)).toBe(null);
  expect(sparseFirstLayerBytes(defaultCnnSpec(), 4)).toBe(0);
  const fast = fastKernels(testKernels);
  expect(withSparseFirstLayer(fast, null)).toBe(fast);
  const ws = createWorkspace(spec, 4);
  expect(withSparseFirstLayer(referenceKernels, sparseInputBuffer(ws))).toBe(referenceKernels);
  // The arena the sparse kernels need grows with the first dense layer and the rows.
  expect(sparseFirstLayerBytes(spec, 50)).toBeGreaterThan(4 * 37 * 784);
  expect(sparseFirstLayerBytes(spec, 100)).toBeGreaterThan(sparseFirstLayerBytes(spec, 50));
  expect(sparseFirstLayerBytes(listSpec, 50)).toBe(sparseFirstLayerBytes(spec, 50));
});

for (const [name, s] of [['the MLP', spec], ['a layer list', listSpec]] as const) {
  test(`training ${name} through the cpu backend: sparse and dense first layers end with the same loss and accuracy`, async () => {
    const data = sparseImages(600, inputSize(s), 0.19, 9);
    const run = (sparseInput: boolean) =>
      fit(s, data, { epochs: 2, batchSize: 50, validation: 100, seed: 4, optimizer: { name: 'adam' }, schedule: { name: 'constant', lr: 1e-3, lrEnd: 1e-3 }, backend: cpuBackend({ sparseInput }) });
    const [dense, sparse] = [await run(false), await run(true)];
    for (let e = 0; e < 2; e++) {
      const [d, sp] = [dense.history[e], sparse.history[e]];
      // Two epochs of Adam amplify float32 rounding a little; the runs must still agree closely.
      expect(Math.abs(sp.trainLoss - d.trainLoss), `epoch ${e + 1} loss ${sp.trainLoss} vs ${d.trainLoss}`).toBeLessThanOrEqual(1e-4 * d.trainLoss);
      expect(Math.abs(sp.validationLoss - d.validationLoss), `epoch ${e + 1} validation loss`).toBeLessThanOrEqual(1e-4 * d.validationLoss);
    }
    expect(Math.abs(sparse.validation!.accuracy - dense.validation!.accuracy)).toBeLessThanOrEqual(0.01);
  });
}
