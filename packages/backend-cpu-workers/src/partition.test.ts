import { test, expect } from 'bun:test';
import { largestShare, share } from './partition.ts';

test('shares cover every thing once, in order, none more than one larger than another', () => {
  for (const parts of [1, 2, 3, 4, 7]) {
    for (const n of [0, 1, 2, 3, 5, 13, 100, 400, 401]) {
      let next = 0;
      const sizes: number[] = [];
      for (let i = 0; i < parts; i++) {
        const [lo, hi] = share(n, i, parts);
        expect(lo, `n=${n} parts=${parts}: part ${i} starts where the last ended`).toBe(next);
        expect(hi).toBeGreaterThanOrEqual(lo);
        sizes.push(hi - lo);
        next = hi;
      }
      expect(next, `n=${n} parts=${parts}: all covered`).toBe(n);
      expect(Math.max(...sizes) - Math.min(...sizes), `n=${n} parts=${parts}: ${sizes}`).toBeLessThanOrEqual(1);
      expect(Math.max(...sizes)).toBe(largestShare(n, parts));
    }
  }
});

test('fewer things than parts: some parts get none', () => {
  expect([0, 1, 2].map((i) => share(2, i, 3))).toEqual([[0, 0], [0, 1], [1, 2]]);
});
