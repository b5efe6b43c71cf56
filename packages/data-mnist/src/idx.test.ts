import { test } from 'node:test';
import assert from 'node:assert/strict';
import { encodeIdx, parseIdx } from './idx.ts';
import { datasetFromIdx } from './mnist.ts';
import { DataError } from './errors.ts';
import { gunzip, maybeGunzip } from './gzip.ts';
import { gzipSync } from 'node:zlib';

const images = encodeIdx([3, 2, 2], Uint8Array.from({ length: 12 }, (_, i) => i * 20));
const labels = encodeIdx([3], Uint8Array.of(7, 0, 9));

test('parseIdx reads dims and data; encodeIdx round-trips', () => {
  const p = parseIdx(images, 'img');
  assert.deepEqual(p.dims, [3, 2, 2]);
  assert.equal(p.data.length, 12);
  assert.equal(p.data[11], 220);
  assert.equal((images[2] << 8) | images[3], 0x0803, 'magic 2051');
  assert.equal((labels[2] << 8) | labels[3], 0x0801, 'magic 2049');
});

test('datasetFromIdx builds a byte dataset', () => {
  const d = datasetFromIdx(images, labels, 'img', 'lab');
  assert.equal(d.count, 3);
  assert.equal(d.features, 4);
  assert.deepEqual([...d.labels], [7, 0, 9]);
});

/** Asserts that `f` throws a DataError naming `file` and matching `re`. */
function rejects(f: () => unknown, file: string, re: RegExp) {
  assert.throws(f, (e: unknown) => e instanceof DataError && e.file === file && re.test(e.message), `expected ${re}`);
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
  assert.deepEqual(await maybeGunzip(gz, 'f'), images);
  assert.equal(await maybeGunzip(images, 'f'), images);
  const corrupt = gz.slice();
  corrupt[corrupt.length - 6] ^= 0xff; // break the CRC
  await assert.rejects(gunzip(corrupt, 'f.gz'), (e: unknown) => e instanceof DataError && /corrupt gzip stream/.test(e.message));
  await assert.rejects(gunzip(gz.subarray(0, 20), 'f.gz'), DataError);
});
