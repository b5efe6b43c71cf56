/**
 * The GEMM kernel generator: C = op(A) op(B), register-tiled. A workgroup of
 * wgX x wgY threads computes a BM x BN block of C (BM = wgY tm, BN = wgX tn);
 * it stages BK-deep slices of A and B in workgroup memory (vec4 loads from
 * global memory when the contiguous dimension and offset are multiples of
 * four) and each thread keeps its tm x tn outputs in registers. Threads own
 * interleaved rows and columns (stride wgY, wgX), so workgroup-memory reads
 * and global writes are contiguous across neighbouring threads.
 *
 * The epilogue is fused: plain store; bias plus activation (forward); times
 * the activation's derivative (backward); or the weight gradient with the
 * bias gradient as one extra column of ones in B (C's column n goes to the
 * bias slot).
 * @module
 */
import { derivativeExpr, forwardExpr, type ElementwiseActivation } from './wgsl-activations.ts';

export interface GemmTile {
  wgX: number;
  wgY: number;
  tm: number;
  tn: number;
  bk: number;
}

export type GemmEpilogue =
  | { kind: 'store' }
  /** C = Z = acc + bias (bias at offBias in B's buffer); binding 4 gets Y = f(Z). */
  | { kind: 'bias-activation'; act: ElementwiseActivation }
  /** C = acc + bias (bias at offBias in B's buffer). */
  | { kind: 'bias' }
  /** C = acc f'(x, y), with x and y read from bindings 4 and 5. */
  | { kind: 'activation-backward'; act: ElementwiseActivation }
  /** B gains a column of ones: C[:, 0..n) = acc, and column n goes to offBias (the bias gradient). */
  | { kind: 'weight-and-bias-grad' };

export interface GemmKernel {
  transA: boolean;
  transB: boolean;
  /** vec4 loads of A / B (the caller checks the alignment: see `canVec4`). */
  vecA: boolean;
  vecB: boolean;
  tile: GemmTile;
  epilogue: GemmEpilogue;
  /**
   * Set for a convolution's forward product (rows = images x P pixels,
   * columns = channels, P in the uniform's last word): C is stored as NCHW
   * images, element (row, col) at ((row / P) n + col) P + row % P.
   */
  nchw?: boolean;
  /**
   * Split-K, for the weight gradient of a convolution (depth = every pixel
   * of the batch, outputs few): workgroup z sums depths [z P, z P + P) (P
   * in the uniform's last word) and, with the 'weight-and-bias-grad'
   * epilogue, writes its partial [m, n + 1] block at offC + z m (n + 1);
   * a second kernel adds the blocks up.
   */
  splitK?: boolean;
}

/** Words of the uniform a GEMM reads: m, n, k, offA, offB, offC, offBias, and the plane size of an NCHW output (else unused). */
export const GEMM_DIMS = `struct Dims { m: u32, n: u32, k: u32, offA: u32, offB: u32, offC: u32, offBias: u32, pad: u32 }`;

/** Whether A (or B) can be read four floats at a time: its contiguous dimension and offset are multiples of four. */
export function canVec4(contiguous: number, offset: number): boolean {
  return contiguous % 4 === 0 && offset % 4 === 0;
}

export interface GemmTiles {
  /** For big products: 8x8 outputs per thread (the classic float32 SGEMM shape). */
  xl: GemmTile;
  large: GemmTile;
  /** For small outputs, where more workgroups beat more work per thread. */
  small: GemmTile;
  /**
   * One output per thread, 8x8 threads: slow to run, but a software adapter's shader compiler (llvmpipe) builds it in
   * a fraction of a second where the others take a minute each. Never chosen by size: only when asked for (`gemmTile`).
   */
  tiny: GemmTile;
}

/** The tile shapes that fit the adapter's limits. Not yet tuned on a GPU: the first GPU run says which wins where. */
export function gemmTiles(maxInvocations: number, maxWorkgroupBytes: number): GemmTiles {
  // 256 threads where allowed; the compatibility level's 128 get taller per-thread blocks.
  const wide = maxInvocations >= 256;
  const tiles: GemmTiles = wide
    ? { xl: { wgX: 16, wgY: 16, tm: 8, tn: 8, bk: 8 }, large: { wgX: 16, wgY: 16, tm: 4, tn: 4, bk: 16 }, small: { wgX: 16, wgY: 16, tm: 2, tn: 2, bk: 16 }, tiny: { wgX: 8, wgY: 8, tm: 1, tn: 1, bk: 8 } }
    : { xl: { wgX: 16, wgY: 8, tm: 8, tn: 8, bk: 8 }, large: { wgX: 16, wgY: 8, tm: 8, tn: 4, bk: 16 }, small: { wgX: 16, wgY: 8, tm: 4, tn: 2, bk: 16 }, tiny: { wgX: 8, wgY: 8, tm: 1, tn: 1, bk: 8 } };
  for (const t of Object.values(tiles)) {
    while (t.bk > 4 && t.bk * (t.wgY * t.tm + t.wgX * t.tn) * 4 > maxWorkgroupBytes) t.bk /= 2;
  }
  return tiles;
}

/** The biggest tile that still gives at least 256 workgroups (two per multiprocessor on the largest GPUs), else the small one. */
export function pickTile(tiles: GemmTiles, m: number, n: number): GemmTile {
  const groups = (t: GemmTile) => Math.ceil(m / (t.wgY * t.tm)) * Math.ceil(n / (t.wgX * t.tn));
  return [tiles.xl, tiles.large].find((t) => groups(t) >= 256) ?? tiles.small;
}

/** Workgroups for an m x n output (n + 1 columns with the bias column). */
export function gemmGroups(k: GemmKernel, m: number, n: number): [number, number] {
  const cols = k.epilogue.kind === 'weight-and-bias-grad' ? n + 1 : n;
  return [Math.ceil(cols / (k.tile.wgX * k.tile.tn)), Math.ceil(m / (k.tile.wgY * k.tile.tm))];
}

const range = (n: number) => Array.from({ length: n }, (_, i) => i);

/** Cooperative load of a BM x BK (or BK x BN) slice into workgroup memory, as [kk][mm]. */
function tileLoad(o: {
  name: 'A' | 'B';
  shared: string;
  /** Rows of the tile (BM or BN) and depth BK. */
  span: number;
  bk: number;
  threads: number;
  /** Whether the stored matrix is contiguous along k (A not transposed, B transposed). */
  alongK: boolean;
  vec: boolean;
  /** WGSL: the element (row i of the span, depth p) of the stored matrix, as an index, and its bound check. */
  index: (i: string, p: string) => string;
  inBounds: (i: string, p: string) => string;
  /** WGSL for a vec4 at (i, p) that is out of bounds (zero, or the ones column). */
  outside: (i: string, p: string) => string;
  /** The scalar at (i, p) that is out of bounds. */
  outsideScalar: (i: string, p: string) => string;
}): string {
  const { span, bk, threads } = o;
  const items = (span * bk) / (o.vec ? 4 : 1);
  const loops = Math.ceil(items / threads);
  const guard = items % threads === 0 ? '' : `if (e >= ${items}u) { break; }`;
  let body: string;
  if (!o.vec) {
    // Consecutive threads read consecutive addresses of the stored matrix.
    const [ii, pp] = o.alongK ? [`e / ${bk}u`, `e % ${bk}u`] : [`e % ${span}u`, `e / ${span}u`];
    body = `let i = ${ii}; let p = ${pp};
      let gi = i0 + i; let gp = p0 + p;
      var v = ${o.outsideScalar('gi', 'gp')};
      if (${o.inBounds('gi', 'gp')}) { v = ${o.name}[${o.index('gi', 'gp')}]; }
      ${o.shared}[p * ${span}u + i] = v;`;
  } else if (o.alongK) {
    body = `let i = e / ${bk / 4}u; let p = (e % ${bk / 4}u) * 4u;
      let gi = i0 + i; let gp = p0 + p;
      var v = ${o.outside('gi', 'gp')};
      if (${o.inBounds('gi', 'gp')}) { v = ${o.name}[(${o.index('gi', 'gp')}) / 4u]; }
      ${range(4).map((q) => `${o.shared}[(p + ${q}u) * ${span}u + i] = v[${q}];`).join(' ')}`;
  } else {
    body = `let i = (e % ${span / 4}u) * 4u; let p = e / ${span / 4}u;
      let gi = i0 + i; let gp = p0 + p;
      var v = ${o.outside('gi', 'gp')};
      if (${o.inBounds('gi', 'gp')}) { v = ${o.name}[(${o.index('gi', 'gp')}) / 4u]; }
      ${range(4).map((q) => `${o.shared}[p * ${span}u + i + ${q}u] = v[${q}];`).join(' ')}`;
  }
  return `for (var l = 0u; l < ${loops}u; l++) {
      let e = l * ${threads}u + tid;
      ${guard}
      ${body}
    }`;
}

/** WGSL source of one GEMM variant. */
export function gemmWgsl(k: GemmKernel): string {
  const { wgX, wgY, tm, tn, bk } = k.tile;
  const BM = wgY * tm;
  const BN = wgX * tn;
  const threads = wgX * wgY;
  const ep = k.epilogue;
  // The depth range this workgroup sums.
  const kEnd = k.splitK ? 'kEnd' : 'd.k';
  const onesColumn = ep.kind === 'weight-and-bias-grad';
  const elem = (vec: boolean) => (vec ? 'vec4<f32>' : 'f32');
  const extra =
    ep.kind === 'bias-activation'
      ? '@group(0) @binding(4) var<storage, read_write> Y: array<f32>;'
      : ep.kind === 'activation-backward'
        ? '@group(0) @binding(4) var<storage, read> X: array<f32>;\n@group(0) @binding(5) var<storage, read> Y: array<f32>;'
        : '';
  // Element i of the stored A (rows of C) at depth p; B by column j at depth p.
  const loadA = tileLoad({
    name: 'A',
    shared: 'As',
    span: BM,
    bk,
    threads,
    alongK: !k.transA,
    vec: k.vecA,
    index: (i, p) => (k.transA ? `d.offA + ${p} * d.m + ${i}` : `d.offA + ${i} * d.k + ${p}`),
    inBounds: (i, p) => `${i} < d.m && ${p} < ${kEnd}`,
    outside: () => 'vec4<f32>(0.0)',
    outsideScalar: () => '0.0',
  });
  const loadB = tileLoad({
    name: 'B',
    shared: 'Bs',
    span: BN,
    bk,
    threads,
    alongK: k.transB,
    vec: k.vecB,
    index: (j, p) => (k.transB ? `d.offB + ${j} * d.k + ${p}` : `d.offB + ${p} * d.n + ${j}`),
    inBounds: (j, p) => `${j} < d.n && ${p} < ${kEnd}`,
    // The ones column sits at j = n (aligned when vec4 loads are used, since n is then a multiple of 4).
    // Read along k (B transposed), the four values all belong to the ones column.
    outside: (j, p) => (onesColumn ? `select(vec4<f32>(0.0), vec4<f32>(${k.transB ? '1.0' : '1.0, 0.0, 0.0, 0.0'}), ${j} == d.n && ${p} < ${kEnd})` : 'vec4<f32>(0.0)'),
    outsideScalar: (j, p) => (onesColumn ? `select(0.0, 1.0, ${j} == d.n && ${p} < ${kEnd})` : '0.0'),
  });
  const acc = (i: number, j: number) => `c${i}_${j}`;
  const scalarAt = (buf: string, vec: boolean, idx: string) => (vec ? `${buf}[(${idx}) / 4u][(${idx}) % 4u]` : `${buf}[${idx}]`);
  const store = (i: number, j: number): string => {
    const v = acc(i, j);
    switch (ep.kind) {
      case 'store':
        return `C[o] = ${v};`;
      case 'bias-activation':
        return `let x = ${v} + ${scalarAt('B', k.vecB, 'd.offBias + col')}; C[o] = x; Y[o] = ${forwardExpr(ep.act)};`;
      case 'bias':
        return `C[o] = ${v} + ${scalarAt('B', k.vecB, 'd.offBias + col')};`;
      case 'activation-backward':
        return `let x = X[o]; let y = Y[o]; C[o] = ${v} * (${derivativeExpr(ep.act)});`;
      case 'weight-and-bias-grad':
        return `C[o] = ${v};`;
    }
  };
  const epilogue = range(tm)
    .flatMap((i) =>
      range(tn).map((j) => {
        const rc = `let row = r0 + ${i * wgY}u; let col = c0 + ${j * wgX}u;`;
        if (onesColumn && k.splitK) {
          return `{ ${rc} if (row < d.m && col <= d.n) { C[d.offC + (wg.z * d.m + row) * (d.n + 1u) + col] = ${acc(i, j)}; } }`;
        }
        if (onesColumn) {
          return `{ ${rc} if (row < d.m) { if (col < d.n) { let o = d.offC + row * d.n + col; ${store(i, j)} } else if (col == d.n) { C[d.offBias + row] = ${acc(i, j)}; } } }`;
        }
        const o = k.nchw ? 'd.offC + ((row / d.pad) * d.n + col) * d.pad + row % d.pad' : 'd.offC + row * d.n + col';
        return `{ ${rc} if (row < d.m && col < d.n) { let o = ${o}; ${store(i, j)} } }`;
      }),
    )
    .join('\n  ');
  return /* wgsl */ `
${GEMM_DIMS}
@group(0) @binding(0) var<storage, read> A: array<${elem(k.vecA)}>;
@group(0) @binding(1) var<storage, read> B: array<${elem(k.vecB)}>;
@group(0) @binding(2) var<storage, read_write> C: array<f32>;
@group(0) @binding(3) var<uniform> d: Dims;
${extra}
var<workgroup> As: array<f32, ${bk * BM}>;
var<workgroup> Bs: array<f32, ${bk * BN}>;
@compute @workgroup_size(${wgX}, ${wgY})
fn main(@builtin(workgroup_id) wg: vec3u, @builtin(local_invocation_id) lid: vec3u) {
  let tid = lid.y * ${wgX}u + lid.x;
  let m0 = wg.y * ${BM}u;
  let n0 = wg.x * ${BN}u;
  let r0 = m0 + lid.y;
  let c0 = n0 + lid.x;
  ${range(tm)
    .flatMap((i) => range(tn).map((j) => `var ${acc(i, j)} = 0.0;`))
    .join(' ')}
  ${k.splitK ? 'let kBegin = wg.z * d.pad; let kEnd = min(d.k, kBegin + d.pad); ' : ''}for (var p0 = ${k.splitK ? 'kBegin' : '0u'}; p0 < ${kEnd}; p0 += ${bk}u) {
    { let i0 = m0; ${loadA} }
    { let i0 = n0; ${loadB} }
    workgroupBarrier();
    for (var kk = 0u; kk < ${bk}u; kk++) {
      ${range(tm).map((i) => `let a${i} = As[kk * ${BM}u + lid.y + ${i * wgY}u];`).join(' ')}
      ${range(tn).map((j) => `let b${j} = Bs[kk * ${BN}u + lid.x + ${j * wgX}u];`).join(' ')}
      ${range(tm)
        .flatMap((i) => range(tn).map((j) => `${acc(i, j)} += a${i} * b${j};`))
        .join(' ')}
    }
    workgroupBarrier();
  }
  ${epilogue}
}`;
}
