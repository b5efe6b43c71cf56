/**
 * The kernels CPU passes compute with: a GEMM, optionally an in-place Adam
 * and an allocator, and a table of layer kernels. The reference set is the
 * plain loops; the fast set is WebAssembly SIMD (or blocked TypeScript), as
 * the caller's `KernelOptions` ask.
 * @module
 */
import { createFastGemm, detectSharedSimd, detectSimd, gemm as referenceGemm, SharedKernels, sharedSimdLevel } from '@dnn/tensor';
import type { AdamFn, GemmFn, KernelOptions } from '@dnn/tensor';
import type { LayerTable } from './layers/layer.ts';
import { fastLayers, referenceLayers } from './layers/tables.ts';

/**
 * The kernels the passes use; defaults to the plain reference. Fast kernels
 * may bring an allocator: buffers allocated with it are computed on in
 * place, and an Adam step that runs over them.
 */
export interface Kernels {
  gemm: GemmFn;
  adam?: AdamFn;
  alloc?: (n: number) => Float32Array;
  /** Which implementation, for reports. */
  path?: string;
  /** Layer kernels for layer lists (default: the fast table, on `gemm`). */
  layers?: LayerTable;
}

/** The plain loops: the oracle every faster path is tested against. */
export const referenceKernels: Kernels = { gemm: referenceGemm, layers: referenceLayers, path: 'reference loops' };

/**
 * The fastest kernels this runtime has that `options` allow (WebAssembly
 * SIMD, else blocked TypeScript; `{ simd: 'off' }` forces the latter). Each
 * call makes its own instance, with its own scratch memory.
 */
export function fastKernels(options: KernelOptions = {}): Kernels & { path: string } {
  const level = sharedLevel(options);
  if (level) return kernelsOver(SharedKernels.create(level), options);
  const { gemm, path } = createFastGemm(options);
  return { gemm, path, layers: fastLayers };
}

/** What `fastKernels(options)` would pick, without making it. */
export function fastKernelsPath(options: KernelOptions = {}): string {
  const level = sharedLevel(options);
  return level ? `wasm-${level}` : createFastGemm(options).path;
}

/** The shared-memory kernels' level, or null where there is no shared memory (a page that is not isolated) or SIMD is off. */
function sharedLevel(options: KernelOptions): 'simd' | 'relaxed' | null {
  return detectSharedSimd() === 'none' ? null : sharedSimdLevel(options);
}

/**
 * `options` for deterministic mode: without relaxed SIMD, whose fused
 * multiply-add rounds differently between engines and CPUs (`auto` becomes
 * plain SIMD where there is SIMD, else the TypeScript loops).
 */
export function deterministicKernelOptions(options: KernelOptions = {}): KernelOptions {
  const choice = options.simd ?? 'auto';
  if (choice === 'relaxed') throw new RangeError("deterministic mode cannot use relaxed SIMD (its fused multiply-add differs between engines); choose simd, off or auto");
  if (choice !== 'auto') return options;
  return { ...options, simd: detectSimd() === 'none' ? 'off' : 'simd' };
}

/**
 * Kernels that compute in place over a shared WebAssembly memory (theirs or
 * attached). With `{ simd: 'off' }` the buffers still live there, but the
 * TypeScript GEMM and optimizer loops compute on them (make the arena with
 * `inPlace: false` so that the element-wise loops do too).
 */
export function kernelsOver(k: SharedKernels, options: KernelOptions = {}): Kernels & { path: string } {
  if (options.simd === 'off') return { gemm: createFastGemm(options).gemm, alloc: (n) => k.alloc(n), path: 'typescript', layers: fastLayers };
  return { gemm: k.gemm, adam: k.adam, alloc: (n) => k.alloc(n), path: `wasm-${k.level}`, layers: fastLayers };
}
