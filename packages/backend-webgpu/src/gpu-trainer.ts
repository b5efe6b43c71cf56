/**
 * A training run on the GPU. Parameters, gradients, optimizer slots, the
 * whole training set (as bytes) and every work buffer live on the device;
 * each step is gathered there from a shuffled index buffer, and one command
 * buffer runs forward, loss, backward and the optimizer. The host reads back
 * one number per call to `train` (the summed loss), and the weights only
 * when asked.
 * @module
 */
import { createOptimizer, mlpView, paramLayout, rateOf, type Dataset, type Trainer, type TrainerOptions, type TrainerState } from '@dnn/nn';
import type { GpuContext } from './device.ts';
import * as W from './wgsl.ts';

const STORAGE = 0x80; // GPUBufferUsage.STORAGE, spelled out so nothing global is needed before the device
const COPY_SRC = 0x04;
const COPY_DST = 0x08;
const UNIFORM = 0x40;
const MAP_READ = 0x01;

interface Dispatch {
  pipeline: GPUComputePipeline;
  bind: GPUBindGroup;
  groups: [number, number];
}

export async function createGpuTrainer(ctx: GpuContext, opts: TrainerOptions): Promise<Trainer> {
  const { device } = ctx;
  const { data } = opts;
  // The WGSL step is the fused MLP's: it runs a layer list's MLP view.
  const spec = mlpView(opts.spec);
  if (!spec) throw new Error('the webgpu backend runs dense layers only so far; use --backend cpu or workers');
  const layout = paramLayout(spec);
  const L = layout.layers.length;
  const acts = [...spec.activations, spec.output];
  const optimizer = createOptimizer(opts.optimizer);
  const lim = device.limits;
  // The largest power-of-two square tile the adapter allows (8 at the compatibility level's 128 invocations).
  let tile = 16;
  while (tile * tile > lim.maxComputeInvocationsPerWorkgroup || tile > lim.maxComputeWorkgroupSizeX) tile /= 2;
  const maxBatch = Math.max(opts.maxBatch, 256);

  const buffers: GPUBuffer[] = [];
  const buffer = (bytes: number, usage: number) => {
    const b = device.createBuffer({ size: Math.max(16, Math.ceil(bytes / 4) * 4), usage });
    buffers.push(b);
    return b;
  };
  const storage = (bytes: number) => buffer(bytes, STORAGE | COPY_SRC | COPY_DST);
  const upload = (b: GPUBuffer, data: ArrayBufferView, offset = 0) => device.queue.writeBuffer(b, offset, data.buffer, data.byteOffset, data.byteLength);
  const uniform = (words: (number | { f: number })[]) => {
    const raw = new ArrayBuffer(Math.max(16, Math.ceil((words.length * 4) / 16) * 16));
    const u = new Uint32Array(raw);
    const f = new Float32Array(raw);
    words.forEach((w, i) => (typeof w === 'number' ? (u[i] = w) : (f[i] = w.f)));
    const b = buffer(raw.byteLength, UNIFORM | COPY_DST);
    device.queue.writeBuffer(b, 0, raw);
    return b;
  };

  const P = storage(layout.size * 4);
  upload(P, opts.params);
  const G = storage(layout.size * 4);
  const S = [storage(layout.size * 4 * (optimizer.slotCount > 0 ? 1 : 0)), storage(layout.size * 4 * (optimizer.slotCount > 1 ? 1 : 0))];
  const stepUniform = buffer(32, UNIFORM | COPY_DST);
  const a = [storage(maxBatch * spec.inputSize * 4), ...layout.layers.map((l) => storage(maxBatch * l.outputs * 4))];
  const z = layout.layers.map((l) => storage(maxBatch * l.outputs * 4));
  const widest = Math.max(...layout.layers.map((l) => Math.max(l.inputs, l.outputs)));
  const delta = [storage(maxBatch * widest * 4), storage(maxBatch * widest * 4)];
  const labels = storage(maxBatch * 4);
  const rowLoss = storage(maxBatch * 4);
  const total = storage(4);
  const staging = buffer(Math.max(maxBatch * spec.outputSize * 4, 16), MAP_READ | COPY_DST);

  // Datasets on the device: bytes packed four to a u32 (or floats), labels packed too.
  const uploads = new Map<Uint8Array | Float32Array, { x: GPUBuffer; labels: GPUBuffer }>();
  const datasetBuffers = (d: Dataset) => {
    let u = uploads.get(d.x);
    if (!u) {
      const bytes = d.x instanceof Uint8Array ? d.x : new Uint8Array(d.x.buffer, d.x.byteOffset, d.x.byteLength);
      const x = storage(bytes.length);
      upload(x, padTo4(bytes));
      const lb = storage(d.labels.length);
      upload(lb, padTo4(d.labels));
      u = { x, labels: lb };
      uploads.set(d.x, u);
    }
    return u;
  };
  const train = datasetBuffers(data);
  const order = storage(data.count * 4);
  const predictOrder = storage(maxBatch * 4);

  const pipelines = new Map<string, GPUComputePipeline>();
  const pipeline = (code: string) => {
    let p = pipelines.get(code);
    if (!p) {
      p = device.createComputePipeline({ layout: 'auto', compute: { module: device.createShaderModule({ code }), entryPoint: 'main' } });
      pipelines.set(code, p);
    }
    return p;
  };
  const dispatch = (code: string, resources: GPUBuffer[], groups: number | [number, number]): Dispatch => {
    const p = pipeline(code);
    const bind = device.createBindGroup({ layout: p.getBindGroupLayout(0), entries: resources.map((buffer, binding) => ({ binding, resource: { buffer } })) });
    const [x, y] = typeof groups === 'number' ? split(groups) : groups;
    return { pipeline: p, bind, groups: [x, y] };
  };
  const ceil = (n: number, d: number) => Math.ceil(n / d);
  const shape = (rows: number, cols: number, off: number, scale = 1) => uniform([rows, cols, off, { f: scale }]);
  const gemm = (A: GPUBuffer, B: GPUBuffer, C: GPUBuffer, m: number, n: number, k: number, offA: number, offB: number, offC: number, tA: boolean, tB: boolean) =>
    dispatch(W.gemmWgsl(tile), [A, B, C, uniform([m, n, k, offA, offB, offC, tA ? 1 : 0, tB ? 1 : 0, { f: 1 }, { f: 0 }])], [ceil(n, tile), ceil(m, tile)]);
  const gatherCode = data.x instanceof Uint8Array ? W.GATHER_WGSL : W.GATHER_WGSL.replace('fn byteAt(i: u32) -> u32 { return (data[i / 4u] >> ((i % 4u) * 8u)) & 255u; }', 'fn byteAt(i: u32) -> f32 { return bitcast<f32>(data[i]); }');

  /** The dispatches of a forward pass over `rows` rows gathered from `src` through `idx`. */
  const forwardPass = (rows: number, src: { x: GPUBuffer; labels: GPUBuffer }, idx: GPUBuffer, scale: number): Dispatch[] => {
    const list = [dispatch(gatherCode, [src.x, src.labels, idx, a[0], labels, shape(rows, spec.inputSize, 0, scale), stepUniform], ceil(rows * spec.inputSize, W.WORKGROUP))];
    layout.layers.forEach((l, i) => {
      list.push(gemm(a[i], P, z[i], rows, l.outputs, l.inputs, 0, l.weight, 0, false, true));
      list.push(dispatch(W.biasActivationWgsl(acts[i]), [z[i], P, a[i + 1], shape(rows, l.outputs, l.bias)], ceil(rows * l.outputs, W.WORKGROUP)));
      if (acts[i] === 'softmax') list.push(dispatch(W.SOFTMAX_WGSL, [z[i], a[i + 1], shape(rows, l.outputs, 0)], ceil(rows, W.WORKGROUP)));
    });
    return list;
  };

  const stepSchedules = new Map<number, Dispatch[]>();
  const stepSchedule = (rows: number): Dispatch[] => {
    let list = stepSchedules.get(rows);
    if (list) return list;
    list = forwardPass(rows, train, order, spec.inputScale);
    const out = layout.layers[L - 1].outputs;
    list.push(dispatch(W.lossWgsl(spec.loss), [a[L], labels, delta[0], rowLoss, shape(rows, out, rows)], ceil(rows, W.WORKGROUP)));
    if (spec.loss === 'mse') {
      if (spec.output === 'softmax') list.push(dispatch(W.SOFTMAX_BACKWARD_WGSL, [a[L], delta[0], shape(rows, out, 0)], ceil(rows, W.WORKGROUP)));
      else list.push(dispatch(W.activationBackwardWgsl(spec.output), [z[L - 1], a[L], delta[0], shape(rows, out, 0)], ceil(rows * out, W.WORKGROUP)));
    }
    list.push(dispatch(W.ACCUMULATE_WGSL, [rowLoss, total, shape(rows, 1, 0)], 1));
    let cur = 0;
    for (let i = L - 1; i >= 0; i--) {
      const l = layout.layers[i];
      list.push(gemm(delta[cur], a[i], G, l.outputs, l.inputs, rows, 0, 0, l.weight, true, false));
      list.push(dispatch(W.SUM_ROWS_WGSL, [delta[cur], G, shape(rows, l.outputs, l.bias)], ceil(l.outputs, W.WORKGROUP)));
      if (i === 0) break;
      list.push(gemm(delta[cur], P, delta[1 - cur], rows, l.inputs, l.outputs, 0, l.weight, 0, false, false));
      const act = acts[i - 1] as Exclude<typeof acts[number], 'softmax'>;
      list.push(dispatch(W.activationBackwardWgsl(act), [z[i - 1], a[i], delta[1 - cur], shape(rows, l.inputs, 0)], ceil(rows * l.inputs, W.WORKGROUP)));
      cur = 1 - cur;
    }
    const { momentum, beta1, beta2, epsilon } = optimizer.config;
    list.push(dispatch(W.optimizerWgsl(optimizer.config.name, momentum, beta1, beta2, epsilon), [P, G, S[0], S[1], stepUniform, uniform([layout.size, 0, 0, 0])], ceil(layout.size, W.WORKGROUP)));
    stepSchedules.set(rows, list);
    return list;
  };

  const run = (list: Dispatch[], after?: (enc: GPUCommandEncoder) => void) => {
    const enc = device.createCommandEncoder();
    const pass = enc.beginComputePass();
    for (const d of list) {
      pass.setPipeline(d.pipeline);
      pass.setBindGroup(0, d.bind);
      pass.dispatchWorkgroups(d.groups[0], d.groups[1]);
    }
    pass.end();
    after?.(enc);
    device.queue.submit([enc.finish()]);
  };
  const stepWords = new ArrayBuffer(32);
  const writeStep = (start: number, t: number, lr: number) => {
    const u = new Uint32Array(stepWords);
    const f = new Float32Array(stepWords);
    u[0] = start;
    u[1] = t;
    f[2] = lr;
    f[3] = 1 / (1 - optimizer.config.beta1 ** t);
    f[4] = 1 / (1 - optimizer.config.beta2 ** t);
    device.queue.writeBuffer(stepUniform, 0, stepWords);
  };
  const readBack = async (src: GPUBuffer, bytes: number): Promise<Float32Array> => {
    const enc = device.createCommandEncoder();
    enc.copyBufferToBuffer(src, 0, staging, 0, bytes);
    device.queue.submit([enc.finish()]);
    await staging.mapAsync(1 /* GPUMapMode.READ */, 0, bytes);
    const out = new Float32Array(staging.getMappedRange(0, bytes).slice(0));
    staging.unmap();
    return out;
  };
  const readLarge = async (src: GPUBuffer, floats: number): Promise<Float32Array> => {
    const tmp = device.createBuffer({ size: Math.max(16, floats * 4), usage: MAP_READ | COPY_DST });
    const enc = device.createCommandEncoder();
    enc.copyBufferToBuffer(src, 0, tmp, 0, floats * 4);
    device.queue.submit([enc.finish()]);
    await tmp.mapAsync(1);
    const out = new Float32Array(tmp.getMappedRange().slice(0));
    tmp.destroy();
    return out;
  };

  const predictSchedules = new Map<object, Map<number, Dispatch[]>>();
  let steps = 0;
  let lost: string | null = null;
  void device.lost?.then((info) => (lost = `lost: ${info.reason} ${info.message}`));
  // Validation and out-of-memory errors arrive here, not as exceptions: keep the first and fail the next call.
  device.addEventListener?.('uncapturederror', (e) => (lost ??= (e as GPUUncapturedErrorEvent).error?.message ?? 'error'));
  const alive = () => {
    if (lost) throw new Error(`the GPU device failed (${lost})`);
  };

  return {
    async train(ord, start, count, batchSize, lr) {
      alive();
      upload(order, ord.subarray(start, start + count), start * 4);
      device.queue.writeBuffer(total, 0, new Float32Array(1));
      for (let b = start; b < start + count; b += batchSize) {
        const rows = Math.min(batchSize, start + count - b);
        steps++;
        writeStep(b, steps, rateOf(lr, (b - start) / batchSize));
        run(stepSchedule(rows));
      }
      const lossSum = (await readBack(total, 4))[0];
      alive();
      return { lossSum, rows: count, steps };
    },
    async predict(d, from, to) {
      alive();
      const src = datasetBuffers(d);
      const schedules = predictSchedules.get(src) ?? new Map<number, Dispatch[]>();
      predictSchedules.set(src, schedules);
      const out = new Float32Array((to - from) * spec.outputSize);
      const chunk = maxBatch;
      for (let r = from; r < to; r += chunk) {
        const rows = Math.min(chunk, to - r);
        upload(predictOrder, Uint32Array.from({ length: rows }, (_, i) => r + i));
        writeStep(0, Math.max(steps, 1), 0);
        if (!schedules.has(rows)) schedules.set(rows, forwardPass(rows, src, predictOrder, spec.inputScale));
        run(schedules.get(rows)!);
        out.set(await readBack(a[L], rows * spec.outputSize * 4), (r - from) * spec.outputSize);
      }
      return out;
    },
    async getParams() {
      alive();
      return readLarge(P, layout.size);
    },
    async getState(): Promise<TrainerState> {
      alive();
      const slots: Float32Array[] = [];
      for (let i = 0; i < optimizer.slotCount; i++) slots.push(await readLarge(S[i], layout.size));
      return { params: await readLarge(P, layout.size), slots, steps };
    },
    async setState(s) {
      upload(P, s.params);
      s.slots.forEach((x, i) => upload(S[i], x));
      steps = s.steps;
    },
    async dispose() {
      for (const b of buffers) b.destroy();
      for (const u of uploads.values()) {
        u.x.destroy();
        u.labels.destroy();
      }
    },
  };
}

/** Bytes padded to a multiple of four (writeBuffer sizes must be). */
function padTo4(b: Uint8Array): Uint8Array {
  if (b.length % 4 === 0) return b;
  const out = new Uint8Array(Math.ceil(b.length / 4) * 4);
  out.set(b);
  return out;
}

/** Workgroup counts within the per-dimension limit, as x by y. */
function split(groups: number): [number, number] {
  if (groups <= 65535) return [Math.max(1, groups), 1];
  const y = Math.ceil(groups / 65535);
  return [Math.ceil(groups / y), y];
}
