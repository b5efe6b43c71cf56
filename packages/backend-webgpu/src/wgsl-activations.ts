/**
 * WGSL expressions of the element-wise activations and their derivatives,
 * with the constants taken from @dnn/tensor so both backends share them.
 * @module
 */
import { ELU_ALPHA, LEAKY_RELU_SLOPE, LECUN_A, LECUN_B } from '@dnn/tensor';
import type { ActivationName } from '@dnn/nn';

export type ElementwiseActivation = Exclude<ActivationName, 'softmax'>;

/** A float literal WGSL accepts (always with a point or exponent). */
export const f32 = (x: number): string => {
  const s = String(x);
  return /[.e]/.test(s) ? s : `${s}.0`;
};

/** WGSL expression of y = f(x). */
export function forwardExpr(act: ElementwiseActivation): string {
  return {
    linear: 'x',
    sigmoid: '1.0 / (1.0 + exp(-x))',
    tanh: 'tanh(x)',
    'lecun-tanh': `${f32(LECUN_A)} * tanh(${f32(LECUN_B)} * x)`,
    // NaN stays NaN, as on the CPU.
    relu: 'select(select(0.0, x, x > 0.0), x, x != x)',
    'leaky-relu': `select(${f32(LEAKY_RELU_SLOPE)} * x, x, x > 0.0)`,
    elu: `select(${f32(ELU_ALPHA)} * (exp(x) - 1.0), x, x > 0.0)`,
    softplus: 'max(x, 0.0) + log(1.0 + exp(-abs(x)))',
  }[act];
}

/** WGSL expression of f'(x) given x and y = f(x). */
export function derivativeExpr(act: ElementwiseActivation): string {
  const b = f32(LECUN_B);
  return {
    linear: '1.0',
    sigmoid: 'y * (1.0 - y)',
    tanh: '1.0 - y * y',
    'lecun-tanh': `${f32(LECUN_A)} * ${b} * (1.0 - tanh(${b} * x) * tanh(${b} * x))`,
    relu: 'select(0.0, 1.0, x > 0.0)',
    'leaky-relu': `select(${f32(LEAKY_RELU_SLOPE)}, 1.0, x > 0.0)`,
    elu: `select(y + ${f32(ELU_ALPHA)}, 1.0, x > 0.0)`,
    softplus: '1.0 / (1.0 + exp(-x))',
  }[act];
}
