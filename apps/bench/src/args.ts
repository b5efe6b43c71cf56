/** The benchmark's command line: its flags, `--help`, and a one-line error for a bad one. */
import { parseArgs } from 'node:util';

export const SECTIONS = ['gemm', 'epoch', 'cnn', 'runtimes', 'gpu'] as const;
export type Section = (typeof SECTIONS)[number];

export const HELP = `dnn benchmark: our GEMM and training epochs beside TensorFlow.js, jax-js and PyTorch, in one run.

Usage: npm run bench -- [options]     (or: node apps/bench/dist/bench.js [options])

  --only SECTION    one section: gemm, epoch, cnn, runtimes or gpu (default: all but gpu)
  --reps N          timed repetitions, best kept; epochs alternate between backends (default 3)
  --json            JSON lines instead of text
  --no-baselines    leave out TensorFlow.js, jax-js and PyTorch
  --python PATH     the Python whose torch times the PyTorch column (default: python3 on PATH,
                    else /usr/bin/python3, where Debian's python3-torch installs)
  --cnn-steps N     steps timed per backend (PyTorch too) in the cnn section, scaled to an epoch (default 30)
  --gpu-steps N     steps timed per batch size in the gpu section (default 20)
  --gemm-size N     side of the square GEMM in the gpu section (default 4096)
  --help            this text

Sections: gemm, GFLOP/s per path and shape on one thread; epoch, one 60,000-image epoch of
784-400-200-10 (Adam, batch 100) for cpu (sparse and dense first layer), 1 and 2 workers (also
on 20,000 images), the cpu epoch in one child process and in two at once (the machine's ceiling
for 2 threads) and the baselines, with ratios; cnn, the same epoch of the default CNN on cpu and 2 workers
beside PyTorch with 1 and 2 threads (cpu_torch.py --arch cnn; steps timed, scaled); runtimes, the cpu epoch in Node 20, 22, 24, Bun and Deno (Node 22
and 24 from scripts/node-versions, as the test runner installs them); gpu, WebGPU.`;

export interface BenchArgs {
  sections: Section[];
  reps: number;
  json: boolean;
  baselines: boolean;
  /** Pythons to try for the PyTorch column, in order. */
  pythons: string[];
  cnnSteps: number;
  gpuSteps: number;
  gemmSize: number;
  /** Child modes, used by the benchmark itself. */
  rssRun?: string;
  epochChild: boolean;
}

/** Thrown for a bad command line; the message is the whole line to print. */
export class UsageError extends Error {}

const positive = (flag: string, v: string): number => {
  const n = Number(v);
  if (!Number.isInteger(n) || n < 1) throw new UsageError(`bench: --${flag} must be a positive integer, got "${v}"`);
  return n;
};

/** Parses `argv`; returns null for --help. */
export function parseBenchArgs(argv: string[]): BenchArgs | null {
  let values;
  try {
    ({ values } = parseArgs({
      args: argv,
      strict: true,
      allowPositionals: false,
      options: {
        only: { type: 'string' },
        json: { type: 'boolean' },
        reps: { type: 'string', default: '3' },
        'no-baselines': { type: 'boolean' },
        python: { type: 'string' },
        'rss-run': { type: 'string' },
        'epoch-child': { type: 'boolean' },
        'cnn-steps': { type: 'string', default: '30' },
        'gpu-steps': { type: 'string', default: '20' },
        'gemm-size': { type: 'string', default: '4096' },
        help: { type: 'boolean', short: 'h' },
      },
    }));
  } catch (e) {
    // node:util's messages name the flag; drop its advice about '--' (positionals are not taken here).
    const first = String((e as Error).message).split('. ')[0];
    const text = first.charAt(0).toLowerCase() + first.slice(1);
    throw new UsageError(`bench: ${text} (see --help)`);
  }
  if (values.help) return null;
  const only = values.only;
  if (only !== undefined && !(SECTIONS as readonly string[]).includes(only)) {
    throw new UsageError(`bench: --only must be one of ${SECTIONS.join(', ')}, got "${only}"`);
  }
  return {
    sections: only ? [only as Section] : ['gemm', 'epoch', 'cnn', 'runtimes'],
    reps: positive('reps', values.reps!),
    json: Boolean(values.json),
    baselines: !values['no-baselines'],
    pythons: values.python ? [values.python] : ['python3', '/usr/bin/python3'],
    cnnSteps: positive('cnn-steps', values['cnn-steps']!),
    gpuSteps: positive('gpu-steps', values['gpu-steps']!),
    gemmSize: positive('gemm-size', values['gemm-size']!),
    rssRun: values['rss-run'],
    epochChild: Boolean(values['epoch-child']),
  };
}
