/**
 * The step schedule of any layer list (the MLP keeps its fused schedule in
 * step-schedule.ts). Layer i reads a[i] and writes a[i + 1]; flatten shares
 * its input's buffer (NCHW rows are already in flatten order). Dense and
 * conv layers apply a following element-wise activation in their GEMM's
 * epilogue (writing its input and output, a[i + 1] and a[i + 2]); going
 * back, the kernel that writes an activation's input gradient multiplies by
 * its derivative (the `gate`), so the activation needs no pass of its own.
 *
 * Convolution is im2col on the register-tiled GEMM: forward im2col, then
 * one GEMM col^T W^T whose epilogue adds the bias and stores NCHW; back, a
 * copy of the output gradient to channel-major, one GEMM for the weight and
 * bias gradients, and for the input gradient one GEMM W^T t and col2im.
 * @module
 */
import { layerShapes, type DropoutLayer, type LayerInfo, type ModelSpec } from '@dnn/nn';
import type { DeviceDataset } from './gpu-uploads.ts';
import type { Dispatch } from './pipeline-cache.ts';
import { gemmDispatch, type ScheduleContext, type StepPlan, type TrainerCore } from './step-schedule.ts';
import * as W from './wgsl.ts';
import * as K from './wgsl-layers.ts';
import type { ElementwiseActivation } from './wgsl-activations.ts';

type Context = Pick<ScheduleContext, 'pool' | 'pipelines' | 'tiles' | 'optimizer'>;

const ceil = (n: number, d: number) => Math.ceil(n / d);

/** Split-K: depth per workgroup layer of a conv's weight gradient, and at most this many layers. */
const SPLIT_DEPTH = 1024;
const MAX_SPLITS = 64;

function convShape(l: LayerInfo): K.ConvShape {
  if (l.spec.kind !== 'conv2d') throw new Error(`layer ${l.index} is not a convolution`);
  const [C, H, W] = l.inShape;
  const [O, OH, OW] = l.outShape;
  return { C, H, W, O, OH, OW, k: l.spec.kernel, s: l.spec.stride, pad: l.spec.padding === 'same' ? (l.spec.kernel - 1) / 2 : 0 };
}

/** Whether layer i's GEMM applies the activation after it. */
const fusesNext = (infos: LayerInfo[], i: number): boolean =>
  (infos[i].spec.kind === 'dense' || infos[i].spec.kind === 'conv2d') && i + 1 < infos.length && K.isElementwise(infos[i + 1].spec.kind);

/**
 * Allocates a layer list's buffers on the device and returns its schedules.
 * `maxBytes` is the device's largest storage binding: a batch whose buffers
 * exceed it is refused with one line.
 */
export function layerPlan(c: Context, core: TrainerCore, spec: ModelSpec, maxBatch: number, seed: number, maxBytes: number): StepPlan {
  const { pool, pipelines } = c;
  const infos = layerShapes(spec);
  const L = infos.length;
  const firstParam = Math.max(0, infos.findIndex((l) => l.params > 0));
  const size = infos.reduce((s, l) => s + l.params, 0);
  const inputSize = spec.input.shape.reduce((a, b) => a * b, 1);
  const outputSize = infos[L - 1].outSize;
  const storage = (floats: number, what: string) => {
    if (floats * 4 > maxBytes) {
      throw new Error(`the webgpu backend needs ${what} of ${((floats * 4) / 2 ** 20).toFixed(0)} MiB for batches of ${maxBatch}, over this device's ${(maxBytes / 2 ** 20).toFixed(0)} MiB per buffer; use a smaller batch`);
    }
    return pool.storage(floats * 4);
  };

  const a: GPUBuffer[] = [storage(maxBatch * inputSize, 'the input batch')];
  for (const l of infos) a.push(l.spec.kind === 'flatten' ? a[l.index] : storage(maxBatch * l.outSize, `layer ${l.index}'s output`));
  const widest = Math.max(...infos.map((l) => Math.max(l.inSize, l.outSize)));
  const delta: [GPUBuffer, GPUBuffer] = [storage(maxBatch * widest, 'a gradient buffer'), storage(maxBatch * widest, 'a gradient buffer')];
  // Each conv keeps its column matrix from forward to backward; the channel-major gradient and dcol are shared.
  const convs = infos.filter((l) => l.spec.kind === 'conv2d');
  const colFloats = (l: LayerInfo) => l.weight!.size / l.outShape[0] * maxBatch * l.outShape[1] * l.outShape[2];
  const col = new Map(convs.map((l) => [l.index, storage(colFloats(l), `conv layer ${l.index}'s column matrix`)] as const));
  const t = storage(Math.max(1, ...convs.map((l) => maxBatch * l.outSize)), 'a conv gradient');
  const dcol = storage(Math.max(1, ...convs.filter((l) => l.index > firstParam).map(colFloats)), 'a conv input gradient');
  // A conv's weight gradient sums over every pixel of the batch: split-K gives it more than a workgroup or two.
  const splits = (N: number) => Math.min(MAX_SPLITS, Math.ceil(N / SPLIT_DEPTH));
  const partFloats = Math.max(1, ...convs.map((l) => splits(maxBatch * l.outShape[1] * l.outShape[2]) * l.outShape[0] * (l.weight!.size / l.outShape[0] + 1)));
  const part = storage(partFloats, 'the split weight gradient');

  const count = (n: number) => pool.uniform([n, 0, 0, 0]);

  function forward(rows: number, src: DeviceDataset, idx: GPUBuffer, training: boolean): Dispatch[] {
    const list = [
      pipelines.dispatch(W.gatherWgsl(src.source), [src.x, src.labels, idx, a[0], core.labels, pool.uniform([rows, inputSize, 0, { f: spec.input.scale }]), core.step], ceil(rows * inputSize, W.WORKGROUP)),
    ];
    for (let i = 0; i < L; i++) {
      const l = infos[i];
      const n = rows * l.outSize;
      const fuse = fusesNext(infos, i);
      const epilogue = fuse ? { kind: 'bias-activation' as const, act: infos[i + 1].spec.kind as ElementwiseActivation } : { kind: 'bias' as const };
      const extra = fuse ? [a[i + 2]] : [];
      switch (l.spec.kind) {
        case 'dense':
          list.push(gemmDispatch(c, { A: a[i], B: core.P, C: a[i + 1], m: rows, n: l.outSize, k: l.inSize, offB: l.weight!.offset, offBias: l.bias!.offset, transA: false, transB: true, epilogue, extra }));
          break;
        case 'conv2d': {
          const g = convShape(l);
          const kk = g.C * g.k * g.k;
          const N = rows * g.OH * g.OW;
          list.push(pipelines.dispatch(K.im2colWgsl(g), [a[i], col.get(i)!, count(kk * N)], ceil(kk * N, W.WORKGROUP)));
          list.push(
            gemmDispatch(c, { A: col.get(i)!, B: core.P, C: a[i + 1], m: N, n: g.O, k: kk, offB: l.weight!.offset, offBias: l.bias!.offset, transA: true, transB: true, epilogue, extra, planeSize: g.OH * g.OW }),
          );
          break;
        }
        case 'maxpool2d':
          list.push(pipelines.dispatch(K.maxpoolWgsl(l.inShape[1], l.inShape[2]), [a[i], a[i + 1], count(n)], ceil(n, W.WORKGROUP)));
          break;
        case 'flatten':
          break;
        case 'dropout':
          list.push(
            training
              ? pipelines.dispatch(K.dropoutWgsl(seed, i, (l.spec as DropoutLayer).rate, null), [a[i], a[i + 1], count(n), core.step], ceil(n, W.WORKGROUP))
              : pipelines.dispatch(K.COPY_WGSL, [a[i], a[i + 1], count(n)], ceil(n, W.WORKGROUP)),
          );
          break;
        case 'softmax':
          // Training leaves it to the loss kernel.
          if (!training) list.push(pipelines.dispatch(W.SOFTMAX_WGSL, [a[i], a[i + 1], pool.uniform([rows, l.outSize, 0, 0])], ceil(rows, W.WORKGROUP)));
          break;
        default:
          list.push(pipelines.dispatch(K.activationWgsl(l.spec.kind), [a[i], a[i + 1], count(n)], ceil(n, W.WORKGROUP)));
      }
      if (fuse) i++;
    }
    return list;
  }

  function trainStep(rows: number, src: DeviceDataset, order: GPUBuffer): Dispatch[] {
    const list = forward(rows, src, order, true);
    const last = infos[L - 1].spec.kind;
    const activationLast = last === 'softmax' || K.isElementwise(last);
    // The loss's gradient is with respect to the last activation's input (or the output itself): a[from + 1].
    const from = activationLast ? L - 2 : L - 1;
    const z = activationLast ? a[L - 1] : delta[1];
    const output = activationLast ? (last as 'softmax' | ElementwiseActivation) : 'linear';
    list.push(pipelines.dispatch(W.lossWgsl(spec.loss, output), [z, a[L], core.labels, delta[0], core.total, pool.uniform([rows, outputSize, rows, 0])], 1));

    let cur = 0;
    const gated = new Set<number>();
    for (let i = from; i >= firstParam; i--) {
      const l = infos[i];
      if (l.spec.kind === 'flatten' || gated.has(i)) continue;
      const needDx = i > firstParam;
      // The element-wise activation whose output this layer's input is (through flattens): its derivative joins our dx.
      let j = i - 1;
      while (j >= 0 && infos[j].spec.kind === 'flatten') j--;
      const gate: K.Gate = needDx && j >= 0 && K.isElementwise(infos[j].spec.kind) ? (infos[j].spec.kind as ElementwiseActivation) : null;
      if (gate) gated.add(j);
      const gateBuffers = gate ? [a[j], a[j + 1]] : [];
      const dy = delta[cur];
      const dx = delta[1 - cur];
      const rowsIn = rows * l.inSize;
      switch (l.spec.kind) {
        case 'dense':
          list.push(gemmDispatch(c, { A: dy, B: a[i], C: core.G, m: l.outSize, n: l.inSize, k: rows, offC: l.weight!.offset, offBias: l.bias!.offset, transA: true, transB: false, epilogue: { kind: 'weight-and-bias-grad' } }));
          if (needDx) {
            list.push(
              gemmDispatch(c, {
                A: dy, B: core.P, C: dx, m: rows, n: l.inSize, k: l.outSize, offB: l.weight!.offset, transA: false, transB: false,
                epilogue: gate ? { kind: 'activation-backward', act: gate } : { kind: 'store' }, extra: gateBuffers,
              }),
            );
          }
          break;
        case 'conv2d': {
          const g = convShape(l);
          const kk = g.C * g.k * g.k;
          const N = rows * g.OH * g.OW;
          list.push(pipelines.dispatch(K.toChannelMajorWgsl(g.O, g.OH * g.OW), [dy, t, count(g.O * N)], ceil(g.O * N, W.WORKGROUP)));
          const S = splits(N);
          if (S > 1) {
            const depth = Math.ceil(Math.ceil(N / S) / 16) * 16;
            list.push(gemmDispatch(c, { A: t, B: col.get(i)!, C: part, m: g.O, n: kk, k: N, transA: false, transB: true, epilogue: { kind: 'weight-and-bias-grad' }, splitK: depth }));
            const sum = pool.uniform([g.O, kk, l.weight!.offset, l.bias!.offset, Math.ceil(N / depth), 0, 0, 0]);
            list.push(pipelines.dispatch(K.SPLIT_SUM_WGSL, [part, core.G, sum], ceil(g.O * (kk + 1), W.WORKGROUP)));
          } else {
            list.push(gemmDispatch(c, { A: t, B: col.get(i)!, C: core.G, m: g.O, n: kk, k: N, offC: l.weight!.offset, offBias: l.bias!.offset, transA: false, transB: true, epilogue: { kind: 'weight-and-bias-grad' } }));
          }
          if (needDx) {
            list.push(gemmDispatch(c, { A: core.P, B: t, C: dcol, m: kk, n: N, k: g.O, offA: l.weight!.offset, transA: true, transB: false, epilogue: { kind: 'store' } }));
            list.push(pipelines.dispatch(K.col2imWgsl(g, gate), [dcol, dx, count(rowsIn), ...gateBuffers], ceil(rowsIn, W.WORKGROUP)));
          }
          break;
        }
        case 'maxpool2d':
          if (needDx) list.push(pipelines.dispatch(K.maxpoolBackwardWgsl(l.inShape[1], l.inShape[2], gate), [a[i], dy, dx, count(rowsIn), ...gateBuffers], ceil(rowsIn, W.WORKGROUP)));
          break;
        case 'dropout':
          if (needDx) list.push(pipelines.dispatch(K.dropoutWgsl(seed, i, (l.spec as DropoutLayer).rate, gate), [dy, dx, count(rowsIn), core.step, ...gateBuffers], ceil(rowsIn, W.WORKGROUP)));
          break;
        case 'softmax':
          throw new Error(`layer ${i}: softmax is for the output only`);
        default:
          if (needDx) list.push(pipelines.dispatch(K.activationBackwardWgsl(l.spec.kind, gate), [a[i], a[i + 1], dy, dx, count(rowsIn), ...gateBuffers], ceil(rowsIn, W.WORKGROUP)));
      }
      if (!needDx) break;
      cur = 1 - cur;
    }
    const o = c.optimizer;
    list.push(pipelines.dispatch(W.optimizerWgsl(o.name, o.momentum, o.beta1, o.beta2, o.epsilon), [core.P, core.G, core.S[0], core.S[1], core.step, pool.uniform([size, 0, 0, 0])], ceil(size, W.WORKGROUP)));
    return list;
  }

  return {
    size,
    outputSize,
    output: a[L],
    trainStep,
    predictPass: (rows, src, idx) => forward(rows, src, idx, false),
  };
}
