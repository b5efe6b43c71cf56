/** `dnn-cli info`: version, runtime, cores, and which backends and kernels this machine has. */
import { coreCount } from '@dnn/backend-cpu-workers';
import { describeAdapter, findDevice, WebGpuPackageMissingError } from '@dnn/backend-webgpu';
import { fastKernelsPath } from '@dnn/nn';
import { detectSharedSimd, detectSimd } from '@dnn/tensor';
import { webgpuMissingHint } from './dawn.ts';
import { flagHelp, parseFlags, type Flags } from './args.ts';
import { runtimeName } from './runtime.ts';
import { cliEnvironment } from './environment.ts';
import { VERSION } from './version.ts';

const FLAGS: Flags = {
  json: { type: 'boolean', help: 'print one JSON object' },
  help: { type: 'boolean', short: 'h', help: 'show this help' },
};

export async function infoCommand(argv: string[]): Promise<number> {
  const { values: v } = parseFlags(argv, FLAGS);
  if (v.help) return void console.log(`Usage: dnn-cli info [--json]\n\nWhat this machine and runtime offer dnn.\n\nFlags:\n${flagHelp(FLAGS)}`), 0;
  const shared = typeof SharedArrayBuffer !== 'undefined' && detectSharedSimd() !== 'none';
  // Every adapter route, hardware first; each found one with its name, vendor and limits.
  const adapters: Record<string, unknown>[] = [];
  const failures: string[] = [];
  for (const adapter of ['hardware', 'software'] as const) {
    try {
      const ctx = await findDevice({ adapter });
      adapters.push(describeAdapter(ctx));
      ctx.device.destroy?.();
    } catch (e) {
      // Without the `webgpu` package no route can work: say once how to add it.
      if (e instanceof WebGpuPackageMissingError) {
        failures.splice(0, failures.length, webgpuMissingHint(['info']));
        break;
      }
      failures.push(`${adapter}: ${(e as Error).message}`);
    }
  }
  const gpuOk = adapters.length > 0;
  const info = {
    version: VERSION,
    runtime: runtimeName(),
    platform: `${process.platform} ${process.arch}`,
    cores: coreCount(),
    simd: detectSimd(),
    kernels: fastKernelsPath(cliEnvironment().kernels),
    backends: {
      cpu: { available: true, detail: `1 thread, ${fastKernelsPath(cliEnvironment().kernels)} kernels` },
      workers: { available: shared, detail: shared ? `up to ${coreCount()} threads over shared memory` : 'needs SharedArrayBuffer and WebAssembly threads' },
      webgpu: { available: gpuOk, detail: gpuOk ? `${adapters.length} adapter route(s)` : failures.join('; ') },
    },
    adapters,
  };
  if (v.json) {
    console.log(JSON.stringify(info));
    return 0;
  }
  console.log(`dnn-cli ${info.version}\nruntime   ${info.runtime} (${info.platform})\ncores     ${info.cores}\nSIMD      ${info.simd}\nkernels   ${info.kernels}\nbackends`);
  for (const [name, b] of Object.entries(info.backends)) console.log(`  ${name.padEnd(8)} ${b.available ? 'yes' : 'no '}  ${b.detail}`);
  if (adapters.length) console.log('WebGPU adapters');
  for (const a of adapters) {
    console.log(`  ${a.description || a.vendor || '(unnamed)'}  [${a.route}]${a.fallback ? ' (fallback)' : ''}`);
    console.log(`    workgroup invocations ${a.maxComputeInvocationsPerWorkgroup}, workgroup memory ${a.maxComputeWorkgroupStorageSize} B, storage binding ${a.maxStorageBufferBindingSize} B`);
  }
  return 0;
}
