import { test, expect } from 'bun:test';
import { Rng } from './random.ts';

test('equal seeds give equal streams, different seeds differ', () => {
  const a = new Rng(42);
  const b = new Rng(42);
  const c = new Rng(43);
  const xs = Array.from({ length: 8 }, () => a.nextUint32());
  expect(xs).toEqual(Array.from({ length: 8 }, () => b.nextUint32()));
  expect(xs).not.toEqual(Array.from({ length: 8 }, () => c.nextUint32()));
});

test('split streams are independent of each other and of use of the parent', () => {
  const root = new Rng(7);
  const s1 = root.split(1).nextUint32();
  root.nextUint32();
  root.nextUint32();
  expect(root.split(1).nextUint32(), 'split does not depend on how much the parent was used').toBe(s1);
  expect(root.split(2).nextUint32()).not.toBe(s1);
});

test('float is in [0, 1) with mean near 1/2; normal has mean 0 and variance 1', () => {
  const rng = new Rng(3);
  let sum = 0;
  let sumN = 0;
  let sumN2 = 0;
  const n = 20000;
  for (let i = 0; i < n; i++) {
    const f = rng.float();
    expect(f >= 0 && f < 1).toBeTruthy();
    sum += f;
    const z = rng.normal();
    sumN += z;
    sumN2 += z * z;
  }
  expect(Math.abs(sum / n - 0.5), `mean ${sum / n}`).toBeLessThan(0.01);
  expect(Math.abs(sumN / n), `normal mean ${sumN / n}`).toBeLessThan(0.03);
  expect(Math.abs(sumN2 / n - 1), `normal variance ${sumN2 / n}`).toBeLessThan(0.05);
});

test('int covers [0, n) evenly and shuffle is a permutation', () => {
  const rng = new Rng(9);
  const counts = new Array(5).fill(0);
  for (let i = 0; i < 5000; i++) counts[rng.int(5)]++;
  for (const c of counts) expect(c > 900 && c < 1100, `counts ${counts}`).toBeTruthy();
  const a = Uint32Array.from({ length: 100 }, (_, i) => i);
  rng.shuffle(a);
  expect([...a].sort((x, y) => x - y)).toEqual(Array.from({ length: 100 }, (_, i) => i));
  expect([...a]).not.toEqual(Array.from({ length: 100 }, (_, i) => i));
  expect(() => rng.int(0)).toThrow(RangeError);
});

test('getState/setState resumes the exact stream', () => {
  const rng = new Rng(11);
  rng.normal();
  const state = rng.getState();
  const next = [rng.nextUint32(), rng.normal(), rng.normal()];
  const other = new Rng(0);
  other.setState(state);
  expect([other.nextUint32(), other.normal(), other.normal()]).toEqual(next);
});
