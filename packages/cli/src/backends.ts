/** The backends the CLI can wire to `fit`, by name, and their flags. */
import { cpuBackend, type Backend } from '@dnn/nn';
import { coreCount, workersBackend } from '@dnn/backend-cpu-workers';
import { checkWorkers } from './limits.ts';
import { webgpuBackend, type AdapterChoice } from '@dnn/backend-webgpu';
import { choiceFlag, intFlag, type Flags } from './args.ts';
import { UsageError } from './errors.ts';
import { cliEnvironment } from './environment.ts';

export const BACKENDS = ['cpu', 'workers', 'webgpu'] as const;
export type BackendName = (typeof BACKENDS)[number];

export const backendFlags: Flags = {
  backend: { type: 'string', value: 'B', help: `where to compute: ${BACKENDS.join(', ')}`, default: 'cpu' },
  workers: { type: 'string', value: 'N', help: 'threads for --backend workers (at most 4 per core)', default: 'the number of cores' },
  'gpu-adapter': { type: 'string', value: 'A', help: 'for --backend webgpu: auto (hardware, else software), hardware or software', default: 'auto' },
};

export const ADAPTERS = ['auto', 'hardware', 'software'] as const;

export async function createBackend(name: BackendName, options: { workers?: number; adapter?: AdapterChoice; deterministic?: boolean } = {}): Promise<Backend> {
  switch (name) {
    case 'cpu':
      return cpuBackend({ ...cliEnvironment().kernels, deterministic: options.deterministic });
    case 'workers':
      return workersBackend({ ...cliEnvironment().kernels, workers: options.workers, deterministic: options.deterministic });
    case 'webgpu':
      return webgpuBackend({ adapter: options.adapter });
  }
}

/** Reads --backend and --workers. */
export function backendChoice(v: Record<string, unknown>): { backend: BackendName; workers?: number; adapter?: AdapterChoice } {
  const backend = choiceFlag('backend', (v.backend as string | undefined) ?? 'cpu', BACKENDS);
  if (v.workers !== undefined && backend !== 'workers') throw new UsageError('--workers needs --backend workers');
  if (v['gpu-adapter'] !== undefined && backend !== 'webgpu') throw new UsageError('--gpu-adapter needs --backend webgpu');
  const workers = v.workers === undefined ? undefined : intFlag('workers', v.workers as string, 1);
  checkWorkers(workers, coreCount());
  return {
    backend,
    workers,
    adapter: v['gpu-adapter'] === undefined ? undefined : choiceFlag('gpu-adapter', v['gpu-adapter'] as string, ADAPTERS),
  };
}

export async function backendFromFlags(v: Record<string, unknown>): Promise<Backend> {
  const c = backendChoice(v);
  return createBackend(c.backend, c);
}
