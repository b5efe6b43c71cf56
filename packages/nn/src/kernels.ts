/**
 * The kernels CPU passes compute with: a GEMM, optionally an in-place Adam
 * and an allocator, and a table of layer kernels. The reference set is the
 * plain loops; the fast set is WebAssembly SIMD (or blocked TypeScript).
 * @module
 */
import { createFastGemm, detectSharedSimd, gemm as referenceGemm, SharedKernels } from '@dnn/tensor';
import type { AdamFn, GemmFn } from '@dnn/tensor';
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
 * The fastest kernels this runtime has (WebAssembly SIMD, else blocked
 * TypeScript; `DNN_SIMD=off` forces the latter). Each call makes its own
 * instance, with its own scratch memory. `deterministic` leaves out
 * relaxed SIMD, whose fused multiply-add differs between engines and CPUs.
 */
export function fastKernels(deterministic = false): Kernels & { path: string } {
  const level = sharedLevel(deterministic);
  if (level) return kernelsOver(SharedKernels.create(level));
  const { gemm, path } = createFastGemm();
  return { gemm, path, layers: fastLayers };
}

/** What `fastKernels()` would pick, without making it. */
export function fastKernelsPath(deterministic = false): string {
  const level = sharedLevel(deterministic);
  return level ? `wasm-${level}` : createFastGemm().path;
}

function sharedLevel(deterministic: boolean): 'simd' | 'relaxed' | null {
  const env = simdSetting();
  const level = detectSharedSimd();
  if (env === 'off' || level === 'none') return null;
  return env === 'simd' || deterministic ? 'simd' : level;
}

/**
 * Kernels that compute in place over a shared WebAssembly memory (theirs or
 * attached). With `DNN_SIMD=off` the buffers still live there, but the
 * TypeScript GEMM and optimizer loops compute on them.
 */
export function kernelsOver(k: SharedKernels, simd = simdSetting() !== 'off'): Kernels & { path: string } {
  if (!simd) return { gemm: createFastGemm('off').gemm, alloc: (n) => k.alloc(n), path: 'typescript', layers: fastLayers };
  return { gemm: k.gemm, adam: k.adam, alloc: (n) => k.alloc(n), path: `wasm-${k.level}`, layers: fastLayers };
}

/** The `DNN_SIMD` environment variable, where there is an environment. */
export function simdSetting(): string | undefined {
  return (globalThis as { process?: { env: Record<string, string | undefined> } }).process?.env?.DNN_SIMD;
}

