// The output-file policy as a user meets it: bad --save/--plot/--checkpoint paths fail before any work.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { existsSync } from 'node:fs';
import { lstat, mkdtemp, readFile, readdir, rm, stat, symlink } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { runCli } from './test-helpers.ts';

const dir = await mkdtemp(join(tmpdir(), 'dnn-outputs-'));
const QUICK = ['train', '--epochs', '1', '--limit', '1200', '--hidden', '16'];

test('a bad output path is refused before the run, naming the flag and the path (exit 2)', () => {
  const cases: [string[], RegExp][] = [
    [['--save', join(dir, 'nofolder', 'm.safetensors')], /^dnn-cli: error: --save .*nofolder\/m\.safetensors: the folder .*nofolder does not exist\n$/],
    [['--save', ''], /^dnn-cli: error: --save "": no file name given\n$/],
    [['--plot', dir], /^dnn-cli: error: --plot .*: is a directory; give a file name\n$/],
    [['--checkpoint', join(dir, 'x', 'run.ckpt')], /--checkpoint .*x\/run\.ckpt: the folder .* does not exist/],
  ];
  for (const [flags, re] of cases) {
    const started = Date.now();
    const r = runCli([...QUICK, '--epochs', '50', ...flags]);
    assert.equal(r.code, 2, r.stderr);
    assert.match(r.stderr, re);
    assert.ok(Date.now() - started < 20_000, 'refused before training 50 epochs');
  }
});

test('--plot onto a symbolic link writes its target and keeps the link; --save onto a full device says so', { skip: existsSync('/dev/full') ? false : 'no /dev/full on this system' }, async () => {
  const link = join(dir, 'profile.svg');
  await symlink('real.svg', link);
  const ok = runCli([...QUICK, '--plot', link, '--quiet']);
  assert.equal(ok.code, 0, ok.stderr);
  assert.ok((await lstat(link)).isSymbolicLink());
  assert.match(await readFile(join(dir, 'real.svg'), 'utf8'), /^<svg/);
  const full = runCli([...QUICK, '--save', '/dev/full', '--quiet']);
  assert.equal(full.code, 1);
  assert.match(full.stderr, /^dnn-cli: error: \/dev\/full: cannot write \(no space left on device\)\n$/);
  assert.ok((await stat('/dev/full')).isCharacterDevice(), 'the device is still a device');
  assert.deepEqual((await readdir(dir)).sort(), ['profile.svg', 'real.svg']);
});

test.after?.(async () => {
  await rm(dir, { recursive: true, force: true });
});
