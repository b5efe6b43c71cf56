/**
 * The safetensors format: an 8-byte little-endian header length, a JSON
 * header naming each tensor's dtype, shape and byte range, then the raw
 * little-endian data. dnn writes only float32 tensors and string metadata
 * (the format's `__metadata__` holds strings only); it reads F32, F16, BF16
 * and F64 tensors (as float32) and files without metadata, as PyTorch's
 * `save_file` writes them.
 *
 * Works on bytes, so it runs in browsers too. Reading trusts nothing: every
 * size and offset is checked before anything is allocated from it.
 * @module
 */

import { duplicateJsonKey } from './json-keys.ts';

/** Headers larger than this are refused (a real one is a few kilobytes). */
export const MAX_HEADER_BYTES = 1 << 20;

/** A file that cannot be read; the message says why. */
export class ModelFileError extends Error {
  constructor(message: string) {
    super(message);
    this.name = 'ModelFileError';
  }
}

/** Free-form string metadata (the format's `__metadata__`). */
export type ModelMetadata = Record<string, string>;

export interface NamedTensor {
  name: string;
  shape: number[];
  data: Float32Array;
  /** The element type in the file it was read from, when not F32 (it was converted). */
  fileDtype?: Dtype;
}

import { DTYPE_BYTES, isReadableDtype, readAsFloat32, type Dtype } from './dtypes.ts';

const littleEndian = new Uint8Array(Uint16Array.of(1).buffer)[0] === 1;

/** Encodes float32 tensors, in the order given, with metadata. */
export function encodeSafetensors(tensors: NamedTensor[], metadata: ModelMetadata): Uint8Array {
  const header: Record<string, unknown> = { __metadata__: metadata };
  let offset = 0;
  for (const t of tensors) {
    const n = t.shape.reduce((a, b) => a * b, 1);
    if (n !== t.data.length) throw new RangeError(`tensor ${t.name}: shape [${t.shape}] needs ${n} values, has ${t.data.length}`);
    header[t.name] = { dtype: 'F32', shape: t.shape, data_offsets: [offset, offset + n * 4] };
    offset += n * 4;
  }
  let json = JSON.stringify(header);
  // Pad with spaces so the data starts 8-byte aligned.
  json += ' '.repeat((8 - ((8 + new TextEncoder().encode(json).length) % 8)) % 8);
  const headerBytes = new TextEncoder().encode(json);
  const out = new Uint8Array(8 + headerBytes.length + offset);
  new DataView(out.buffer).setBigUint64(0, BigInt(headerBytes.length), true);
  out.set(headerBytes, 8);
  let at = 8 + headerBytes.length;
  const view = new DataView(out.buffer);
  for (const t of tensors) {
    if (littleEndian) out.set(new Uint8Array(t.data.buffer, t.data.byteOffset, t.data.byteLength), at);
    else for (let i = 0; i < t.data.length; i++) view.setFloat32(at + i * 4, t.data[i], true);
    at += t.data.byteLength;
  }
  return out;
}

/** Decodes a safetensors file (F32, F16, BF16, F64 tensors read as float32), checking every size and offset. */
export function decodeSafetensors(bytes: Uint8Array): { tensors: Map<string, NamedTensor>; metadata: ModelMetadata } {
  if (bytes.length < 8) throw new ModelFileError(`file too short (${bytes.length} bytes) for a safetensors header`);
  const view = new DataView(bytes.buffer, bytes.byteOffset, bytes.byteLength);
  const headerLen = view.getBigUint64(0, true);
  if (headerLen > BigInt(bytes.length - 8)) throw new ModelFileError(`header length ${headerLen} runs past the end of the file (${bytes.length} bytes)`);
  if (headerLen > BigInt(MAX_HEADER_BYTES)) throw new ModelFileError(`header length ${headerLen} exceeds the ${MAX_HEADER_BYTES}-byte limit`);
  const n = Number(headerLen);
  let header: unknown;
  let text: string;
  try {
    text = new TextDecoder('utf-8', { fatal: true }).decode(bytes.subarray(8, 8 + n));
    header = JSON.parse(text);
  } catch (e) {
    throw new ModelFileError(`header is not valid JSON (${(e as Error).message})`);
  }
  const twice = duplicateJsonKey(text);
  if (twice !== null) throw new ModelFileError(`the header names ${JSON.stringify(twice)} twice`);
  if (typeof header !== 'object' || header === null || Array.isArray(header)) throw new ModelFileError('header is not a JSON object');
  const h = header as Record<string, unknown>;
  const meta = h.__metadata__ ?? {};
  if (typeof meta !== 'object' || meta === null || Array.isArray(meta)) throw new ModelFileError('__metadata__ is not an object');
  const dataStart = 8 + n;
  const dataBytes = bytes.length - dataStart;
  const tensors = new Map<string, NamedTensor>();
  const ranges: [number, number, string][] = [];
  for (const [name, entry] of Object.entries(h)) {
    if (name === '__metadata__') continue;
    const e = entry as { dtype?: unknown; shape?: unknown; data_offsets?: unknown };
    if (typeof e !== 'object' || e === null) throw new ModelFileError(`tensor ${name}: entry is not an object`);
    if (!isReadableDtype(e.dtype)) throw new ModelFileError(`tensor ${name} has dtype ${JSON.stringify(e.dtype)}; only ${Object.keys(DTYPE_BYTES).join(', ')} are read`);
    const size = DTYPE_BYTES[e.dtype];
    if (!Array.isArray(e.shape) || !e.shape.every((d) => Number.isInteger(d) && d >= 0) || e.shape.length > 8) {
      throw new ModelFileError(`tensor ${name} has a bad shape ${JSON.stringify(e.shape)}`);
    }
    const count = (e.shape as number[]).reduce((a, b) => a * b, 1);
    const [begin, end] = Array.isArray(e.data_offsets) && e.data_offsets.length === 2 ? (e.data_offsets as number[]) : [NaN, NaN];
    if (!Number.isInteger(begin) || !Number.isInteger(end) || begin < 0 || end > dataBytes || end - begin !== count * size) {
      throw new ModelFileError(`tensor ${name} has data_offsets ${JSON.stringify(e.data_offsets)} outside the ${dataBytes} data bytes or not ${count * size} long`);
    }
    for (const [b, en, other] of ranges) {
      if (begin < en && b < end) throw new ModelFileError(`tensor ${name} overlaps tensor ${other}'s data`);
    }
    ranges.push([begin, end, name]);
    // Only now, with the size checked against the file, is anything allocated.
    const at = bytes.byteOffset + dataStart + begin;
    let data: Float32Array;
    if (e.dtype === 'F32' && littleEndian && at % 4 === 0) (data = new Float32Array(count)).set(new Float32Array(bytes.buffer, at, count));
    else data = readAsFloat32(view, dataStart + begin, count, e.dtype);
    tensors.set(name, { name, shape: e.shape as number[], data, ...(e.dtype === 'F32' ? {} : { fileDtype: e.dtype }) });
  }
  return { tensors, metadata: meta as ModelMetadata };
}
