/**
 * Element-wise kernels called with arrays from a SharedKernels arena (as the
 * CPU backends allocate them) run in WebAssembly SIMD in place: the plain
 * loops of rowwise.ts and activations.ts stay the definition, and the path
 * for every other array. `DNN_SIMD=off` keeps the loops everywhere, so the
 * TypeScript path stays covered end to end.
 * @module
 */
import { SharedKernels } from './shared-kernels.ts';

let allowed: boolean | undefined;

/** The kernels whose memory holds all of `arrays` (Float32Array views), or null. */
export function arenaOf(...arrays: ArrayLike<number>[]): SharedKernels | null {
  allowed ??= (globalThis as { process?: { env: Record<string, string | undefined> } }).process?.env?.DNN_SIMD !== 'off';
  if (!allowed || !(arrays[0] instanceof Float32Array)) return null;
  const k = SharedKernels.holding(arrays[0]);
  if (!k) return null;
  for (const a of arrays) if (!(a instanceof Float32Array) || k.offsetOf(a) < 0) return null;
  return k;
}
