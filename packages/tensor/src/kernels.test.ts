import { test, expect } from 'bun:test';
import { createFastGemm, sharedSimdLevel, simdChoice } from './kernels.ts';
import { detectSimd, enableRelaxedSimdOnNode20 } from './wasm/gemm-wasm.ts';
import { detectSharedSimd } from './wasm/shared-kernels.ts';
import { skipIf } from '../../../test-support/capabilities.ts';
import { inNode } from '../../../test-support/runtime.ts';

test('simdChoice reads a setting, naming where it came from when it is bad', () => {
  expect(simdChoice(undefined, 'DNN_SIMD')).toBe('auto');
  expect(simdChoice('', 'DNN_SIMD')).toBe('auto');
  for (const c of ['auto', 'relaxed', 'simd', 'off']) expect(simdChoice(c, 'DNN_SIMD')).toBe(c);
  expect(() => simdChoice('OFF', 'DNN_SIMD')).toThrow(expect.objectContaining({ name: 'RangeError', message: expect.stringMatching(/^DNN_SIMD: unknown SIMD choice "OFF"; choose auto, relaxed, simd, off$/) }));
});

test('the options pick the kernels: off the TypeScript loops, simd the plain SIMD kernel, auto the best', () => {
  const level = detectSimd();
  expect(level, 'every supported runtime has WebAssembly SIMD').not.toBe('none');
  expect(createFastGemm({ simd: 'off' }).path).toBe('typescript');
  expect(createFastGemm({ simd: 'simd' }).path).toBe('wasm-simd');
  expect(createFastGemm().path).toBe(`wasm-${level}`);
  expect(createFastGemm({ simd: 'auto' }).path).toBe(`wasm-${level}`);
  if (level === 'relaxed') expect(createFastGemm({ simd: 'relaxed' }).path).toBe('wasm-relaxed');
  else expect(() => createFastGemm({ simd: 'relaxed' })).toThrow(/relaxed SIMD is not available in this runtime/);
  expect(() => createFastGemm({ simd: 'fast' as never })).toThrow(/simd: unknown choice "fast"/);
  expect(sharedSimdLevel({ simd: 'off' })).toBe(null);
  expect(sharedSimdLevel({ simd: 'simd' })).toBe('simd');
  expect(sharedSimdLevel()).toBe(detectSharedSimd());
});

const node = (globalThis as { process?: { versions: Record<string, string | undefined> } }).process?.versions;
const node20 = inNode && node?.node?.startsWith('20.');
skipIf(node20 ? false : 'only Node 20 has relaxed SIMD behind a flag')('relaxed SIMD turned on after kernels were chosen applies to the kernels made next (no import order)', () => {
  // This file's process may already have the flag (set by an earlier run of this test); the order still holds.
  const before = detectSimd();
  const gemmBefore = createFastGemm();
  expect(enableRelaxedSimdOnNode20()).toBe(true);
  expect(detectSimd(), `detected ${before} before, relaxed after`).toBe('relaxed');
  expect(createFastGemm().path).toBe('wasm-relaxed');
  expect(gemmBefore.path, 'kernels made before keep their level').toBe(`wasm-${before}`);
});
