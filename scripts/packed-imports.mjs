// Checks an installed package's built files against its package.json: every
// package its JavaScript or declarations import (statically, by import(),
// require/resolve, or a computed name as in `const name = 'webgpu'; import(name)`)
// is a dependency or peer dependency, every relative import names a file in
// the package, and every dependency is used. Used by scripts/packed-proof.mjs.
import { existsSync, readFileSync, readdirSync, statSync } from 'node:fs';
import { isBuiltin } from 'node:module';
import { dirname, join, relative, resolve } from 'node:path';

const JS_PATTERNS = [
  /\b(?:import|export)\s+(?:type\s+)?[\w*{}\s,$]*?\bfrom\s*["']([^"']+)["']/g,
  /\bimport\s*["']([^"']+)["']/g,
  /\bimport\(\s*["']([^"']+)["']\s*\)/g,
  /\brequire(?:\.resolve)?\(\s*["']([^"']+)["']\s*\)/g,
  /\.resolve\(\s*["']([^"'./][^"']*)["']\s*\)/g,
];
const COMPUTED = /\bconst\s+(\w+)\s*=\s*["']([^"']+)["'];[\s\S]{0,200}?\bimport\(\s*\1\s*\)/g;
const REFERENCE = /\/\/\/\s*<reference\s+types=["']([^"']+)["']/g;

/** `@scope/name/sub` -> `@scope/name`; `name/sub` -> `name`. */
export function packageOf(spec) {
  const parts = spec.split('/');
  return spec.startsWith('@') ? parts.slice(0, 2).join('/') : parts[0];
}

function walk(dir, found = []) {
  for (const name of readdirSync(dir)) {
    if (name === 'node_modules') continue;
    const path = join(dir, name);
    if (statSync(path).isDirectory()) walk(path, found);
    else if (/\.(m?js|d\.ts)$/.test(name)) found.push(path);
  }
  return found;
}

/** The specifiers a built file imports, with how it imports them. */
export function importsOf(text, isDeclaration) {
  const found = [];
  for (const re of JS_PATTERNS) for (const m of text.matchAll(re)) found.push(m[1]);
  if (!isDeclaration) for (const m of text.matchAll(COMPUTED)) found.push(m[2]);
  for (const m of text.matchAll(REFERENCE)) found.push(m[1]);
  return [...new Set(found)];
}

/** Problems (strings) of the installed package in `dir`; empty when its imports and dependencies agree. */
export function checkPackageImports(dir) {
  const pkg = JSON.parse(readFileSync(join(dir, 'package.json'), 'utf8'));
  const deps = Object.keys(pkg.dependencies ?? {});
  const declared = new Set([...deps, ...Object.keys(pkg.peerDependencies ?? {}), pkg.name]);
  const used = new Set();
  const problems = [];
  for (const file of walk(dir)) {
    const isDeclaration = file.endsWith('.d.ts');
    const where = relative(dir, file);
    for (const spec of importsOf(readFileSync(file, 'utf8'), isDeclaration)) {
      if (spec.startsWith('.')) {
        const target = resolve(dirname(file), spec);
        const candidates = isDeclaration ? [target, target.replace(/\.js$/, '.d.ts'), `${target}.d.ts`] : [target];
        if (!candidates.some(existsSync)) problems.push(`${pkg.name}: ${where} imports ${spec}, which the package does not contain`);
        continue;
      }
      if (spec.startsWith('node:') || spec.startsWith('bun:') || isBuiltin(spec)) continue;
      const name = packageOf(spec);
      used.add(name);
      if (!declared.has(name)) problems.push(`${pkg.name}: ${where} imports ${spec}, but ${name} is not in its dependencies or peerDependencies`);
    }
  }
  for (const d of deps) if (!used.has(d)) problems.push(`${pkg.name}: depends on ${d}, which none of its built files imports`);
  return problems;
}
