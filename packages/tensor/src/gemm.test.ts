import { test, expect } from 'bun:test';
import { gemm } from './gemm.ts';

// Hand-worked: A = [[1,2,3],[4,5,6]] (2x3), B = [[1,0],[0,1],[1,1]] (3x2).
const A = Float32Array.of(1, 2, 3, 4, 5, 6);
const B = Float32Array.of(1, 0, 0, 1, 1, 1);
const AB = [4, 5, 10, 11];

function transpose(x: Float32Array, rows: number, cols: number): Float32Array {
  const t = new Float32Array(x.length);
  for (let r = 0; r < rows; r++) for (let c = 0; c < cols; c++) t[c * rows + r] = x[r * cols + c];
  return t;
}

test('gemm computes a hand-worked product for all four transpose forms', () => {
  for (const ta of [false, true]) {
    for (const tb of [false, true]) {
      const a = ta ? transpose(A, 2, 3) : A;
      const b = tb ? transpose(B, 3, 2) : B;
      const c = new Float32Array(4);
      gemm(ta, tb, 2, 2, 3, 1, a, b, 0, c);
      expect([...c], `transA=${ta} transB=${tb}`).toEqual(AB);
    }
  }
});

test('gemm applies alpha and beta, and beta = 0 overwrites NaN', () => {
  const c = Float32Array.of(1, 1, 1, NaN);
  gemm(false, false, 2, 2, 3, 2, A, B, 0.5, c);
  expect([...c].slice(0, 3)).toEqual([8.5, 10.5, 20.5]);
  expect(Number.isNaN(c[3]), 'beta 0.5 keeps NaN').toBeTruthy();
  const d = Float32Array.of(NaN, NaN, NaN, NaN);
  gemm(false, false, 2, 2, 3, 1, A, B, 0, d);
  expect([...d]).toEqual(AB);
});

test('gemm rejects arrays too short for the sizes', () => {
  expect(() => gemm(false, false, 2, 2, 3, 1, A.subarray(0, 5), B, 0, new Float32Array(4))).toThrow(/A has 5 elements/);
  expect(() => gemm(false, false, 2, 2, 3, 1, A, B, 0, new Float32Array(3))).toThrow(/C has 3/);
});

test('gemm with k = 0 gives beta * C', () => {
  const c = Float32Array.of(2, 4);
  gemm(false, false, 1, 2, 0, 1, new Float32Array(0), new Float32Array(0), 0.5, c);
  expect([...c]).toEqual([1, 2]);
});
