/**
 * Picks the fastest kernels this runtime runs, as the caller's
 * `KernelOptions` ask: the WebAssembly SIMD kernels (relaxed fused
 * multiply-add where available), else the blocked TypeScript ones.
 * `{ simd: 'off' }` forces the TypeScript paths, so both stay tested. The
 * options are values: nothing here reads the environment (the programs at
 * the edges do, and pass what they read).
 * @module
 */
import type { GemmFn } from './gemm.ts';
import { createBlockedGemm } from './gemm-blocked.ts';
import { createWasmGemm, detectSimd, type SimdLevel } from './wasm/gemm-wasm.ts';
import { TypeScriptSparseInput, type SparseInput } from './sparse-input.ts';
import { detectSharedSimd, type SharedKernels } from './wasm/shared-kernels.ts';
import { WasmSparseInput } from './wasm/sparse-wasm.ts';

/** Which kernels: the best available (`auto`), relaxed or plain SIMD (an error where missing), or the TypeScript loops (`off`). */
export type SimdChoice = 'auto' | 'off' | 'simd' | 'relaxed';
export const SIMD_CHOICES: readonly SimdChoice[] = ['auto', 'relaxed', 'simd', 'off'];

/** The one option object every kernel chooser and CPU backend takes. */
export interface KernelOptions {
  /** Default `auto`. */
  simd?: SimdChoice;
}

/**
 * `text` as a SimdChoice (undefined or empty: `auto`); otherwise an error
 * naming `source` (a flag or variable) and the choices.
 * @example simdChoice(valueOfTheFlag, '--simd') // 'auto' when undefined
 */
export function simdChoice(text: string | undefined, source: string): SimdChoice {
  if (text === undefined || text === '') return 'auto';
  if ((SIMD_CHOICES as readonly string[]).includes(text)) return text as SimdChoice;
  throw new RangeError(`${source}: unknown SIMD choice ${JSON.stringify(text)}; choose ${SIMD_CHOICES.join(', ')}`);
}

function checked(options: KernelOptions): SimdChoice {
  const choice = options.simd ?? 'auto';
  if (!SIMD_CHOICES.includes(choice)) throw new RangeError(`simd: unknown choice ${JSON.stringify(choice)}; choose ${SIMD_CHOICES.join(', ')}`);
  return choice;
}

/** The level `choice` asks for when `available` is what the runtime has; null for the TypeScript loops. */
function levelFor(choice: SimdChoice, available: SimdLevel): Exclude<SimdLevel, 'none'> | null {
  if (choice === 'off' || available === 'none') {
    if (choice === 'simd' || choice === 'relaxed') throw new Error(`${choice} SIMD is not available in this runtime`);
    return null;
  }
  if (choice === 'relaxed' && available !== 'relaxed') throw new Error('relaxed SIMD is not available in this runtime');
  return choice === 'simd' ? 'simd' : available;
}

export interface FastGemm {
  gemm: GemmFn;
  /** Which path was chosen: `wasm-relaxed`, `wasm-simd` or `typescript`. */
  path: 'wasm-relaxed' | 'wasm-simd' | 'typescript';
}

/** The fastest available GEMM that `options` allow. */
export function createFastGemm(options: KernelOptions = {}): FastGemm {
  const level = levelFor(checked(options), detectSimd());
  if (!level) return { gemm: createBlockedGemm(), path: 'typescript' };
  return { gemm: createWasmGemm(level), path: level === 'relaxed' ? 'wasm-relaxed' : 'wasm-simd' };
}

/**
 * The level the shared-memory kernels (SharedKernels) run at under
 * `options`, or null when they are turned off or the runtime has none.
 */
export function sharedSimdLevel(options: KernelOptions = {}): Exclude<SimdLevel, 'none'> | null {
  return levelFor(checked(options), detectSharedSimd());
}

/**
 * The sparse-input kernels (sparse-input.ts): WebAssembly SIMD in place over
 * `shared`'s memory when given, unless `options` turn SIMD off; else the
 * TypeScript loops.
 */
export function createSparseInput(shared?: SharedKernels | null, options: KernelOptions = {}): SparseInput {
  return shared && checked(options) !== 'off' ? new WasmSparseInput(shared) : new TypeScriptSparseInput();
}
