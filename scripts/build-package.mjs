// Builds the package in the current folder: esbuild bundles src/index.ts
// into dist/index.js (ESM, dependencies left as imports) and tsc writes the
// .d.ts files. Shared by every package so the build is defined once.
import { build } from 'esbuild';
import { execFileSync } from 'node:child_process';
import { rmSync, readFileSync, existsSync } from 'node:fs';
import { createRequire } from 'node:module';

const pkg = JSON.parse(readFileSync('package.json', 'utf8'));
const entries = pkg.dnnBuild?.entries ?? ['src/index.ts'];
rmSync('dist', { recursive: true, force: true });

await build({
  entryPoints: entries,
  outdir: 'dist',
  bundle: true,
  format: 'esm',
  platform: pkg.dnnBuild?.platform ?? 'neutral',
  target: 'es2022',
  packages: 'external',
  sourcemap: true,
  banner: pkg.dnnBuild?.banner ? { js: pkg.dnnBuild.banner } : undefined,
  logLevel: 'warning',
});

if (existsSync('tsconfig.json') && pkg.dnnBuild?.types !== false) {
  const tsc = createRequire(import.meta.url).resolve('typescript/bin/tsc');
  execFileSync(process.execPath, [tsc, '-p', 'tsconfig.json'], { stdio: 'inherit' });
}
