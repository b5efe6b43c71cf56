import { test, expect } from 'bun:test';
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
    expect([...(await readFile(path))]).toEqual([1, 2, 3]);
    expect(await readdir(dir)).toEqual(['train-labels-idx1-ubyte']);
    // A directory where the file should go: the rename fails, the temporary file goes.
    const blocked = join(dir, 'blocked');
    await mkdir(blocked);
    await writeFile(join(blocked, 'x'), '');
    await expect(writeAtomically(blocked, new Uint8Array(4))).rejects.toThrow(expect.objectContaining({ constructor: DataError, file: blocked, message: expect.stringMatching(/cannot write \(E[A-Z]+\)/) }));
    expect((await readdir(dir)).sort()).toEqual(['blocked', 'train-labels-idx1-ubyte']);
  } finally {
    await rm(dir, { recursive: true, force: true });
  }
});
