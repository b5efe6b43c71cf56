/**
 * Deterministic runs' weight hashes, written one file per runtime, backend
 * configuration and fixture, so a final step (scripts/determinism-check.mjs,
 * run by test-all) can check that every runtime got the same bits.
 * @module
 */

export interface HashRecord {
  /** Configurations whose hashes must be equal (the kernel path). */
  group: string;
  config: string;
  fixture: string;
  hash: string;
}

/** The runtime this runs in: `bun`, `deno`, or `node<major>`. */
export function runtimeName(): string {
  const g = globalThis as { Bun?: unknown; Deno?: unknown; process?: { versions?: { node?: string } } };
  if (g.Bun) return 'bun';
  if (g.Deno) return 'deno';
  return `node${g.process?.versions?.node?.split('.')[0] ?? ''}`;
}

const slug = (s: string) => s.replace(/[^a-z0-9]+/gi, '-').replace(/^-|-$/g, '').toLowerCase();

/** Writes `r` (with this runtime's name) into `dir`. */
export async function recordHash(dir: string, r: HashRecord): Promise<void> {
  // A computed name, so that browser bundlers leave node:fs out.
  const fsName = 'node:fs/promises';
  const fs = (await import(fsName)) as typeof import('node:fs/promises');
  await fs.mkdir(dir, { recursive: true });
  const runtime = runtimeName();
  await fs.writeFile(`${dir}/${runtime}--${slug(r.group)}--${slug(r.config)}--${slug(r.fixture)}.json`, JSON.stringify({ runtime, ...r }) + '\n');
}
