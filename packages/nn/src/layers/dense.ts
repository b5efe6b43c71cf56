/**
 * Dense (fully connected) layer: y = x W^T + b, W stored [out, in] as
 * PyTorch's nn.Linear. The reference is three loop nests; the fast kernel
 * is the same math on the GEMM.
 * @module
 */
import { addBias, biasRelu, sumRows, type FloatArray } from '@dnn/tensor';
import { weights, type LayerKernel, type LayerPass } from './layer.ts';

export const referenceDense: LayerKernel = {
  forward(p, x, y) {
    const { w, b } = weights(p);
    const n = p.info.inSize;
    const m = p.info.outSize;
    for (let r = 0; r < p.rows; r++) {
      for (let o = 0; o < m; o++) {
        let s = b[o];
        for (let i = 0; i < n; i++) s += w[o * n + i] * x[r * n + i];
        y[r * m + o] = s;
      }
    }
  },
  backward(p, x, _y, dy, dx) {
    const { w } = weights(p);
    const { w: dw, b: db } = weights(p, p.grads);
    const n = p.info.inSize;
    const m = p.info.outSize;
    for (let o = 0; o < m; o++) {
      let sb = 0;
      for (let r = 0; r < p.rows; r++) sb += dy[r * m + o];
      db[o] = sb;
      for (let i = 0; i < n; i++) {
        let s = 0;
        for (let r = 0; r < p.rows; r++) s += dy[r * m + o] * x[r * n + i];
        dw[o * n + i] = s;
      }
    }
    if (!dx) return;
    for (let r = 0; r < p.rows; r++) {
      for (let i = 0; i < n; i++) {
        let s = 0;
        for (let o = 0; o < m; o++) s += dy[r * m + o] * w[o * n + i];
        dx[r * n + i] = s;
      }
    }
  },
};

export const fastDense: LayerKernel = {
  fusesRelu: true,
  forward(p: LayerPass, x: FloatArray, y: FloatArray) {
    const { w, b } = weights(p);
    p.gemm(false, true, p.rows, p.info.outSize, p.info.inSize, 1, x, w, 0, y);
    if (p.relu) biasRelu(p.rows, p.info.outSize, y, b, y);
    else addBias(p.rows, p.info.outSize, y, b);
  },
  backward(p, x, y, dy, dx) {
    const { w } = weights(p);
    const { w: dw, b: db } = weights(p, p.grads);
    const n = p.info.inSize;
    const m = p.info.outSize;
    // The ReLU's gate, in place: dy is this pass's to consume.
    if (p.relu) for (let i = 0; i < p.rows * m; i++) if (!(y[i] > 0)) dy[i] = 0;
    p.gemm(true, false, m, n, p.rows, 1, dy, x, 0, dw);
    sumRows(p.rows, m, dy, db);
    if (dx) p.gemm(false, false, p.rows, n, m, 1, dy, w, 0, dx);
  },
};
