/** The backends the CLI can wire to `fit`, by name. */
import { cpuBackend, type Backend } from '@dnn/nn';
import { workersBackend } from '@dnn/backend-cpu-workers';
import { UsageError } from './errors.ts';

export const BACKENDS = ['cpu', 'workers', 'webgpu'] as const;
export type BackendName = (typeof BACKENDS)[number];

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
