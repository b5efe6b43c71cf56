// The output-file policy, on real files: folders, links, devices, FIFOs, sockets and leftovers.
import { test, expect, afterAll } from 'bun:test';
import { spawn, spawnSync } from 'node:child_process';
import { existsSync } from 'node:fs';
import { chmod, lstat, mkdir, mkdtemp, readFile, readdir, readlink, rm, stat, symlink, writeFile } from 'node:fs/promises';
import { createServer } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { FileProblem } from './file-problem.ts';
import { checkOutputPath, removeLeftovers, writeOutputFile } from './output-path.ts';
import { skipIf } from '../../../test-support/capabilities.ts';

const bytes = (s: string) => new TextEncoder().encode(s);
const root = await mkdtemp(join(tmpdir(), 'dnn-output-'));
let n = 0;
const fresh = async () => {
  const d = join(root, `case${n++}`);
  await mkdir(d);
  return d;
};
/** Expects `work` to fail with a FileProblem naming `path` whose message matches `re` and mentions no temporary file or raw errno. */
async function rejectsNamed(work: Promise<unknown>, path: string, re: RegExp): Promise<void> {
  await expect(work).rejects.toThrow(expect.objectContaining({ constructor: FileProblem, path, message: expect.stringMatching(re) }));
  await expect(work).rejects.not.toThrow(/\.tmp|E[A-Z]{3,}/);
}

test('a missing folder, a directory or an empty name is found before any work, naming the path', async () => {
  const dir = await fresh();
  const missing = join(dir, 'nofolder', 'm.safetensors');
  await rejectsNamed(checkOutputPath(missing), missing, /the folder .*nofolder does not exist/);
  await rejectsNamed(writeOutputFile(missing, bytes('x')), missing, /no such file or folder/);
  await rejectsNamed(checkOutputPath(dir), dir, /is a directory/);
  await rejectsNamed(writeOutputFile(dir, bytes('x')), dir, /is a directory/);
  await expect(checkOutputPath('')).rejects.toThrow(/no file name given/);
  const underFile = join(dir, 'f', 'x.svg');
  await writeFile(join(dir, 'f'), 'a file');
  await rejectsNamed(checkOutputPath(underFile), underFile, /is not a folder|not a folder/);
  expect(await readdir(dir)).toEqual(['f']);
});

test('a symbolic link is followed: its target is replaced atomically, the link is kept', async () => {
  const dir = await fresh();
  const target = join(dir, 'real.svg');
  const link = join(dir, 'profile.svg');
  await writeFile(target, 'old');
  await symlink('real.svg', link);
  await checkOutputPath(link);
  await writeOutputFile(link, bytes('new'));
  expect((await lstat(link)).isSymbolicLink(), 'still a link').toBeTruthy();
  expect(await readlink(link)).toBe('real.svg');
  expect(await readFile(target, 'utf8')).toBe('new');
  // A dangling link: its target is created.
  const dangling = join(dir, 'dangling.svg');
  await symlink(join(dir, 'later.svg'), dangling);
  await writeOutputFile(dangling, bytes('made'));
  expect((await lstat(dangling)).isSymbolicLink()).toBeTruthy();
  expect(await readFile(join(dir, 'later.svg'), 'utf8')).toBe('made');
  // A loop is an error in words.
  await symlink('b', join(dir, 'a'));
  await symlink('a', join(dir, 'b'));
  await rejectsNamed(checkOutputPath(join(dir, 'a')), join(dir, 'a'), /too many levels of symbolic links/);
  expect((await readdir(dir)).sort()).toEqual(['a', 'b', 'dangling.svg', 'later.svg', 'profile.svg', 'real.svg']);
});

skipIf(existsSync('/dev/full') ? false : 'no /dev/full on this system')('a character device is written in place, never replaced; a full device says so in words', async () => {
  await checkOutputPath('/dev/null');
  await writeOutputFile('/dev/null', bytes('discarded'));
  expect((await stat('/dev/null')).isCharacterDevice()).toBeTruthy();
  await rejectsNamed(writeOutputFile('/dev/full', bytes('x'.repeat(10000))), '/dev/full', /cannot write \(no space left on device\)/);
  expect((await stat('/dev/full')).isCharacterDevice(), '/dev/full is still a device').toBeTruthy();
});

const hasMkfifo = spawnSync('mkfifo', ['--version']).status === 0;
skipIf(hasMkfifo ? false : 'no mkfifo command')('a FIFO is written in place and stays a FIFO', async () => {
  const dir = await fresh();
  const fifo = join(dir, 'pipe');
  expect(spawnSync('mkfifo', [fifo]).status).toBe(0);
  await checkOutputPath(fifo);
  const reader = spawn('cat', [fifo]);
  let got = '';
  reader.stdout.on('data', (d) => (got += d));
  const done = new Promise((r) => reader.on('close', r));
  await writeOutputFile(fifo, bytes('through the pipe'));
  await done;
  expect(got).toBe('through the pipe');
  expect((await stat(fifo)).isFIFO()).toBeTruthy();
});

test('a socket is refused, naming it', async () => {
  const dir = await fresh();
  const path = join(dir, 'sock');
  const server = createServer();
  await new Promise<void>((r) => server.listen(path, () => r()));
  try {
    await rejectsNamed(checkOutputPath(path), path, /is a socket; refusing to write to it/);
    await rejectsNamed(writeOutputFile(path, bytes('x')), path, /is a socket/);
  } finally {
    await new Promise((r) => server.close(r));
  }
});

test('temporary files: removed on failure, and leftovers of killed runs removed on the next save', async () => {
  const dir = await fresh();
  const path = join(dir, 'm.safetensors');
  await writeFile(path, 'old');
  // A write that fails after its temporary file exists.
  await expect(writeOutputFile(path, {} as Uint8Array)).rejects.toThrow(expect.objectContaining({ constructor: FileProblem, path: path }));
  expect(await readdir(dir)).toEqual(['m.safetensors']);
  expect(await readFile(path, 'utf8')).toBe('old');
  // Leftovers: of a process that is gone (pid beyond any pid_max), of this pid, and of a live process.
  const gone = `.m.safetensors.4294967.1700000000000.tmp`;
  const mine = `.m.safetensors.${process.pid}.1700000000001.tmp`;
  const live = `.m.safetensors.${process.ppid}.1700000000002.tmp`;
  const other = `.other.safetensors.4294967.1.tmp`;
  for (const f of [gone, mine, live, other]) await writeFile(join(dir, f), 'partial');
  await writeOutputFile(path, bytes('new'));
  expect(await readFile(path, 'utf8')).toBe('new');
  expect((await readdir(dir)).sort()).toEqual([live, other, 'm.safetensors'].sort());
  expect(await removeLeftovers(path)).toEqual([]);
});

test('a replaced file keeps its permissions', async () => {
  const dir = await fresh();
  const path = join(dir, 'm.safetensors');
  await writeFile(path, 'old');
  await chmod(path, 0o640);
  await writeOutputFile(path, bytes('new'));
  expect((await stat(path)).mode & 0o777).toBe(0o640);
});

afterAll(async () => {
  await rm(root, { recursive: true, force: true });
});
