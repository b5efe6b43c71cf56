/**
 * jax-js baselines: its `wasm` device, with `jit` over value-and-grad and an
 * Adam step written here (its optax package is not on npm). `init('wasm')`,
 * since a bare `init()` looks for navigator.gpu and fails on Node 20.
 */
import { ARCH, BATCH, type Shape } from './shapes.ts';
import { best } from './timing.ts';

type Jax = any;
let jax: Jax | null = null;

export async function useJax(): Promise<Jax> {
  if (!jax) {
    jax = await import('@jax-js/jax');
    await jax.init('wasm');
  }
  return jax;
}

export async function jaxGemmMs(j: Jax, s: Shape, reps: number): Promise<number> {
  const np = j.numpy;
  const a = np.array(Float32Array.from({ length: s.m * s.k }, Math.random)).reshape(s.transA ? [s.k, s.m] : [s.m, s.k]);
  const b = np.array(Float32Array.from({ length: s.k * s.n }, Math.random)).reshape(s.transB ? [s.n, s.k] : [s.k, s.n]);
  const run = async () => {
    const lhs = s.transA ? np.matrixTranspose(a.ref) : a.ref;
    const rhs = s.transB ? np.matrixTranspose(b.ref) : b.ref;
    const c = np.matmul(lhs, rhs);
    await j.blockUntilReady(c);
    c.dispose();
  };
  await run();
  const ms = await best(reps, run);
  a.dispose();
  b.dispose();
  return ms;
}

export async function jaxStepMs(j: Jax, steps: number): Promise<number> {
  const { numpy: np, nn, tree } = j;
  const [b1, b2, eps, lr] = [0.9, 0.999, 1e-8, 1e-3];
  const lossFn = (p: any, x: any, y: any) => {
    let h = nn.relu(np.matmul(x, p.w0).add(p.b0));
    h = nn.relu(np.matmul(h, p.w1).add(p.b1));
    return nn.logSoftmax(np.matmul(h, p.w2).add(p.b2)).mul(y).sum().mul(-1 / BATCH);
  };
  const step = j.jit((p: any, m: any, v: any, x: any, y: any, c1: any, c2: any) => {
    const [loss, g] = j.valueAndGrad(lossFn)(tree.ref(p), x, y);
    const m2 = tree.map((mi: any, gi: any) => mi.mul(b1).add(gi.mul(1 - b1)), m, tree.ref(g));
    const v2 = tree.map((vi: any, gi: any) => vi.mul(b2).add(gi.ref.mul(gi).mul(1 - b2)), v, g);
    const p2 = tree.map(
      (pi: any, mi: any, vi: any) => pi.sub(mi.mul(c1.ref).div(np.sqrt(vi.mul(c2.ref)).add(eps)).mul(lr)),
      p,
      tree.ref(m2),
      tree.ref(v2),
    );
    c1.dispose();
    c2.dispose();
    return [loss, p2, m2, v2];
  });
  let p: any = {};
  for (let i = 0; i + 1 < ARCH.length; i++) {
    const w = Float32Array.from({ length: ARCH[i] * ARCH[i + 1] }, () => (Math.random() * 2 - 1) * Math.sqrt(6 / ARCH[i]));
    p[`w${i}`] = np.array(w).reshape([ARCH[i], ARCH[i + 1]]);
    p[`b${i}`] = np.zeros([ARCH[i + 1]]);
  }
  let m = tree.map((a: any) => np.zerosLike(a), tree.ref(p));
  let v = tree.map((a: any) => np.zerosLike(a), tree.ref(p));
  const xs = Float32Array.from({ length: BATCH * ARCH[0] }, Math.random);
  const ys = new Float32Array(BATCH * 10).map((_, i) => (i % 11 === 0 ? 1 : 0));
  let start = 0;
  const warm = 5;
  for (let t = 1; t <= warm + steps; t++) {
    if (t === warm + 1) {
      await j.blockUntilReady(p);
      start = performance.now();
    }
    const x = np.array(xs).reshape([BATCH, ARCH[0]]);
    const y = np.array(ys).reshape([BATCH, 10]);
    const out = step(p, m, v, x, y, np.array(1 / (1 - b1 ** t)), np.array(1 / (1 - b2 ** t)));
    out[0].dispose();
    [, p, m, v] = out;
  }
  await j.blockUntilReady(p);
  const ms = (performance.now() - start) / steps;
  tree.dispose([p, m, v]);
  return ms;
}
