/**
 * The IDX format of the MNIST files: a magic number (two zero bytes, a type
 * code, the number of dimensions), one big-endian uint32 per dimension, then
 * the values. MNIST uses type 0x08 (unsigned bytes): magic 2049 for labels
 * (1 dimension) and 2051 for images (3 dimensions).
 * @module
 */
import { DataError } from './errors.ts';

export interface IdxArray {
  dims: number[];
  /** The values, a view into the file's bytes. */
  data: Uint8Array;
}

const UNSIGNED_BYTE = 0x08;

/** Parses an IDX file of unsigned bytes; `file` names it in errors. */
export function parseIdx(bytes: Uint8Array, file: string): IdxArray {
  if (bytes.length === 0) throw new DataError(file, 'the file is empty');
  if (bytes.length < 4) throw new DataError(file, `truncated header: ${bytes.length} bytes, an IDX header needs at least 4`);
  const magic = ((bytes[0] << 24) | (bytes[1] << 16) | (bytes[2] << 8) | bytes[3]) >>> 0;
  if (bytes[0] !== 0 || bytes[1] !== 0) throw new DataError(file, `not an IDX file (magic number ${magic}, expected 2049 or 2051)`);
  if (bytes[2] !== UNSIGNED_BYTE) throw new DataError(file, `IDX type 0x${bytes[2].toString(16)} is not supported (only unsigned bytes, 0x08)`);
  const rank = bytes[3];
  if (rank < 1 || rank > 4) throw new DataError(file, `IDX file with ${rank} dimensions (magic ${magic}); expected 1 to 4`);
  const headerSize = 4 + 4 * rank;
  if (bytes.length < headerSize) throw new DataError(file, `truncated header: ${bytes.length} bytes, needs ${headerSize} for ${rank} dimensions`);
  const view = new DataView(bytes.buffer, bytes.byteOffset, bytes.byteLength);
  const dims: number[] = [];
  let size = 1;
  for (let i = 0; i < rank; i++) {
    const d = view.getUint32(4 + 4 * i, false);
    dims.push(d);
    size *= d;
  }
  const body = bytes.length - headerSize;
  if (size !== body) {
    const what = size > body ? 'truncated body' : 'trailing bytes';
    throw new DataError(file, `${what}: dimensions ${dims.join(' x ')} need ${size} bytes of data, the file has ${body}`);
  }
  return { dims, data: bytes.subarray(headerSize) };
}

/** Encodes bytes as an IDX file (for tests and for writing subsets). */
export function encodeIdx(dims: number[], data: Uint8Array): Uint8Array {
  const headerSize = 4 + 4 * dims.length;
  const out = new Uint8Array(headerSize + data.length);
  const view = new DataView(out.buffer);
  out[2] = UNSIGNED_BYTE;
  out[3] = dims.length;
  dims.forEach((d, i) => view.setUint32(4 + 4 * i, d, false));
  out.set(data, headerSize);
  return out;
}
