/** `dnn-cli info`: version, runtime, cores, and which backends and kernels this machine has. */
import { coreCount } from '@dnn/backend-cpu-workers';
import { fastKernelsPath } from '@dnn/nn';
import { detectSharedSimd, detectSimd } from '@dnn/tensor';
import { flagHelp, parseFlags, type Flags } from './args.ts';
import { runtimeName } from './runtime.ts';
import { VERSION } from './version.ts';

const FLAGS: Flags = {
  json: { type: 'boolean', help: 'print one JSON object' },
  help: { type: 'boolean', short: 'h', help: 'show this help' },
};

export async function infoCommand(argv: string[]): Promise<number> {
  const { values: v } = parseFlags(argv, FLAGS);
  if (v.help) return void console.log(`Usage: dnn-cli info [--json]\n\nWhat this machine and runtime offer dnn.\n\nFlags:\n${flagHelp(FLAGS)}`), 0;
  const shared = typeof SharedArrayBuffer !== 'undefined' && detectSharedSimd() !== 'none';
  const info = {
    version: VERSION,
    runtime: runtimeName(),
    platform: `${process.platform} ${process.arch}`,
    cores: coreCount(),
    simd: detectSimd(),
    kernels: fastKernelsPath(),
    backends: {
      cpu: { available: true, detail: `1 thread, ${fastKernelsPath()} kernels` },
      workers: { available: shared, detail: shared ? `up to ${coreCount()} threads over shared memory` : 'needs SharedArrayBuffer and WebAssembly threads' },
      webgpu: { available: false, detail: 'not implemented yet' },
    },
  };
  if (v.json) {
    console.log(JSON.stringify(info));
    return 0;
  }
  console.log(`dnn-cli ${info.version}\nruntime   ${info.runtime} (${info.platform})\ncores     ${info.cores}\nSIMD      ${info.simd}\nkernels   ${info.kernels}\nbackends`);
  for (const [name, b] of Object.entries(info.backends)) console.log(`  ${name.padEnd(8)} ${b.available ? 'yes' : 'no '}  ${b.detail}`);
  return 0;
}
