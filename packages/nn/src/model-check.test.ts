import { test, expect } from 'bun:test';
import { decodeCheckpoint, encodeCheckpoint } from './checkpoint.ts';
import { duplicateJsonKey } from './json-keys.ts';
import { modelDataMismatch } from './model-check.ts';
import { decodeModel, encodeModel } from './model-file.ts';
import { createModel } from './model.ts';
import { ModelFileError } from './safetensors.ts';
import { defaultCnnSpec, defaultSpec, validateSpec } from './spec.ts';

test('a model or checkpoint with a NaN or infinite value is refused, naming the tensor', () => {
  for (const bad of [NaN, Infinity, -Infinity]) {
    const model = createModel(defaultSpec({ hidden: [5] }), 1);
    model.params[3921] = bad; // 784x5 weights, then the bias: its index 1
    expect(() => decodeModel(encodeModel(model))).toThrow(expect.objectContaining({ constructor: ModelFileError, message: expect.stringMatching(new RegExp(`tensor 0\\.bias holds a non-finite value \\(${bad}\\) at index 1`)) }));
    const cp = encodeCheckpoint({ spec: model.spec, config: {}, epoch: 1, rowsDone: 0, lossSum: 0, history: [], state: { params: model.params, slots: [], steps: 0 } });
    expect(() => decodeCheckpoint(cp)).toThrow(/non-finite value/);
  }
  const fine = createModel(defaultSpec({ hidden: [5] }), 1);
  expect(decodeModel(encodeModel(fine)).model.params).toEqual(fine.params);
});

test('duplicate tensor names (or metadata keys) in a safetensors header are refused', () => {
  const model = createModel(defaultSpec({ hidden: [3] }), 1);
  const bytes = encodeModel(model);
  const len = Number(new DataView(bytes.buffer).getBigUint64(0, true));
  const header = new TextDecoder().decode(bytes.subarray(8, 8 + len));
  // Rename 2.bias (the second dense layer's) to 0.bias: same length, so every offset stays right.
  const twice = header.replace('"2.bias"', '"0.bias"');
  expect(twice).not.toBe(header);
  const forged = new Uint8Array(bytes);
  forged.set(new TextEncoder().encode(twice), 8);
  expect(() => decodeModel(forged)).toThrow(/the header names "0\.bias" twice/);
});

test('duplicateJsonKey finds repeats per object, and ignores strings, arrays and other objects', () => {
  expect(duplicateJsonKey('{"a":1,"b":{"a":2},"c":["a","a"]}')).toBe(null);
  expect(duplicateJsonKey('{"a":1,"b":2 , "a" :3}')).toBe('a');
  expect(duplicateJsonKey('{"x":{"k":"\\"k\\":","k":1}}')).toBe('k');
  expect(duplicateJsonKey('{"q\\"":1,"q\\"":2}')).toBe('q"');
  expect(duplicateJsonKey('{"a":"{\\"a\\":1}","b":"a"}')).toBe(null);
});

test('modelDataMismatch says what does not fit, or null', () => {
  const spec = defaultSpec({ hidden: [4], outputSize: 5 });
  expect(modelDataMismatch(spec, { features: 784, classes: 10 })).toBe('has 5 outputs, the data has 10 classes');
  expect(modelDataMismatch(spec, { features: 1024, classes: 5 })).toBe('takes 784 inputs, the images have 1024 pixels');
  expect(modelDataMismatch(spec, { features: 784, classes: 5 })).toBe(null);
  // More outputs than the data's classes fit (named classes the data does not show); unknown classes are not checked.
  expect(modelDataMismatch(spec, { features: 784, classes: 3 })).toBe(null);
  expect(modelDataMismatch(spec, { features: 784 })).toBe(null);
  expect(modelDataMismatch(spec, { features: 1024 })).toBe('takes 784 inputs, the images have 1024 pixels');
});

test('modelDataMismatch reads any layer list: the input shape and the last layer', () => {
  const cnn = defaultCnnSpec();
  expect(modelDataMismatch(cnn, { features: 784, classes: 10 })).toBe(null);
  expect(modelDataMismatch(cnn, { features: 1024, classes: 10 })).toBe('takes 784 inputs (1x28x28), the images have 1024 pixels');
  const five = validateSpec({ ...cnn, layers: [...cnn.layers.slice(0, -2), { kind: 'dense', out: 5 }, { kind: 'softmax' }] });
  expect(modelDataMismatch(five, { features: 784, classes: 10 })).toBe('has 5 outputs, the data has 10 classes');
  // Under mse the list may end in a dense layer: the count is the same.
  const linear = validateSpec({ ...cnn, layers: cnn.layers.slice(0, -1), loss: 'mse' });
  expect(modelDataMismatch(linear, { features: 784, classes: 10 })).toBe(null);
});
