/**
 * The sparse-input kernels in WebAssembly SIMD, in place over a
 * SharedKernels memory (see ../sparse-input.ts for what they compute and
 * scripts/sparse-wat.mjs for how). The index and the transposed weights
 * live in the same arena, grown by powers of two. Operands outside the
 * memory take the TypeScript loops, on the same index.
 * @module
 */
import {
  checkIndexed,
  indexLimit,
  sparseForwardLoops,
  sparseWeightGradLoops,
  type RowIndex,
  type Scratch,
  type SparseInput,
} from '../sparse-input.ts';
import type { SharedKernels } from './shared-kernels.ts';

/** A region of the arena: its byte offset and capacity in 4-byte elements. */
interface Region {
  offset: number;
  size: number;
}
type RegionName = 'start' | 'idx' | 'cstart' | 'cidx' | 'transposed';

/** Elements a region of at least `n` takes: the next power of two (at least 16). */
const regionSize = (n: number) => 2 ** Math.ceil(Math.log2(Math.max(n, 16)));

/**
 * Bytes of arena the WebAssembly sparse kernels allocate for batches of up
 * to `rows` rows of `cols` inputs and `outputs` outputs: what a worker's
 * arena region must hold beside its workspace to use them.
 */
export function sparseInputArenaBytes(rows: number, cols: number, outputs: number): number {
  const elements = [rows + 1, rows * cols + 4, cols + 1, rows * cols + 4, outputs * cols].map(regionSize);
  return elements.reduce((s, n) => s + 4 * n + 16, 0);
}

export class WasmSparseInput implements SparseInput {
  readonly path: string;
  readonly breakEven = 0.3;
  density = 0;
  private readonly k: SharedKernels;
  private readonly ix: RowIndex = { start: new Int32Array(1), idx: new Int32Array(0), rows: 0, cols: 0, x: null };
  private readonly regions: Record<RegionName, Region> = {
    start: { offset: 0, size: 0 },
    idx: { offset: 0, size: 0 },
    cstart: { offset: 0, size: 0 },
    cidx: { offset: 0, size: 0 },
    transposed: { offset: 0, size: 0 },
  };
  /** Whether the column index (for weightGrad) matches the row index. */
  private byColumn = false;
  private readonly scratch: Scratch = { floats: new Float32Array(0) };

  constructor(k: SharedKernels) {
    this.k = k;
    this.path = `wasm-${k.level}`;
  }

  /** Byte offset of a region of at least `n` elements; powers of two, so outgrown ones add up to less than the last. */
  private region(name: RegionName, n: number): number {
    const r = this.regions[name];
    if (r.size < n) {
      const size = regionSize(n);
      this.regions[name] = { offset: this.k.reserve(size * 4).start, size };
    }
    return this.regions[name].offset;
  }

  index(x: Float32Array, rows: number, cols: number, maxDensity = 1): boolean {
    const limit = indexLimit(x, rows, cols, maxDensity);
    const ix = this.ix;
    ix.x = null;
    this.byColumn = false;
    const px = this.k.offsetOf(x);
    const pStart = this.region('start', rows + 1);
    const pIdx = this.region('idx', rows * cols + 4);
    const buffer = this.k.memory.buffer;
    ix.start = new Int32Array(buffer, pStart, rows + 1);
    ix.idx = new Int32Array(buffer, pIdx, rows * cols + 4);
    let count: number;
    if (px >= 0) count = this.k.exports.nzIndex(px, rows, cols, pStart, pIdx, limit);
    else {
      // Not in the memory: the same lists, built by a loop.
      count = 0;
      for (let r = 0; r < rows && count <= limit; r++) {
        ix.start[r] = count;
        for (let c = 0, o = r * cols; c < cols; c++) if (x[o + c] !== 0) ix.idx[count++] = c;
      }
      ix.start[rows] = count;
      if (count > limit) count = -1;
    }
    if (count < 0) return false;
    Object.assign(ix, { rows, cols, x });
    this.density = rows * cols === 0 ? 0 : count / (rows * cols);
    return true;
  }

  forward(x: Float32Array, w: Float32Array, outputs: number, z: Float32Array): void {
    const ix = this.ix;
    checkIndexed(ix, x, outputs, z, ix.rows * outputs, w, outputs * ix.cols, 'forward');
    const [px, pw, pz] = [x, w, z].map((a) => this.k.offsetOf(a));
    if (px < 0 || pw < 0 || pz < 0) return sparseForwardLoops(ix, x, w, outputs, z, this.scratch);
    if (ix.rows === 0 || outputs === 0) return;
    const pwT = this.region('transposed', outputs * ix.cols);
    this.k.exports.transpose(pw, outputs, ix.cols, ix.cols, pwT, outputs);
    this.k.exports.spmm(ix.start.byteOffset, ix.idx.byteOffset, ix.rows, px, ix.cols, 1, pwT, outputs, outputs, pz, 0);
  }

  weightGrad(dz: Float32Array, x: Float32Array, outputs: number, dw: Float32Array): void {
    const ix = this.ix;
    checkIndexed(ix, x, outputs, dw, outputs * ix.cols, dz, ix.rows * outputs, 'weightGrad');
    const [px, pdz, pdw] = [x, dz, dw].map((a) => this.k.offsetOf(a));
    if (px < 0 || pdz < 0 || pdw < 0) return sparseWeightGradLoops(ix, dz, x, outputs, dw, this.scratch);
    if (ix.cols === 0 || outputs === 0) return;
    const pcStart = this.region('cstart', ix.cols + 1);
    const pcIdx = this.region('cidx', ix.rows * ix.cols + 4);
    if (!this.byColumn) {
      this.k.exports.cscFromCsr(ix.start.byteOffset, ix.idx.byteOffset, ix.rows, ix.cols, pcStart, pcIdx);
      this.byColumn = true;
    }
    // Row c of dW^T sums x[r, c] dz[r, :] over the rows listed for column c, stored transposed: dW itself.
    this.k.exports.spmm(pcStart, pcIdx, ix.cols, px, 1, ix.cols, pdz, outputs, outputs, pdw, 1);
  }
}
