/**
 * The suite's training runs, apart from node:test so a page can run them
 * too (the Chromium determinism test bundles this file): a trainer predicts,
 * trains one batch per call and predicts again; and the deterministic
 * mode's fixtures and their hash.
 * @module
 */
import type { Backend, LearningRates } from '../backend.ts';
import type { OptimizerName } from '../optimizers.ts';
import type { ModelSpec } from '../spec.ts';
import { dataFor, EXTRA_CASES, paramsWithBiases, strideOrder, weightsHash } from './fixtures.ts';

export const LR: Record<OptimizerName, number> = { sgd: 0.1, momentum: 0.05, adam: 0.01 };
export const STEPS = 10;
export const BATCH = 9;
/** 9 full batches and one of 5: the last batch is partial. */
export const ROWS = 86;

export interface Run {
  losses: number[];
  params: Float32Array;
  before: Float32Array;
  after: Float32Array;
}

/** Predicts rows [3, 37) (or to the end), trains one batch per call, predicts again; always disposes. */
export async function train(backend: Backend, spec: ModelSpec, optimizer: OptimizerName, o: { batch?: number; rows?: number; lr?: LearningRates; seed?: number; deterministic?: boolean } = {}): Promise<Run> {
  const batch = o.batch ?? BATCH;
  const rows = o.rows ?? ROWS;
  const data = dataFor(spec, rows);
  const t = await backend.createTrainer({ spec, params: paramsWithBiases(spec), optimizer: { name: optimizer }, data, maxBatch: batch, seed: o.seed ?? 7, deterministic: o.deterministic });
  try {
    const order = strideOrder(rows);
    const end = Math.min(37, rows);
    const before = await t.predict(data, 3, end);
    const losses: number[] = [];
    for (let b = 0; b < rows; b += batch) losses.push((await t.train(order, b, Math.min(batch, rows - b), batch, o.lr ?? LR[optimizer])).lossSum);
    return { losses, params: await t.getParams(), before, after: await t.predict(data, 3, end) };
  } finally {
    await t.dispose();
  }
}

/** The deterministic mode's fixtures: exp, log and tanh in dense layers; a CNN with dropout. */
export const DETERMINISM_FIXTURES: Record<string, ModelSpec> = {
  'dense (tanh, sigmoid, softmax)': {
    input: { shape: [13], scale: 1 / 255 },
    layers: [{ kind: 'dense', out: 17 }, { kind: 'tanh' }, { kind: 'dense', out: 6 }, { kind: 'sigmoid' }, { kind: 'dense', out: 4 }, { kind: 'softmax' }],
    loss: 'cross-entropy',
  },
  'a CNN with dropout': EXTRA_CASES['a CNN: conv, pool, dropout, dense'],
};

/**
 * Ten deterministic Adam steps of 9 rows (the last partial) on `spec`: the
 * hash of the weights, then of the loss sums (doubles straight from exp and
 * log: an engine's own Math.log shows there first).
 */
export async function deterministicHash(backend: Backend, spec: ModelSpec): Promise<string> {
  const r = await train(backend, spec, 'adam', { deterministic: true });
  return `${weightsHash(r.params)} ${weightsHash(Float64Array.from(r.losses))}`;
}
