/**
 * Reading safetensors element types as float32. dnn computes in float32;
 * files written by PyTorch may hold F16, BF16 or F64, converted on load.
 * @module
 */

/** Bytes per element of each type read. */
export const DTYPE_BYTES = { F32: 4, F16: 2, BF16: 2, F64: 8 } as const;
export type Dtype = keyof typeof DTYPE_BYTES;

export function isReadableDtype(d: unknown): d is Dtype {
  return typeof d === 'string' && Object.hasOwn(DTYPE_BYTES, d);
}

/** The value of an IEEE half-precision number given as its 16 bits. */
export function halfToFloat(h: number): number {
  const sign = h & 0x8000 ? -1 : 1;
  const exp = (h >> 10) & 0x1f;
  const frac = h & 0x3ff;
  if (exp === 0) return sign * frac * 2 ** -24;
  if (exp === 31) return frac ? NaN : sign * Infinity;
  return sign * (1 + frac / 1024) * 2 ** (exp - 15);
}

/** `count` little-endian values of `dtype` at byte `at` of `view`, as float32. */
export function readAsFloat32(view: DataView, at: number, count: number, dtype: Dtype): Float32Array {
  const out = new Float32Array(count);
  switch (dtype) {
    case 'F32':
      for (let i = 0; i < count; i++) out[i] = view.getFloat32(at + i * 4, true);
      break;
    case 'F64':
      for (let i = 0; i < count; i++) out[i] = view.getFloat64(at + i * 8, true);
      break;
    case 'F16':
      for (let i = 0; i < count; i++) out[i] = halfToFloat(view.getUint16(at + i * 2, true));
      break;
    case 'BF16': {
      // bfloat16 is the top half of a float32: written as bits into the output itself.
      const bits = new Uint32Array(out.buffer);
      for (let i = 0; i < count; i++) bits[i] = view.getUint16(at + i * 2, true) << 16;
      break;
    }
  }
  return out;
}
