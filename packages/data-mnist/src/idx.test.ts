import { test, expect } from 'bun:test';
import { encodeIdx, parseIdx } from './idx.ts';
import { datasetFromIdx } from './mnist.ts';
import { DataError } from './errors.ts';
import { gunzip, maybeGunzip } from './gzip.ts';
import { gzipSync } from 'node:zlib';

const images = encodeIdx([3, 2, 2], Uint8Array.from({ length: 12 }, (_, i) => i * 20));
const labels = encodeIdx([3], Uint8Array.of(7, 0, 9));

test('parseIdx reads dims and data; encodeIdx round-trips', () => {
  const p = parseIdx(images, 'img');
  expect(p.dims).toEqual([3, 2, 2]);
  expect(p.data.length).toBe(12);
  expect(p.data[11]).toBe(220);
  expect((images[2] << 8) | images[3], 'magic 2051').toBe(0x0803);
  expect((labels[2] << 8) | labels[3], 'magic 2049').toBe(0x0801);
});

test('datasetFromIdx builds a byte dataset', () => {
  const d = datasetFromIdx(images, labels, 'img', 'lab');
  expect(d.count).toBe(3);
  expect(d.features).toBe(4);
  expect([...d.labels]).toEqual([7, 0, 9]);
});

/** Asserts that `f` throws a DataError naming `file` and matching `re`. */
function rejects(f: () => unknown, file: string, re: RegExp) {
  expect(f, `expected ${re}`).toThrow(expect.objectContaining({ constructor: DataError, file: file, message: expect.stringMatching(re) }));
}

test('malformed IDX files give a DataError naming the file and the problem', () => {
  rejects(() => parseIdx(new Uint8Array(0), 'f'), 'f', /empty/);
  rejects(() => parseIdx(Uint8Array.of(0, 0, 8), 'f'), 'f', /truncated header/);
  rejects(() => parseIdx(Uint8Array.of(1, 2, 8, 1, 0, 0, 0, 0), 'f'), 'f', /not an IDX file/);
  rejects(() => parseIdx(Uint8Array.of(0, 0, 0x0d, 1, 0, 0, 0, 0), 'f'), 'f', /type 0xd is not supported/);
  rejects(() => parseIdx(images.subarray(0, 10), 'f'), 'f', /truncated header/);
  rejects(() => parseIdx(images.subarray(0, images.length - 1), 'f'), 'f', /truncated body: dimensions 3 x 2 x 2 need 12 bytes of data, the file has 11/);
  rejects(() => parseIdx(Uint8Array.of(...images, 0), 'f'), 'f', /trailing bytes/);
});

test('image/label mismatches are caught', () => {
  rejects(() => datasetFromIdx(images, encodeIdx([2], Uint8Array.of(1, 2)), 'img', 'lab'), 'lab', /has 2 labels but img has 3 images/);
  rejects(() => datasetFromIdx(images, encodeIdx([3], Uint8Array.of(1, 10, 2)), 'img', 'lab'), 'lab', /label 10 at index 1 is outside 0-9/);
  rejects(() => datasetFromIdx(labels, labels, 'a', 'b'), 'a', /expected an image file/);
  rejects(() => datasetFromIdx(images, images, 'a', 'b'), 'b', /expected a label file/);
});

test('gzip: decompresses, passes raw bytes through, rejects a corrupt stream', async () => {
  const gz = new Uint8Array(gzipSync(images));
  expect(await maybeGunzip(gz, 'f')).toEqual(images);
  expect(await maybeGunzip(images, 'f')).toBe(images);
  const corrupt = gz.slice();
  corrupt[corrupt.length - 6] ^= 0xff; // break the CRC
  await expect(gunzip(corrupt, 'f.gz')).rejects.toThrow(expect.objectContaining({ constructor: DataError, message: expect.stringMatching(/corrupt gzip stream/) }));
  await expect(gunzip(gz.subarray(0, 20), 'f.gz')).rejects.toThrow(DataError);
});
