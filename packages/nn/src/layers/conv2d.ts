/**
 * 2-D convolution, the reference: square kernel, stride 1 or 2, zero
 * padding, NCHW images, weights [out, in, k, k] as PyTorch's nn.Conv2d
 * (cross-correlation, as every framework computes it). Plain loops over
 * every output and every tap.
 * @module
 */
import type { Conv2dLayer, LayerInfo } from '../spec.ts';
import { weights, type LayerKernel } from './layer.ts';

/** The sizes a conv loop needs, from the shape function's output. */
export function convGeometry(info: LayerInfo) {
  const l = info.spec as Conv2dLayer;
  const [C, H, W] = info.inShape;
  const [O, OH, OW] = info.outShape;
  return { C, H, W, O, OH, OW, k: l.kernel, s: l.stride, pad: l.padding === 'same' ? (l.kernel - 1) / 2 : 0 };
}

export const referenceConv2d: LayerKernel = {
  forward(p, x, y) {
    const { C, H, W, O, OH, OW, k, s, pad } = convGeometry(p.info);
    const { w, b } = weights(p);
    for (let r = 0; r < p.rows; r++) {
      for (let o = 0; o < O; o++) {
        for (let oy = 0; oy < OH; oy++) {
          for (let ox = 0; ox < OW; ox++) {
            let sum = b[o];
            for (let c = 0; c < C; c++) {
              for (let ky = 0; ky < k; ky++) {
                const iy = oy * s + ky - pad;
                if (iy < 0 || iy >= H) continue;
                for (let kx = 0; kx < k; kx++) {
                  const ix = ox * s + kx - pad;
                  if (ix < 0 || ix >= W) continue;
                  sum += w[((o * C + c) * k + ky) * k + kx] * x[((r * C + c) * H + iy) * W + ix];
                }
              }
            }
            y[((r * O + o) * OH + oy) * OW + ox] = sum;
          }
        }
      }
    }
  },
  backward(p, x, _y, dy, dx) {
    const { C, H, W, O, OH, OW, k, s, pad } = convGeometry(p.info);
    const { w } = weights(p);
    const { w: dw, b: db } = weights(p, p.grads);
    dw.fill(0);
    db.fill(0);
    dx?.fill(0, 0, p.rows * C * H * W);
    for (let r = 0; r < p.rows; r++) {
      for (let o = 0; o < O; o++) {
        for (let oy = 0; oy < OH; oy++) {
          for (let ox = 0; ox < OW; ox++) {
            const g = dy[((r * O + o) * OH + oy) * OW + ox];
            db[o] += g;
            for (let c = 0; c < C; c++) {
              for (let ky = 0; ky < k; ky++) {
                const iy = oy * s + ky - pad;
                if (iy < 0 || iy >= H) continue;
                for (let kx = 0; kx < k; kx++) {
                  const ix = ox * s + kx - pad;
                  if (ix < 0 || ix >= W) continue;
                  const wi = ((o * C + c) * k + ky) * k + kx;
                  const xi = ((r * C + c) * H + iy) * W + ix;
                  dw[wi] += g * x[xi];
                  if (dx) dx[xi] += g * w[wi];
                }
              }
            }
          }
        }
      }
    }
  },
};
