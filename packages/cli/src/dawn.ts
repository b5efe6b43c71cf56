/**
 * The npm package `webgpu` (Dawn) as the CLI meets it in Node and Bun: a
 * one-line hint when it is not installed (it is an optional peer, 130 MB of
 * native code), and Dawn's own warnings kept out of dnn's output. Dawn's
 * native code writes them straight to file descriptor 2, where JavaScript
 * cannot catch them, so a command that loads Dawn runs in a child process
 * whose stderr passes through a filter. DNN_DEBUG=1 shows them unfiltered.
 * @module
 */
import { spawn } from 'node:child_process';
import { childEnvironment, DAWN_CHILD_MARK, type Environment } from './environment.ts';

/** What to tell a user whose Node or Bun lacks the `webgpu` package. */
export function webgpuMissingHint(argv: string[]): string {
  return `WebGPU in Node and Bun needs the npm package "webgpu" (Dawn, not installed with dnn-cli): add it with npm install webgpu, or run npx -p dnn-cli -p webgpu dnn-cli ${argv.join(' ')}`;
}

/** True when this command line loads Dawn: `info`, or any command with --backend webgpu. */
export function loadsDawn(argv: string[]): boolean {
  if (argv[0] === 'info') return true;
  return argv.some((a, i) => a === '--backend=webgpu' || (a === '--backend' && argv[i + 1] === 'webgpu'));
}

/**
 * Splits stderr text into lines and drops Dawn's: a `Warning: ...` (or
 * Error/Info) line, the `    at fn (file.cpp:N)` lines under it, and the
 * blank line that ends the block. dnn's own lines start with `dnn-cli:` or
 * are plain sentences, so they pass.
 */
export function createDawnFilter(write: (text: string) => void): { push(chunk: string): void; end(): void } {
  let pending = '';
  let inBlock = false;
  const line = (l: string) => {
    if (/^(Warning|Error|Info): /.test(l) && !l.startsWith('dnn')) inBlock = true;
    else if (inBlock && (/^\s+at .*\(.*\)\s*$/.test(l) || l.trim() === '')) {
      if (l.trim() === '') inBlock = false;
    } else {
      inBlock = false;
      write(`${l}\n`);
      return;
    }
  };
  return {
    push(chunk) {
      pending += chunk;
      let nl: number;
      while ((nl = pending.indexOf('\n')) >= 0) {
        line(pending.slice(0, nl));
        pending = pending.slice(nl + 1);
      }
    },
    end() {
      if (pending) write(pending);
      pending = '';
    },
  };
}

/** Node or Bun (Deno has WebGPU built in and never loads Dawn). */
function usesDawn(): boolean {
  const g = globalThis as { Deno?: unknown; process?: { versions?: Record<string, string> } };
  return !g.Deno && Boolean(g.process?.versions?.node);
}

/** Whether to rerun this command line in a child with Dawn's output filtered. */
export function shouldFilterDawn(argv: string[], env: Pick<Environment, 'dawnChild' | 'debug'>): boolean {
  return usesDawn() && loadsDawn(argv) && !env.dawnChild && !env.debug;
}

/**
 * Runs the same script with the same arguments in a child whose stderr is
 * filtered; resolves to the child's exit code. A Ctrl-C on a terminal reaches
 * the child itself (one process group), so this process passes SIGINT on
 * only when no terminal is attached (a signal sent to it alone).
 */
export function runFilteringDawn(script: string, argv: string[]): Promise<number> {
  return new Promise((resolve) => {
    const child = spawn(process.execPath, [...process.execArgv, script, ...argv], {
      stdio: ['inherit', 'inherit', 'pipe'],
      env: childEnvironment({ [DAWN_CHILD_MARK]: '1' }),
    });
    const filter = createDawnFilter((t) => process.stderr.write(t));
    child.stderr!.setEncoding('utf8');
    child.stderr!.on('data', (c: string) => filter.push(c));
    const forward = (signal: NodeJS.Signals) => () => child.kill(signal);
    const onTerminal = Boolean(process.stdin.isTTY || process.stdout.isTTY || process.stderr.isTTY);
    process.on('SIGINT', onTerminal ? () => {} : forward('SIGINT'));
    process.on('SIGTERM', forward('SIGTERM'));
    child.on('error', (e) => {
      process.stderr.write(`dnn-cli: error: could not start ${process.execPath}: ${e.message}\n`);
      resolve(1);
    });
    child.on('close', (code, signal) => {
      filter.end();
      resolve(code ?? (signal === 'SIGINT' ? 130 : 1));
    });
  });
}
