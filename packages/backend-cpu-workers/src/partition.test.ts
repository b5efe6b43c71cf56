import { test } from 'node:test';
import assert from 'node:assert/strict';
import { largestShare, share } from './partition.ts';

test('shares cover every thing once, in order, none more than one larger than another', () => {
  for (const parts of [1, 2, 3, 4, 7]) {
    for (const n of [0, 1, 2, 3, 5, 13, 100, 400, 401]) {
      let next = 0;
      const sizes: number[] = [];
      for (let i = 0; i < parts; i++) {
        const [lo, hi] = share(n, i, parts);
        assert.equal(lo, next, `n=${n} parts=${parts}: part ${i} starts where the last ended`);
        assert.ok(hi >= lo);
        sizes.push(hi - lo);
        next = hi;
      }
      assert.equal(next, n, `n=${n} parts=${parts}: all covered`);
      assert.ok(Math.max(...sizes) - Math.min(...sizes) <= 1, `n=${n} parts=${parts}: ${sizes}`);
      assert.equal(Math.max(...sizes), largestShare(n, parts));
    }
  }
});

test('fewer things than parts: some parts get none', () => {
  assert.deepEqual([0, 1, 2].map((i) => share(2, i, 3)), [[0, 0], [0, 1], [1, 2]]);
});
