/**
 * Model files in the safetensors format: an 8-byte little-endian header
 * length, a JSON header, then raw little-endian float32 data. Tensor names
 * and layouts follow PyTorch's nn.Linear (`layers.{i}.weight` [out, in],
 * `layers.{i}.bias` [out]). The spec and training details go in the
 * header's `__metadata__` (string values only, as the format requires).
 *
 * Works on bytes, so it runs in browsers too. Reading trusts nothing: every
 * size and offset is checked before anything is allocated from it.
 * @module
 */
import { paramLayout } from './layout.ts';
import type { Model } from './model.ts';
import { SpecError, validateSpec, type ActivationName } from './spec.ts';

/** Version of dnn's use of the format (`dnn.format` in the metadata). */
export const MODEL_FORMAT = 'dnn-mlp/1';
/** Headers larger than this are refused (a real one is a few kilobytes). */
export const MAX_HEADER_BYTES = 1 << 20;

/** A model file that cannot be read; the message says why. */
export class ModelFileError extends Error {
  constructor(message: string) {
    super(message);
    this.name = 'ModelFileError';
  }
}

/** Free-form training details stored beside the spec (string values). */
export type ModelMetadata = Record<string, string>;

const littleEndian = new Uint8Array(Uint16Array.of(1).buffer)[0] === 1;

/** Encodes a model (and optional metadata) as safetensors bytes. */
export function encodeModel(model: Model, metadata: ModelMetadata = {}): Uint8Array {
  const spec = validateSpec(model.spec);
  const { layers, size } = paramLayout(spec);
  if (model.params.length !== size) throw new RangeError(`the model has ${model.params.length} parameters, its spec needs ${size}`);
  const header: Record<string, unknown> = {
    __metadata__: { ...metadata, 'dnn.format': MODEL_FORMAT, 'dnn.spec': JSON.stringify(spec) },
  };
  // Our flat layout already is weight0, bias0, weight1, ...: the data is the params.
  layers.forEach((l, i) => {
    header[`layers.${i}.weight`] = { dtype: 'F32', shape: [l.outputs, l.inputs], data_offsets: [l.weight * 4, l.bias * 4] };
    header[`layers.${i}.bias`] = { dtype: 'F32', shape: [l.outputs], data_offsets: [l.bias * 4, (l.bias + l.outputs) * 4] };
  });
  let json = JSON.stringify(header);
  // Pad with spaces so the data starts 8-byte aligned.
  json += ' '.repeat((8 - ((8 + new TextEncoder().encode(json).length) % 8)) % 8);
  const headerBytes = new TextEncoder().encode(json);
  const out = new Uint8Array(8 + headerBytes.length + size * 4);
  const view = new DataView(out.buffer);
  view.setBigUint64(0, BigInt(headerBytes.length), true);
  out.set(headerBytes, 8);
  const data = new DataView(out.buffer, 8 + headerBytes.length);
  for (let i = 0; i < size; i++) data.setFloat32(i * 4, model.params[i], true);
  return out;
}

interface TensorEntry {
  dtype: string;
  shape: number[];
  data_offsets: [number, number];
}

/** Reads a model from safetensors bytes, checking everything. */
export function decodeModel(
  bytes: Uint8Array,
  options: { activations?: ActivationName[]; output?: ActivationName } = {},
): { model: Model; metadata: ModelMetadata } {
  if (bytes.length < 8) throw new ModelFileError(`file too short (${bytes.length} bytes) for a safetensors header`);
  const view = new DataView(bytes.buffer, bytes.byteOffset, bytes.byteLength);
  const headerLen = view.getBigUint64(0, true);
  if (headerLen > BigInt(bytes.length - 8)) throw new ModelFileError(`header length ${headerLen} runs past the end of the file (${bytes.length} bytes)`);
  if (headerLen > BigInt(MAX_HEADER_BYTES)) throw new ModelFileError(`header length ${headerLen} exceeds the ${MAX_HEADER_BYTES}-byte limit`);
  const n = Number(headerLen);
  let header: unknown;
  try {
    header = JSON.parse(new TextDecoder('utf-8', { fatal: true }).decode(bytes.subarray(8, 8 + n)));
  } catch (e) {
    throw new ModelFileError(`header is not valid JSON (${(e as Error).message})`);
  }
  if (typeof header !== 'object' || header === null || Array.isArray(header)) throw new ModelFileError('header is not a JSON object');
  const h = header as Record<string, unknown>;
  const meta = h.__metadata__;
  if (typeof meta !== 'object' || meta === null) throw new ModelFileError('no __metadata__: not a dnn model file');
  const metadata = meta as ModelMetadata;
  if (metadata['dnn.format'] !== MODEL_FORMAT) {
    throw new ModelFileError(`unsupported model format ${JSON.stringify(metadata['dnn.format'] ?? null)} (expected ${MODEL_FORMAT})`);
  }
  let spec;
  try {
    const raw = JSON.parse(String(metadata['dnn.spec']));
    if (options.activations) raw.activations = options.activations;
    if (options.output) raw.output = options.output;
    spec = validateSpec(raw);
  } catch (e) {
    const why = e instanceof SpecError ? e.message : `not valid JSON (${(e as Error).message})`;
    throw new ModelFileError(`the model spec in the metadata cannot be built: ${why}`);
  }
  const dataStart = 8 + n;
  const dataBytes = bytes.length - dataStart;
  const { layers, size } = paramLayout(spec);
  const params = new Float32Array(size);
  const names = new Set(Object.keys(h).filter((k) => k !== '__metadata__'));
  const used: [number, number][] = [];
  const read = (name: string, shape: number[], into: number) => {
    const e = h[name] as TensorEntry | undefined;
    if (!e || typeof e !== 'object') throw new ModelFileError(`tensor ${name} is missing`);
    names.delete(name);
    if (e.dtype !== 'F32') throw new ModelFileError(`tensor ${name} has dtype ${JSON.stringify(e.dtype)}; only F32 is supported`);
    if (!Array.isArray(e.shape) || e.shape.length !== shape.length || e.shape.some((d, i) => d !== shape[i])) {
      throw new ModelFileError(`tensor ${name} has shape ${JSON.stringify(e.shape)}, the spec needs [${shape.join(', ')}]`);
    }
    const [begin, end] = Array.isArray(e.data_offsets) ? e.data_offsets : [NaN, NaN];
    const count = shape.reduce((a, b) => a * b, 1);
    if (!Number.isInteger(begin) || !Number.isInteger(end) || begin < 0 || end > dataBytes || end - begin !== count * 4) {
      throw new ModelFileError(`tensor ${name} has data_offsets ${JSON.stringify(e.data_offsets)} outside the ${dataBytes} data bytes or not ${count * 4} long`);
    }
    for (const [b, en] of used) {
      if (begin < en && b < end) throw new ModelFileError(`tensor ${name} overlaps another tensor's data`);
    }
    used.push([begin, end]);
    const data = new DataView(bytes.buffer, bytes.byteOffset + dataStart + begin, count * 4);
    if (littleEndian && (bytes.byteOffset + dataStart + begin) % 4 === 0) {
      params.set(new Float32Array(bytes.buffer, bytes.byteOffset + dataStart + begin, count), into);
    } else {
      for (let i = 0; i < count; i++) params[into + i] = data.getFloat32(i * 4, true);
    }
  };
  layers.forEach((l, i) => {
    read(`layers.${i}.weight`, [l.outputs, l.inputs], l.weight);
    read(`layers.${i}.bias`, [l.outputs], l.bias);
  });
  if (names.size) throw new ModelFileError(`unexpected tensor(s) for this spec: ${[...names].join(', ')}`);
  return { model: { spec, params }, metadata };
}
