/**
 * The one policy for every file dnn writes (models, checkpoints, plots,
 * downloads):
 * - `checkOutputPath` runs before any work starts: the folder exists and is
 *   writable, the path is not a directory, socket or block device.
 * - `writeOutputFile` writes a regular file atomically (temporary file in the
 *   same folder, flushed, renamed), so a crash leaves the previous file whole.
 *   A symbolic link is followed and its target replaced; the link stays.
 *   A character device or FIFO (`/dev/null`, a pipe) is written in place,
 *   never replaced by a regular file.
 * - The temporary file is removed on every failure; temporary files left by
 *   killed runs (whose process is gone) are removed on the next save to the
 *   same path.
 * - Every error names the path the user gave and says what happened in words.
 * @module
 */
import { access, chmod, constants, lstat, open, readdir, readlink, rename, rm, stat } from 'node:fs/promises';
import { basename, dirname, isAbsolute, join } from 'node:path';
import { FileProblem, fsErrorWords } from './file-problem.ts';

/** Follows symbolic links to the path that will really be written (a dangling link gives its missing target). */
export async function outputTarget(path: string): Promise<string> {
  let p = path;
  for (let hops = 0; hops < 40; hops++) {
    let info;
    try {
      info = await lstat(p);
    } catch (e) {
      if ((e as { code?: string }).code === 'ENOENT') return p;
      throw e;
    }
    if (!info.isSymbolicLink()) return p;
    const link = await readlink(p);
    p = isAbsolute(link) ? link : join(dirname(p), link);
  }
  throw Object.assign(new Error('too many symbolic links'), { code: 'ELOOP' });
}

type Kind = 'missing' | 'file' | 'directory' | 'in-place' | 'refused';

async function kindOf(target: string): Promise<{ kind: Kind; what?: string; mode?: number }> {
  let info;
  try {
    info = await stat(target);
  } catch (e) {
    if ((e as { code?: string }).code === 'ENOENT') return { kind: 'missing' };
    throw e;
  }
  if (info.isFile()) return { kind: 'file', mode: info.mode };
  if (info.isDirectory()) return { kind: 'directory' };
  if (info.isCharacterDevice() || info.isFIFO()) return { kind: 'in-place' };
  return { kind: 'refused', what: info.isSocket() ? 'a socket' : info.isBlockDevice() ? 'a block device' : 'not a regular file' };
}

const problem = (path: string, e: unknown) => (e instanceof FileProblem ? e : new FileProblem(path, `cannot write (${fsErrorWords(e)})`));

/**
 * Checks, before any work, that `path` can be written; throws a FileProblem
 * naming `path` otherwise.
 * @example await checkOutputPath('model.safetensors') // then train, then writeOutputFile
 */
export async function checkOutputPath(path: string): Promise<void> {
  if (path === '') throw new FileProblem('""', 'no file name given');
  try {
    const target = await outputTarget(path);
    const { kind, what } = await kindOf(target);
    if (kind === 'directory') throw new FileProblem(path, 'is a directory; give a file name');
    if (kind === 'refused') throw new FileProblem(path, `is ${what}; refusing to write to it`);
    if (kind === 'in-place') return;
    const dir = dirname(target);
    const d = await stat(dir).catch(() => null);
    if (!d) throw new FileProblem(path, `the folder ${dir} does not exist`);
    if (!d.isDirectory()) throw new FileProblem(path, `${dir} is not a folder`);
    if (!(await writable(dir))) throw new FileProblem(path, `the folder ${dir} is not writable (permission denied)`);
    if (kind === 'file' && !(await writable(target))) throw new FileProblem(path, 'the file is not writable (permission denied)');
  } catch (e) {
    throw problem(path, e);
  }
}

async function writable(p: string): Promise<boolean> {
  try {
    await access(p, constants.W_OK);
    return true;
  } catch {
    return false;
  }
}

/** Temporary files this process is writing now (their names carry our pid too). */
const ours = new Set<string>();
let counter = 0;

/**
 * Writes `bytes` to `path` by the policy above.
 * @example await writeOutputFile('profile.svg', new TextEncoder().encode(svg))
 */
export async function writeOutputFile(path: string, bytes: Uint8Array): Promise<void> {
  if (path === '') throw new FileProblem('""', 'no file name given');
  let target: string;
  let kind: Kind;
  let mode: number | undefined;
  try {
    target = await outputTarget(path);
    ({ kind, mode } = await kindOf(target));
    if (kind === 'directory') throw new FileProblem(path, 'is a directory; give a file name');
    if (kind === 'refused') throw new FileProblem(path, `is ${(await kindOf(target)).what}; refusing to write to it`);
  } catch (e) {
    throw problem(path, e);
  }
  if (kind === 'in-place') return writeInPlace(path, target, bytes);
  await removeLeftovers(target);
  const temp = join(dirname(target), `.${basename(target)}.${process.pid}.${Date.now()}${counter++}.tmp`);
  ours.add(temp);
  let handle;
  try {
    handle = await open(temp, 'wx');
    await handle.writeFile(bytes);
    await handle.sync();
    await handle.close();
    handle = undefined;
    // The new file keeps the permissions of the one it replaces.
    if (mode !== undefined) await chmod(temp, mode & 0o7777).catch(() => {});
    await rename(temp, target);
  } catch (e) {
    await handle?.close().catch(() => {});
    await rm(temp, { force: true }).catch(() => {});
    throw problem(path, e);
  } finally {
    ours.delete(temp);
  }
}

async function writeInPlace(path: string, target: string, bytes: Uint8Array): Promise<void> {
  let handle;
  try {
    handle = await open(target, 'w');
    await handle.writeFile(bytes);
  } catch (e) {
    throw problem(path, e);
  } finally {
    await handle?.close().catch(() => {});
  }
}

const escape = (s: string) => s.replace(/[.*+?^${}()|[\]\\]/g, '\\$&');

/** Removes `.NAME.PID.STAMP.tmp` files beside `target` whose writing process is gone. */
export async function removeLeftovers(target: string): Promise<string[]> {
  const dir = dirname(target);
  const pattern = new RegExp(`^\\.${escape(basename(target))}\\.(\\d+)\\.\\d+\\.tmp$`);
  const removed: string[] = [];
  let names: string[];
  try {
    names = await readdir(dir);
  } catch {
    return removed;
  }
  for (const name of names) {
    const m = pattern.exec(name);
    if (!m) continue;
    const full = join(dir, name);
    const pid = Number(m[1]);
    // Our own pid: stale unless we are writing it now (pids are reused, in containers especially).
    if (pid === process.pid ? ours.has(full) : running(pid)) continue;
    await rm(full, { force: true }).catch(() => {});
    removed.push(full);
  }
  return removed;
}

function running(pid: number): boolean {
  try {
    process.kill(pid, 0);
    return true;
  } catch (e) {
    return (e as { code?: string }).code === 'EPERM';
  }
}
