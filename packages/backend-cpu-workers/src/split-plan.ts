/**
 * The pool's plan for a multilayer perceptron (a dense-only layer list):
 * the first layer, 72% of a step's work on MNIST, is split by units, the
 * rest by rows.
 *
 * Each worker owns a slice of the first layer's units: it computes them for
 * the whole batch (its rows of W1 against every input row), and later their
 * weight gradient, from the whole batch, and updates them. W1's gradient, the
 * largest by far (784 x 400 floats), so never crosses between cores, and no
 * worker reads the weights another updates. What the workers share are the
 * first layer's outputs and their gradient (batch x units floats each), the
 * batch's inputs, and the gradient of the smaller layers after the first,
 * which each worker computes for its rows of the batch and which are summed,
 * in worker order, as before (see split-step.ts).
 *
 * Applies when the list is an MLP (`mlpView`) with a hidden layer whose
 * activation works element by element; anything else trains data-parallel.
 * @module
 */
import { layersFromMlp, paramLayout, mlpView, sparseFirstLayerBytes, workspaceFloats, type ActivationName, type MlpSpec, type ModelSpec } from '@dnn/nn';
import type { SharedKernels } from '@dnn/tensor';
import { largestShare } from './partition.ts';

export interface SplitPlan {
  /** Inputs per row (784). */
  inputs: number;
  /** The first layer's units (400). */
  units: number;
  /** Offsets of W1 [units, inputs] and b1 [units] in the parameters. */
  weight: number;
  bias: number;
  /** The first layer's activation. */
  act: ActivationName;
  /** The input scale (1/255 for bytes). */
  inputScale: number;
  /** Where the parameters of the layers after the first begin (they run to the end). */
  tailStart: number;
  /** Those layers as an MLP of their own, taking the first layer's outputs. */
  tail: MlpSpec;
}

/** The plan for `spec`, or null where it does not apply (the pool then trains data-parallel). */
export function splitPlan(spec: ModelSpec): SplitPlan | null {
  const mlp = mlpView(spec);
  if (!mlp || mlp.hidden.length === 0 || mlp.activations[0] === 'softmax') return null;
  const first = paramLayout(spec).layers[0];
  return {
    inputs: first.inputs,
    units: first.outputs,
    weight: first.weight,
    bias: first.bias,
    act: mlp.activations[0],
    inputScale: mlp.inputScale,
    tailStart: first.bias + first.outputs,
    tail: { ...mlp, inputSize: first.outputs, hidden: mlp.hidden.slice(1), activations: mlp.activations.slice(1), inputScale: 1 },
  };
}

/**
 * Byte offsets of the buffers the workers share: the batch's scaled inputs
 * twice (one being filled for the next step while the other is used), the
 * first layer's outputs, and their gradient.
 */
export interface SplitBuffers {
  x: [number, number];
  a: number;
  da: number;
}

/** Allocates the shared buffers for batches of up to `maxBatch` rows. */
export function allocateSplitBuffers(kernels: SharedKernels, plan: SplitPlan, maxBatch: number): SplitBuffers {
  const at = (n: number) => kernels.alloc(n).byteOffset;
  return { x: [at(maxBatch * plan.inputs), at(maxBatch * plan.inputs)], a: at(maxBatch * plan.units), da: at(maxBatch * plan.units) };
}

/** Bytes a worker's region needs for its part of the plan: its units' buffers, the rest's workspace, and the sparse kernels over both input buffers. */
export function splitRegionBytes(spec: ModelSpec, plan: SplitPlan, maxBatch: number, workers: number): number {
  const unitFloats = 3 * maxBatch * largestShare(plan.units, workers) + 64;
  // The whole network's workspace at a full batch bounds the GEMM scratch of the first layer's dense products.
  return 4 * (unitFloats + workspaceFloats(spec, maxBatch) + workspaceFloats(layersFromMlp(plan.tail), largestShare(maxBatch, workers))) + 2 * sparseFirstLayerBytes(spec, maxBatch);
}
