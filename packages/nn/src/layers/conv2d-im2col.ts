/**
 * 2-D convolution on the GEMM: the batch's input patches are unrolled into
 * one column matrix col [C k k, rows OH OW] (im2col), so the forward pass is
 * one product W [O, C k k] x col and both gradients are one product each.
 * The product comes out channel-major ([O, rows, OH OW]); a copy that also
 * adds the bias puts it back in NCHW (and applies a following ReLU, whose
 * gradient gate the backward pass applies in its own copy). The column
 * matrix stays from the forward pass for the weight gradient.
 * @module
 */
import type { FloatArray } from '@dnn/tensor';
import { convGeometry } from './conv2d.ts';
import { weights, type LayerKernel } from './layer.ts';

/** The outputs ox whose tap kx lands inside a row of width W: [lo, hi). */
function validRange(kx: number, s: number, pad: number, W: number, OW: number): [number, number] {
  const lo = Math.max(0, Math.ceil((pad - kx) / s));
  const hi = Math.min(OW, Math.floor((W - 1 + pad - kx) / s) + 1);
  return [lo, Math.max(lo, hi)];
}

/** col[(c k + ky) k + kx, r P + oy OW + ox] = x[r, c, oy s + ky - pad, ox s + kx - pad] (0 outside). */
export function im2col(g: ReturnType<typeof convGeometry>, rows: number, x: FloatArray, col: FloatArray): void {
  const { C, H, W, OH, OW, k, s, pad } = g;
  const P = OH * OW;
  const N = rows * P;
  for (let c = 0; c < C; c++) {
    for (let ky = 0; ky < k; ky++) {
      for (let kx = 0; kx < k; kx++) {
        const base = ((c * k + ky) * k + kx) * N;
        const [lo, hi] = validRange(kx, s, pad, W, OW);
        const shift = kx - pad;
        for (let r = 0; r < rows; r++) {
          const plane = (r * C + c) * H * W;
          let at = base + r * P;
          for (let oy = 0; oy < OH; oy++, at += OW) {
            const iy = oy * s + ky - pad;
            if (iy < 0 || iy >= H) {
              col.fill(0, at, at + OW);
              continue;
            }
            const row = plane + iy * W + shift;
            for (let ox = 0; ox < lo; ox++) col[at + ox] = 0;
            if (s === 1) for (let ox = lo; ox < hi; ox++) col[at + ox] = x[row + ox];
            else for (let ox = lo; ox < hi; ox++) col[at + ox] = x[row + 2 * ox];
            for (let ox = hi; ox < OW; ox++) col[at + ox] = 0;
          }
        }
      }
    }
  }
}

/** The adjoint of im2col: dx[r, c, iy, ix] = sum of the dcol entries that im2col read from it. */
export function col2im(g: ReturnType<typeof convGeometry>, rows: number, dcol: FloatArray, dx: FloatArray): void {
  const { C, H, W, OH, OW, k, s, pad } = g;
  const P = OH * OW;
  const N = rows * P;
  dx.fill(0, 0, rows * C * H * W);
  for (let c = 0; c < C; c++) {
    for (let ky = 0; ky < k; ky++) {
      for (let kx = 0; kx < k; kx++) {
        const base = ((c * k + ky) * k + kx) * N;
        const [lo, hi] = validRange(kx, s, pad, W, OW);
        const shift = kx - pad;
        for (let r = 0; r < rows; r++) {
          const plane = (r * C + c) * H * W;
          let at = base + r * P;
          for (let oy = 0; oy < OH; oy++, at += OW) {
            const iy = oy * s + ky - pad;
            if (iy < 0 || iy >= H) continue;
            const row = plane + iy * W + shift;
            if (s === 1) for (let ox = lo; ox < hi; ox++) dx[row + ox] += dcol[at + ox];
            else for (let ox = lo; ox < hi; ox++) dx[row + 2 * ox] += dcol[at + ox];
          }
        }
      }
    }
  }
}

export const im2colConv2d: LayerKernel = {
  fusesRelu: true,
  // col (kept for the weight gradient), the channel-major product, and dcol when the input's gradient is needed.
  scratchFloats(info, maxBatch, needsDx) {
    const g = convGeometry(info);
    const n = maxBatch * g.OH * g.OW;
    const kk = g.C * g.k * g.k;
    return needsDx ? [kk * n, g.O * n, kk * n] : [kk * n, g.O * n];
  },
  forward(p, x, y) {
    const g = convGeometry(p.info);
    const { w, b } = weights(p);
    const [col, t] = p.scratch;
    const P = g.OH * g.OW;
    const N = p.rows * P;
    im2col(g, p.rows, x, col);
    p.gemm(false, false, g.O, N, g.C * g.k * g.k, 1, w, col, 0, t);
    for (let r = 0; r < p.rows; r++) {
      for (let o = 0; o < g.O; o++) {
        const bo = b[o];
        const src = o * N + r * P;
        const dst = (r * g.O + o) * P;
        if (p.relu) {
          for (let i = 0; i < P; i++) {
            const v = t[src + i] + bo;
            y[dst + i] = v > 0 ? v : v !== v ? v : 0;
          }
        } else for (let i = 0; i < P; i++) y[dst + i] = t[src + i] + bo;
      }
    }
  },
  backward(p, _x, y, dy, dx) {
    const g = convGeometry(p.info);
    const { w } = weights(p);
    const { w: dw, b: db } = weights(p, p.grads);
    const [col, t, dcol] = p.scratch;
    const P = g.OH * g.OW;
    const N = p.rows * P;
    const kk = g.C * g.k * g.k;
    for (let o = 0; o < g.O; o++) {
      let sum = 0;
      for (let r = 0; r < p.rows; r++) {
        const src = (r * g.O + o) * P;
        const dst = o * N + r * P;
        if (p.relu) {
          for (let i = 0; i < P; i++) {
            const v = y[src + i] > 0 ? dy[src + i] : 0;
            t[dst + i] = v;
            sum += v;
          }
        } else {
          for (let i = 0; i < P; i++) {
            const v = dy[src + i];
            t[dst + i] = v;
            sum += v;
          }
        }
      }
      db[o] = sum;
    }
    p.gemm(false, true, g.O, kk, N, 1, t, col, 0, dw);
    if (!dx) return;
    p.gemm(true, false, kk, N, g.O, 1, w, t, 0, dcol);
    col2im(g, p.rows, dcol, dx);
  },
};
