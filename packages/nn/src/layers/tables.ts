/**
 * The kernel tables: every layer kind's reference (the oracle) and the
 * fastest CPU kernel. Typed as Record<LayerKind, ...>, so adding a kind
 * without its kernels does not compile.
 * @module
 */
import { activationLayer } from './activation.ts';
import { referenceConv2d } from './conv2d.ts';
import { im2colConv2d } from './conv2d-im2col.ts';
import { fastDense, referenceDense } from './dense.ts';
import { dropout } from './dropout.ts';
import { flatten } from './flatten.ts';
import type { LayerTable } from './layer.ts';
import { fastMaxPool2d, referenceMaxPool2d } from './maxpool2d.ts';

const activations = {
  linear: activationLayer,
  sigmoid: activationLayer,
  tanh: activationLayer,
  'lecun-tanh': activationLayer,
  relu: activationLayer,
  'leaky-relu': activationLayer,
  elu: activationLayer,
  softplus: activationLayer,
  softmax: activationLayer,
};

export const referenceLayers: LayerTable = {
  dense: referenceDense,
  conv2d: referenceConv2d,
  maxpool2d: referenceMaxPool2d,
  flatten,
  dropout,
  ...activations,
};

export const fastLayers: LayerTable = {
  dense: fastDense,
  conv2d: im2colConv2d,
  maxpool2d: fastMaxPool2d,
  flatten,
  dropout,
  ...activations,
};
