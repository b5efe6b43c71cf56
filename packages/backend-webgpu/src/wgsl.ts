/**
 * The WGSL kernels of a training step. Each is a small function of the few
 * numbers that shape it (tile size, activation); sizes and offsets arrive in
 * a uniform buffer, so one pipeline serves every layer.
 * @module
 */
import type { ActivationName } from '@dnn/nn';

/** WGSL expression of y = f(z) for element-wise activations (x is the input). */
const FORWARD: Record<Exclude<ActivationName, 'softmax'>, string> = {
  linear: 'x',
  sigmoid: '1.0 / (1.0 + exp(-x))',
  tanh: 'tanh(x)',
  'lecun-tanh': '1.7159 * tanh(0.6666666666666666 * x)',
  relu: 'select(select(0.0, x, x > 0.0), x, x != x)',
  'leaky-relu': 'select(0.01 * x, x, x > 0.0)',
  elu: 'select(exp(x) - 1.0, x, x > 0.0)',
  softplus: 'max(x, 0.0) + log(1.0 + exp(-abs(x)))',
};

/** WGSL expression of f'(z) given x = z and y = f(z). */
const DERIVATIVE: Record<Exclude<ActivationName, 'softmax'>, string> = {
  linear: '1.0',
  sigmoid: 'y * (1.0 - y)',
  tanh: '1.0 - y * y',
  'lecun-tanh': '1.7159 * 0.6666666666666666 * (1.0 - tanh(0.6666666666666666 * x) * tanh(0.6666666666666666 * x))',
  relu: 'select(0.0, 1.0, x > 0.0)',
  'leaky-relu': 'select(0.01, 1.0, x > 0.0)',
  elu: 'select(y + 1.0, 1.0, x > 0.0)',
  softplus: '1.0 / (1.0 + exp(-x))',
};

export const WORKGROUP = 64;

/** C = alpha op(A) op(B) + beta C with square tiles in workgroup memory. */
export function gemmWgsl(tile: number): string {
  return /* wgsl */ `
struct Dims { m: u32, n: u32, k: u32, offA: u32, offB: u32, offC: u32, transA: u32, transB: u32, alpha: f32, beta: f32 }
@group(0) @binding(0) var<storage, read> A: array<f32>;
@group(0) @binding(1) var<storage, read> B: array<f32>;
@group(0) @binding(2) var<storage, read_write> C: array<f32>;
@group(0) @binding(3) var<uniform> d: Dims;
var<workgroup> ta: array<f32, ${tile * tile}>;
var<workgroup> tb: array<f32, ${tile * tile}>;
fn a(i: u32, p: u32) -> f32 {
  if (i >= d.m || p >= d.k) { return 0.0; }
  if (d.transA == 1u) { return A[d.offA + p * d.m + i]; }
  return A[d.offA + i * d.k + p];
}
fn b(p: u32, j: u32) -> f32 {
  if (p >= d.k || j >= d.n) { return 0.0; }
  if (d.transB == 1u) { return B[d.offB + j * d.k + p]; }
  return B[d.offB + p * d.n + j];
}
@compute @workgroup_size(${tile}, ${tile})
fn main(@builtin(workgroup_id) wg: vec3u, @builtin(local_invocation_id) lid: vec3u) {
  let row = wg.y * ${tile}u + lid.y;
  let col = wg.x * ${tile}u + lid.x;
  var sum = 0.0;
  for (var p0 = 0u; p0 < d.k; p0 += ${tile}u) {
    ta[lid.y * ${tile}u + lid.x] = a(row, p0 + lid.x);
    tb[lid.y * ${tile}u + lid.x] = b(p0 + lid.y, col);
    workgroupBarrier();
    for (var q = 0u; q < ${tile}u; q++) { sum += ta[lid.y * ${tile}u + q] * tb[q * ${tile}u + lid.x]; }
    workgroupBarrier();
  }
  if (row < d.m && col < d.n) {
    let o = d.offC + row * d.n + col;
    if (d.beta == 0.0) { C[o] = d.alpha * sum; } else { C[o] = d.alpha * sum + d.beta * C[o]; }
  }
}`;
}

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

/** z += bias (from the parameters at off), then a = f(z); softmax is its own kernel. */
export function biasActivationWgsl(act: ActivationName): string {
  const f = act === 'softmax' ? 'x' : FORWARD[act];
  return /* wgsl */ `
${ROWCOL}
${bind('<storage, read_write> z: array<f32>', '<storage, read> P: array<f32>', '<storage, read_write> out: array<f32>', '<uniform> s: Shape')}
${perElement(`let x = z[i] + P[s.off + i % s.cols];
  z[i] = x;
  out[i] = ${f};`)}`;
}

/** Row-wise stable softmax of z into out (one thread per row). */
export const SOFTMAX_WGSL = /* wgsl */ `
${ROWCOL}
${bind('<storage, read> z: array<f32>', '<storage, read_write> out: array<f32>', '<uniform> s: Shape')}
${perRow(`var mx = -3.4e38;
  for (var c = 0u; c < s.cols; c++) { mx = max(mx, z[o + c]); }
  var sum = 0.0;
  for (var c = 0u; c < s.cols; c++) { let e = exp(z[o + c] - mx); out[o + c] = e; sum += e; }
  for (var c = 0u; c < s.cols; c++) { out[o + c] = out[o + c] / sum; }`)}`;

/** dz = f'(z) * dy, in place in g (z and y the layer's pre-activation and output). */
export function activationBackwardWgsl(act: Exclude<ActivationName, 'softmax'>): string {
  return /* wgsl */ `
${ROWCOL}
${bind('<storage, read> z: array<f32>', '<storage, read> yv: array<f32>', '<storage, read_write> g: array<f32>', '<uniform> s: Shape')}
${perElement(`let x = z[i];
  let y = yv[i];
  g[i] = g[i] * (${DERIVATIVE[act]});`)}`;
}

/** Softmax backward through its Jacobian, row by row: g = y (g - sum(g y)). */
export const SOFTMAX_BACKWARD_WGSL = /* wgsl */ `
${ROWCOL}
${bind('<storage, read> yv: array<f32>', '<storage, read_write> g: array<f32>', '<uniform> s: Shape')}
${perRow(`var dot = 0.0;
  for (var c = 0u; c < s.cols; c++) { dot += g[o + c] * yv[o + c]; }
  for (var c = 0u; c < s.cols; c++) { g[o + c] = yv[o + c] * (g[o + c] - dot); }`)}`;

/**
 * The loss of each row and its gradient for a batch of `s.off` rows (the
 * mean's divisor): cross-entropy from softmax outputs (gradient with respect
 * to the logits, p - onehot), or mean squared error (gradient with respect
 * to the outputs).
 */
export function lossWgsl(loss: 'cross-entropy' | 'mse'): string {
  const body =
    loss === 'cross-entropy'
      ? `rowLoss[r] = -log(max(y[o + t], 1e-30));
  for (var c = 0u; c < s.cols; c++) { g[o + c] = (y[o + c] - select(0.0, 1.0, c == t)) / f32(s.off); }`
      : `var l = 0.0;
  for (var c = 0u; c < s.cols; c++) {
    let dlt = y[o + c] - select(0.0, 1.0, c == t);
    l += dlt * dlt / f32(s.cols);
    g[o + c] = 2.0 * dlt / (f32(s.cols) * f32(s.off));
  }
  rowLoss[r] = l;`;
  return /* wgsl */ `
${ROWCOL}
${bind('<storage, read> y: array<f32>', '<storage, read> labels: array<u32>', '<storage, read_write> g: array<f32>', '<storage, read_write> rowLoss: array<f32>', '<uniform> s: Shape')}
${perRow(`let t = labels[r];
  ${body}`)}`;
}

/** Adds the batch's row losses to the running sum (one thread: a handful of rows). */
export const ACCUMULATE_WGSL = /* wgsl */ `
${ROWCOL}
@group(0) @binding(0) var<storage, read> rowLoss: array<f32>;
@group(0) @binding(1) var<storage, read_write> total: array<f32>;
@group(0) @binding(2) var<uniform> s: Shape;
@compute @workgroup_size(1)
fn main() {
  var sum = 0.0;
  for (var r = 0u; r < s.rows; r++) { sum += rowLoss[r]; }
  total[0] += sum;
}`;

/** Bias gradient: G[off + c] = sum over rows of g[r, c]. */
export const SUM_ROWS_WGSL = /* wgsl */ `
${ROWCOL}
@group(0) @binding(0) var<storage, read> g: array<f32>;
@group(0) @binding(1) var<storage, read_write> G: array<f32>;
@group(0) @binding(2) var<uniform> s: Shape;
@compute @workgroup_size(${WORKGROUP})
fn main(@builtin(global_invocation_id) id: vec3u) {
  let c = id.x;
  if (c >= s.cols) { return; }
  var sum = 0.0;
  for (var r = 0u; r < s.rows; r++) { sum += g[r * s.cols + c]; }
  G[s.off + c] = sum;
}`;

/**
 * The batch, gathered on the device: rows order[start + r] of the stored
 * bytes (packed four to a u32), scaled to floats, and their labels.
 */
export const GATHER_WGSL = /* wgsl */ `
${ROWCOL}
struct Step { start: u32, t: u32, lr: f32, c1: f32, c2: f32, pad0: f32, pad1: f32, pad2: f32 }
${bind('<storage, read> data: array<u32>', '<storage, read> labelBytes: array<u32>', '<storage, read> order: array<u32>', '<storage, read_write> x: array<f32>', '<storage, read_write> labels: array<u32>', '<uniform> s: Shape', '<uniform> step: Step')}
fn byteAt(i: u32) -> u32 { return (data[i / 4u] >> ((i % 4u) * 8u)) & 255u; }
${perElement(`let r = i / s.cols;
  let c = i % s.cols;
  let row = order[step.start + r];
  x[i] = f32(byteAt(row * s.cols + c)) * s.scale;
  if (c == 0u) { labels[r] = (labelBytes[row / 4u] >> ((row % 4u) * 8u)) & 255u; }`)}`;

/** One optimizer step over every parameter. */
export function optimizerWgsl(name: 'sgd' | 'momentum' | 'adam', momentum: number, b1: number, b2: number, eps: number): string {
  const update = {
    sgd: 'P[i] = P[i] - step.lr * g;',
    momentum: `let v = ${momentum} * S0[i] + g; S0[i] = v; P[i] = P[i] - step.lr * v;`,
    adam: `let m = ${b1} * S0[i] + ${1 - b1} * g; let v = ${b2} * S1[i] + ${1 - b2} * g * g; S0[i] = m; S1[i] = v;
  P[i] = P[i] - step.lr * (m * step.c1) / (sqrt(v * step.c2) + ${eps});`,
  }[name];
  return /* wgsl */ `
struct Step { start: u32, t: u32, lr: f32, c1: f32, c2: f32, pad0: f32, pad1: f32, pad2: f32 }
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
