// The split plan's steps (split-step.ts) and prediction on every worker
// (pool-predict.ts), against the cpu backend. Imports the built package, as
// workers.test.ts does.
import { test, expect } from 'bun:test';
import { maxRelativeError, Rng } from '@dnn/tensor';
import { cpuBackend, initParams, outputSize, validateSpec, type Backend, type Dataset, type ModelSpec } from '@dnn/nn';
import { workersBackend } from '@dnn/backend-cpu-workers';

/** Bytes in [0, 255], four in five of them zero as in MNIST (the first layer's sparse products engage), labels from a hidden rule. */
function bytes(count: number, features: number, classes: number, seed = 7): Dataset {
  const rng = new Rng(seed);
  const x = Uint8Array.from({ length: count * features }, () => (rng.uniform(0, 1) < 0.8 ? 0 : rng.int(256)));
  const labels = Uint8Array.from({ length: count }, (_, i) => (x[i * features] + x[i * features + 1]) % classes);
  return { x, labels, count, features, classes };
}

const mlp = (features: number, hidden: number[], acts: string[], classes: number): ModelSpec =>
  validateSpec({ inputSize: features, hidden, activations: acts, outputSize: classes, output: 'softmax', loss: 'cross-entropy', inputScale: 1 / 255 });

/**
 * `steps` optimizer steps of `batch` rows over rows 0.. in a fixed shuffled order, in chunks whose
 * last batch is partial (`batch - 3` rows, where there are more than 3); the loss of each chunk, the
 * final parameters, and predictions for rows [5, 45) of `other`.
 */
async function run(backend: Backend, spec: ModelSpec, d: Dataset, steps: number, batch: number, other: Dataset) {
  const t = await backend.createTrainer({ spec, params: initParams(spec, 3), optimizer: { name: 'adam' }, data: d, maxBatch: batch, seed: 8 });
  try {
    const order = Uint32Array.from({ length: d.count }, (_, i) => (i * 7919) % d.count);
    const losses: number[] = [];
    const short = batch > 3 ? 3 : 0;
    for (let s = 0, start = 0; s < steps; s += 10) {
      const count = 10 * batch - short;
      losses.push((await t.train(order, start, count, batch, 1e-3)).lossSum);
      start += count;
    }
    return { losses, params: await t.getParams(), out: await t.predict(other, 5, 45), own: await t.predict(d, 3, 30) };
  } finally {
    await t.dispose();
  }
}

const rel = (a: number, b: number) => Math.abs(a - b) / Math.max(Math.abs(a), Math.abs(b));

for (const [name, spec, batch, pools] of [
  ['13 units (not divisible by 2 or 3), then 7', mlp(30, [13, 7], ['relu', 'tanh'], 4), 20, [2, 3]],
  ['2 units on 3 workers (one owns none), one hidden layer, tanh', mlp(30, [2], ['tanh'], 3), 20, [3]],
  ['batch of 2 rows on 3 workers (one has no rows)', mlp(30, [9, 5], ['relu', 'relu'], 3), 2, [3]],
] as [string, ModelSpec, number, number[]][]) {
  test(`split steps: ${name}: 50 steps agree with cpu within 1e-4, partial last batches, predictions too`, async () => {
    const classes = outputSize(spec);
    const d = bytes(1200, 30, classes);
    const other = bytes(60, 30, classes, 99);
    const ref = await run(cpuBackend(), spec, d, 50, batch, other);
    for (const workers of [1, ...pools]) {
      const r = await run(workersBackend({ workers }), spec, d, 50, batch, other);
      r.losses.forEach((l, i) => expect(rel(l, ref.losses[i]), `${workers} workers, chunk ${i}: loss ${l} vs ${ref.losses[i]}`).toBeLessThan(1e-4));
      const e = maxRelativeError(r.params, ref.params, 1e-2);
      expect(e, `${workers} workers: parameters differ by ${e}`).toBeLessThan(1e-4);
      if (workers === 1) expect(r.params, 'one worker (nothing to split: the cpu step): the same sums as cpu, bit for bit').toEqual(ref.params);
      expect(maxRelativeError(r.out, ref.out, 1e-3), `${workers} workers: predictions of another data set`).toBeLessThan(1e-4);
      expect(maxRelativeError(r.own, ref.own, 1e-3), `${workers} workers: predictions of the training rows`).toBeLessThan(1e-4);
    }
  });
}

test('prediction on the pool: every row once, whatever the range; an empty range gives nothing; other data sets, bytes or floats, as they are at each call', async () => {
  const spec = mlp(30, [11], ['relu'], 4);
  const d = bytes(700, 30, 4);
  const params = initParams(spec, 5);
  const cpu = await cpuBackend().createTrainer({ spec, params, optimizer: { name: 'sgd' }, data: d, maxBatch: 1 });
  const pool = await workersBackend({ workers: 3 }).createTrainer({ spec, params, optimizer: { name: 'sgd' }, data: d, maxBatch: 1 });
  let firstFloats: Float32Array = new Float32Array(0);
  try {
    // More rows than one predict chunk per worker (128), fewer rows than workers, and none.
    for (const [from, to] of [[0, 700], [17, 418], [698, 700], [5, 5]]) {
      const want = await cpu.predict(d, from, to);
      const got = await pool.predict(d, from, to);
      expect(got.length).toBe((to - from) * 4);
      expect(maxRelativeError(got, want, 1e-3), `rows [${from}, ${to})`).toBeLessThan(1e-5);
    }
    // Another data set, of floats, refilled between calls: each call reads what the arrays hold then.
    const floats: Dataset = { ...d, x: Float32Array.from(d.x, (v) => v * 1.5), count: 700 };
    for (let round = 0; round < 2; round++) {
      const want = await cpu.predict(floats, 100, 333);
      const got = await pool.predict(floats, 100, 333);
      expect(maxRelativeError(got, want, 1e-3), `floats, round ${round}`).toBeLessThan(1e-5);
      if (round === 1) expect(got, 'the refilled rows were read').not.toEqual(firstFloats);
      firstFloats = got;
      floats.x.reverse();
    }
  } finally {
    await cpu.dispose();
    await pool.dispose();
  }
});
