/**
 * The settings that define a training run: a checkpoint stores them, and
 * `--resume` takes them back. Flags given with `--resume` are accepted when
 * they say what the checkpoint says (re-running the same command line with
 * `--resume` added is what people type) and refused, each named, when they
 * would change the run.
 */
import { formatArch, mlpView, type ModelSpec, type OptimizerName, type ScheduleName } from '@dnn/nn';

/** Run flags: every one of them is stored in a checkpoint. */
export const RUN_FLAGS = [
  'arch',
  'hidden',
  'activations',
  'output',
  'loss',
  'optimizer',
  'lr',
  'lr-end',
  'schedule',
  'warmup',
  'batch-size',
  'epochs',
  'validation',
  'limit',
  'seed',
  'patience',
  'classes',
  'deterministic',
] as const;
export type RunFlag = (typeof RUN_FLAGS)[number];

/** What a checkpoint stores besides the spec (the CLI's config). */
export interface RunSettings {
  optimizer: OptimizerName;
  lr: number;
  lrEnd: number;
  schedule: ScheduleName;
  warmup: number;
  batchSize: number;
  epochs: number;
  validation?: number;
  limit?: number;
  seed: number;
  patience?: number;
  /** Class names, when the run named them. */
  classes?: string[];
  /** Deterministic mode (`--deterministic`); a resumed run keeps it. */
  deterministic?: boolean;
}

/**
 * Settings from a checkpoint's config. Checkpoints written before per-step
 * schedules existed have no `warmup`; their `linear`/`cosine` were per epoch.
 */
export function savedSettings(config: Record<string, unknown>): RunSettings {
  const s = { ...config } as unknown as RunSettings;
  if (config.warmup === undefined) {
    s.warmup = 0;
    if (s.schedule === 'linear' || s.schedule === 'cosine') s.schedule = `${s.schedule}-epoch`;
  }
  return s;
}

/** The parts of the parsed command line compared with a checkpoint. */
export interface GivenRun extends Omit<RunSettings, 'validation'> {
  spec: ModelSpec;
  validation?: number;
  /** The run flags given on the command line, as typed. */
  given: Partial<Record<RunFlag, string>>;
}

const show = (v: unknown): string => (Array.isArray(v) ? v.join(',') : v === undefined ? 'none' : String(v));

/** One line per given flag whose value differs from the checkpoint's, e.g. `--epochs 5 (the checkpoint's run has 3)`. */
export function resumeConflicts(run: GivenRun, saved: RunSettings, spec: ModelSpec): string[] {
  const acts = run.given.activations?.split(',').map((a) => a.trim());
  // The MLP flags compare with the checkpoint's MLP view; a checkpoint of another layer list has none.
  const mine = mlpView(run.spec);
  const theirs = mlpView(spec);
  const pairs: Record<RunFlag, [unknown, unknown]> = {
    arch: [formatArch(run.spec), formatArch(spec)],
    hidden: [mine?.hidden, theirs?.hidden],
    // One activation for all layers matches a checkpoint whose layers all have it.
    activations: [acts?.length === 1 ? theirs?.activations.map(() => acts[0]) : mine?.activations, theirs?.activations],
    output: [mine?.output, theirs?.output],
    loss: [run.spec.loss, spec.loss],
    optimizer: [run.optimizer, saved.optimizer],
    lr: [run.lr, saved.lr],
    'lr-end': [run.lrEnd, saved.lrEnd],
    schedule: [run.schedule, saved.schedule],
    warmup: [run.warmup, saved.warmup],
    'batch-size': [run.batchSize, saved.batchSize],
    epochs: [run.epochs, saved.epochs],
    validation: [run.validation, saved.validation],
    limit: [run.limit, saved.limit],
    seed: [run.seed, saved.seed],
    patience: [run.patience, saved.patience],
    classes: [run.classes, saved.classes],
    deterministic: [run.deterministic ?? false, saved.deterministic ?? false],
  };
  return RUN_FLAGS.filter((f) => run.given[f] !== undefined && show(pairs[f][0]) !== show(pairs[f][1])).map(
    (f) => `--${f} ${show(pairs[f][0])} (the checkpoint's run has ${show(pairs[f][1])})`,
  );
}
