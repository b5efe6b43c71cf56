/**
 * @dnn/backend-cpu-workers: data-parallel training for @dnn/nn on a pool
 * of workers sharing memory (SharedArrayBuffer + Atomics). Node uses
 * node:worker_threads; Deno, Bun and cross-origin isolated pages use
 * module Workers.
 * @module @dnn/backend-cpu-workers
 */
export { type WorkersOptions, WorkerFailedError, workersBackend, coreCount } from './workers-backend.ts';
