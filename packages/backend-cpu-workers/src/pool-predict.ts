/**
 * Prediction on every worker: each takes its share of the rows and runs the
 * whole network forward on them, in chunks, writing the outputs into a
 * buffer shared with the main thread. Used for validation, the test set and
 * `eval`. The data are either the training rows the pool already holds, or
 * a copy the main thread made once per data set.
 * @module
 */
import { createWorkspace, forward, loadBatch, outputWidth, sparseFirstLayerBytes, sparseInputBuffer, workspaceFloats, withSparseFirstLayer, type Kernels, type ModelSpec, type Workspace } from '@dnn/nn';
import { share } from './partition.ts';

/** Rows per forward pass: the GEMMs run well, and the workspace stays small even for a CNN. */
export const PREDICT_ROWS = 128;

/** What the main thread posts: rows [from, to) of a data set, outputs into `out`. */
export interface PredictJob {
  from: number;
  to: number;
  /** The rows from `firstRow` on (a copy), or null: the training rows the pool holds (`firstRow` 0). */
  x: SharedArrayBuffer | null;
  xType: 'u8' | 'f32';
  labels: SharedArrayBuffer | null;
  firstRow: number;
  out: SharedArrayBuffer;
}

/** Makes this worker's predictor; its workspace is allocated on the first call. */
export function createPoolPredict(spec: ModelSpec, kernels: Kernels, alloc: (n: number) => Float32Array, index: number, workers: number) {
  let ws: Workspace | null = null;
  let k: Kernels = kernels;
  const identity = new Uint32Array(PREDICT_ROWS);
  return (job: PredictJob, params: Float32Array, trainX: Uint8Array | Float32Array, trainLabels: Uint8Array): void => {
    if (!ws) {
      ws = createWorkspace(spec, PREDICT_ROWS, alloc);
      // The input's zeros are skipped as in training.
      k = withSparseFirstLayer(kernels, sparseInputBuffer(ws));
    }
    const x = job.x ? (job.xType === 'u8' ? new Uint8Array(job.x) : new Float32Array(job.x)) : trainX;
    const labels = job.labels ? new Uint8Array(job.labels) : trainLabels;
    const out = new Float32Array(job.out);
    const width = outputWidth(ws);
    const [lo, hi] = share(job.to - job.from, index, workers);
    for (let r = job.from + lo; r < job.from + hi; r += PREDICT_ROWS) {
      const rows = Math.min(PREDICT_ROWS, job.from + hi - r);
      for (let i = 0; i < rows; i++) identity[i] = r + i - job.firstRow;
      loadBatch(ws, x, labels, identity, 0, rows);
      out.set(forward(ws, params, rows, k).subarray(0, rows * width), (r - job.from) * width);
    }
  };
}

/** Bytes of a worker's region its predictor takes. */
export function predictRegionBytes(spec: ModelSpec): number {
  return 4 * workspaceFloats(spec, PREDICT_ROWS) + sparseFirstLayerBytes(spec, PREDICT_ROWS);
}
