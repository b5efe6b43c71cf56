/**
 * Optimizers as {init, update} pairs over flat vectors. `init` makes the
 * state (the slots, zero-filled); `update` applies one step to the elements
 * [start, end) so that workers can each update a slice. The step number `t`
 * (1 for the first step) is passed in rather than kept, so state is only
 * arrays and a resumed run continues exactly.
 *
 * The gradient may come in parts (one per worker) that are summed, in order,
 * in the same pass as the update: one read of each part and no summed copy.
 * The loops are top-level functions with one shape of arguments each, which
 * V8 and JavaScriptCore optimise best.
 * @module
 */

import { adamScales, type AdamFn } from '@dnn/tensor';

export const OPTIMIZERS = ['sgd', 'momentum', 'adam'] as const;
export type OptimizerName = (typeof OPTIMIZERS)[number];

/** A gradient, or parts of it to be summed in order. */
export type Gradient = Float32Array | readonly Float32Array[];

export interface OptimizerConfig {
  name: OptimizerName;
  /** Momentum coefficient (momentum; default 0.9). */
  momentum?: number;
  /** Adam's decay rates and epsilon (defaults 0.9, 0.999, 1e-8, as PyTorch). */
  beta1?: number;
  beta2?: number;
  epsilon?: number;
}

/** An optimizer's state: named slots shaped like the parameters. */
export interface OptimizerState {
  slots: Float32Array[];
}

export interface Optimizer {
  readonly config: Required<OptimizerConfig>;
  /** Number of slot vectors the state needs. */
  readonly slotCount: number;
  /** Zeroed slots; `alloc` places them (in a kernel's memory, say). */
  init(size: number, alloc?: (n: number) => Float32Array): OptimizerState;
  update(params: Float32Array, grads: Gradient, state: OptimizerState, lr: number, t: number, start?: number, end?: number): void;
}

/** A fused Adam kernel (WebAssembly) that declines, returning false, when it cannot run in place. */
export type AdamKernel = AdamFn;

/** Builds an optimizer from its config, filling PyTorch's defaults; `kernels.adam` speeds Adam up where it applies. */
export function createOptimizer(config: OptimizerConfig, kernels: { adam?: AdamKernel } = {}): Optimizer {
  const c: Required<OptimizerConfig> = { momentum: 0.9, beta1: 0.9, beta2: 0.999, epsilon: 1e-8, ...config };
  if (!OPTIMIZERS.includes(c.name)) throw new RangeError(`unknown optimizer ${JSON.stringify(c.name)}; choose from ${OPTIMIZERS.join(', ')}`);
  const slotCount = { sgd: 0, momentum: 1, adam: 2 }[c.name];
  // A one-element list reused for a whole gradient, so a step allocates nothing.
  const single: Float32Array[] = [new Float32Array(0)];
  // This optimizer's own buffer for summed parts: nothing is shared with another optimizer or run.
  const scratch = new Float32Array(CHUNK);
  return {
    config: c,
    slotCount,
    init: (size, alloc = (n: number) => new Float32Array(n)) => ({ slots: Array.from({ length: slotCount }, () => alloc(size)) }),
    update(p, grad, s, lr, t, start = 0, end = p.length) {
      const parts = grad instanceof Float32Array ? (single[0] = grad, single) : grad;
      if (c.name === 'adam' && kernels.adam?.(p, parts, s.slots[0], s.slots[1], lr, t, c.beta1, c.beta2, c.epsilon, start, end)) return;
      // The sum of the parts, when there are several, goes through a chunked scratch buffer.
      if (parts.length === 1) return step(c, p, parts[0], s, lr, t, start, end);
      for (let lo = start; lo < end; lo += CHUNK) {
        const hi = Math.min(end, lo + CHUNK);
        // The summed chunk holds elements [lo, hi) at [0, hi - lo): shift its index by lo.
        step(c, p, sumInto(scratch, parts, lo, hi), s, lr, t, lo, hi, lo);
      }
    },
  };
}

const CHUNK = 4096;

/** Sums parts[*][lo, hi) (hi - lo <= CHUNK) in order into the start of `scratch`, small enough to stay in cache. */
function sumInto(scratch: Float32Array, parts: readonly Float32Array[], lo: number, hi: number): Float32Array {
  const out = scratch.subarray(0, hi - lo);
  out.set(parts[0].subarray(lo, hi));
  for (let w = 1; w < parts.length; w++) addInto(out, parts[w], lo);
  return out;
}

function addInto(out: Float32Array, part: Float32Array, offset: number): void {
  for (let i = 0; i < out.length; i++) out[i] += part[offset + i];
}

/** One update of [start, end); element i's gradient is g[i - shift]. */
function step(c: Required<OptimizerConfig>, p: Float32Array, g: Float32Array, s: OptimizerState, lr: number, t: number, start: number, end: number, shift = 0): void {
  if (c.name === 'sgd') sgdStep(p, g, lr, start, end, shift);
  else if (c.name === 'momentum') momentumStep(p, g, s.slots[0], lr, c.momentum, start, end, shift);
  else adamStep(p, g, s.slots[0], s.slots[1], lr, t, c.beta1, c.beta2, c.epsilon, start, end, shift);
}

function sgdStep(p: Float32Array, g: Float32Array, lr: number, start: number, end: number, shift: number): void {
  for (let i = start; i < end; i++) p[i] -= lr * g[i - shift];
}

/** PyTorch's form: v = mu v + g; p -= lr v. */
function momentumStep(p: Float32Array, g: Float32Array, v: Float32Array, lr: number, mu: number, start: number, end: number, shift: number): void {
  for (let i = start; i < end; i++) {
    const vi = Math.fround(mu * v[i] + g[i - shift]);
    v[i] = vi;
    p[i] -= lr * vi;
  }
}

/** Adam with bias correction folded into two scalars. */
function adamStep(
  p: Float32Array,
  g: Float32Array,
  m: Float32Array,
  v: Float32Array,
  lr: number,
  t: number,
  b1: number,
  b2: number,
  eps: number,
  start: number,
  end: number,
  shift: number,
): void {
  const { stepSize, c2 } = adamScales(lr, b1, b2, t);
  const a1 = 1 - b1;
  const a2 = 1 - b2;
  // Locals, not reads back from the arrays: one load and store of each.
  for (let i = start; i < end; i++) {
    const gi = g[i - shift];
    const mi = Math.fround(b1 * m[i] + a1 * gi);
    const vi = Math.fround(b2 * v[i] + a2 * gi * gi);
    m[i] = mi;
    v[i] = vi;
    p[i] -= (stepSize * mi) / (Math.sqrt(vi * c2) + eps);
  }
}
