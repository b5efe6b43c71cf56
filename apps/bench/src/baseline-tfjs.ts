/**
 * TensorFlow.js baselines: its `wasm` backend (SIMD, one thread) and its
 * pure-JavaScript `cpu` backend. Only @tensorflow/tfjs and
 * @tensorflow/tfjs-backend-wasm (never tfjs-node, whose install downloads a
 * binary). Loaded through require: its ESM build does not resolve in Node.
 */
import { createRequire } from 'node:module';
import { dirname, join } from 'node:path';
import { ARCH, BATCH, type Shape } from './shapes.ts';
import { best } from './timing.ts';

type Tf = any;
const require = createRequire(import.meta.url);
let tf: Tf | null = null;

export async function useTfjs(backend: 'wasm' | 'cpu'): Promise<Tf> {
  if (!tf) {
    tf = require('@tensorflow/tfjs');
    const wasm = require('@tensorflow/tfjs-backend-wasm');
    wasm.setWasmPaths(join(dirname(require.resolve('@tensorflow/tfjs-backend-wasm/package.json')), 'dist') + '/');
  }
  await tf.setBackend(backend);
  await tf.ready();
  return tf;
}

export async function tfjsGemmMs(t: Tf, s: Shape, reps: number): Promise<number> {
  const a = t.randomUniform(s.transA ? [s.k, s.m] : [s.m, s.k]);
  const b = t.randomUniform(s.transB ? [s.n, s.k] : [s.k, s.n]);
  const run = async () => {
    const c = t.matMul(a, b, s.transA, s.transB);
    await c.data();
    c.dispose();
  };
  await run();
  const ms = await best(reps, run);
  a.dispose();
  b.dispose();
  return ms;
}

/** Milliseconds per Adam training step of the default network, over `steps` steps after a warm-up. */
export async function tfjsStepMs(t: Tf, steps: number): Promise<number> {
  const vars: Tf[] = [];
  for (let i = 0; i + 1 < ARCH.length; i++) {
    vars.push(t.variable(t.randomNormal([ARCH[i], ARCH[i + 1]], 0, Math.sqrt(2 / ARCH[i]))));
    vars.push(t.variable(t.zeros([ARCH[i + 1]])));
  }
  const opt = t.train.adam(1e-3);
  const x = t.randomUniform([BATCH, ARCH[0]]);
  const y = t.cast(t.oneHot(t.tensor1d(Array.from({ length: BATCH }, (_, i) => i % 10), 'int32'), 10), 'float32');
  const step = () =>
    opt.minimize(() => {
      let h = t.relu(t.add(t.matMul(x, vars[0]), vars[1]));
      h = t.relu(t.add(t.matMul(h, vars[2]), vars[3]));
      return t.losses.softmaxCrossEntropy(y, t.add(t.matMul(h, vars[4]), vars[5]));
    }, true);
  for (let i = 0; i < 3; i++) step().dispose();
  const start = performance.now();
  for (let i = 0; i < steps; i++) {
    const loss = step();
    if (i === steps - 1) await loss.data();
    loss.dispose();
  }
  const ms = (performance.now() - start) / steps;
  t.dispose([...vars, x, y]);
  opt.dispose();
  return ms;
}

