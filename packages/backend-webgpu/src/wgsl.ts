/**
 * The WGSL kernels of a training step besides the GEMM (wgsl-gemm.ts): the
 * batch gather, the fused loss (output activation, loss, its gradient and
 * the running sum, in one dispatch), softmax for predictions, and one
 * optimizer dispatch over every parameter. Each is a small function of the
 * few things that shape it; sizes and offsets arrive in uniform buffers, so
 * one pipeline serves every layer.
 * @module
 */
import type { LossName } from '@dnn/nn';
import { derivativeExpr, type ElementwiseActivation } from './wgsl-activations.ts';

export const WORKGROUP = 64;

const ROWCOL = `struct Shape { rows: u32, cols: u32, off: u32, scale: f32 }`;

/** The binding declarations, numbered in order. */
const bind = (...vars: string[]) => vars.map((v, i) => `@group(0) @binding(${i}) var${v};`).join('\n');

/** An entry point with one thread per element i of a rows x cols block. */
const perElement = (body: string) => `@compute @workgroup_size(${WORKGROUP})
fn main(@builtin(global_invocation_id) id: vec3u, @builtin(num_workgroups) nw: vec3u) {
  // Large arrays are dispatched as x by y workgroups (each dimension is limited).
  let i = id.x + id.y * nw.x * ${WORKGROUP}u;
  if (i >= s.rows * s.cols) { return; }
  ${body}
}`;

/** An entry point with one thread per row r (starting at element o). */
const perRow = (body: string) => `@compute @workgroup_size(${WORKGROUP})
fn main(@builtin(global_invocation_id) id: vec3u) {
  let r = id.x;
  if (r >= s.rows) { return; }
  let o = r * s.cols;
  ${body}
}`;

/** Row-wise stable softmax of z into out (one thread per row), for predictions. */
export const SOFTMAX_WGSL = /* wgsl */ `
${ROWCOL}
${bind('<storage, read> z: array<f32>', '<storage, read_write> out: array<f32>', '<uniform> s: Shape')}
${perRow(`var mx = -3.4e38;
  for (var c = 0u; c < s.cols; c++) { mx = max(mx, z[o + c]); }
  var sum = 0.0;
  for (var c = 0u; c < s.cols; c++) { let e = exp(z[o + c] - mx); out[o + c] = e; sum += e; }
  for (var c = 0u; c < s.cols; c++) { out[o + c] = out[o + c] / sum; }`)}`;

/** WGSL statements: y[o..] = softmax(z[o..]) for one row. */
const softmaxRow = `var mx = -3.4e38;
    for (var c = 0u; c < s.cols; c++) { mx = max(mx, z[o + c]); }
    var sum = 0.0;
    for (var c = 0u; c < s.cols; c++) { let e = exp(z[o + c] - mx); y[o + c] = e; sum += e; }
    for (var c = 0u; c < s.cols; c++) { y[o + c] = y[o + c] / sum; }`;

/**
 * The loss in one dispatch (one workgroup; a batch has few rows of few
 * outputs): the output activation where it is row-wise (softmax; element-wise
 * ones ran in the GEMM's epilogue), each row's loss, the gradient with
 * respect to the output layer's pre-activation z, and the batch's loss
 * added to the running total. `s.off` holds the batch size (the mean's divisor).
 */
export function lossWgsl(loss: LossName, output: 'softmax' | ElementwiseActivation): string {
  const n = 'f32(s.off)';
  let body: string;
  if (loss === 'cross-entropy') {
    // Softmax then cross-entropy; the gradient with respect to the logits is p - onehot.
    body = `${softmaxRow}
    l = -log(max(y[o + t], 1e-30));
    for (var c = 0u; c < s.cols; c++) { g[o + c] = (y[o + c] - select(0.0, 1.0, c == t)) / ${n}; }`;
  } else if (output === 'softmax') {
    // Mean squared error through softmax's Jacobian: g = y (dy - sum(dy y)).
    body = `${softmaxRow}
    var dot = 0.0;
    for (var c = 0u; c < s.cols; c++) {
      let dlt = y[o + c] - select(0.0, 1.0, c == t);
      l += dlt * dlt / f32(s.cols);
      let dy = 2.0 * dlt / (f32(s.cols) * ${n});
      g[o + c] = dy;
      dot += dy * y[o + c];
    }
    for (var c = 0u; c < s.cols; c++) { g[o + c] = y[o + c] * (g[o + c] - dot); }`;
  } else {
    body = `for (var c = 0u; c < s.cols; c++) {
      let x = z[o + c];
      let yc = y[o + c];
      let dlt = yc - select(0.0, 1.0, c == t);
      l += dlt * dlt / f32(s.cols);
      g[o + c] = 2.0 * dlt / (f32(s.cols) * ${n}) * (${derivativeExpr(output).replace(/\by\b/g, 'yc')});
    }`;
  }
  return /* wgsl */ `
${ROWCOL}
${bind('<storage, read> z: array<f32>', '<storage, read_write> y: array<f32>', '<storage, read> labels: array<u32>', '<storage, read_write> g: array<f32>', '<storage, read_write> total: array<f32>', '<uniform> s: Shape')}
var<workgroup> part: array<f32, ${WORKGROUP}>;
@compute @workgroup_size(${WORKGROUP})
fn main(@builtin(local_invocation_id) lid: vec3u) {
  var acc = 0.0;
  for (var r = lid.x; r < s.rows; r += ${WORKGROUP}u) {
    let o = r * s.cols;
    let t = labels[r];
    var l = 0.0;
    ${body}
    acc += l;
  }
  part[lid.x] = acc;
  workgroupBarrier();
  for (var w = ${WORKGROUP / 2}u; w > 0u; w = w / 2u) {
    if (lid.x < w) { part[lid.x] += part[lid.x + w]; }
    workgroupBarrier();
  }
  if (lid.x == 0u) { total[0] += part[0]; }
  _ = z[0];
}`;
}

/** Where the gather reads rows from: bytes packed four to a u32 (scaled), or floats. */
export type GatherSource = 'bytes' | 'floats';

/**
 * The batch, gathered on the device: rows order[start + r] of the stored
 * data, as floats, and their labels (bytes, packed four to a u32).
 */
export function gatherWgsl(source: GatherSource): string {
  const read =
    source === 'bytes'
      ? 'fn feature(i: u32) -> f32 { return f32((data[i / 4u] >> ((i % 4u) * 8u)) & 255u) * s.scale; }'
      : 'fn feature(i: u32) -> f32 { return bitcast<f32>(data[i]) * s.scale; }';
  return /* wgsl */ `
${ROWCOL}
${STEP}
${bind('<storage, read> data: array<u32>', '<storage, read> labelBytes: array<u32>', '<storage, read> order: array<u32>', '<storage, read_write> x: array<f32>', '<storage, read_write> labels: array<u32>', '<uniform> s: Shape', '<uniform> step: Step')}
${read}
${perElement(`let r = i / s.cols;
  let c = i % s.cols;
  let row = order[step.start + r];
  x[i] = feature(row * s.cols + c);
  if (c == 0u) { labels[r] = (labelBytes[row / 4u] >> ((row % 4u) * 8u)) & 255u; }`)}`;
}

/** The per-step uniform: where the batch starts in the order, the step number, the learning rate and Adam's bias corrections. */
export const STEP = `struct Step { start: u32, t: u32, lr: f32, c1: f32, c2: f32, pad0: f32, pad1: f32, pad2: f32 }`;
/** Bytes of one Step. */
export const STEP_BYTES = 32;

/** One optimizer step over every parameter. */
export function optimizerWgsl(name: 'sgd' | 'momentum' | 'adam', momentum: number, b1: number, b2: number, eps: number): string {
  const update = {
    sgd: 'P[i] = P[i] - step.lr * g;',
    momentum: `let v = ${momentum} * S0[i] + g; S0[i] = v; P[i] = P[i] - step.lr * v;`,
    adam: `let m = ${b1} * S0[i] + ${1 - b1} * g; let v = ${b2} * S1[i] + ${1 - b2} * g * g; S0[i] = m; S1[i] = v;
  P[i] = P[i] - step.lr * (m * step.c1) / (sqrt(v * step.c2) + ${eps});`,
  }[name];
  return /* wgsl */ `
${STEP}
struct Count { n: u32, pad0: u32, pad1: u32, pad2: u32 }
@group(0) @binding(0) var<storage, read_write> P: array<f32>;
@group(0) @binding(1) var<storage, read> G: array<f32>;
@group(0) @binding(2) var<storage, read_write> S0: array<f32>;
@group(0) @binding(3) var<storage, read_write> S1: array<f32>;
@group(0) @binding(4) var<uniform> step: Step;
@group(0) @binding(5) var<uniform> count: Count;
@compute @workgroup_size(${WORKGROUP})
fn main(@builtin(global_invocation_id) id: vec3u, @builtin(num_workgroups) nw: vec3u) {
  let i = id.x + id.y * nw.x * ${WORKGROUP}u;
  if (i >= count.n) { return; }
  let g = G[i];
  // Every binding is used, so the automatic layout keeps them all whatever the optimizer.
  _ = S0[0];
  _ = S1[0];
  ${update}
}`;
}
