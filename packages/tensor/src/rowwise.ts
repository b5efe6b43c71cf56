/**
 * Row-wise kernels over row-major [rows, cols] matrices: bias add, column
 * sums (the bias gradient), softmax, argmax, and the batch gather that turns
 * stored bytes into scaled float rows.
 * @module
 */
import { exp } from './portable-math.ts';
import type { FloatArray } from './shape.ts';
import { arenaOf } from './wasm/in-arena.ts';

/** x[r, c] += bias[c] for every row. */
export function addBias(rows: number, cols: number, x: FloatArray, bias: FloatArray): void {
  for (let r = 0; r < rows; r++) {
    const o = r * cols;
    for (let c = 0; c < cols; c++) x[o + c] += bias[c];
  }
}

/** The fused forward of a dense layer's tail: x[r, c] += bias[c]; y = max(x, 0) (NaN kept). */
export function biasRelu(rows: number, cols: number, x: FloatArray, bias: FloatArray, y: FloatArray): void {
  const k = rows * cols > 0 && x.length >= rows * cols && y.length >= rows * cols && bias.length >= cols ? arenaOf(x, bias, y) : null;
  if (k) return k.exports.biasRelu(x.byteOffset, bias.byteOffset, y.byteOffset, rows, cols);
  for (let r = 0; r < rows; r++) {
    const o = r * cols;
    for (let c = 0; c < cols; c++) {
      const v = x[o + c] + bias[c];
      x[o + c] = v;
      y[o + c] = v > 0 || v !== v ? v : 0;
    }
  }
}

/** out[c] = alpha * sum over rows of x[r, c] + beta * out[c]. */
export function sumRows(rows: number, cols: number, x: FloatArray, out: FloatArray, alpha = 1, beta = 0): void {
  // Row by row into float64 partial sums (the same additions in the same order as a column
  // loop, so the same result), reading x in memory order rather than a row's width apart.
  // A fresh buffer per call (one small allocation beside rows * cols additions): no state outlives the call.
  const s = new Float64Array(cols);
  for (let r = 0; r < rows; r++) {
    const o = r * cols;
    for (let c = 0; c < cols; c++) s[c] += x[o + c];
  }
  for (let c = 0; c < cols; c++) out[c] = beta === 0 ? alpha * s[c] : alpha * s[c] + beta * out[c];
}

/** Row-wise softmax, stable (the row maximum is subtracted first). */
export function softmaxRows(rows: number, cols: number, x: FloatArray, out: FloatArray): void {
  for (let r = 0; r < rows; r++) {
    const o = r * cols;
    let max = -Infinity;
    for (let c = 0; c < cols; c++) if (x[o + c] > max) max = x[o + c];
    // A row of -Infinity (or NaN) has no meaningful max: let NaN propagate.
    if (max === -Infinity) max = 0;
    let sum = 0;
    for (let c = 0; c < cols; c++) {
      const e = exp(x[o + c] - max);
      out[o + c] = e;
      sum += e;
    }
    for (let c = 0; c < cols; c++) out[o + c] /= sum;
  }
}

/** Index of the largest value of each row (the first on ties; NaN never wins). */
export function argmaxRows(rows: number, cols: number, x: FloatArray, out: Uint32Array | number[]): void {
  for (let r = 0; r < rows; r++) {
    const o = r * cols;
    let best = 0;
    let bestV = -Infinity;
    for (let c = 0; c < cols; c++) {
      if (x[o + c] > bestV) {
        bestV = x[o + c];
        best = c;
      }
    }
    out[r] = best;
  }
}

/**
 * Copies rows `indices[start..start+rows)` of `source` (row length `cols`)
 * into `out`, multiplied by `scale`. Datasets stay as bytes; this makes the
 * float batch.
 */
export function gatherRows(
  source: Uint8Array | FloatArray,
  cols: number,
  indices: ArrayLike<number>,
  start: number,
  rows: number,
  scale: number,
  out: FloatArray,
): void {
  for (let r = 0; r < rows; r++) {
    const src = indices[start + r] * cols;
    const dst = r * cols;
    for (let c = 0; c < cols; c++) out[dst + c] = source[src + c] * scale;
  }
}
