import { test } from 'node:test';
import assert from 'node:assert/strict';
import { niceTicks, trainingProfileSvg } from './plot.ts';

const history = [
  { epoch: 1, trainLoss: 0.25, validationLoss: 0.12, validationAccuracy: 0.964 },
  { epoch: 2, trainLoss: 0.09, validationLoss: 0.09, validationAccuracy: 0.972 },
  { epoch: 3, trainLoss: 0.05, validationLoss: 0.08, validationAccuracy: 0.977 },
];

test('nice ticks cover the range with round steps', () => {
  assert.deepEqual(niceTicks(0, 0.25), [0, 0.05, 0.1, 0.15, 0.2, 0.25]);
  assert.deepEqual(niceTicks(1, 10, 10), [1, 2, 3, 4, 5, 6, 7, 8, 9, 10]);
  assert.deepEqual(niceTicks(95, 100), [95, 96, 97, 98, 99, 100]);
  assert.deepEqual(niceTicks(0, 0.53), [0, 0.2, 0.4, 0.6], 'the top tick is at or above the largest value');
});

test('the SVG has the three curves, axes labels and a legend', () => {
  const svg = trainingProfileSvg(history, { title: 'MNIST <test>' });
  assert.match(svg, /^<svg xmlns="http:\/\/www.w3.org\/2000\/svg"/);
  assert.equal((svg.match(/<polyline /g) ?? []).length, 3);
  assert.equal((svg.match(/<circle /g) ?? []).length, 9, 'a point per epoch per curve');
  for (const label of ['training loss', 'validation loss', 'validation accuracy', '>epoch<', '>loss<', 'MNIST &lt;test&gt;']) assert.ok(svg.includes(label), label);
  assert.match(svg, />97%</);
  assert.ok(svg.trim().endsWith('</svg>'));
});

test('one epoch, and NaN validation (no validation split), still render', () => {
  const svg = trainingProfileSvg([{ epoch: 1, trainLoss: 0.3, validationLoss: NaN, validationAccuracy: NaN }]);
  assert.equal((svg.match(/<polyline /g) ?? []).length, 1);
  assert.doesNotMatch(svg, /NaN/);
});
