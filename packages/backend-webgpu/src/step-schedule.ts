/**
 * The step schedule: which kernels run, in which order, on which buffers,
 * for a forward pass (predictions) and for a training step, and how many
 * steps are encoded into one command buffer.
 *
 * A step of an L-layer MLP is 3L + 2 dispatches (11 for three layers; 21 before the fusions): the gather; one GEMM per
 * layer forward (bias and activation in its epilogue); the fused loss; per
 * layer backward one GEMM for the weight and bias gradients together and
 * (but for the first layer) one for the input gradient with the
 * activation's derivative in its epilogue; one optimizer dispatch.
 * @module
 */
import type { ActivationName, LayerSlot, LossName } from '@dnn/nn';
import type { BufferPool } from './gpu-buffers.ts';
import type { Dispatch, PipelineCache } from './pipeline-cache.ts';
import type { DeviceDataset } from './gpu-uploads.ts';
import * as W from './wgsl.ts';
import { canVec4, gemmGroups, gemmWgsl, pickTile, type GemmEpilogue, type GemmKernel, type GemmTiles } from './wgsl-gemm.ts';
import type { ElementwiseActivation } from './wgsl-activations.ts';

/** What the GPU trainer needs of a model: a stack of dense layers. */
export interface MlpView {
  inputSize: number;
  outputSize: number;
  /** Layers in order, with their places in the flat parameter vector. */
  layers: LayerSlot[];
  /** Total parameters. */
  size: number;
  /** One per layer: the hidden activations, then the output's. */
  activations: ActivationName[];
  loss: LossName;
  inputScale: number;
}

/** The buffers every schedule shares: parameters, gradients, optimizer slots, the step's uniform, labels and the loss sum. */
export interface TrainerCore {
  P: GPUBuffer;
  G: GPUBuffer;
  S: [GPUBuffer, GPUBuffer];
  step: GPUBuffer;
  labels: GPUBuffer;
  total: GPUBuffer;
}

/** What the trainer runs: a network's schedules over its own buffers. */
export interface StepPlan {
  /** Parameters. */
  size: number;
  /** Outputs per row. */
  outputSize: number;
  /** Where a predict pass leaves its outputs. */
  output: GPUBuffer;
  trainStep(rows: number, src: DeviceDataset, order: GPUBuffer): Dispatch[];
  predictPass(rows: number, src: DeviceDataset, idx: GPUBuffer): Dispatch[];
}

/** The device buffers a schedule reads and writes. */
export interface Workspace extends TrainerCore {
  /** a[0] the gathered input, a[i + 1] layer i's output. */
  a: GPUBuffer[];
  /** z[i] layer i's pre-activation. */
  z: GPUBuffer[];
  delta: [GPUBuffer, GPUBuffer];
}

export interface ScheduleContext {
  net: MlpView;
  ws: Workspace;
  pool: BufferPool;
  pipelines: PipelineCache;
  tiles: GemmTiles;
  optimizer: { name: 'sgd' | 'momentum' | 'adam'; momentum: number; beta1: number; beta2: number; epsilon: number };
}

const ceil = (n: number, d: number) => Math.ceil(n / d);

/** One GEMM dispatch: C = op(A) op(B) (m x n, depth k) at the given float offsets, with its epilogue's buffers. */
export function gemmDispatch(
  c: Pick<ScheduleContext, 'pool' | 'pipelines' | 'tiles'>,
  /** `splitK`: the depth each workgroup layer z sums (see GemmKernel.splitK). */
  g: { A: GPUBuffer; B: GPUBuffer; C: GPUBuffer; m: number; n: number; k: number; offA?: number; offB?: number; offC?: number; offBias?: number; transA: boolean; transB: boolean; epilogue: GemmEpilogue; extra?: GPUBuffer[]; tile?: keyof GemmTiles; planeSize?: number; splitK?: number },
): Dispatch {
  const offA = g.offA ?? 0;
  const offB = g.offB ?? 0;
  const kernel: GemmKernel = {
    transA: g.transA,
    transB: g.transB,
    vecA: canVec4(g.transA ? g.m : g.k, offA),
    // The bias read from B's buffer in the forward epilogue is scalar, so only B's layout matters here.
    vecB: canVec4(g.transB ? g.k : g.n, offB),
    tile: g.tile ? c.tiles[g.tile] : pickTile(c.tiles, g.m, g.n),
    epilogue: g.epilogue,
    nchw: g.planeSize !== undefined,
    splitK: g.splitK !== undefined,
  };
  const dims = c.pool.uniform([g.m, g.n, g.k, offA, offB, g.offC ?? 0, g.offBias ?? 0, g.planeSize ?? g.splitK ?? 0]);
  const [x, y] = gemmGroups(kernel, g.m, g.n);
  return c.pipelines.dispatch(gemmWgsl(kernel), [g.A, g.B, g.C, dims, ...(g.extra ?? [])], g.splitK ? [x, y, Math.ceil(g.k / g.splitK)] : [x, y]);
}

/** The activation a layer's GEMM epilogue applies (softmax is row-wise: the loss kernel or a softmax dispatch does it). */
const epilogueAct = (act: ActivationName): ElementwiseActivation => (act === 'softmax' ? 'linear' : act);

/** Dispatches of a forward pass over `rows` rows gathered from `src` through the index buffer `idx`. */
export function forwardPass(c: ScheduleContext, rows: number, src: DeviceDataset, idx: GPUBuffer): Dispatch[] {
  const { net, ws, pool, pipelines } = c;
  const list = [
    pipelines.dispatch(W.gatherWgsl(src.source), [src.x, src.labels, idx, ws.a[0], ws.labels, pool.uniform([rows, net.inputSize, 0, { f: net.inputScale }]), ws.step], ceil(rows * net.inputSize, W.WORKGROUP)),
  ];
  net.layers.forEach((l, i) => {
    list.push(
      gemmDispatch(c, {
        A: ws.a[i], B: ws.P, C: ws.z[i], m: rows, n: l.outputs, k: l.inputs, offB: l.weight, offBias: l.bias, transA: false, transB: true,
        epilogue: { kind: 'bias-activation', act: epilogueAct(net.activations[i]) }, extra: [ws.a[i + 1]],
      }),
    );
  });
  return list;
}

/** The forward pass plus, for a softmax output, the softmax (training leaves it to the loss kernel). */
export function predictPass(c: ScheduleContext, rows: number, src: DeviceDataset, idx: GPUBuffer): Dispatch[] {
  const list = forwardPass(c, rows, src, idx);
  const L = c.net.layers.length;
  if (c.net.activations[L - 1] === 'softmax') {
    list.push(c.pipelines.dispatch(W.SOFTMAX_WGSL, [c.ws.z[L - 1], c.ws.a[L], c.pool.uniform([rows, c.net.outputSize, 0, 0])], ceil(rows, W.WORKGROUP)));
  }
  return list;
}

/** Dispatches of one training step over a batch of `rows`. */
export function trainStep(c: ScheduleContext, rows: number, src: DeviceDataset, order: GPUBuffer): Dispatch[] {
  const { net, ws, pool, pipelines } = c;
  const L = net.layers.length;
  const list = forwardPass(c, rows, src, order);
  const output = net.activations[L - 1];
  list.push(pipelines.dispatch(W.lossWgsl(net.loss, output), [ws.z[L - 1], ws.a[L], ws.labels, ws.delta[0], ws.total, pool.uniform([rows, net.outputSize, rows, 0])], 1));
  let cur = 0;
  for (let i = L - 1; i >= 0; i--) {
    const l = net.layers[i];
    // dW = delta^T a[i] and db = delta^T 1, as one GEMM with a column of ones.
    list.push(
      gemmDispatch(c, {
        A: ws.delta[cur], B: ws.a[i], C: ws.G, m: l.outputs, n: l.inputs, k: rows, offC: l.weight, offBias: l.bias, transA: true, transB: false,
        epilogue: { kind: 'weight-and-bias-grad' },
      }),
    );
    if (i === 0) break;
    // The previous layer's delta: (delta W) f'(z), the derivative in the epilogue.
    list.push(
      gemmDispatch(c, {
        A: ws.delta[cur], B: ws.P, C: ws.delta[1 - cur], m: rows, n: l.inputs, k: l.outputs, offB: l.weight, transA: false, transB: false,
        epilogue: { kind: 'activation-backward', act: net.activations[i - 1] as ElementwiseActivation }, extra: [ws.z[i - 1], ws.a[i]],
      }),
    );
    cur = 1 - cur;
  }
  const o = c.optimizer;
  list.push(pipelines.dispatch(W.optimizerWgsl(o.name, o.momentum, o.beta1, o.beta2, o.epsilon), [ws.P, ws.G, ws.S[0], ws.S[1], ws.step, pool.uniform([net.size, 0, 0, 0])], ceil(net.size, W.WORKGROUP)));
  return list;
}

/** Records `list` as one compute pass. */
export function encodePass(enc: GPUCommandEncoder, list: Dispatch[]): void {
  const pass = enc.beginComputePass();
  for (const d of list) {
    pass.setPipeline(d.pipeline);
    pass.setBindGroup(0, d.bind);
    pass.dispatchWorkgroups(d.groups[0], d.groups[1], d.groups[2] ?? 1);
  }
  pass.end();
}
