// The exported graph runs in ONNX Runtime (its WebAssembly build, in Node,
// Bun and Deno alike) and gives dnn's outputs.
import { test, expect } from 'bun:test';
import * as ort from 'onnxruntime-web';
import { Rng } from '@dnn/tensor';
import { encodeOnnx } from './onnx.ts';
import { createModel, predict, type Model } from './model.ts';
import { parseArch } from './arch-syntax.ts';
import { validateSpec, type ActivationName } from './spec.ts';

ort.env.wasm.numThreads = 1;

/** Runs an exported model in ONNX Runtime on `rows` rows of `x`. */
export async function runOnnx(bytes: Uint8Array, x: Float32Array, rows: number, shape = [x.length / rows]): Promise<Float32Array> {
  const session = await ort.InferenceSession.create(bytes);
  try {
    const out = await session.run({ input: new ort.Tensor('float32', x, [rows, ...shape]) });
    return out[session.outputNames[0]].data as Float32Array;
  } finally {
    await session.release();
  }
}

function largestDifference(a: Float32Array, b: Float32Array): number {
  expect(a.length).toBe(b.length);
  let worst = 0;
  for (let i = 0; i < a.length; i++) worst = Math.max(worst, Math.abs(a[i] - b[i]));
  return worst;
}

const cases: { hidden: number[]; activations: ActivationName[]; output: ActivationName }[] = [
  { hidden: [37, 19, 23, 11], activations: ['relu', 'tanh', 'sigmoid', 'lecun-tanh'], output: 'softmax' },
  { hidden: [29, 17, 13], activations: ['leaky-relu', 'elu', 'softplus'], output: 'sigmoid' },
  { hidden: [], activations: [], output: 'linear' },
];

for (const c of cases) {
  test(`ONNX export runs in onnxruntime-web and matches dnn within 1e-5 (${[...c.activations, c.output].join(', ')})`, async () => {
    const spec = validateSpec({ inputSize: 50, hidden: c.hidden, activations: c.activations, outputSize: 7, output: c.output, loss: c.output === 'softmax' ? 'cross-entropy' : 'mse', inputScale: 1 / 255 });
    const model: Model = createModel(spec, 11);
    // Larger weights than the initialisation, so every activation's curve is exercised.
    const rng = new Rng(4);
    model.params.forEach((v, i) => (model.params[i] = v * 3 + (rng.float() - 0.5) * 0.2));
    const rows = 33;
    const x = Float32Array.from({ length: rows * 50 }, () => Math.floor(rng.float() * 256));
    const bytes = encodeOnnx(model, { metadata: { 'dnn.classes': '["a"]' } });
    const got = await runOnnx(bytes, x, rows);
    const want = predict(model, x, rows);
    const worst = largestDifference(got, want);
    expect(worst, `largest difference ${worst}`).toBeLessThan(1e-5);
    expect(want.some((v) => Math.abs(v) > 0.01), 'outputs are not all near zero').toBeTruthy();
  });
}

test('the wrong number of parameters is refused', () => {
  const model = createModel(validateSpec({ inputSize: 4, hidden: [3], activations: ['relu'], outputSize: 2, output: 'softmax', loss: 'cross-entropy', inputScale: 1 }));
  expect(() => encodeOnnx({ ...model, params: model.params.subarray(1) })).toThrow(/parameters/);
});

// Every layer kind: conv (valid, same, stride 2), pool, flatten, dropout, dense, and activations on 4-D values.
const convCases = [
  'conv5x5,relu,pool2,conv7x3same,lecun-tanh,dropout0.3,conv6x3s2,elu,flatten,dense13,leaky-relu,dense10',
  'conv4x3s2,sigmoid,conv3x3same,softplus,pool2,tanh,dense9,linear,dense5',
];
for (const arch of convCases) {
  test(`ONNX export of a CNN takes [N, 1, 28, 28] and matches dnn within 1e-5 on 100 images (${arch})`, async () => {
    const spec = parseArch(arch);
    const model = createModel(spec, 5);
    const rng = new Rng(9);
    model.params.forEach((v, i) => (model.params[i] = v * 2 + (rng.float() - 0.5) * 0.1));
    const rows = 100;
    const x = Float32Array.from({ length: rows * 784 }, () => Math.floor(rng.float() * 256));
    const got = await runOnnx(encodeOnnx(model), x, rows, [1, 28, 28]);
    const want = predict(model, x, rows);
    const worst = largestDifference(got, want);
    expect(worst, `largest difference ${worst}`).toBeLessThan(1e-5);
    expect(new Set(want).size, 'the outputs differ between images').toBeGreaterThan(rows);
  });
}

test('an image model refuses a flat input; the graph declares [N, 1, 28, 28]', async () => {
  const bytes = encodeOnnx(createModel(parseArch('conv2x3,relu,pool2,dense3'), 1));
  await expect(runOnnx(bytes, new Float32Array(2 * 784), 2)).rejects.toThrow(/input|dimension|rank|shape/i);
});
