/**
 * Checkpoints: the whole state of a training run, enough to continue it and
 * end with exactly the weights of a run that was never interrupted. Stored
 * as safetensors: the parameters under the model's tensor names, the
 * optimizer slots as `optimizer.slot{i}`
 * (checkpoints of MLP-only versions, `dnn-checkpoint/1`, still load), and the position in the run (epoch,
 * rows done, step count, partial loss, history) and the run's settings in the
 * metadata. The shuffle needs no saved state: each epoch's order is derived
 * from the seed and the epoch number.
 * @module
 */
import type { EpochEvent } from './fit-events.ts';
import { checkFiniteTensors } from './model-check.ts';
import { modelTensors, paramsFromTensors, specFromMetadata } from './model-file.ts';
import { decodeSafetensors, encodeSafetensors, ModelFileError } from './safetensors.ts';
import { validateSpec, type ModelSpec } from './spec.ts';
import type { TrainerState } from './backend.ts';

export const CHECKPOINT_FORMAT = 'dnn-checkpoint/2';
/** Checkpoints of MLP-only versions (tensors named `layers.{i}.weight`); still read. */
export const CHECKPOINT_FORMAT_MLP = 'dnn-checkpoint/1';


/** Where a run stands: in `epoch` (1-based), `rowsDone` rows trained so far with `lossSum`. */
export interface FitProgress {
  epoch: number;
  rowsDone: number;
  lossSum: number;
  history: EpochEvent[];
  state: TrainerState;
}

export interface Checkpoint extends FitProgress {
  spec: ModelSpec;
  /** The run's settings (the CLI stores its flags), so a resume needs nothing else. */
  config: Record<string, unknown>;
}

/** JSON has no NaN: history values are stored as null and read back as NaN. */
const toJson = (v: unknown) => JSON.stringify(v, (_k, x) => (typeof x === 'number' && !Number.isFinite(x) ? null : x));
const nanForNull = (h: Record<string, unknown>) => Object.fromEntries(Object.entries(h).map(([k, x]) => [k, x === null ? NaN : x]));

export function encodeCheckpoint(cp: Checkpoint): Uint8Array {
  const spec = validateSpec(cp.spec);
  const tensors = [
    ...modelTensors(spec, cp.state.params),
    ...cp.state.slots.map((s, i) => ({ name: `optimizer.slot${i}`, shape: [s.length], data: s })),
  ];
  const position = { epoch: cp.epoch, rowsDone: cp.rowsDone, lossSum: cp.lossSum, steps: cp.state.steps, slots: cp.state.slots.length };
  return encodeSafetensors(tensors, {
    'dnn.format': CHECKPOINT_FORMAT,
    'dnn.spec': JSON.stringify(spec),
    'checkpoint.position': toJson(position),
    'checkpoint.history': toJson(cp.history),
    'checkpoint.config': toJson(cp.config),
  });
}

export function decodeCheckpoint(bytes: Uint8Array): Checkpoint {
  const { tensors, metadata } = decodeSafetensors(bytes);
  const format = metadata['dnn.format'];
  if (format !== CHECKPOINT_FORMAT && format !== CHECKPOINT_FORMAT_MLP) {
    throw new ModelFileError(`not a checkpoint (format ${JSON.stringify(format ?? null)}, expected ${CHECKPOINT_FORMAT})`);
  }
  const spec = specFromMetadata(metadata);
  checkFiniteTensors(tensors.values());
  const params = paramsFromTensors(spec, tensors, '', format === CHECKPOINT_FORMAT_MLP ? 'mlp' : 'sequential');
  let position: { epoch: number; rowsDone: number; lossSum: number; steps: number; slots: number };
  let history: EpochEvent[];
  let config: Record<string, unknown>;
  try {
    position = JSON.parse(metadata['checkpoint.position']);
    const rawHistory: unknown = JSON.parse(metadata['checkpoint.history']);
    config = JSON.parse(metadata['checkpoint.config']);
    if (!Array.isArray(rawHistory) || !rawHistory.every((h) => typeof h === 'object' && h !== null)) throw new Error('history is not a list of epochs');
    if (typeof config !== 'object' || config === null || typeof position !== 'object' || position === null) throw new Error('not objects');
    history = rawHistory.map((h) => nanForNull(h) as unknown as EpochEvent);
  } catch (e) {
    throw new ModelFileError(`checkpoint metadata is not valid (${(e as Error).message})`);
  }
  const ints = [position.epoch, position.rowsDone, position.steps, position.slots];
  if (!ints.every((v) => Number.isInteger(v) && v >= 0) || position.epoch < 1 || position.slots > 8) {
    throw new ModelFileError(`checkpoint position is not valid: ${JSON.stringify(position)}`);
  }
  const slots: Float32Array[] = [];
  for (let i = 0; i < position.slots; i++) {
    const t = tensors.get(`optimizer.slot${i}`);
    if (!t || t.data.length !== params.length) throw new ModelFileError(`tensor optimizer.slot${i} is missing or not ${params.length} long`);
    slots.push(t.data);
  }
  return {
    spec,
    config,
    epoch: position.epoch,
    rowsDone: position.rowsDone,
    lossSum: position.lossSum ?? 0,
    history,
    state: { params, slots, steps: position.steps },
  };
}
