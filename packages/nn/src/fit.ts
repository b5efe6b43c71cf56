/**
 * The training loop: shuffled mini-batches, a per-epoch learning rate, a
 * validation split taken from the end of the training rows, and typed
 * events that a CLI or page renders. The test set never enters here.
 * @module
 */
import { Rng } from '@dnn/tensor';
import type { Backend, Trainer } from './backend.ts';
import { cpuBackend } from './cpu-backend.ts';
import { checkDataset, type Dataset } from './dataset.ts';
import { initParams, STREAM } from './init.ts';
import { inputSize, layerSizes, type ModelSpec } from './spec.ts';
import { parameterCount } from './layout.ts';
import { metricsFromOutputs, type Metrics } from './metrics.ts';
import type { OptimizerConfig } from './optimizers.ts';
import type { FitProgress } from './checkpoint.ts';
import { changesPerStep, checkSchedule, learningRateAt, type ScheduleConfig } from './schedules.ts';
import { DEFAULTS, defaultValidation } from './defaults.ts';
import type { EpochEvent, FitEvent } from './fit-events.ts';

export type { StartEvent, ProgressEvent, EpochEvent, FitEvent } from './fit-events.ts';

/** How to train. Every field is optional; `DEFAULTS` (the CLI's defaults) fills the rest. */
export interface FitOptions {
  /** Passes over the training rows (default 10). */
  epochs?: number;
  /** Rows per optimizer step (default 100). */
  batchSize?: number;
  /** Default: adam with its usual betas. */
  optimizer?: OptimizerConfig;
  /** Default: linear per step from 1e-3 to 1e-5; fields left out take their defaults. */
  schedule?: Partial<ScheduleConfig>;
  /** Rows taken from the end of `data` for validation (0 for none; default 10,000 or a sixth of smaller data). */
  validation?: number;
  /** Drives initialisation and shuffling (default 1). */
  seed?: number;
  /** Defaults to the single-thread CPU backend. */
  backend?: Backend;
  /**
   * Bit-identical weights for the same seed and batch size on `cpu` and
   * `workers` with any thread count, in every engine (a fixed gradient sum
   * order, no relaxed SIMD; see deterministic.ts). Default false.
   */
  deterministic?: boolean;
  /** Start from these parameters instead of a fresh initialisation. */
  initialParams?: Float32Array;
  onEvent?: (event: FitEvent) => void;
  /** Stops training after the current chunk of batches. */
  signal?: AbortSignal;
  /** Progress events per epoch (default 100). */
  progressSteps?: number;
  /**
   * Early stopping: stop when the validation loss has not improved for this
   * many epochs, and return the best epoch's weights. Needs validation.
   */
  patience?: number;
  /** Continue a run from where a checkpoint left it (the same data and options). */
  resume?: FitProgress;
  /** Called with the run's position at the end of every epoch, every `checkpointEvery` steps, and on abort. */
  onCheckpoint?: (progress: FitProgress) => void | Promise<void>;
  /** Steps between mid-epoch checkpoints (default: only at the end of each epoch). */
  checkpointEvery?: number;
}


export interface FitResult {
  params: Float32Array;
  history: EpochEvent[];
  /** Validation metrics after the last epoch (null without validation). */
  validation: Metrics | null;
  trainSeconds: number;
  /** True when `signal` stopped the run early. */
  aborted: boolean;
  /** True when `patience` stopped the run; `params` are then the best epoch's. */
  stoppedEarly: boolean;
  /** The epoch whose weights `params` are (the last, unless early stopping restored an earlier one). */
  bestEpoch: number;
}

/** Thrown when the loss stops being a finite number. */
export class DivergedError extends Error {
  constructor(
    readonly epoch: number,
    readonly step: number,
  ) {
    super(`the training loss became NaN or infinite in epoch ${epoch} near step ${step}; try a lower learning rate`);
    this.name = 'DivergedError';
  }
}

/** Fit options with every training setting filled in. */
export type ResolvedFitOptions = FitOptions & Required<Pick<FitOptions, 'epochs' | 'batchSize' | 'optimizer' | 'validation' | 'seed'>> & { schedule: ScheduleConfig };

/** Fills what `o` leaves out from `DEFAULTS`; the batch size is capped to the training rows of small data. */
export function fitDefaults(data: Dataset, o: FitOptions = {}): ResolvedFitOptions {
  const validation = o.validation ?? defaultValidation(data.count);
  return {
    ...o,
    epochs: o.epochs ?? DEFAULTS.epochs,
    batchSize: o.batchSize ?? Math.max(1, Math.min(DEFAULTS.batchSize, data.count - validation)),
    optimizer: o.optimizer ?? { name: DEFAULTS.optimizer },
    validation,
    seed: o.seed ?? DEFAULTS.seed,
    schedule: {
      name: o.schedule?.name ?? DEFAULTS.schedule,
      lr: o.schedule?.lr ?? DEFAULTS.lr,
      lrEnd: o.schedule?.lrEnd ?? DEFAULTS.lrEnd,
      warmup: o.schedule?.warmup ?? DEFAULTS.warmup,
    },
  };
}

/** Checks fit options (defaults filled in) against the data; throws RangeError naming the option. */
export function checkFitOptions(data: Dataset, options: FitOptions): void {
  const o = fitDefaults(data, options);
  const trainSize = data.count - o.validation;
  if (!Number.isInteger(o.epochs) || o.epochs < 1) throw new RangeError(`epochs must be a positive integer, got ${o.epochs}`);
  if (!Number.isInteger(o.validation) || o.validation < 0) throw new RangeError(`validation must be a non-negative integer, got ${o.validation}`);
  if (o.validation >= data.count) throw new RangeError(`validation (${o.validation}) must be smaller than the training data (${data.count} rows)`);
  if (!Number.isInteger(o.batchSize) || o.batchSize < 1) throw new RangeError(`batchSize must be a positive integer, got ${o.batchSize}`);
  if (o.batchSize > trainSize) throw new RangeError(`batchSize (${o.batchSize}) is larger than the ${trainSize} training rows`);
  checkSchedule(o.schedule);
  if (o.checkpointEvery !== undefined && (!Number.isInteger(o.checkpointEvery) || o.checkpointEvery < 1)) {
    throw new RangeError(`checkpointEvery must be a positive integer, got ${o.checkpointEvery}`);
  }
  if (o.resume && (o.resume.epoch > o.epochs + 1 || o.resume.rowsDone > trainSize || o.resume.rowsDone % o.batchSize !== 0)) {
    throw new RangeError(`the checkpoint (epoch ${o.resume.epoch}, ${o.resume.rowsDone} rows) does not fit this run`);
  }
  if (o.patience !== undefined) {
    if (!Number.isInteger(o.patience) || o.patience < 1) throw new RangeError(`patience must be a positive integer, got ${o.patience}`);
    if (o.validation === 0) throw new RangeError('patience needs a validation split (validation > 0)');
  }
}

/**
 * Trains a network of `spec` on `data`. Options left out take the CLI's
 * defaults (`DEFAULTS`).
 * @example
 * const result = await fit(defaultSpec(), mnist.train); // 10 epochs, adam, linear decay
 * const quick = await fit(defaultSpec(), mnist.train, { epochs: 2, schedule: { lr: 3e-3 } });
 */
export async function fit(spec: ModelSpec, data: Dataset, fitOptions: FitOptions = {}): Promise<FitResult> {
  checkDataset(data, 'training data');
  if (data.features !== inputSize(spec)) throw new RangeError(`the data has ${data.features} features, the model takes ${inputSize(spec)}`);
  checkFitOptions(data, fitOptions);
  const options = fitDefaults(data, fitOptions);
  const backend = options.backend ?? cpuBackend();
  const emit = options.onEvent ?? (() => {});
  const trainSize = data.count - options.validation;
  const params = options.resume?.state.params ?? options.initialParams ?? initParams(spec, options.seed);
  const started = now();

  emit({
    type: 'start',
    backend: backend.describe(),
    architecture: layerSizes(spec),
    parameters: parameterCount(spec),
    trainSize,
    validationSize: options.validation,
    seed: options.seed,
  });

  const trainer = await backend.createTrainer({ spec, params, optimizer: options.optimizer, data, maxBatch: options.batchSize, seed: options.seed, deterministic: options.deterministic });
  const resume = options.resume;
  const history: EpochEvent[] = resume ? [...resume.history] : [];
  let validation: Metrics | null = null;
  let aborted = false;
  let stoppedEarly = false;
  // Early stopping keeps a copy of the best weights seen so far.
  let best: { epoch: number; loss: number; params: Float32Array; metrics: Metrics | null } | null = null;
  try {
    if (resume) await trainer.setState(resume.state);
    const checkpoint = async (epoch: number, rowsDone: number, lossSum: number) =>
      options.onCheckpoint?.({ epoch, rowsDone, lossSum, history: [...history], state: await trainer.getState() });
    let lastCheckpointStep = resume?.state.steps ?? 0;
    const order = new Uint32Array(trainSize);
    const shuffle = new Rng(options.seed).split(STREAM.shuffle);
    const batches = Math.ceil(trainSize / options.batchSize);
    const chunkBatches = Math.min(Math.max(1, Math.ceil(batches / (options.progressSteps ?? 100))), options.checkpointEvery ?? Infinity);
    // The rate depends only on the step's place in the run, so a resumed run gets the same rates.
    const steps = options.epochs * batches;
    const rateAt = (epoch: number, batch: number) =>
      learningRateAt(options.schedule, { step: (epoch - 1) * batches + batch, steps, epoch: epoch - 1, epochs: options.epochs });
    const perStep = changesPerStep(options.schedule);
    const rates = new Float32Array(chunkBatches);
    const ratesFor = (epoch: number, first: number, n: number) => {
      if (!perStep) return rateAt(epoch, first);
      for (let i = 0; i < n; i++) rates[i] = rateAt(epoch, first + i);
      return rates.subarray(0, n);
    };
    for (let epoch = resume?.epoch ?? 1; epoch <= options.epochs && !aborted; epoch++) {
      const epochStart = now();
      for (let i = 0; i < trainSize; i++) order[i] = i;
      // Each epoch's order depends only on the seed and the epoch number.
      shuffle.split(epoch).shuffle(order);
      const resuming = resume && epoch === resume.epoch;
      let lossSum = resuming ? resume.lossSum : 0;
      let rows = resuming ? resume.rowsDone : 0;
      for (let b = rows / options.batchSize; b < batches; b += chunkBatches) {
        const start = b * options.batchSize;
        const count = Math.min(chunkBatches * options.batchSize, trainSize - start);
        const r = await trainer.train(order, start, count, options.batchSize, ratesFor(epoch, b, Math.ceil(count / options.batchSize)));
        lossSum += r.lossSum;
        rows += r.rows;
        if (!Number.isFinite(lossSum)) throw new DivergedError(epoch, r.steps);
        emit({ type: 'progress', epoch, rows, total: trainSize, trainLoss: lossSum / rows });
        // A synchronous backend never lets the event loop run: give a signal handler its turn.
        if (options.signal) await macrotask();
        if (options.signal?.aborted) {
          aborted = true;
          await checkpoint(epoch, rows, lossSum);
          break;
        }
        if (options.checkpointEvery && r.steps - lastCheckpointStep >= options.checkpointEvery && rows < trainSize) {
          lastCheckpointStep = r.steps;
          await checkpoint(epoch, rows, lossSum);
        }
      }
      if (aborted) break;
      validation = options.validation > 0 ? await validate(trainer, spec, data, trainSize) : null;
      const event: EpochEvent = {
        type: 'epoch',
        epoch,
        trainLoss: lossSum / rows,
        validationLoss: validation?.loss ?? NaN,
        validationAccuracy: validation?.accuracy ?? NaN,
        learningRate: rateAt(epoch, batches - 1),
        seconds: (now() - epochStart) / 1000,
      };
      history.push(event);
      emit(event);
      await checkpoint(epoch + 1, 0, 0);
      if (options.patience !== undefined) {
        if (!best || event.validationLoss < best.loss) {
          best = { epoch, loss: event.validationLoss, params: await trainer.getParams(), metrics: validation };
        } else if (epoch - best.epoch >= options.patience) {
          stoppedEarly = true;
          break;
        }
      }
    }
    const last = history.length;
    const restore = stoppedEarly && best !== null;
    return {
      params: restore ? best!.params : await trainer.getParams(),
      history,
      validation: restore ? best!.metrics : validation,
      trainSeconds: (now() - started) / 1000,
      aborted,
      stoppedEarly,
      bestEpoch: restore ? best!.epoch : last,
    };
  } finally {
    await trainer.dispose();
  }
}

async function validate(trainer: Trainer, spec: ModelSpec, data: Dataset, from: number): Promise<Metrics> {
  const outputs = await trainer.predict(data, from, data.count);
  return metricsFromOutputs(spec, outputs, data.labels.subarray(from, data.count));
}

/** Resolves after pending events (signal handlers, timers) have run. */
function macrotask(): Promise<void> {
  const g = globalThis as { setImmediate?: (f: () => void) => unknown };
  return new Promise((resolve) => (g.setImmediate ? g.setImmediate(resolve) : setTimeout(resolve, 0)));
}

function now(): number {
  return globalThis.performance?.now() ?? Date.now();
}
