/**
 * The CLI's one reading of the environment. Every variable the CLI honours
 * is read here and handed on as a value: the libraries read none.
 * - `DNN_SIMD`: the kernels (auto, relaxed, simd, off), as KernelOptions.
 * - `DNN_MNIST_MIRROR`: where to download MNIST from when --mirror is not given.
 * - `DNN_DEBUG=1`: stack traces with errors (and Dawn's output unfiltered).
 * - `NO_COLOR`: no colour, even on a terminal.
 * @module
 */
import { simdChoice, type KernelOptions } from '@dnn/tensor';
import { UsageError } from './errors.ts';

/** Marks the child that runs a command with Dawn's output filtered (dawn.ts). */
export const DAWN_CHILD_MARK = 'DNN_CLI_DAWN_CHILD';

export interface Environment {
  kernels: Required<KernelOptions>;
  mnistMirror: string | undefined;
  debug: boolean;
  noColor: boolean;
  dawnChild: boolean;
}

/** The settings in `env`; a bad value is a UsageError naming the variable. */
export function readEnvironment(env: Record<string, string | undefined>): Environment {
  let simd;
  try {
    simd = simdChoice(env.DNN_SIMD, 'DNN_SIMD');
  } catch (e) {
    throw new UsageError((e as Error).message);
  }
  return {
    kernels: { simd },
    mnistMirror: env.DNN_MNIST_MIRROR || undefined,
    debug: env.DNN_DEBUG === '1',
    noColor: Boolean(env.NO_COLOR),
    dawnChild: env[DAWN_CHILD_MARK] === '1',
  };
}

/** This process's settings. */
export function cliEnvironment(): Environment {
  return readEnvironment(process.env);
}

/** The environment for a child that reruns this CLI, with `extra` added. */
export function childEnvironment(extra: Record<string, string>): Record<string, string | undefined> {
  return { ...process.env, ...extra };
}
