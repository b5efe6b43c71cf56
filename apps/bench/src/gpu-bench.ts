/// <reference types="@webgpu/types" />
/**
 * The GPU benchmark that `npm run gpu:bundle` packs for a bare GPU machine
 * (and that runs here on the software adapter). Prints, in order: the
 * adapter; parity of training steps against the CPU backend; dispatches and
 * command buffers per step and bytes read back per epoch; epoch times of the
 * default MLP at batch 100 and 1000 and of the default CNN at batch 100; GEMM
 * GFLOP/s; PyTorch CUDA on the same work when python3 has torch and CUDA; a
 * table of ratios.
 *
 *   node gpu-bench.js [--quick] [--parity-steps N] [--epoch-rows N] [--gemm 1024,4096] [--torch PATH|none]
 *
 * On a software adapter the sizes shrink (and it says so), so a local run is short.
 * @module
 */
import { parseArgs } from 'node:util';
import { spawnSync } from 'node:child_process';
import { existsSync } from 'node:fs';
import { Rng } from '@dnn/tensor';
import { cpuBackend, defaultCnnSpec, defaultSpec, fit, initParams, type Backend, type Dataset, type FitEvent, type ModelSpec, validateSpec } from '@dnn/nn';
import { webgpuBackend, describeAdapter, createGpuGemm, type GpuContext } from '@dnn/backend-webgpu';
import { countingDevice, type GpuCounts } from './gpu-counters.ts';
import { gflops } from './timing.ts';

const { values } = parseArgs({
  options: {
    quick: { type: 'boolean' },
    'parity-steps': { type: 'string' },
    'epoch-rows': { type: 'string' },
    gemm: { type: 'string' },
    torch: { type: 'string' },
  },
});

const fmt = (x: number, d = 2) => (Number.isFinite(x) ? x.toFixed(d) : 'n/a');
const say = (s = '') => console.log(s);
const ROWS = 60000;

/**
 * Networks checked step by step against the CPU and timed per epoch at each
 * of their batch sizes; `short` names them in the table and to gpu_torch.py.
 */
interface Network {
  short: 'mlp' | 'cnn';
  name: string;
  spec: () => ModelSpec;
  batches: number[];
}
const NETWORKS: Network[] = [
  { short: 'mlp', name: 'MLP 784-400-200-10 (relu, softmax, cross-entropy)', spec: () => defaultSpec(), batches: [100, 1000] },
  { short: 'cnn', name: 'CNN conv16x5,relu,pool2,conv32x5,relu,pool2,flatten,dense128,relu,dense10 (the default CNN)', spec: () => defaultCnnSpec(), batches: [100] },
];
const QUICK_NETWORKS: Network[] = [
  { short: 'mlp', name: 'MLP 784-32-16-10 (--quick: a narrow twin of the default)', spec: () => defaultSpec({ hidden: [32, 16] }), batches: [100, 1000] },
  { short: 'cnn', name: 'CNN conv2x5,relu,pool2,conv4x5,relu,pool2,flatten,dense16,relu,dense10 (--quick: a narrow twin of the default)', spec: quickCnn, batches: [100] },
];

/** The default CNN with an eighth of its channels and units: the same kernels, a fraction of the work. */
function quickCnn(): ModelSpec {
  const s = defaultCnnSpec();
  return validateSpec({ ...s, layers: s.layers.map((l) => (l.kind === 'conv2d' || (l.kind === 'dense' && l.out !== 10) ? { ...l, out: l.out / 8 } : l)) });
}

/** Random bytes of MNIST's shape: timing and parity do not depend on the values. */
function syntheticData(rows: number, features: number, classes: number, seed: number): Dataset {
  const rng = new Rng(seed);
  const x = new Uint8Array(rows * features);
  for (let i = 0; i < x.length; i++) x[i] = rng.int(256);
  return { x, labels: Uint8Array.from({ length: rows }, () => rng.int(classes)), count: rows, features, classes };
}

function isSoftware(ctx: GpuContext, info: Record<string, unknown>): boolean {
  return info.fallback === true || /OpenGL|software/i.test(ctx.route) || /llvmpipe|lavapipe|swiftshader|software/i.test(`${info.description} ${info.vendor}`);
}

// 1. The adapter.
const counts: GpuCounts = { dispatches: 0, commandBuffers: 0, bytesReadBack: 0 };
const plain = await webgpuBackend().catch((e: Error) => {
  console.error(`gpu-bench: ${e.message}. On a GPU machine this usually means no Vulkan loader (pass run.sh --debs DIR with libvulkan1 and friends) or no driver manifest (set VK_DRIVER_FILES).`);
  process.exit(2);
});
const counted = await webgpuBackend({ device: countingDevice(plain.context.device, counts) });
const info = describeAdapter(plain.context);
const adapterInfo = (plain.context.adapter as { info?: GPUAdapterInfo } | null)?.info;
const software = isSoftware(plain.context, info);
const quick = Boolean(values.quick);
const networks = quick ? QUICK_NETWORKS : NETWORKS;
say(`== adapter`);
say(`  ${plain.describe()}`);
say(`  vendor ${adapterInfo?.vendor || '?'}, architecture ${adapterInfo?.architecture || '?'}, device ${adapterInfo?.device || '?'}, route ${plain.context.route}${software ? ' (a software adapter)' : ''}`);
const l = plain.context.device.limits;
say(`  limits: ${['maxComputeInvocationsPerWorkgroup', 'maxComputeWorkgroupSizeX', 'maxComputeWorkgroupStorageSize', 'maxStorageBufferBindingSize', 'maxBufferSize', 'maxStorageBuffersPerShaderStage'].map((k) => `${k} ${(l as unknown as Record<string, number>)[k]}`).join(', ')}`);
if (software) say('  (software adapter: sizes below are cut down so the run stays short; speeds mean nothing here)');

// 2. Parity against the CPU backend, step by step.
const paritySteps = Number(values['parity-steps'] ?? (quick ? 3 : software ? 5 : 50));
say(`\n== parity: ${paritySteps} training steps (batch 100, Adam) against the cpu backend, loss sum per step${paritySteps < 50 ? ' (fewer than 50: a software adapter or --quick)' : ''}`);
const parityData = syntheticData(2000, 784, 10, 7);
let parityOk = true;
for (const net of networks) {
  const spec = net.spec();
  const order = new Uint32Array(parityData.count);
  for (let i = 0; i < order.length; i++) order[i] = i;
  new Rng(3).shuffle(order);
  const make = (b: Backend) => b.createTrainer({ spec, params: initParams(spec, 1), optimizer: { name: 'adam' }, data: parityData, maxBatch: 100 });
  const cpu = await make(cpuBackend());
  const gpu = await make(plain);
  let worst = 0;
  for (let s = 0; s < paritySteps; s++) {
    const start = (s * 100) % (parityData.count - 100);
    const want = await cpu.train(order, start, 100, 100, 1e-3);
    const got = await gpu.train(order, start, 100, 100, 1e-3);
    worst = Math.max(worst, Math.abs(got.lossSum - want.lossSum) / Math.max(Math.abs(want.lossSum), 1e-30));
  }
  const pc = await cpu.getParams();
  const pg = await gpu.getParams();
  let maxDiff = 0;
  let maxAbs = 1e-30;
  for (let i = 0; i < pc.length; i++) {
    maxDiff = Math.max(maxDiff, Math.abs(pc[i] - pg[i]));
    maxAbs = Math.max(maxAbs, Math.abs(pc[i]));
  }
  const ok = worst < 1e-4 && maxDiff / maxAbs < 1e-3;
  parityOk &&= ok;
  say(`  ${net.name}: worst loss relative difference ${worst.toExponential(2)}, parameters ${(maxDiff / maxAbs).toExponential(2)} of the largest -> ${ok ? 'OK' : 'MISMATCH'}`);
  await gpu.dispose();
}

// 3. Epoch times, with dispatches and command buffers per step and bytes read back, counted over the timed epoch.
const epochRows = Number(values['epoch-rows'] ?? (quick ? 1000 : software ? 2000 : ROWS));
const data = syntheticData(epochRows, 784, 10, 11);
const scaled = epochRows < ROWS ? `${epochRows} rows timed, scaled to ${ROWS} (a software adapter or --quick)` : `${ROWS} rows`;
say(`\n== epochs: Adam, lr 1e-3, ${scaled}; the second epoch is timed (the first compiles pipelines)`);
const epochs: Record<string, number> = {};
for (const net of networks) {
  for (const batch of net.batches) {
    let mark = { ...counts };
    let timed = { ...counts };
    const onEvent = (e: FitEvent) => {
      if (e.type !== 'epoch') return;
      if (e.epoch === 1) mark = { ...counts };
      else timed = { dispatches: counts.dispatches - mark.dispatches, commandBuffers: counts.commandBuffers - mark.commandBuffers, bytesReadBack: counts.bytesReadBack - mark.bytesReadBack };
    };
    const r = await fit(net.spec(), data, { epochs: 2, batchSize: batch, validation: 0, seed: 1, optimizer: { name: 'adam' }, schedule: { name: 'constant', lr: 1e-3, lrEnd: 1e-3 }, backend: counted, onEvent });
    const steps = Math.ceil(epochRows / batch);
    epochs[`${net.name} ${batch}`] = (r.history[1].seconds * ROWS) / epochRows;
    say(
      `  ${net.name.split(' (')[0]}, batch ${String(batch).padStart(4)}: ${fmt(epochs[`${net.name} ${batch}`], 3)} s per ${ROWS}-row epoch; ` +
        `${fmt(timed.dispatches / steps, 1)} dispatches and ${fmt(timed.commandBuffers / steps, 3)} command buffers per step, ${timed.bytesReadBack} bytes read back in the epoch (${steps} steps)`,
    );
  }
}

// 4. GEMM.
const gemmSizes = values.gemm ? values.gemm.split(',').map(Number) : quick ? [64, 128] : software ? [128, 256] : [1024, 4096];
say(`\n== GEMM C = A B, float32${software || quick ? ` (${gemmSizes.join(' and ')} cubed instead of 1024 and 4096: software adapter or --quick)` : ''}`);
const gemm = createGpuGemm(plain.context);
const gemmRates: Record<number, number> = {};
for (const n of gemmSizes) {
  const rng = new Rng(n);
  const a = Float32Array.from({ length: n * n }, () => rng.float() - 0.5);
  const reps = software ? 2 : n >= 4096 ? 10 : 50;
  await gemm.run(false, false, n, n, n, a, a, 1); // compiles
  // Time R+1 runs minus 1 run: what is left is R kernels, without the transfers.
  let t = performance.now();
  await gemm.run(false, false, n, n, n, a, a, 1);
  const one = performance.now() - t;
  t = performance.now();
  await gemm.run(false, false, n, n, n, a, a, reps + 1);
  const ms = Math.max(1e-6, (performance.now() - t - one) / reps);
  gemmRates[n] = gflops(n, n, n, ms);
  say(`  ${n} cubed: ${fmt(gemmRates[n], 1)} GFLOP/s (${gemm.describe(n, n, n)})`);
}

// 5. PyTorch on the same work, when there is CUDA.
say('\n== PyTorch CUDA');
const torch: Record<string, number> = {};
const script = values.torch ?? new URL('./gpu_torch.py', import.meta.url).pathname;
const hasTorch = values.torch !== 'none' && existsSync(script) && spawnSync('python3', ['-c', 'import torch, sys; sys.exit(0 if torch.cuda.is_available() else 3)']).status === 0;
if (!hasTorch) {
  say(`  skipped: ${values.torch === 'none' ? '--torch none' : !existsSync(script) ? `no ${script}` : 'python3 cannot import torch, or torch sees no CUDA device'}`);
} else {
  const batches = (short: string) => NETWORKS.find((n) => n.short === short)!.batches.join(',');
  const r = spawnSync('python3', [script, '--rows', String(ROWS), '--batches', batches('mlp'), '--cnn-batches', batches('cnn'), '--gemm', gemmSizes.join(',')], { encoding: 'utf8' });
  for (const line of (r.stdout ?? '').split('\n')) {
    if (!line.startsWith('{')) continue;
    const row = JSON.parse(line) as { network?: string; batch?: number; secondsPerEpoch?: number; gemm?: number; gflops?: number; device?: string };
    if (row.batch) torch[`${row.network ?? 'mlp'} ${row.batch}`] = row.secondsPerEpoch!;
    if (row.gemm) torch[`gemm ${row.gemm}`] = row.gflops!;
    say(`  ${line}`);
  }
  if (r.status !== 0) say(`  PyTorch exited with ${r.status}: ${(r.stderr ?? '').trim().split('\n').slice(-3).join(' | ')}`);
}

// 6. The table.
say('\n== summary (WebGPU / PyTorch: below 1 means WebGPU is faster for times, slower for GFLOP/s)');
say(`  ${'measure'.padEnd(40)} ${'webgpu'.padStart(10)} ${'pytorch'.padStart(10)} ${'ratio'.padStart(8)}`);
const row = (name: string, ours: number, theirs: number | undefined) =>
  say(`  ${name.padEnd(40)} ${fmt(ours, 3).padStart(10)} ${(theirs === undefined ? '-' : fmt(theirs, 3)).padStart(10)} ${(theirs === undefined ? '-' : fmt(ours / theirs, 2)).padStart(8)}`);
for (const net of networks) for (const b of net.batches) row(`epoch s, ${net.short.toUpperCase()}, batch ${b}`, epochs[`${net.name} ${b}`], quick ? undefined : torch[`${net.short} ${b}`]);
for (const n of gemmSizes) row(`GEMM GFLOP/s, ${n} cubed`, gemmRates[n], torch[`gemm ${n}`]);
say(`  parity: ${parityOk ? 'OK' : 'MISMATCH'}`);
process.exit(parityOk ? 0 : 1);
