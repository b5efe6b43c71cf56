// Atomic writes. In child mode (DNN_ATOMIC_CHILD=path) this file is not a
// test but a writer that replaces `path` with big files until it is killed.
import { test, expect } from 'bun:test';
import { spawn } from 'node:child_process';
import { mkdtemp, mkdir, readFile, readdir, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { FileProblem, loadCheckpoint, loadModel, saveCheckpoint, saveModel, writeFileAtomic } from './files.ts';
import { createModel } from './model.ts';
import { defaultSpec } from './spec.ts';
import { scriptArgv } from '../../../test-support/runtime.ts';

const SIZE = 24 << 20;

/** A whole file: SIZE bytes, every byte equal to the generation number. */
const content = (generation: number) => new Uint8Array(SIZE).fill(generation % 251);

const child = process.env.DNN_ATOMIC_CHILD;
if (child) {
  // Says when each save is done, so the parent kills it at a point in the work rather than after a delay.
  for (let g = 1; ; g++) {
    await writeFileAtomic(child, content(g));
    process.stdout.write(`${g}\n`);
  }
} else {
  test('writeFileAtomic replaces a file and leaves no temporary file', async () => {
    const dir = await mkdtemp(join(tmpdir(), 'dnn-atomic-'));
    const path = join(dir, 'model.safetensors');
    await writeFile(path, 'old');
    await writeFileAtomic(path, new TextEncoder().encode('new'));
    expect(await readFile(path, 'utf8')).toBe('new');
    expect(await readdir(dir)).toEqual(['model.safetensors']);
    // A target that cannot be replaced: the error surfaces, the target and folder are unchanged.
    await mkdir(join(dir, 'folder'));
    await expect(writeFileAtomic(join(dir, 'folder'), new Uint8Array(4))).rejects.toThrow();
    expect((await readdir(dir)).sort()).toEqual(['folder', 'model.safetensors']);
    await rm(dir, { recursive: true });
  });

  test('saveModel/loadModel and saveCheckpoint/loadCheckpoint round-trip; errors name the file', async () => {
    const dir = await mkdtemp(join(tmpdir(), 'dnn-files-'));
    const model = createModel(defaultSpec({ hidden: [5] }), 2);
    const path = join(dir, 'm.safetensors');
    await saveModel(path, model, { note: 'x' });
    const back = await loadModel(path);
    expect(back.model.params).toEqual(model.params);
    expect(back.metadata.note).toBe('x');
    const cp = join(dir, 'c.ckpt');
    await saveCheckpoint(cp, { spec: model.spec, config: {}, epoch: 1, rowsDone: 0, lossSum: 0, history: [], state: { params: model.params, slots: [], steps: 0 } });
    expect((await loadCheckpoint(cp)).epoch).toBe(1);
    await expect(loadModel(cp)).rejects.toThrow(expect.objectContaining({ constructor: FileProblem, path: cp, message: expect.stringMatching(/unsupported model format/) }));
    await expect(loadModel(join(dir, 'none'))).rejects.toThrow(/none: no such file/);
    await expect(loadCheckpoint(dir)).rejects.toThrow(/is a directory/);
    await rm(dir, { recursive: true });
  });

  test('a process killed while saving leaves the previous file whole, and its temporary file goes on the next save', async () => {
    const dir = await mkdtemp(join(tmpdir(), 'dnn-atomic-'));
    const path = join(dir, 'model.safetensors');
    await writeFile(path, content(0));
    const self = fileURLToPath(import.meta.url);
    // Killed just after its 1st, 2nd or 3rd save, while it writes the next one.
    for (const saves of [1, 2, 3]) {
      const p = spawn(process.execPath, scriptArgv(self), { env: { ...process.env, DNN_ATOMIC_CHILD: path }, stdio: ['ignore', 'pipe', 'ignore'] });
      let out = '';
      const exited = new Promise((r) => p.once('exit', r));
      p.stdout.on('data', (d) => {
        out += d;
        if (out.split('\n').length > saves) p.kill('SIGKILL');
      });
      await exited;
      expect(out.split('\n').length, `the writer ended before its save ${saves}`).toBeGreaterThan(saves);
      const bytes = new Uint8Array(await readFile(path));
      expect(bytes.length, `killed after save ${saves}: the file is whole`).toBe(SIZE);
      expect(bytes.every((b) => b === bytes[0]), 'and of one generation').toBeTruthy();
    }
    // The killed writers' temporary files go on the next save to the same path.
    await writeFileAtomic(path, content(7));
    expect(await readdir(dir)).toEqual(['model.safetensors']);
    await rm(dir, { recursive: true });
  });
}
