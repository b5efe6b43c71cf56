/**
 * 2-D convolution on the GEMM: the batch's input patches are unrolled into
 * one column matrix col [C k k, rows OH OW] (im2col), so the forward pass is
 * one product W [O, C k k] x col and both gradients are one product each.
 * The product comes out channel-major ([O, rows, OH OW]); a copy that also
 * adds the bias puts it back in NCHW (and applies a following ReLU, whose
 * gradient gate the backward pass applies in its own copy). The column
 * matrix stays from the forward pass for the weight gradient. The memory
 * passes are @dnn/tensor's (WebAssembly SIMD on arena buffers).
 * @module
 */
import { channelsToImages, col2im, im2col, imagesToChannels } from '@dnn/tensor';
import { convGeometry } from './conv2d.ts';
import { weights, type LayerKernel } from './layer.ts';

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
    channelsToImages(g.O, p.rows, P, t, b, y, p.relu === true);
  },
  backward(p, _x, y, dy, dx) {
    const g = convGeometry(p.info);
    const { w } = weights(p);
    const { w: dw, b: db } = weights(p, p.grads);
    const [col, t, dcol] = p.scratch;
    const P = g.OH * g.OW;
    const N = p.rows * P;
    const kk = g.C * g.k * g.k;
    imagesToChannels(g.O, p.rows, P, y, dy, t, db, p.relu === true);
    p.gemm(false, true, g.O, kk, N, 1, t, col, 0, dw);
    if (!dx) return;
    p.gemm(true, false, kk, N, g.O, 1, w, t, 0, dcol);
    col2im(g, p.rows, dcol, dx);
  },
};
