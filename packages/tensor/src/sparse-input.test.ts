import { test, expect } from 'bun:test';
import { gemm } from './gemm.ts';
import { maxRelativeError } from './compare.ts';
import { Rng } from './random.ts';
import { TypeScriptSparseInput, type SparseInput } from './sparse-input.ts';
import { createSparseInput } from './kernels.ts';
import { SharedKernels, detectSharedSimd } from './wasm/shared-kernels.ts';
import { WasmSparseInput, sparseInputArenaBytes } from './wasm/sparse-wasm.ts';

const DENSITIES = [0, 0.01, 0.19, 0.5, 1];
// [rows, cols, outputs]: outputs of 55 = 32 + 16 + 4 + 3 runs every chunk width of the kernel.
const SIZES = [[1, 1, 1], [7, 33, 55], [13, 100, 3], [50, 784, 55], [2, 5, 400], [100, 37, 9]];

/** Error relative to the largest element of the expected result (both sum in float32, in different orders). */
const normError = (got: Float32Array, want: Float32Array) => maxRelativeError(got, want, want.reduce((m, v) => Math.max(m, Math.abs(v)), 1e-30));

/** Where each implementation keeps its operands: plain arrays, or the arena it computes on in place. */
interface Impl {
  name: string;
  make(): SparseInput;
  array(n: number): Float32Array;
}
const level = detectSharedSimd();
const impls: Impl[] = [{ name: 'typescript', make: () => new TypeScriptSparseInput(), array: (n) => new Float32Array(n) }];
for (const lv of level === 'relaxed' ? (['simd', 'relaxed'] as const) : level === 'simd' ? (['simd'] as const) : []) {
  const k = SharedKernels.create(lv);
  impls.push({ name: `wasm-${lv}`, make: () => new WasmSparseInput(k), array: (n) => k.alloc(n) });
  // Operands outside the memory: the loops, on the index the kernel built.
  impls.push({ name: `wasm-${lv} (operands outside the memory)`, make: () => new WasmSparseInput(k), array: (n) => new Float32Array(n) });
}

test('shared-memory SIMD is available for the sparse kernels (Node, Bun and Deno all have it)', () => {
  expect(level).not.toBe('none');
});

/** x [rows, cols] with exactly round(density * rows * cols) non-zeros at random places, some negative. */
function sparseArray(rng: Rng, rows: number, cols: number, density: number, out: Float32Array): number {
  const n = rows * cols;
  const nonZeros = Math.round(density * n);
  const order = Array.from({ length: n }, (_, i) => i);
  for (let i = n - 1; i > 0; i--) {
    const j = Math.floor(rng.uniform(0, i + 1));
    [order[i], order[j]] = [order[j], order[i]];
  }
  out.fill(0, 0, n);
  for (let i = 0; i < nonZeros; i++) out[order[i]] = rng.uniform(0, 1) < 0.8 ? rng.uniform(0.01, 1) : -rng.uniform(0.01, 1);
  return nonZeros;
}

function fill(rng: Rng, a: Float32Array, n: number): Float32Array {
  for (let i = 0; i < n; i++) a[i] = rng.uniform(-1, 1);
  return a;
}

for (const impl of impls) {
  test(`${impl.name}: forward and weight gradient equal the dense GEMM at densities 0-100%, awkward sizes`, () => {
    const sparse = impl.make();
    const rng = new Rng(13);
    let cases = 0;
    for (const [rows, cols, outputs] of SIZES) {
      for (const density of DENSITIES) {
        const x = impl.array(rows * cols);
        const nonZeros = sparseArray(rng, rows, cols, density, x);
        const w = fill(rng, impl.array(outputs * cols), outputs * cols);
        const dz = fill(rng, impl.array(rows * outputs), rows * outputs);
        expect(sparse.index(x, rows, cols)).toBe(true);
        expect(sparse.density).toBe(nonZeros / (rows * cols));
        // NaN left in the results from before must be overwritten, as the dense GEMM does with beta = 0.
        const z = impl.array(rows * outputs).fill(NaN);
        const dw = impl.array(outputs * cols).fill(NaN);
        sparse.forward(x, w, outputs, z);
        sparse.weightGrad(dz, x, outputs, dw);
        const wantZ = new Float32Array(rows * outputs);
        const wantDw = new Float32Array(outputs * cols);
        gemm(false, true, rows, outputs, cols, 1, x, w, 0, wantZ);
        gemm(true, false, outputs, cols, rows, 1, dz, x, 0, wantDw);
        const label = `${rows}x${cols}->${outputs} at ${density * 100}%`;
        expect(normError(z, wantZ), `forward ${label}: ${normError(z, wantZ)}`).toBeLessThan(1e-6);
        expect(normError(dw, wantDw), `weightGrad ${label}: ${normError(dw, wantDw)}`).toBeLessThan(1e-6);
        if (density === 0) expect(z.every((v) => v === 0) && dw.every((v) => v === 0), `${label}: all zero`).toBeTruthy();
        cases++;
      }
    }
    expect(cases).toBe(SIZES.length * DENSITIES.length);
  });

  test(`${impl.name}: index gives up above maxDensity, and refuses arrays it did not index`, () => {
    const sparse = impl.make();
    const rng = new Rng(5);
    const x = impl.array(20 * 30);
    sparseArray(rng, 20, 30, 0.5, x);
    expect(sparse.index(x, 20, 30, 0.4)).toBe(false);
    const z = impl.array(20 * 4);
    expect(() => sparse.forward(x, impl.array(4 * 30), 4, z)).toThrow(/not the array last indexed/);
    expect(sparse.index(x, 20, 30, 0.5)).toBe(true);
    expect(sparse.density).toBe(0.5);
    expect(() => sparse.forward(impl.array(20 * 30), impl.array(4 * 30), 4, z)).toThrow(/not the array last indexed/);
    expect(() => sparse.forward(x, impl.array(3 * 30), 4, z)).toThrow(/needs 120/);
    expect(() => sparse.index(x, 21, 30)).toThrow(/x has 600 elements, needs 630/);
  });

  test(`${impl.name}: a NaN input propagates like the dense product's`, () => {
    const sparse = impl.make();
    const x = impl.array(6);
    x.set([0, NaN, 0, 1, 0, 2]);
    const w = impl.array(6);
    w.set([1, 2, 3, 4, 5, 6]);
    const z = impl.array(4);
    expect(sparse.index(x, 2, 3)).toBe(true);
    sparse.forward(x, w, 2, z);
    const want = new Float32Array(4);
    gemm(false, true, 2, 2, 3, 1, x, w, 0, want);
    expect([...z].map(String)).toEqual([...want].map(String));
  });
}

test("the factory picks WebAssembly over a shared memory, and the loops for { simd: 'off' }", () => {
  const k = level === 'none' ? null : SharedKernels.create();
  expect(createSparseInput(k, { simd: 'off' }).path).toBe('typescript');
  expect(createSparseInput(null, { simd: 'auto' }).path).toBe('typescript');
  if (k) expect(createSparseInput(k).path).toBe(`wasm-${k.level}`);
  expect(() => createSparseInput(k, { simd: 'fast' as never })).toThrow(/simd: unknown choice "fast"; choose auto, relaxed, simd, off/);
});

test('sparseInputArenaBytes is enough for the kernels\' allocations (a worker region of that size does not run out)', () => {
  if (level === 'none') return;
  const [rows, cols, outputs] = [50, 784, 400];
  const whole = SharedKernels.create('simd');
  const x = whole.alloc(rows * cols);
  const w = whole.alloc(outputs * cols);
  const z = whole.alloc(rows * outputs);
  const dz = whole.alloc(rows * outputs);
  const dw = whole.alloc(outputs * cols);
  sparseArray(new Rng(2), rows, cols, 0.19, x);
  const bytes = sparseInputArenaBytes(rows, cols, outputs);
  // As a worker does: kernels attached to a region, with views of the shared buffers.
  const run = (regionBytes: number) => {
    const region = whole.reserve(regionBytes);
    const k = SharedKernels.attach(whole.memory, 'simd', region.start, region.end);
    const [vx, vw, vz, vdz, vdw] = [x, w, z, dz, dw].map((a) => k.view(a.byteOffset, a.length));
    const sparse = new WasmSparseInput(k);
    expect(sparse.index(vx, rows, cols)).toBe(true);
    sparse.forward(vx, vw, outputs, vz);
    sparse.weightGrad(vdz, vx, outputs, vdw);
  };
  run(bytes);
  expect(() => run(bytes - 1024 * 1024)).toThrow(/arena region exhausted/);
});
