/**
 * A layer list run layer by layer: each layer's kernel from the table,
 * forward in order and backward in reverse, over buffers allocated once per
 * run. `a[0]` is the scaled input batch and `a[i + 1]` layer i's output;
 * two delta buffers take turns carrying the gradient backwards. A kernel
 * that can apply the ReLU after it does so (dense and conv in the fast
 * table): the ReLU layer's own passes are then skipped, and its input
 * buffer is left unused.
 * @module
 */
import { gatherRows, meanSquaredError, softmaxCrossEntropy, type FloatArray } from '@dnn/tensor';
import { fastLayers } from './layers/tables.ts';
import type { LayerPass, LayerTable } from './layers/layer.ts';
import { referenceKernels, type Kernels } from './kernels.ts';
import { inputSize, layerShapes, type LayerInfo, type ModelSpec } from './spec.ts';

export interface LayersWorkspace {
  readonly path: 'layers';
  readonly spec: ModelSpec;
  readonly infos: LayerInfo[];
  readonly maxBatch: number;
  readonly inputSize: number;
  readonly outputSize: number;
  readonly a: FloatArray[];
  readonly delta: FloatArray;
  readonly deltaPrev: FloatArray;
  readonly labels: Uint8Array;
  /** Each layer's work buffers (the fast table's needs). */
  readonly scratch: FloatArray[][];
  /** The first layer with parameters: backward stops there. */
  readonly firstParam: number;
  /** One pass record per layer, reused every step (no allocation per step). */
  readonly passes: LayerPass[];
}

/** Where dropout's mask comes from, and whether it applies. */
export interface PassOptions {
  training?: boolean;
  seed?: number;
  step?: number;
  rowOffset?: number;
  /**
   * The fused MLP step only: where to write the gradient with respect to the
   * input rows too (rows x input size), for a worker that owns the layers
   * after the first (backend-cpu-workers).
   */
  inputGrad?: FloatArray;
}

type Float = Float32ArrayConstructor | Float64ArrayConstructor | ((n: number) => Float32Array);

/** Every buffer the workspace allocates, in floats (workspaceFloats and createLayersWorkspace agree through this). */
function bufferSizes(spec: ModelSpec, maxBatch: number) {
  const infos = layerShapes(spec);
  const firstParam = Math.max(0, infos.findIndex((l) => l.params > 0));
  const widest = Math.max(...infos.map((l) => Math.max(l.inSize, l.outSize)));
  const scratch = infos.map((l) => fastLayers[l.spec.kind].scratchFloats?.(l, maxBatch, l.index > firstParam) ?? []);
  return { infos, firstParam, acts: [inputSize(spec), ...infos.map((l) => l.outSize)].map((n) => n * maxBatch), delta: widest * maxBatch, scratch };
}

/** The largest K any GEMM of a pass takes: its scratch grows with it. */
function largestK(infos: LayerInfo[], maxBatch: number): number {
  let k = maxBatch;
  for (const l of infos) {
    if (l.spec.kind === 'dense') k = Math.max(k, l.inSize, l.outSize);
    if (l.spec.kind === 'conv2d') k = Math.max(k, l.weight!.size / l.outShape[0], l.outShape[0], maxBatch * l.outShape[1] * l.outShape[2]);
  }
  return k;
}

/** Floats a layers workspace of `maxBatch` rows takes, with GEMM scratch and alignment: what a worker's region must hold. */
export function layersWorkspaceFloats(spec: ModelSpec, maxBatch: number): number {
  const b = bufferSizes(spec, maxBatch);
  const all = [...b.acts, b.delta, b.delta, maxBatch, ...b.scratch.flat()];
  const params = b.infos.filter((l) => l.params > 0).length;
  // Each allocation is aligned to 16 bytes; the GEMM's packing panel grows by powers of two (at most 4x the largest); Adam's list.
  return all.reduce((s, n) => s + n + 4, 0) + 4 * (8 * largestK(b.infos, maxBatch) + 32) + 16 + 8 * (2 * params + 8);
}

export function createLayersWorkspace(spec: ModelSpec, maxBatch: number, Float: Float = Float32Array): LayersWorkspace {
  const make = (n: number): FloatArray =>
    Float === Float32Array || Float === Float64Array ? new (Float as Float32ArrayConstructor)(n) : (Float as (n: number) => Float32Array)(n);
  const b = bufferSizes(spec, maxBatch);
  const last = b.infos[b.infos.length - 1];
  return {
    path: 'layers',
    spec,
    infos: b.infos,
    maxBatch,
    inputSize: inputSize(spec),
    outputSize: last.outSize,
    a: b.acts.map(make),
    delta: make(b.delta),
    deltaPrev: make(b.delta),
    labels: new Uint8Array(maxBatch),
    scratch: b.scratch.map((sizes) => sizes.map(make)),
    firstParam: b.firstParam,
    passes: b.infos.map((info) => ({ info, rows: 0, params: EMPTY, grads: EMPTY, gemm: referenceKernels.gemm, training: false, seed: 0, step: 0, rowOffset: 0, scratch: [] })),
  };
}

export function loadLayersBatch(ws: LayersWorkspace, x: Uint8Array | Float32Array, labels: Uint8Array, indices: ArrayLike<number>, start: number, rows: number): void {
  if (rows > ws.maxBatch) throw new RangeError(`batch of ${rows} exceeds the workspace's ${ws.maxBatch}`);
  gatherRows(x, ws.inputSize, indices, start, rows, ws.spec.input.scale, ws.a[0]);
  for (let r = 0; r < rows; r++) ws.labels[r] = labels[indices[start + r]];
}

const EMPTY = new Float32Array(0);

function pass(ws: LayersWorkspace, i: number, rows: number, params: FloatArray, grads: FloatArray, kernels: Kernels, o: PassOptions, relu: boolean): LayerPass {
  const p = ws.passes[i];
  p.rows = rows;
  p.params = params;
  p.grads = grads;
  p.gemm = kernels.gemm;
  p.training = o.training ?? false;
  p.seed = o.seed ?? 0;
  p.step = o.step ?? 0;
  p.rowOffset = o.rowOffset ?? 0;
  p.scratch = ws.scratch[i];
  p.relu = relu;
  return p;
}

const tableOf = (k: Kernels): LayerTable => k.layers ?? fastLayers;

/** Whether layer i's kernel applies the ReLU that follows it. */
const fusedRelu = (ws: LayersWorkspace, table: LayerTable, i: number): boolean =>
  table[ws.infos[i].spec.kind].fusesRelu === true && ws.infos[i + 1]?.spec.kind === 'relu';

/** Runs the layers on the first `rows` inputs in `ws.a[0]`; returns the output buffer. */
export function layersForward(ws: LayersWorkspace, params: FloatArray, rows: number, kernels: Kernels = referenceKernels, o: PassOptions = {}): FloatArray {
  const table = tableOf(kernels);
  for (let i = 0; i < ws.infos.length; i++) {
    const kernel = table[ws.infos[i].spec.kind];
    if (fusedRelu(ws, table, i)) {
      kernel.forward(pass(ws, i, rows, params, params, kernels, o, true), ws.a[i], ws.a[i + 2]);
      i++;
    } else kernel.forward(pass(ws, i, rows, params, params, kernels, o, false), ws.a[i], ws.a[i + 1]);
  }
  return ws.a[ws.infos.length];
}

/**
 * Forward, loss and backward for the loaded batch; writes every parameter's
 * gradient of the mean loss over `batch` rows into `grads`. Returns the summed loss.
 */
export function layersGradients(
  ws: LayersWorkspace,
  params: FloatArray,
  grads: FloatArray,
  rows: number,
  kernels: Kernels = referenceKernels,
  batch = rows,
  o: PassOptions = {},
): number {
  const training = { training: true, ...o };
  const y = layersForward(ws, params, rows, kernels, training);
  const L = ws.infos.length;
  let delta = ws.delta;
  let spare = ws.deltaPrev;
  let loss: number;
  let from: number;
  if (ws.spec.loss === 'cross-entropy') {
    // The last layer is softmax (validateSpec): the fused gradient p - onehot is the softmax input's.
    loss = softmaxCrossEntropy(rows, ws.outputSize, y, ws.labels, delta, batch);
    from = L - 2;
  } else {
    loss = meanSquaredError(rows, ws.outputSize, y, ws.labels, delta, batch);
    from = L - 1;
  }
  const table = tableOf(kernels);
  for (let i = from; i >= ws.firstParam; i--) {
    // A ReLU fused into the layer before it: that layer's backward applies its gate.
    if (i > 0 && ws.infos[i].spec.kind === 'relu' && fusedRelu(ws, table, i - 1)) continue;
    const dx = i > ws.firstParam ? spare : null;
    const relu = fusedRelu(ws, table, i);
    table[ws.infos[i].spec.kind].backward(pass(ws, i, rows, params, grads, kernels, training, relu), ws.a[i], ws.a[relu ? i + 2 : i + 1], delta, dx);
    const t = delta;
    delta = spare;
    spare = t;
  }
  return loss;
}
