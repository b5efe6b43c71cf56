/**
 * The activations as layers: element-wise over every value of the batch
 * (softmax row-wise, for the output), on @dnn/tensor's kernels.
 * @module
 */
import { activate, activateBackward } from '../activation.ts';
import type { ActivationName } from '../spec.ts';
import type { LayerKernel } from './layer.ts';

export const activationLayer: LayerKernel = {
  forward(p, x, y) {
    activate(p.info.spec.kind as ActivationName, p.rows, p.info.outSize, x, y);
  },
  backward(p, x, y, dy, dx) {
    if (dx) activateBackward(p.info.spec.kind as ActivationName, p.rows, p.info.outSize, x, y, dy, dx);
  },
};
