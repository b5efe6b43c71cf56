/**
 * One conformance suite for every backend: `describeBackend(name, factory,
 * options)` registers the same cases (node:test) for any Backend, each
 * compared with the reference loops (`cpuBackend({ kernels: 'reference' })`)
 * on the shared fixtures. A backend gets every case by one call; a layer
 * kind gets every backend by one line in fixtures.ts. What a backend does
 * not support yet is declared in its options and shows as a skip with the
 * reason, never as a missing test.
 * @module
 */
import { describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { maxRelativeError } from '@dnn/tensor';
import type { Backend } from '../backend.ts';
import { cpuBackend } from '../cpu-backend.ts';
import { OPTIMIZERS } from '../optimizers.ts';
import { LOSSES, type LayerKind, type ModelSpec } from '../spec.ts';
import { dataFor, denseSpec, EXTRA_CASES, kindsOf, LAYER_CASES, paramsWithBiases, strideOrder, weightsHash } from './fixtures.ts';
import { BATCH, DETERMINISM_FIXTURES, deterministicHash, ROWS, STEPS, train, type Run } from './runs.ts';
import { recordHash } from './records.ts';

export interface ConformanceOptions {
  /** Why the whole backend cannot run here (no adapter, say): every case skips with it. */
  skip?: string | false;
  /** The layer kinds the backend runs (default: all); cases using others skip, naming them. */
  layerKinds?: readonly LayerKind[];
  /** Tolerances against the reference loops: relative loss per step, and parameters after training (default 1e-4, 1e-3). */
  tolerance?: { loss?: number; params?: number };
  /**
   * Deterministic mode: `false` if the backend must refuse it; else the
   * group of backends whose weights must equal bit for bit (the kernel
   * path, e.g. `wasm-simd`), the in-process baseline of that group (default
   * `cpuBackend({ deterministic: true })`), and where each run's hash is
   * written for the cross-runtime check (test-all).
   */
  deterministic?: false | { group: string; baseline?: () => Backend; records?: string };
  /** Makes the backend's device fail (WebGPU): the next call must reject with a clear error. */
  loseDevice?: (backend: Backend) => Promise<void>;
}

function assertClose(got: Run, want: Run, tol: Required<NonNullable<ConformanceOptions['tolerance']>>, what: string): void {
  const e0 = maxRelativeError(got.before, want.before, 1e-3);
  assert.ok(e0 < tol.loss, `${what}: predictions before training differ by ${e0}`);
  assert.equal(got.losses.length, want.losses.length);
  got.losses.forEach((l, i) => {
    const rel = Math.abs(l - want.losses[i]) / Math.max(Math.abs(want.losses[i]), 1e-6);
    assert.ok(rel < tol.loss, `${what}, step ${i + 1}: loss ${l} vs the reference's ${want.losses[i]}`);
  });
  const e = maxRelativeError(got.params, want.params, 1e-2);
  assert.ok(e < tol.params, `${what}: parameters after ${got.losses.length} steps differ by ${e}`);
  const e1 = maxRelativeError(got.after, want.after, 1e-3);
  assert.ok(e1 < tol.params, `${what}: predictions after training differ by ${e1}`);
}

/** Registers the conformance cases for one backend configuration. */
export function describeBackend(name: string, factory: () => Backend | Promise<Backend>, options: ConformanceOptions = {}): void {
  const reference = cpuBackend({ kernels: 'reference' });
  const tol = { loss: options.tolerance?.loss ?? 1e-4, params: options.tolerance?.params ?? 1e-3 };
  let made: Promise<Backend> | null = null;
  const backend = () => (made ??= Promise.resolve(factory()));
  const skipFor = (spec: ModelSpec): string | false => {
    if (options.skip) return options.skip;
    const missing = options.layerKinds ? kindsOf(spec).filter((k) => !options.layerKinds!.includes(k)) : [];
    return missing.length ? `${name} does not run ${missing.join(', ')} layers (declared where it is registered)` : false;
  };
  const plain = options.skip || false;

  describe(`conformance: ${name}`, () => {
    const cases: [string, ModelSpec][] = [...Object.entries(LAYER_CASES).map(([k, s]): [string, ModelSpec] => [`layer kind ${k}`, s]), ...Object.entries(EXTRA_CASES)];
    for (const [what, spec] of cases) {
      test(`${what}: predictions, and ${STEPS} adam steps with a partial last batch, match the reference`, { skip: skipFor(spec) }, async () => {
        const want = await train(reference, spec, 'adam');
        assertClose(await train(await backend(), spec, 'adam'), want, tol, what);
      });
    }

    for (const optimizer of OPTIMIZERS) {
      for (const loss of LOSSES) {
        const spec = denseSpec(loss);
        test(`optimizer ${optimizer}, loss ${loss}: ${STEPS} steps match the reference`, { skip: skipFor(spec) }, async () => {
          assertClose(await train(await backend(), spec, optimizer), await train(reference, spec, optimizer), tol, `${optimizer}, ${loss}`);
        });
      }
    }

    const dense = denseSpec('cross-entropy');
    test('batches of 2 (fewer rows than threads), one partial, and one learning rate per batch', { skip: skipFor(dense) }, async () => {
      const rates = Float32Array.from({ length: 15 }, (_, i) => 0.2 * (1 - i / 15));
      for (const o of [{ batch: 2, rows: 29 }, { batch: 7, rows: 50, lr: rates }]) {
        assertClose(await train(await backend(), dense, 'momentum', o), await train(reference, dense, 'momentum', o), tol, `batch ${o.batch}`);
      }
    });

    test('state: getState round-trips through setState, and bad states are refused with one line, leaving the trainer as it was', { skip: skipFor(dense) }, async () => {
      const b = await backend();
      const data = dataFor(dense, ROWS);
      const make = (seed: number) => b.createTrainer({ spec: dense, params: paramsWithBiases(dense, seed), optimizer: { name: 'adam' }, data, maxBatch: BATCH });
      const [a, c] = [await make(3), await make(9)];
      try {
        const order = strideOrder(ROWS);
        await a.train(order, 0, 45, BATCH, 0.01);
        const s = await a.getState();
        assert.equal(s.steps, 5);
        assert.equal(s.slots.length, 2);
        await c.setState(s);
        const back = await c.getState();
        assert.equal(weightsHash(back.params), weightsHash(s.params), 'parameters');
        back.slots.forEach((x, i) => assert.equal(weightsHash(x), weightsHash(s.slots[i]), `slot ${i}`));
        assert.equal(back.steps, 5);
        const bad = [
          { ...s, params: s.params.subarray(1) },
          { ...s, slots: [s.slots[0]] },
          { ...s, slots: [s.slots[0], s.slots[1].subarray(2)] },
          { ...s, steps: -1 },
          { ...s, steps: 2.5 },
        ];
        const kept = await c.getParams();
        for (const x of bad) await assert.rejects(c.setState(x), /^RangeError: state has [^\n]+$/);
        assert.equal(weightsHash(await c.getParams()), weightsHash(kept), 'a refused state changes nothing');
      } finally {
        await a.dispose();
        await c.dispose();
      }
    });

    test('resume: a state taken, the trainer disposed, restored into a new one, trains on exactly as if never stopped', { skip: skipFor(dense) }, async () => {
      const b = await backend();
      const data = dataFor(dense, ROWS);
      const order = strideOrder(ROWS);
      const make = () => b.createTrainer({ spec: dense, params: paramsWithBiases(dense), optimizer: { name: 'adam' }, data, maxBatch: BATCH, seed: 2 });
      const whole = await make();
      await whole.train(order, 0, ROWS, BATCH, 0.01);
      const want = await whole.getParams();
      await whole.dispose();
      const first = await make();
      await first.train(order, 0, 36, BATCH, 0.01);
      const s = await first.getState();
      await first.dispose();
      const second = await make();
      try {
        await second.setState(s);
        const r = await second.train(order, 36, ROWS - 36, BATCH, 0.01);
        assert.equal(r.steps, 10, 'the step count continues');
        assert.equal(weightsHash(await second.getParams()), weightsHash(want));
      } finally {
        await second.dispose();
      }
    });

    test('dispose: twice is harmless, and a disposed trainer refuses work with an error instead of hanging', { skip: plain }, async () => {
      const b = await backend();
      const data = dataFor(dense, ROWS);
      const t = await b.createTrainer({ spec: dense, params: paramsWithBiases(dense), optimizer: { name: 'sgd' }, data, maxBatch: BATCH });
      await t.train(strideOrder(ROWS), 0, BATCH, BATCH, 0.1);
      await t.dispose();
      await t.dispose();
      const late = (p: Promise<unknown>) => Promise.race([p, new Promise((_, reject) => setTimeout(() => reject(new Error('hung: no answer in 10 s')), 10_000).unref?.())]);
      await assert.rejects(late(t.train(strideOrder(ROWS), 0, BATCH, BATCH, 0.1)), /disposed/);
      await assert.rejects(late(t.predict(data, 0, 5)), /disposed/);
    });

    // Only for backends with a device to lose (they pass loseDevice); the others have no such case.
    if (options.loseDevice) test('device loss: the next call rejects with a clear error, not a hang', { skip: plain }, async () => {
      // A backend of its own, so the other cases keep theirs.
      const own = await factory();
      const data = dataFor(dense, ROWS);
      const t = await own.createTrainer({ spec: dense, params: paramsWithBiases(dense), optimizer: { name: 'sgd' }, data, maxBatch: BATCH });
      await t.train(strideOrder(ROWS), 0, BATCH, BATCH, 0.1);
      await options.loseDevice!(own);
      await assert.rejects(t.train(strideOrder(ROWS), 0, BATCH, BATCH, 0.1), /device/);
    });

    const det = options.deterministic;
    if (det === false) {
      test('deterministic runs are refused with one clear line', { skip: plain }, async () => {
        const b = await backend();
        await assert.rejects(
          b.createTrainer({ spec: dense, params: paramsWithBiases(dense), optimizer: { name: 'sgd' }, data: dataFor(dense, 10), maxBatch: 2, deterministic: true }),
          /^Error: [^\n]*deterministic[^\n]*$/,
        );
      });
    } else {
      for (const [what, spec] of Object.entries(DETERMINISM_FIXTURES)) {
        test(`deterministic: ${what}, 10 adam steps of 9 rows (the last partial) give the same bits as ${det ? `the ${det.group} baseline` : 'the baseline'}`, { skip: plain || (det ? skipFor(spec) : `${name} declares no deterministic mode`) }, async () => {
          const { group, baseline = () => cpuBackend({ deterministic: true }), records } = det!;
          const got = await deterministicHash(await backend(), spec);
          const want = await deterministicHash(baseline(), spec);
          assert.equal(got, want, `${name} vs the baseline, deterministic: weights and loss sums`);
          if (records) await recordHash(records, { group, config: name, fixture: what, hash: got });
        });
      }
    }
  });
}

