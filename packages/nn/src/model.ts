/**
 * A trained model: its spec and its parameters, and what can be done with
 * one without training: predict and evaluate.
 * @module
 */
import type { Backend } from './backend.ts';
import { cpuBackend } from './cpu-backend.ts';
import { checkDataset, type Dataset } from './dataset.ts';
import { initParams } from './init.ts';
import { parameterCount } from './layout.ts';
import { metricsFromOutputs, type Metrics } from './metrics.ts';
import { createFastGemm, type KernelOptions } from '@dnn/tensor';
import { fastLayers } from './layers/tables.ts';
import { createWorkspace } from './network.ts';
import { PREDICT_CHUNK, predictRows } from './trainer-parts.ts';
import { inputSize, validateSpec, type ModelSpec } from './spec.ts';

export interface Model {
  spec: ModelSpec;
  params: Float32Array;
}

/** A freshly initialised model. */
export function createModel(spec: ModelSpec, seed = 1): Model {
  const valid = validateSpec(spec);
  return { spec: valid, params: initParams(valid, seed) };
}

/**
 * Outputs (probabilities for a softmax model) for `rows` inputs, row-major,
 * raw values (bytes are scaled by the spec's inputScale). The fast GEMM
 * (as `kernels` allow) even for one image: a CNN's convolutions want it.
 * @example
 * const probs = predict(model, imageBytes, 1); // Float32Array(10)
 */
export function predict(model: Model, x: Uint8Array | Float32Array, rows = x.length / inputSize(model.spec), kernels: KernelOptions = {}): Float32Array {
  const { spec, params } = model;
  const nIn = inputSize(spec);
  if (params.length !== parameterCount(spec)) throw new RangeError(`the model has ${params.length} parameters, its spec needs ${parameterCount(spec)}`);
  if (!Number.isInteger(rows) || x.length !== rows * nIn) {
    throw new RangeError(`predict: ${x.length} input values are not a whole number of rows of ${nIn}`);
  }
  const ws = createWorkspace(spec, Math.min(Math.max(rows, 1), PREDICT_CHUNK));
  return predictRows(ws, params, { gemm: createFastGemm(kernels).gemm, layers: fastLayers }, { x }, 0, rows);
}

/** Loss, accuracy, per-class accuracy and confusion matrix of a model on a dataset. */
export async function evaluate(model: Model, data: Dataset, options: { backend?: Backend } = {}): Promise<Metrics> {
  checkDataset(data, 'evaluation data');
  const backend = options.backend ?? cpuBackend();
  const trainer = await backend.createTrainer({ spec: model.spec, params: model.params, optimizer: { name: 'sgd' }, data, maxBatch: 1 });
  try {
    const outputs = await trainer.predict(data, 0, data.count);
    return metricsFromOutputs(model.spec, outputs, data.labels);
  } finally {
    await trainer.dispose();
  }
}
