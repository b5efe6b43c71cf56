// deno check of the public API through npm: specifiers.
import { defaultSpec, fit, type FitOptions, type ModelSpec, type Dataset, encodeModel } from 'npm:@dnn/nn';
import { createFastGemm, type GemmFn } from 'npm:@dnn/tensor';
import { loadMnist, type Mnist } from 'npm:@dnn/data-mnist';
import { workersBackend, type WorkersOptions } from 'npm:@dnn/backend-cpu-workers';

const spec: ModelSpec = defaultSpec({ hidden: [32] });
const gemm: GemmFn = createFastGemm().gemm;
const options: FitOptions = { epochs: 1, batchSize: 10, validation: 0, seed: 1, optimizer: { name: 'sgd' }, schedule: { name: 'constant', lr: 0.1, lrEnd: 0.1 } };
const w: WorkersOptions = { workers: 2 };
export async function run(data: Dataset): Promise<Uint8Array> {
  const m: Mnist = await loadMnist();
  void m;
  void gemm;
  const r = await fit(spec, data, { ...options, backend: workersBackend(w) });
  return encodeModel({ spec, params: r.params });
}
