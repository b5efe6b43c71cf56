/**
 * Flatten: [C, H, W] to [C H W] per example. NCHW rows are already in
 * PyTorch's flatten order (channels, then rows, then columns), so both
 * passes are copies.
 * @module
 */
import type { LayerKernel } from './layer.ts';

export const flatten: LayerKernel = {
  forward(p, x, y) {
    const n = p.rows * p.info.inSize;
    for (let i = 0; i < n; i++) y[i] = x[i];
  },
  backward(p, _x, _y, dy, dx) {
    if (!dx) return;
    const n = p.rows * p.info.inSize;
    for (let i = 0; i < n; i++) dx[i] = dy[i];
  },
};
