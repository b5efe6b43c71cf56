import { test } from 'node:test';
import assert from 'node:assert/strict';
import { Rng, maxRelativeError, type GemmFn } from '@dnn/tensor';
import { computeGradients, createWorkspace, fastKernels, loadBatch, referenceKernels, type Kernels } from './network.ts';
import { withSparseFirstLayer } from './sparse-first-layer.ts';
import { initParams } from './init.ts';
import { defaultSpec } from './spec.ts';
import { cpuBackend } from './cpu-backend.ts';
import { fit } from './fit.ts';
import type { Dataset } from './dataset.ts';

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

for (const density of [0.01, 0.19, 1]) {
  test(`one training step with the sparse first layer equals the dense one to float32 rounding (${density * 100}% non-zero)`, () => {
    const data = sparseImages(rows * 3, spec.inputSize, density, 7);
    const fast = counting(fastKernels());
    const alloc = fast.alloc ?? ((n: number) => new Float32Array(n));
    const ws = createWorkspace(spec, rows, alloc);
    const sparse = withSparseFirstLayer(fast, ws.a[0] as Float32Array);
    const params = alloc(initParams(spec, 3).length);
    params.set(initParams(spec, 3));
    const order = Uint32Array.from({ length: data.count }, (_, i) => i);
    for (let b = 0; b < data.count; b += rows) {
      loadBatch(ws, data.x, data.labels, order, b, rows);
      const gDense = alloc(params.length);
      const gSparse = alloc(params.length);
      const denseLoss = computeGradients(ws, params, gDense, rows, fast);
      fast.calls = 0;
      const sparseLoss = computeGradients(ws, params, gSparse, rows, sparse);
      assert.ok(Math.abs(sparseLoss - denseLoss) <= 1e-6 * Math.abs(denseLoss), `loss ${sparseLoss} vs ${denseLoss}`);
      const scale = gDense.reduce((m, v) => Math.max(m, Math.abs(v)), 1e-30);
      assert.ok(maxRelativeError(gSparse, gDense, scale) < 1e-6, `gradients: ${maxRelativeError(gSparse, gDense, scale)}`);
      // Eight GEMMs a step (three forward, three dW, two dX: the first layer has none): the first layer's two
      // leave the dense GEMM only when the batch is sparse enough.
      assert.equal(fast.calls, density < 0.2 ? 6 : 8, `dense GEMM calls at ${density * 100}%`);
    }
  });
}

test('the reference kernels stay as they are (they are the oracle)', () => {
  const ws = createWorkspace(spec, 4);
  assert.equal(withSparseFirstLayer(referenceKernels, ws.a[0] as Float32Array), referenceKernels);
});

test('training through the cpu backend: sparse and dense first layers end with the same loss and accuracy', async () => {
  const data = sparseImages(600, spec.inputSize, 0.19, 9);
  const run = (sparseInput: boolean) =>
    fit(spec, data, { epochs: 2, batchSize: 50, validation: 100, seed: 4, optimizer: { name: 'adam' }, schedule: { name: 'constant', lr: 1e-3, lrEnd: 1e-3 }, backend: cpuBackend({ sparseInput }) });
  const [dense, sparse] = [await run(false), await run(true)];
  for (let e = 0; e < 2; e++) {
    const [d, s] = [dense.history[e], sparse.history[e]];
    // Two epochs of Adam amplify float32 rounding a little; the runs must still agree closely.
    assert.ok(Math.abs(s.trainLoss - d.trainLoss) <= 1e-4 * d.trainLoss, `epoch ${e + 1} loss ${s.trainLoss} vs ${d.trainLoss}`);
    assert.ok(Math.abs(s.validationLoss - d.validationLoss) <= 1e-4 * d.validationLoss, `epoch ${e + 1} validation loss`);
  }
  assert.ok(Math.abs(sparse.validation!.accuracy - dense.validation!.accuracy) <= 0.01);
});
