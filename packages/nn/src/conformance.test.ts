// The backend conformance suite (@dnn/nn/testing) for the single-thread
// backend's three kernel sets. Imports the built package, as a backend
// author would. The environment is read here, at the edge.
import { createFastGemm } from '@dnn/tensor';
import { cpuBackend, fastKernelsPath, fastLayers } from '@dnn/nn';
import { describeBackend } from '@dnn/nn/testing';

const records = (globalThis as { process?: { env: Record<string, string | undefined> } }).process?.env.DNN_DETERMINISM_DIR;
const typescript = { gemm: createFastGemm('off').gemm, layers: fastLayers, path: 'typescript' };

describeBackend('cpu: reference loops', () => cpuBackend({ kernels: 'reference' }), {
  deterministic: { group: 'reference', baseline: () => cpuBackend({ kernels: 'reference', deterministic: true }), records },
});
describeBackend('cpu: fast kernels', () => cpuBackend(), { deterministic: { group: fastKernelsPath(true), records } });
describeBackend('cpu: TypeScript fallback', () => cpuBackend({ kernels: typescript }), {
  deterministic: { group: 'typescript', baseline: () => cpuBackend({ kernels: typescript, deterministic: true }), records },
});
