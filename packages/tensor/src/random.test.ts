import { test } from 'node:test';
import assert from 'node:assert/strict';
import { Rng } from './random.ts';

test('equal seeds give equal streams, different seeds differ', () => {
  const a = new Rng(42);
  const b = new Rng(42);
  const c = new Rng(43);
  const xs = Array.from({ length: 8 }, () => a.nextUint32());
  assert.deepEqual(xs, Array.from({ length: 8 }, () => b.nextUint32()));
  assert.notDeepEqual(xs, Array.from({ length: 8 }, () => c.nextUint32()));
});

test('split streams are independent of each other and of use of the parent', () => {
  const root = new Rng(7);
  const s1 = root.split(1).nextUint32();
  root.nextUint32();
  root.nextUint32();
  assert.equal(root.split(1).nextUint32(), s1, 'split does not depend on how much the parent was used');
  assert.notEqual(root.split(2).nextUint32(), s1);
});

test('float is in [0, 1) with mean near 1/2; normal has mean 0 and variance 1', () => {
  const rng = new Rng(3);
  let sum = 0;
  let sumN = 0;
  let sumN2 = 0;
  const n = 20000;
  for (let i = 0; i < n; i++) {
    const f = rng.float();
    assert.ok(f >= 0 && f < 1);
    sum += f;
    const z = rng.normal();
    sumN += z;
    sumN2 += z * z;
  }
  assert.ok(Math.abs(sum / n - 0.5) < 0.01, `mean ${sum / n}`);
  assert.ok(Math.abs(sumN / n) < 0.03, `normal mean ${sumN / n}`);
  assert.ok(Math.abs(sumN2 / n - 1) < 0.05, `normal variance ${sumN2 / n}`);
});

test('int covers [0, n) evenly and shuffle is a permutation', () => {
  const rng = new Rng(9);
  const counts = new Array(5).fill(0);
  for (let i = 0; i < 5000; i++) counts[rng.int(5)]++;
  for (const c of counts) assert.ok(c > 900 && c < 1100, `counts ${counts}`);
  const a = Uint32Array.from({ length: 100 }, (_, i) => i);
  rng.shuffle(a);
  assert.deepEqual([...a].sort((x, y) => x - y), Array.from({ length: 100 }, (_, i) => i));
  assert.notDeepEqual([...a], Array.from({ length: 100 }, (_, i) => i));
  assert.throws(() => rng.int(0), RangeError);
});

test('getState/setState resumes the exact stream', () => {
  const rng = new Rng(11);
  rng.normal();
  const state = rng.getState();
  const next = [rng.nextUint32(), rng.normal(), rng.normal()];
  const other = new Rng(0);
  other.setState(state);
  assert.deepEqual([other.nextUint32(), other.normal(), other.normal()], next);
});
