/**
 * Model files: safetensors that PyTorch reads as they are. Tensor names are
 * those of `torch.nn.Sequential` built from the same layer list, one module
 * per entry (activations, pools and flatten count): `0.weight`, `0.bias`,
 * `3.weight`, ... Layouts are PyTorch's (nn.Linear [out, in], nn.Conv2d
 * [out, in, k, k]), and NCHW flattens in PyTorch's order, so dnn stores its
 * parameters as they are. The layer list and how the model was trained go
 * in the metadata. Files of the first format (`dnn-mlp/1`, names
 * `layers.{i}.weight`) still load. A file without dnn's metadata (a
 * PyTorch `state_dict`) is read with a layer list from the caller (`arch`),
 * or one inferred where its names and shapes make the layers unambiguous
 * (see infer-layers.ts).
 * @module
 */
import { formatArch, parseArch } from './arch-syntax.ts';
import { inferModel, modelFromLayers } from './infer-layers.ts';
import { checkFiniteTensors } from './model-check.ts';
import type { Model } from './model.ts';
import { decodeSafetensors, encodeSafetensors, ModelFileError, type ModelMetadata, type NamedTensor } from './safetensors.ts';
import { ACTIVATIONS, SpecError, layerShapes, validateSpec, type ActivationName, type LayerSpec, type ModelSpec } from './spec.ts';

/** Version of dnn's model files (`dnn.format` in the metadata). */
export const MODEL_FORMAT = 'dnn-layers/1';
/** The MLP-only format before layer lists; read, no longer written. */
export const MODEL_FORMAT_MLP = 'dnn-mlp/1';

/** How tensors are named: `sequential` (`{layer}.weight`) or the first format's `layers.{i}.weight` (i counts dense layers). */
export type TensorNaming = 'sequential' | 'mlp';

/** Name, shape and place of every parameter tensor of a spec (no allocation). */
function tensorSlots(spec: ModelSpec, naming: TensorNaming) {
  const infos = layerShapes(spec).filter((l) => l.weight && l.bias);
  return infos.flatMap((l, j) => {
    const name = naming === 'mlp' ? `layers.${j}` : String(l.index);
    return [
      { name: `${name}.weight`, ...l.weight! },
      { name: `${name}.bias`, ...l.bias! },
    ];
  });
}

/** The model's parameters as named tensors (views of `params`, no copies). */
export function modelTensors(spec: ModelSpec, params: Float32Array, naming: TensorNaming = 'sequential'): NamedTensor[] {
  const slots = tensorSlots(spec, naming);
  const size = slots.reduce((s, t) => s + t.size, 0);
  if (params.length !== size) throw new RangeError(`the model has ${params.length} parameters, its spec needs ${size}`);
  return slots.map((t) => ({ name: t.name, shape: t.shape, data: params.subarray(t.offset, t.offset + t.size) }));
}

/** Encodes a model (and optional metadata) as safetensors bytes. */
export function encodeModel(model: Model, metadata: ModelMetadata = {}): Uint8Array {
  const spec = validateSpec(model.spec);
  return encodeSafetensors(modelTensors(spec, model.params), { ...metadata, 'dnn.format': MODEL_FORMAT, 'dnn.spec': JSON.stringify(spec) });
}

export interface SpecOverride {
  /** Replace the hidden activations (every activation layer but the output's), in order. */
  activations?: ActivationName[];
  /** Replace the output activation (the last layer). */
  output?: ActivationName;
}

/** Applies activation overrides to a layer list; a count that does not match is a SpecError. */
function overrideActivations(spec: ModelSpec, o: SpecOverride): ModelSpec {
  const isAct = (l: LayerSpec) => (ACTIVATIONS as readonly string[]).includes(l.kind);
  const layers = spec.layers.map((l) => ({ ...l }));
  const lastAct = isAct(layers[layers.length - 1]) ? layers.length - 1 : -1;
  if (o.activations) {
    const hidden = layers.map((l, i) => (isAct(l) && i !== lastAct ? i : -1)).filter((i) => i >= 0);
    if (hidden.length !== o.activations.length) {
      throw new SpecError('activations', `activations must name one activation per hidden layer (${hidden.length}), got ${JSON.stringify(o.activations)}`);
    }
    hidden.forEach((at, j) => (layers[at] = { kind: o.activations![j] }));
  }
  if (o.output) {
    if (lastAct < 0) throw new SpecError('output', 'the network does not end in an activation to replace');
    layers[lastAct] = { kind: o.output };
  }
  return validateSpec({ ...spec, layers });
}

/** The spec stored in a file's metadata, with optional activation overrides, checked. */
export function specFromMetadata(metadata: ModelMetadata, override: SpecOverride = {}): ModelSpec {
  try {
    const raw = JSON.parse(String(metadata['dnn.spec']));
    const spec = validateSpec(raw);
    return override.activations || override.output ? overrideActivations(spec, override) : spec;
  } catch (e) {
    const why = e instanceof SpecError ? e.message : `not valid JSON (${(e as Error).message})`;
    throw new ModelFileError(`the model spec in the metadata cannot be built: ${why}`);
  }
}

/** Copies the named tensors into a flat parameter vector for `spec`, checking names and shapes. */
export function paramsFromTensors(spec: ModelSpec, tensors: Map<string, NamedTensor>, prefix = '', naming: TensorNaming = 'sequential'): Float32Array {
  const slots = tensorSlots(spec, naming);
  // Names and shapes first: nothing is allocated from the spec's numbers before the file is known to hold them.
  for (const want of slots) {
    const t = tensors.get(prefix + want.name);
    if (!t) throw new ModelFileError(`tensor ${prefix + want.name} is missing`);
    if (t.shape.length !== want.shape.length || t.shape.some((d, i) => d !== want.shape[i])) {
      throw new ModelFileError(`tensor ${prefix + want.name} has shape ${JSON.stringify(t.shape)}, the spec needs [${want.shape.join(', ')}]`);
    }
  }
  const params = new Float32Array(slots.reduce((s, t) => s + t.size, 0));
  for (const want of slots) params.set(tensors.get(prefix + want.name)!.data, want.offset);
  return params;
}

/** A model read from a file, with the file's metadata. */
export interface DecodedModel {
  model: Model;
  metadata: ModelMetadata;
  /** Set when the file had no dnn metadata: what was inferred or assumed, in words. */
  inferred?: string;
}

/** How to read a model file: activation overrides, and the layers of a file without dnn metadata. */
export interface DecodeOptions extends SpecOverride {
  /**
   * The layers of a file without dnn metadata (a PyTorch `state_dict`): a
   * spec, or a layer list in `--arch` syntax on 1x28x28 images (`parseArch`).
   * Its k-th layer with parameters takes the file's k-th numbered layer.
   */
  arch?: ModelSpec | string;
}

/**
 * Reads a model from safetensors bytes, checking everything. A file without
 * dnn metadata (a PyTorch `state_dict`) is read into `options.arch`, or
 * inferred when its tensors are an unambiguous MLP; `inferred` then says
 * what was read or assumed.
 * @example
 * const { model, inferred } = decodeModel(bytes, { arch: 'conv16x5,relu,pool2,conv32x5,relu,pool2,dense128,relu,dense10' });
 */
export function decodeModel(bytes: Uint8Array, options: DecodeOptions = {}): DecodedModel {
  const { tensors, metadata } = decodeSafetensors(bytes);
  const arch = typeof options.arch === 'string' ? parseArch(options.arch) : options.arch && validateSpec(options.arch);
  if (metadata['dnn.format'] === undefined) {
    checkFiniteTensors(tensors.values());
    const given = arch && (options.activations || options.output ? overrideActivations(arch, options) : arch);
    const { spec, params, description } = given ? modelFromLayers(tensors, given) : inferModel(tensors, options);
    return { model: { spec, params }, metadata, inferred: description };
  }
  const format = metadata['dnn.format'];
  if (format !== MODEL_FORMAT && format !== MODEL_FORMAT_MLP) {
    throw new ModelFileError(`unsupported model format ${JSON.stringify(format ?? null)} (expected ${MODEL_FORMAT} or ${MODEL_FORMAT_MLP})`);
  }
  const naming: TensorNaming = format === MODEL_FORMAT_MLP ? 'mlp' : 'sequential';
  const spec = specFromMetadata(metadata, options);
  if (arch && formatArch(arch) !== formatArch(spec)) {
    throw new ModelFileError(`the file holds its own layer list ${formatArch(spec)}; the given one (${formatArch(arch)}) is for files without dnn metadata`);
  }
  checkFiniteTensors(tensors.values());
  const params = paramsFromTensors(spec, tensors, '', naming);
  const expected = new Set(modelTensors(spec, params, naming).map((t) => t.name));
  const extra = [...tensors.keys()].filter((k) => !expected.has(k));
  if (extra.length) throw new ModelFileError(`unexpected tensor(s) for this spec: ${extra.join(', ')}`);
  return { model: { spec, params }, metadata };
}
