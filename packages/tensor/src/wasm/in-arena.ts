/**
 * Element-wise kernels called with arrays from a SharedKernels arena (as the
 * CPU backends allocate them) run in WebAssembly SIMD in place: the plain
 * loops of rowwise.ts and activations.ts stay the definition, and the path
 * for every other array. An arena made with `inPlace: false` (a backend
 * asked for `simd: 'off'`) keeps the loops, so the TypeScript path stays
 * covered end to end.
 * @module
 */
import { SharedKernels } from './shared-kernels.ts';

/** The kernels whose memory holds all of `arrays` (Float32Array views), or null. */
export function arenaOf(...arrays: ArrayLike<number>[]): SharedKernels | null {
  if (!(arrays[0] instanceof Float32Array)) return null;
  const k = SharedKernels.holding(arrays[0]);
  if (!k?.inPlace) return null;
  for (const a of arrays) if (!(a instanceof Float32Array) || k.offsetOf(a) < 0) return null;
  return k;
}
