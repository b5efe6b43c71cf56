/**
 * The WebAssembly SIMD GEMM. The module is embedded (base64) and compiled
 * synchronously on first use (it is under 2 KB, within every runtime's
 * limit for synchronous compiles). Operands are copied into the module's
 * memory, which grows as needed and is reused across calls.
 * @module
 */
import { checkGemm, gemm as referenceGemm, type GemmFn } from '../gemm.ts';
import { GEMM_RELAXED_BASE64, GEMM_SIMD_BASE64 } from './kernels.generated.ts';
import { gemmInBlocks, scratchFloats, type WasmGemmKernel, type WasmTranspose } from './gemm-blocks.ts';

/** What the runtime can run: relaxed SIMD (fused multiply-add), SIMD128, or neither. */
export type SimdLevel = 'relaxed' | 'simd' | 'none';

const bytesOf = (b64: string) => Uint8Array.from(atob(b64), (ch) => ch.charCodeAt(0));
let detected: SimdLevel | undefined;

/** The best SIMD level this runtime validates (checked once). */
export function detectSimd(): SimdLevel {
  if (detected) return detected;
  const wasm = (globalThis as { WebAssembly?: typeof WebAssembly }).WebAssembly;
  if (!wasm) return (detected = 'none');
  if (wasm.validate(bytesOf(GEMM_RELAXED_BASE64))) return (detected = 'relaxed');
  if (wasm.validate(bytesOf(GEMM_SIMD_BASE64))) return (detected = 'simd');
  return (detected = 'none');
}

// Compiled code only (each GEMM instantiates it with a memory of its own): a
// caller making a GEMM per call, as predict() does per image, decodes and
// compiles the module once.
const compiled = new Map<Exclude<SimdLevel, 'none'>, WebAssembly.Module>();
function compiledGemm(level: Exclude<SimdLevel, 'none'>): WebAssembly.Module {
  let module = compiled.get(level);
  if (!module) compiled.set(level, (module = new WebAssembly.Module(bytesOf(level === 'relaxed' ? GEMM_RELAXED_BASE64 : GEMM_SIMD_BASE64))));
  return module;
}

/**
 * A GEMM backed by the WebAssembly kernel at `level` (default: the best
 * detected). Float64 arrays fall back to the reference. `blocked: false`
 * turns off cache blocking (one kernel call per product; for comparison).
 */
export function createWasmGemm(level: Exclude<SimdLevel, 'none'> = detectSimd() as Exclude<SimdLevel, 'none'>, options: { blocked?: boolean } = {}): GemmFn {
  const blocked = options.blocked ?? true;
  if ((level as SimdLevel) === 'none') throw new Error('this runtime has no WebAssembly SIMD');
  const instance = new WebAssembly.Instance(compiledGemm(level), {});
  const memory = instance.exports.memory as WebAssembly.Memory;
  const run = instance.exports.gemm as WasmGemmKernel;
  const transpose = instance.exports.transpose as WasmTranspose;
  let heap = new Float32Array(memory.buffer);

  return (transA, transB, m, n, k, alpha, a, b, beta, c) => {
    if (!(a instanceof Float32Array && b instanceof Float32Array && c instanceof Float32Array)) {
      referenceGemm(transA, transB, m, n, k, alpha, a, b, beta, c);
      return;
    }
    checkGemm(transA, transB, m, n, k, a, b, c);
    if (m === 0 || n === 0) return;
    // Float offsets, each region 16-byte aligned.
    const align = (x: number) => (x + 3) & ~3;
    const aOff = 0;
    const bOff = align(aOff + m * k);
    const cOff = align(bOff + k * n);
    const sOff = align(cOff + m * n);
    const end = sOff + scratchFloats(m, k, transA);
    if (end * 4 > memory.buffer.byteLength) {
      memory.grow(Math.ceil((end * 4 - memory.buffer.byteLength) / 65536));
      heap = new Float32Array(memory.buffer);
    }
    heap.set(a.length === m * k ? a : a.subarray(0, m * k), aOff);
    heap.set(b.length === k * n ? b : b.subarray(0, k * n), bOff);
    if (beta !== 0) heap.set(c.subarray(0, m * n), cOff);
    gemmInBlocks(run, transpose, transA, transB, m, n, k, alpha, aOff * 4, bOff * 4, beta, cOff * 4, sOff * 4, blocked);
    c.set(heap.subarray(cOff, cOff + m * n));
  };
}

/**
 * Node 20's V8 has relaxed SIMD (fused multiply-add) behind a flag that later
 * versions turn on. A program that is its own process (the CLI, the
 * benchmark) may turn the flag on; libraries never should. It may be called
 * at any time: the detection is redone afterwards, so kernels made later use
 * relaxed SIMD (kernels made before keep the level they were made with).
 * Reached through process.getBuiltinModule, so nothing is imported where
 * there is no Node. Returns whether it turned the flag on.
 */
export function enableRelaxedSimdOnNode20(): boolean {
  const g = globalThis as {
    Deno?: unknown;
    process?: { versions: Record<string, string | undefined>; getBuiltinModule?: (name: string) => { setFlagsFromString(flags: string): void } | undefined };
  };
  const node = g.process?.versions.node;
  if (!node || g.Deno || g.process?.versions.bun || Number(node.split('.')[0]) >= 22) return false;
  try {
    g.process?.getBuiltinModule?.('node:v8')?.setFlagsFromString('--experimental-wasm-relaxed-simd');
  } catch {
    return false;
  }
  detected = undefined;
  return true;
}
