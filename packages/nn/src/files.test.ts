// Atomic writes. In child mode (DNN_ATOMIC_CHILD=path) this file is not a
// test but a writer that replaces `path` with big files until it is killed.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { spawn } from 'node:child_process';
import { mkdtemp, mkdir, readFile, readdir, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { FileProblem, loadCheckpoint, loadModel, saveCheckpoint, saveModel, writeFileAtomic } from './files.ts';
import { createModel } from './model.ts';
import { defaultSpec } from './spec.ts';

const SIZE = 24 << 20;

/** A whole file: SIZE bytes, every byte equal to the generation number. */
const content = (generation: number) => new Uint8Array(SIZE).fill(generation % 251);

const child = process.env.DNN_ATOMIC_CHILD;
if (child) {
  for (let g = 1; ; g++) await writeFileAtomic(child, content(g));
} else {
  test('writeFileAtomic replaces a file and leaves no temporary file', async () => {
    const dir = await mkdtemp(join(tmpdir(), 'dnn-atomic-'));
    const path = join(dir, 'model.safetensors');
    await writeFile(path, 'old');
    await writeFileAtomic(path, new TextEncoder().encode('new'));
    assert.equal(await readFile(path, 'utf8'), 'new');
    assert.deepEqual(await readdir(dir), ['model.safetensors']);
    // A target that cannot be replaced: the error surfaces, the target and folder are unchanged.
    await mkdir(join(dir, 'folder'));
    await assert.rejects(writeFileAtomic(join(dir, 'folder'), new Uint8Array(4)));
    assert.deepEqual((await readdir(dir)).sort(), ['folder', 'model.safetensors']);
    await rm(dir, { recursive: true });
  });

  test('saveModel/loadModel and saveCheckpoint/loadCheckpoint round-trip; errors name the file', async () => {
    const dir = await mkdtemp(join(tmpdir(), 'dnn-files-'));
    const model = createModel(defaultSpec({ hidden: [5] }), 2);
    const path = join(dir, 'm.safetensors');
    await saveModel(path, model, { note: 'x' });
    const back = await loadModel(path);
    assert.deepEqual(back.model.params, model.params);
    assert.equal(back.metadata.note, 'x');
    const cp = join(dir, 'c.ckpt');
    await saveCheckpoint(cp, { spec: model.spec, config: {}, epoch: 1, rowsDone: 0, lossSum: 0, history: [], state: { params: model.params, slots: [], steps: 0 } });
    assert.equal((await loadCheckpoint(cp)).epoch, 1);
    await assert.rejects(loadModel(cp), (e: unknown) => e instanceof FileProblem && e.path === cp && /unsupported model format/.test(e.message));
    await assert.rejects(loadModel(join(dir, 'none')), /none: no such file/);
    await assert.rejects(loadCheckpoint(dir), /is a directory/);
    await rm(dir, { recursive: true });
  });

  test('a process killed while saving leaves the previous file whole, and its temporary file goes on the next save', async () => {
    const dir = await mkdtemp(join(tmpdir(), 'dnn-atomic-'));
    const path = join(dir, 'model.safetensors');
    await writeFile(path, content(0));
    const self = fileURLToPath(import.meta.url);
    const isDeno = typeof (globalThis as { Deno?: unknown }).Deno !== 'undefined';
    for (const delay of [150, 400, 700]) {
      const p = spawn(process.execPath, isDeno ? ['run', '-A', self] : [self], { env: { ...process.env, DNN_ATOMIC_CHILD: path }, stdio: 'ignore' });
      await new Promise((r) => setTimeout(r, delay));
      p.kill('SIGKILL');
      await new Promise((r) => p.once('exit', r));
      const bytes = new Uint8Array(await readFile(path));
      assert.equal(bytes.length, SIZE, `killed after ${delay} ms: the file is whole`);
      assert.ok(bytes.every((b) => b === bytes[0]), 'and of one generation');
    }
    // The killed writers' temporary files go on the next save to the same path.
    await writeFileAtomic(path, content(7));
    assert.deepEqual(await readdir(dir), ['model.safetensors']);
    await rm(dir, { recursive: true });
  });
}
