/**
 * Finding a GPU. A caller may pass a GPUDevice or a GPU; otherwise the
 * browser's or Deno's `navigator.gpu`, or in Node and Bun the npm package
 * `webgpu` (Dawn), imported only now, when this backend is asked for. The
 * default (hardware) route is tried first; if it finds no adapter, the
 * software route (Mesa's llvmpipe over OpenGL, at the compatibility feature
 * level) is tried, with `EGL_PLATFORM=surfaceless` set when unset and there
 * is no display, so users need no environment variables.
 * @module
 */
/// <reference types="@webgpu/types" preserve="true" />

export type AdapterChoice = 'auto' | 'hardware' | 'software';

export interface GpuContext {
  device: GPUDevice;
  adapter: GPUAdapter | null;
  /** How the adapter was found, for reports. */
  route: string;
  /** Keeps Dawn's GPU object alive while the device is in use. */
  keepAlive?: unknown;
}

/**
 * Node or Bun without the npm package `webgpu` (an optional peer
 * dependency: Dawn's binaries are large, and only this route needs them).
 */
export class WebGpuPackageMissingError extends Error {
  constructor() {
    super('WebGPU in Node and Bun needs the npm package "webgpu" (Dawn), which is not installed: npm install webgpu');
    this.name = 'WebGpuPackageMissingError';
  }
}

/** No adapter could be found; says which routes were tried. */
export class NoAdapterError extends Error {
  constructor(tried: string[]) {
    super(`no WebGPU adapter found (tried: ${tried.join('; ')})`);
    this.name = 'NoAdapterError';
  }
}

type Env = Record<string, string | undefined>;
const processEnv = (): Env | undefined => (globalThis as { process?: { env: Env } }).process?.env;

export interface FindOptions {
  device?: GPUDevice;
  gpu?: GPU;
  adapter?: AdapterChoice;
}

export async function findDevice(options: FindOptions = {}): Promise<GpuContext> {
  if (options.device) return { device: options.device, adapter: null, route: 'device given by the caller' };
  const choice = options.adapter ?? 'auto';
  const tried: string[] = [];
  const nav = (globalThis as { navigator?: { gpu?: GPU } }).navigator;
  const gpu = options.gpu ?? (isNodeLike() ? undefined : nav?.gpu);
  if (gpu) {
    const adapter = await gpu.requestAdapter({ powerPreference: 'high-performance', forceFallbackAdapter: choice === 'software' });
    tried.push('navigator.gpu');
    if (adapter) return open(adapter, 'navigator.gpu');
    const compat = await gpu.requestAdapter({ featureLevel: 'compatibility' } as GPURequestAdapterOptions);
    if (compat) return open(compat, 'navigator.gpu (compatibility)');
    throw new NoAdapterError(tried);
  }
  // Node and Bun: Dawn from the `webgpu` package.
  let dawn: { create(flags: string[]): GPU; globals: object };
  try {
    // A computed specifier: bundlers for the browser leave it alone.
    const name = 'webgpu';
    dawn = (await import(name)) as unknown as typeof dawn;
  } catch (e) {
    // Only the package itself missing; a broken install (say, no Dawn binary for this platform) keeps its own message.
    const err = e as { code?: string; message?: string };
    if (/cannot find (package|module) ['"]webgpu['"]/i.test(err.message ?? '')) throw new WebGpuPackageMissingError();
    throw new Error(`WebGPU needs the npm package "webgpu" in Node and Bun, which failed to load (${err.message})`);
  }
  Object.assign(globalThis, dawn.globals);
  if (choice !== 'software') {
    const g = dawn.create([]);
    const adapter = await g.requestAdapter({ powerPreference: 'high-performance' }).catch(() => null);
    tried.push('Dawn default (Vulkan/Metal/D3D12)');
    if (adapter) return { ...(await open(adapter, 'Dawn default')), keepAlive: g };
  }
  if (choice !== 'hardware') {
    const env = processEnv();
    if (env && !env.EGL_PLATFORM && !env.DISPLAY && !env.WAYLAND_DISPLAY) await setNativeEnv('EGL_PLATFORM', 'surfaceless');
    const g = dawn.create(['backend=opengl']);
    const adapter = await g.requestAdapter({ featureLevel: 'compatibility' } as GPURequestAdapterOptions).catch(() => null);
    tried.push('Dawn OpenGL (software, compatibility)');
    if (adapter) return { ...(await open(adapter, 'Dawn OpenGL (compatibility)')), keepAlive: g };
  }
  throw new NoAdapterError(tried);
}

async function open(adapter: GPUAdapter, route: string): Promise<GpuContext> {
  const l = adapter.limits;
  const device = await adapter.requestDevice({
    requiredLimits: {
      maxStorageBufferBindingSize: l.maxStorageBufferBindingSize,
      maxBufferSize: l.maxBufferSize,
      maxComputeInvocationsPerWorkgroup: l.maxComputeInvocationsPerWorkgroup,
      maxComputeWorkgroupSizeX: l.maxComputeWorkgroupSizeX,
      maxComputeWorkgroupSizeY: l.maxComputeWorkgroupSizeY,
      maxStorageBuffersPerShaderStage: l.maxStorageBuffersPerShaderStage,
    },
  });
  return { device, adapter, route };
}

function isNodeLike(): boolean {
  const g = globalThis as { process?: { versions?: Record<string, string> }; Deno?: unknown };
  return !g.Deno && Boolean(g.process?.versions?.node);
}

/** Name, vendor and the limits that matter, for `dnn-cli info`. */
export function describeAdapter(ctx: GpuContext): Record<string, unknown> {
  const info = (ctx.adapter as { info?: GPUAdapterInfo } | null)?.info;
  const l = ctx.device.limits;
  return {
    route: ctx.route,
    vendor: info?.vendor ?? '',
    description: info?.description || info?.device || '',
    fallback: (ctx.adapter as { isFallbackAdapter?: boolean } | null)?.isFallbackAdapter ?? (info as { isFallbackAdapter?: boolean } | undefined)?.isFallbackAdapter ?? null,
    maxComputeInvocationsPerWorkgroup: l.maxComputeInvocationsPerWorkgroup,
    maxComputeWorkgroupStorageSize: l.maxComputeWorkgroupStorageSize,
    maxStorageBufferBindingSize: l.maxStorageBufferBindingSize,
    maxStorageBuffersPerShaderStage: l.maxStorageBuffersPerShaderStage,
  };
}

/**
 * Sets an environment variable where native code (Mesa's EGL) will read it.
 * Node's process.env does that; Bun's does not, so Bun calls libc's setenv.
 */
async function setNativeEnv(key: string, value: string): Promise<void> {
  const env = processEnv()!;
  env[key] = value;
  const g = globalThis as { Bun?: unknown; process?: { platform?: string } };
  if (!g.Bun) return;
  try {
    const name = 'bun:ffi';
    const ffi = (await import(name)) as {
      dlopen(lib: string, symbols: object): { symbols: { setenv(k: Uint8Array, v: Uint8Array, overwrite: number): number } };
      FFIType: Record<string, unknown>;
    };
    const libc = ffi.dlopen(g.process?.platform === 'darwin' ? 'libc.dylib' : 'libc.so.6', {
      setenv: { args: [ffi.FFIType.ptr, ffi.FFIType.ptr, ffi.FFIType.i32], returns: ffi.FFIType.i32 },
    });
    const c = (s: string) => new TextEncoder().encode(`${s}\0`);
    libc.symbols.setenv(c(key), c(value), 1);
  } catch {
    // Without it the software route may find no adapter; the error then says which routes were tried.
  }
}
