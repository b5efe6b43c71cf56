/**
 * A reusable barrier for N threads on a shared Int32Array, with an abort
 * flag: a thread that fails sets it and wakes everyone, so no thread ever
 * waits for one that is gone.
 * @module
 */
import { CTL } from './shared.ts';

/** Thrown in a thread that was waiting when another thread failed. */
export class PoolAborted extends Error {
  constructor() {
    super('aborted: another worker failed');
    this.name = 'PoolAborted';
  }
}

/** Loads of the generation before sleeping: some tens of microseconds. */
const SPINS = 20000;

/** Waits until all `n` threads have arrived. */
export function barrier(ctl: Int32Array, n: number): void {
  const gen = Atomics.load(ctl, CTL.generation);
  if (Atomics.load(ctl, CTL.abort)) throw new PoolAborted();
  if (Atomics.add(ctl, CTL.count, 1) === n - 1) {
    Atomics.store(ctl, CTL.count, 0);
    Atomics.add(ctl, CTL.generation, 1);
    Atomics.notify(ctl, CTL.generation);
    return;
  }
  // Spin briefly first: the others are usually microseconds behind, and
  // waking a sleeping thread costs far more than that.
  for (let i = 0; i < SPINS && Atomics.load(ctl, CTL.generation) === gen; i++);
  while (Atomics.load(ctl, CTL.generation) === gen) {
    // The timeout is a safety net only; abort() wakes waiters at once.
    Atomics.wait(ctl, CTL.generation, gen, 1000);
    if (Atomics.load(ctl, CTL.abort)) throw new PoolAborted();
  }
}

/** Marks the pool failed and wakes every waiting thread. */
export function abortPool(ctl: Int32Array): void {
  Atomics.store(ctl, CTL.abort, 1);
  Atomics.add(ctl, CTL.generation, 1);
  Atomics.notify(ctl, CTL.generation);
}
