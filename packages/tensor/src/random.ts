/**
 * Seeded random numbers. One integer seed makes a root generator; `split(i)`
 * derives an independent stream for each consumer (a layer's init, the
 * shuffle, a worker), so adding a consumer never shifts another's numbers.
 * The generator is xoshiro128** seeded through splitmix32.
 * @module
 */
import { cosSinTurn, log } from './portable-math.ts';

function splitmix32(state: { s: number }): number {
  state.s = (state.s + 0x9e3779b9) | 0;
  let z = state.s;
  z = Math.imul(z ^ (z >>> 16), 0x85ebca6b);
  z = Math.imul(z ^ (z >>> 13), 0xc2b2ae35);
  return (z ^ (z >>> 16)) >>> 0;
}

/** Mixes two 32-bit words into one, for deriving stream seeds. */
function mix(a: number, b: number): number {
  const st = { s: (a ^ Math.imul(b + 0x632be5ab, 0x9e3779b9)) | 0 };
  splitmix32(st);
  return splitmix32(st);
}

/** A deterministic pseudo-random generator with splittable streams. */
export class Rng {
  private readonly s = new Uint32Array(4);
  /** The seed words this stream was made from, for `split`. */
  private key: number;
  private spareNormal: number | null = null;

  /** @param seed any integer; equal seeds give equal streams. */
  constructor(seed: number) {
    if (!Number.isFinite(seed)) throw new RangeError(`seed must be a finite number, got ${seed}`);
    this.key = mix(seed | 0, Math.floor(seed / 2 ** 32) | 0);
    const st = { s: this.key };
    for (let i = 0; i < 4; i++) this.s[i] = splitmix32(st);
    if ((this.s[0] | this.s[1] | this.s[2] | this.s[3]) === 0) this.s[0] = 1;
  }

  /** An independent stream derived from this stream's seed and `stream`. */
  split(stream: number): Rng {
    return new Rng(mix(this.key, stream | 0));
  }

  /** Next 32-bit unsigned integer. */
  nextUint32(): number {
    const s = this.s;
    const result = Math.imul(rotl(Math.imul(s[1], 5), 7), 9) >>> 0;
    const t = s[1] << 9;
    s[2] ^= s[0];
    s[3] ^= s[1];
    s[1] ^= s[2];
    s[0] ^= s[3];
    s[2] ^= t;
    s[3] = rotl(s[3], 11);
    return result;
  }

  /** Uniform float in [0, 1) with 32 bits of randomness. */
  float(): number {
    return this.nextUint32() / 4294967296;
  }

  /** Uniform float in [lo, hi). */
  uniform(lo: number, hi: number): number {
    return lo + (hi - lo) * this.float();
  }

  /** Standard normal sample (Box-Muller, caching the second value). */
  normal(): number {
    if (this.spareNormal !== null) {
      const v = this.spareNormal;
      this.spareNormal = null;
      return v;
    }
    let u = 0;
    while (u === 0) u = this.float();
    const v = this.float();
    // Our own log, cos and sin: the same initial weights in every engine.
    const r = Math.sqrt(-2 * log(u));
    const [cos, sin] = cosSinTurn(v);
    this.spareNormal = r * sin;
    return r * cos;
  }

  /** Uniform integer in [0, n), without modulo bias. */
  int(n: number): number {
    if (!Number.isInteger(n) || n <= 0 || n > 2 ** 32) throw new RangeError(`int(n) needs 0 < n <= 2^32, got ${n}`);
    const limit = 4294967296 - (4294967296 % n);
    let x: number;
    do x = this.nextUint32();
    while (x >= limit);
    return x % n;
  }

  /** Shuffles `a` in place (Fisher-Yates) and returns it. */
  shuffle<T extends { length: number; [i: number]: number }>(a: T): T {
    for (let i = a.length - 1; i > 0; i--) {
      const j = this.int(i + 1);
      const t = a[i];
      a[i] = a[j];
      a[j] = t;
    }
    return a;
  }

  /** The generator's full state, to save in a checkpoint. */
  getState(): number[] {
    return [...this.s, this.key, this.spareNormal === null ? NaN : this.spareNormal];
  }

  /** Restores a state from `getState`. */
  setState(state: readonly number[]): void {
    if (state.length !== 6) throw new RangeError('an Rng state has 6 numbers');
    for (let i = 0; i < 4; i++) this.s[i] = state[i];
    this.key = state[4];
    this.spareNormal = Number.isNaN(state[5]) ? null : state[5];
  }
}

function rotl(x: number, k: number): number {
  return (x << k) | (x >>> (32 - k));
}
