import { test } from 'node:test';
import assert from 'node:assert/strict';
import { createFastGemm, sharedSimdLevel, simdChoice } from './kernels.ts';
import { detectSimd, enableRelaxedSimdOnNode20 } from './wasm/gemm-wasm.ts';
import { detectSharedSimd } from './wasm/shared-kernels.ts';

test('simdChoice reads a setting, naming where it came from when it is bad', () => {
  assert.equal(simdChoice(undefined, 'DNN_SIMD'), 'auto');
  assert.equal(simdChoice('', 'DNN_SIMD'), 'auto');
  for (const c of ['auto', 'relaxed', 'simd', 'off']) assert.equal(simdChoice(c, 'DNN_SIMD'), c);
  assert.throws(() => simdChoice('OFF', 'DNN_SIMD'), /^RangeError: DNN_SIMD: unknown SIMD choice "OFF"; choose auto, relaxed, simd, off$/);
});

test('the options pick the kernels: off the TypeScript loops, simd the plain SIMD kernel, auto the best', () => {
  const level = detectSimd();
  assert.notEqual(level, 'none', 'every supported runtime has WebAssembly SIMD');
  assert.equal(createFastGemm({ simd: 'off' }).path, 'typescript');
  assert.equal(createFastGemm({ simd: 'simd' }).path, 'wasm-simd');
  assert.equal(createFastGemm().path, `wasm-${level}`);
  assert.equal(createFastGemm({ simd: 'auto' }).path, `wasm-${level}`);
  if (level === 'relaxed') assert.equal(createFastGemm({ simd: 'relaxed' }).path, 'wasm-relaxed');
  else assert.throws(() => createFastGemm({ simd: 'relaxed' }), /relaxed SIMD is not available in this runtime/);
  assert.throws(() => createFastGemm({ simd: 'fast' as never }), /simd: unknown choice "fast"/);
  assert.equal(sharedSimdLevel({ simd: 'off' }), null);
  assert.equal(sharedSimdLevel({ simd: 'simd' }), 'simd');
  assert.equal(sharedSimdLevel(), detectSharedSimd());
});

const node = (globalThis as { process?: { versions: Record<string, string | undefined> } }).process?.versions;
const node20 = !(globalThis as { Deno?: unknown }).Deno && !node?.bun && node?.node?.startsWith('20.');
test('relaxed SIMD turned on after kernels were chosen applies to the kernels made next (no import order)', { skip: node20 ? false : 'only Node 20 has relaxed SIMD behind a flag' }, () => {
  // This file's process may already have the flag (set by an earlier run of this test); the order still holds.
  const before = detectSimd();
  const gemmBefore = createFastGemm();
  assert.equal(enableRelaxedSimdOnNode20(), true);
  assert.equal(detectSimd(), 'relaxed', `detected ${before} before, relaxed after`);
  assert.equal(createFastGemm().path, 'wasm-relaxed');
  assert.equal(gemmBefore.path, `wasm-${before}`, 'kernels made before keep their level');
});
