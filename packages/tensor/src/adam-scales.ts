/**
 * Adam's bias corrections folded into two scalars, in one place for the
 * TypeScript and the WebAssembly Adam, so both scale a step by the same
 * bits (powInt, not `**`, whose last bit differs between engines).
 * @module
 */
import { powInt } from './portable-math.ts';

/** Step t's scale of m (lr / (1 - b1^t)) and of v (1 / (1 - b2^t)). */
export function adamScales(lr: number, b1: number, b2: number, t: number): { stepSize: number; c2: number } {
  return { stepSize: lr / (1 - powInt(b1, t)), c2: 1 / (1 - powInt(b2, t)) };
}
