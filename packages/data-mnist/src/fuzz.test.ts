// Fuzzing the IDX and gzip readers: valid files mutated at random from a
// fixed seed. Every case must load or throw DataError, never anything else.
import { test, expect } from 'bun:test';
import { gzipSync } from 'node:zlib';
import { Rng } from '@dnn/tensor';
import { encodeIdx } from './idx.ts';
import { datasetFromIdx } from './mnist.ts';
import { maybeGunzip } from './gzip.ts';
import { DataError } from './errors.ts';

function mutate(rng: Rng, bytes: Uint8Array, hot: number): Uint8Array {
  const b = bytes.slice();
  const pick = () => (rng.float() < 0.7 ? rng.int(Math.min(hot, b.length)) : rng.int(b.length));
  switch (rng.int(4)) {
    case 0:
      for (let i = 0, n = 1 + rng.int(6); i < n; i++) b[pick()] ^= 1 << rng.int(8);
      return b;
    case 1:
      return b.subarray(0, rng.int(b.length + 1));
    case 2: {
      const from = rng.int(b.length);
      b.copyWithin(pick(), from, Math.min(b.length, from + 1 + rng.int(16)));
      return b;
    }
    default: {
      const at = pick();
      return Uint8Array.from([...b.subarray(0, at), ...Uint8Array.from({ length: 1 + rng.int(8) }, () => rng.int(256)), ...b.subarray(at)]);
    }
  }
}

const n = 12;
const images = encodeIdx([n, 4, 4], Uint8Array.from({ length: n * 16 }, (_, i) => (i * 37) % 256));
const labels = encodeIdx([n], Uint8Array.from({ length: n }, (_, i) => i % 10));

test('IDX reader: 5000 mutated image/label pairs either load or throw DataError', () => {
  const rng = new Rng(11);
  let loaded = 0;
  let rejected = 0;
  for (let i = 0; i < 5000; i++) {
    const mutateImages = rng.float() < 0.5;
    const img = mutateImages ? mutate(rng, images, 16) : images;
    const lab = mutateImages ? labels : mutate(rng, labels, 8);
    try {
      const d = datasetFromIdx(img, lab, 'images', 'labels');
      expect(d.x.length).toBe(d.count * d.features);
      loaded++;
    } catch (e) {
      if (!(e instanceof DataError)) throw new Error(`case ${i}: ${(e as Error)?.name}: ${(e as Error)?.message}`);
      rejected++;
    }
  }
  expect(rejected > 1000 && loaded > 100, `loaded ${loaded}, rejected ${rejected}`).toBeTruthy();
});

test('gzip + IDX: 1500 mutated .gz files either load or throw DataError', async () => {
  const rng = new Rng(12);
  const gz = new Uint8Array(gzipSync(images));
  let rejected = 0;
  for (let i = 0; i < 1500; i++) {
    const m = mutate(rng, gz, gz.length);
    try {
      datasetFromIdx(await maybeGunzip(m, 'f.gz'), labels, 'f.gz', 'labels');
    } catch (e) {
      if (!(e instanceof DataError)) throw new Error(`case ${i}: ${(e as Error)?.name}: ${(e as Error)?.message}`);
      rejected++;
    }
  }
  expect(rejected, `rejected ${rejected}`).toBeGreaterThan(500);
});
