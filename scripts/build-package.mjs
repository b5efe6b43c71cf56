// Builds the package in the current folder: esbuild bundles src/index.ts
// into dist/index.js (ESM, dependencies left as imports) and tsc writes the
// .d.ts files. Shared by every package so the build is defined once.
import { build } from 'esbuild';
import { execFileSync } from 'node:child_process';
import { chmodSync, rmSync, readFileSync, writeFileSync, readdirSync, existsSync } from 'node:fs';
import { dirname, join, relative } from 'node:path';
import { createRequire } from 'node:module';

const pkg = JSON.parse(readFileSync('package.json', 'utf8'));
// Entries: a list of paths, or { outName: path } to name the outputs. An entry
// that starts with @ is another package's export (its worker script, say).
const rel = (e) => (e.startsWith('.') || e.startsWith('@') ? e : `./${e}`);
const given = pkg.dnnBuild?.entries ?? ['src/index.ts'];
const entries = Array.isArray(given) ? given.map(rel) : Object.fromEntries(Object.entries(given).map(([k, v]) => [k, rel(v)]));
rmSync('dist', { recursive: true, force: true });

await build({
  entryPoints: entries,
  outdir: 'dist',
  bundle: true,
  format: 'esm',
  platform: pkg.dnnBuild?.platform ?? 'neutral',
  target: 'es2022',
  // Libraries leave every dependency as an import; the CLI bundles our own
  // packages and keeps only the ones it names external.
  ...(pkg.dnnBuild?.external ? { external: pkg.dnnBuild.external } : { packages: 'external' }),
  // No source maps: a published map would point at sources the package does not ship.
  sourcemap: false,
  // Several entries of one library share their modules (one DataError class, not two).
  splitting: Boolean(pkg.dnnBuild?.splitting),
  banner: pkg.dnnBuild?.banner ? { js: pkg.dnnBuild.banner } : undefined,
  logLevel: 'warning',
  define: { __DNN_VERSION__: JSON.stringify(pkg.version) },
});

if (existsSync('tsconfig.json') && pkg.dnnBuild?.types !== false) {
  const tsc = createRequire(import.meta.url).resolve('typescript/bin/tsc');
  execFileSync(process.execPath, [tsc, '-p', 'tsconfig.json'], { stdio: 'inherit' });
}

// tsc keeps our './x.ts' specifiers in the .d.ts files; point them at the
// emitted './x.js' names so consumers resolve them under any resolution.
// TypeScript declares the WebAssembly namespace only in its DOM and worker
// libraries, so a Node project without them could not compile a declaration
// that names WebAssembly.Memory: such files reference a small ambient file
// whose empty interfaces merge with the DOM's where a project has it.
const WASM_GLOBALS = 'wasm-globals.d.ts';
function fixDeclarations(dir) {
  if (!existsSync(dir)) return;
  for (const name of readdirSync(dir, { withFileTypes: true })) {
    const path = join(dir, name.name);
    if (name.isDirectory()) fixDeclarations(path);
    else if (name.name.endsWith('.d.ts') && name.name !== WASM_GLOBALS) {
      const text = readFileSync(path, 'utf8');
      let fixed = text.replace(/(from\s+|import\()(['"])(\.{1,2}\/[^'"]+)\.ts\2/g, '$1$2$3.js$2');
      if (/\bWebAssembly\./.test(fixed)) {
        const rel = relative(dirname(path), join('dist', WASM_GLOBALS)).replaceAll('\\', '/');
        fixed = `/// <reference path="${rel.startsWith('.') ? rel : `./${rel}`}" />\n${fixed}`;
        writeFileSync(join('dist', WASM_GLOBALS), 'declare namespace WebAssembly {\n  interface Memory {}\n  interface Module {}\n  interface Instance {}\n}\n');
      }
      if (fixed !== text) writeFileSync(path, fixed);
    }
  }
}
fixDeclarations('dist');

// The bundled program is executable too (the bin shim in bin/ imports it).
if (pkg.dnnBuild?.banner) for (const f of readdirSync('dist')) if (f.endsWith('.js') && !f.includes('worker')) chmodSync(join('dist', f), 0o755);
