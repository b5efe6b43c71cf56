import { test, expect } from 'bun:test';
import { createFastGemm, detectSharedSimd, maxRelativeError, randomArray, Rng, SharedKernels, type FloatArray } from '@dnn/tensor';
import { referenceKernels } from '../kernels.ts';
import { createLayersWorkspace, layersGradients } from '../sequence.ts';
import { layerShapes, validateSpec, type LayerSpec, type LossName, type ModelSpec } from '../spec.ts';
import { dropoutKeeps } from './dropout.ts';
import type { LayerPass } from './layer.ts';
import { fastLayers, referenceLayers } from './tables.ts';
import { testKernels } from '../../../../test-support/environment.ts';

const conv = (out: number, kernel: number, stride: 1 | 2 = 1, padding: 'valid' | 'same' = 'valid'): LayerSpec => ({ kind: 'conv2d', out, kernel, stride, padding });

/** Networks that put every kind, padding and stride between layers with parameters, on awkward sizes. */
const cases: [string, number[], LayerSpec[], LossName][] = [
  ['conv valid stride 1, tanh, pool (odd sides)', [2, 7, 6], [conv(3, 3), { kind: 'tanh' }, { kind: 'maxpool2d' }, { kind: 'flatten' }, { kind: 'dense', out: 4 }, { kind: 'softmax' }], 'cross-entropy'],
  ['conv same stride 2, conv valid stride 2, elu', [3, 8, 7], [conv(4, 3, 2, 'same'), { kind: 'elu' }, conv(2, 2, 2), { kind: 'sigmoid' }, { kind: 'flatten' }, { kind: 'dense', out: 3 }, { kind: 'sigmoid' }], 'mse'],
  ['conv same stride 1 (5x5), softplus, pool, conv, relu', [1, 9, 9], [conv(3, 5, 1, 'same'), { kind: 'softplus' }, { kind: 'maxpool2d' }, conv(5, 3), { kind: 'leaky-relu' }, { kind: 'flatten' }, { kind: 'dense', out: 3 }, { kind: 'softmax' }], 'cross-entropy'],
  ['dense, dropout, lecun-tanh, linear', [5], [{ kind: 'dense', out: 7 }, { kind: 'dropout', rate: 0.4 }, { kind: 'lecun-tanh' }, { kind: 'dense', out: 4 }, { kind: 'linear' }, { kind: 'dense', out: 3 }, { kind: 'tanh' }], 'mse'],
  ['maxpool straight after the input, softmax under mse', [3, 6, 5], [{ kind: 'maxpool2d' }, conv(2, 2), { kind: 'flatten' }, { kind: 'dense', out: 3 }, { kind: 'softmax' }], 'mse'],
  ['conv, dropout on images, relu, dense straight to softmax', [2, 5, 5], [conv(3, 2), { kind: 'dropout', rate: 0.25 }, { kind: 'relu' }, { kind: 'flatten' }, { kind: 'dense', out: 3 }, { kind: 'softmax' }], 'cross-entropy'],
];

for (const [name, shape, layers, loss] of cases) {
  test(`layer gradients match float64 finite differences: ${name}`, () => {
    const spec = validateSpec({ input: { shape, scale: 0.5 }, layers, loss });
    const size = layerShapes(spec).reduce((s, l) => s + l.params, 0);
    const rng = new Rng(shape.length * 31 + layers.length);
    const params = Float64Array.from({ length: size }, () => rng.uniform(-0.7, 0.7));
    const rows = 3;
    const ws = createLayersWorkspace(spec, rows, Float64Array);
    const x = Float64Array.from({ length: rows * ws.inputSize }, () => rng.uniform(-2, 2));
    const labels = [2, 0, 1];
    const pass = { seed: 5, step: 3 };
    const run = (g: Float64Array) => {
      ws.a[0].set(x);
      labels.forEach((l, i) => (ws.labels[i] = l));
      return layersGradients(ws, params, g, rows, referenceKernels, rows, pass) / rows;
    };
    const grads = new Float64Array(size);
    run(grads);
    const h = 1e-6;
    for (let i = 0; i < size; i++) {
      const keep = params[i];
      params[i] = keep + h;
      const up = run(new Float64Array(size));
      params[i] = keep - h;
      const down = run(new Float64Array(size));
      params[i] = keep;
      const numeric = (up - down) / (2 * h);
      expect(Math.abs(numeric - grads[i]), `param ${i}: analytic ${grads[i]}, numeric ${numeric}`).toBeLessThan(1e-6 * Math.max(1, Math.abs(numeric)));
    }
    expect(grads.some((g) => g !== 0), 'some gradient is non-zero').toBeTruthy();
  });
}

/**
 * One layer's pass over random data, with the given table and GEMM; `arena`
 * puts every buffer in a WebAssembly arena, where the fast table's memory
 * passes run in WebAssembly SIMD (plain arrays run their loops).
 */
function runLayer(spec: ModelSpec, index: number, rows: number, fast: boolean, seed: number, arena = false) {
  const infos = layerShapes(spec);
  const info = infos[index];
  const rng = new Rng(seed);
  const size = infos.reduce((s, l) => s + l.params, 0);
  const params = randomArray(rng, size);
  const x = randomArray(rng, rows * info.inSize, -2, 2);
  const dy = randomArray(rng, rows * info.outSize);
  const table = fast ? fastLayers : referenceLayers;
  const kernel = table[info.spec.kind];
  const shared = arena ? SharedKernels.create(undefined, { inPlace: testKernels.simd !== 'off' }) : null;
  const make = (n: number, from?: Float32Array) => {
    const a = shared ? shared.alloc(n) : new Float32Array(n);
    if (from) a.set(from);
    else a.fill(NaN);
    return a;
  };
  const scratch = (kernel.scratchFloats?.(info, rows, true) ?? []).map((n) => make(n));
  const grads = make(size);
  const gemm = shared ? shared.gemm : fast ? createFastGemm(testKernels).gemm : referenceKernels.gemm;
  const p: LayerPass = { info, rows, params: make(size, params), grads, gemm, training: true, seed: 9, step: 2, rowOffset: 4, scratch };
  const y = make(rows * info.outSize);
  const dx = make(rows * info.inSize);
  kernel.forward(p, make(x.length, x), y);
  kernel.backward(p, make(x.length, x), y, make(dy.length, dy), dx);
  const own = info.weight ? grads.subarray(info.weight.offset, info.weight.offset + info.params) : new Float32Array(0);
  return { y, dx, grads: own };
}

/** Name, input shape, layer, and the tolerance (float32 sums of 400 products round further than of 25). */
const fastCases: [string, number[], LayerSpec, number?][] = [
  ['conv 3x3 valid', [3, 11, 9], conv(5, 3)],
  ['conv 5x5 same', [2, 7, 13], conv(4, 5, 1, 'same')],
  ['conv 3x3 same stride 2', [4, 9, 8], conv(3, 3, 2, 'same')],
  ['conv 4x4 valid stride 2', [1, 10, 11], conv(7, 4, 2)],
  ['conv 1x1', [6, 5, 3], conv(2, 1)],
  ['conv 5x5 valid, 16 channels in (the default CNN\'s second)', [16, 12, 12], conv(32, 5), 5e-5],
  // 400 x 256 floats of col per image: chunks of 2 images (CHUNK_FLOATS), so batches of 3 and 7 end in a short one.
  ['conv 5x5 valid on 16x20x20, in chunks of 2 images', [16, 20, 20], conv(4, 5), 5e-5],
  ['maxpool odd sides', [3, 7, 9], { kind: 'maxpool2d' }],
  ['maxpool 24x24 (SIMD windows)', [16, 24, 24], { kind: 'maxpool2d' }],
  ['dense', [33], { kind: 'dense', out: 7 }],
];

for (const [name, shape, layer, tolerance = 1e-5] of fastCases) {
  test(`fast kernel matches the reference: ${name}, batches of 1, 3 and 7`, () => {
    const spec = validateSpec({ input: { shape, scale: 1 }, layers: [layer, ...(shape.length === 3 ? [{ kind: 'flatten' } as const] : [])], loss: 'mse' });
    for (const rows of [1, 3, 7]) {
      const ref = runLayer(spec, 0, rows, false, rows);
      const fast = runLayer(spec, 0, rows, true, rows);
      // In a WebAssembly arena: the memory passes in WebAssembly SIMD (the TypeScript loops under DNN_SIMD=off).
      const inArena = detectSharedSimd() === 'none' ? null : runLayer(spec, 0, rows, true, rows, true);
      for (const part of ['y', 'dx', 'grads'] as const) {
        const e = maxRelativeError(fast[part], ref[part]);
        expect(e, `${part}, ${rows} rows: relative error ${e}`).toBeLessThan(tolerance);
        const ea = inArena ? maxRelativeError(inArena[part], ref[part]) : 0;
        expect(ea, `${part}, ${rows} rows, arena: relative error ${ea}`).toBeLessThan(tolerance);
      }
      expect(!ref.dx.some(Number.isNaN) && !ref.y.some(Number.isNaN), 'every output written').toBeTruthy();
    }
  });
}

test('dropout: a counter-based mask, repeatable, the same for any split of the batch, inverted scaling', () => {
  const spec = validateSpec({ input: { shape: [50], scale: 1 }, layers: [{ kind: 'dropout', rate: 0.3 }], loss: 'mse' });
  const info = layerShapes(spec)[0];
  const x = new Float32Array(8 * 50).fill(1);
  const pass = (rows: number, rowOffset: number, training = true): LayerPass => ({
    info, rows, params: new Float32Array(0), grads: new Float32Array(0), gemm: referenceKernels.gemm, training, seed: 11, step: 7, rowOffset, scratch: [],
  });
  const whole = new Float32Array(8 * 50);
  referenceLayers.dropout.forward(pass(8, 0), x, whole);
  const kept = whole.filter((v) => v !== 0);
  expect(kept.every((v) => Math.abs(v - 1 / 0.7) < 1e-6), 'kept values scaled by 1 / (1 - rate)').toBeTruthy();
  expect(Math.abs(kept.length / whole.length - 0.7), `kept ${kept.length} of ${whole.length}`).toBeLessThan(0.08);
  // A worker with rows 3..7 of the batch computes the same mask for them.
  const part = new Float32Array(5 * 50);
  referenceLayers.dropout.forward(pass(5, 3), x.subarray(150), part);
  expect(part).toEqual(whole.subarray(150));
  const again = new Float32Array(8 * 50);
  referenceLayers.dropout.forward(pass(8, 0), x, again);
  expect(again).toEqual(whole);
  expect(dropoutKeeps(11, 7, 0, 5, 0.5) === dropoutKeeps(11, 8, 0, 5, 0.5) && dropoutKeeps(11, 7, 0, 6, 0.5) === dropoutKeeps(11, 8, 0, 6, 0.5) && dropoutKeeps(11, 7, 0, 9, 0.5) === dropoutKeeps(11, 8, 0, 9, 0.5) && dropoutKeeps(11, 7, 0, 12, 0.5) === dropoutKeeps(11, 8, 0, 12, 0.5), 'another step, another mask').not.toBe(true);
  const inference = new Float32Array(8 * 50);
  referenceLayers.dropout.forward(pass(8, 0, false), x, inference);
  expect(inference.every((v) => v === 1), 'inference passes through').toBeTruthy();
});

test('a dense-only list gives the same gradients layer by layer as the fused MLP step', async () => {
  const { createWorkspace, computeGradients } = await import('../network.ts');
  const { defaultSpec } = await import('../spec.ts');
  const { initParams } = await import('../init.ts');
  const spec = defaultSpec({ inputSize: 13, hidden: [9, 6], activations: ['relu', 'elu'], outputSize: 4 });
  const params = initParams(spec, 3);
  const rng = new Rng(4);
  const x = randomArray(rng, 5 * 13, 0, 1);
  const grads = (fused: boolean): FloatArray => {
    const ws = createWorkspace(spec, 5, Float32Array, { fused });
    expect(ws.path).toBe(fused ? 'mlp' : 'layers');
    ws.a[0].set(x);
    [1, 3, 0, 2, 1].forEach((l, i) => (ws.labels[i] = l));
    const g = new Float32Array(params.length);
    computeGradients(ws, params, g, 5);
    return g;
  };
  expect(maxRelativeError(grads(false), grads(true))).toBeLessThan(1e-5);
});

test('whole networks: the fast table (fused ReLUs, im2col, GEMM) gives the reference gradients', async () => {
  const { initParams } = await import('../init.ts');
  const { fastKernels } = await import('../kernels.ts');
  const spec = validateSpec({
    input: { shape: [2, 13, 12], scale: 1 / 255 },
    layers: [
      conv(6, 5), { kind: 'relu' }, { kind: 'maxpool2d' },
      conv(5, 3, 2, 'same'), { kind: 'relu' }, { kind: 'dropout', rate: 0.2 },
      { kind: 'flatten' }, { kind: 'dense', out: 11 }, { kind: 'relu' }, { kind: 'dense', out: 9 }, { kind: 'relu' }, { kind: 'dense', out: 4 }, { kind: 'softmax' },
    ],
    loss: 'cross-entropy',
  });
  const params = initParams(spec, 6);
  const rng = new Rng(8);
  const rows = 7;
  const x = randomArray(rng, rows * 2 * 13 * 12, 0, 255);
  const run = (fast: boolean, arena = false) => {
    // fastKernels() allocates in its WebAssembly arena (with DNN_SIMD=off too, computing with the loops).
    const kernels = fast ? fastKernels(testKernels) : referenceKernels;
    const ws = createLayersWorkspace(spec, rows, arena && kernels.alloc ? kernels.alloc : Float32Array);
    for (let i = 0; i < x.length; i++) ws.a[0][i] = x[i] / 255;
    for (let r = 0; r < rows; r++) ws.labels[r] = r % 4;
    const grads = arena && kernels.alloc ? kernels.alloc(params.length) : new Float32Array(params.length);
    const p = arena && kernels.alloc ? kernels.alloc(params.length) : new Float32Array(params.length);
    p.set(params);
    const loss = layersGradients(ws, p, grads, rows, kernels, rows, { seed: 3, step: 1 });
    return { loss, grads, out: Float32Array.from(ws.a[ws.a.length - 1].subarray(0, rows * 4)) };
  };
  const ref = run(false);
  for (const fast of [run(true), run(true, true)]) {
    expect(Math.abs(fast.loss - ref.loss) / ref.loss, `loss ${fast.loss} vs ${ref.loss}`).toBeLessThan(1e-5);
    expect(maxRelativeError(fast.out, ref.out)).toBeLessThan(1e-5);
    const e = maxRelativeError(fast.grads, ref.grads, 1e-3);
    expect(e, `gradients differ by ${e}`).toBeLessThan(1e-4);
  }
});

test('the im2col conv cuts a batch into chunks of CHUNK_FLOATS of col (the chunked case above has several)', async () => {
  const { chunkRows, CHUNK_FLOATS } = await import('./conv2d-im2col.ts');
  const spec = validateSpec({ input: { shape: [16, 20, 20], scale: 1 }, layers: [conv(4, 5), { kind: 'flatten' }], loss: 'mse' });
  const info = layerShapes(spec)[0];
  expect(chunkRows(info, 7)).toBe(Math.floor(CHUNK_FLOATS / (400 * 256)));
  expect(chunkRows(info, 7)).toBe(2);
  expect(chunkRows(info, 1)).toBe(1);
});
