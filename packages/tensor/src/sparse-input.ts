/**
 * Products with an input that is mostly exact zeros: a first layer's
 * `X W^T` and `dZ^T X` when X holds MNIST pixels (81% zero). `index` lists
 * each row's non-zero columns once per batch; `forward` then adds, per row,
 * only those rows of W^T, and `weightGrad` only those columns of dW. A zero
 * skipped changes no sum, so the results equal the dense GEMM's to float32
 * rounding. (One exception, by design: an Inf or NaN weight times a zero
 * input gives NaN in the dense product and is skipped here.)
 *
 * This file is the interface, the plain TypeScript implementation (the
 * fallback, and readable); `wasm/sparse-wasm.ts` has the WebAssembly SIMD
 * one, and `createSparseInput` (kernels.ts) picks between them.
 *
 * @example
 * const sparse = createSparseInput();
 * if (sparse.index(x, rows, 784, 0.4)) sparse.forward(x, w, 400, z); // else a dense GEMM
 * @module
 */
export interface SparseInput {
  /** Which implementation: `wasm-relaxed`, `wasm-simd` or `typescript`. */
  readonly path: string;
  /**
   * The density below which this path beats the dense GEMM of the same kind
   * (measured on the first layer of 784-400-200-10 at batch 100: the break-even
   * is near 40% for WebAssembly, 27% for TypeScript; these keep a margin).
   */
  readonly breakEven: number;
  /**
   * Lists the non-zero entries of each row of x [rows, cols]. Returns false,
   * leaving no usable index, as soon as more than `maxDensity` of the
   * entries are non-zero (the caller then multiplies densely).
   */
  index(x: Float32Array, rows: number, cols: number, maxDensity?: number): boolean;
  /** Fraction of non-zero entries found by the last successful `index`. */
  readonly density: number;
  /**
   * z [rows, outputs] = x w^T with w [outputs, cols], for the x last indexed
   * (unchanged since): what gemm(false, true, rows, outputs, cols, 1, x, w, 0, z) computes.
   */
  forward(x: Float32Array, w: Float32Array, outputs: number, z: Float32Array): void;
  /** dw [outputs, cols] = dz^T x for the x last indexed: gemm(true, false, outputs, cols, rows, 1, dz, x, 0, dw). */
  weightGrad(dz: Float32Array, x: Float32Array, outputs: number, dw: Float32Array): void;
}

/** The index of a batch: row r's non-zero columns are idx[start[r]] .. idx[start[r + 1] - 1]. */
export interface RowIndex {
  start: Int32Array;
  idx: Int32Array;
  rows: number;
  cols: number;
  x: Float32Array | null;
}

/** Throws unless `x` is the array last indexed and the sizes fit. */
export function checkIndexed(ix: RowIndex, x: Float32Array, outputs: number, out: Float32Array, outLength: number, other: Float32Array, otherLength: number, what: string): void {
  if (ix.x !== x) throw new Error(`sparse ${what}: x is not the array last indexed`);
  if (!Number.isInteger(outputs) || outputs < 0) throw new RangeError(`sparse ${what}: outputs must be a non-negative integer, got ${outputs}`);
  if (out.length < outLength) throw new RangeError(`sparse ${what}: the result has ${out.length} elements, needs ${outLength}`);
  if (other.length < otherLength) throw new RangeError(`sparse ${what}: an operand has ${other.length} elements, needs ${otherLength}`);
}

/** Checks the arguments of `index`; returns the most non-zeros allowed. */
export function indexLimit(x: Float32Array, rows: number, cols: number, maxDensity: number): number {
  for (const [name, v] of [['rows', rows], ['cols', cols]] as const) {
    if (!Number.isInteger(v) || v < 0) throw new RangeError(`sparse index: ${name} must be a non-negative integer, got ${v}`);
  }
  if (x.length < rows * cols) throw new RangeError(`sparse index: x has ${x.length} elements, needs ${rows * cols}`);
  return Math.floor(maxDensity * rows * cols);
}

/** Scratch for W^T or dW^T, grown as needed and reused. */
export interface Scratch {
  floats: Float32Array;
}

const grow = (s: Scratch, n: number) => (s.floats.length < n ? (s.floats = new Float32Array(n)) : s.floats);

/** z = x w^T over the index `ix` of x, in plain loops (see SparseInput.forward). */
export function sparseForwardLoops(ix: RowIndex, x: Float32Array, w: Float32Array, outputs: number, z: Float32Array, scratch: Scratch): void {
  const { rows, cols, start, idx } = ix;
  checkIndexed(ix, x, outputs, z, rows * outputs, w, outputs * cols, 'forward');
  // W^T, so that the row added for each non-zero input is contiguous.
  const wT = grow(scratch, outputs * cols);
  for (let o = 0; o < outputs; o++) for (let c = 0; c < cols; c++) wT[c * outputs + o] = w[o * cols + c];
  for (let r = 0; r < rows; r++) {
    const zr = r * outputs;
    z.fill(0, zr, zr + outputs);
    for (let e = start[r]; e < start[r + 1]; e++) {
      const c = idx[e];
      const v = x[r * cols + c];
      const wr = c * outputs;
      for (let o = 0; o < outputs; o++) z[zr + o] += v * wT[wr + o];
    }
  }
}

/** dw = dz^T x over the index `ix` of x, in plain loops (see SparseInput.weightGrad). */
export function sparseWeightGradLoops(ix: RowIndex, dz: Float32Array, x: Float32Array, outputs: number, dw: Float32Array, scratch: Scratch): void {
  const { rows, cols, start, idx } = ix;
  checkIndexed(ix, x, outputs, dw, outputs * cols, dz, rows * outputs, 'weightGrad');
  // Row c of dW^T gathers x[r, c] dz[r, :] over the rows r where x[r, c] is not zero, in order of r.
  const dwT = grow(scratch, outputs * cols).fill(0, 0, outputs * cols);
  for (let r = 0; r < rows; r++) {
    for (let e = start[r]; e < start[r + 1]; e++) {
      const c = idx[e];
      const v = x[r * cols + c];
      const d = c * outputs;
      for (let o = 0; o < outputs; o++) dwT[d + o] += v * dz[r * outputs + o];
    }
  }
  for (let o = 0; o < outputs; o++) for (let c = 0; c < cols; c++) dw[o * cols + c] = dwT[c * outputs + o];
}

/** The plain loops: readable, and the path where WebAssembly SIMD is missing or turned off. */
export class TypeScriptSparseInput implements SparseInput {
  readonly path: string = 'typescript';
  readonly breakEven = 0.2;
  density = 0;
  private readonly ix: RowIndex = { start: new Int32Array(1), idx: new Int32Array(0), rows: 0, cols: 0, x: null };
  private readonly scratch: Scratch = { floats: new Float32Array(0) };

  index(x: Float32Array, rows: number, cols: number, maxDensity = 1): boolean {
    const limit = indexLimit(x, rows, cols, maxDensity);
    const ix = this.ix;
    ix.x = null;
    if (ix.start.length < rows + 1) ix.start = new Int32Array(rows + 1);
    if (ix.idx.length < rows * cols) ix.idx = new Int32Array(rows * cols);
    let count = 0;
    for (let r = 0; r < rows; r++) {
      ix.start[r] = count;
      for (let c = 0, o = r * cols; c < cols; c++) if (x[o + c] !== 0) ix.idx[count++] = c;
      if (count > limit) return false;
    }
    ix.start[rows] = count;
    Object.assign(ix, { rows, cols, x });
    this.density = rows * cols === 0 ? 0 : count / (rows * cols);
    return true;
  }

  forward(x: Float32Array, w: Float32Array, outputs: number, z: Float32Array): void {
    sparseForwardLoops(this.ix, x, w, outputs, z, this.scratch);
  }

  weightGrad(dz: Float32Array, x: Float32Array, outputs: number, dw: Float32Array): void {
    sparseWeightGradLoops(this.ix, dz, x, outputs, dw, this.scratch);
  }
}
