import { test, expect } from 'bun:test';
import { defaultCnnSpec, defaultSpec, paramLayout, validateSpec } from '@dnn/nn';
import { splitPlan } from './split-plan.ts';

test('the default MLP splits its first layer: 400 units of 784 inputs, the rest after b1', () => {
  const spec = defaultSpec();
  const plan = splitPlan(spec)!;
  expect(plan).toBeTruthy();
  expect([plan.inputs, plan.units, plan.weight, plan.bias, plan.act]).toEqual([784, 400, 0, 784 * 400, 'relu']);
  expect(plan.tailStart).toBe(784 * 400 + 400);
  expect([plan.tail.inputSize, plan.tail.hidden, plan.tail.outputSize, plan.tail.inputScale]).toEqual([400, [200], 10, 1]);
  expect(paramLayout(spec).size - plan.tailStart, 'the rest is the last two layers').toBe(400 * 200 + 200 + 200 * 10 + 10);
});

test('networks the plan does not fit train data-parallel (no plan)', () => {
  expect(splitPlan(defaultCnnSpec()), 'a CNN').toBe(null);
  const mlp = (hidden: number[], activations: string[]) =>
    validateSpec({ inputSize: 6, hidden, activations, outputSize: 3, output: 'softmax', loss: 'cross-entropy', inputScale: 1 });
  expect(splitPlan(mlp([], [])), 'no hidden layer').toBe(null);
  expect(splitPlan(mlp([5], ['tanh'])), 'one hidden layer').toBeTruthy();
  const dropout = validateSpec({ input: { shape: [6], scale: 1 }, layers: [{ kind: 'dense', out: 4 }, { kind: 'relu' }, { kind: 'dropout', rate: 0.5 }, { kind: 'dense', out: 3 }, { kind: 'softmax' }], loss: 'cross-entropy' });
  expect(splitPlan(dropout), 'dropout between the layers').toBe(null);
});
