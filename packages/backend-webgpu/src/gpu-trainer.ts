/**
 * A training run on the GPU. Parameters, gradients, optimizer slots, the
 * whole training set (as bytes) and every work buffer live on the device;
 * each step is gathered there from a shuffled index buffer. One call to
 * `train` is one command buffer: every step's compute pass, each preceded
 * by a copy of that step's uniform (batch start, learning rate, Adam's
 * corrections) from a table uploaded once, then the copy of the loss sum,
 * the one number read back. The weights are read only when asked.
 * @module
 */
import { checkState, createOptimizer, TrainerDisposedError, mlpView, paramLayout, rateOf, type LearningRates, type ModelSpec, type Trainer, type TrainerOptions, type TrainerState } from '@dnn/nn';
import type { GpuContext } from './device.ts';
import { bufferPool, COPY_DST, MAP_READ, UNIFORM } from './gpu-buffers.ts';
import { datasetCache, upload, type DeviceDataset } from './gpu-uploads.ts';
import { pipelineCache } from './pipeline-cache.ts';
import { mapStaging, readLarge } from './readback.ts';
import { layerPlan } from './layer-schedule.ts';
import { encodePass, predictPass, trainStep, type MlpView, type ScheduleContext, type StepPlan, type TrainerCore, type Workspace } from './step-schedule.ts';
import { STEP_BYTES } from './wgsl.ts';
import { gemmTiles, type GemmTiles } from './wgsl-gemm.ts';

/**
 * The dense layers of a dense-only list, from its MLP view (@dnn/nn's
 * `mlpView`): those run the fused MLP schedule. Null for any other list,
 * which runs layer by layer (layer-schedule.ts).
 */
export function gpuNet(spec: ModelSpec): MlpView | null {
  const mlp = mlpView(spec);
  if (!mlp) return null;
  const layout = paramLayout(mlp);
  return {
    inputSize: mlp.inputSize,
    outputSize: mlp.outputSize,
    layers: layout.layers,
    size: layout.size,
    activations: [...mlp.activations, mlp.output],
    loss: mlp.loss,
    inputScale: mlp.inputScale,
  };
}

/** The fused MLP schedule's buffers and plan. */
function mlpPlan(sc: Omit<ScheduleContext, 'net' | 'ws'>, core: TrainerCore, net: MlpView, maxBatch: number): StepPlan {
  const f32s = (n: number) => n * 4;
  const widest = Math.max(...net.layers.map((l) => Math.max(l.inputs, l.outputs)));
  const ws: Workspace = {
    ...core,
    a: [sc.pool.storage(f32s(maxBatch * net.inputSize)), ...net.layers.map((l) => sc.pool.storage(f32s(maxBatch * l.outputs)))],
    z: net.layers.map((l) => sc.pool.storage(f32s(maxBatch * l.outputs))),
    delta: [sc.pool.storage(f32s(maxBatch * widest)), sc.pool.storage(f32s(maxBatch * widest))],
  };
  const full: ScheduleContext = { ...sc, net, ws };
  return {
    size: net.size,
    outputSize: net.outputSize,
    output: ws.a[net.layers.length],
    trainStep: (rows, src, order) => trainStep(full, rows, src, order),
    predictPass: (rows, src, idx) => predictPass(full, rows, src, idx),
  };
}

/** Every GEMM on `tile` when one is given, else the tile chosen by each product's size. */
function forceTile(tiles: GemmTiles, tile?: keyof GemmTiles): GemmTiles {
  if (!tile) return tiles;
  const t = tiles[tile];
  return { xl: t, large: t, small: t, tiny: t };
}

export async function createGpuTrainer(ctx: GpuContext, opts: TrainerOptions, gemmTile?: keyof GemmTiles): Promise<Trainer> {
  const { device } = ctx;
  const net = gpuNet(opts.spec);
  const size = paramLayout(opts.spec).size;
  const optimizer = createOptimizer(opts.optimizer);
  const maxBatch = Math.max(opts.maxBatch, 256);
  const pool = bufferPool(device);
  const f32s = (n: number) => n * 4;

  // Allocation: the buffers every schedule shares, then the network's own.
  const core: TrainerCore = {
    P: pool.storage(f32s(size)),
    G: pool.storage(f32s(size)),
    S: [pool.storage(f32s(optimizer.slotCount > 0 ? size : 0)), pool.storage(f32s(optimizer.slotCount > 1 ? size : 0))],
    step: pool.buffer(STEP_BYTES, UNIFORM | COPY_DST),
    labels: pool.storage(f32s(maxBatch)),
    total: pool.storage(4),
  };
  upload(device, core.P, opts.params);
  const { momentum, beta1, beta2, epsilon, name } = optimizer.config;
  const sc = {
    pool,
    pipelines: pipelineCache(device),
    tiles: forceTile(gemmTiles(device.limits.maxComputeInvocationsPerWorkgroup, device.limits.maxComputeWorkgroupStorageSize), gemmTile),
    optimizer: { name, momentum, beta1, beta2, epsilon },
  };
  let plan: StepPlan;
  try {
    plan = net ? mlpPlan(sc, core, net, maxBatch) : layerPlan(sc, core, opts.spec, maxBatch, opts.seed ?? 0, device.limits.maxStorageBufferBindingSize);
  } catch (e) {
    pool.destroyAll();
    throw e;
  }
  const staging = pool.buffer(Math.max(f32s(maxBatch * plan.outputSize), 16), MAP_READ | COPY_DST);
  const onDevice = datasetCache(device, pool);
  const train = onDevice(opts.data);
  const order = pool.storage(f32s(opts.data.count));
  const predictOrder = pool.storage(f32s(maxBatch));
  let stepTable = pool.storage(STEP_BYTES * 64);
  let stepTableSteps = 64;

  // Schedules, built once per batch size.
  const memo = <K, V>(make: (k: K) => V) => {
    const m = new Map<K, V>();
    return (k: K) => m.get(k) ?? (m.set(k, make(k)), m.get(k)!);
  };
  const stepSchedule = memo((rows: number) => plan.trainStep(rows, train, order));
  const predictSchedules = memo((src: DeviceDataset) => memo((rows: number) => plan.predictPass(rows, src, predictOrder)));

  /** One Step record per batch of a `train` call (each with its own rate), uploaded in one write. */
  const writeStepTable = (first: number, batches: { start: number }[], lr: LearningRates) => {
    if (batches.length > stepTableSteps) {
      stepTableSteps = 2 ** Math.ceil(Math.log2(batches.length));
      stepTable = pool.storage(STEP_BYTES * stepTableSteps);
    }
    const raw = new ArrayBuffer(STEP_BYTES * batches.length);
    const u = new Uint32Array(raw);
    const f = new Float32Array(raw);
    batches.forEach((b, i) => {
      const t = first + i;
      const w = (i * STEP_BYTES) / 4;
      u[w] = b.start;
      u[w + 1] = t;
      f[w + 2] = rateOf(lr, i);
      f[w + 3] = 1 / (1 - beta1 ** t);
      f[w + 4] = 1 / (1 - beta2 ** t);
    });
    device.queue.writeBuffer(stepTable, 0, raw);
  };

  let steps = 0;
  let lost: string | null = null;
  void device.lost?.then((info) => (lost = `lost: ${info.reason} ${info.message}`));
  // Validation and out-of-memory errors arrive here, not as exceptions: keep the first and fail the next call.
  device.addEventListener?.('uncapturederror', (e) => (lost ??= (e as GPUUncapturedErrorEvent).error?.message ?? 'error'));
  let disposed = false;
  const alive = () => {
    if (disposed) throw new TrainerDisposedError();
    if (lost) throw new Error(`the GPU device failed (${lost})`);
  };

  return {
    async train(ord, start, count, batchSize, lr) {
      alive();
      upload(device, order, ord.subarray(start, start + count), start * 4);
      device.queue.writeBuffer(core.total, 0, new Float32Array(1));
      const batches: { start: number; rows: number }[] = [];
      for (let b = start; b < start + count; b += batchSize) batches.push({ start: b, rows: Math.min(batchSize, start + count - b) });
      writeStepTable(steps + 1, batches, lr);
      // Every step of this call in one command buffer, the loss sum's copy last.
      const enc = device.createCommandEncoder();
      batches.forEach((b, i) => {
        enc.copyBufferToBuffer(stepTable, i * STEP_BYTES, core.step, 0, STEP_BYTES);
        encodePass(enc, stepSchedule(b.rows));
      });
      enc.copyBufferToBuffer(core.total, 0, staging, 0, 4);
      device.queue.submit([enc.finish()]);
      steps += batches.length;
      const lossSum = (await mapStaging(staging, 4))[0];
      alive();
      return { lossSum, rows: count, steps };
    },
    async predict(d, from, to) {
      alive();
      const schedules = predictSchedules(onDevice(d));
      const out = new Float32Array((to - from) * plan.outputSize);
      for (let r = from; r < to; r += maxBatch) {
        const rows = Math.min(maxBatch, to - r);
        upload(device, predictOrder, Uint32Array.from({ length: rows }, (_, i) => r + i));
        writeStepTable(Math.max(steps, 1), [{ start: 0 }], 0);
        const enc = device.createCommandEncoder();
        enc.copyBufferToBuffer(stepTable, 0, core.step, 0, STEP_BYTES);
        encodePass(enc, schedules(rows));
        enc.copyBufferToBuffer(plan.output, 0, staging, 0, f32s(rows * plan.outputSize));
        device.queue.submit([enc.finish()]);
        out.set(await mapStaging(staging, f32s(rows * plan.outputSize)), (r - from) * plan.outputSize);
      }
      return out;
    },
    async getParams() {
      alive();
      return readLarge(device, core.P, size);
    },
    async getState(): Promise<TrainerState> {
      alive();
      const slots: Float32Array[] = [];
      for (let i = 0; i < optimizer.slotCount; i++) slots.push(await readLarge(device, core.S[i], size));
      return { params: await readLarge(device, core.P, size), slots, steps };
    },
    async setState(s) {
      checkState(s, size, optimizer.slotCount);
      upload(device, core.P, s.params);
      s.slots.forEach((x, i) => upload(device, core.S[i], x));
      steps = s.steps;
    },
    async dispose() {
      disposed = true;
      pool.destroyAll();
    },
  };
}
