/**
 * 2-D convolution on the GEMM: the batch's input patches are unrolled into
 * one column matrix col [C k k, rows OH OW] (im2col), so the forward pass is
 * one product W [O, C k k] x col and both gradients are one product each.
 * The product comes out channel-major ([O, rows, OH OW]); a copy that also
 * adds the bias puts it back in NCHW. The column matrix stays from the
 * forward pass for the weight gradient.
 * @module
 */
import type { FloatArray } from '@dnn/tensor';
import { convGeometry } from './conv2d.ts';
import { weights, type LayerKernel } from './layer.ts';

/** col[(c k + ky) k + kx, r P + oy OW + ox] = x[r, c, oy s + ky - pad, ox s + kx - pad] (0 outside). */
export function im2col(g: ReturnType<typeof convGeometry>, rows: number, x: FloatArray, col: FloatArray): void {
  const { C, H, W, OH, OW, k, s, pad } = g;
  const P = OH * OW;
  const N = rows * P;
  for (let c = 0; c < C; c++) {
    for (let ky = 0; ky < k; ky++) {
      for (let kx = 0; kx < k; kx++) {
        const base = ((c * k + ky) * k + kx) * N;
        for (let r = 0; r < rows; r++) {
          const plane = (r * C + c) * H * W;
          let at = base + r * P;
          for (let oy = 0; oy < OH; oy++) {
            const iy = oy * s + ky - pad;
            if (iy < 0 || iy >= H) {
              col.fill(0, at, at + OW);
              at += OW;
              continue;
            }
            const row = plane + iy * W;
            for (let ox = 0; ox < OW; ox++, at++) {
              const ix = ox * s + kx - pad;
              col[at] = ix >= 0 && ix < W ? x[row + ix] : 0;
            }
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
        for (let r = 0; r < rows; r++) {
          const plane = (r * C + c) * H * W;
          let at = base + r * P;
          for (let oy = 0; oy < OH; oy++) {
            const iy = oy * s + ky - pad;
            if (iy < 0 || iy >= H) {
              at += OW;
              continue;
            }
            const row = plane + iy * W;
            for (let ox = 0; ox < OW; ox++, at++) {
              const ix = ox * s + kx - pad;
              if (ix >= 0 && ix < W) dx[row + ix] += dcol[at];
            }
          }
        }
      }
    }
  }
}

export const im2colConv2d: LayerKernel = {
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
        for (let i = 0; i < P; i++) y[dst + i] = t[src + i] + bo;
      }
    }
  },
  backward(p, _x, _y, dy, dx) {
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
        for (let i = 0; i < P; i++) {
          const v = dy[src + i];
          t[dst + i] = v;
          sum += v;
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
