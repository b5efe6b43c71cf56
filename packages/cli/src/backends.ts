/** The backends the CLI can wire to `fit`, by name, and their flags. */
import { cpuBackend, type Backend } from '@dnn/nn';
import { workersBackend } from '@dnn/backend-cpu-workers';
import { choiceFlag, intFlag, type Flags } from './args.ts';
import { UsageError } from './errors.ts';

export const BACKENDS = ['cpu', 'workers', 'webgpu'] as const;
export type BackendName = (typeof BACKENDS)[number];

export const backendFlags: Flags = {
  backend: { type: 'string', value: 'B', help: `where to compute: ${BACKENDS.join(', ')}`, default: 'cpu' },
  workers: { type: 'string', value: 'N', help: 'threads for --backend workers', default: 'the number of cores' },
};

export async function createBackend(name: BackendName, options: { workers?: number } = {}): Promise<Backend> {
  switch (name) {
    case 'cpu':
      return cpuBackend();
    case 'workers':
      return workersBackend({ workers: options.workers });
    case 'webgpu':
      throw new UsageError(`--backend ${name} is not implemented yet; use --backend cpu or workers`);
  }
}

/** Reads --backend and --workers. */
export function backendChoice(v: Record<string, unknown>): { backend: BackendName; workers?: number } {
  const backend = choiceFlag('backend', (v.backend as string | undefined) ?? 'cpu', BACKENDS);
  if (v.workers !== undefined && backend !== 'workers') throw new UsageError('--workers needs --backend workers');
  return { backend, workers: v.workers === undefined ? undefined : intFlag('workers', v.workers as string, 1) };
}

export async function backendFromFlags(v: Record<string, unknown>): Promise<Backend> {
  const c = backendChoice(v);
  return createBackend(c.backend, c);
}
