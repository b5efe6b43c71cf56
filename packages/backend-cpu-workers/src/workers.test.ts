// Imports the built package, so the worker script resolves beside it in
// every runtime (the Node tests run from a bundle elsewhere).
import { test, expect } from 'bun:test';
import { spawnSync } from 'node:child_process';
import { fileURLToPath } from 'node:url';
import { maxRelativeError, Rng } from '@dnn/tensor';
import { cpuBackend, defaultCnnSpec, fit, initParams, validateSpec, type Dataset, type FitOptions, type ModelSpec, type OptimizerName } from '@dnn/nn';
import { blobs as sharedBlobs, weightsHash } from '@dnn/nn/testing';
import { workersBackend, WorkerFailedError } from '@dnn/backend-cpu-workers';
import { testKernels } from '../../../test-support/environment.ts';
import { skipIf } from '../../../test-support/capabilities.ts';
import { isDeno, scriptArgv } from '../../../test-support/runtime.ts';

/** Gaussian blobs stored as bytes (the shared fixture), wider-spread: learnable, and quick. */
const blobs = (count: number, features = 24, classes = 5) => sharedBlobs(count, features, classes, 3, 40);

const spec = validateSpec({ inputSize: 24, hidden: [32, 16], activations: ['relu', 'tanh'], outputSize: 5, output: 'softmax', loss: 'cross-entropy', inputScale: 1 / 255 });
const data = blobs(1500);
const opts = (optimizer: OptimizerName, over: Partial<FitOptions> = {}): FitOptions => ({
  epochs: 2,
  batchSize: 50,
  validation: 300,
  seed: 4,
  optimizer: { name: optimizer },
  schedule: { name: 'constant', lr: optimizer === 'adam' ? 3e-3 : 0.05, lrEnd: 0 },
  backend: cpuBackend(testKernels),
  ...over,
});
const rel = (a: number, b: number) => Math.abs(a - b) / Math.max(Math.abs(a), Math.abs(b));

// Parity with the reference for every layer kind, optimizer and loss, partial batches, state and
// resume: the conformance suite (conformance.test.ts). Here: what only the pool has.

test('one worker sums nothing: two epochs with adam are bit-identical to the cpu backend', async () => {
  const ref = await fit(spec, data, opts('adam', { backend: cpuBackend() }));
  const one = await fit(spec, data, opts('adam', { backend: workersBackend({ workers: 1 }) }));
  expect(one.params).toEqual(ref.params);
});

test('the deterministic mode changes something: without it, 3 workers end in other bits than cpu; with it, the same', async () => {
  const o = opts('adam', { epochs: 1 });
  const [cpu, three] = await Promise.all([fit(spec, data, { ...o, backend: cpuBackend(testKernels) }), fit(spec, data, { ...o, backend: workersBackend({ ...testKernels, workers: 3 }) })]);
  expect(weightsHash(three.params), 'the gradient sum order shows in the weights').not.toBe(weightsHash(cpu.params));
  const [dc, d3] = [await fit(spec, data, { ...o, deterministic: true, backend: cpuBackend(testKernels) }), await fit(spec, data, { ...o, deterministic: true, backend: workersBackend({ ...testKernels, workers: 3 }) })];
  expect(weightsHash(d3.params)).toBe(weightsHash(dc.params));
  expect(d3.history[0].trainLoss).toBe(dc.history[0].trainLoss);
});

/** The blobs with most pixels exactly zero, as MNIST's (81%): the first layer's sparse products engage. */
function sparseBlobs(count: number, density: number): Dataset {
  const d = blobs(count);
  const rng = new Rng(11);
  for (let i = 0; i < d.x.length; i++) if (rng.uniform(0, 1) >= density) d.x[i] = 0;
  return d;
}

test('sparse inputs (15% non-zero): 1, 2 and 3 workers skip the zeros as cpu does, and give its losses within 1e-5', async () => {
  const sparse = sparseBlobs(1500, 0.15);
  const o = opts('adam', { epochs: 1 });
  const ref = await fit(spec, sparse, { ...o, backend: cpuBackend(testKernels) });
  const dense = await fit(spec, sparse, { ...o, backend: cpuBackend({ ...testKernels, sparseInput: false }) });
  // The sparse sums differ from the dense GEMM's in rounding: one worker matching cpu bit for bit shows it skips the zeros too.
  expect(ref.params, 'the cpu backend takes the sparse path on these inputs').not.toEqual(dense.params);
  for (const workers of [1, 2, 3]) {
    const r = await fit(spec, sparse, { ...o, backend: workersBackend({ ...testKernels, workers }) });
    for (const key of ['trainLoss', 'validationLoss'] as const) {
      expect(rel(r.history[0][key], ref.history[0][key]), `${workers} workers ${key}: ${r.history[0][key]} vs ${ref.history[0][key]}`).toBeLessThan(1e-5);
    }
    if (workers === 1) expect(r.params, 'one worker: the same sparse sums as cpu, bit for bit').toEqual(ref.params);
  }
});

test('a per-step schedule with warmup: one worker is bit-identical to cpu, two within 1e-5', async () => {
  const schedule = { name: 'cosine', lr: 0.1, lrEnd: 0.001, warmup: 7 } as const;
  const ref = await fit(spec, data, opts('momentum', { schedule }));
  const one = await fit(spec, data, opts('momentum', { schedule, backend: workersBackend({ ...testKernels, workers: 1 }) }));
  expect(one.params).toEqual(ref.params);
  const two = await fit(spec, data, opts('momentum', { schedule, backend: workersBackend({ ...testKernels, workers: 2 }) }));
  two.history.forEach((h, i) => expect(rel(h.validationLoss, ref.history[i].validationLoss), `epoch ${i + 1}`).toBeLessThan(1e-5));
  const constant = await fit(spec, data, opts('momentum', { schedule: { name: 'constant', lr: 0.1, lrEnd: 0.1 } }));
  expect(constant.params, 'the schedule changed the steps').not.toEqual(ref.params);
});

test("the kernel option reaches the workers: { simd: 'off' } on one worker is cpu's TypeScript run bit for bit, not its SIMD run", async () => {
  const o = opts('adam', { epochs: 1 });
  const typescript = await fit(spec, data, { ...o, backend: cpuBackend({ simd: 'off' }) });
  const wasm = await fit(spec, data, { ...o, backend: cpuBackend({ simd: 'simd' }) });
  expect(wasm.params, 'the two kernels round differently').not.toEqual(typescript.params);
  const one = await fit(spec, data, { ...o, backend: workersBackend({ workers: 1, simd: 'off' }) });
  expect(one.params).toEqual(typescript.params);
  expect((await fit(spec, data, { ...o, backend: workersBackend({ workers: 1, simd: 'simd' }) })).params).toEqual(wasm.params);
  expect(() => workersBackend({ workers: 1, simd: 'fast' as never })).toThrow(/simd: unknown choice "fast"/);
});

test('the start event names the backend and its thread count', async () => {
  const seen: string[] = [];
  await fit(spec, data, opts('sgd', { epochs: 1, backend: workersBackend({ ...testKernels, workers: 2 }), onEvent: (e) => e.type === 'start' && seen.push(e.backend) }));
  expect(seen).toEqual(['workers (2 threads)']);
});

/**
 * A test-only worker entry (test-fixtures/): the public worker with a fault
 * injected through its test hooks. From source in Bun and Deno; under Node
 * the bundle scripts/test-all.mjs builds beside this test's.
 */
const fixture = (name: string) => new URL(`./test-fixtures/${name}${import.meta.url.endsWith('.ts') ? '.ts' : '.js'}`, import.meta.url);

test('a worker that throws ends training with a clear error naming it, without hanging', async () => {
  const started = Date.now();
  await expect(fit(spec, data, opts('adam', { backend: workersBackend({ ...testKernels, workers: 2, workerUrl: fixture('throwing-worker') }) }))).rejects.toThrow(expect.objectContaining({ constructor: WorkerFailedError, worker: 1, message: expect.stringMatching(/worker 1 failed: injected fault/) }));
  expect(Date.now() - started).toBeLessThan(10_000);
});

skipIf(isDeno ? 'Deno gives no event when a web worker ends' : false)('a worker whose thread dies ends training with a clear error', async () => {
  await expect(fit(spec, data, opts('sgd', { backend: workersBackend({ ...testKernels, workers: 2, workerUrl: fixture('exiting-worker') }) }))).rejects.toThrow(expect.objectContaining({ constructor: WorkerFailedError, worker: 0, message: expect.stringMatching(/worker 0 failed: .*(exit|injected)/) }));
});

test('no worker outlives the run: a script that trains then returns exits by itself', () => {
  const script = fileURLToPath(new URL('./test-fixtures/train-and-return.mjs', import.meta.url)).replace('/node_modules/.cache/dnn-node-tests/', '/');
  const argv = scriptArgv(script, [fixture('throwing-worker').href]);
  const r = spawnSync(process.execPath, argv, { encoding: 'utf8', timeout: 60_000 });
  expect(r.status, r.stderr).toBe(0);
  expect(r.stdout).toMatch(/trained 1 epoch/);
  expect(r.stdout).toMatch(/failed as expected: worker 1 failed/);
});

/** Steps of a trainer over rows 0.., returning the loss of each chunk of 10 steps and the final parameters. */
async function steps(backend: ReturnType<typeof cpuBackend>, s: ModelSpec, d: Dataset, count: number, batch: number) {
  const t = await backend.createTrainer({ spec: s, params: initParams(s, 2), optimizer: { name: 'adam' }, data: d, maxBatch: batch, seed: 8 });
  try {
    const order = Uint32Array.from({ length: d.count }, (_, i) => (i * 7919) % d.count);
    const losses: number[] = [];
    for (let i = 0; i < count; i += 10) losses.push((await t.train(order, i * batch, 10 * batch, batch, 1e-3)).lossSum);
    return { losses, params: await t.getParams(), out: await t.predict(d, 0, 40) };
  } finally {
    await t.dispose();
  }
}

test('the default CNN: 50 steps on 1, 2 and 3 workers agree with cpu within 1e-4', async () => {
  const images = blobs(1000, 784, 10);
  const cnn = defaultCnnSpec();
  const ref = await steps(cpuBackend(testKernels), cnn, images, 50, 20);
  for (const workers of [1, 2, 3]) {
    const r = await steps(workersBackend({ ...testKernels, workers }), cnn, images, 50, 20);
    r.losses.forEach((l, i) => expect(rel(l, ref.losses[i]), `${workers} workers, steps ${i * 10 + 1}-${i * 10 + 10}: loss ${l} vs ${ref.losses[i]}`).toBeLessThan(1e-4));
    const e = maxRelativeError(r.params, ref.params, 1e-2);
    expect(e, `${workers} workers: parameters differ by ${e}`).toBeLessThan(1e-4);
    expect(maxRelativeError(r.out, ref.out, 1e-3), `${workers} workers: predictions`).toBeLessThan(1e-4);
  }
});

test('dropout masks are the same on any number of workers (counter-based)', async () => {
  const images = blobs(400, 2 * 9 * 9, 4);
  const s = validateSpec({
    input: { shape: [2, 9, 9], scale: 1 / 255 },
    layers: [
      { kind: 'conv2d', out: 6, kernel: 3, stride: 2, padding: 'same' },
      { kind: 'relu' },
      { kind: 'dropout', rate: 0.3 },
      { kind: 'maxpool2d' },
      { kind: 'flatten' },
      { kind: 'dense', out: 12 },
      { kind: 'dropout', rate: 0.5 },
      { kind: 'dense', out: 4 },
      { kind: 'softmax' },
    ],
    loss: 'cross-entropy',
  });
  const ref = await steps(cpuBackend(testKernels), s, images, 30, 13);
  const r = await steps(workersBackend({ ...testKernels, workers: 3 }), s, images, 30, 13);
  r.losses.forEach((l, i) => expect(rel(l, ref.losses[i]), `steps ${i * 10 + 1}-${i * 10 + 10}: loss ${l} vs ${ref.losses[i]}`).toBeLessThan(1e-4));
  expect(maxRelativeError(r.params, ref.params, 1e-2)).toBeLessThan(1e-4);
});
