import { test, expect } from 'bun:test';
import { defaultCnnSpec, defaultSpec, layerShapes, layerSizes, mlpView, validateSpec, SpecError } from './spec.ts';
import { parameterCount, paramLayout } from './layout.ts';
import { initParams } from './init.ts';
import { metricsFromOutputs } from './metrics.ts';

test("the default spec is the seed's network", () => {
  const s = defaultSpec();
  expect(layerSizes(s)).toEqual([784, 400, 200, 10]);
  expect(parameterCount(s)).toBe(784 * 400 + 400 + 400 * 200 + 200 + 200 * 10 + 10);
  const l = paramLayout(s).layers[1];
  expect(l).toEqual({ inputs: 400, outputs: 200, weight: 784 * 400 + 400, bias: 784 * 400 + 400 + 400 * 200 });
  expect(s.layers.map((x) => x.kind)).toEqual(['dense', 'relu', 'dense', 'relu', 'dense', 'softmax']);
  expect(mlpView(s)).toEqual({ inputSize: 784, hidden: [400, 200], activations: ['relu', 'relu'], outputSize: 10, output: 'softmax', loss: 'cross-entropy', inputScale: 1 / 255 });
});

test('bad specs are rejected with the field named', () => {
  const bad: [object, string, RegExp][] = [
    [{ hidden: [400, -1] }, 'hidden', /positive integers/],
    [{ activations: ['relu'] }, 'activations', /one activation per hidden layer \(2\)/],
    [{ activations: ['relu', 'swish'] }, 'activations', /unknown hidden activation "swish"/],
    [{ activations: ['relu', 'softmax'] }, 'activations', /unknown hidden activation "softmax"/],
    [{ output: 'sigmoid' }, 'loss', /cross-entropy needs a softmax output/],
    [{ loss: 'hinge' }, 'loss', /unknown loss/],
    [{ inputScale: 0 }, 'inputScale', /positive number/],
  ];
  for (const [over, field, re] of bad) {
    expect(() => defaultSpec({ ...over }), JSON.stringify(over)).toThrow(expect.objectContaining({ constructor: SpecError, field: field, message: expect.stringMatching(re) }));
  }
  expect(() => validateSpec(null)).toThrow(SpecError);
});

test('He init: zero biases, weight std near sqrt(2 / fan_in), repeatable', () => {
  const s = defaultSpec();
  const p = initParams(s, 1);
  const { layers } = paramLayout(s);
  const w = p.subarray(layers[0].weight, layers[0].bias);
  const std = Math.sqrt(w.reduce((a, v) => a + v * v, 0) / w.length);
  expect(Math.abs(std - Math.sqrt(2 / 784)), `std ${std}`).toBeLessThan(0.002);
  expect(p.subarray(layers[0].bias, layers[1].weight).every((v) => v === 0)).toBeTruthy();
  expect(initParams(s, 1)).toEqual(p);
  expect(initParams(s, 2).subarray(0, 10)).not.toEqual(p.subarray(0, 10));
});

test('metrics: accuracy, per-class accuracy and confusion matrix', () => {
  const spec = defaultSpec({ inputSize: 2, hidden: [], activations: [], outputSize: 3 });
  // Predictions 0, 1, 1, 2 for labels 0, 1, 2, 2.
  const out = Float32Array.of(0.8, 0.1, 0.1, 0.2, 0.7, 0.1, 0.1, 0.6, 0.3, 0.1, 0.1, 0.8);
  const m = metricsFromOutputs(spec, out, [0, 1, 2, 2]);
  expect(m.accuracy).toBe(0.75);
  expect(m.perClassAccuracy).toEqual([1, 1, 0.5]);
  expect(m.confusionMatrix).toEqual([[1, 0, 0], [0, 1, 0], [0, 1, 1]]);
  const expectedLoss = -(Math.log(0.8) + Math.log(0.7) + Math.log(0.3) + Math.log(0.8)) / 4;
  expect(Math.abs(m.loss - expectedLoss)).toBeLessThan(1e-6);
});

test('the shape function: every layer of the default CNN, its output shape and parameters', () => {
  const infos = layerShapes(defaultCnnSpec());
  expect(infos.map((l) => [l.spec.kind, l.outShape, l.params])).toEqual([
      ['conv2d', [16, 24, 24], 16 * 25 + 16],
      ['relu', [16, 24, 24], 0],
      ['maxpool2d', [16, 12, 12], 0],
      ['conv2d', [32, 8, 8], 32 * 16 * 25 + 32],
      ['relu', [32, 8, 8], 0],
      ['maxpool2d', [32, 4, 4], 0],
      ['flatten', [512], 0],
      ['dense', [128], 512 * 128 + 128],
      ['relu', [128], 0],
      ['dense', [10], 1290],
      ['softmax', [10], 0],
    ]);
  expect(parameterCount(defaultCnnSpec())).toBe(416 + 12832 + 65664 + 1290);
  expect(mlpView(defaultCnnSpec())).toBe(null);
  // Padding, stride and odd sizes: same keeps the side (stride 1) or halves it rounding up (stride 2); pools drop odd edges.
  const odd = validateSpec({
    input: { shape: [3, 9, 7], scale: 1 },
    layers: [
      { kind: 'conv2d', out: 4, kernel: 3, stride: 1, padding: 'same' },
      { kind: 'conv2d', out: 5, kernel: 3, stride: 2, padding: 'same' },
      { kind: 'conv2d', out: 2, kernel: 2, stride: 2, padding: 'valid' },
      { kind: 'flatten' },
    ],
    loss: 'mse',
  });
  expect(layerShapes(odd).map((l) => l.outShape)).toEqual([[4, 9, 7], [5, 5, 4], [2, 2, 2], [8]]);
});

test('a layer that does not fit is named', () => {
  const base = defaultCnnSpec();
  const bad: [object[], RegExp][] = [
    [[{ kind: 'dense', out: 10 }, { kind: 'softmax' }], /layer 0 \(dense\) does not fit its input \[1, 28, 28\]: dense needs a flat input; add a flatten/],
    [[{ kind: 'conv2d', out: 4, kernel: 29, stride: 1, padding: 'valid' }, { kind: 'flatten' }, { kind: 'dense', out: 2 }, { kind: 'softmax' }], /layer 0 \(conv2d\).*kernel is larger/],
    [[{ kind: 'flatten' }, { kind: 'maxpool2d' }, { kind: 'dense', out: 2 }, { kind: 'softmax' }], /layer 1 \(maxpool2d\) does not fit its input \[784\]/],
    [[{ kind: 'conv2d', out: 4, kernel: 4, stride: 1, padding: 'same' }], /layer 0 \(conv2d\): 'same' padding needs an odd kernel/],
    [[{ kind: 'conv2d', out: 4, kernel: 3, stride: 3, padding: 'valid' }], /stride must be 1 or 2/],
    [[{ kind: 'flatten' }, { kind: 'softmax' }, { kind: 'dense', out: 2 }, { kind: 'softmax' }], /layer 1: softmax is for the output only/],
    [[{ kind: 'flatten' }, { kind: 'dropout', rate: 1 }, { kind: 'dense', out: 2 }, { kind: 'softmax' }], /layer 1 \(dropout\): rate must be a number in \[0, 1\)/],
    [[{ kind: 'swish' }], /layer 0: unknown kind "swish"/],
    [[{ kind: 'conv2d', out: 4, kernel: 3, stride: 1, padding: 'valid' }, { kind: 'softmax' }], /softmax needs a flat input/],
  ];
  for (const [layers, re] of bad) {
    expect(() => validateSpec({ ...base, layers }), String(re)).toThrow(expect.objectContaining({ constructor: SpecError, field: expect.stringMatching(/^layers/), message: expect.stringMatching(re) }));
  }
  expect(() => validateSpec({ ...base, layers: [{ kind: 'flatten' }, { kind: 'dense', out: 3 }] })).toThrow(/cross-entropy needs a softmax output/);
  expect(() => validateSpec({ ...base, loss: 'mse', layers: [{ kind: 'relu' }] })).toThrow(/end with flatten and dense/);
});
