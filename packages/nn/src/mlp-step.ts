/**
 * The fused multilayer-perceptron step: dense layers with bias and
 * activation in one pass, softmax with cross-entropy in one. The fast path
 * for layer lists that are only dense layers and activations (`mlpView`);
 * every other list runs layer by layer (sequence.ts).
 * @module
 */
import { addBias, biasRelu, gatherRows, softmaxCrossEntropy, meanSquaredError, sumRows } from '@dnn/tensor';
import type { FloatArray } from '@dnn/tensor';
import { activate, activateBackward } from './activation.ts';
import { paramLayout, type ParamLayout } from './layout.ts';
import type { ActivationName, MlpSpec } from './spec.ts';
import { referenceKernels, type Kernels } from './kernels.ts';

/** Floats a workspace for `maxBatch` rows takes, plus GEMM scratch: what a worker's region must hold. */
export function mlpWorkspaceFloats(spec: MlpSpec, maxBatch: number): number {
  const layout = paramLayout(spec);
  const widest = Math.max(...layout.layers.map((l) => l.outputs));
  const widestIn = Math.max(...layout.layers.map((l) => l.inputs), widest, maxBatch);
  const outs = layout.layers.reduce((s, l) => s + l.outputs, 0);
  // a[0], a[1..], z[..], two deltas, labels (as floats, generously); the GEMM packing
  // panels (grown by powers of two: at most 4x the largest); Adam's list; alignment slack.
  return maxBatch * (spec.inputSize + 2 * outs + 2 * widest + 1) + 4 * (8 * widestIn + 32) + 16 + 8 * (2 * layout.layers.length + 8);
}

/**
 * Buffers for one batch size, allocated once per run so the training loop
 * allocates nothing. `z[l]` holds layer l's pre-activations, `a[l]` its
 * outputs; `a[0]` is the scaled input batch.
 */
export interface MlpWorkspace {
  readonly path: 'mlp';
  readonly spec: MlpSpec;
  readonly layout: ParamLayout;
  readonly maxBatch: number;
  readonly z: FloatArray[];
  readonly a: FloatArray[];
  /** Gradient with respect to a layer's output, then its pre-activation. */
  readonly delta: FloatArray;
  readonly deltaPrev: FloatArray;
  readonly labels: Uint8Array;
  /** The activation after each layer, output last. */
  readonly acts: ActivationName[];
}

/**
 * Allocates the buffers for batches of up to `maxBatch` rows. Float64Array
 * is for gradient checks; training uses the float32 default.
 */
export function createMlpWorkspace(
  spec: MlpSpec,
  maxBatch: number,
  Float: Float32ArrayConstructor | Float64ArrayConstructor | ((n: number) => Float32Array) = Float32Array,
): MlpWorkspace {
  const layout = paramLayout(spec);
  const widest = Math.max(...layout.layers.map((l) => l.outputs));
  const make = (n: number): FloatArray =>
    Float === Float32Array || Float === Float64Array ? new (Float as Float32ArrayConstructor)(n) : (Float as (n: number) => Float32Array)(n);
  return {
    path: 'mlp',
    spec,
    layout,
    maxBatch,
    a: [make(maxBatch * spec.inputSize), ...layout.layers.map((l) => make(maxBatch * l.outputs))],
    z: layout.layers.map((l) => make(maxBatch * l.outputs)),
    delta: make(maxBatch * widest),
    deltaPrev: make(maxBatch * widest),
    labels: new Uint8Array(maxBatch),
    acts: [...spec.activations, spec.output],
  };
}

/** Fills the workspace's input rows and labels from a dataset. */
export function loadMlpBatch(
  ws: MlpWorkspace,
  x: Uint8Array | Float32Array,
  labels: Uint8Array,
  indices: ArrayLike<number>,
  start: number,
  rows: number,
): void {
  if (rows > ws.maxBatch) throw new RangeError(`batch of ${rows} exceeds the workspace's ${ws.maxBatch}`);
  gatherRows(x, ws.spec.inputSize, indices, start, rows, ws.spec.inputScale, ws.a[0]);
  for (let r = 0; r < rows; r++) ws.labels[r] = labels[indices[start + r]];
}

/** Runs the network on the first `rows` inputs in `ws.a[0]`; returns the output buffer. */
export function mlpForward(ws: MlpWorkspace, params: FloatArray, rows: number, kernels: Kernels = referenceKernels): FloatArray {
  const { layers } = ws.layout;
  const acts = ws.acts;
  for (let l = 0; l < layers.length; l++) {
    const { inputs, outputs, weight, bias } = layers[l];
    denseForward(kernels, acts[l], rows, inputs, outputs, ws.a[l], params.subarray(weight, weight + inputs * outputs), params.subarray(bias, bias + outputs), ws.z[l], ws.a[l + 1]);
  }
  return ws.a[layers.length];
}

/**
 * One dense layer: z = x W^T + b and a = act(z) for `rows` rows, with W
 * stored [outputs, inputs]. The MLP step's layer; exported so that a worker
 * owning some of a layer's units computes them with the same math.
 */
export function denseForward(
  kernels: Kernels,
  act: ActivationName,
  rows: number,
  inputs: number,
  outputs: number,
  x: FloatArray,
  w: FloatArray,
  b: FloatArray,
  z: FloatArray,
  a: FloatArray,
): void {
  kernels.gemm(false, true, rows, outputs, inputs, 1, x, w, 0, z);
  // ReLU, the default, adds the bias and activates in one pass; the others take two.
  if (act === 'relu') biasRelu(rows, outputs, z, b, a);
  else {
    addBias(rows, outputs, z, b);
    activate(act, rows, outputs, z, a);
  }
}

/** A dense layer's parameter gradients from dz, the gradient of its pre-activation: dW = dz^T x (every weight gets its own input times its node's delta) and db, dz's column sums. */
export function denseParamGradients(kernels: Kernels, rows: number, inputs: number, outputs: number, dz: FloatArray, x: FloatArray, gw: FloatArray, gb: FloatArray): void {
  kernels.gemm(true, false, outputs, inputs, rows, 1, dz, x, 0, gw);
  sumRows(rows, outputs, dz, gb);
}

/**
 * Loss of the batch in `ws` after `forward`, summed over rows; writes the
 * gradient of the mean over `batch` rows with respect to the output layer's
 * pre-activation into `ws.delta`.
 */
export function mlpLossAndOutputGrad(ws: MlpWorkspace, rows: number, batch = rows): number {
  const { spec } = ws;
  const n = spec.outputSize;
  const y = ws.a[ws.a.length - 1];
  if (spec.loss === 'cross-entropy') {
    // validateSpec guarantees a softmax output: the fused gradient p - onehot.
    return softmaxCrossEntropy(rows, n, y, ws.labels, ws.delta, batch);
  }
  const loss = meanSquaredError(rows, n, y, ws.labels, ws.deltaPrev, batch);
  const last = ws.z.length - 1;
  activateBackward(spec.output, rows, n, ws.z[last], y, ws.deltaPrev, ws.delta);
  return loss;
}

/**
 * Backpropagates `ws.delta` (set by lossAndOutputGrad) and writes every
 * parameter's gradient into `grads`, laid out like the parameters; with
 * `inputGrad`, also the gradient with respect to the input rows (rows x
 * inputSize), for a worker that owns the layers after the first.
 */
export function mlpBackward(ws: MlpWorkspace, params: FloatArray, grads: FloatArray, rows: number, kernels: Kernels = referenceKernels, inputGrad?: FloatArray): void {
  const { layers } = ws.layout;
  const acts = ws.spec.activations;
  let delta = ws.delta;
  let spare = ws.deltaPrev;
  for (let l = layers.length - 1; l >= 0; l--) {
    const { inputs, outputs, weight, bias } = layers[l];
    // (The seed left the input out of dW.)
    denseParamGradients(kernels, rows, inputs, outputs, delta, ws.a[l], grads.subarray(weight, weight + inputs * outputs), grads.subarray(bias, bias + outputs));
    if (l === 0 && !inputGrad) break;
    // dA_prev = dZ W, then through the previous layer's activation.
    kernels.gemm(false, false, rows, inputs, outputs, 1, delta, params.subarray(weight, weight + inputs * outputs), 0, l === 0 ? inputGrad! : spare);
    if (l === 0) break;
    activateBackward(acts[l - 1], rows, inputs, ws.z[l - 1], ws.a[l], spare, spare);
    const t = delta;
    delta = spare;
    spare = t;
  }
}

/** Forward, loss and backward for the loaded batch: the gradient of one step (and with `inputGrad`, the input's). Returns the summed loss. */
export function mlpGradients(
  ws: MlpWorkspace,
  params: FloatArray,
  grads: FloatArray,
  rows: number,
  kernels: Kernels = referenceKernels,
  batch = rows,
  inputGrad?: FloatArray,
): number {
  mlpForward(ws, params, rows, kernels);
  const loss = mlpLossAndOutputGrad(ws, rows, batch);
  mlpBackward(ws, params, grads, rows, kernels, inputGrad);
  return loss;
}

