/**
 * Element-wise activations and their derivatives. `forward` writes y = f(x);
 * `backward` writes dx = f'(x) * dy, given both x and y so each can use
 * whichever is cheaper. Softmax is row-wise and lives at the end.
 * @module
 */
// Our own exp and tanh, not Math's: the same bits in every engine (portable-math.ts).
import { exp, expm1, log1p, tanh as tanhOf } from './portable-math.ts';
import type { FloatArray } from './shape.ts';
import { arenaOf } from './wasm/in-arena.ts';

/** An element-wise activation kernel pair. */
export interface ActivationKernel {
  forward(n: number, x: FloatArray, y: FloatArray): void;
  backward(n: number, x: FloatArray, y: FloatArray, dy: FloatArray, dx: FloatArray): void;
}

/** Slope of leaky ReLU for x < 0 (PyTorch's default). */
export const LEAKY_RELU_SLOPE = 0.01;
/** ELU's alpha (PyTorch's default). */
export const ELU_ALPHA = 1;
/** LeCun's scaled tanh: 1.7159 * tanh(2x / 3). */
export const LECUN_A = 1.7159;
export const LECUN_B = 2 / 3;

export const linear: ActivationKernel = {
  forward(n, x, y) {
    for (let i = 0; i < n; i++) y[i] = x[i];
  },
  backward(n, _x, _y, dy, dx) {
    for (let i = 0; i < n; i++) dx[i] = dy[i];
  },
};

export const sigmoid: ActivationKernel = {
  forward(n, x, y) {
    for (let i = 0; i < n; i++) y[i] = 1 / (1 + exp(-x[i]));
  },
  backward(n, _x, y, dy, dx) {
    for (let i = 0; i < n; i++) dx[i] = dy[i] * y[i] * (1 - y[i]);
  },
};

export const tanh: ActivationKernel = {
  forward(n, x, y) {
    for (let i = 0; i < n; i++) y[i] = tanhOf(x[i]);
  },
  backward(n, _x, y, dy, dx) {
    for (let i = 0; i < n; i++) dx[i] = dy[i] * (1 - y[i] * y[i]);
  },
};

export const lecunTanh: ActivationKernel = {
  forward(n, x, y) {
    for (let i = 0; i < n; i++) y[i] = LECUN_A * tanhOf(LECUN_B * x[i]);
  },
  backward(n, x, _y, dy, dx) {
    // d/dx a*tanh(b x) = a*b*(1 - tanh(b x)^2); the seed got this wrong.
    for (let i = 0; i < n; i++) {
      const t = tanhOf(LECUN_B * x[i]);
      dx[i] = dy[i] * LECUN_A * LECUN_B * (1 - t * t);
    }
  },
};

export const relu: ActivationKernel = {
  forward(n, x, y) {
    for (let i = 0; i < n; i++) y[i] = x[i] > 0 ? x[i] : x[i] !== x[i] ? x[i] : 0;
  },
  backward(n, x, _y, dy, dx) {
    const k = n > 0 && x.length >= n && dy.length >= n && dx.length >= n ? arenaOf(x, dy, dx) : null;
    if (k) return k.exports.reluBackward(x.byteOffset, dy.byteOffset, dx.byteOffset, n);
    for (let i = 0; i < n; i++) dx[i] = x[i] > 0 ? dy[i] : 0;
  },
};

export const leakyRelu: ActivationKernel = {
  forward(n, x, y) {
    for (let i = 0; i < n; i++) y[i] = x[i] > 0 ? x[i] : LEAKY_RELU_SLOPE * x[i];
  },
  backward(n, x, _y, dy, dx) {
    for (let i = 0; i < n; i++) dx[i] = x[i] > 0 ? dy[i] : LEAKY_RELU_SLOPE * dy[i];
  },
};

export const elu: ActivationKernel = {
  forward(n, x, y) {
    for (let i = 0; i < n; i++) y[i] = x[i] > 0 ? x[i] : ELU_ALPHA * expm1(x[i]);
  },
  backward(n, x, y, dy, dx) {
    // For x <= 0, f'(x) = alpha * e^x = y + alpha.
    for (let i = 0; i < n; i++) dx[i] = x[i] > 0 ? dy[i] : dy[i] * (y[i] + ELU_ALPHA);
  },
};

export const softplus: ActivationKernel = {
  forward(n, x, y) {
    // log(1 + e^x) without overflow: max(x, 0) + log1p(e^-|x|).
    for (let i = 0; i < n; i++) y[i] = Math.max(x[i], 0) + log1p(exp(-Math.abs(x[i])));
  },
  backward(n, x, _y, dy, dx) {
    for (let i = 0; i < n; i++) dx[i] = dy[i] / (1 + exp(-x[i]));
  },
};

/**
 * Softmax backward through its Jacobian, row by row:
 * dx_j = y_j * (dy_j - sum_k dy_k * y_k). (With cross-entropy the fused
 * gradient in `losses.ts` is used instead.)
 */
export function softmaxBackwardRows(rows: number, cols: number, y: FloatArray, dy: FloatArray, dx: FloatArray): void {
  for (let r = 0; r < rows; r++) {
    const o = r * cols;
    let dot = 0;
    for (let c = 0; c < cols; c++) dot += dy[o + c] * y[o + c];
    for (let c = 0; c < cols; c++) dx[o + c] = y[o + c] * (dy[o + c] - dot);
  }
}
