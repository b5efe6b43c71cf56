import { test, expect } from 'bun:test';
import { cosSinTurn, exp, expm1, log, log1p, powInt, tanh } from './portable-math.ts';
import { Rng } from './random.ts';

/** Largest error of `ours` against the engine's own function, in units of the double's relative precision. */
function worst(ours: (x: number) => number, theirs: (x: number) => number, inputs: number[]): { ulps: number; at: number } {
  let w = { ulps: 0, at: NaN };
  for (const x of inputs) {
    const want = theirs(x);
    const got = ours(x);
    const ulps = want === got ? 0 : Math.abs(got - want) / (Math.abs(want) * 2 ** -52 || Number.MIN_VALUE);
    if (!(ulps <= w.ulps)) w = { ulps, at: x };
  }
  return w;
}

const rng = new Rng(9);
const spread = (lo: number, hi: number, n = 20000) => Array.from({ length: n }, () => rng.uniform(lo, hi));
const logSpread = (n = 20000) => Array.from({ length: n }, () => Math.exp(rng.uniform(-740, 709)));

test('exp, log, expm1, log1p and tanh are within 4 units in the last place of the engine`s', () => {
  const cases: [string, (x: number) => number, (x: number) => number, number[]][] = [
    ['exp', exp, Math.exp, [...spread(-745, 709), ...spread(-1, 1), ...spread(-1e-8, 1e-8)]],
    ['log', log, Math.log, [...logSpread(), ...spread(0.5, 2), ...spread(1 - 1e-6, 1 + 1e-6), 5e-324, 1e-310, Number.MAX_VALUE]],
    ['expm1', expm1, Math.expm1, [...spread(-50, 700), ...spread(-1e-3, 1e-3), ...spread(-1e-12, 1e-12)]],
    ['log1p', log1p, Math.log1p, [...spread(-0.999999, 10), ...spread(-1e-9, 1e-9), ...logSpread()]],
    ['tanh', tanh, Math.tanh, [...spread(-25, 25), ...spread(-1e-3, 1e-3), ...spread(-1e-10, 1e-10)]],
  ];
  for (const [name, ours, theirs, inputs] of cases) {
    const w = worst(ours, theirs, inputs);
    expect(w.ulps, `${name}(${w.at}): ${w.ulps.toFixed(1)} ulps from Math.${name} (${ours(w.at)} vs ${theirs(w.at)})`).toBeLessThanOrEqual(4);
  }
});

test('special values: NaN, infinities, zeros, overflow and underflow', () => {
  expect(Number.isNaN(exp(NaN)) && Number.isNaN(log(NaN)) && Number.isNaN(log(-1)) && Number.isNaN(tanh(NaN)) && Number.isNaN(expm1(NaN))).toBeTruthy();
  expect(exp(0)).toBe(1);
  expect(exp(1000)).toBe(Infinity);
  expect(exp(-Infinity)).toBe(0);
  expect(exp(-800)).toBe(0);
  expect(log(0)).toBe(-Infinity);
  expect(log(Infinity)).toBe(Infinity);
  expect(log(1)).toBe(0);
  expect(log1p(-1)).toBe(-Infinity);
  expect(expm1(-Infinity)).toBe(-1);
  expect(tanh(Infinity)).toBe(1);
  expect(tanh(-30)).toBe(-1);
  expect(Object.is(tanh(-0), -0) && Object.is(expm1(-0), -0)).toBeTruthy();
});

test('powInt is b^t by squaring: exact where the result is, and near **', () => {
  expect(powInt(2, 10)).toBe(1024);
  expect(powInt(0.5, 3)).toBe(0.125);
  expect(powInt(0.9, 0)).toBe(1);
  for (const t of [1, 2, 7, 100, 1000, 12345]) {
    for (const b of [0.9, 0.999, 0.99]) expect(Math.abs(powInt(b, t) - b ** t), `${b}^${t}: ${powInt(b, t)} vs ${b ** t}`).toBeLessThanOrEqual(2 * t * 2 ** -52 * b ** t);
  }
});

test('cosSinTurn(v) is cos and sin of 2 pi v within 1e-15', () => {
  for (const v of [...spread(0, 1), 0, 0.125, 0.25, 0.5, 0.75, 1 - 2 ** -53]) {
    const [c, s] = cosSinTurn(v);
    expect(Math.abs(c - Math.cos(2 * Math.PI * v)) < 1e-15 && Math.abs(s - Math.sin(2 * Math.PI * v)) < 1e-15, `v=${v}: ${c}, ${s}`).toBeTruthy();
  }
});
