// The output-file policy as a user meets it: bad --save/--plot/--checkpoint paths fail before any work.
import { test, expect, afterAll } from 'bun:test';
import { existsSync } from 'node:fs';
import { lstat, mkdtemp, readFile, readdir, rm, stat, symlink } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { runCli } from './test-helpers.ts';
import { skipIf } from '../../../test-support/capabilities.ts';

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
    expect(r.code, r.stderr).toBe(2);
    expect(r.stderr).toMatch(re);
    expect(Date.now() - started, 'refused before training 50 epochs').toBeLessThan(20_000);
  }
});

skipIf(existsSync('/dev/full') ? false : 'no /dev/full on this system')('--plot onto a symbolic link writes its target and keeps the link; --save onto a full device says so', async () => {
  const link = join(dir, 'profile.svg');
  await symlink('real.svg', link);
  const ok = runCli([...QUICK, '--plot', link, '--quiet']);
  expect(ok.code, ok.stderr).toBe(0);
  expect((await lstat(link)).isSymbolicLink()).toBeTruthy();
  expect(await readFile(join(dir, 'real.svg'), 'utf8')).toMatch(/^<svg/);
  const full = runCli([...QUICK, '--save', '/dev/full', '--quiet']);
  expect(full.code).toBe(1);
  expect(full.stderr).toMatch(/^dnn-cli: error: \/dev\/full: cannot write \(no space left on device\)\n$/);
  expect((await stat('/dev/full')).isCharacterDevice(), 'the device is still a device').toBeTruthy();
  expect((await readdir(dir)).sort()).toEqual(['profile.svg', 'real.svg']);
});

afterAll(async () => {
  await rm(dir, { recursive: true, force: true });
});
