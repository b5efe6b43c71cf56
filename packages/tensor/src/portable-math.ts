/**
 * exp, log and friends from IEEE basic operations only (+, -, *, / on
 * doubles, which every engine rounds the same way), so they give the same
 * bits in V8, JavaScriptCore and SpiderMonkey. The engines' own `Math.exp`,
 * `Math.log`, `Math.tanh` and `**` may differ in the last bit, and one bit
 * in a loss or an Adam correction is enough for two runtimes' weights to
 * part after a few steps. Accurate to a few units in the last place of a
 * double: far below float32's rounding.
 * @module
 */

const LN2_HI = 6.93147180369123816490e-1; // ln 2's leading bits: k * LN2_HI is exact for |k| < 2^11
const LN2_LO = 1.90821492927058770002e-10;
const INV_LN2 = 1.44269504088896338700;
const SQRT2 = 1.4142135623730951;

/** 2^k for k in [-1074, 1023], built by exact doublings and halvings. */
const POW2 = (() => {
  const t = new Float64Array(1023 + 1074 + 1);
  t[1074] = 1;
  for (let k = 1; k <= 1023; k++) t[1074 + k] = t[1074 + k - 1] * 2;
  for (let k = -1; k >= -1074; k--) t[1074 + k] = t[1074 + k + 1] / 2;
  return t;
})();

/** x * 2^k, exact unless the result is subnormal (then rounded once, as ldexp). */
function scale(x: number, k: number): number {
  if (k > 1023) return x * POW2[1074 + 1023] * POW2[1074 + k - 1023];
  if (k < -1022) return x * POW2[1074 - 1022] * POW2[1074 + Math.max(k + 1022, -1074)];
  return x * POW2[1074 + k];
}

/** e^x. */
export function exp(x: number): number {
  if (x !== x) return x;
  if (x > 709.782712893384) return Infinity;
  if (x < -745.1332191019412) return 0;
  const k = Math.round(x * INV_LN2);
  // r = x - k ln2, in two parts so it stays exact; |r| <= ln2 / 2.
  const r = x - k * LN2_HI - k * LN2_LO;
  // Taylor series to r^13/13!: its remainder is below 2^-60 of the result.
  let p = 1 / 6227020800;
  for (let i = 12; i >= 1; i--) p = p * r + POW_INV_FACT[i];
  return scale(p * r + 1, k);
}

/** 1/i! for i in 0..12. */
const POW_INV_FACT = (() => {
  const t = [1];
  for (let i = 1; i <= 12; i++) t.push(t[i - 1] / i);
  return t;
})();

/** The natural logarithm. */
export function log(x: number): number {
  if (x !== x || x < 0) return NaN;
  if (x === 0) return -Infinity;
  if (x === Infinity) return x;
  // x = m 2^e with m in [sqrt(1/2), sqrt(2)): e by binary search over the exact powers of two.
  let lo = 0;
  let hi = POW2.length - 1;
  if (x >= POW2[hi]) lo = hi;
  else
    while (hi - lo > 1) {
      const mid = (lo + hi) >> 1;
      if (POW2[mid] <= x) lo = mid;
      else hi = mid;
    }
  let e = lo - 1074;
  let m = x / POW2[lo];
  if (m > SQRT2) {
    m /= 2;
    e++;
  }
  // log m = 2 atanh(f), f = (m - 1) / (m + 1), |f| <= 0.1716: the odd series to f^23.
  const f = (m - 1) / (m + 1);
  const s = f * f;
  let p = 1 / 23;
  for (let i = 21; i >= 1; i -= 2) p = p * s + 1 / i;
  return e * LN2_HI + (2 * f * p + e * LN2_LO);
}

/** e^x - 1, accurate near 0 (Kahan's trick: exact for u = e^x rounded). */
export function expm1(x: number): number {
  if (x !== x) return x;
  if (x === 0) return x;
  if (x > 709.782712893384) return Infinity;
  if (x < -40) return -1;
  const u = exp(x);
  if (u === 1) return x;
  const um1 = u - 1;
  if (um1 === -1) return -1;
  return (um1 * x) / log(u);
}

/** log(1 + x), accurate near 0 (Goldberg's trick). */
export function log1p(x: number): number {
  const u = 1 + x;
  if (u === 1) return x;
  if (u === Infinity) return u;
  return log(u) * (x / (u - 1));
}

/** The hyperbolic tangent. */
export function tanh(x: number): number {
  if (x !== x) return x;
  const a = x < 0 ? -x : x;
  if (a > 22) return x < 0 ? -1 : 1;
  const e = expm1(2 * a);
  const t = e / (e + 2);
  return x < 0 ? -t : t;
}

/**
 * b^t for an integer t >= 0, by repeated squaring (engines' `**` differ on
 * this too); the relative error grows with t, about t units in the last place.
 */
export function powInt(b: number, t: number): number {
  let r = 1;
  let base = b;
  for (let n = t; n > 0; n = Math.floor(n / 2)) {
    if (n % 2 === 1) r *= base;
    base *= base;
  }
  return r;
}

const TWO_PI = 6.283185307179586;
const PIO2_HI = 1.5707963267341256; // pi/2's leading 33 bits
const PIO2_LO = 6.077100506506192e-11;

/** cos and sin of 2 pi v for v in [0, 1) (the Box-Muller angle), from a quarter-turn reduction. */
export function cosSinTurn(v: number): [number, number] {
  const q = Math.round(v * 4);
  // r = 2 pi v - q pi/2, |r| <= pi/4.
  const r = v * TWO_PI - q * PIO2_HI - q * PIO2_LO;
  const s = r * r;
  let c = 1 / 6402373705728000; // 1/18!
  let n = 1 / 121645100408832000; // 1/19!
  for (let i = 16; i >= 0; i -= 2) c = c * -s + INV_FACT_UP_TO_19[i];
  for (let i = 17; i >= 1; i -= 2) n = n * -s + INV_FACT_UP_TO_19[i];
  const sinr = n * r;
  switch (q & 3) {
    case 0:
      return [c, sinr];
    case 1:
      return [-sinr, c];
    case 2:
      return [-c, -sinr];
    default:
      return [sinr, -c];
  }
}

const INV_FACT_UP_TO_19 = (() => {
  const t = [1];
  for (let i = 1; i <= 19; i++) t.push(t[i - 1] / i);
  return t;
})();
