/**
 * Picks the fastest GEMM this runtime runs: the WebAssembly SIMD kernel
 * (relaxed fused multiply-add where available), else the blocked
 * TypeScript one. `DNN_SIMD=off` (or `{ simd: 'off' }`) forces the
 * TypeScript path, so both stay tested. The same for the sparse-input
 * kernels of a first layer.
 * @module
 */
import type { GemmFn } from './gemm.ts';
import { createBlockedGemm } from './gemm-blocked.ts';
import { createWasmGemm, detectSimd, type SimdLevel } from './wasm/gemm-wasm.ts';
import { TypeScriptSparseInput, type SparseInput } from './sparse-input.ts';
import type { SharedKernels } from './wasm/shared-kernels.ts';
import { WasmSparseInput } from './wasm/sparse-wasm.ts';

export type SimdChoice = 'auto' | 'off' | 'simd' | 'relaxed';

export interface FastGemm {
  gemm: GemmFn;
  /** Which path was chosen: `wasm-relaxed`, `wasm-simd` or `typescript`. */
  path: 'wasm-relaxed' | 'wasm-simd' | 'typescript';
}

function envChoice(): SimdChoice {
  const v = (globalThis as { process?: { env: Record<string, string | undefined> } }).process?.env?.DNN_SIMD;
  return v === 'off' || v === 'simd' || v === 'relaxed' ? v : 'auto';
}

/** The fastest available GEMM, honouring `choice` (default: `DNN_SIMD`, else auto). */
export function createFastGemm(choice: SimdChoice = envChoice()): FastGemm {
  const level: SimdLevel = detectSimd();
  if (choice === 'off' || level === 'none') return { gemm: createBlockedGemm(), path: 'typescript' };
  if (choice === 'relaxed' && level !== 'relaxed') throw new Error('relaxed SIMD is not available in this runtime');
  const use = choice === 'simd' ? 'simd' : level;
  return { gemm: createWasmGemm(use), path: use === 'relaxed' ? 'wasm-relaxed' : 'wasm-simd' };
}

/**
 * The sparse-input kernels (sparse-input.ts): WebAssembly SIMD in place over
 * `shared`'s memory when given, unless `choice` (default: `DNN_SIMD`) is
 * 'off'; else the TypeScript loops.
 */
export function createSparseInput(shared?: SharedKernels | null, choice: SimdChoice = envChoice()): SparseInput {
  return shared && choice !== 'off' ? new WasmSparseInput(shared) : new TypeScriptSparseInput();
}
