import { test } from 'node:test';
import assert from 'node:assert/strict';
import { mkdir, mkdtemp, readdir, readFile, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { writeAtomically } from './atomic-write.ts';
import { DataError } from './errors.ts';

test('writeAtomically replaces a file whole and leaves no temporary file; a failure names the path and leaves nothing', async () => {
  const dir = await mkdtemp(join(tmpdir(), 'dnn-atomic-'));
  try {
    const path = join(dir, 'train-labels-idx1-ubyte');
    await writeFile(path, 'old');
    await writeAtomically(path, new Uint8Array([1, 2, 3]));
    assert.deepEqual([...(await readFile(path))], [1, 2, 3]);
    assert.deepEqual(await readdir(dir), ['train-labels-idx1-ubyte']);
    // A directory where the file should go: the rename fails, the temporary file goes.
    const blocked = join(dir, 'blocked');
    await mkdir(blocked);
    await writeFile(join(blocked, 'x'), '');
    await assert.rejects(writeAtomically(blocked, new Uint8Array(4)), (e: unknown) => e instanceof DataError && e.file === blocked && /cannot write \(E[A-Z]+\)/.test(e.message));
    assert.deepEqual((await readdir(dir)).sort(), ['blocked', 'train-labels-idx1-ubyte']);
  } finally {
    await rm(dir, { recursive: true, force: true });
  }
});
