// Proof from packed packages: packs every package with `npm pack`, installs
// the tarballs into a fresh project outside the workspace, and there runs
// what users run: `npx dnn-cli`, `bunx dnn-cli`, `deno run -A npm:dnn-cli`,
// an API script under Node, Bun and Deno, `tsc --noEmit` and `deno check`,
// and an esbuild browser bundle that must contain no Node built-in. It also
// holds each package's packed size under scripts/size-budgets.json.
// Prints TAP-style closing lines (# pass N / # fail N) for test-all.mjs.
import { spawnSync } from 'node:child_process';
import { cpSync, mkdirSync, mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { build } from 'esbuild';

const root = new URL('..', import.meta.url).pathname;
const bin = (name) => join(root, 'node_modules', '.bin', name);
const PACKAGES = ['@dnn/tensor', '@dnn/nn', '@dnn/data-mnist', '@dnn/backend-cpu-workers', '@dnn/backend-webgpu', 'dnn-cli'];
const budgets = JSON.parse(readFileSync(join(root, 'scripts/size-budgets.json'), 'utf8'));
const work = mkdtempSync(join(tmpdir(), 'dnn-packed-'));
let pass = 0;
let fail = 0;

function sh(cmd, args, cwd, env = {}) {
  const r = spawnSync(cmd, args, { cwd, encoding: 'utf8', env: { ...process.env, ...env }, maxBuffer: 1 << 26, timeout: 300_000 });
  return { code: r.status, out: (r.stdout ?? '') + (r.stderr ?? ''), stdout: r.stdout ?? '' };
}
function check(name, ok, detail = '') {
  if (ok) pass++;
  else fail++;
  console.log(`${ok ? 'ok' : 'not ok'} ${pass + fail} - ${name}${ok ? '' : `\n  ---\n  ${detail.trim().split('\n').slice(-15).join('\n  ')}\n  ...`}`);
}
const doneEvent = (stdout) => {
  const last = stdout.trim().split('\n').pop() ?? '';
  try {
    return JSON.parse(last);
  } catch {
    return {};
  }
};

// Pack, with sizes against the budgets.
const tarballs = join(work, 'tarballs');
mkdirSync(tarballs);
const packed = sh('npm', ['pack', '--json', '--pack-destination', tarballs, ...PACKAGES.flatMap((p) => ['-w', p])], root);
const infos = packed.code === 0 ? JSON.parse(packed.stdout.slice(packed.stdout.indexOf('['))) : [];
check('npm pack of every package', infos.length === PACKAGES.length, packed.out);
console.log('# package                     packed bytes   budget');
for (const info of infos) {
  const budget = budgets[info.name];
  console.log(`# ${info.name.padEnd(28)} ${String(info.size).padStart(10)}   ${budget}`);
  check(`${info.name} packed size ${info.size} within its budget ${budget}`, budget !== undefined && info.size <= budget);
  check(`${info.name} has no install scripts`, !/"(pre|post)?install"\s*:/.test(readFileSync(join(root, info.name === 'dnn-cli' ? 'packages/cli' : `packages/${info.name.slice(5)}`, 'package.json'), 'utf8')));
}

// A fresh project that knows nothing of the workspace.
const app = join(work, 'app');
cpSync(join(root, 'scripts/packed'), app, { recursive: true });
// The Deno versions are the same files with npm: specifiers.
const denoVersion = (from, to) => writeFileSync(join(app, to), readFileSync(join(app, from), 'utf8').replace(/from '(@dnn\/[a-z-]+)'/g, "from 'npm:$1'").replace('process.exit(1)', 'Deno.exit(1)'));
denoVersion('api-node.mjs', 'api-deno.mjs');
denoVersion('types.ts', 'types-deno.ts');
const deps = Object.fromEntries(infos.map((i) => [i.name, `file:${join(tarballs, i.filename)}`]));
writeFileSync(join(app, 'package.json'), JSON.stringify({ name: 'packed-proof', private: true, type: 'module', dependencies: deps }, null, 2));
const install = sh('npm', ['install', '--no-audit', '--no-fund'], app);
check('npm install of the tarballs into a fresh project', install.code === 0, install.out);

const quick = ['train', '--epochs', '1', '--limit', '5000', '--json'];
for (const [name, cmd, args] of [
  ['npx dnn-cli train', 'npx', ['--no-install', 'dnn-cli', ...quick]],
  ['bunx dnn-cli train (npm-installed Bun)', bin('bun'), ['x', 'dnn-cli', ...quick]],
  ['deno run -A npm:dnn-cli train', bin('deno'), ['run', '-A', 'npm:dnn-cli', ...quick]],
  ['npx dnn-cli train --backend workers', 'npx', ['--no-install', 'dnn-cli', ...quick, '--backend', 'workers', '--workers', '2']],
  ['npx dnn-cli train --backend webgpu (small network)', 'npx', ['--no-install', 'dnn-cli', ...quick, '--hidden', '32', '--lr', '0.003', '--backend', 'webgpu']],
]) {
  const r = sh(cmd, args, app);
  const done = doneEvent(r.stdout);
  check(`${name} ends in a done event (test accuracy ${done.testAccuracy})`, r.code === 0 && done.event === 'done' && done.testAccuracy > 0.8, r.out);
}
for (const [name, cmd, args] of [
  ['Node ESM script: build, train, save, load', process.execPath, ['api-node.mjs']],
  ['Bun script: the same', bin('bun'), ['api-node.mjs']],
  ['Deno script with npm: specifiers: the same', bin('deno'), ['run', '-A', 'api-deno.mjs']],
]) {
  const r = sh(cmd, args, app);
  check(name, r.code === 0 && /"ok":true/.test(r.stdout), r.out);
}
writeFileSync(
  join(app, 'tsconfig.json'),
  JSON.stringify({ compilerOptions: { module: 'node16', moduleResolution: 'node16', target: 'es2022', strict: true, noEmit: true, skipLibCheck: false, types: [], lib: ['es2022', 'dom'] }, files: ['types.ts'] }),
);
const tsc = sh(process.execPath, [join(root, 'node_modules/typescript/bin/tsc'), '-p', 'tsconfig.json'], app);
check('tsc --noEmit of the public API (node16 resolution)', tsc.code === 0, tsc.out);
const denoCheck = sh(bin('deno'), ['check', 'types-deno.ts'], app);
check('deno check of the public API through npm: specifiers', denoCheck.code === 0, denoCheck.out);

// A browser bundle: esbuild fails on a Node built-in under platform 'browser'.
try {
  const r = await build({ entryPoints: [join(app, 'browser.mjs')], bundle: true, platform: 'browser', format: 'esm', write: false, logLevel: 'silent', absWorkingDir: app });
  const text = r.outputFiles[0].text;
  check(`browser bundle of @dnn/nn + @dnn/tensor has no Node built-ins (${text.length} bytes)`, !/from\s*["']node:|require\(["']node:/.test(text));
} catch (e) {
  check('browser bundle of @dnn/nn + @dnn/tensor has no Node built-ins', false, String(e.message ?? e));
}

console.log(`# pass ${pass}\n# fail ${fail}`);
process.exit(fail === 0 ? 0 : 1);
