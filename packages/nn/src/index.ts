/**
 * @dnn/nn: networks from a plain-data spec, a list of layers (dense,
 * conv2d, maxpool2d, flatten, dropout, activations). Each layer's reference
 * forward and backward, losses, initialisation, optimizers, schedules, the
 * training loop and metrics, and the Backend interface that backends
 * implement; the single-thread CPU backend is the reference implementation.
 * @module @dnn/nn
 */
export {
  ACTIVATIONS,
  LOSSES,
  type ActivationName,
  type LossName,
  LAYER_KINDS,
  type LayerKind,
  type LayerSpec,
  type DenseLayer,
  type Conv2dLayer,
  type MaxPool2dLayer,
  type FlattenLayer,
  type DropoutLayer,
  type ActivationLayer,
  type InputSpec,
  type ModelSpec,
  type MlpSpec,
  type LayerInfo,
  type ParamSlot,
  SpecError,
  defaultSpec,
  defaultCnnSpec,
  validateSpec,
  layersFromMlp,
  layerShapes,
  inputSize,
  outputSize,
  mlpView,
  hiddenActivations,
  layerSizes,
} from './spec.ts';
export { ArchError, parseArch, formatArch, ARCH_HELP } from './arch-syntax.ts';
export { type LayerSlot, type ParamLayout, paramLayout, parameterCount } from './layout.ts';
export { initParams, STREAM } from './init.ts';
export { activate, activateBackward } from './activation.ts';
export { type Kernels, referenceKernels, fastKernels, fastKernelsPath, kernelsOver, deterministicKernelOptions } from './kernels.ts';
export {
  type Workspace,
  type MlpWorkspace,
  type LayersWorkspace,
  type PassOptions,
  type WorkspaceOptions,
  workspaceFloats,
  createWorkspace,
  loadBatch,
  forward,
  computeGradients,
  outputWidth,
} from './network.ts';
export { denseForward, denseParamGradients } from './mlp-step.ts';
export { type LayerKernel, type LayerPass, type LayerTable } from './layers/layer.ts';
export { referenceLayers, fastLayers } from './layers/tables.ts';
export { dropoutHash, dropoutKeeps } from './layers/dropout.ts';
export { OPTIMIZERS, type AdamKernel, type Gradient, type OptimizerName, type OptimizerConfig, type OptimizerState, type Optimizer, createOptimizer } from './optimizers.ts';
export { SCHEDULES, type ScheduleName, type ScheduleConfig, type SchedulePosition, learningRateAt, changesPerStep, checkSchedule } from './schedules.ts';
export { type Dataset, sliceDataset, checkDataset } from './dataset.ts';
export {
  BACKEND_INTERFACE_VERSION,
  type Backend,
  type Trainer,
  type TrainerOptions,
  type TrainResult,
  type TrainerState,
  type LearningRates,
  rateOf,
} from './backend.ts';
export { type CpuBackendOptions, cpuBackend } from './cpu-backend.ts';
export { PREDICT_CHUNK, predictRows, copyState, restoreState, checkState, TrainerDisposedError } from './trainer-parts.ts';
export { DETERMINISTIC_BLOCKS, blockRows, treeSum } from './deterministic.ts';
export { type BlockGradients, blockGradients, blockLossTotal } from './block-gradients.ts';
export { withSparseFirstLayer, sparseInputBuffer, sparseFirstLayerBytes } from './sparse-first-layer.ts';
export { type Metrics, metricsFromOutputs } from './metrics.ts';
export {
  type FitOptions,
  type FitEvent,
  type StartEvent,
  type ProgressEvent,
  type EpochEvent,
  type FitResult,
  DivergedError,
  type ResolvedFitOptions,
  checkFitOptions,
  fitDefaults,
  fit,
} from './fit.ts';
export { DEFAULTS, defaultValidation } from './defaults.ts';
export { type Model, createModel, predict, evaluate } from './model.ts';
export { type InferredModel, inferModel, modelFromLayers } from './infer-layers.ts';
export { type Dtype, halfToFloat } from './dtypes.ts';
export { MAX_HEADER_BYTES, ModelFileError, type ModelMetadata, type NamedTensor, encodeSafetensors, decodeSafetensors } from './safetensors.ts';
export { type DataShape, checkFiniteTensors, modelDataMismatch } from './model-check.ts';
export {
  type DecodedModel,
  type DecodeOptions,
  MODEL_FORMAT,
  MODEL_FORMAT_MLP,
  type TensorNaming,
  type SpecOverride,
  encodeModel,
  decodeModel,
  modelTensors,
  specFromMetadata,
  paramsFromTensors,
} from './model-file.ts';
export { CLASSES_KEY, numberedClasses, classNamesProblem, classesMetadata, classesFromMetadata } from './classes.ts';
export { ONNX_OPSET, encodeOnnx } from './onnx.ts';
export { type ProfilePoint, type ProfileOptions, trainingProfileSvg, niceTicks } from './plot.ts';
export { CHECKPOINT_FORMAT, CHECKPOINT_FORMAT_MLP, type FitProgress, type Checkpoint, encodeCheckpoint, decodeCheckpoint } from './checkpoint.ts';
