import { test } from 'node:test';
import assert from 'node:assert/strict';
import { defaultCnnSpec, defaultSpec, paramLayout, validateSpec } from '@dnn/nn';
import { splitPlan } from './split-plan.ts';

test('the default MLP splits its first layer: 400 units of 784 inputs, the rest after b1', () => {
  const spec = defaultSpec();
  const plan = splitPlan(spec)!;
  assert.ok(plan);
  assert.deepEqual([plan.inputs, plan.units, plan.weight, plan.bias, plan.act], [784, 400, 0, 784 * 400, 'relu']);
  assert.equal(plan.tailStart, 784 * 400 + 400);
  assert.deepEqual([plan.tail.inputSize, plan.tail.hidden, plan.tail.outputSize, plan.tail.inputScale], [400, [200], 10, 1]);
  assert.equal(paramLayout(spec).size - plan.tailStart, 400 * 200 + 200 + 200 * 10 + 10, 'the rest is the last two layers');
});

test('networks the plan does not fit train data-parallel (no plan)', () => {
  assert.equal(splitPlan(defaultCnnSpec()), null, 'a CNN');
  const mlp = (hidden: number[], activations: string[]) =>
    validateSpec({ inputSize: 6, hidden, activations, outputSize: 3, output: 'softmax', loss: 'cross-entropy', inputScale: 1 });
  assert.equal(splitPlan(mlp([], [])), null, 'no hidden layer');
  assert.ok(splitPlan(mlp([5], ['tanh'])), 'one hidden layer');
  const dropout = validateSpec({ input: { shape: [6], scale: 1 }, layers: [{ kind: 'dense', out: 4 }, { kind: 'relu' }, { kind: 'dropout', rate: 0.5 }, { kind: 'dense', out: 3 }, { kind: 'softmax' }], loss: 'cross-entropy' });
  assert.equal(splitPlan(dropout), null, 'dropout between the layers');
});
