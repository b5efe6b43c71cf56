/**
 * PyTorch's CPU epoch, timed by cpu_torch.py in a child Python in the same
 * benchmark run (so the ratio to ours is measured, not quoted). Debian's
 * python3-torch is the expected install; where no Python tried imports
 * torch the column is skipped, with the reasons.
 */
import { spawnSync } from 'node:child_process';
import { fileURLToPath } from 'node:url';

export type TorchResult = { seconds: number; version: string; threads: number; python: string; blas: string; stepsTimed: number; steps: number } | { skipped: string };

/**
 * The first of `pythons` that imports torch (Debian's python3-torch lives in
 * /usr/bin/python3's packages, which a python3 earlier on PATH, pyenv's
 * say, does not see), or why none does.
 */
export function findTorchPython(pythons: string[]): { python: string } | { skipped: string } {
  const why: string[] = [];
  for (const python of pythons) {
    const probe = spawnSync(python, ['-c', 'import torch; print(torch.__version__)'], { encoding: 'utf8', timeout: 120_000 });
    if (probe.error) why.push(`${python} cannot be run (${(probe.error as NodeJS.ErrnoException).code ?? probe.error.message})`);
    else if (probe.status !== 0) why.push(`${python} cannot import torch (${(probe.stderr || '').trim().split('\n').pop() ?? ''})`);
    else return { python };
  }
  return { skipped: `${why.join('; ')}; Debian: apt install python3-torch` };
}

/**
 * Seconds of one 60,000-image epoch in PyTorch with `threads` threads: of
 * the default network (`arch` 'mlp') or the default CNN ('cnn'); `steps`
 * times that many steps and scales them to the epoch, as dnn's cnn section does.
 */
export function torchEpoch(python: string, threads: number, options: { arch?: 'mlp' | 'cnn'; steps?: number } = {}): TorchResult {
  const script = fileURLToPath(new URL('../cpu_torch.py', import.meta.url));
  const argv = [script, '--threads', String(threads), '--arch', options.arch ?? 'mlp', ...(options.steps ? ['--steps', String(options.steps)] : [])];
  const run = spawnSync(python, argv, { encoding: 'utf8', timeout: 600_000 });
  const line = (run.stdout || '').trim().split('\n').pop() ?? '';
  try {
    const r = JSON.parse(line);
    if (run.status === 0 && typeof r.seconds === 'number') return { seconds: r.seconds, version: r.version, threads: r.threads, python, blas: r.blas, stepsTimed: r.stepsTimed, steps: r.steps };
  } catch {
    // reported below
  }
  const why = (run.stderr || '').trim().split('\n').pop() || `exit status ${run.status}`;
  return { skipped: `cpu_torch.py failed (${why})` };
}
