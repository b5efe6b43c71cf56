// Generates the WebAssembly text of the SIMD GEMM kernel. One source, two
// variants: `simd` (f32x4.mul + f32x4.add) and `relaxed` (f32x4.relaxed_madd,
// a fused multiply-add where the runtime has relaxed SIMD).
//
// C = alpha * op(A) op(B) + beta * C, row-major, pointers in bytes.
// The micro-kernel keeps a 4x8 tile of C in eight f32x4 registers. op(A) is
// read in place through two strides (no packing for either transpose);
// op(B) is read in place when it is not transposed and the 8-column panel is
// full, otherwise it is packed into an 8-wide panel in `scratch` first.

const MR = 4;
const NR = 8;

export function gemmWat(variant) {
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

  return `(module
  (memory (export "memory") 1)
  (func (export "gemm")
    (param $transA i32) (param $transB i32) (param $m i32) (param $n i32) (param $k i32)
    (param $alpha f32) (param $pA i32) (param $pB i32) (param $beta f32) (param $pC i32) (param $scratch i32)
    (local $aRow i32) (local $aK i32) (local $bK i32) (local $bp i32)
    (local $i0 i32) (local $j0 i32) (local $mr i32) (local $nr i32) (local $kk i32) (local $jj i32) (local $r i32)
    (local $pa0 i32) (local $pa1 i32) (local $pa2 i32) (local $pa3 i32) (local $pb i32)
    (local $crow0 i32) (local $crow1 i32) (local $crow2 i32) (local $crow3 i32)
    (local $tile i32) (local $betaZero i32) (local $src i32) (local $dst i32) (local $v f32)
    (local $a v128) (local $b0 v128) (local $b1 v128) (local $va v128) (local $vb v128)
    ${accs.map((c) => `(local ${c} v128)`).join(' ')}
    (local.set $va (f32x4.splat (local.get $alpha)))
    (local.set $vb (f32x4.splat (local.get $beta)))
    (local.set $betaZero (f32.eq (local.get $beta) (f32.const 0)))
    ;; Strides of op(A) in bytes: between rows i, and between steps of k.
    (if (local.get $transA)
      (then (local.set $aRow (i32.const 4)) (local.set $aK (i32.shl (local.get $m) (i32.const 2))))
      (else (local.set $aRow (i32.shl (local.get $k) (i32.const 2))) (local.set $aK (i32.const 4))))
    (local.set $tile (i32.add (local.get $scratch) (i32.mul (local.get $k) (i32.const ${NR * 4}))))
    (local.set $j0 (i32.const 0))
    (block $doneJ (loop $loopJ
      (br_if $doneJ (i32.ge_s (local.get $j0) (local.get $n)))
      (local.set $nr (i32.sub (local.get $n) (local.get $j0)))
      (if (i32.gt_s (local.get $nr) (i32.const ${NR})) (then (local.set $nr (i32.const ${NR}))))
      (if (i32.and (i32.eqz (local.get $transB)) (i32.eq (local.get $nr) (i32.const ${NR})))
        (then
          (local.set $bp (i32.add (local.get $pB) (i32.shl (local.get $j0) (i32.const 2))))
          (local.set $bK (i32.shl (local.get $n) (i32.const 2))))
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
                      (i32.add (i32.mul (i32.add (local.get $j0) (local.get $jj)) (local.get $k)) (local.get $kk)) (i32.const 2))))))
                    (else (local.set $v (f32.load (i32.add (local.get $pB) (i32.shl
                      (i32.add (i32.mul (local.get $kk) (local.get $n)) (i32.add (local.get $j0) (local.get $jj))) (i32.const 2)))))))))
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
          ${rows.map((r) => `(local.set $crow${r} (i32.add (local.get $pC) (i32.shl (i32.add (i32.mul (i32.add (local.get $i0) (i32.const ${r})) (local.get $n)) (local.get $j0)) (i32.const 2))))`).join('\n          ')}
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
              (local.set $dst (i32.add (local.get $pC) (i32.shl (i32.add (i32.mul (i32.add (local.get $i0) (local.get $r)) (local.get $n)) (i32.add (local.get $j0) (local.get $jj))) (i32.const 2))))
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
  )
)
`;
}
