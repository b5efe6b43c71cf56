/**
 * @dnn/nn: multilayer perceptrons from a plain-data spec. Dense layers,
 * activations, losses, initialisation, optimizers, schedules, the training
 * loop and metrics, and the Backend interface that backends implement; the
 * single-thread CPU backend is the reference implementation.
 * @module
 */
export {
  ACTIVATIONS,
  LOSSES,
  type ActivationName,
  type LossName,
  type ModelSpec,
  SpecError,
  defaultSpec,
  validateSpec,
  hiddenActivations,
  layerSizes,
} from './spec.ts';
export { type LayerSlot, type ParamLayout, paramLayout, parameterCount } from './layout.ts';
export { initParams, STREAM } from './init.ts';
export { activate, activateBackward } from './activation.ts';
export {
  type Kernels,
  type Workspace,
  referenceKernels,
  fastKernels,
  fastKernelsPath,
  kernelsOver,
  simdSetting,
  workspaceFloats,
  createWorkspace,
  loadBatch,
  forward,
  lossAndOutputGrad,
  backward,
  computeGradients,
} from './network.ts';
export { OPTIMIZERS, type AdamKernel, type Gradient, type OptimizerName, type OptimizerConfig, type OptimizerState, type Optimizer, createOptimizer } from './optimizers.ts';
export { SCHEDULES, type ScheduleName, type ScheduleConfig, learningRateAt } from './schedules.ts';
export { type Dataset, sliceDataset, checkDataset } from './dataset.ts';
export {
  BACKEND_INTERFACE_VERSION,
  type Backend,
  type Trainer,
  type TrainerOptions,
  type TrainResult,
} from './backend.ts';
export { cpuBackend, checkState } from './cpu-backend.ts';
export { type Metrics, metricsFromOutputs } from './metrics.ts';
export {
  type FitOptions,
  type FitEvent,
  type StartEvent,
  type ProgressEvent,
  type EpochEvent,
  type FitResult,
  DivergedError,
  checkFitOptions,
  fit,
} from './fit.ts';
export { type Model, createModel, predict, evaluate } from './model.ts';
export { MAX_HEADER_BYTES, ModelFileError, type ModelMetadata, type NamedTensor, encodeSafetensors, decodeSafetensors } from './safetensors.ts';
export { type DataShape, checkFiniteTensors, modelDataMismatch } from './model-check.ts';
export { MODEL_FORMAT, encodeModel, decodeModel, modelTensors, specFromMetadata, paramsFromTensors } from './model-file.ts';
export { type ProfilePoint, type ProfileOptions, trainingProfileSvg, niceTicks } from './plot.ts';
export { CHECKPOINT_FORMAT, type TrainerState, type FitProgress, type Checkpoint, encodeCheckpoint, decodeCheckpoint } from './checkpoint.ts';
