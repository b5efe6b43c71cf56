/**
 * 2x2 max pooling with stride 2, NCHW; an odd last row or column is dropped
 * (PyTorch's default). The gradient goes to the first maximum of each
 * window in row-major order. The reference loops over a general window; the
 * fast kernel is @dnn/tensor's maxPool2 (four values of each window read
 * directly; WebAssembly SIMD on arena buffers).
 * @module
 */
import { maxPool2, maxPool2Backward, type FloatArray } from '@dnn/tensor';
import type { LayerInfo } from '../spec.ts';
import type { LayerKernel } from './layer.ts';

const SIZE = 2;
const STRIDE = 2;

function geometry(info: LayerInfo) {
  const [C, H, W] = info.inShape;
  const [, OH, OW] = info.outShape;
  return { C, H, W, OH, OW };
}

/** Index into x of the window's first maximum. */
function argmaxWindow(x: FloatArray, plane: number, W: number, oy: number, ox: number): number {
  let best = plane + oy * STRIDE * W + ox * STRIDE;
  for (let ky = 0; ky < SIZE; ky++) {
    for (let kx = 0; kx < SIZE; kx++) {
      const i = plane + (oy * STRIDE + ky) * W + ox * STRIDE + kx;
      if (x[i] > x[best]) best = i;
    }
  }
  return best;
}

export const referenceMaxPool2d: LayerKernel = {
  forward(p, x, y) {
    const { C, H, W, OH, OW } = geometry(p.info);
    for (let rc = 0; rc < p.rows * C; rc++) {
      for (let oy = 0; oy < OH; oy++) {
        for (let ox = 0; ox < OW; ox++) y[(rc * OH + oy) * OW + ox] = x[argmaxWindow(x, rc * H * W, W, oy, ox)];
      }
    }
  },
  backward(p, x, _y, dy, dx) {
    if (!dx) return;
    const { C, H, W, OH, OW } = geometry(p.info);
    dx.fill(0, 0, p.rows * C * H * W);
    for (let rc = 0; rc < p.rows * C; rc++) {
      for (let oy = 0; oy < OH; oy++) {
        for (let ox = 0; ox < OW; ox++) dx[argmaxWindow(x, rc * H * W, W, oy, ox)] += dy[(rc * OH + oy) * OW + ox];
      }
    }
  },
};

export const fastMaxPool2d: LayerKernel = {
  forward(p, x, y) {
    const { C, H, W } = geometry(p.info);
    maxPool2(p.rows * C, H, W, x, y);
  },
  backward(p, x, _y, dy, dx) {
    if (!dx) return;
    const { C, H, W } = geometry(p.info);
    maxPool2Backward(p.rows * C, H, W, x, dy, dx);
  },
};
