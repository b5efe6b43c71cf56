// The backend conformance suite (@dnn/nn/testing) for the worker pool with
// 1 to 4 threads (4: more threads than some batches have rows). Imports the
// built package, so the worker script resolves beside it in every runtime.
// Bun and Deno run 1 and 2 threads: 3 and 4 exercise how the pool shares out
// rows, units and blocks, which is the same JavaScript in every runtime, and
// Deno starts each worker in about 0.7 s (the 3- and 4-thread suites took
// 144 of its 404 s).
import { cpuBackend, deterministicKernelOptions, fastKernelsPath } from '@dnn/nn';
import { describeBackend } from '@dnn/nn/testing';
import { workersBackend } from '@dnn/backend-cpu-workers';
import { inNode } from '../../../test-support/runtime.ts';
import { determinismDir } from '../../../test-support/environment.ts';

const records = determinismDir;

for (const workers of inNode ? [1, 2, 3, 4] : [1, 2]) {
  describeBackend(`workers: ${workers} thread${workers > 1 ? 's' : ''}`, () => workersBackend({ workers }), {
    deterministic: { group: fastKernelsPath(deterministicKernelOptions()), baseline: () => cpuBackend({ deterministic: true }), records },
  });
}
