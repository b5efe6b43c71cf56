import { test, expect } from 'bun:test';
import { classNamesProblem, classesFromMetadata, classesMetadata, numberedClasses } from './classes.ts';
import { ModelFileError } from './safetensors.ts';

test('class names round-trip through metadata and are checked against the outputs', () => {
  const names = ['T-shirt/top', 'Trouser', 'Pullover'];
  expect(classesFromMetadata(classesMetadata(names), 3)).toEqual(names);
  expect(classesFromMetadata(classesMetadata(null), 3)).toBe(null);
  expect(numberedClasses(3)).toEqual(['0', '1', '2']);
  expect(() => classesFromMetadata(classesMetadata(names), 10)).toThrow(expect.objectContaining({ constructor: ModelFileError, message: expect.stringMatching(/names 3 classes; the model has 10 outputs/) }));
  expect(() => classesFromMetadata({ 'dnn.classes': '[1,2]' }, 2)).toThrow(/not a list of names/);
  expect(() => classesFromMetadata({ 'dnn.classes': '[' }, 2)).toThrow(/not valid JSON/);
});

test('bad class lists are described', () => {
  expect(classNamesProblem(['a'])!).toMatch(/at least 2/);
  expect(classNamesProblem(['a', ' '])!).toMatch(/class 1 has an empty name/);
  expect(classNamesProblem(['a', 'b', 'a'])!).toMatch(/"a" appears twice/);
  expect(classNamesProblem(['a', 'b'])).toBe(null);
});
