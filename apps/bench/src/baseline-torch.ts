/**
 * PyTorch's CPU epoch, timed by cpu_torch.py in a child Python in the same
 * benchmark run (so the ratio to ours is measured, not quoted). Debian's
 * python3-torch is the expected install; where Python or torch is missing
 * the column is skipped, with the reason.
 */
import { spawnSync } from 'node:child_process';
import { fileURLToPath } from 'node:url';

export type TorchResult = { seconds: number; version: string; threads: number } | { skipped: string };

/** Seconds of one 60,000-image epoch of the default network in PyTorch with `threads` threads. */
export function torchEpoch(python: string, threads: number): TorchResult {
  const probe = spawnSync(python, ['-c', 'import torch; print(torch.__version__)'], { encoding: 'utf8', timeout: 120_000 });
  if (probe.error) return { skipped: `${python} cannot be run (${(probe.error as NodeJS.ErrnoException).code ?? probe.error.message})` };
  if (probe.status !== 0) {
    const last = (probe.stderr || '').trim().split('\n').pop() ?? '';
    return { skipped: `${python} cannot import torch (${last}); Debian: apt install python3-torch` };
  }
  const script = fileURLToPath(new URL('../cpu_torch.py', import.meta.url));
  const run = spawnSync(python, [script, '--threads', String(threads)], { encoding: 'utf8', timeout: 600_000 });
  const line = (run.stdout || '').trim().split('\n').pop() ?? '';
  try {
    const r = JSON.parse(line);
    if (run.status === 0 && typeof r.seconds === 'number') return { seconds: r.seconds, version: r.version, threads: r.threads };
  } catch {
    // reported below
  }
  const why = (run.stderr || '').trim().split('\n').pop() || `exit status ${run.status}`;
  return { skipped: `cpu_torch.py failed (${why})` };
}
