// The output-file policy, on real files: folders, links, devices, FIFOs, sockets and leftovers.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { spawn, spawnSync } from 'node:child_process';
import { existsSync } from 'node:fs';
import { chmod, lstat, mkdir, mkdtemp, readFile, readdir, readlink, rm, stat, symlink, writeFile } from 'node:fs/promises';
import { createServer } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { FileProblem } from './file-problem.ts';
import { checkOutputPath, removeLeftovers, writeOutputFile } from './output-path.ts';

const bytes = (s: string) => new TextEncoder().encode(s);
const root = await mkdtemp(join(tmpdir(), 'dnn-output-'));
let n = 0;
const fresh = async () => {
  const d = join(root, `case${n++}`);
  await mkdir(d);
  return d;
};
/** A FileProblem naming `path` whose message matches `re` and mentions no temporary file or raw errno. */
const named = (path: string, re: RegExp) => (e: unknown) => {
  assert.ok(e instanceof FileProblem, String(e));
  assert.equal(e.path, path);
  assert.match(e.message, re);
  assert.doesNotMatch(e.message, /\.tmp|E[A-Z]{3,}/);
  return true;
};

test('a missing folder, a directory or an empty name is found before any work, naming the path', async () => {
  const dir = await fresh();
  const missing = join(dir, 'nofolder', 'm.safetensors');
  await assert.rejects(checkOutputPath(missing), named(missing, /the folder .*nofolder does not exist/));
  await assert.rejects(writeOutputFile(missing, bytes('x')), named(missing, /no such file or folder/));
  await assert.rejects(checkOutputPath(dir), named(dir, /is a directory/));
  await assert.rejects(writeOutputFile(dir, bytes('x')), named(dir, /is a directory/));
  await assert.rejects(checkOutputPath(''), /no file name given/);
  const underFile = join(dir, 'f', 'x.svg');
  await writeFile(join(dir, 'f'), 'a file');
  await assert.rejects(checkOutputPath(underFile), named(underFile, /is not a folder|not a folder/));
  assert.deepEqual(await readdir(dir), ['f']);
});

test('a symbolic link is followed: its target is replaced atomically, the link is kept', async () => {
  const dir = await fresh();
  const target = join(dir, 'real.svg');
  const link = join(dir, 'profile.svg');
  await writeFile(target, 'old');
  await symlink('real.svg', link);
  await checkOutputPath(link);
  await writeOutputFile(link, bytes('new'));
  assert.ok((await lstat(link)).isSymbolicLink(), 'still a link');
  assert.equal(await readlink(link), 'real.svg');
  assert.equal(await readFile(target, 'utf8'), 'new');
  // A dangling link: its target is created.
  const dangling = join(dir, 'dangling.svg');
  await symlink(join(dir, 'later.svg'), dangling);
  await writeOutputFile(dangling, bytes('made'));
  assert.ok((await lstat(dangling)).isSymbolicLink());
  assert.equal(await readFile(join(dir, 'later.svg'), 'utf8'), 'made');
  // A loop is an error in words.
  await symlink('b', join(dir, 'a'));
  await symlink('a', join(dir, 'b'));
  await assert.rejects(checkOutputPath(join(dir, 'a')), named(join(dir, 'a'), /too many levels of symbolic links/));
  assert.deepEqual((await readdir(dir)).sort(), ['a', 'b', 'dangling.svg', 'later.svg', 'profile.svg', 'real.svg']);
});

test('a character device is written in place, never replaced; a full device says so in words', { skip: existsSync('/dev/full') ? false : 'no /dev/full on this system' }, async () => {
  await checkOutputPath('/dev/null');
  await writeOutputFile('/dev/null', bytes('discarded'));
  assert.ok((await stat('/dev/null')).isCharacterDevice());
  await assert.rejects(writeOutputFile('/dev/full', bytes('x'.repeat(10000))), named('/dev/full', /cannot write \(no space left on device\)/));
  assert.ok((await stat('/dev/full')).isCharacterDevice(), '/dev/full is still a device');
});

const hasMkfifo = spawnSync('mkfifo', ['--version']).status === 0;
test('a FIFO is written in place and stays a FIFO', { skip: hasMkfifo ? false : 'no mkfifo command' }, async () => {
  const dir = await fresh();
  const fifo = join(dir, 'pipe');
  assert.equal(spawnSync('mkfifo', [fifo]).status, 0);
  await checkOutputPath(fifo);
  const reader = spawn('cat', [fifo]);
  let got = '';
  reader.stdout.on('data', (d) => (got += d));
  const done = new Promise((r) => reader.on('close', r));
  await writeOutputFile(fifo, bytes('through the pipe'));
  await done;
  assert.equal(got, 'through the pipe');
  assert.ok((await stat(fifo)).isFIFO());
});

test('a socket is refused, naming it', async () => {
  const dir = await fresh();
  const path = join(dir, 'sock');
  const server = createServer();
  await new Promise<void>((r) => server.listen(path, () => r()));
  try {
    await assert.rejects(checkOutputPath(path), named(path, /is a socket; refusing to write to it/));
    await assert.rejects(writeOutputFile(path, bytes('x')), named(path, /is a socket/));
  } finally {
    await new Promise((r) => server.close(r));
  }
});

test('temporary files: removed on failure, and leftovers of killed runs removed on the next save', async () => {
  const dir = await fresh();
  const path = join(dir, 'm.safetensors');
  await writeFile(path, 'old');
  // A write that fails after its temporary file exists.
  await assert.rejects(writeOutputFile(path, {} as Uint8Array), (e: unknown) => e instanceof FileProblem && e.path === path);
  assert.deepEqual(await readdir(dir), ['m.safetensors']);
  assert.equal(await readFile(path, 'utf8'), 'old');
  // Leftovers: of a process that is gone (pid beyond any pid_max), of this pid, and of a live process.
  const gone = `.m.safetensors.4294967.1700000000000.tmp`;
  const mine = `.m.safetensors.${process.pid}.1700000000001.tmp`;
  const live = `.m.safetensors.${process.ppid}.1700000000002.tmp`;
  const other = `.other.safetensors.4294967.1.tmp`;
  for (const f of [gone, mine, live, other]) await writeFile(join(dir, f), 'partial');
  await writeOutputFile(path, bytes('new'));
  assert.equal(await readFile(path, 'utf8'), 'new');
  assert.deepEqual((await readdir(dir)).sort(), [live, other, 'm.safetensors'].sort());
  assert.deepEqual(await removeLeftovers(path), []);
});

test('a replaced file keeps its permissions', async () => {
  const dir = await fresh();
  const path = join(dir, 'm.safetensors');
  await writeFile(path, 'old');
  await chmod(path, 0o640);
  await writeOutputFile(path, bytes('new'));
  assert.equal((await stat(path)).mode & 0o777, 0o640);
});

test.after?.(async () => {
  await rm(root, { recursive: true, force: true });
});
