/**
 * dnn's benchmark: one command, one process, our numbers beside the
 * baselines'. Prints GEMM GFLOP/s for the training shapes per path
 * (ours: TypeScript, WebAssembly SIMD, and the kernel as it was before cache
 * blocking; TensorFlow.js wasm and cpu; jax-js wasm), then seconds per
 * 60,000-image epoch of 784-400-200-10 (Adam, batch 100) for the cpu
 * backend (sparse and dense first layer), the workers backend at 1 and 2
 * threads (also on 20,000 images, a small run), cpu and 2 workers in
 * deterministic mode (its cost: the same epoch with and without, in the
 * same rounds), the cpu epoch in one child process and in two at once (what
 * two independent threads get from this machine, the ceiling for the
 * workers) and PyTorch with 2 threads, alternating round by round, then
 * TensorFlow.js wasm and jax-js wasm (these two time a fixed number of steps
 * and scale to 600, as they say), the ratios, and the peak memory of a
 * 2-worker training run; then the same epoch of the default CNN (steps
 * timed and scaled) on cpu and 2 workers beside PyTorch with 1 and 2
 * threads, alternating round by round (TensorFlow.js cannot be timed on
 * it: its wasm backend has no kernel for a convolution's weight gradient);
 * then the cpu epoch in each runtime (Node 20, 22, 24, Bun, Deno). `--help`
 * lists the flags.
 *
 *   npm run bench                  # everything on the CPU
 *   npm run bench -- --only epoch  # or gemm, cnn (--cnn-steps 30), runtimes; --json; --reps N; --no-baselines
 *   npm run bench -- --only gpu    # the WebGPU backend: adapter, epoch at batch 100 and 4096,
 *                                  # GEMM GFLOP/s (--gemm-size 4096, --gpu-steps 20)
 */
import { spawnSync } from 'node:child_process';
import { fileURLToPath } from 'node:url';
import { workersBackend } from '@dnn/backend-cpu-workers';
import { loadMnist, mnistDataPackageDir } from '@dnn/data-mnist';
import { cpuBackend, defaultSpec, fastKernelsPath, initParams, sliceDataset } from '@dnn/nn';
import { enableRelaxedSimdOnNode20 } from '@dnn/tensor';
import { benchKernels } from './environment.ts';
import { cnnEpochSeconds, epochSeconds, gemmMs, gemmPaths } from './ours.ts';
import { EPOCH_STEPS, SHAPES } from './shapes.ts';
import { alternate, gflops, median } from './timing.ts';
import { HELP, parseBenchArgs, UsageError, type BenchArgs } from './args.ts';
import { findTorchPython, torchEpoch } from './baseline-torch.ts';
import { childEpoch, concurrentEpochs, repoRoot, runtimes } from './runtimes.ts';
import { tfjsGemmMs, tfjsStepMs, useTfjs } from './baseline-tfjs.ts';
import { jaxGemmMs, jaxStepMs, useJax } from './baseline-jax.ts';

// The benchmark is its own process: it may turn on Node 20's relaxed SIMD, before it makes any kernel.
enableRelaxedSimdOnNode20();
let args: BenchArgs;
let kernels: ReturnType<typeof benchKernels>;
try {
  kernels = benchKernels();
  const parsed = parseBenchArgs(process.argv.slice(2));
  if (!parsed) {
    console.log(HELP);
    process.exit(0);
  }
  args = parsed;
} catch (e) {
  if (!(e instanceof UsageError || e instanceof RangeError)) throw e;
  console.error(e.message);
  process.exit(2);
}
const { reps, json, baselines } = args;
const runtime = (globalThis as any).Deno ? `deno ${(globalThis as any).Deno.version.deno}` : (process.versions as any).bun ? `bun ${(process.versions as any).bun}` : `node ${process.versions.node}`;

const out = (row: Record<string, unknown>, text: string) => console.log(json ? JSON.stringify(row) : text);
const fmt = (x: number, d = 1) => (Number.isFinite(x) ? x.toFixed(d) : 'n/a');

/** Child mode: one training epoch with validation, then the peak resident memory. */
async function rssRun(backend: string): Promise<void> {
  const { train } = await loadMnist({ packageDir: mnistDataPackageDir(import.meta.url) });
  await epochSeconds(train, backend === 'workers' ? workersBackend({ ...kernels, workers: 2 }) : cpuBackend(kernels), 10000);
  console.log(JSON.stringify({ maxRssMB: process.resourceUsage().maxRSS / 1024 }));
}

async function gemmSection(): Promise<void> {
  out({ section: 'gemm', runtime }, `\nGEMM, GFLOP/s (best of ${reps}; ${runtime}; one thread)`);
  const paths = gemmPaths();
  const tf = baselines ? await useTfjs('wasm') : null;
  const jax = baselines ? await useJax() : null;
  const header = ['shape', ...paths.map((p) => p.name), ...(baselines ? ['tfjs wasm', 'tfjs cpu', 'jax-js wasm'] : [])];
  if (!json) console.log(header.join(' | '));
  for (const s of SHAPES) {
    const row: Record<string, number> = {};
    for (const p of paths) row[p.name] = gflops(s.m, s.n, s.k, await gemmMs(p, s, reps));
    if (tf && jax) {
      row['tfjs wasm'] = gflops(s.m, s.n, s.k, await tfjsGemmMs(await useTfjs('wasm'), s, reps));
      // The pure-JS backend is slow: one timing, and not of 1024 cubed.
      row['tfjs cpu'] = s.m * s.n * s.k > 1e8 ? NaN : gflops(s.m, s.n, s.k, await tfjsGemmMs(await useTfjs('cpu'), s, 1));
      row['jax-js wasm'] = gflops(s.m, s.n, s.k, await jaxGemmMs(jax, s, reps));
    }
    const label = `${s.m}x${s.n}x${s.k} ${s.transA ? 'T' : 'N'}${s.transB ? 'T' : 'N'} (${s.name})`;
    out({ section: 'gemm', shape: label, gflops: row }, [label, ...Object.values(row).map((v) => fmt(v))].join(' | '));
  }
}

async function epochSection(): Promise<void> {
  const { train } = await loadMnist({ packageDir: mnistDataPackageDir(import.meta.url) });
  const data = sliceDataset(train, 0, train.count);
  const small = sliceDataset(train, 0, 20000);
  out(
    { section: 'epoch', runtime, kernels: fastKernelsPath(kernels) },
    `\nOne 60,000-image epoch of 784-400-200-10, Adam, batch 100 (best of ${reps}, run in alternation; ${runtime}; kernels ${fastKernelsPath(kernels)})`,
  );
  const found = baselines ? findTorchPython(args.pythons) : { skipped: '--no-baselines' };
  const torch = 'python' in found ? torchEpoch(found.python, 2) : found;
  const runs: Record<string, () => Promise<{ seconds: number; cpuSeconds?: number }>> = {
    cpu: () => epochSeconds(data, cpuBackend(kernels)),
    'cpu, dense first layer': () => epochSeconds(data, cpuBackend({ ...kernels, sparseInput: false })),
    'workers x1': () => epochSeconds(data, workersBackend({ ...kernels, workers: 1 })),
    'workers x2': () => epochSeconds(data, workersBackend({ ...kernels, workers: 2 })),
    // A small run (`dnn-cli train --limit 20000`), where the pool's fixed costs weigh more.
    'workers x1, 20,000 images': () => epochSeconds(small, workersBackend({ ...kernels, workers: 1 })),
    'workers x2, 20,000 images': () => epochSeconds(small, workersBackend({ ...kernels, workers: 2 })),
    // Deterministic mode's cost: fixed row blocks summed in a fixed tree, plain SIMD (no relaxed fused multiply-add).
    'cpu, deterministic': () => epochSeconds(data, cpuBackend({ ...kernels, deterministic: true })),
    'workers x2, deterministic': () => epochSeconds(data, workersBackend({ ...kernels, workers: 2, deterministic: true })),
  };
  // The machine's own ceiling for two threads: the cpu epoch in one child process, then in two at once.
  const self = runtimes(repoRoot(), fileURLToPath(import.meta.url), process.execPath)[0];
  const childSeconds = (r: Awaited<ReturnType<typeof concurrentEpochs>>) => ({ seconds: Math.max(...r.map((e) => ('seconds' in e ? e.seconds : NaN))) });
  runs['cpu, one process'] = async () => childSeconds(await concurrentEpochs(self, 1));
  runs['cpu, two processes at once'] = async () => childSeconds(await concurrentEpochs(self, 2));
  // PyTorch takes its turn in each round too (its first run above checked that it works).
  if ('seconds' in torch) {
    runs['PyTorch, 2 threads'] = async () => {
      const r = torchEpoch(torch.python, 2);
      return { seconds: 'seconds' in r ? r.seconds : NaN };
    };
  }
  const samples = await alternate(reps, runs);
  const rows: Record<string, number> = {};
  for (const [name, list] of Object.entries(samples)) {
    rows[name] = Math.min(...list.map((s) => s.seconds));
    const cpuBest = Math.min(...list.map((s) => s.cpuSeconds ?? NaN));
    const cpuNote = name.startsWith('cpu') && Number.isFinite(cpuBest) ? ` (CPU time ${fmt(cpuBest, 2)} s)` : '';
    const scaled = 'stepsTimed' in torch && torch.stepsTimed < torch.steps ? `, ${torch.stepsTimed} of ${torch.steps} steps timed, scaled` : '';
    const note = name.startsWith('PyTorch') && 'version' in torch ? ` (torch ${torch.version}, ${torch.python}, BLAS ${torch.blas}${scaled})` : '';
    out({ section: 'epoch', backend: name, seconds: rows[name], cpuSeconds: cpuBest }, `  ${name.padEnd(28)} ${fmt(rows[name], 2)} s${cpuNote}${note}`);
  }
  if ('skipped' in torch) out({ section: 'epoch', backend: 'PyTorch, 2 threads', skipped: torch.skipped }, `  ${'PyTorch, 2 threads'.padEnd(28)} skipped: ${torch.skipped}`);
  if (baselines) {
    const steps = 20;
    const tfMs = await tfjsStepMs(await useTfjs('wasm'), steps);
    rows['tfjs wasm'] = (tfMs * EPOCH_STEPS) / 1000;
    out({ section: 'epoch', backend: 'tfjs wasm', seconds: rows['tfjs wasm'], scaledFromSteps: steps }, `  ${'tfjs wasm (20 steps x 30)'.padEnd(28)} ${fmt(rows['tfjs wasm'], 2)} s`);
    const jaxMs = await jaxStepMs(await useJax(), 50);
    rows['jax-js wasm'] = (jaxMs * EPOCH_STEPS) / 1000;
    out({ section: 'epoch', backend: 'jax-js wasm', seconds: rows['jax-js wasm'], scaledFromSteps: 50 }, `  ${'jax-js wasm (50 steps x 12)'.padEnd(28)} ${fmt(rows['jax-js wasm'], 2)} s`);
  }
  const ratio = (a: string, b: string) => rows[a] / rows[b];
  /** The median over rounds of a/b, each round's pair run back to back: steadier than a ratio of bests on a busy machine. */
  const paired = (a: string, b: string, key: 'seconds' | 'cpuSeconds' = 'seconds') => median(samples[a].map((s, i) => (s[key] ?? NaN) / (samples[b][i][key] ?? NaN)));
  const ratios: Record<string, number> = {
    'sparse first layer speed-up (dense / sparse, wall, median of rounds)': paired('cpu, dense first layer', 'cpu'),
    'sparse first layer speed-up (dense / sparse, CPU time, median)': paired('cpu, dense first layer', 'cpu', 'cpuSeconds'),
    'workers x2 speed-up over workers x1 (median of rounds)': paired('workers x1', 'workers x2'),
    'the same on 20,000 images (median of rounds)': paired('workers x1, 20,000 images', 'workers x2, 20,000 images'),
    'workers x1 cost over cpu': ratio('workers x1', 'cpu'),
    // Each process's epoch takes as long as the slower of the two: 2 / this is the most 2 threads can gain here.
    'two independent cpu epochs at once: slower one / one alone (median)': paired('cpu, two processes at once', 'cpu, one process'),
    'so the most 2 threads can gain on this machine (2 / that)': 2 / paired('cpu, two processes at once', 'cpu, one process'),
    'deterministic mode cost, cpu (deterministic / not, median of rounds)': paired('cpu, deterministic', 'cpu'),
    'deterministic mode cost, workers x2 (deterministic / not, median)': paired('workers x2, deterministic', 'workers x2'),
  };
  if (samples['PyTorch, 2 threads']) {
    ratios['cpu (1 thread) / PyTorch 2 threads (median of rounds)'] = paired('cpu', 'PyTorch, 2 threads');
    ratios['workers x2 / PyTorch 2 threads (median of rounds)'] = paired('workers x2', 'PyTorch, 2 threads');
  }
  if (baselines) {
    ratios['tfjs wasm / workers x2'] = ratio('tfjs wasm', 'workers x2');
    ratios['jax-js wasm / workers x2'] = ratio('jax-js wasm', 'workers x2');
    ratios['jax-js wasm / cpu (1 thread)'] = ratio('jax-js wasm', 'cpu');
  }
  for (const [k, v] of Object.entries(ratios)) out({ section: 'ratio', name: k, value: v }, `  ${k.padEnd(70)} ${fmt(v, 2)}x`);
  const child = spawnSync(process.execPath, [fileURLToPath(import.meta.url), '--rss-run', 'workers'], { encoding: 'utf8' });
  const rss = JSON.parse(child.stdout.trim().split('\n').pop() ?? '{}').maxRssMB;
  out({ section: 'memory', backend: 'workers x2', maxRssMB: rss }, `  peak resident memory of a 2-worker training epoch (with validation): ${fmt(rss, 0)} MB`);
}

/** Child mode: one cpu epoch in whatever runtime runs this file, as one JSON line. */
async function epochChild(): Promise<void> {
  const { train } = await loadMnist({ packageDir: mnistDataPackageDir(import.meta.url) });
  const { seconds } = await epochSeconds(sliceDataset(train, 0, train.count), cpuBackend(kernels));
  console.log(JSON.stringify({ runtime, kernels: fastKernelsPath(kernels), seconds }));
}

/** The cpu epoch in Node 20, 22, 24, Bun and Deno, each a child process running this file; rounds alternate. */
async function runtimesSection(): Promise<void> {
  out({ section: 'runtimes' }, `\nThe cpu epoch (60,000 images, default network) per runtime (best of ${reps}, rounds alternating)`);
  const list = runtimes(repoRoot(), fileURLToPath(import.meta.url), process.execPath);
  const samples = await alternate(reps, Object.fromEntries(list.map((rt) => [rt.name, () => childEpoch(rt)])));
  for (const rt of list) {
    const ok = samples[rt.name].filter((r) => 'seconds' in r) as { runtime: string; kernels: string; seconds: number }[];
    if (ok.length === 0) {
      const why = (samples[rt.name][0] as { skipped: string }).skipped;
      out({ section: 'runtimes', runtime: rt.name, skipped: why }, `  ${rt.name.padEnd(20)} skipped: ${why}`);
      continue;
    }
    const best = Math.min(...ok.map((r) => r.seconds));
    out({ section: 'runtimes', runtime: ok[0].runtime, kernels: ok[0].kernels, seconds: best }, `  ${ok[0].runtime.padEnd(20)} ${fmt(best, 2)} s (${ok[0].kernels})`);
  }
}

/**
 * The default CNN's epoch: dnn on one thread and on two workers, PyTorch
 * with 1 and 2 threads (cpu_torch.py --arch cnn, the same network and batch),
 * each from the same number of timed steps, rounds alternating; the ratios
 * pair dnn's 1 thread with PyTorch's 1 and dnn's 2 workers with PyTorch's 2.
 */
async function cnnSection(): Promise<void> {
  const { train } = await loadMnist({ packageDir: mnistDataPackageDir(import.meta.url) });
  const steps = args.cnnSteps;
  out(
    { section: 'cnn', runtime, kernels: fastKernelsPath(kernels), steps },
    `\nOne 60,000-image epoch of the default CNN (conv16x5,relu,pool2,conv32x5,relu,pool2,dense128,relu,dense10), Adam, batch 100\n(${steps} steps timed, scaled to 600; best of ${reps}, run in alternation; ${runtime}; kernels ${fastKernelsPath(kernels)})`,
  );
  const found = baselines ? findTorchPython(args.pythons) : { skipped: '--no-baselines' };
  const torch = 'python' in found ? torchEpoch(found.python, 1, { arch: 'cnn', steps: 2 }) : found;
  const runs: Record<string, () => Promise<{ seconds: number }>> = {
    cpu: async () => ({ seconds: await cnnEpochSeconds(train, cpuBackend(kernels), steps) }),
    'workers x2': async () => ({ seconds: await cnnEpochSeconds(train, workersBackend({ ...kernels, workers: 2 }), steps) }),
  };
  // PyTorch takes its turn in each round too (the short run above checked that it works).
  if ('python' in found && 'seconds' in torch) {
    for (const threads of [1, 2]) {
      runs[`PyTorch, ${threads} thread${threads > 1 ? 's' : ''}`] = async () => {
        const r = torchEpoch(found.python, threads, { arch: 'cnn', steps });
        return { seconds: 'seconds' in r ? r.seconds : NaN };
      };
    }
  }
  const samples = await alternate(reps, runs);
  const rows: Record<string, number> = {};
  for (const [name, list] of Object.entries(samples)) {
    rows[name] = Math.min(...list.map((s) => s.seconds));
    const note = name.startsWith('PyTorch') && 'version' in torch ? ` (torch ${torch.version}, ${torch.python}, BLAS ${torch.blas})` : '';
    out({ section: 'cnn', backend: name, seconds: rows[name] }, `  ${name.padEnd(28)} ${fmt(rows[name], 2)} s${note}`);
  }
  if ('skipped' in torch) out({ section: 'cnn', backend: 'PyTorch', skipped: torch.skipped }, `  ${'PyTorch'.padEnd(28)} skipped: ${torch.skipped}`);
  const paired = (a: string, b: string) => median(samples[a].map((s, i) => s.seconds / samples[b][i].seconds));
  const ratios: Record<string, number> = { 'workers x2 speed-up over cpu (median of rounds)': paired('cpu', 'workers x2') };
  if (samples['PyTorch, 1 thread']) {
    ratios['cpu (1 thread) / PyTorch 1 thread (median of rounds)'] = paired('cpu', 'PyTorch, 1 thread');
    ratios['workers x2 / PyTorch 2 threads (median of rounds)'] = paired('workers x2', 'PyTorch, 2 threads');
  }
  for (const [k, v] of Object.entries(ratios)) out({ section: 'ratio', name: k, value: v }, `  ${k.padEnd(62)} ${fmt(v, 2)}x`);
  // Checked with @tensorflow/tfjs 4: the wasm backend has no Conv2DBackpropFilter kernel, and the cpu
  // backend's takes about a minute for the second conv's weight gradient, so neither is timed here.
  out({ section: 'cnn', note: 'no TensorFlow.js baseline' }, '  TensorFlow.js: not timed (wasm cannot train a conv layer: no Conv2DBackpropFilter kernel; cpu takes about a minute per step)');
}

/** The WebGPU backend: the adapter, epoch times at two batch sizes (steps timed, then scaled), and the GEMM. */
async function gpuSection(): Promise<void> {
  const { webgpuBackend, createGpuGemm } = await import('@dnn/backend-webgpu');
  const backend = await webgpuBackend();
  out({ section: 'gpu', adapter: backend.describe() }, `\nWebGPU: ${backend.describe()}`);
  const { train } = await loadMnist({ packageDir: mnistDataPackageDir(import.meta.url) });
  const steps = args.gpuSteps;
  for (const batch of [100, 4096]) {
    const trainer = await backend.createTrainer({ spec: defaultSpec(), params: initParams(defaultSpec(), 1), optimizer: { name: 'adam' }, data: train, maxBatch: batch });
    const order = Uint32Array.from({ length: train.count }, (_, i) => i);
    await trainer.train(order, 0, batch * 2, batch, 1e-3); // warm-up: pipelines and first uploads
    const t = performance.now();
    const n = Math.min(steps, Math.floor(train.count / batch) - 2);
    await trainer.train(order, batch * 2, batch * n, batch, 1e-3);
    const perStep = (performance.now() - t) / n;
    const epoch = (perStep * Math.ceil(60000 / batch)) / 1000;
    out({ section: 'gpu', batch, secondsPerEpoch: epoch, stepsTimed: n }, `  batch ${String(batch).padStart(4)}: ${fmt(epoch, 2)} s per 60,000-image epoch (${n} steps timed, scaled)`);
    await trainer.dispose();
  }
  const size = args.gemmSize;
  const g = createGpuGemm(backend.context);
  const a = new Float32Array(size * size).fill(0.5);
  await g.run(false, false, size, size, size, a, a, 1);
  const t = performance.now();
  await g.run(false, false, size, size, size, a, a, 5);
  const ms = (performance.now() - t) / 5;
  out({ section: 'gpu', gemm: size, gflops: gflops(size, size, size, ms) }, `  GEMM ${size} cubed: ${fmt(gflops(size, size, size, ms))} GFLOP/s (${g.describe(size, size, size)})`);
}

if (args.rssRun) await rssRun(args.rssRun);
else if (args.epochChild) await epochChild();
else {
  if (args.sections.includes('gemm')) await gemmSection();
  if (args.sections.includes('epoch')) await epochSection();
  if (args.sections.includes('cnn')) await cnnSection();
  if (args.sections.includes('runtimes')) await runtimesSection();
  if (args.sections.includes('gpu')) await gpuSection();
  process.exit(0);
}
