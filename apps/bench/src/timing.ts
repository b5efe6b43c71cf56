/** Timing helpers: the best of several runs, since two cores are easily disturbed. */

export const now = () => performance.now();

/** Runs `f` `reps` times and returns the fastest time in milliseconds. */
export async function best(reps: number, f: () => unknown): Promise<number> {
  let min = Infinity;
  for (let i = 0; i < reps; i++) {
    const t = now();
    await f();
    min = Math.min(min, now() - t);
  }
  return min;
}

/** GFLOP/s of a GEMM of m x n x k taking `ms`. */
export const gflops = (m: number, n: number, k: number, ms: number) => (2 * m * n * k) / ms / 1e6;

/**
 * Runs each of `runs` once per round, `reps` rounds, alternating, so a busy
 * spell of a shared machine falls on all of them alike; returns each one's
 * samples in round order.
 */
export async function alternate<T>(reps: number, runs: Record<string, () => Promise<T>>): Promise<Record<string, T[]>> {
  const out: Record<string, T[]> = Object.fromEntries(Object.keys(runs).map((k) => [k, [] as T[]]));
  for (let i = 0; i < reps; i++) for (const [name, f] of Object.entries(runs)) out[name].push(await f());
  return out;
}

/** The median of a non-empty list. */
export function median(xs: number[]): number {
  const s = [...xs].sort((a, b) => a - b);
  const mid = s.length >> 1;
  return s.length % 2 ? s[mid] : (s[mid - 1] + s[mid]) / 2;
}
