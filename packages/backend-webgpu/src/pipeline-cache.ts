/**
 * The pipeline cache: one compute pipeline per distinct WGSL source, and
 * dispatches (pipeline, bind group, workgroup counts) built from it.
 * @module
 */

export interface Dispatch {
  pipeline: GPUComputePipeline;
  bind: GPUBindGroup;
  groups: [number, number] | [number, number, number];
}

export interface PipelineCache {
  /** A dispatch of `code` over `resources` (bound in order) with `groups` workgroups (a count is split into x by y). */
  dispatch(code: string, resources: GPUBuffer[], groups: number | [number, number] | [number, number, number]): Dispatch;
  /** Distinct pipelines compiled so far on this device. */
  size(): number;
}

/** Pipelines per device, shared by every trainer on it: a software adapter compiles each shader slowly (seconds). */
const byDevice = new WeakMap<GPUDevice, Map<string, GPUComputePipeline>>();

export function pipelineCache(device: GPUDevice): PipelineCache {
  let pipelines = byDevice.get(device);
  if (!pipelines) byDevice.set(device, (pipelines = new Map()));
  const pipeline = (code: string) => {
    let p = pipelines!.get(code);
    if (!p) {
      p = device.createComputePipeline({ layout: 'auto', compute: { module: device.createShaderModule({ code }), entryPoint: 'main' } });
      pipelines!.set(code, p);
    }
    return p;
  };
  return {
    dispatch(code, resources, groups) {
      const p = pipeline(code);
      const bind = device.createBindGroup({ layout: p.getBindGroupLayout(0), entries: resources.map((buffer, binding) => ({ binding, resource: { buffer } })) });
      return { pipeline: p, bind, groups: typeof groups === 'number' ? split(groups) : groups };
    },
    size: () => pipelines!.size,
  };
}

/** Workgroup counts within the per-dimension limit, as x by y. */
export function split(groups: number): [number, number] {
  if (groups <= 65535) return [Math.max(1, groups), 1];
  const y = Math.ceil(groups / 65535);
  return [Math.ceil(groups / y), y];
}
