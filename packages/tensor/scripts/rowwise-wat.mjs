// Generates the WebAssembly text of ReLU's two passes, the element-wise work
// that remains of a dense layer once its GEMMs are in WebAssembly (in
// JavaScript they took about a fifth of a training step). Same results as
// the loops in src/rowwise.ts and src/activations.ts, bit for bit: one f32
// add, a max that keeps NaN, a mask.

/** x[r, c] += bias[c]; y[r, c] = max(x[r, c], 0), NaN kept. */
export function biasReluFunc() {
  const addr = (base, i) => `(i32.add (local.get ${base}) (i32.shl ${i} (i32.const 2)))`;
  const at = '(i32.add (local.get $o) (local.get $c))';
  return `
  (func (export "biasRelu") (param $px i32) (param $pb i32) (param $py i32) (param $rows i32) (param $cols i32)
    (local $r i32) (local $c i32) (local $o i32) (local $v v128) (local $s f32)
    (local.set $r (i32.const 0))
    (block $doneR (loop $loopR
      (br_if $doneR (i32.ge_s (local.get $r) (local.get $rows)))
      (local.set $o (i32.mul (local.get $r) (local.get $cols)))
      (local.set $c (i32.const 0))
      (block $doneC (loop $loopC
        (br_if $doneC (i32.gt_s (i32.add (local.get $c) (i32.const 4)) (local.get $cols)))
        (local.set $v (f32x4.add (v128.load ${addr('$px', at)}) (v128.load ${addr('$pb', '(local.get $c)')})))
        (v128.store ${addr('$px', at)} (local.get $v))
        (v128.store ${addr('$py', at)} (f32x4.max (local.get $v) (v128.const i32x4 0 0 0 0)))
        (local.set $c (i32.add (local.get $c) (i32.const 4)))
        (br $loopC)))
      (block $doneT (loop $loopT
        (br_if $doneT (i32.ge_s (local.get $c) (local.get $cols)))
        (local.set $s (f32.add (f32.load ${addr('$px', at)}) (f32.load ${addr('$pb', '(local.get $c)')})))
        (f32.store ${addr('$px', at)} (local.get $s))
        (f32.store ${addr('$py', at)} (f32.max (local.get $s) (f32.const 0)))
        (local.set $c (i32.add (local.get $c) (i32.const 1)))
        (br $loopT)))
      (local.set $r (i32.add (local.get $r) (i32.const 1)))
      (br $loopR)))
  )`;
}

/** dx = x > 0 ? dy : 0 over n elements (dx may alias dy). */
export function reluBackwardFunc() {
  return `
  (func (export "reluBackward") (param $px i32) (param $pdy i32) (param $pdx i32) (param $n i32)
    (local $i i32) (local $off i32)
    (local.set $i (i32.const 0))
    (block $doneV (loop $loopV
      (br_if $doneV (i32.gt_s (i32.add (local.get $i) (i32.const 4)) (local.get $n)))
      (local.set $off (i32.shl (local.get $i) (i32.const 2)))
      (v128.store (i32.add (local.get $pdx) (local.get $off))
        (v128.and (v128.load (i32.add (local.get $pdy) (local.get $off)))
          (f32x4.gt (v128.load (i32.add (local.get $px) (local.get $off))) (v128.const i32x4 0 0 0 0))))
      (local.set $i (i32.add (local.get $i) (i32.const 4)))
      (br $loopV)))
    (block $doneS (loop $loopS
      (br_if $doneS (i32.ge_s (local.get $i) (local.get $n)))
      (local.set $off (i32.shl (local.get $i) (i32.const 2)))
      (f32.store (i32.add (local.get $pdx) (local.get $off))
        (select (f32.load (i32.add (local.get $pdy) (local.get $off))) (f32.const 0)
          (f32.gt (f32.load (i32.add (local.get $px) (local.get $off))) (f32.const 0))))
      (local.set $i (i32.add (local.get $i) (i32.const 1)))
      (br $loopS)))
  )`;
}
