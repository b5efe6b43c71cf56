/**
 * What a layer kind supplies: a forward and a backward pass over a batch,
 * row-major, one example after another (images NCHW, as PyTorch). Each
 * kind's reference is plain loops in its own file; faster kernels sit beside
 * it and are tested against it. A table maps every kind to its kernel, so a
 * kind missing from a table is a type error.
 * @module
 */
import type { FloatArray, GemmFn } from '@dnn/tensor';
import type { LayerInfo, LayerKind } from '../spec.ts';

/** Everything a kernel sees for one pass of one layer. */
export interface LayerPass {
  info: LayerInfo;
  rows: number;
  params: FloatArray;
  /** Parameter gradients, laid out like `params`; backward overwrites its layer's slots. */
  grads: FloatArray;
  gemm: GemmFn;
  /** Training passes apply dropout; inference passes do not. */
  training: boolean;
  /** Dropout's mask is a function of these and the element's index in the whole batch. */
  seed: number;
  step: number;
  /** Row of the whole batch that row 0 of this pass is (a worker's slice starts there). */
  rowOffset: number;
  /** This layer's work buffers, as `scratchFloats` sized them. */
  scratch: FloatArray[];
  /**
   * Set when the kernel computes the ReLU that follows it (`fusesRelu`):
   * forward writes relu(output) to y, and backward takes dy with respect to
   * that and y as written.
   */
  relu?: boolean;
}

export interface LayerKernel {
  forward(p: LayerPass, x: FloatArray, y: FloatArray): void;
  /**
   * Writes the layer's parameter gradients and, when `dx` is given, the
   * gradient with respect to its input. `x` and `y` are the forward pass's.
   */
  backward(p: LayerPass, x: FloatArray, y: FloatArray, dy: FloatArray, dx: FloatArray | null): void;
  /** The kernel can apply a following ReLU in its own passes (saving two passes over the output). */
  fusesRelu?: boolean;
  /** Floats of each work buffer the kernel needs for `maxBatch` rows. */
  scratchFloats?(info: LayerInfo, maxBatch: number, needsDx: boolean): number[];
}

export type LayerTable = Record<LayerKind, LayerKernel>;

/** The weight and bias of the pass's layer, as views. */
export function weights(p: LayerPass, of: FloatArray = p.params): { w: FloatArray; b: FloatArray } {
  const { weight, bias } = p.info;
  if (!weight || !bias) throw new Error(`layer ${p.info.index} (${p.info.spec.kind}) has no parameters`);
  return { w: of.subarray(weight.offset, weight.offset + weight.size), b: of.subarray(bias.offset, bias.offset + bias.size) };
}
