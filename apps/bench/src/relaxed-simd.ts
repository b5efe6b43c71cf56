// Node 20 keeps relaxed SIMD behind a flag that later versions turn on; the
// benchmark, like the CLI, is its own process and turns it on first.
import * as v8 from 'node:v8';

const versions = process.versions as Record<string, string | undefined>;
if (versions.node && !versions.bun && !(globalThis as { Deno?: unknown }).Deno && Number(versions.node.split('.')[0]) < 22) {
  v8.setFlagsFromString('--experimental-wasm-relaxed-simd');
}
