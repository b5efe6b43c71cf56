/**
 * Forward and backward passes of a spec over a flat parameter vector: the
 * math of a training step, written once. Backends that compute on the CPU
 * (one thread or workers) call these. A layer list that is only dense
 * layers and activations runs the fused MLP step (mlp-step.ts); any other
 * runs layer by layer (sequence.ts). The kernels are passed in so faster
 * ones can replace the reference without touching the math.
 * @module
 */
import type { FloatArray } from '@dnn/tensor';
import { referenceKernels, type Kernels } from './kernels.ts';
import { createMlpWorkspace, loadMlpBatch, mlpForward, mlpGradients, mlpWorkspaceFloats, type MlpWorkspace } from './mlp-step.ts';
import { createLayersWorkspace, layersForward, layersGradients, layersWorkspaceFloats, loadLayersBatch, type LayersWorkspace, type PassOptions } from './sequence.ts';
import { layersFromMlp, mlpView, type MlpSpec, type ModelSpec } from './spec.ts';

export type Workspace = MlpWorkspace | LayersWorkspace;
export type { MlpWorkspace, LayersWorkspace, PassOptions };

export interface WorkspaceOptions {
  /** Run dense-only lists layer by layer instead of the fused MLP step (for tests). */
  fused?: boolean;
}

const asList = (spec: ModelSpec | MlpSpec): ModelSpec => ('layers' in spec ? spec : layersFromMlp(spec));

/** Floats a workspace for `maxBatch` rows takes, plus GEMM scratch: what a worker's region must hold. */
export function workspaceFloats(spec: ModelSpec, maxBatch: number, options: WorkspaceOptions = {}): number {
  const mlp = options.fused === false ? null : mlpView(spec);
  return mlp ? mlpWorkspaceFloats(mlp, maxBatch) : layersWorkspaceFloats(spec, maxBatch);
}

/**
 * Allocates the buffers for batches of up to `maxBatch` rows. Float64Array
 * is for gradient checks; training uses the float32 default.
 */
export function createWorkspace(
  spec: ModelSpec | MlpSpec,
  maxBatch: number,
  Float: Float32ArrayConstructor | Float64ArrayConstructor | ((n: number) => Float32Array) = Float32Array,
  options: WorkspaceOptions = {},
): Workspace {
  const list = asList(spec);
  const mlp = options.fused === false ? null : mlpView(list);
  return mlp ? createMlpWorkspace(mlp, maxBatch, Float) : createLayersWorkspace(list, maxBatch, Float);
}

/** Fills the workspace's input rows (scaled) and labels from a dataset. */
export function loadBatch(ws: Workspace, x: Uint8Array | Float32Array, labels: Uint8Array, indices: ArrayLike<number>, start: number, rows: number): void {
  if (ws.path === 'mlp') loadMlpBatch(ws, x, labels, indices, start, rows);
  else loadLayersBatch(ws, x, labels, indices, start, rows);
}

/** Runs the network (inference: no dropout) on the first `rows` inputs in `ws.a[0]`; returns the output buffer. */
export function forward(ws: Workspace, params: FloatArray, rows: number, kernels: Kernels = referenceKernels): FloatArray {
  return ws.path === 'mlp' ? mlpForward(ws, params, rows, kernels) : layersForward(ws, params, rows, kernels);
}

/**
 * Forward, loss and backward for the loaded batch: the gradient of one step
 * (of the mean over `batch` rows). Returns the summed loss. `pass` gives
 * dropout its seed, step, and the batch row this slice starts at, and the
 * MLP step a buffer for the input's gradient (`inputGrad`).
 */
export function computeGradients(
  ws: Workspace,
  params: FloatArray,
  grads: FloatArray,
  rows: number,
  kernels: Kernels = referenceKernels,
  batch = rows,
  pass: PassOptions = {},
): number {
  if (ws.path === 'mlp') return mlpGradients(ws, params, grads, rows, kernels, batch, pass.inputGrad);
  if (pass.inputGrad) throw new Error('computeGradients: inputGrad is for the fused MLP step only');
  return layersGradients(ws, params, grads, rows, kernels, batch, pass);
}

/** Values per example the workspace's network outputs. */
export function outputWidth(ws: Workspace): number {
  return ws.path === 'mlp' ? ws.spec.outputSize : ws.outputSize;
}
