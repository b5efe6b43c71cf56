import { test, expect } from 'bun:test';
import { ArchError, formatArch, parseArch } from './arch-syntax.ts';
import { defaultCnnSpec, defaultSpec, mlpView } from './spec.ts';

test('the issue example parses to the default CNN (flatten and softmax added)', () => {
  const spec = parseArch('conv16x5,relu,pool2,conv32x5,relu,pool2,dense128,relu,dense10');
  expect(spec).toEqual(defaultCnnSpec());
  expect(parseArch('cnn')).toEqual(defaultCnnSpec());
  expect(formatArch(spec)).toBe('conv16x5,relu,pool2,conv32x5,relu,pool2,flatten,dense128,relu,dense10,softmax');
  expect(parseArch(formatArch(spec)), 'formatArch round-trips').toEqual(spec);
});

test('stride, padding, dropout and activations', () => {
  const spec = parseArch('conv8x3same, elu, conv4x3s2same, pool2, dropout0.25, dense7, tanh, dense3', { loss: 'mse' });
  expect(spec.layers).toEqual([
    { kind: 'conv2d', out: 8, kernel: 3, stride: 1, padding: 'same' },
    { kind: 'elu' },
    { kind: 'conv2d', out: 4, kernel: 3, stride: 2, padding: 'same' },
    { kind: 'maxpool2d' },
    { kind: 'dropout', rate: 0.25 },
    { kind: 'flatten' },
    { kind: 'dense', out: 7 },
    { kind: 'tanh' },
    { kind: 'dense', out: 3 },
  ]);
});

test('an MLP in the syntax is an MLP (the fused step applies)', () => {
  const spec = parseArch('mlp');
  expect(mlpView(spec)).toEqual(mlpView(defaultSpec()));
  expect(spec.layers[0].kind).toBe('flatten');
});

test('bad lists name the part at fault', () => {
  const bad: [string, RegExp][] = [
    ['conv16', /"conv16" is not a layer/],
    ['dense10,,relu', /empty layer/],
    ['conv16x30,dense10', /layer 0 \(conv2d\) does not fit its input \[1, 28, 28\]: the 30x30 kernel is larger/],
    ['conv4x4same,dense10', /'same' padding needs an odd kernel/],
    ['dense10,pool2', /layer 2 \(maxpool2d\) does not fit its input \[10\]/],
    ['relu,softmax,dense3', /softmax is for the output only/],
    ['dropout1.5,dense3', /"dropout1.5" is not a layer/],
  ];
  for (const [text, re] of bad) expect(() => parseArch(text), text).toThrow(expect.objectContaining({ constructor: ArchError, message: expect.stringMatching(re) }));
});
