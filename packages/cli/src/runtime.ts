/** Facts about where the CLI runs: runtime, terminal, colour. */
import { cliEnvironment } from './environment.ts';

/** `node 20.20.2`, `bun 1.4.5` or `deno 2.9.6`. */
export function runtimeName(): string {
  const g = globalThis as { Deno?: { version: { deno: string } }; process?: { versions: Record<string, string> } };
  if (g.Deno?.version) return `deno ${g.Deno.version.deno}`;
  if (g.process?.versions.bun) return `bun ${g.process.versions.bun}`;
  return `node ${g.process?.versions.node ?? '?'}`;
}

/** True when stdout is a terminal (progress bars and colour only then). */
export function stdoutIsTerminal(): boolean {
  return Boolean(process.stdout.isTTY);
}

/** Colour only on a terminal, and never when NO_COLOR is set. */
export function useColour(): boolean {
  return stdoutIsTerminal() && !cliEnvironment().noColor;
}

export function paint(on: boolean) {
  const wrap = (code: number) => (s: string) => (on ? `\x1b[${code}m${s}\x1b[0m` : s);
  return { bold: wrap(1), dim: wrap(2), green: wrap(32), red: wrap(31), cyan: wrap(36) };
}
