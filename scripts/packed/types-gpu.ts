// The WebGPU backend's entry point, type-checked like types.ts. Its
// declarations name WebGPU's types (GPUDevice, ...), which must resolve
// (through @webgpu/types, which the package depends on) rather than fall
// back to `any` as unresolved names do under skipLibCheck.
import { defaultSpec, fit, type Dataset } from '@dnn/nn';
import { webgpuBackend, findDevice, WebGpuPackageMissingError, type GpuContext } from '@dnn/backend-webgpu';

// An unresolved name would be `any` and take a string: the expected error proves it resolved.
// @ts-expect-error a GPU limit is a number
const limit: GpuContext['device']['limits']['maxBufferSize'] = 'not a number';

export async function gpu(data: Dataset): Promise<number> {
  const backend = await webgpuBackend({ adapter: 'auto' });
  const ctx: GpuContext = backend.context;
  const spec = defaultSpec({ hidden: [32] });
  const r = await fit(spec, data, { epochs: 1, batchSize: 10, validation: 0, seed: 1, optimizer: { name: 'sgd' }, schedule: { name: 'constant', lr: 0.1, lrEnd: 0.1 }, backend });
  void [findDevice, WebGpuPackageMissingError, limit];
  return r.params.length + ctx.device.limits.maxBufferSize;
}
