/**
 * The benchmark's one reading of the environment: `DNN_SIMD` (auto,
 * relaxed, simd, off) picks the kernels of our backends, handed on as
 * KernelOptions (the libraries read no environment).
 * @module
 */
import { simdChoice, type KernelOptions } from '@dnn/tensor';

/** The kernels to time; a bad DNN_SIMD throws an error naming it. */
export function benchKernels(): Required<KernelOptions> {
  return { simd: simdChoice(process.env.DNN_SIMD, 'DNN_SIMD') };
}
