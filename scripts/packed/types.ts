// Type-checked by tsc in fresh projects (see TS_CONFIGS in packed-proof.mjs)
// and by deno check: every public entry point but the WebGPU backend's
// (types-gpu.ts) resolves and its declarations compile.
import { defaultSpec, fit, type FitOptions, type ModelSpec, type Dataset, encodeModel } from '@dnn/nn';
import * as nnFiles from '@dnn/nn/files';
import { createFastGemm, type GemmFn } from '@dnn/tensor';
import { loadMnist, parseIdx, type Mnist } from '@dnn/data-mnist';
import { datasetFromIdx, type IdxArray } from '@dnn/data-mnist/core';
import { workersBackend, type WorkersOptions } from '@dnn/backend-cpu-workers';
import '@dnn/backend-cpu-workers/worker';

const spec: ModelSpec = defaultSpec({ hidden: [32] });
const gemm: GemmFn = createFastGemm().gemm;
const options: FitOptions = { epochs: 1, batchSize: 10, validation: 0, seed: 1, optimizer: { name: 'sgd' }, schedule: { name: 'constant', lr: 0.1, lrEnd: 0.1 } };
const w: WorkersOptions = { workers: 2 };
export async function run(data: Dataset): Promise<Uint8Array> {
  const m: Mnist = await loadMnist();
  const idx: IdxArray = parseIdx(new Uint8Array(0), 'x');
  void [m, gemm, idx, datasetFromIdx, nnFiles];
  const r = await fit(spec, data, { ...options, backend: workersBackend(w) });
  return encodeModel({ spec, params: r.params });
}
