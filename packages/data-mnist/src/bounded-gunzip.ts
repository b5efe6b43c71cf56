/**
 * Bounded decompression of IDX files: the stream is read chunk by chunk, the
 * IDX header is read as soon as it arrives, and decompression stops the
 * moment more bytes arrive than the header says (or than MAX_IDX_BYTES), so
 * a small .gz cannot inflate into gigabytes of memory.
 * @module
 */
import { concatBytes } from './concat-bytes.ts';
import { DataError } from './errors.ts';

/** The largest IDX file read: 1 GiB (MNIST's largest is 47 MB, EMNIST's 550 MB). */
export const MAX_IDX_BYTES = 1 << 30;

/** Decompresses a gzipped IDX file; `file` names it in every error. */
export async function gunzipIdx(bytes: Uint8Array, file: string, limit = MAX_IDX_BYTES): Promise<Uint8Array> {
  const reader = new Blob([bytes as Uint8Array<ArrayBuffer>]).stream().pipeThrough(new DecompressionStream('gzip')).getReader();
  const parts: Uint8Array[] = [];
  let n = 0;
  let expected = limit;
  let dims: number[] | null = null;
  try {
    for (;;) {
      const { done, value } = await reader.read();
      if (done) break;
      parts.push(value);
      n += value.length;
      if (!dims && n >= 4) {
        const head = concatBytes(parts, n);
        parts.splice(0, parts.length, head);
        const rank = head[3];
        // Not IDX: stop here and let the IDX reader say what is wrong with the first bytes.
        if (head[0] !== 0 || head[1] !== 0 || head[2] !== 0x08 || rank < 1 || rank > 4) break;
        if (n >= 4 + 4 * rank) {
          const view = new DataView(head.buffer, head.byteOffset, head.byteLength);
          dims = Array.from({ length: rank }, (_, i) => view.getUint32(4 + 4 * i, false));
          expected = 4 + 4 * rank + dims.reduce((a, b) => a * b, 1);
          if (expected > limit) throw new DataError(file, `the IDX header asks for ${dims.join(' x ')} = ${expected} bytes, over the ${limit}-byte limit`);
        }
      }
      if (n > expected) {
        const what = dims ? `the ${expected} bytes its header says (${dims.join(' x ')})` : `the ${limit}-byte limit`;
        throw new DataError(file, `trailing bytes: decompresses to more than ${what}; stopped reading`);
      }
    }
  } catch (e) {
    if (e instanceof DataError) throw e;
    throw new DataError(file, `corrupt gzip stream (${(e as Error).message})`);
  } finally {
    reader.cancel().catch(() => {});
  }
  return concatBytes(parts, n);
}

