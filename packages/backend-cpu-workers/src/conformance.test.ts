// The backend conformance suite (@dnn/nn/testing) for the worker pool with
// 1, 2 and 3 threads, and 4 for the deterministic mode. Imports the built
// package, so the worker script resolves beside it in every runtime.
import { cpuBackend, fastKernelsPath } from '@dnn/nn';
import { describeBackend } from '@dnn/nn/testing';
import { workersBackend } from '@dnn/backend-cpu-workers';

const records = (globalThis as { process?: { env: Record<string, string | undefined> } }).process?.env.DNN_DETERMINISM_DIR;

for (const workers of [1, 2, 3, 4]) {
  describeBackend(`workers: ${workers} thread${workers > 1 ? 's' : ''}`, () => workersBackend({ workers }), {
    deterministic: { group: fastKernelsPath(true), baseline: () => cpuBackend({ deterministic: true }), records },
  });
}
