/**
 * Shapes over flat typed arrays. A tensor is a Float32Array plus the sizes of
 * its axes, row-major. Kernels take raw arrays and sizes; this module only
 * makes and checks them.
 * @module
 */

/** Any float array a kernel accepts; Float64Array is for gradient checks. */
export type FloatArray = Float32Array | Float64Array;

/** A row-major float32 tensor. */
export interface Tensor {
  readonly shape: readonly number[];
  readonly data: Float32Array;
}

/** Number of elements of a shape; throws on a negative or fractional size. */
export function sizeOf(shape: readonly number[]): number {
  let n = 1;
  for (const d of shape) {
    if (!Number.isInteger(d) || d < 0) throw new RangeError(`bad axis size ${d} in shape [${shape.join(', ')}]`);
    n *= d;
  }
  return n;
}

/**
 * Makes a tensor of the given shape, zero-filled or wrapping `data`.
 * @example tensor([2, 3]).data.length // 6
 */
export function tensor(shape: readonly number[], data?: Float32Array): Tensor {
  const n = sizeOf(shape);
  if (data && data.length !== n) {
    throw new RangeError(`data has ${data.length} elements, shape [${shape.join(', ')}] needs ${n}`);
  }
  return { shape: [...shape], data: data ?? new Float32Array(n) };
}

/** True when two shapes are the same. */
export function sameShape(a: readonly number[], b: readonly number[]): boolean {
  return a.length === b.length && a.every((d, i) => d === b[i]);
}
