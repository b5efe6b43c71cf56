// Generates the WebAssembly text of the SIMD GEMM kernel. One source, two
// variants: `simd` (f32x4.mul + f32x4.add) and `relaxed` (f32x4.relaxed_madd,
// a fused multiply-add where the runtime has relaxed SIMD).
//
// C = alpha * op(A) op(B) + beta * C, row-major, pointers in bytes, each
// operand with its leading dimension (so a caller can run it on blocks; see
// src/wasm/gemm-blocks.ts, which also turns a transposed A into a plain one).
// The micro-kernel keeps a 4x8 tile of C in eight f32x4 registers. op(A) is
// read in place through two strides; op(B) is read in place when it is not
// transposed, the 8-column panel is full and C has few rows, otherwise it is
// packed into an 8-wide panel in `scratch` first.

import { cscFromCsrFunc, nzIndexFunc, spmmFunc, transposeFunc } from './sparse-wat.mjs';
import { biasReluFunc, reluBackwardFunc } from './rowwise-wat.mjs';
import { convFuncs } from './conv-wat.mjs';

const MR = 4;
const NR = 8;
/** Rows of C from which a full panel of B is copied to scratch rather than read in place. */
const PACK_MIN_M = 16;

/** The module: its own memory (`own`, operands copied in) or an imported shared one (`shared`). */
export function kernelsWat(variant, memory) {
  const mem =
    memory === 'shared'
      ? '(import "env" "memory" (memory 1 65536 shared))'
      : '(memory (export "memory") 1)';
  const shared = memory === 'shared' ? [adamFunc(variant), nzIndexFunc(), cscFromCsrFunc(), spmmFunc(variant), biasReluFunc(), reluBackwardFunc(), ...convFuncs()] : [];
  return `(module\n  ${mem}\n${[gemmNTFunc(variant), gemmFunc(variant), transposeFunc(), ...shared].join('\n')}\n)\n`;
}

function gemmFunc(variant) {
  const madd = (acc, a, b) =>
    variant === 'relaxed'
      ? `(local.set ${acc} (f32x4.relaxed_madd (local.get ${a}) (local.get ${b}) (local.get ${acc})))`
      : `(local.set ${acc} (f32x4.add (local.get ${acc}) (f32x4.mul (local.get ${a}) (local.get ${b}))))`;
  const accs = [];
  for (let r = 0; r < MR; r++) for (let h = 0; h < 2; h++) accs.push(`$c${r}${h}`);
  const rows = [0, 1, 2, 3];

  // The k loop: two loads of B, four broadcasts of A, eight multiply-adds.
  const kBody = [
    '(local.set $b0 (v128.load (local.get $pb)))',
    '(local.set $b1 (v128.load offset=16 (local.get $pb)))',
    ...rows.flatMap((r) => [
      `(local.set $a (v128.load32_splat (local.get $pa${r})))`,
      madd(`$c${r}0`, '$a', '$b0'),
      madd(`$c${r}1`, '$a', '$b1'),
      `(local.set $pa${r} (i32.add (local.get $pa${r}) (local.get $aK)))`,
    ]),
    '(local.set $pb (i32.add (local.get $pb) (local.get $bK)))',
  ].join('\n          ');

  // Full tile: straight to C with alpha and beta.
  const storeFull = rows
    .flatMap((r) =>
      [0, 1].map((h) => {
        const addr = `(i32.add (local.get $crow${r}) (i32.const ${h * 16}))`;
        const scaled = `(f32x4.mul (local.get $c${r}${h}) (local.get $va))`;
        return `(if (local.get $betaZero)
            (then (v128.store ${addr} ${scaled}))
            (else (v128.store ${addr} (f32x4.add ${scaled} (f32x4.mul (v128.load ${addr}) (local.get $vb))))))`;
      }),
    )
    .join('\n          ');
  // Partial tile: spill to `tile`, then copy the valid part one float at a time.
  const spill = rows.flatMap((r) => [0, 1].map((h) => `(v128.store offset=${(r * NR + h * 4) * 4} (local.get $tile) (local.get $c${r}${h}))`)).join('\n          ');

  return `
  (func (export "gemm")
    (param $transA i32) (param $transB i32) (param $m i32) (param $n i32) (param $k i32)
    (param $alpha f32) (param $pA i32) (param $lda i32) (param $pB i32) (param $ldb i32) (param $beta f32) (param $pC i32) (param $ldc i32) (param $scratch i32) (param $pack i32)
    (local $aRow i32) (local $aK i32) (local $bK i32) (local $bp i32)
    (local $i0 i32) (local $j0 i32) (local $mr i32) (local $nr i32) (local $kk i32) (local $jj i32) (local $r i32)
    (local $pa0 i32) (local $pa1 i32) (local $pa2 i32) (local $pa3 i32) (local $pb i32)
    (local $crow0 i32) (local $crow1 i32) (local $crow2 i32) (local $crow3 i32)
    (local $tile i32) (local $betaZero i32) (local $src i32) (local $dst i32) (local $v f32)
    (local $a v128) (local $b0 v128) (local $b1 v128) (local $va v128) (local $vb v128)
    ${accs.map((c) => `(local ${c} v128)`).join(' ')}
    ;; A B^T with A row-major reads both operands along k: no packing needed.
    (if (i32.and (i32.eqz (local.get $transA)) (local.get $transB))
      (then
        (call $gemmNT (local.get $m) (local.get $n) (local.get $k) (local.get $alpha) (local.get $pA) (local.get $lda) (local.get $pB) (local.get $ldb) (local.get $beta) (local.get $pC) (local.get $ldc))
        (return)))
    (local.set $va (f32x4.splat (local.get $alpha)))
    (local.set $vb (f32x4.splat (local.get $beta)))
    (local.set $betaZero (f32.eq (local.get $beta) (f32.const 0)))
    ;; Strides of op(A) in bytes: between rows i, and between steps of k.
    (if (local.get $transA)
      (then (local.set $aRow (i32.const 4)) (local.set $aK (i32.shl (local.get $lda) (i32.const 2))))
      (else (local.set $aRow (i32.shl (local.get $lda) (i32.const 2))) (local.set $aK (i32.const 4))))
    (local.set $tile (i32.add (local.get $scratch) (i32.mul (local.get $k) (i32.const ${NR * 4}))))
    (local.set $j0 (i32.const 0))
    (block $doneJ (loop $loopJ
      (br_if $doneJ (i32.ge_s (local.get $j0) (local.get $n)))
      (local.set $nr (i32.sub (local.get $n) (local.get $j0)))
      (if (i32.gt_s (local.get $nr) (i32.const ${NR})) (then (local.set $nr (i32.const ${NR}))))
      (if (i32.and (i32.eqz (local.get $transB)) (i32.eq (local.get $nr) (i32.const ${NR})))
        (then
          (local.set $bp (i32.add (local.get $pB) (i32.shl (local.get $j0) (i32.const 2))))
          (local.set $bK (i32.shl (local.get $ldb) (i32.const 2)))
          ;; Tall blocks copy the panel to contiguous scratch: rows of B lie
          ;; ldb apart, often a multiple of 4 KiB, where a strided panel
          ;; thrashes the cache sets; the copy is paid once for m / 4 tiles.
          ;; ($pack = 0 keeps the kernel as it was before, for comparison.)
          (if (i32.and (local.get $pack) (i32.ge_s (local.get $m) (i32.const ${PACK_MIN_M})))
            (then
              (local.set $kk (i32.const 0))
              (block $doneVP (loop $loopVP
                (br_if $doneVP (i32.ge_s (local.get $kk) (local.get $k)))
                (local.set $src (i32.add (local.get $bp) (i32.mul (local.get $kk) (local.get $bK))))
                (local.set $dst (i32.add (local.get $scratch) (i32.shl (local.get $kk) (i32.const 5))))
                (v128.store (local.get $dst) (v128.load (local.get $src)))
                (v128.store offset=16 (local.get $dst) (v128.load offset=16 (local.get $src)))
                (local.set $kk (i32.add (local.get $kk) (i32.const 1)))
                (br $loopVP)))
              (local.set $bp (local.get $scratch))
              (local.set $bK (i32.const ${NR * 4})))))
        (else
          ;; Pack op(B)[:, j0 .. j0+nr) into an 8-wide panel, zero-padded.
          (local.set $kk (i32.const 0))
          (block $donePK (loop $loopPK
            (br_if $donePK (i32.ge_s (local.get $kk) (local.get $k)))
            (local.set $jj (i32.const 0))
            (block $donePJ (loop $loopPJ
              (br_if $donePJ (i32.ge_s (local.get $jj) (i32.const ${NR})))
              (local.set $v (f32.const 0))
              (if (i32.lt_s (local.get $jj) (local.get $nr))
                (then
                  (if (local.get $transB)
                    (then (local.set $v (f32.load (i32.add (local.get $pB) (i32.shl
                      (i32.add (i32.mul (i32.add (local.get $j0) (local.get $jj)) (local.get $ldb)) (local.get $kk)) (i32.const 2))))))
                    (else (local.set $v (f32.load (i32.add (local.get $pB) (i32.shl
                      (i32.add (i32.mul (local.get $kk) (local.get $ldb)) (i32.add (local.get $j0) (local.get $jj))) (i32.const 2)))))))))
              (f32.store (i32.add (local.get $scratch) (i32.shl (i32.add (i32.shl (local.get $kk) (i32.const 3)) (local.get $jj)) (i32.const 2))) (local.get $v))
              (local.set $jj (i32.add (local.get $jj) (i32.const 1)))
              (br $loopPJ)))
            (local.set $kk (i32.add (local.get $kk) (i32.const 1)))
            (br $loopPK)))
          (local.set $bp (local.get $scratch))
          (local.set $bK (i32.const ${NR * 4}))))
      (local.set $i0 (i32.const 0))
      (block $doneI (loop $loopI
        (br_if $doneI (i32.ge_s (local.get $i0) (local.get $m)))
        (local.set $mr (i32.sub (local.get $m) (local.get $i0)))
        (if (i32.gt_s (local.get $mr) (i32.const ${MR})) (then (local.set $mr (i32.const ${MR}))))
        ;; Rows past the end of A re-read its first row of the block; their results are dropped.
        (local.set $pa0 (i32.add (local.get $pA) (i32.mul (local.get $i0) (local.get $aRow))))
        (local.set $pa1 (select (i32.add (local.get $pa0) (local.get $aRow)) (local.get $pa0) (i32.gt_s (local.get $mr) (i32.const 1))))
        (local.set $pa2 (select (i32.add (local.get $pa0) (i32.shl (local.get $aRow) (i32.const 1))) (local.get $pa0) (i32.gt_s (local.get $mr) (i32.const 2))))
        (local.set $pa3 (select (i32.add (local.get $pa0) (i32.mul (local.get $aRow) (i32.const 3))) (local.get $pa0) (i32.gt_s (local.get $mr) (i32.const 3))))
        ${accs.map((c) => `(local.set ${c} (v128.const i32x4 0 0 0 0))`).join('\n        ')}
        (local.set $pb (local.get $bp))
        (local.set $kk (local.get $k))
        (block $doneK (loop $loopK
          (br_if $doneK (i32.eqz (local.get $kk)))
          ${kBody}
          (local.set $kk (i32.sub (local.get $kk) (i32.const 1)))
          (br $loopK)))
        (if (i32.and (i32.eq (local.get $mr) (i32.const ${MR})) (i32.eq (local.get $nr) (i32.const ${NR})))
          (then
          ${rows.map((r) => `(local.set $crow${r} (i32.add (local.get $pC) (i32.shl (i32.add (i32.mul (i32.add (local.get $i0) (i32.const ${r})) (local.get $ldc)) (local.get $j0)) (i32.const 2))))`).join('\n          ')}
          ${storeFull})
          (else
          ${spill}
          (local.set $r (i32.const 0))
          (block $doneR (loop $loopR
            (br_if $doneR (i32.ge_s (local.get $r) (local.get $mr)))
            (local.set $jj (i32.const 0))
            (block $doneC (loop $loopC
              (br_if $doneC (i32.ge_s (local.get $jj) (local.get $nr)))
              (local.set $src (i32.add (local.get $tile) (i32.shl (i32.add (i32.shl (local.get $r) (i32.const 3)) (local.get $jj)) (i32.const 2))))
              (local.set $dst (i32.add (local.get $pC) (i32.shl (i32.add (i32.mul (i32.add (local.get $i0) (local.get $r)) (local.get $ldc)) (i32.add (local.get $j0) (local.get $jj))) (i32.const 2))))
              (if (local.get $betaZero)
                (then (f32.store (local.get $dst) (f32.mul (f32.load (local.get $src)) (local.get $alpha))))
                (else (f32.store (local.get $dst) (f32.add (f32.mul (f32.load (local.get $src)) (local.get $alpha)) (f32.mul (f32.load (local.get $dst)) (local.get $beta))))))
              (local.set $jj (i32.add (local.get $jj) (i32.const 1)))
              (br $loopC)))
            (local.set $r (i32.add (local.get $r) (i32.const 1)))
            (br $loopR)))))
        (local.set $i0 (i32.add (local.get $i0) (i32.const ${MR})))
        (br $loopI)))
      (local.set $j0 (i32.add (local.get $j0) (i32.const ${NR})))
      (br $loopJ)))
  )`;
}

// Adam over n elements: the gradient is the sum, in order, of `nparts`
// vectors whose byte offsets are listed at `parts`; m, v and p are updated
// in place, four lanes at a time (sqrt and divide are the costly part).
function adamFunc(variant) {
  const fma = (a, b, c) => (variant === 'relaxed' ? `(f32x4.relaxed_madd ${a} ${b} ${c})` : `(f32x4.add (f32x4.mul ${a} ${b}) ${c})`);
  return `
  (func (export "adam")
    (param $p i32) (param $parts i32) (param $nparts i32) (param $m i32) (param $v i32) (param $n i32)
    (param $b1 f32) (param $b2 f32) (param $step f32) (param $c2 f32) (param $eps f32)
    (local $i i32) (local $w i32) (local $off i32) (local $g v128) (local $mv v128) (local $vv v128)
    (local $gs f32) (local $ms f32) (local $vs f32)
    (local $vb1 v128) (local $vb2 v128) (local $va1 v128) (local $va2 v128) (local $vstep v128) (local $vc2 v128) (local $veps v128)
    (local.set $vb1 (f32x4.splat (local.get $b1)))
    (local.set $vb2 (f32x4.splat (local.get $b2)))
    (local.set $va1 (f32x4.splat (f32.sub (f32.const 1) (local.get $b1))))
    (local.set $va2 (f32x4.splat (f32.sub (f32.const 1) (local.get $b2))))
    (local.set $vstep (f32x4.splat (local.get $step)))
    (local.set $vc2 (f32x4.splat (local.get $c2)))
    (local.set $veps (f32x4.splat (local.get $eps)))
    (local.set $i (i32.const 0))
    (block $doneV (loop $loopV
      (br_if $doneV (i32.gt_s (i32.add (local.get $i) (i32.const 4)) (local.get $n)))
      (local.set $off (i32.shl (local.get $i) (i32.const 2)))
      (local.set $g (v128.load (i32.add (i32.load (local.get $parts)) (local.get $off))))
      (local.set $w (i32.const 1))
      (block $doneW (loop $loopW
        (br_if $doneW (i32.ge_s (local.get $w) (local.get $nparts)))
        (local.set $g (f32x4.add (local.get $g) (v128.load (i32.add (i32.load (i32.add (local.get $parts) (i32.shl (local.get $w) (i32.const 2)))) (local.get $off)))))
        (local.set $w (i32.add (local.get $w) (i32.const 1)))
        (br $loopW)))
      (local.set $mv ${fma('(local.get $vb1)', `(v128.load (i32.add (local.get $m) (local.get $off)))`, '(f32x4.mul (local.get $va1) (local.get $g))')})
      (local.set $vv ${fma('(local.get $vb2)', `(v128.load (i32.add (local.get $v) (local.get $off)))`, '(f32x4.mul (local.get $va2) (f32x4.mul (local.get $g) (local.get $g)))')})
      (v128.store (i32.add (local.get $m) (local.get $off)) (local.get $mv))
      (v128.store (i32.add (local.get $v) (local.get $off)) (local.get $vv))
      (v128.store (i32.add (local.get $p) (local.get $off))
        (f32x4.sub (v128.load (i32.add (local.get $p) (local.get $off)))
          (f32x4.div (f32x4.mul (local.get $vstep) (local.get $mv))
            (f32x4.add (f32x4.sqrt (f32x4.mul (local.get $vv) (local.get $vc2))) (local.get $veps)))))
      (local.set $i (i32.add (local.get $i) (i32.const 4)))
      (br $loopV)))
    ;; The last n % 4 elements, one at a time, with the same arithmetic.
    (block $doneS (loop $loopS
      (br_if $doneS (i32.ge_s (local.get $i) (local.get $n)))
      (local.set $off (i32.shl (local.get $i) (i32.const 2)))
      (local.set $gs (f32.load (i32.add (i32.load (local.get $parts)) (local.get $off))))
      (local.set $w (i32.const 1))
      (block $doneW2 (loop $loopW2
        (br_if $doneW2 (i32.ge_s (local.get $w) (local.get $nparts)))
        (local.set $gs (f32.add (local.get $gs) (f32.load (i32.add (i32.load (i32.add (local.get $parts) (i32.shl (local.get $w) (i32.const 2)))) (local.get $off)))))
        (local.set $w (i32.add (local.get $w) (i32.const 1)))
        (br $loopW2)))
      (local.set $ms (f32.add (f32.mul (local.get $b1) (f32.load (i32.add (local.get $m) (local.get $off)))) (f32.mul (f32.sub (f32.const 1) (local.get $b1)) (local.get $gs))))
      (local.set $vs (f32.add (f32.mul (local.get $b2) (f32.load (i32.add (local.get $v) (local.get $off)))) (f32.mul (f32.sub (f32.const 1) (local.get $b2)) (f32.mul (local.get $gs) (local.get $gs)))))
      (f32.store (i32.add (local.get $m) (local.get $off)) (local.get $ms))
      (f32.store (i32.add (local.get $v) (local.get $off)) (local.get $vs))
      (f32.store (i32.add (local.get $p) (local.get $off))
        (f32.sub (f32.load (i32.add (local.get $p) (local.get $off)))
          (f32.div (f32.mul (local.get $step) (local.get $ms)) (f32.add (f32.sqrt (f32.mul (local.get $vs) (local.get $c2))) (local.get $eps)))))
      (local.set $i (i32.add (local.get $i) (i32.const 1)))
      (br $loopS)))
  )`;
}

// C = alpha A B^T + beta C with A [m, k] and B [n, k] both row-major: each
// C element is a dot product along k, which both operands store
// contiguously. A 2x4 tile keeps eight f32x4 partial sums (lanes over k),
// reduced across lanes at the end; k % 4 leftovers are added one by one.
// Rows and columns past the edge alias the last valid one and are not stored.
function gemmNTFunc(variant) {
  const madd = (acc, a, b) =>
    variant === 'relaxed'
      ? `(local.set ${acc} (f32x4.relaxed_madd (local.get ${a}) (local.get ${b}) (local.get ${acc})))`
      : `(local.set ${acc} (f32x4.add (local.get ${acc}) (f32x4.mul (local.get ${a}) (local.get ${b}))))`;
  const R = [0, 1];
  const Q = [0, 1, 2, 3];
  const accs = R.flatMap((r) => Q.map((q) => `$s${r}${q}`));
  const hsum = (v) =>
    `(f32.add (f32.add (f32x4.extract_lane 0 (local.get ${v})) (f32x4.extract_lane 1 (local.get ${v}))) (f32.add (f32x4.extract_lane 2 (local.get ${v})) (f32x4.extract_lane 3 (local.get ${v}))))`;
  const body = [
    ...R.map((r) => `(local.set $a${r} (v128.load (i32.add (local.get $ra${r}) (local.get $off))))`),
    ...Q.map((q) => `(local.set $b${q} (v128.load (i32.add (local.get $rb${q}) (local.get $off))))`),
    ...R.flatMap((r) => Q.map((q) => madd(`$s${r}${q}`, `$a${r}`, `$b${q}`))),
  ].join('\n            ');
  const tail = R.flatMap((r) =>
    Q.map(
      (q) =>
        `(local.set $t${r}${q} (f32.add (local.get $t${r}${q}) (f32.mul (f32.load (i32.add (local.get $ra${r}) (local.get $off))) (f32.load (i32.add (local.get $rb${q}) (local.get $off))))))`,
    ),
  ).join('\n            ');
  const stores = R.flatMap((r) =>
    Q.map((q) => {
      const cond = `(i32.and (i32.lt_s (i32.add (local.get $i0) (i32.const ${r})) (local.get $m)) (i32.lt_s (i32.add (local.get $j0) (i32.const ${q})) (local.get $n)))`;
      const addr = `(i32.add (local.get $pC) (i32.shl (i32.add (i32.mul (i32.add (local.get $i0) (i32.const ${r})) (local.get $ldc)) (i32.add (local.get $j0) (i32.const ${q}))) (i32.const 2)))`;
      const val = `(f32.mul (local.get $alpha) (f32.add ${hsum(`$s${r}${q}`)} (local.get $t${r}${q})))`;
      return `(if ${cond} (then (if (local.get $betaZero)
              (then (f32.store ${addr} ${val}))
              (else (f32.store ${addr} (f32.add ${val} (f32.mul (local.get $beta) (f32.load ${addr}))))))))`;
    }),
  ).join('\n        ');
  return `
  (func $gemmNT (param $m i32) (param $n i32) (param $k i32) (param $alpha f32) (param $pA i32) (param $lda i32) (param $pB i32) (param $ldb i32) (param $beta f32) (param $pC i32) (param $ldc i32)
    (local $i0 i32) (local $j0 i32) (local $off i32) (local $k4 i32) (local $kb i32) (local $betaZero i32)
    ${R.map((r) => `(local $ra${r} i32)`).join(' ')} ${Q.map((q) => `(local $rb${q} i32)`).join(' ')}
    ${R.map((r) => `(local $a${r} v128)`).join(' ')} ${Q.map((q) => `(local $b${q} v128)`).join(' ')}
    ${accs.map((a) => `(local ${a} v128)`).join(' ')}
    ${R.flatMap((r) => Q.map((q) => `(local $t${r}${q} f32)`)).join(' ')}
    (local.set $betaZero (f32.eq (local.get $beta) (f32.const 0)))
    (local.set $kb (i32.shl (local.get $k) (i32.const 2)))
    ;; Bytes of k covered four at a time.
    (local.set $k4 (i32.shl (i32.and (local.get $k) (i32.const -4)) (i32.const 2)))
    (local.set $j0 (i32.const 0))
    (block $doneJ (loop $loopJ
      (br_if $doneJ (i32.ge_s (local.get $j0) (local.get $n)))
      ${Q.map((q) => `(local.set $rb${q} (i32.add (local.get $pB) (i32.mul (select (i32.add (local.get $j0) (i32.const ${q})) (i32.sub (local.get $n) (i32.const 1)) (i32.lt_s (i32.add (local.get $j0) (i32.const ${q})) (local.get $n))) (i32.shl (local.get $ldb) (i32.const 2)))))`).join('\n      ')}
      (local.set $i0 (i32.const 0))
      (block $doneI (loop $loopI
        (br_if $doneI (i32.ge_s (local.get $i0) (local.get $m)))
        ${R.map((r) => `(local.set $ra${r} (i32.add (local.get $pA) (i32.mul (select (i32.add (local.get $i0) (i32.const ${r})) (i32.sub (local.get $m) (i32.const 1)) (i32.lt_s (i32.add (local.get $i0) (i32.const ${r})) (local.get $m))) (i32.shl (local.get $lda) (i32.const 2)))))`).join('\n        ')}
        ${accs.map((a) => `(local.set ${a} (v128.const i32x4 0 0 0 0))`).join(' ')}
        ${R.flatMap((r) => Q.map((q) => `(local.set $t${r}${q} (f32.const 0))`)).join(' ')}
        (local.set $off (i32.const 0))
        (block $doneK (loop $loopK
          (br_if $doneK (i32.ge_s (local.get $off) (local.get $k4)))
            ${body}
          (local.set $off (i32.add (local.get $off) (i32.const 16)))
          (br $loopK)))
        (block $doneT (loop $loopT
          (br_if $doneT (i32.ge_s (local.get $off) (local.get $kb)))
            ${tail}
          (local.set $off (i32.add (local.get $off) (i32.const 4)))
          (br $loopT)))
        ${stores}
        (local.set $i0 (i32.add (local.get $i0) (i32.const 2)))
        (br $loopI)))
      (local.set $j0 (i32.add (local.get $j0) (i32.const 4)))
      (br $loopJ)))
  )`;
}
