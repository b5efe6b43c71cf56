// Generates the WebAssembly text of the convolution's and pooling's memory
// passes: im2col and its adjoint col2im, the copies between the GEMM's
// channel-major product and NCHW images (with bias, ReLU and its gate),
// and 2x2 max pooling. In JavaScript over the shared arena these passes took
// two thirds of a CNN step; the GEMMs do the arithmetic. Each computes what
// the loops of src/conv.ts and src/pool.ts compute, in the same order where
// the result depends on it (col2im's sums), so results match bit for bit
// except the bias gradient's summation order.

const get = (x) => `(local.get $${x})`;
const set = (x, v) => `(local.set $${x} ${v})`;
const add = (a, b) => `(i32.add ${a} ${b})`;
const mul = (a, b) => `(i32.mul ${a} ${b})`;
const shl2 = (a) => `(i32.shl ${a} (i32.const 2))`;
const inc = (x, by = '(i32.const 1)') => set(x, add(get(x), by));
/** for (x = from; x < to; x += step) body */
const loop = (x, from, to, body, step = '(i32.const 1)') => `${set(x, from)}
    (block $done_${x} (loop $loop_${x}
      (br_if $done_${x} (i32.ge_s ${get(x)} ${to}))
      ${body}
      ${inc(x, step)}
      (br $loop_${x})))`;
const locals = (names, type = 'i32') => names.map((n) => `(local $${n} ${type})`).join(' ');

// The outputs ox whose tap kx lands inside a row: [lo, hi), as validRange in src/conv.ts.
const validRange = `
      (local.set $lo (if (result i32) (i32.gt_s ${get('pad')} ${get('kx')})
        (then (i32.div_u (i32.add (i32.sub ${get('pad')} ${get('kx')}) (i32.sub ${get('s')} (i32.const 1))) ${get('s')}))
        (else (i32.const 0))))
      (local.set $t (i32.sub (i32.add (i32.sub ${get('W')} (i32.const 1)) ${get('pad')}) ${get('kx')}))
      (local.set $hi (if (result i32) (i32.lt_s ${get('t')} (i32.const 0)) (then (i32.const 0)) (else (i32.add (i32.div_u ${get('t')} ${get('s')}) (i32.const 1)))))
      (if (i32.gt_s ${get('hi')} ${get('OW')}) (then ${set('hi', get('OW'))}))
      (if (i32.lt_s ${get('hi')} ${get('lo')}) (then ${set('hi', get('lo'))}))`;

const convParams = '(param $C i32) (param $H i32) (param $W i32) (param $k i32) (param $s i32) (param $pad i32) (param $OH i32) (param $OW i32) (param $rows i32)';
const convLocals = locals(['c', 'ky', 'kx', 'r', 'oy', 'ox', 'lo', 'hi', 't', 'at', 'iy', 'row', 'plane', 'shift', 'whole']);

/**
 * The loop nest both share: for each tap (c, ky, kx), image r and output row
 * oy, `$at` walks the column matrix in order and `$row` points at input
 * column 0 of the tap's row (`inside`), or the row lies in the padding
 * (`outside`). A tap whose every output row lies wholly inside the image
 * (stride 1, OW a multiple of 4, no padding reached: every tap of a valid
 * convolution of such a width) runs `whole` on each row instead, with
 * nothing to check per row.
 */
function tapRows(inside, outside, whole) {
  return `
    (local.set $at ${get('pcol')})
    ${loop('c', '(i32.const 0)', get('C'), loop('ky', '(i32.const 0)', get('k'), loop('kx', '(i32.const 0)', get('k'), `
      ${validRange}
      (local.set $shift (i32.sub ${get('kx')} ${get('pad')}))
      (local.set $whole (i32.and
        (i32.and (i32.eq ${get('s')} (i32.const 1)) (i32.and (i32.eqz ${get('lo')}) (i32.eq ${get('hi')} ${get('OW')})))
        (i32.and (i32.eqz (i32.and ${get('OW')} (i32.const 3)))
          (i32.and (i32.ge_s (i32.sub ${get('ky')} ${get('pad')}) (i32.const 0)) (i32.lt_s (i32.sub (i32.add (i32.sub ${get('OH')} (i32.const 1)) ${get('ky')}) ${get('pad')}) ${get('H')})))))
      (if ${get('whole')}
        (then
          ${loop('r', '(i32.const 0)', get('rows'), `
            (local.set $row (i32.add ${get('px')} ${shl2(add(add(mul(add(mul(get('r'), get('C')), get('c')), mul(get('H'), get('W'))), mul(`(i32.sub ${get('ky')} ${get('pad')})`, get('W'))), get('shift')))}))
            ${loop('oy', '(i32.const 0)', get('OH'), `
              ${loop('ox', '(i32.const 0)', get('OW'), whole, '(i32.const 4)')}
              ${inc('row', shl2(get('W')))}
              ${inc('at', shl2(get('OW')))}`)}`)})
        (else
      ${loop('r', '(i32.const 0)', get('rows'), `
        (local.set $plane ${mul(add(mul(get('r'), get('C')), get('c')), mul(get('H'), get('W')))})
        ${loop('oy', '(i32.const 0)', get('OH'), `
          (local.set $iy (i32.sub (i32.add (i32.mul ${get('oy')} ${get('s')}) ${get('ky')}) ${get('pad')}))
          (if (i32.or (i32.lt_s ${get('iy')} (i32.const 0)) (i32.ge_s ${get('iy')} ${get('H')}))
            (then ${outside})
            (else
              (local.set $row (i32.add ${get('px')} ${shl2(add(add(get('plane'), mul(get('iy'), get('W'))), get('shift')))}))
              ${inside}))
          ${inc('at', shl2(get('OW')))}`)}`)}))`)))}`;
}

/** col[(c k + ky) k + kx, r P + oy OW + ox] = x[r, c, oy s + ky - pad, ox s + kx - pad], 0 outside. */
function im2colFunc() {
  const zero = (from, to) => loop('ox', from, to, `(f32.store ${add(get('at'), shl2(get('ox')))} (f32.const 0))`);
  const inside = `
              ${zero('(i32.const 0)', get('lo'))}
              (if (i32.eq ${get('s')} (i32.const 1))
                (then
                  ${set('ox', get('lo'))}
                  (block $doneV (loop $loopV
                    (br_if $doneV (i32.gt_s (i32.add ${get('ox')} (i32.const 4)) ${get('hi')}))
                    (v128.store ${add(get('at'), shl2(get('ox')))} (v128.load ${add(get('row'), shl2(get('ox')))}))
                    ${inc('ox', '(i32.const 4)')}
                    (br $loopV)))
                  ${loop('ox', get('ox'), get('hi'), `(f32.store ${add(get('at'), shl2(get('ox')))} (f32.load ${add(get('row'), shl2(get('ox')))}))`)})
                (else
                  ${loop('ox', get('lo'), get('hi'), `(f32.store ${add(get('at'), shl2(get('ox')))} (f32.load ${add(get('row'), shl2(mul(get('ox'), get('s'))))}))`)}))
              ${zero(get('hi'), get('OW'))}`;
  return `
  (func (export "im2col") (param $px i32) (param $pcol i32) ${convParams}
    ${convLocals}
    ${tapRows(inside, zero('(i32.const 0)', get('OW')), `(v128.store ${add(get('at'), shl2(get('ox')))} (v128.load ${add(get('row'), shl2(get('ox')))}))`)}
  )`;
}

/** dx[r, c, iy, ix] += every col entry im2col read from it (dx zeroed by the caller), in im2col's order. */
function col2imFunc() {
  const addAt = (dxAddr, colAddr) => `(f32.store ${dxAddr} (f32.add (f32.load ${dxAddr}) (f32.load ${colAddr})))`;
  const inside = `
              (if (i32.eq ${get('s')} (i32.const 1))
                (then
                  ${set('ox', get('lo'))}
                  (block $doneV (loop $loopV
                    (br_if $doneV (i32.gt_s (i32.add ${get('ox')} (i32.const 4)) ${get('hi')}))
                    (v128.store ${add(get('row'), shl2(get('ox')))} (f32x4.add (v128.load ${add(get('row'), shl2(get('ox')))}) (v128.load ${add(get('at'), shl2(get('ox')))})))
                    ${inc('ox', '(i32.const 4)')}
                    (br $loopV)))
                  ${loop('ox', get('ox'), get('hi'), addAt(add(get('row'), shl2(get('ox'))), add(get('at'), shl2(get('ox')))))})
                (else
                  ${loop('ox', get('lo'), get('hi'), addAt(add(get('row'), shl2(mul(get('ox'), get('s')))), add(get('at'), shl2(get('ox')))))}))`;
  // Here $px is dx and $pcol the column gradient.
  return `
  (func (export "col2im") (param $px i32) (param $pcol i32) ${convParams}
    ${convLocals}
    ${tapRows(inside, '(nop)', `(v128.store ${add(get('row'), shl2(get('ox')))} (f32x4.add (v128.load ${add(get('row'), shl2(get('ox')))}) (v128.load ${add(get('at'), shl2(get('ox')))})))`)}
  )`;
}

/** y[r, o, i] = t[o, r P + i] + b[o], then max(., 0) keeping NaN when relu. */
function channelsToImagesFunc() {
  return `
  (func (export "channelsToImages") (param $pt i32) (param $pb i32) (param $py i32) (param $O i32) (param $rows i32) (param $P i32) (param $relu i32)
    ${locals(['r', 'o', 'i', 'src', 'dst', 'N'])} (local $bv v128) (local $v v128) (local $bs f32) (local $s f32)
    (local.set $N (i32.mul ${get('rows')} ${get('P')}))
    (local.set $dst ${get('py')})
    ${loop('r', '(i32.const 0)', get('rows'), loop('o', '(i32.const 0)', get('O'), `
      (local.set $bs (f32.load ${add(get('pb'), shl2(get('o')))}))
      (local.set $bv (f32x4.splat ${get('bs')}))
      (local.set $src (i32.add ${get('pt')} ${shl2(add(mul(get('o'), get('N')), mul(get('r'), get('P'))))}))
      ${set('i', '(i32.const 0)')}
      (block $doneV (loop $loopV
        (br_if $doneV (i32.gt_s (i32.add ${get('i')} (i32.const 4)) ${get('P')}))
        (local.set $v (f32x4.add (v128.load ${add(get('src'), shl2(get('i')))}) ${get('bv')}))
        (if ${get('relu')} (then (local.set $v (f32x4.max ${get('v')} (v128.const i32x4 0 0 0 0)))))
        (v128.store ${add(get('dst'), shl2(get('i')))} ${get('v')})
        ${inc('i', '(i32.const 4)')}
        (br $loopV)))
      ${loop('i', get('i'), get('P'), `
        (local.set $s (f32.add (f32.load ${add(get('src'), shl2(get('i')))}) ${get('bs')}))
        (if ${get('relu')} (then (local.set $s (f32.max ${get('s')} (f32.const 0)))))
        (f32.store ${add(get('dst'), shl2(get('i')))} ${get('s')})`)}
      ${inc('dst', shl2(get('P')))}`))}
  )`;
}

/**
 * t[o, r P + i] = dy[r, o, i], gated by y > 0 when relu; db[o] = the sum
 * of t's row o (four f32 lanes per image, added up in f64).
 */
function imagesToChannelsFunc() {
  return `
  (func (export "imagesToChannels") (param $py i32) (param $pdy i32) (param $pt i32) (param $pdb i32) (param $O i32) (param $rows i32) (param $P i32) (param $relu i32)
    ${locals(['r', 'o', 'i', 'src', 'dst', 'N'])} (local $v v128) (local $acc v128) (local $s f32) (local $tail f32) (local $sum f64)
    (local.set $N (i32.mul ${get('rows')} ${get('P')}))
    ${loop('o', '(i32.const 0)', get('O'), `
      (local.set $sum (f64.const 0))
      ${loop('r', '(i32.const 0)', get('rows'), `
        (local.set $src ${shl2(mul(add(mul(get('r'), get('O')), get('o')), get('P')))})
        (local.set $dst (i32.add ${get('pt')} ${shl2(add(mul(get('o'), get('N')), mul(get('r'), get('P'))))}))
        (local.set $acc (v128.const i32x4 0 0 0 0))
        (local.set $tail (f32.const 0))
        ${set('i', '(i32.const 0)')}
        (block $doneV (loop $loopV
          (br_if $doneV (i32.gt_s (i32.add ${get('i')} (i32.const 4)) ${get('P')}))
          (local.set $v (v128.load ${add(add(get('pdy'), get('src')), shl2(get('i')))}))
          (if ${get('relu')} (then (local.set $v (v128.and ${get('v')} (f32x4.gt (v128.load ${add(add(get('py'), get('src')), shl2(get('i')))}) (v128.const i32x4 0 0 0 0))))))
          (v128.store ${add(get('dst'), shl2(get('i')))} ${get('v')})
          (local.set $acc (f32x4.add ${get('acc')} ${get('v')}))
          ${inc('i', '(i32.const 4)')}
          (br $loopV)))
        ${loop('i', get('i'), get('P'), `
          (local.set $s (f32.load ${add(add(get('pdy'), get('src')), shl2(get('i')))}))
          (if ${get('relu')} (then (if (i32.eqz (f32.gt (f32.load ${add(add(get('py'), get('src')), shl2(get('i')))}) (f32.const 0))) (then (local.set $s (f32.const 0))))))
          (f32.store ${add(get('dst'), shl2(get('i')))} ${get('s')})
          (local.set $tail (f32.add ${get('tail')} ${get('s')}))`)}
        (local.set $sum (f64.add ${get('sum')} (f64.promote_f32 (f32.add
          (f32.add (f32.add (f32x4.extract_lane 0 ${get('acc')}) (f32x4.extract_lane 1 ${get('acc')})) (f32.add (f32x4.extract_lane 2 ${get('acc')}) (f32x4.extract_lane 3 ${get('acc')})))
          ${get('tail')}))))`)}
      (f32.store ${add(get('pdb'), shl2(get('o')))} (f32.demote_f64 ${get('sum')}))`)}
  )`;
}

// Lanes 0, 2, 4, 6 and 1, 3, 5, 7 of two f32x4 (the even and odd columns of eight).
const EVEN = '0 1 2 3 8 9 10 11 16 17 18 19 24 25 26 27';
const ODD = '4 5 6 7 12 13 14 15 20 21 22 23 28 29 30 31';
// The inverse: interleave two f32x4 into the low and high four of eight.
const LOW = '0 1 2 3 16 17 18 19 4 5 6 7 20 21 22 23';
const HIGH = '8 9 10 11 24 25 26 27 12 13 14 15 28 29 30 31';

/** The four values of each window: a b on row 2 oy, c d below; four windows at once. */
const windows4 = `
        (local.set $v0 (v128.load ${get('i')}))
        (local.set $v1 (v128.load offset=16 ${get('i')}))
        (local.set $w0 (v128.load ${add(get('i'), get('rowBytes'))}))
        (local.set $w1 (v128.load offset=16 ${add(get('i'), get('rowBytes'))}))
        (local.set $a (i8x16.shuffle ${EVEN} ${get('v0')} ${get('v1')}))
        (local.set $b (i8x16.shuffle ${ODD} ${get('v0')} ${get('v1')}))
        (local.set $c (i8x16.shuffle ${EVEN} ${get('w0')} ${get('w1')}))
        (local.set $d (i8x16.shuffle ${ODD} ${get('w0')} ${get('w1')}))`;
const poolParams = '(param $planes i32) (param $H i32) (param $W i32) (param $OH i32) (param $OW i32)';
const poolLocals = `${locals(['pl', 'oy', 'ox', 'i', 'o', 'rowBytes', 'best'])} ${locals(['v0', 'v1', 'w0', 'w1', 'a', 'b', 'c', 'd', 'm', 'gb', 'gc', 'gd'], 'v128')} (local $fa f32) (local $fb f32) (local $fc f32) (local $fd f32) (local $fm f32)`;
/** Runs `vector` on four windows at a time and `scalar` on each one left, with $i at the window's top-left and $o counting outputs (bytes). */
const poolLoops = (vector, scalar) => `
    (local.set $rowBytes ${shl2(get('W'))})
    (local.set $o (i32.const 0))
    ${loop('pl', '(i32.const 0)', get('planes'), loop('oy', '(i32.const 0)', get('OH'), `
      (local.set $i (i32.add ${get('px')} ${shl2(add(mul(get('pl'), mul(get('H'), get('W'))), mul(mul(get('oy'), (`(i32.const 2)`)), get('W'))))}))
      ${set('ox', '(i32.const 0)')}
      (block $doneV (loop $loopV
        (br_if $doneV (i32.gt_s (i32.add ${get('ox')} (i32.const 4)) ${get('OW')}))
        ${windows4}
        ${vector}
        ${inc('i', '(i32.const 32)')}
        ${inc('o', '(i32.const 16)')}
        ${inc('ox', '(i32.const 4)')}
        (br $loopV)))
      ${loop('ox', get('ox'), get('OW'), `
        (local.set $fa (f32.load ${get('i')}))
        (local.set $fb (f32.load offset=4 ${get('i')}))
        (local.set $fc (f32.load ${add(get('i'), get('rowBytes'))}))
        (local.set $fd (f32.load offset=4 ${add(get('i'), get('rowBytes'))}))
        ${scalar}
        ${inc('i', '(i32.const 8)')}
        ${inc('o', '(i32.const 4)')}`)}`))}`;

/** y = each 2x2 window's first maximum in row-major order, compared as the loops of src/pool.ts compare. */
function maxPoolFunc() {
  // pmax(m, v) = m < v ? v : m: the same choice as v > m ? v : m, NaN included.
  const pick = (m, v) => `(select ${v} ${m} (f32.gt ${v} ${m}))`;
  return `
  (func (export "maxPool2") (param $px i32) (param $py i32) ${poolParams}
    ${poolLocals}
    ${poolLoops(
      `(v128.store ${add(get('py'), get('o'))} (f32x4.pmax (f32x4.pmax (f32x4.pmax ${get('a')} ${get('b')}) ${get('c')}) ${get('d')}))`,
      `(local.set $fa ${pick(get('fa'), get('fb'))})
        (local.set $fa ${pick(get('fa'), get('fc'))})
        (f32.store ${add(get('py'), get('o'))} ${pick(get('fa'), get('fd'))})`,
    )}
  )`;
}

/**
 * dx gets dy at each window's first maximum in row-major order and 0 at its
 * other three values (dx's dropped odd row or column is the caller's to zero).
 */
function maxPoolBackwardFunc() {
  return `
  (func (export "maxPool2Backward") (param $px i32) (param $pdy i32) (param $pdx i32) ${poolParams}
    ${poolLocals}
    ;; Byte distance from x to dx: windows are addressed through x.
    (local.set $best (i32.sub ${get('pdx')} ${get('px')}))
    ${poolLoops(
      `;; The winner so far and the masks of "a later value is larger", as the scalar loop decides.
        (local.set $gb (f32x4.gt ${get('b')} ${get('a')}))
        (local.set $m (f32x4.pmax ${get('a')} ${get('b')}))
        (local.set $gc (f32x4.gt ${get('c')} ${get('m')}))
        (local.set $m (f32x4.pmax ${get('m')} ${get('c')}))
        (local.set $gd (f32x4.gt ${get('d')} ${get('m')}))
        (local.set $m (v128.load ${add(get('pdy'), get('o'))}))
        ;; d wins if gd; c if gc and not gd; b if gb and neither; a otherwise.
        (local.set $gc (v128.andnot ${get('gc')} ${get('gd')}))
        (local.set $gb (v128.andnot (v128.andnot ${get('gb')} ${get('gd')}) ${get('gc')}))
        (local.set $a (v128.andnot ${get('m')} (v128.or (v128.or ${get('gb')} ${get('gc')}) ${get('gd')})))
        (local.set $b (v128.and ${get('m')} ${get('gb')}))
        (local.set $c (v128.and ${get('m')} ${get('gc')}))
        (local.set $d (v128.and ${get('m')} ${get('gd')}))
        (v128.store ${add(get('i'), get('best'))} (i8x16.shuffle ${LOW} ${get('a')} ${get('b')}))
        (v128.store offset=16 ${add(get('i'), get('best'))} (i8x16.shuffle ${HIGH} ${get('a')} ${get('b')}))
        (v128.store ${add(add(get('i'), get('best')), get('rowBytes'))} (i8x16.shuffle ${LOW} ${get('c')} ${get('d')}))
        (v128.store offset=16 ${add(add(get('i'), get('best')), get('rowBytes'))} (i8x16.shuffle ${HIGH} ${get('c')} ${get('d')}))`,
      `(local.set $fm (f32.load ${add(get('pdy'), get('o'))}))
        (f32.store ${add(get('i'), get('best'))} (f32.const 0))
        (f32.store offset=4 ${add(get('i'), get('best'))} (f32.const 0))
        (f32.store ${add(add(get('i'), get('best')), get('rowBytes'))} (f32.const 0))
        (f32.store offset=4 ${add(add(get('i'), get('best')), get('rowBytes'))} (f32.const 0))
        (call $storeFirstMax ${get('i')} ${add(get('i'), get('best'))} ${get('rowBytes')} ${get('fa')} ${get('fb')} ${get('fc')} ${get('fd')} ${get('fm')})`,
    )}
  )
  ;; The scalar window: dx at the first maximum of a, b, c, d (x at $at, dx at $dat, rows $rb bytes apart) gets g.
  (func $storeFirstMax (param $at i32) (param $dat i32) (param $rb i32) (param $a f32) (param $b f32) (param $c f32) (param $d f32) (param $g f32)
    (local $off i32) (local $m f32)
    (local.set $off (i32.const 0))
    (local.set $m ${get('a')})
    (if (f32.gt ${get('b')} ${get('m')}) (then (local.set $off (i32.const 4)) (local.set $m ${get('b')})))
    (if (f32.gt ${get('c')} ${get('m')}) (then (local.set $off ${get('rb')}) (local.set $m ${get('c')})))
    (if (f32.gt ${get('d')} ${get('m')}) (then (local.set $off (i32.add ${get('rb')} (i32.const 4)))))
    (f32.store ${add(get('dat'), get('off'))} ${get('g')})
  )`;
}

/** Every function of this file, for the shared-memory module. */
export function convFuncs() {
  return [im2colFunc(), col2imFunc(), channelsToImagesFunc(), imagesToChannelsFunc(), maxPoolFunc(), maxPoolBackwardFunc()];
}
