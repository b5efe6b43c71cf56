import { gemm } from './gemm.ts';
import { createWasmGemm, detectSimd } from './wasm/gemm-wasm.ts';
import { createBlockedGemm } from './gemm-blocked.ts';
import { randomArray } from './compare.ts';
import { Rng } from './random.ts';
const rng = new Rng(1);
const paths: [string, any][] = [['blocked', createBlockedGemm()], ['simd', createWasmGemm('simd')]];
if (detectSimd() === 'relaxed') paths.push(['relaxed', createWasmGemm('relaxed')]);
for (const [m, n, k, ta, tb] of [[100, 400, 784, false, true], [400, 784, 100, true, false], [100, 784, 400, false, false], [100,200,400,false,true]] as const) {
  const a = randomArray(rng, m*k), b = randomArray(rng, k*n), c = new Float32Array(m*n);
  const line = [`${m}x${n}x${k} ${ta?'T':'N'}${tb?'T':'N'}`];
  for (const [name, f] of paths) {
    f(ta, tb, m, n, k, 1, a, b, 0, c);
    let reps = 0; const t0 = performance.now(); let t = 0;
    while ((t = performance.now() - t0) < 300) { f(ta, tb, m, n, k, 1, a, b, 0, c); reps++; }
    line.push(`${name} ${(2*m*n*k*reps/t/1e6).toFixed(1)}`);
  }
  console.log(line.join('  '));
}
