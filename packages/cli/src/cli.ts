/**
 * dnn-cli: the command line of dnn. Parses the command, runs it, and turns
 * errors into one line on stderr with the right exit code (2: usage,
 * 1: anything else, 130: Ctrl-C, 143: SIGTERM). DNN_DEBUG=1 adds the stack trace.
 */
import { enableRelaxedSimdOnNode20 } from '@dnn/tensor';
import { DataError } from '@dnn/data-mnist';
import { WebGpuPackageMissingError } from '@dnn/backend-webgpu';
import { runFilteringDawn, shouldFilterDawn, webgpuMissingHint } from './dawn.ts';
import { DivergedError, ModelFileError } from '@dnn/nn';
import { Interrupted, UsageError } from './errors.ts';
import { nearest } from './suggest.ts';
import { explainOutOfMemory } from './limits.ts';
import { train } from './train.ts';
import { evalCommand } from './eval.ts';
import { predictCommand } from './predict.ts';
import { dataCommand } from './data-command.ts';
import { infoCommand } from './info.ts';
import { plotCommand } from './plot-command.ts';
import { exportCommand } from './export-command.ts';
import { VERSION } from './version.ts';
import { cliEnvironment } from './environment.ts';

const COMMANDS: Record<string, { run: (argv: string[]) => Promise<number>; help: string }> = {
  train: { run: train, help: 'train a network on MNIST (or any MNIST-format set) and report test accuracy' },
  eval: { run: evalCommand, help: "a saved model's test accuracy, per class, and confusion matrix" },
  predict: { run: predictCommand, help: 'the class (digit) of PNG or PGM pictures' },
  export: { run: exportCommand, help: 'a model file as ONNX (runs in ONNX Runtime, Python, browsers)' },
  data: { run: dataCommand, help: 'where MNIST comes from; verify or download it; other data sets' },
  info: { run: infoCommand, help: 'version, runtime, cores, backends' },
  plot: { run: plotCommand, help: 'the training profile (SVG) from a train --json log' },
};

const HELP = `dnn-cli ${VERSION}: train and run small neural networks (MNIST out of the box)

Usage: dnn-cli <command> [flags]

Commands:
${Object.entries(COMMANDS)
  .map(([name, c]) => `  ${name.padEnd(8)} ${c.help}`)
  .join('\n')}

Run 'dnn-cli <command> --help' for its flags. Examples:
  dnn-cli train --save model.safetensors --plot profile.svg
  dnn-cli eval --model model.safetensors
  dnn-cli predict --model model.safetensors digit.png
  dnn-cli export --model model.safetensors --onnx model.onnx
  dnn-cli train --epochs 1 --limit 5000 --json

Environment:
  DNN_SIMD          CPU kernels: auto (default, the fastest), relaxed, simd, off (TypeScript)
  DNN_MNIST_MIRROR  where to download MNIST from when --mirror is not given
  DNN_DEBUG=1       stack traces with errors
  NO_COLOR          no colour`;

export async function main(argv: string[]): Promise<number> {
  // The CLI is its own process: it may turn on Node 20's relaxed SIMD, before it makes any kernel.
  enableRelaxedSimdOnNode20();
  cliEnvironment(); // a bad DNN_SIMD is a usage error before any work
  const [command, ...rest] = argv;
  if (command === undefined || command === '--help' || command === '-h' || command === 'help') {
    console.log(HELP);
    return command === undefined ? 2 : 0;
  }
  if (command === '--version' || command === '-v') {
    console.log(VERSION);
    return 0;
  }
  const c = COMMANDS[command];
  if (!c) {
    const hint = nearest(command, Object.keys(COMMANDS));
    throw new UsageError(`unknown command ${JSON.stringify(command)}${hint ? `; did you mean ${hint}?` : ''} (see dnn-cli --help)`);
  }
  return c.run(rest);
}

function exitCodeOf(e: unknown): number {
  if (e instanceof UsageError) return 2;
  if (e instanceof Interrupted) return e.exitCode;
  return 1;
}

function describe(e: unknown): string {
  if (e instanceof UsageError || e instanceof DataError || e instanceof ModelFileError || e instanceof DivergedError || e instanceof Interrupted) {
    return e.message;
  }
  if (e instanceof WebGpuPackageMissingError) return webgpuMissingHint(process.argv.slice(2));
  const err = e as { code?: string; path?: string; message?: string };
  if (err?.code && err.path) return `${err.path}: ${err.message}`;
  return explainOutOfMemory(err?.message ?? String(e));
}

// Commands that load Dawn run in a child whose stderr drops Dawn's warnings (see dawn.ts).
const argv = process.argv.slice(2);
const settings = (() => {
  try {
    return cliEnvironment();
  } catch {
    return null; // main reports it
  }
})();
(settings && shouldFilterDawn(argv, settings) ? runFilteringDawn(process.argv[1]!, argv) : main(argv)).then(
  (code) => process.exit(code),
  (e) => {
    process.stderr.write(`dnn-cli: error: ${describe(e)}\n`);
    if (settings?.debug && e instanceof Error) process.stderr.write(`${e.stack}\n`);
    process.exit(exitCodeOf(e));
  },
);
