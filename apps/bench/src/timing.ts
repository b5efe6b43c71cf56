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
