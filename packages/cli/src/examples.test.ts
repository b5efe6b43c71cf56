// The scripts in examples/ run as a user would run them, in the runtime
// running this test: train-and-save in Node and Bun (.mjs) and Deno (.deno.ts,
// npm: specifiers), then loading a PyTorch-style file and exporting ONNX.
import { test, expect, afterAll } from 'bun:test';
import { spawnSync } from 'node:child_process';
import { mkdtemp, readFile, rm, writeFile } from 'node:fs/promises';
import { createRequire } from 'node:module';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { decodeModel, encodeSafetensors, layerSizes, modelTensors } from '@dnn/nn';
import { isDeno, scriptArgv } from '../../../test-support/runtime.ts';

const examples = join(dirname(createRequire(import.meta.url).resolve('dnn-cli/package.json')), '..', '..', 'examples');
const dir = await mkdtemp(join(tmpdir(), 'dnn-examples-'));

function runExample(script: string, args: string[]): { code: number; out: string } {
  const file = join(examples, script);
  const argv = scriptArgv(file, args);
  const r = spawnSync(process.execPath, argv, { encoding: 'utf8', timeout: 120_000 });
  return { code: r.status ?? -1, out: (r.stdout ?? '') + (r.stderr ?? '') };
}

test('examples: train and save, load a PyTorch-style file and predict, export ONNX', async () => {
  const saved = join(dir, 'model.safetensors');
  const trained = runExample(isDeno ? 'train-and-save.deno.ts' : 'train-and-save.mjs', [saved, '3000']);
  expect(trained.code, trained.out).toBe(0);
  const accuracy = Number(trained.out.match(/test accuracy ([\d.]+)%; saved/)?.[1]);
  expect(accuracy, `a quick run learns: ${trained.out}`).toBeGreaterThan(50);
  const { model } = decodeModel(new Uint8Array(await readFile(saved)));
  expect(layerSizes(model.spec)).toEqual([784, 128, 10]);

  // As PyTorch's save_file writes a Sequential's state_dict: 0.weight, 2.weight, no dnn metadata.
  const torchFile = join(dir, 'torch.safetensors');
  const tensors = modelTensors(model.spec, model.params);
  await writeFile(torchFile, encodeSafetensors(tensors, { format: 'pt' }));
  const loaded = runExample('load-pytorch.mjs', [torchFile]);
  expect(loaded.code, loaded.out).toBe(0);
  expect(loaded.out).toMatch(/inferred an MLP 784-128-10 from 0\.weight, 2\.weight/);
  expect(loaded.out.match(/test image \d: predicted \d/g)?.length).toBe(10);

  const onnx = join(dir, 'model.onnx');
  const exported = runExample('export-onnx.mjs', [saved, onnx]);
  expect(exported.code, exported.out).toBe(0);
  expect([...(await readFile(onnx)).subarray(0, 2)], 'an ONNX ModelProto, ir_version 7').toEqual([0x08, 0x07]);
});

afterAll(async () => {
  await rm(dir, { recursive: true, force: true });
});
