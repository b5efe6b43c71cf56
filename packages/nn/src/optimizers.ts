/**
 * Optimizers as {init, update} pairs over flat vectors. `init` makes the
 * state (the slots, zero-filled); `update` applies one step to the elements
 * [start, end) so that workers can each update a slice. The step number `t`
 * (1 for the first step) is passed in rather than kept, so state is only
 * arrays and a resumed run continues exactly.
 * @module
 */

export const OPTIMIZERS = ['sgd', 'momentum', 'adam'] as const;
export type OptimizerName = (typeof OPTIMIZERS)[number];

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
  init(size: number): OptimizerState;
  update(params: Float32Array, grads: Float32Array, state: OptimizerState, lr: number, t: number, start?: number, end?: number): void;
}

/** Builds an optimizer from its config, filling PyTorch's defaults. */
export function createOptimizer(config: OptimizerConfig): Optimizer {
  const full: Required<OptimizerConfig> = {
    momentum: 0.9,
    beta1: 0.9,
    beta2: 0.999,
    epsilon: 1e-8,
    ...config,
  };
  const make = (slotCount: number, update: Optimizer['update']): Optimizer => ({
    config: full,
    slotCount,
    init: (size) => ({ slots: Array.from({ length: slotCount }, () => new Float32Array(size)) }),
    update,
  });
  switch (full.name) {
    case 'sgd':
      return make(0, (p, g, _s, lr, _t, start = 0, end = p.length) => {
        for (let i = start; i < end; i++) p[i] -= lr * g[i];
      });
    case 'momentum':
      // PyTorch's form: v = mu v + g; p -= lr v.
      return make(1, (p, g, s, lr, _t, start = 0, end = p.length) => {
        const v = s.slots[0];
        const mu = full.momentum;
        for (let i = start; i < end; i++) {
          v[i] = mu * v[i] + g[i];
          p[i] -= lr * v[i];
        }
      });
    case 'adam':
      return make(2, (p, g, s, lr, t, start = 0, end = p.length) => {
        const [m, v] = s.slots;
        const { beta1: b1, beta2: b2, epsilon: eps } = full;
        // Bias correction folded into two scalars.
        const c1 = 1 / (1 - b1 ** t);
        const c2 = 1 / (1 - b2 ** t);
        for (let i = start; i < end; i++) {
          const gi = g[i];
          m[i] = b1 * m[i] + (1 - b1) * gi;
          v[i] = b2 * v[i] + (1 - b2) * gi * gi;
          p[i] -= (lr * (m[i] * c1)) / (Math.sqrt(v[i] * c2) + eps);
        }
      });
    default:
      throw new RangeError(`unknown optimizer ${JSON.stringify((full as { name: unknown }).name)}; choose from ${OPTIMIZERS.join(', ')}`);
  }
}
