/**
 * Gzip support through the platform's DecompressionStream (Node, Deno, Bun
 * and browsers all have it), so no zlib binding is needed.
 * @module
 */
import { gunzipIdx } from './bounded-gunzip.ts';
import { DataError } from './errors.ts';

/** True when the bytes start with the gzip magic number. */
export function isGzip(bytes: Uint8Array): boolean {
  return bytes.length >= 2 && bytes[0] === 0x1f && bytes[1] === 0x8b;
}

/** Decompresses gzip bytes; a corrupt stream is a DataError naming `file`. */
export async function gunzip(bytes: Uint8Array, file: string): Promise<Uint8Array> {
  try {
    const stream = new Blob([bytes as Uint8Array<ArrayBuffer>]).stream().pipeThrough(new DecompressionStream('gzip'));
    return new Uint8Array(await new Response(stream).arrayBuffer());
  } catch (e) {
    throw new DataError(file, `corrupt gzip stream (${(e as Error).message})`);
  }
}

/**
 * An IDX file's bytes as they are, or decompressed when they are gzip, with
 * decompression bounded by the IDX header (see bounded-gunzip.ts).
 */
export async function maybeGunzip(bytes: Uint8Array, file: string): Promise<Uint8Array> {
  return isGzip(bytes) ? gunzipIdx(bytes, file) : bytes;
}
