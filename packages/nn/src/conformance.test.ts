// The backend conformance suite (@dnn/nn/testing) for the single-thread
// backend's three kernel sets. Imports the built package, as a backend
// author would. The environment comes from test-support, the tests' edge.
import { createFastGemm } from '@dnn/tensor';
import { cpuBackend, deterministicKernelOptions, fastKernelsPath, fastLayers } from '@dnn/nn';
import { describeBackend } from '@dnn/nn/testing';
import { determinismDir } from '../../../test-support/environment.ts';

const records = determinismDir;
const typescript = { gemm: createFastGemm({ simd: 'off' }).gemm, layers: fastLayers, path: 'typescript' };

describeBackend('cpu: reference loops', () => cpuBackend({ kernels: 'reference' }), {
  deterministic: { group: 'reference', baseline: () => cpuBackend({ kernels: 'reference', deterministic: true }), records },
});
describeBackend('cpu: fast kernels', () => cpuBackend(), { deterministic: { group: fastKernelsPath(deterministicKernelOptions()), records } });
describeBackend('cpu: TypeScript fallback', () => cpuBackend({ kernels: typescript }), {
  deterministic: { group: 'typescript', baseline: () => cpuBackend({ kernels: typescript, deterministic: true }), records },
});
