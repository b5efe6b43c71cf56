/**
 * Where each layer's weight and bias sit in one flat parameter vector. One
 * vector (and one of the same shape for gradients and each optimizer slot)
 * lets optimizers, workers and GPU buffers treat the model as a single array.
 * Weights use PyTorch's layouts: nn.Linear [out, in], nn.Conv2d
 * [out, in, kh, kw], row-major, in layer order, each weight then its bias.
 * @module
 */
import { layerShapes, layersFromMlp, type MlpSpec, type ModelSpec } from './spec.ts';

export interface LayerSlot {
  /** Inputs per output (dense: in features; conv: in channels x k x k). */
  inputs: number;
  outputs: number;
  /** Offset of the [outputs, inputs] weight matrix. */
  weight: number;
  /** Offset of the [outputs] bias vector. */
  bias: number;
}

export interface ParamLayout {
  /** The layers with parameters, in order. */
  layers: LayerSlot[];
  /** Total number of parameters. */
  size: number;
}

export function paramLayout(spec: ModelSpec | MlpSpec): ParamLayout {
  const infos = layerShapes('layers' in spec ? spec : layersFromMlp(spec));
  const layers: LayerSlot[] = [];
  let size = 0;
  for (const l of infos) {
    if (!l.weight || !l.bias) continue;
    layers.push({ inputs: l.weight.size / l.bias.size, outputs: l.bias.size, weight: l.weight.offset, bias: l.bias.offset });
    size += l.params;
  }
  return { layers, size };
}

/** Number of trainable parameters of a spec. */
export function parameterCount(spec: ModelSpec | MlpSpec): number {
  return paramLayout(spec).size;
}
