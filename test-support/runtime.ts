/**
 * Which JavaScript runtime runs the tests, and how a test starts a script
 * in that same runtime (its executable is `process.execPath` in all three;
 * Deno needs `run -A` before the file).
 * @module
 */
const g = globalThis as { Deno?: unknown; Bun?: unknown };

export const isDeno = g.Deno !== undefined;
export const isBun = g.Bun !== undefined;
/** Node: neither Bun nor Deno, which also have `process`. */
export const inNode = !isDeno && !isBun;

/** The arguments to `process.execPath` that run `file` with `args` in this runtime. */
export function scriptArgv(file: string, args: readonly string[] = []): string[] {
  return isDeno ? ['run', '-A', file, ...args] : [file, ...args];
}
