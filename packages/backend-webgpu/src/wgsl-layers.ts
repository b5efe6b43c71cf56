/**
 * The WGSL kernels a layer list needs besides the GEMM: im2col and its
 * adjoint (col2im) for convolution, the NCHW <-> channel-major copy of a
 * conv's output gradient, 2x2 max pooling, dropout and the element-wise
 * activations as layers. Every kernel is one thread per output element;
 * those that write an input gradient take an optional `gate`, the
 * derivative of an element-wise activation before the layer, so the
 * activation's own backward pass is folded into them. Sizes are constants
 * in the source (one pipeline per layer shape): the layers of a network are few.
 * @module
 */
import type { ActivationName } from '@dnn/nn';
import { STEP, WORKGROUP } from './wgsl.ts';
import { derivativeExpr, forwardExpr, type ElementwiseActivation } from './wgsl-activations.ts';

/** The derivative of an element-wise activation, read from its input X and output Y. */
export type Gate = ElementwiseActivation | null;

/** The conv sizes a kernel bakes in. */
export interface ConvShape {
  C: number;
  H: number;
  W: number;
  O: number;
  OH: number;
  OW: number;
  k: number;
  s: number;
  pad: number;
}

const u = (n: number) => `${n >>> 0}u`;

/** Bindings in order; `gate` appends the activation's X and Y (read-only) and `fn gate(i)`, its derivative there. */
function header(vars: string[], gate: Gate): string {
  const all = gate ? [...vars, '<storage, read> GX: array<f32>', '<storage, read> GY: array<f32>'] : vars;
  const decls = all.map((v, i) => `@group(0) @binding(${i}) var${v};`).join('\n');
  // Both read (as lets), so the automatic layout keeps both bindings whatever the derivative uses.
  return gate ? `${decls}\nfn gate(i: u32) -> f32 { let x = GX[i]; let y = GY[i]; return ${derivativeExpr(gate)}; }` : decls;
}

/** WGSL: `v` times the gate's derivative at element `i` (or `v`). */
const gated = (gate: Gate, v: string, i: string) => (gate ? `(${v}) * gate(${i})` : v);

/** An entry point over `count` elements (count in the uniform `n`, so a pipeline serves every batch size). */
const perElement = (body: string) => `struct Count { n: u32, pad0: u32, pad1: u32, pad2: u32 }
@compute @workgroup_size(${WORKGROUP})
fn main(@builtin(global_invocation_id) id: vec3u, @builtin(num_workgroups) nw: vec3u) {
  let i = id.x + id.y * nw.x * ${WORKGROUP}u;
  if (i >= count.n) { return; }
  ${body}
}`;

/** col[(c k + ky) k + kx, r P + oy OW + ox] = x[r, c, oy s + ky - pad, ox s + kx - pad] (0 outside); `count.n` = C k k x rows P. */
export function im2colWgsl(g: ConvShape): string {
  const P = g.OH * g.OW;
  return /* wgsl */ `
${header(['<storage, read> X: array<f32>', '<storage, read_write> col: array<f32>', '<uniform> count: Count'], null)}
${perElement(`let N = count.n / ${u(g.C * g.k * g.k)};
  let q = i / N;
  let j = i % N;
  let c = q / ${u(g.k * g.k)};
  let ky = i32((q / ${u(g.k)}) % ${u(g.k)});
  let kx = i32(q % ${u(g.k)});
  let r = j / ${u(P)};
  let pix = j % ${u(P)};
  let iy = i32(pix / ${u(g.OW)}) * ${g.s} + ky - ${g.pad};
  let ix = i32(pix % ${u(g.OW)}) * ${g.s} + kx - ${g.pad};
  var v = 0.0;
  if (iy >= 0 && iy < ${g.H} && ix >= 0 && ix < ${g.W}) { v = X[((r * ${u(g.C)} + c) * ${u(g.H)} + u32(iy)) * ${u(g.W)} + u32(ix)]; }
  col[i] = v;`)}`;
}

/** The adjoint of im2col, one thread per input element (a gather: no two threads write one place); `count.n` = rows C H W. */
export function col2imWgsl(g: ConvShape, gate: Gate): string {
  const P = g.OH * g.OW;
  return /* wgsl */ `
${header(['<storage, read> dcol: array<f32>', '<storage, read_write> DX: array<f32>', '<uniform> count: Count'], gate)}
${perElement(`let N = (count.n / ${u(g.C * g.H * g.W)}) * ${u(P)};
  let ix = i32(i % ${u(g.W)});
  let iy = i32((i / ${u(g.W)}) % ${u(g.H)});
  let c = (i / ${u(g.H * g.W)}) % ${u(g.C)};
  let r = i / ${u(g.C * g.H * g.W)};
  var sum = 0.0;
  for (var ky = 0; ky < ${g.k}; ky++) {
    let ny = iy + ${g.pad} - ky;
    if (ny < 0 || ny % ${g.s} != 0 || ny / ${g.s} >= ${g.OH}) { continue; }
    for (var kx = 0; kx < ${g.k}; kx++) {
      let nx = ix + ${g.pad} - kx;
      if (nx < 0 || nx % ${g.s} != 0 || nx / ${g.s} >= ${g.OW}) { continue; }
      let q = (c * ${u(g.k)} + u32(ky)) * ${u(g.k)} + u32(kx);
      sum += dcol[q * N + r * ${u(P)} + u32(ny / ${g.s}) * ${u(g.OW)} + u32(nx / ${g.s})];
    }
  }
  DX[i] = ${gated(gate, 'sum', 'i')};`)}`;
}

/** t[o, r P + p] = dy[r, o, p]: a conv's output gradient, channel-major for the GEMMs; `count.n` = rows O P. */
export function toChannelMajorWgsl(O: number, P: number): string {
  return /* wgsl */ `
${header(['<storage, read> DY: array<f32>', '<storage, read_write> T: array<f32>', '<uniform> count: Count'], null)}
${perElement(`let N = count.n / ${u(O)};
  let o = i / N;
  let j = i % N;
  T[i] = DY[((j / ${u(P)}) * ${u(O)} + o) * ${u(P)} + j % ${u(P)}];`)}`;
}

/** 2x2 max pooling, stride 2, NCHW (odd edges dropped); the same comparisons as the CPU's, so ties go the same way. `count.n` = rows C OH OW. */
export function maxpoolWgsl(H: number, W: number): string {
  const OH = Math.floor(H / 2);
  const OW = Math.floor(W / 2);
  return /* wgsl */ `
${header(['<storage, read> X: array<f32>', '<storage, read_write> Y: array<f32>', '<uniform> count: Count'], null)}
${perElement(`let rc = i / ${u(OH * OW)};
  let oy = (i / ${u(OW)}) % ${u(OH)};
  let ox = i % ${u(OW)};
  let at = rc * ${u(H * W)} + 2u * oy * ${u(W)} + 2u * ox;
  let a = X[at];
  let b = X[at + 1u];
  let c = X[at + ${u(W)}];
  let d = X[at + ${u(W + 1)}];
  let ab = select(a, b, b > a);
  let cd = select(c, d, d > c);
  Y[i] = select(ab, cd, cd > ab);`)}`;
}

/** Max pooling's gradient, one thread per input element: dy of its window when it is the window's first maximum, else 0. `count.n` = rows C H W. */
export function maxpoolBackwardWgsl(H: number, W: number, gate: Gate): string {
  const OH = Math.floor(H / 2);
  const OW = Math.floor(W / 2);
  return /* wgsl */ `
${header(['<storage, read> X: array<f32>', '<storage, read> DY: array<f32>', '<storage, read_write> DX: array<f32>', '<uniform> count: Count'], gate)}
${perElement(`let ix = i % ${u(W)};
  let iy = (i / ${u(W)}) % ${u(H)};
  let rc = i / ${u(H * W)};
  var g = 0.0;
  let oy = iy / 2u;
  let ox = ix / 2u;
  if (oy < ${u(OH)} && ox < ${u(OW)}) {
    let at = rc * ${u(H * W)} + 2u * oy * ${u(W)} + 2u * ox;
    var best = at;
    if (X[at + 1u] > X[best]) { best = at + 1u; }
    if (X[at + ${u(W)}] > X[best]) { best = at + ${u(W)}; }
    if (X[at + ${u(W + 1)}] > X[best]) { best = at + ${u(W + 1)}; }
    if (best == i) { g = DY[(rc * ${u(OH)} + oy) * ${u(OW)} + ox]; }
  }
  DX[i] = ${gated(gate, 'g', 'i')};`)}`;
}

/** The same 32-bit finaliser as @dnn/nn's dropout (lowbias32), in u32 arithmetic. */
const MIX = `fn mix(v: u32) -> u32 {
  var h = v;
  h ^= h >> 16u;
  h *= 0x7feb352du;
  h ^= h >> 15u;
  h *= 0x846ca68bu;
  h ^= h >> 16u;
  return h;
}`;

/**
 * Inverted dropout, forward (src = x) or backward (src = dy), with the mask
 * of @dnn/nn's `dropoutKeeps`: hash(seed, step, layer, index in the batch)
 * >= rate 2^32. The step number comes from the per-step uniform.
 */
export function dropoutWgsl(seed: number, layer: number, rate: number, gate: Gate): string {
  const threshold = Math.ceil(rate * 4294967296);
  // A u32 at least rate 2^32 is what the CPU keeps; no u32 reaches 2^32.
  const keep = threshold >= 4294967296 ? 'false' : `mix(mix(mix(mix(${u(seed)}) ^ step.t) ^ ${u(layer)}) ^ i) >= ${u(threshold)}`;
  return /* wgsl */ `
${STEP}
${header(['<storage, read> SRC: array<f32>', '<storage, read_write> DST: array<f32>', '<uniform> count: Count', '<uniform> step: Step'], gate)}
${MIX}
${perElement(`_ = step.t;
  var v = 0.0;
  if (${keep}) { v = SRC[i] * ${(1 / (1 - rate)).toPrecision(9)}; }
  DST[i] = ${gated(gate, 'v', 'i')};`)}`;
}

/** A copy (dropout at inference, and flatten where buffers cannot be shared). */
export const COPY_WGSL = /* wgsl */ `
${header(['<storage, read> SRC: array<f32>', '<storage, read_write> DST: array<f32>', '<uniform> count: Count'], null)}
${perElement('DST[i] = SRC[i];')}`;

/** An element-wise activation as a layer: Y = f(X). */
export function activationWgsl(act: ElementwiseActivation): string {
  return /* wgsl */ `
${header(['<storage, read> X: array<f32>', '<storage, read_write> Y: array<f32>', '<uniform> count: Count'], null)}
${perElement(`let x = X[i]; Y[i] = ${forwardExpr(act)};`)}`;
}

/** Its backward: DX = DY f'(X, Y), times the gate of an activation before it. */
export function activationBackwardWgsl(act: ElementwiseActivation, gate: Gate): string {
  return /* wgsl */ `
${header(['<storage, read> X: array<f32>', '<storage, read> Y: array<f32>', '<storage, read> DY: array<f32>', '<storage, read_write> DX: array<f32>', '<uniform> count: Count'], gate)}
${perElement(`let x = X[i]; let y = Y[i]; DX[i] = ${gated(gate, `DY[i] * (${derivativeExpr(act)})`, 'i')};`)}`;
}

/** Whether an activation works element by element (all but softmax). */
export const isElementwise = (kind: string): kind is ElementwiseActivation => kind !== 'softmax' && ACTIVATION_SET.has(kind);
const ACTIVATION_SET = new Set<string>(['linear', 'sigmoid', 'tanh', 'lecun-tanh', 'relu', 'leaky-relu', 'elu', 'softplus'] satisfies ActivationName[]);

/**
 * Adds up split-K's partial [m, n + 1] blocks of a weight gradient: column
 * n is the bias's. Writes the weight [m, n] at `offW` and the bias at `offB`
 * of G. One thread per (row, column).
 */
export const SPLIT_SUM_WGSL = /* wgsl */ `
struct Sum { m: u32, n: u32, offW: u32, offB: u32, splits: u32, pad0: u32, pad1: u32, pad2: u32 }
@group(0) @binding(0) var<storage, read> part: array<f32>;
@group(0) @binding(1) var<storage, read_write> G: array<f32>;
@group(0) @binding(2) var<uniform> s: Sum;
@compute @workgroup_size(${WORKGROUP})
fn main(@builtin(global_invocation_id) id: vec3u, @builtin(num_workgroups) nw: vec3u) {
  let i = id.x + id.y * nw.x * ${WORKGROUP}u;
  let w = s.n + 1u;
  if (i >= s.m * w) { return; }
  var sum = 0.0;
  for (var z = 0u; z < s.splits; z++) { sum += part[z * s.m * w + i]; }
  let row = i / w;
  let col = i % w;
  if (col < s.n) { G[s.offW + row * s.n + col] = sum; } else { G[s.offB + row] = sum; }
}`;
