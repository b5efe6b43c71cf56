/** dnn's own numbers: GEMM per path, and training epochs per backend. */
import { createBlockedGemm, createWasmGemm, detectSharedSimd, detectSimd, randomArray, Rng, SharedKernels, type GemmFn } from '@dnn/tensor';
import { cpuBackend, defaultCnnSpec, defaultSpec, fit, initParams, type Backend, type Dataset } from '@dnn/nn';
import type { Shape } from './shapes.ts';
import { best } from './timing.ts';

export interface GemmPath {
  name: string;
  /** Makes the operands where this path wants them, and the call. */
  prepare(s: Shape): () => void;
}

function copying(name: string, gemm: GemmFn): GemmPath {
  return {
    name,
    prepare(s) {
      const rng = new Rng(1);
      const a = randomArray(rng, s.m * s.k);
      const b = randomArray(rng, s.k * s.n);
      const c = new Float32Array(s.m * s.n);
      return () => gemm(s.transA, s.transB, s.m, s.n, s.k, 1, a, b, 0, c);
    },
  };
}

function inPlace(level: 'simd' | 'relaxed'): GemmPath {
  return {
    name: `wasm-${level} in place`,
    prepare(s) {
      const k = SharedKernels.create(level);
      const rng = new Rng(1);
      const a = k.alloc(s.m * s.k);
      a.set(randomArray(rng, s.m * s.k));
      const b = k.alloc(s.k * s.n);
      b.set(randomArray(rng, s.k * s.n));
      const c = k.alloc(s.m * s.n);
      return () => k.gemm(s.transA, s.transB, s.m, s.n, s.k, 1, a, b, 0, c);
    },
  };
}

/** Every GEMM path this runtime has. */
export function gemmPaths(): GemmPath[] {
  const paths = [copying('typescript', createBlockedGemm())];
  const level = detectSimd();
  if (level !== 'none') paths.push(copying('wasm-simd (copying)', createWasmGemm('simd')));
  if (level === 'relaxed') paths.push(copying('wasm-relaxed (copying)', createWasmGemm('relaxed')));
  const shared = detectSharedSimd();
  if (shared !== 'none') paths.push(inPlace('simd'));
  if (shared === 'relaxed') paths.push(inPlace('relaxed'));
  return paths;
}

export async function gemmMs(path: GemmPath, s: Shape, reps: number): Promise<number> {
  const run = path.prepare(s);
  run();
  // Small shapes: time a batch of calls so the timer's resolution does not matter.
  const inner = Math.max(1, Math.round(2e8 / (2 * s.m * s.n * s.k)));
  return (await best(reps, () => {
    for (let i = 0; i < inner; i++) run();
  })) / inner;
}

/** Seconds of one training epoch over `data` (by default no validation), default network, Adam, batch 100. */
export async function epochSeconds(data: Dataset, backend: Backend = cpuBackend(), validation = 0): Promise<number> {
  const r = await fit(defaultSpec(), data, {
    epochs: 1,
    batchSize: 100,
    validation,
    seed: 1,
    optimizer: { name: 'adam' },
    schedule: { name: 'constant', lr: 1e-3, lrEnd: 1e-3 },
    backend,
  });
  return r.history[0].seconds;
}

/**
 * Seconds per 60,000-image epoch of the default CNN (Adam, batch 100): `steps`
 * steps timed after a warm-up, scaled to 600 (a full CNN epoch on one thread
 * takes minutes).
 */
export async function cnnEpochSeconds(data: Dataset, backend: Backend, steps: number): Promise<number> {
  const spec = defaultCnnSpec();
  const trainer = await backend.createTrainer({ spec, params: initParams(spec, 1), optimizer: { name: 'adam' }, data, maxBatch: 100 });
  try {
    const order = Uint32Array.from({ length: data.count }, (_, i) => i);
    await trainer.train(order, 0, 300, 100, 1e-3);
    const start = performance.now();
    await trainer.train(order, 300, steps * 100, 100, 1e-3);
    return ((performance.now() - start) / steps) * 0.6;
  } finally {
    await trainer.dispose();
  }
}
