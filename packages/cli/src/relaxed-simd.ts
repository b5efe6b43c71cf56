/**
 * Node 20's V8 has relaxed SIMD (fused multiply-add) behind a flag that
 * later versions turn on by default. The CLI is its own process, so it turns
 * the flag on before any WebAssembly is compiled; libraries never do this.
 * Imported first by cli.ts for that side effect.
 */
import * as v8 from 'node:v8';

const g = globalThis as { Deno?: unknown; process?: { versions: Record<string, string | undefined> } };
const node = g.process?.versions.node;
if (node && !g.Deno && !g.process?.versions.bun && Number(node.split('.')[0]) < 22) {
  try {
    v8.setFlagsFromString('--experimental-wasm-relaxed-simd');
  } catch {
    // Without it the plain SIMD kernel runs; nothing else changes.
  }
}
