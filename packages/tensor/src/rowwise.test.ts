import { test, expect } from 'bun:test';
import { addBias, biasRelu, argmaxRows, gatherRows, softmaxRows, sumRows } from './rowwise.ts';

test('addBias and sumRows', () => {
  const x = Float32Array.of(1, 2, 3, 4, 5, 6);
  addBias(2, 3, x, Float32Array.of(10, 20, 30));
  expect([...x]).toEqual([11, 22, 33, 14, 25, 36]);
  const s = Float32Array.of(1, 1, 1);
  sumRows(2, 3, x, s, 0.5, 1);
  expect([...s]).toEqual([13.5, 24.5, 35.5]);
});

test('sumRows equals a column-by-column float64 sum exactly, on awkward sizes and with beta = 0 overwriting NaN', () => {
  let seed = 1;
  const next = () => ((seed = (seed * 1103515245 + 12345) % 2 ** 31) / 2 ** 31) * 2 - 1;
  for (const [rows, cols] of [[1, 1], [37, 13], [100, 400], [3, 1000]]) {
    const x = Float32Array.from({ length: rows * cols }, next);
    const got = new Float32Array(cols).fill(NaN);
    sumRows(rows, cols, x, got, 0.01);
    const want = new Float32Array(cols);
    for (let c = 0; c < cols; c++) {
      let s = 0;
      for (let r = 0; r < rows; r++) s += x[r * cols + c];
      want[c] = 0.01 * s;
    }
    expect([...got], `${rows}x${cols}`).toEqual([...want]);
  }
});

test('softmax rows sum to 1, survive huge logits, and propagate NaN', () => {
  const x = Float32Array.of(1, 2, 3, 1000, 1001, 1002, NaN, 0, 0);
  const p = new Float32Array(9);
  softmaxRows(3, 3, x, p);
  for (let r = 0; r < 2; r++) {
    const row = [...p.subarray(r * 3, r * 3 + 3)];
    expect(Math.abs(row.reduce((a, b) => a + b) - 1)).toBeLessThan(1e-6);
    expect(row[2] > row[1] && row[1] > row[0]).toBeTruthy();
  }
  expect(Math.abs(p[0] - p[3]), 'shift invariant').toBeLessThan(1e-6);
  expect(Number.isNaN(p[6])).toBeTruthy();
});

test('argmax takes the first of ties and ignores NaN', () => {
  const out = new Uint32Array(3);
  argmaxRows(3, 3, Float32Array.of(1, 3, 3, NaN, 0, 2, -5, -1, -9), out);
  expect([...out]).toEqual([1, 2, 1]);
});

test('gatherRows picks and scales rows of bytes', () => {
  const src = Uint8Array.of(0, 255, 10, 20, 30, 40);
  const out = new Float32Array(4);
  gatherRows(src, 2, [2, 0], 0, 2, 1 / 255, out);
  expect([...out]).toEqual([30, 40, 0, 255].map((v) => Math.fround(v * (1 / 255))));
});

test('biasRelu is addBias then relu, in one pass', () => {
  const x = Float32Array.of(-1, 2, 0.5, NaN, -3, 1);
  const y = new Float32Array(6);
  biasRelu(2, 3, x, Float32Array.of(0.5, -3, 0), y);
  expect([...x].map(String)).toEqual(['-0.5', '-1', '0.5', 'NaN', '-6', '1']);
  expect([...y].map(String)).toEqual(['0', '0', '0.5', 'NaN', '0', '1']);
});
