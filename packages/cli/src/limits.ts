/**
 * Limits on what a flag can ask, checked before anything is allocated:
 * `--workers` at most 4 threads per core, and the memory a network needs to
 * train estimated from its spec and refused, in one line, when it would not
 * fit. The estimate is @dnn/nn's own accounting, so it covers every layer
 * kind: `parameterCount` and `workspaceFloats` both read the spec's shape
 * function (`layerShapes`), the workspace with every layer's activations,
 * deltas and kernel scratch (a convolution's im2col columns included).
 */
import { readFileSync } from 'node:fs';
import { totalmem } from 'node:os';
import { parameterCount, workspaceFloats, type ModelSpec } from '@dnn/nn';
import { UsageError } from './errors.ts';

/** Threads per core `--workers` may ask for. */
export const WORKERS_PER_CORE = 4;

/** Throws a UsageError when `--workers N` is more than WORKERS_PER_CORE x the cores. */
export function checkWorkers(workers: number | undefined, cores: number): void {
  const most = WORKERS_PER_CORE * cores;
  if (workers !== undefined && workers > most) {
    throw new UsageError(`--workers ${workers} is more than ${WORKERS_PER_CORE} per core (${cores} cores): use at most ${most}`);
  }
}

/** The address space of the WebAssembly memory the CPU kernels compute in (2 GiB). */
export const KERNEL_MEMORY_BYTES = 2 ** 31;

/**
 * The storage-buffer binding every WebGPU device supports (128 MiB); the
 * WebGPU trainer binds all the weights as one buffer.
 */
export const WEBGPU_BINDING_BYTES = 128 * 2 ** 20;

const SLOTS = { sgd: 0, momentum: 1, adam: 2 } as const;

export interface MemoryEstimate {
  parameters: number;
  /** Bytes in the kernels' memory (weights, gradients, optimizer state, activations). */
  kernelBytes: number;
  /** All bytes, with the copies of the weights kept outside the kernels. */
  totalBytes: number;
}

/** What training `spec` needs, for a batch size, optimizer and number of threads (1 for cpu and webgpu). */
export function trainingMemory(spec: ModelSpec, batchSize: number, optimizer: keyof typeof SLOTS, threads = 1): MemoryEstimate {
  const parameters = parameterCount(spec);
  const shared = parameters * (1 + SLOTS[optimizer]);
  // Each thread has its own gradients and activations (the CPU backend predicts 256 rows at a time).
  const perThread = parameters + workspaceFloats(spec, Math.max(Math.ceil(batchSize / threads), 256));
  const kernelBytes = 4 * (shared + threads * perThread);
  // Outside the kernels: the initial weights, and the copy handed back at the end.
  return { parameters, kernelBytes, totalBytes: kernelBytes + 4 * 2 * parameters };
}

/** The machine's memory, or the container's limit where one is set (Node's process.constrainedMemory). */
export function machineMemory(): number {
  const limit = (process as { constrainedMemory?: () => number | undefined }).constrainedMemory?.();
  const total = totalmem();
  return limit && limit > 0 && limit < total ? limit : total;
}

const gb = (bytes: number) => (bytes < 1e9 ? `${Math.round(bytes / 1e6)} MB` : `${(bytes / 1e9).toFixed(1)} GB`);

/**
 * Throws a UsageError naming `flag` when training would not fit: over the
 * kernels' 2 GiB (CPU backends), over one WebGPU binding, or over the machine's memory.
 */
export function checkTrainingMemory(e: MemoryEstimate, flag: string, backend: string, machineBytes = machineMemory()): void {
  const what = `${e.parameters.toLocaleString('en-US')} parameters; training needs about ${gb(e.totalBytes)}`;
  if (backend !== 'webgpu' && e.kernelBytes > KERNEL_MEMORY_BYTES) {
    throw new UsageError(`${flag}: ${what}, ${gb(e.kernelBytes)} of it in the CPU kernels' memory, which holds at most ${gb(KERNEL_MEMORY_BYTES)}; use smaller layers`);
  }
  if (backend === 'webgpu' && 4 * e.parameters > WEBGPU_BINDING_BYTES) {
    throw new UsageError(`${flag}: ${e.parameters.toLocaleString('en-US')} parameters are ${gb(4 * e.parameters)} of weights, more than the ${gb(WEBGPU_BINDING_BYTES)} WebGPU binds at once; use smaller layers or --backend cpu`);
  }
  if (e.totalBytes > machineBytes) throw new UsageError(`${flag}: ${what}, more than the ${gb(machineBytes)} of memory here; use smaller layers`);
}

/** The address-space limit of this process in bytes (`ulimit -v`, read from /proc on Linux), or null when none is known. */
export function addressSpaceLimit(limits = readProcLimits()): number | null {
  const m = /^Max address space\s+(\d+|unlimited)/m.exec(limits ?? '');
  return m && m[1] !== 'unlimited' ? Number(m[1]) : null;
}

function readProcLimits(): string | null {
  try {
    return readFileSync('/proc/self/limits', 'utf8');
  } catch {
    return null;
  }
}

/**
 * Address space the worker pool needs: each thread's runtime and the shared
 * WebAssembly memory (2 GiB plus its guard regions) are reserved up front,
 * and a runtime that cannot reserve them aborts the whole process.
 */
export const WORKERS_ADDRESS_SPACE = 16 * 2 ** 30;

/** Refuses, in one line, a backend that a `ulimit -v` would make abort or fail with a misleading message. */
export function checkAddressSpace(backend: string, limit = addressSpaceLimit()): void {
  if (limit === null || backend !== 'workers' || limit >= WORKERS_ADDRESS_SPACE) return;
  throw new UsageError(
    `--backend workers: this process may use only ${gb(limit)} of address space (ulimit -v), and the worker threads reserve about ${gb(WORKERS_ADDRESS_SPACE)}; ` +
      'use --backend cpu or raise the limit',
  );
}

/** A WebAssembly out-of-memory message, with what limits the process where that is known. */
export function explainOutOfMemory(message: string, limit = addressSpaceLimit()): string {
  if (!/could not allocate memory|Cannot allocate Wasm memory|Out of memory/i.test(message)) return message;
  const why = limit === null ? 'the machine is out of memory' : `this process may use only ${gb(limit)} of address space (ulimit -v)`;
  return `could not reserve memory for the WebAssembly kernels: ${why}; ${limit === null ? "use smaller layers" : "raise the limit"} (${message})`;
}
