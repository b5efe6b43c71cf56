// Checks the layering of the packages (run by `npm test`; exits 1 on a breach):
// - which of our packages each package may import (ALLOWED below): tensor
//   nothing, nn only tensor, data-mnist only tensor (a loader needs no
//   trainer), the backends nn and tensor but not each other; the CLI and the
//   apps, the programs at the edges, anything;
// - a package reaches another only by its name (`@dnn/nn`, an export such as
//   `@dnn/backend-cpu-workers/worker`), never by a relative path into its
//   files, in an import or a build entry (package.json's dnnBuild.entries);
// - every package it imports is declared in its package.json;
// - no import cycle among the files of one package, type-only imports
//   included (a cycle of types still ties the files into one unit);
// - only tests and test fixtures import the test support (test-support/).
// Imports are read with TypeScript's own scanner (comments and strings
// are not mistaken for imports). Usage: node scripts/check-layers.mjs
import { existsSync, readdirSync, readFileSync, statSync } from 'node:fs';
import { createRequire } from 'node:module';
import { dirname, join, relative, resolve } from 'node:path';

const ts = createRequire(import.meta.url)('typescript');
const root = resolve(new URL('..', import.meta.url).pathname);

/** Our packages each package may import (besides itself). */
const ALLOWED = {
  '@dnn/tensor': [],
  '@dnn/nn': ['@dnn/tensor'],
  '@dnn/data-mnist': ['@dnn/tensor'],
  '@dnn/backend-cpu-workers': ['@dnn/nn', '@dnn/tensor'],
  '@dnn/backend-webgpu': ['@dnn/nn', '@dnn/tensor'],
  'dnn-cli': '*',
  '@dnn/bench': '*',
  '@dnn/playground': '*',
};

const packages = ['packages', 'apps'].flatMap((d) =>
  readdirSync(join(root, d))
    .map((name) => join(root, d, name))
    .filter((dir) => existsSync(join(dir, 'package.json')))
    .map((dir) => ({ dir, json: JSON.parse(readFileSync(join(dir, 'package.json'), 'utf8')) })),
);
const ours = new Set(packages.map((p) => p.json.name));
const testSupport = join(root, 'test-support');

function sources(dir, found = []) {
  for (const name of readdirSync(dir)) {
    const path = join(dir, name);
    if (name === 'node_modules' || name === 'dist') continue;
    if (statSync(path).isDirectory()) sources(path, found);
    else if (/\.(ts|mts|mjs|js)$/.test(name) && !name.endsWith('.d.ts')) found.push(path);
  }
  return found;
}

/** `@dnn/nn/files` -> `@dnn/nn`; `dnn-cli` -> `dnn-cli`; anything else -> null. */
function ourPackage(specifier) {
  const parts = specifier.split('/');
  const name = specifier.startsWith('@') ? parts.slice(0, 2).join('/') : parts[0];
  return ours.has(name) ? name : null;
}

const isTest = (file) => /\.test\.[cm]?[jt]s$/.test(file) || file.includes('/test-fixtures/') || /\/test-[^/]*$/.test(file);
const show = (file) => relative(root, file);
const problems = [];

for (const { dir, json } of packages) {
  const name = json.name;
  const allowed = ALLOWED[name];
  if (!allowed) {
    problems.push(`${show(dir)}: package ${name} has no entry in scripts/check-layers.mjs's ALLOWED; say what it may import`);
    continue;
  }
  // Build entries too: another package's worker script comes from its export, not its src.
  for (const entry of Object.values(json.dnnBuild?.entries ?? {})) {
    if (entry.startsWith('.') && !resolve(dir, entry).startsWith(dir + '/')) problems.push(`${show(join(dir, 'package.json'))}: the build entry ${entry} reaches into another package's files; name its export`);
  }
  const declared = new Set(Object.keys({ ...json.dependencies, ...json.devDependencies, ...json.peerDependencies }));
  const src = join(dir, 'src');
  const files = existsSync(src) ? sources(src) : [];
  const graph = new Map();
  for (const file of files) {
    const edges = [];
    for (const { fileName: spec } of ts.preProcessFile(readFileSync(file, 'utf8'), true, true).importedFiles) {
      if (spec.startsWith('.')) {
        const target = resolve(dirname(file), spec);
        if (target.startsWith(testSupport + '/')) {
          if (!isTest(file)) problems.push(`${show(file)}: imports the test support (${spec}) outside a test`);
        } else if (!target.startsWith(dir + '/')) {
          problems.push(`${show(file)}: reaches into another package's files (${spec}); import that package by its name`);
        } else if (existsSync(target) && statSync(target).isFile()) {
          edges.push(target);
        }
        continue;
      }
      const other = ourPackage(spec);
      if (!other || other === name) continue;
      if (allowed !== '*' && !allowed.includes(other)) {
        problems.push(`${show(file)}: ${name} must not import ${other} (${name} may import ${allowed.length ? allowed.join(', ') : 'none of our packages'})`);
      } else if (!declared.has(other)) {
        problems.push(`${show(file)}: imports ${other}, which ${show(join(dir, 'package.json'))} does not declare`);
      }
    }
    graph.set(file, edges);
  }
  for (const cycle of cycles(graph)) problems.push(`${name}: import cycle ${cycle.map(show).join(' -> ')}`);
}

/** One cycle per strongly connected component of more than one file (or a file importing itself), as a path. */
function cycles(graph) {
  const found = [];
  const state = new Map(); // 1: on the current path, 2: done
  const path = [];
  const visit = (node) => {
    state.set(node, 1);
    path.push(node);
    for (const next of graph.get(node) ?? []) {
      if (state.get(next) === 1) found.push([...path.slice(path.indexOf(next)), next]);
      else if (!state.has(next)) visit(next);
    }
    path.pop();
    state.set(node, 2);
  };
  for (const node of [...graph.keys()].sort()) if (!state.has(node)) visit(node);
  return found;
}

if (problems.length) {
  for (const p of problems) console.error(`check-layers: ${p}`);
  console.error(`check-layers: ${problems.length} problem${problems.length === 1 ? '' : 's'}`);
  process.exit(1);
}
console.log(`check-layers: ${packages.length} packages, their imports within the layers, no import cycles`);
