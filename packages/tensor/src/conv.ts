/**
 * The memory passes of a convolution computed on the GEMM (im2col): the
 * batch's input patches unrolled into a column matrix col [C k k, rows OH OW]
 * and its adjoint, and the copies between the GEMM's channel-major product
 * [O, rows P] and NCHW images [rows, O, P] (with the bias, a following ReLU
 * and its gradient gate, the bias gradient). These loops are the
 * definition; arrays from a SharedKernels arena run the same passes in
 * WebAssembly SIMD (scripts/conv-wat.mjs), where the loops took two thirds
 * of a CNN step.
 * @module
 */
import type { FloatArray } from './shape.ts';
import { arenaOf } from './wasm/in-arena.ts';

/** A convolution's sizes: input C x H x W, output OH x OW, square kernel k, stride s, zero padding pad. */
export interface ConvGeometry {
  C: number;
  H: number;
  W: number;
  OH: number;
  OW: number;
  k: number;
  s: number;
  pad: number;
}

/** The outputs ox whose tap kx lands inside a row of width W: [lo, hi). */
function validRange(kx: number, s: number, pad: number, W: number, OW: number): [number, number] {
  const lo = Math.max(0, Math.ceil((pad - kx) / s));
  const hi = Math.min(OW, Math.floor((W - 1 + pad - kx) / s) + 1);
  return [lo, Math.max(lo, hi)];
}

const colFloats = (g: ConvGeometry, rows: number) => g.C * g.k * g.k * rows * g.OH * g.OW;

/** col[(c k + ky) k + kx, r P + oy OW + ox] = x[r, c, oy s + ky - pad, ox s + kx - pad] (0 outside). */
export function im2col(g: ConvGeometry, rows: number, x: FloatArray, col: FloatArray): void {
  const { C, H, W, OH, OW, k, s, pad } = g;
  const n = colFloats(g, rows);
  const arena = n > 0 && x.length >= rows * C * H * W && col.length >= n ? arenaOf(x, col) : null;
  if (arena) return arena.exports.im2col(x.byteOffset, col.byteOffset, C, H, W, k, s, pad, OH, OW, rows);
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
            for (let ox = lo; ox < hi; ox++) col[at + ox] = x[row + s * ox];
            for (let ox = hi; ox < OW; ox++) col[at + ox] = 0;
          }
        }
      }
    }
  }
}

/** The adjoint of im2col: dx[r, c, iy, ix] = sum of the dcol entries that im2col read from it. */
export function col2im(g: ConvGeometry, rows: number, dcol: FloatArray, dx: FloatArray): void {
  const { C, H, W, OH, OW, k, s, pad } = g;
  const n = colFloats(g, rows);
  dx.fill(0, 0, rows * C * H * W);
  const arena = n > 0 && dx.length >= rows * C * H * W && dcol.length >= n ? arenaOf(dx, dcol) : null;
  if (arena) return arena.exports.col2im(dx.byteOffset, dcol.byteOffset, C, H, W, k, s, pad, OH, OW, rows);
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
            if (iy < 0 || iy >= H) continue;
            const row = plane + iy * W + shift;
            for (let ox = lo; ox < hi; ox++) dx[row + s * ox] += dcol[at + ox];
          }
        }
      }
    }
  }
}

/**
 * y[r, o, i] = t[o, r P + i] + bias[o] for P positions per image, then
 * max(., 0) (NaN kept) when `relu`: the GEMM's product back in NCHW.
 */
export function channelsToImages(O: number, rows: number, P: number, t: FloatArray, bias: FloatArray, y: FloatArray, relu: boolean): void {
  const n = O * rows * P;
  const arena = n > 0 && t.length >= n && y.length >= n && bias.length >= O ? arenaOf(t, bias, y) : null;
  if (arena) return arena.exports.channelsToImages(t.byteOffset, bias.byteOffset, y.byteOffset, O, rows, P, relu ? 1 : 0);
  const N = rows * P;
  for (let r = 0; r < rows; r++) {
    for (let o = 0; o < O; o++) {
      const bo = bias[o];
      const src = o * N + r * P;
      const dst = (r * O + o) * P;
      if (relu) {
        for (let i = 0; i < P; i++) {
          const v = t[src + i] + bo;
          y[dst + i] = v > 0 ? v : v !== v ? v : 0;
        }
      } else for (let i = 0; i < P; i++) y[dst + i] = t[src + i] + bo;
    }
  }
}

/**
 * The backward copy: t[o, r P + i] = dy[r, o, i], zero where y <= 0 when
 * `relu` (y is the ReLU's output), and dbias[o] = the sum of t's row o.
 */
export function imagesToChannels(O: number, rows: number, P: number, y: FloatArray, dy: FloatArray, t: FloatArray, dbias: FloatArray, relu: boolean): void {
  const n = O * rows * P;
  const arena = n > 0 && t.length >= n && y.length >= n && dy.length >= n && dbias.length >= O ? arenaOf(y, dy, t, dbias) : null;
  if (arena) return arena.exports.imagesToChannels(y.byteOffset, dy.byteOffset, t.byteOffset, dbias.byteOffset, O, rows, P, relu ? 1 : 0);
  const N = rows * P;
  for (let o = 0; o < O; o++) {
    let sum = 0;
    for (let r = 0; r < rows; r++) {
      const src = (r * O + o) * P;
      const dst = o * N + r * P;
      for (let i = 0; i < P; i++) {
        const v = !relu || y[src + i] > 0 ? dy[src + i] : 0;
        t[dst + i] = v;
        sum += v;
      }
    }
    dbias[o] = sum;
  }
}
