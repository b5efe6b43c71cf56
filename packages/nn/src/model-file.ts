/**
 * Model files: safetensors with PyTorch's nn.Linear names and layouts
 * (`layers.{i}.weight` [out, in], `layers.{i}.bias` [out]), so
 * `safetensors.torch.load_file` reads them as they are. The spec and how the
 * model was trained go in the metadata.
 * @module
 */
import { paramLayout } from './layout.ts';
import { checkFiniteTensors } from './model-check.ts';
import type { Model } from './model.ts';
import { decodeSafetensors, encodeSafetensors, ModelFileError, type ModelMetadata, type NamedTensor } from './safetensors.ts';
import { SpecError, validateSpec, type ActivationName, type ModelSpec } from './spec.ts';

/** Version of dnn's model files (`dnn.format` in the metadata). */
export const MODEL_FORMAT = 'dnn-mlp/1';

/** The model's parameters as named tensors (views of `params`, no copies). */
export function modelTensors(spec: ModelSpec, params: Float32Array): NamedTensor[] {
  const { layers, size } = paramLayout(spec);
  if (params.length !== size) throw new RangeError(`the model has ${params.length} parameters, its spec needs ${size}`);
  return layers.flatMap((l, i) => [
    { name: `layers.${i}.weight`, shape: [l.outputs, l.inputs], data: params.subarray(l.weight, l.bias) },
    { name: `layers.${i}.bias`, shape: [l.outputs], data: params.subarray(l.bias, l.bias + l.outputs) },
  ]);
}

/** Encodes a model (and optional metadata) as safetensors bytes. */
export function encodeModel(model: Model, metadata: ModelMetadata = {}): Uint8Array {
  const spec = validateSpec(model.spec);
  return encodeSafetensors(modelTensors(spec, model.params), { ...metadata, 'dnn.format': MODEL_FORMAT, 'dnn.spec': JSON.stringify(spec) });
}

/** The spec stored in a file's metadata, with optional activation overrides, checked. */
export function specFromMetadata(metadata: ModelMetadata, override: { activations?: ActivationName[]; output?: ActivationName } = {}): ModelSpec {
  try {
    const raw = JSON.parse(String(metadata['dnn.spec']));
    if (override.activations) raw.activations = override.activations;
    if (override.output) raw.output = override.output;
    return validateSpec(raw);
  } catch (e) {
    const why = e instanceof SpecError ? e.message : `not valid JSON (${(e as Error).message})`;
    throw new ModelFileError(`the model spec in the metadata cannot be built: ${why}`);
  }
}

/** Copies the named tensors into a flat parameter vector for `spec`, checking names and shapes. */
export function paramsFromTensors(spec: ModelSpec, tensors: Map<string, NamedTensor>, prefix = ''): Float32Array {
  const { layers, size } = paramLayout(spec);
  const params = new Float32Array(size);
  const take = (name: string, shape: number[], at: number) => {
    const t = tensors.get(prefix + name);
    if (!t) throw new ModelFileError(`tensor ${prefix + name} is missing`);
    if (t.shape.length !== shape.length || t.shape.some((d, i) => d !== shape[i])) {
      throw new ModelFileError(`tensor ${prefix + name} has shape ${JSON.stringify(t.shape)}, the spec needs [${shape.join(', ')}]`);
    }
    params.set(t.data, at);
  };
  layers.forEach((l, i) => {
    take(`layers.${i}.weight`, [l.outputs, l.inputs], l.weight);
    take(`layers.${i}.bias`, [l.outputs], l.bias);
  });
  return params;
}

/** Reads a model from safetensors bytes, checking everything. */
export function decodeModel(
  bytes: Uint8Array,
  options: { activations?: ActivationName[]; output?: ActivationName } = {},
): { model: Model; metadata: ModelMetadata } {
  const { tensors, metadata } = decodeSafetensors(bytes);
  if (metadata['dnn.format'] !== MODEL_FORMAT) {
    throw new ModelFileError(`unsupported model format ${JSON.stringify(metadata['dnn.format'] ?? null)} (expected ${MODEL_FORMAT})`);
  }
  const spec = specFromMetadata(metadata, options);
  checkFiniteTensors(tensors.values());
  const params = paramsFromTensors(spec, tensors);
  const expected = new Set(modelTensors(spec, params).map((t) => t.name));
  const extra = [...tensors.keys()].filter((k) => !expected.has(k));
  if (extra.length) throw new ModelFileError(`unexpected tensor(s) for this spec: ${extra.join(', ')}`);
  return { model: { spec, params }, metadata };
}
