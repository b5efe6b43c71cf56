// Decompression bounded by the IDX header: a small .gz cannot inflate into gigabytes.
import { test, expect } from 'bun:test';
import { gzipSync } from 'node:zlib';
import { gunzipIdx } from './bounded-gunzip.ts';
import { DataError } from './errors.ts';
import { encodeIdx } from './idx.ts';

test('a .gz that inflates past the size its IDX header says stops there, naming the file', async () => {
  // 1,000 labels said, 64 MB of zeros sent: 64 KB of gzip.
  const bomb = new Uint8Array(64 << 20);
  bomb.set(encodeIdx([1000], new Uint8Array(0)));
  const gz = new Uint8Array(gzipSync(bomb, { level: 1 }));
  expect(gz.length).toBeLessThan(1 << 20);
  await expect(gunzipIdx(gz, 'labels.gz')).rejects.toThrow(expect.objectContaining({ constructor: DataError, message: expect.stringMatching(/^labels\.gz: trailing bytes: decompresses to more than the 1008 bytes its header says \(1000\); stopped reading$/) }));
});

test('a header asking for more than the limit is refused as soon as it is read', async () => {
  const gz = new Uint8Array(gzipSync(encodeIdx([100, 100, 100], new Uint8Array(1000))));
  await expect(gunzipIdx(gz, 'big.gz', 100_000)).rejects.toThrow(/big\.gz: the IDX header asks for 100 x 100 x 100 = 1000016 bytes, over the 100000-byte limit/);
});

test('good files decompress whole; non-IDX and corrupt streams are left to the IDX reader or named', async () => {
  const idx = encodeIdx([3, 2, 2], Uint8Array.from({ length: 12 }, (_, i) => i));
  expect(await gunzipIdx(new Uint8Array(gzipSync(idx)), 'f.gz')).toEqual(idx);
  const big = encodeIdx([5000, 28, 28], Uint8Array.from({ length: 5000 * 784 }, (_, i) => (i * 7) % 251));
  expect(await gunzipIdx(new Uint8Array(gzipSync(big)), 'f.gz')).toEqual(big);
  const text = new TextEncoder().encode('hello, this is not IDX at all'.repeat(1000));
  const head = await gunzipIdx(new Uint8Array(gzipSync(text)), 'f.gz');
  expect(head.subarray(0, 4)).toEqual(text.subarray(0, 4));
  const corrupt = new Uint8Array(gzipSync(idx));
  corrupt[corrupt.length - 6] ^= 0xff;
  await expect(gunzipIdx(corrupt, 'c.gz')).rejects.toThrow(/c\.gz: corrupt gzip stream/);
});
