// The backend conformance suite (@dnn/nn/testing) for the worker pool with
// 1, 2 and 3 threads, and 4 for the deterministic mode. Imports the built
// package, so the worker script resolves beside it in every runtime.
import { cpuBackend, deterministicKernelOptions, fastKernelsPath } from '@dnn/nn';
import { describeBackend } from '@dnn/nn/testing';
import { workersBackend } from '@dnn/backend-cpu-workers';
import { determinismDir } from '../../../test-support/environment.ts';

const records = determinismDir;

for (const workers of [1, 2, 3, 4]) {
  describeBackend(`workers: ${workers} thread${workers > 1 ? 's' : ''}`, () => workersBackend({ workers }), {
    deterministic: { group: fastKernelsPath(deterministicKernelOptions()), baseline: () => cpuBackend({ deterministic: true }), records },
  });
}
