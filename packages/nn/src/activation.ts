/**
 * Maps activation names to the tensor kernels. Softmax is row-wise, so it
 * gets its own branch; everything else is element-wise.
 * @module
 */
import * as k from '@dnn/tensor';
import type { FloatArray } from '@dnn/tensor';
import type { ActivationName } from './spec.ts';

const elementwise: Record<Exclude<ActivationName, 'softmax'>, k.ActivationKernel> = {
  linear: k.linear,
  sigmoid: k.sigmoid,
  tanh: k.tanh,
  'lecun-tanh': k.lecunTanh,
  relu: k.relu,
  'leaky-relu': k.leakyRelu,
  elu: k.elu,
  softplus: k.softplus,
};

/** y = f(z) over a [rows, cols] block. */
export function activate(name: ActivationName, rows: number, cols: number, z: FloatArray, y: FloatArray): void {
  if (name === 'softmax') k.softmaxRows(rows, cols, z, y);
  else elementwise[name].forward(rows * cols, z, y);
}

/** dz = f'(z) * dy over a [rows, cols] block (dz may alias dy). */
export function activateBackward(
  name: ActivationName,
  rows: number,
  cols: number,
  z: FloatArray,
  y: FloatArray,
  dy: FloatArray,
  dz: FloatArray,
): void {
  if (name === 'softmax') k.softmaxBackwardRows(rows, cols, y, dy, dz);
  else elementwise[name].backward(rows * cols, z, y, dy, dz);
}
