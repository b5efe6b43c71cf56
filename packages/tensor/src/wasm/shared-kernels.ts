/**
 * Zero-copy WebAssembly kernels over one shared memory. The memory doubles
 * as an arena: a backend allocates its parameters, gradients, optimizer
 * slots and work buffers in it (`alloc`), and the GEMM and Adam kernels then
 * run on them in place. Workers attach to the same memory, each with its
 * own region for work buffers, so nothing is copied between threads.
 *
 * Needs SharedArrayBuffer (Node, Deno, Bun; cross-origin isolated pages).
 * Operands that are not in the memory fall back to the copying kernel.
 * @module
 */
import { checkGemm, type GemmFn } from '../gemm.ts';
import { createWasmGemm, type SimdLevel } from './gemm-wasm.ts';
import { SHARED_RELAXED_BASE64, SHARED_SIMD_BASE64 } from './kernels.generated.ts';

const PAGE = 65536;
const MAX_PAGES = 32768; // 2 GiB of address space, reserved not committed
const bytesOf = (b64: string) => Uint8Array.from(atob(b64), (ch) => ch.charCodeAt(0));

/** Adam over [start, end) of flat vectors; the gradient is the in-order sum of `parts`. */
export type AdamFn = (
  p: Float32Array,
  parts: readonly Float32Array[],
  m: Float32Array,
  v: Float32Array,
  lr: number,
  t: number,
  b1: number,
  b2: number,
  eps: number,
  start: number,
  end: number,
) => boolean;

/** The best level the shared-memory kernels validate at, or 'none'. */
export function detectSharedSimd(): SimdLevel {
  const wasm = (globalThis as { WebAssembly?: typeof WebAssembly }).WebAssembly;
  if (!wasm || typeof SharedArrayBuffer === 'undefined') return 'none';
  try {
    // Shared memories exist only where threads are allowed.
    new WebAssembly.Memory({ initial: 1, maximum: 1, shared: true });
  } catch {
    return 'none';
  }
  if (wasm.validate(bytesOf(SHARED_RELAXED_BASE64))) return 'relaxed';
  if (wasm.validate(bytesOf(SHARED_SIMD_BASE64))) return 'simd';
  return 'none';
}

export class SharedKernels {
  readonly memory: WebAssembly.Memory;
  readonly level: Exclude<SimdLevel, 'none'>;
  private readonly exports: { gemm: Function; adam: Function };
  private readonly known = new WeakSet<ArrayBufferLike>();
  private next: number;
  private readonly limit: number;
  private scratch = { offset: 0, floats: 0 };
  private partsList = 0;
  private copying: GemmFn | null = null;

  private constructor(memory: WebAssembly.Memory, level: Exclude<SimdLevel, 'none'>, start: number, end: number) {
    this.memory = memory;
    this.level = level;
    const module = new WebAssembly.Module(bytesOf(level === 'relaxed' ? SHARED_RELAXED_BASE64 : SHARED_SIMD_BASE64));
    this.exports = new WebAssembly.Instance(module, { env: { memory } }).exports as unknown as SharedKernels['exports'];
    this.next = start;
    this.limit = end;
  }

  /** A new shared memory, with allocation anywhere in it. */
  static create(level: Exclude<SimdLevel, 'none'> = detectSharedSimd() as Exclude<SimdLevel, 'none'>): SharedKernels {
    const memory = new WebAssembly.Memory({ initial: 16, maximum: MAX_PAGES, shared: true });
    // Offset 0 stays unused so that 0 never names a buffer.
    return new SharedKernels(memory, level, 64, MAX_PAGES * PAGE);
  }

  /** Kernels over an existing memory, allocating only in [start, end) (a region from `reserve`). */
  static attach(memory: WebAssembly.Memory, level: Exclude<SimdLevel, 'none'>, start: number, end: number): SharedKernels {
    return new SharedKernels(memory, level, start, end);
  }

  /** Carves `bytes` out of this arena for another thread's `attach`. */
  reserve(bytes: number): { start: number; end: number } {
    const start = this.take(bytes);
    return { start, end: start + bytes };
  }

  /** A zeroed Float32Array of `n` elements inside the memory. */
  alloc(n: number): Float32Array {
    const offset = this.take(n * 4);
    return this.view(offset, n);
  }

  /** A Float32Array over `n` floats at byte `offset` (memory another thread allocated). */
  view(offset: number, n: number): Float32Array {
    const buffer = this.memory.buffer;
    this.known.add(buffer);
    return new Float32Array(buffer, offset, n);
  }

  /** Byte offset of `a` if it lies in this memory, else -1. */
  offsetOf(a: { buffer: ArrayBufferLike; byteOffset: number }): number {
    return this.known.has(a.buffer) ? a.byteOffset : -1;
  }

  private take(bytes: number): number {
    const start = (this.next + 15) & ~15;
    const end = start + bytes;
    if (end > this.limit) throw new RangeError(`arena region exhausted: ${bytes} more bytes needed`);
    const have = this.memory.buffer.byteLength;
    if (end > have) this.memory.grow(Math.ceil((end - have) / PAGE));
    this.next = end;
    return start;
  }

  /** C = alpha op(A) op(B) + beta C, in place when all three are in the memory. */
  readonly gemm: GemmFn = (transA, transB, m, n, k, alpha, a, b, beta, c) => {
    const pa = this.offsetOf(a);
    const pb = this.offsetOf(b);
    const pc = this.offsetOf(c);
    if (pa < 0 || pb < 0 || pc < 0 || !(a instanceof Float32Array && b instanceof Float32Array && c instanceof Float32Array)) {
      this.copying ??= createWasmGemm(this.level);
      this.copying(transA, transB, m, n, k, alpha, a, b, beta, c);
      return;
    }
    checkGemm(transA, transB, m, n, k, a, b, c);
    if (m === 0 || n === 0) return;
    const need = 8 * k + 32;
    if (this.scratch.floats < need) {
      // Powers of two: the regions a worker outgrows add up to less than the last one.
      const floats = 2 ** Math.ceil(Math.log2(need));
      this.scratch = { offset: this.take(floats * 4), floats };
    }
    this.exports.gemm(transA ? 1 : 0, transB ? 1 : 0, m, n, k, alpha, pa, pb, beta, pc, this.scratch.offset);
  };

  /** Adam in place; returns false (doing nothing) when a vector is not in the memory. */
  private list: Int32Array | null = null;

  readonly adam: AdamFn = (p, parts, m, v, lr, t, b1, b2, eps, start, end) => {
    // No allocation per step: offsets are checked one by one, the list view is reused.
    const pp = this.offsetOf(p);
    const pm = this.offsetOf(m);
    const pv = this.offsetOf(v);
    if (pp < 0 || pm < 0 || pv < 0 || parts.length > 16) return false;
    for (let w = 0; w < parts.length; w++) if (this.offsetOf(parts[w]) < 0) return false;
    if (this.partsList === 0) this.partsList = this.take(64);
    if (!this.list || this.list.buffer !== this.memory.buffer) this.list = new Int32Array(this.memory.buffer, this.partsList, 16);
    for (let w = 0; w < parts.length; w++) this.list[w] = parts[w].byteOffset + start * 4;
    const stepSize = lr / (1 - b1 ** t);
    const c2 = 1 / (1 - b2 ** t);
    this.exports.adam(pp + start * 4, this.partsList, parts.length, pm + start * 4, pv + start * 4, end - start, b1, b2, stepSize, c2, eps);
    return true;
  };
}
