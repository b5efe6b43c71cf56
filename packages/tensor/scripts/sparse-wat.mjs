// Generates the WebAssembly text of the sparse-input kernels and of a
// blocked transpose (the GEMM's cache blocking uses it too).
//
// A first layer sees inputs that are mostly exact zeros (MNIST: 81% of
// pixels). `nzIndex` lists each row's non-zero columns (CSR without values:
// the values stay in the dense input), `cscFromCsr` regroups the list by
// column, and `spmm` multiplies such a sparse matrix by a dense one:
//
//   out[o, j] = sum over e in [start[o], start[o+1]) of
//               coef[o * cso + q * csi] * dense[q * ld + j],  q = idx[e]
//
// With the rows list and coef = X (cso = k, csi = 1), dense = W^T this is
// the forward X W^T; with the columns list and coef = X (cso = 1, csi = k),
// dense = dZ it is the weight gradient (dZ^T X)^T, which `outT` stores
// transposed (column-major), straight into dW's [out, in] layout. Skipping a zero changes
// no sum; the terms that remain are added one after another in ascending q,
// one f32x4 lane per output column, so results match a dense product to
// float32 rounding.
// Pointers are in bytes, strides in floats.

/** Widths (in f32x4 vectors) of the column chunks spmm sweeps, widest first: with more than six accumulators V8 spills one (measured: 13 GFLOP/s at eight, 18 at six). */
const SPMM_CHUNKS = [6, 4, 1];

/** Columns per band of the transpose. */
const BAND = 64;

const lanes = (list) => list.flatMap((l) => [4 * l, 4 * l + 1, 4 * l + 2, 4 * l + 3]).join(' ');

/** dst[c * ldd + r] = src[r * lds + c] for r < rows, c < cols: 4x4 blocks through eight shuffles. */
export function transposeFunc() {
  const shuffle = (a, b, l) => `(i8x16.shuffle ${lanes(l)} (local.get ${a}) (local.get ${b}))`;
  const load = (q) => `(local.set $a${q} (v128.load (i32.add (local.get $src) (i32.shl (i32.add (i32.mul (i32.add (local.get $r) (i32.const ${q})) (local.get $lds)) (local.get $c)) (i32.const 2)))))`;
  const store = (q, v) => `(v128.store (i32.add (local.get $dst) (i32.shl (i32.add (i32.mul (i32.add (local.get $c) (i32.const ${q})) (local.get $ldd)) (local.get $r)) (i32.const 2))) ${v})`;
  const scalar = (r) =>
    `(f32.store (i32.add (local.get $dst) (i32.shl (i32.add (i32.mul (local.get $c) (local.get $ldd)) ${r}) (i32.const 2)))
              (f32.load (i32.add (local.get $src) (i32.shl (i32.add (i32.mul ${r} (local.get $lds)) (local.get $c)) (i32.const 2)))))`;
  return `
  (func (export "transpose") (param $src i32) (param $rows i32) (param $cols i32) (param $lds i32) (param $dst i32) (param $ldd i32)
    (local $c0 i32)
    ;; Bands of ${BAND} columns: the ${BAND} rows of dst a band writes stay in L1 until
    ;; their cache lines are full (whole rows of a wide matrix would not).
    (block $done (loop $bands
      (br_if $done (i32.ge_s (local.get $c0) (local.get $cols)))
      (call $transposeBand
        (i32.add (local.get $src) (i32.shl (local.get $c0) (i32.const 2)))
        (local.get $rows)
        (select (i32.const ${BAND}) (i32.sub (local.get $cols) (local.get $c0)) (i32.gt_s (i32.sub (local.get $cols) (local.get $c0)) (i32.const ${BAND})))
        (local.get $lds)
        (i32.add (local.get $dst) (i32.shl (i32.mul (local.get $c0) (local.get $ldd)) (i32.const 2)))
        (local.get $ldd))
      (local.set $c0 (i32.add (local.get $c0) (i32.const ${BAND})))
      (br $bands)))
  )
  (func $transposeBand (param $src i32) (param $rows i32) (param $cols i32) (param $lds i32) (param $dst i32) (param $ldd i32)
    (local $r i32) (local $c i32) (local $q i32)
    (local $a0 v128) (local $a1 v128) (local $a2 v128) (local $a3 v128) (local $t0 v128) (local $t1 v128) (local $t2 v128) (local $t3 v128)
    (local.set $r (i32.const 0))
    (block $doneR (loop $loopR
      (br_if $doneR (i32.gt_s (i32.add (local.get $r) (i32.const 4)) (local.get $rows)))
      (local.set $c (i32.const 0))
      (block $doneC (loop $loopC
        (br_if $doneC (i32.gt_s (i32.add (local.get $c) (i32.const 4)) (local.get $cols)))
        ${[0, 1, 2, 3].map(load).join('\n        ')}
        (local.set $t0 ${shuffle('$a0', '$a1', [0, 4, 1, 5])})
        (local.set $t1 ${shuffle('$a0', '$a1', [2, 6, 3, 7])})
        (local.set $t2 ${shuffle('$a2', '$a3', [0, 4, 1, 5])})
        (local.set $t3 ${shuffle('$a2', '$a3', [2, 6, 3, 7])})
        ${store(0, shuffle('$t0', '$t2', [0, 1, 4, 5]))}
        ${store(1, shuffle('$t0', '$t2', [2, 3, 6, 7]))}
        ${store(2, shuffle('$t1', '$t3', [0, 1, 4, 5]))}
        ${store(3, shuffle('$t1', '$t3', [2, 3, 6, 7]))}
        (local.set $c (i32.add (local.get $c) (i32.const 4)))
        (br $loopC)))
      ;; The last cols % 4 columns of these four rows.
      (block $doneCT (loop $loopCT
        (br_if $doneCT (i32.ge_s (local.get $c) (local.get $cols)))
        ${[0, 1, 2, 3].map((q) => scalar(`(i32.add (local.get $r) (i32.const ${q}))`)).join('\n        ')}
        (local.set $c (i32.add (local.get $c) (i32.const 1)))
        (br $loopCT)))
      (local.set $r (i32.add (local.get $r) (i32.const 4)))
      (br $loopR)))
    ;; The last rows % 4 rows.
    (block $doneRT (loop $loopRT
      (br_if $doneRT (i32.ge_s (local.get $r) (local.get $rows)))
      (local.set $c (i32.const 0))
      (block $doneC2 (loop $loopC2
        (br_if $doneC2 (i32.ge_s (local.get $c) (local.get $cols)))
        ${scalar('(local.get $r)')}
        (local.set $c (i32.add (local.get $c) (i32.const 1)))
        (br $loopC2)))
      (local.set $r (i32.add (local.get $r) (i32.const 1)))
      (br $loopRT)))
  )`;
}

/**
 * Lists the columns of each row of x [rows, cols] that are not zero (NaN
 * counts as non-zero): start[r] .. start[r+1] index idx. Returns the count,
 * or -1 as soon as it passes `limit` (the caller then multiplies densely).
 * idx must hold rows * cols + 4 entries (stores run ahead of the count).
 */
export function nzIndexFunc() {
  const lane = (j) =>
    `(i32.store (i32.add (local.get $pIdx) (i32.shl (local.get $total) (i32.const 2))) (i32.add (local.get $c) (i32.const ${j})))
            (local.set $total (i32.add (local.get $total) (i32.and (i32.shr_u (local.get $mask) (i32.const ${j})) (i32.const 1))))`;
  return `
  (func (export "nzIndex") (param $px i32) (param $rows i32) (param $cols i32) (param $pStart i32) (param $pIdx i32) (param $limit i32) (result i32)
    (local $r i32) (local $c i32) (local $row i32) (local $total i32) (local $mask i32)
    (local.set $r (i32.const 0))
    (block $doneR (loop $loopR
      (br_if $doneR (i32.ge_s (local.get $r) (local.get $rows)))
      (i32.store (i32.add (local.get $pStart) (i32.shl (local.get $r) (i32.const 2))) (local.get $total))
      (local.set $row (i32.add (local.get $px) (i32.shl (i32.mul (local.get $r) (local.get $cols)) (i32.const 2))))
      (local.set $c (i32.const 0))
      (block $doneC (loop $loopC
        (br_if $doneC (i32.gt_s (i32.add (local.get $c) (i32.const 4)) (local.get $cols)))
        (local.set $mask (i32x4.bitmask (f32x4.ne (v128.load (i32.add (local.get $row) (i32.shl (local.get $c) (i32.const 2)))) (v128.const i32x4 0 0 0 0))))
        ;; Four stores, the count advancing by each lane's bit: no branch per pixel.
        (if (local.get $mask)
          (then
            ${[0, 1, 2, 3].map(lane).join('\n            ')}))
        (local.set $c (i32.add (local.get $c) (i32.const 4)))
        (br $loopC)))
      (block $doneCT (loop $loopCT
        (br_if $doneCT (i32.ge_s (local.get $c) (local.get $cols)))
        (if (f32.ne (f32.load (i32.add (local.get $row) (i32.shl (local.get $c) (i32.const 2)))) (f32.const 0))
          (then
            (i32.store (i32.add (local.get $pIdx) (i32.shl (local.get $total) (i32.const 2))) (local.get $c))
            (local.set $total (i32.add (local.get $total) (i32.const 1)))))
        (local.set $c (i32.add (local.get $c) (i32.const 1)))
        (br $loopCT)))
      (if (i32.gt_s (local.get $total) (local.get $limit)) (then (return (i32.const -1))))
      (local.set $r (i32.add (local.get $r) (i32.const 1)))
      (br $loopR)))
    (i32.store (i32.add (local.get $pStart) (i32.shl (local.get $rows) (i32.const 2))) (local.get $total))
    (local.get $total)
  )`;
}

/**
 * The same entries grouped by column: cstart[c] .. cstart[c+1] index cidx,
 * which lists rows in ascending order (a counting sort).
 */
export function cscFromCsrFunc() {
  const at = (base, i) => `(i32.add (local.get ${base}) (i32.shl ${i} (i32.const 2)))`;
  return `
  (func (export "cscFromCsr") (param $pStart i32) (param $pIdx i32) (param $rows i32) (param $cols i32) (param $pcStart i32) (param $pcIdx i32)
    (local $r i32) (local $e i32) (local $end i32) (local $c i32) (local $slot i32)
    (memory.fill (local.get $pcStart) (i32.const 0) (i32.shl (i32.add (local.get $cols) (i32.const 1)) (i32.const 2)))
    (local.set $end (i32.load ${at('$pStart', '(local.get $rows)')}))
    ;; Count per column into cstart[c + 1], then prefix sums: cstart[c] = first slot of column c.
    (local.set $e (i32.const 0))
    (block $doneE (loop $loopE
      (br_if $doneE (i32.ge_s (local.get $e) (local.get $end)))
      (local.set $slot ${at('$pcStart', `(i32.add (i32.load ${at('$pIdx', '(local.get $e)')}) (i32.const 1))`)})
      (i32.store (local.get $slot) (i32.add (i32.load (local.get $slot)) (i32.const 1)))
      (local.set $e (i32.add (local.get $e) (i32.const 1)))
      (br $loopE)))
    (local.set $c (i32.const 1))
    (block $doneP (loop $loopP
      (br_if $doneP (i32.gt_s (local.get $c) (local.get $cols)))
      (i32.store ${at('$pcStart', '(local.get $c)')} (i32.add (i32.load ${at('$pcStart', '(local.get $c)')}) (i32.load ${at('$pcStart', '(i32.sub (local.get $c) (i32.const 1))')})))
      (local.set $c (i32.add (local.get $c) (i32.const 1)))
      (br $loopP)))
    ;; Fill, advancing cstart[c] as a cursor: afterwards cstart[c] is where column c + 1 starts.
    (local.set $r (i32.const 0))
    (block $doneR (loop $loopR
      (br_if $doneR (i32.ge_s (local.get $r) (local.get $rows)))
      (local.set $e (i32.load ${at('$pStart', '(local.get $r)')}))
      (local.set $end (i32.load ${at('$pStart', '(i32.add (local.get $r) (i32.const 1))')}))
      (block $doneF (loop $loopF
        (br_if $doneF (i32.ge_s (local.get $e) (local.get $end)))
        (local.set $slot ${at('$pcStart', `(i32.load ${at('$pIdx', '(local.get $e)')})`)})
        (i32.store ${at('$pcIdx', '(i32.load (local.get $slot))')} (local.get $r))
        (i32.store (local.get $slot) (i32.add (i32.load (local.get $slot)) (i32.const 1)))
        (local.set $e (i32.add (local.get $e) (i32.const 1)))
        (br $loopF)))
      (local.set $r (i32.add (local.get $r) (i32.const 1)))
      (br $loopR)))
    ;; Shift the cursors back by one column.
    (local.set $c (local.get $cols))
    (block $doneS (loop $loopS
      (br_if $doneS (i32.le_s (local.get $c) (i32.const 0)))
      (i32.store ${at('$pcStart', '(local.get $c)')} (i32.load ${at('$pcStart', '(i32.sub (local.get $c) (i32.const 1))')}))
      (local.set $c (i32.sub (local.get $c) (i32.const 1)))
      (br $loopS)))
    (i32.store (local.get $pcStart) (i32.const 0))
  )`;
}

/**
 * out [outer, n] = S dense, S given by (start, idx) with values read from
 * coef (see the top of this file). Columns of out go in chunks of 6, 4 and
 * 1 vectors (the accumulators stay in registers while a list is walked),
 * then one at a time; each chunk runs over every outer row, so the slice of
 * `dense` it reads stays in cache.
 */
export function spmmFunc(variant) {
  const madd = (acc, a, b) =>
    variant === 'relaxed' ? `(f32x4.relaxed_madd ${a} ${b} ${acc})` : `(f32x4.add ${acc} (f32x4.mul ${a} ${b}))`;
  const chunk = (v) => {
    const accs = Array.from({ length: v }, (_, i) => `$s${i}`);
    return `
    (block $doneJ${v} (loop $loopJ${v}
      (br_if $doneJ${v} (i32.gt_s (i32.add (local.get $j) (i32.const ${4 * v})) (local.get $n)))
      (local.set $o (i32.const 0))
      (block $doneO${v} (loop $loopO${v}
        (br_if $doneO${v} (i32.ge_s (local.get $o) (local.get $outer)))
        ${accs.map((a) => `(local.set ${a} (v128.const i32x4 0 0 0 0))`).join(' ')}
        (local.set $e (i32.add (local.get $pIdx) (i32.shl (i32.load (i32.add (local.get $pStart) (i32.shl (local.get $o) (i32.const 2)))) (i32.const 2))))
        (local.set $end (i32.add (local.get $pIdx) (i32.shl (i32.load (i32.add (local.get $pStart) (i32.shl (i32.add (local.get $o) (i32.const 1)) (i32.const 2)))) (i32.const 2))))
        (local.set $cbase (i32.add (local.get $pCoef) (i32.mul (local.get $o) (local.get $csoB))))
        (block $doneE${v} (loop $loopE${v}
          (br_if $doneE${v} (i32.ge_u (local.get $e) (local.get $end)))
          (local.set $q (i32.load (local.get $e)))
          (local.set $x (v128.load32_splat (i32.add (local.get $cbase) (i32.mul (local.get $q) (local.get $csiB)))))
          (local.set $row (i32.add (local.get $dcol) (i32.mul (local.get $q) (local.get $ldB))))
          ${accs.map((a, i) => `(local.set ${a} ${madd(`(local.get ${a})`, '(local.get $x)', `(v128.load offset=${16 * i} (local.get $row))`)})`).join('\n          ')}
          (local.set $e (i32.add (local.get $e) (i32.const 4)))
          (br $loopE${v})))
        (if (local.get $outT)
          (then
            ;; Column-major: out[o, j + t] at (j + t) * outer + o, one float at a time.
            (local.set $row (i32.add (local.get $pOut) (i32.shl (i32.add (i32.mul (local.get $j) (local.get $outer)) (local.get $o)) (i32.const 2))))
            ${accs.flatMap((a, i) => [0, 1, 2, 3].map((l) => `(f32.store (local.get $row) (f32x4.extract_lane ${l} (local.get ${a}))) (local.set $row (i32.add (local.get $row) (local.get $outerB)))`)).join('\n            ')})
          (else
            (local.set $row (i32.add (local.get $pOut) (i32.shl (i32.add (i32.mul (local.get $o) (local.get $n)) (local.get $j)) (i32.const 2))))
            ${accs.map((a, i) => `(v128.store offset=${16 * i} (local.get $row) (local.get ${a}))`).join('\n            ')}))
        (local.set $o (i32.add (local.get $o) (i32.const 1)))
        (br $loopO${v})))
      (local.set $j (i32.add (local.get $j) (i32.const ${4 * v})))
      (local.set $dcol (i32.add (local.get $dcol) (i32.const ${16 * v})))
      (br $loopJ${v})))`;
  };
  return `
  (func (export "spmm")
    (param $pStart i32) (param $pIdx i32) (param $outer i32) (param $pCoef i32) (param $cso i32) (param $csi i32)
    (param $pDense i32) (param $ld i32) (param $n i32) (param $pOut i32) (param $outT i32)
    (local $outerB i32) (local $j i32) (local $o i32) (local $e i32) (local $end i32) (local $q i32) (local $row i32) (local $dcol i32)
    (local $cbase i32) (local $csoB i32) (local $csiB i32) (local $ldB i32) (local $x v128) (local $s f32)
    ${Array.from({ length: 8 }, (_, i) => `(local $s${i} v128)`).join(' ')}
    (local.set $csoB (i32.shl (local.get $cso) (i32.const 2)))
    (local.set $csiB (i32.shl (local.get $csi) (i32.const 2)))
    (local.set $ldB (i32.shl (local.get $ld) (i32.const 2)))
    (local.set $outerB (i32.shl (local.get $outer) (i32.const 2)))
    (local.set $dcol (local.get $pDense))
    ${SPMM_CHUNKS.map(chunk).join('\n')}
    ;; The last n % 4 columns, one float at a time.
    (block $doneJ (loop $loopJ
      (br_if $doneJ (i32.ge_s (local.get $j) (local.get $n)))
      (local.set $o (i32.const 0))
      (block $doneO (loop $loopO
        (br_if $doneO (i32.ge_s (local.get $o) (local.get $outer)))
        (local.set $s (f32.const 0))
        (local.set $e (i32.add (local.get $pIdx) (i32.shl (i32.load (i32.add (local.get $pStart) (i32.shl (local.get $o) (i32.const 2)))) (i32.const 2))))
        (local.set $end (i32.add (local.get $pIdx) (i32.shl (i32.load (i32.add (local.get $pStart) (i32.shl (i32.add (local.get $o) (i32.const 1)) (i32.const 2)))) (i32.const 2))))
        (local.set $cbase (i32.add (local.get $pCoef) (i32.mul (local.get $o) (local.get $csoB))))
        (block $doneE (loop $loopE
          (br_if $doneE (i32.ge_u (local.get $e) (local.get $end)))
          (local.set $q (i32.load (local.get $e)))
          (local.set $s (f32.add (local.get $s) (f32.mul
            (f32.load (i32.add (local.get $cbase) (i32.mul (local.get $q) (local.get $csiB))))
            (f32.load (i32.add (local.get $dcol) (i32.mul (local.get $q) (local.get $ldB)))))))
          (local.set $e (i32.add (local.get $e) (i32.const 4)))
          (br $loopE)))
        (f32.store (i32.add (local.get $pOut) (i32.shl
          (select (i32.add (i32.mul (local.get $j) (local.get $outer)) (local.get $o)) (i32.add (i32.mul (local.get $o) (local.get $n)) (local.get $j)) (local.get $outT))
          (i32.const 2))) (local.get $s))
        (local.set $o (i32.add (local.get $o) (i32.const 1)))
        (br $loopO)))
      (local.set $j (i32.add (local.get $j) (i32.const 1)))
      (local.set $dcol (i32.add (local.get $dcol) (i32.const 4)))
      (br $loopJ)))
  )`;
}
