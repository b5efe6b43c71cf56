import { test } from 'node:test';
import assert from 'node:assert/strict';
import { classNamesProblem, classesFromMetadata, classesMetadata, numberedClasses } from './classes.ts';
import { ModelFileError } from './safetensors.ts';

test('class names round-trip through metadata and are checked against the outputs', () => {
  const names = ['T-shirt/top', 'Trouser', 'Pullover'];
  assert.deepEqual(classesFromMetadata(classesMetadata(names), 3), names);
  assert.equal(classesFromMetadata(classesMetadata(null), 3), null);
  assert.deepEqual(numberedClasses(3), ['0', '1', '2']);
  assert.throws(() => classesFromMetadata(classesMetadata(names), 10), (e: unknown) => e instanceof ModelFileError && /names 3 classes; the model has 10 outputs/.test(e.message));
  assert.throws(() => classesFromMetadata({ 'dnn.classes': '[1,2]' }, 2), /not a list of names/);
  assert.throws(() => classesFromMetadata({ 'dnn.classes': '[' }, 2), /not valid JSON/);
});

test('bad class lists are described', () => {
  assert.match(classNamesProblem(['a'])!, /at least 2/);
  assert.match(classNamesProblem(['a', ' '])!, /class 1 has an empty name/);
  assert.match(classNamesProblem(['a', 'b', 'a'])!, /"a" appears twice/);
  assert.equal(classNamesProblem(['a', 'b']), null);
});
