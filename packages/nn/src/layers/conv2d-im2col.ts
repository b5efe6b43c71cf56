/**
 * 2-D convolution on the GEMM, a chunk of images at a time: a chunk's input
 * patches are unrolled into a column matrix col [C k k, rows OH OW] (im2col),
 * so the forward pass is one product W [O, C k k] x col per chunk and both
 * gradients are one product each. The product comes out channel-major
 * ([O, rows, OH OW]); a copy that also adds the bias puts it back in NCHW
 * (and applies a following ReLU, whose gradient gate the backward pass
 * applies in its own copy). Every chunk's column matrix stays from the
 * forward pass for the weight gradient, which sums over the chunks.
 *
 * Why chunks: over a whole batch of 100, col and its gradient are 10 MB
 * each (the default CNN's second conv), written and read back through the
 * caches; a chunk's (CHUNK_FLOATS) is read back while it is still near.
 * Measured on the default CNN (CPU time of forward + backward, best of 25,
 * busy 2-core machine): conv1 5.2-5.4 ms whole-batch, 4.7-4.8 in chunks;
 * conv2 19.0-19.1 and 18.4-18.7 (chunks of 256 Ki floats; 128 Ki and 64 Ki
 * did no better). The memory passes are @dnn/tensor's (WebAssembly SIMD on
 * arena buffers).
 * @module
 */
import { channelsToImages, col2im, im2col, imagesToChannels } from '@dnn/tensor';
import type { LayerInfo } from '../spec.ts';
import { convGeometry } from './conv2d.ts';
import { weights, type LayerKernel } from './layer.ts';

/** Floats of a chunk's column matrix (1 MiB, the L2 of one of the development machine's cores). */
export const CHUNK_FLOATS = 1 << 18;

/** Images per chunk: as many as fill CHUNK_FLOATS of col, at least one. */
export function chunkRows(info: LayerInfo, maxBatch: number): number {
  const g = convGeometry(info);
  return Math.max(1, Math.min(maxBatch, Math.floor(CHUNK_FLOATS / (g.C * g.k * g.k * g.OH * g.OW))));
}

export const im2colConv2d: LayerKernel = {
  fusesRelu: true,
  // col of the whole batch (kept for the weight gradient); a chunk's product, its bias gradient, and its dcol when the input's gradient is needed.
  scratchFloats(info, maxBatch, needsDx) {
    const g = convGeometry(info);
    const P = g.OH * g.OW;
    const kk = g.C * g.k * g.k;
    const R = chunkRows(info, maxBatch);
    return needsDx ? [kk * maxBatch * P, g.O * R * P, g.O, kk * R * P] : [kk * maxBatch * P, g.O * R * P, g.O];
  },
  forward(p, x, y) {
    const g = convGeometry(p.info);
    const { w, b } = weights(p);
    const [col, t] = p.scratch;
    const P = g.OH * g.OW;
    const kk = g.C * g.k * g.k;
    const R = chunkRows(p.info, p.rows);
    for (let r0 = 0; r0 < p.rows; r0 += R) {
      const n = Math.min(R, p.rows - r0);
      const c = col.subarray(r0 * kk * P, (r0 + n) * kk * P);
      im2col(g, n, x.subarray(r0 * g.C * g.H * g.W), c);
      p.gemm(false, false, g.O, n * P, kk, 1, w, c, 0, t);
      channelsToImages(g.O, n, P, t, b, y.subarray(r0 * g.O * P), p.relu === true);
    }
  },
  backward(p, _x, y, dy, dx) {
    const g = convGeometry(p.info);
    const { w } = weights(p);
    const { w: dw, b: db } = weights(p, p.grads);
    const [col, t, dbChunk, dcol] = p.scratch;
    const P = g.OH * g.OW;
    const kk = g.C * g.k * g.k;
    const R = chunkRows(p.info, p.rows);
    for (let r0 = 0; r0 < p.rows; r0 += R) {
      const n = Math.min(R, p.rows - r0);
      const at = r0 * g.O * P;
      imagesToChannels(g.O, n, P, y.subarray(at), dy.subarray(at), t, dbChunk, p.relu === true);
      for (let o = 0; o < g.O; o++) db[o] = r0 === 0 ? dbChunk[o] : db[o] + dbChunk[o];
      const c = col.subarray(r0 * kk * P, (r0 + n) * kk * P);
      // The weight gradient sums over the chunks: the first writes it, the rest add.
      p.gemm(false, true, g.O, kk, n * P, 1, t, c, r0 === 0 ? 0 : 1, dw);
      if (!dx) continue;
      p.gemm(true, false, kk, n * P, g.O, 1, w, t, 0, dcol);
      col2im(g, n, dcol, dx.subarray(r0 * g.C * g.H * g.W));
    }
  },
};
