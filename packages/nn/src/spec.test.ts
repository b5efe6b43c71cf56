import { test } from 'node:test';
import assert from 'node:assert/strict';
import { defaultSpec, layerSizes, validateSpec, SpecError } from './spec.ts';
import { parameterCount, paramLayout } from './layout.ts';
import { initParams } from './init.ts';
import { metricsFromOutputs } from './metrics.ts';

test("the default spec is the seed's network", () => {
  const s = defaultSpec();
  assert.deepEqual(layerSizes(s), [784, 400, 200, 10]);
  assert.equal(parameterCount(s), 784 * 400 + 400 + 400 * 200 + 200 + 200 * 10 + 10);
  const l = paramLayout(s).layers[1];
  assert.deepEqual(l, { inputs: 400, outputs: 200, weight: 784 * 400 + 400, bias: 784 * 400 + 400 + 400 * 200 });
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
    assert.throws(
      () => validateSpec({ ...defaultSpec(), ...over }),
      (e: unknown) => e instanceof SpecError && e.field === field && re.test(e.message),
      JSON.stringify(over),
    );
  }
  assert.throws(() => validateSpec(null), SpecError);
});

test('He init: zero biases, weight std near sqrt(2 / fan_in), repeatable', () => {
  const s = defaultSpec();
  const p = initParams(s, 1);
  const { layers } = paramLayout(s);
  const w = p.subarray(layers[0].weight, layers[0].bias);
  const std = Math.sqrt(w.reduce((a, v) => a + v * v, 0) / w.length);
  assert.ok(Math.abs(std - Math.sqrt(2 / 784)) < 0.002, `std ${std}`);
  assert.ok(p.subarray(layers[0].bias, layers[1].weight).every((v) => v === 0));
  assert.deepEqual(initParams(s, 1), p);
  assert.notDeepEqual(initParams(s, 2).subarray(0, 10), p.subarray(0, 10));
});

test('metrics: accuracy, per-class accuracy and confusion matrix', () => {
  const spec = validateSpec({ ...defaultSpec(), inputSize: 2, hidden: [], activations: [], outputSize: 3 });
  // Predictions 0, 1, 1, 2 for labels 0, 1, 2, 2.
  const out = Float32Array.of(0.8, 0.1, 0.1, 0.2, 0.7, 0.1, 0.1, 0.6, 0.3, 0.1, 0.1, 0.8);
  const m = metricsFromOutputs(spec, out, [0, 1, 2, 2]);
  assert.equal(m.accuracy, 0.75);
  assert.deepEqual(m.perClassAccuracy, [1, 1, 0.5]);
  assert.deepEqual(m.confusionMatrix, [[1, 0, 0], [0, 1, 0], [0, 1, 1]]);
  const expectedLoss = -(Math.log(0.8) + Math.log(0.7) + Math.log(0.3) + Math.log(0.8)) / 4;
  assert.ok(Math.abs(m.loss - expectedLoss) < 1e-6);
});
