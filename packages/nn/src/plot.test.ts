import { test, expect } from 'bun:test';
import { niceTicks, trainingProfileSvg } from './plot.ts';

const history = [
  { epoch: 1, trainLoss: 0.25, validationLoss: 0.12, validationAccuracy: 0.964 },
  { epoch: 2, trainLoss: 0.09, validationLoss: 0.09, validationAccuracy: 0.972 },
  { epoch: 3, trainLoss: 0.05, validationLoss: 0.08, validationAccuracy: 0.977 },
];

test('nice ticks cover the range with round steps', () => {
  expect(niceTicks(0, 0.25)).toEqual([0, 0.05, 0.1, 0.15, 0.2, 0.25]);
  expect(niceTicks(1, 10, 10)).toEqual([1, 2, 3, 4, 5, 6, 7, 8, 9, 10]);
  expect(niceTicks(95, 100)).toEqual([95, 96, 97, 98, 99, 100]);
  expect(niceTicks(0, 0.53), 'the top tick is at or above the largest value').toEqual([0, 0.2, 0.4, 0.6]);
});

test('the SVG has the three curves, axes labels and a legend', () => {
  const svg = trainingProfileSvg(history, { title: 'MNIST <test>' });
  expect(svg).toMatch(/^<svg xmlns="http:\/\/www.w3.org\/2000\/svg"/);
  expect((svg.match(/<polyline /g) ?? []).length).toBe(3);
  expect((svg.match(/<circle /g) ?? []).length, 'a point per epoch per curve').toBe(9);
  for (const label of ['training loss', 'validation loss', 'validation accuracy', '>epoch<', '>loss<', 'MNIST &lt;test&gt;']) expect(svg.includes(label), label).toBeTruthy();
  expect(svg).toMatch(/>97%</);
  expect(svg.trim().endsWith('</svg>')).toBeTruthy();
});

test('one epoch, and NaN validation (no validation split), still render', () => {
  const svg = trainingProfileSvg([{ epoch: 1, trainLoss: 0.3, validationLoss: NaN, validationAccuracy: NaN }]);
  expect((svg.match(/<polyline /g) ?? []).length).toBe(1);
  expect(svg).not.toMatch(/NaN/);
});
