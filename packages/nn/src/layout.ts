/**
 * Where each layer's weight and bias sit in one flat parameter vector. One
 * vector (and one of the same shape for gradients and each optimizer slot)
 * lets optimizers, workers and GPU buffers treat the model as a single array.
 * Weights use PyTorch's nn.Linear layout: [out, in], row-major.
 * @module
 */
import { layerSizes, type ModelSpec } from './spec.ts';

export interface LayerSlot {
  inputs: number;
  outputs: number;
  /** Offset of the [outputs, inputs] weight matrix. */
  weight: number;
  /** Offset of the [outputs] bias vector. */
  bias: number;
}

export interface ParamLayout {
  layers: LayerSlot[];
  /** Total number of parameters. */
  size: number;
}

export function paramLayout(spec: ModelSpec): ParamLayout {
  const sizes = layerSizes(spec);
  const layers: LayerSlot[] = [];
  let offset = 0;
  for (let i = 0; i + 1 < sizes.length; i++) {
    const inputs = sizes[i];
    const outputs = sizes[i + 1];
    layers.push({ inputs, outputs, weight: offset, bias: offset + inputs * outputs });
    offset += inputs * outputs + outputs;
  }
  return { layers, size: offset };
}

/** Number of trainable parameters of a spec. */
export function parameterCount(spec: ModelSpec): number {
  return paramLayout(spec).size;
}
