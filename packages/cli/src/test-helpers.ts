/** Runs the built CLI in the runtime running the tests (node, bun or deno). */
import { spawnSync } from 'node:child_process';
import { createRequire } from 'node:module';
import { dirname, join } from 'node:path';
import { scriptArgv } from '../../../test-support/runtime.ts';

/** The built CLI, found through the workspace link (tests may run from a bundle elsewhere). */
export const CLI = join(dirname(createRequire(import.meta.url).resolve('dnn-cli/package.json')), 'dist', 'cli.js');

export interface CliResult {
  code: number;
  stdout: string;
  stderr: string;
}

export function runCli(args: string[], options: { cwd?: string; env?: Record<string, string>; killAfterMs?: number } = {}): CliResult {
  const argv = scriptArgv(CLI, args);
  const r = spawnSync(process.execPath, argv, {
    cwd: options.cwd,
    env: { ...process.env, NO_COLOR: '1', ...options.env },
    encoding: 'utf8',
    // killAfterMs: SIGKILL the run part-way, as a crash would.
    timeout: options.killAfterMs ?? 120_000,
    killSignal: 'SIGKILL',
  });
  return { code: r.status ?? -1, stdout: r.stdout ?? '', stderr: r.stderr ?? '' };
}

/** The JSON events printed by `--json`. */
export function events(stdout: string): Record<string, any>[] {
  return stdout
    .trim()
    .split('\n')
    .filter(Boolean)
    .map((l) => JSON.parse(l));
}
