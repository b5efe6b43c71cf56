/**
 * @dnn/tensor: typed-array math for dnn. Shapes, a seeded splittable PRNG,
 * the reference GEMM, and the element-wise and row-wise kernels training
 * needs. No dependencies; runs in every JavaScript runtime.
 * @module @dnn/tensor
 */
export { type FloatArray, type Tensor, sizeOf, tensor, sameShape } from './shape.ts';
export { Rng } from './random.ts';
export type { Dataset } from './dataset.ts';
export { exp as portableExp, log as portableLog, powInt } from './portable-math.ts';
export { adamScales } from './adam-scales.ts';
export { type GemmFn, gemm, checkGemm } from './gemm.ts';
export { addBias, biasRelu, sumRows, softmaxRows, argmaxRows, gatherRows } from './rowwise.ts';
export {
  type ActivationKernel,
  linear,
  sigmoid,
  tanh,
  lecunTanh,
  relu,
  leakyRelu,
  elu,
  softplus,
  softmaxBackwardRows,
  LEAKY_RELU_SLOPE,
  ELU_ALPHA,
  LECUN_A,
  LECUN_B,
} from './activations.ts';
export { type ConvGeometry, im2col, col2im, channelsToImages, imagesToChannels } from './conv.ts';
export { maxPool2, maxPool2Backward } from './pool.ts';
export { softmaxCrossEntropy, meanSquaredError } from './losses.ts';
export { randomArray, maxRelativeError } from './compare.ts';
export { createBlockedGemm } from './gemm-blocked.ts';
export { type SimdLevel, detectSimd, createWasmGemm, enableRelaxedSimdOnNode20 } from './wasm/gemm-wasm.ts';
export { type SimdChoice, type KernelOptions, type FastGemm, SIMD_CHOICES, simdChoice, createFastGemm, createSparseInput, sharedSimdLevel } from './kernels.ts';
export { type SparseInput } from './sparse-input.ts';
export { sparseInputArenaBytes } from './wasm/sparse-wasm.ts';
export { type AdamFn, type ArenaOptions, SharedKernels, detectSharedSimd } from './wasm/shared-kernels.ts';
