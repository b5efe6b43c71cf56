import { test, expect, beforeAll, afterAll } from 'bun:test';
import { mkdtemp, readFile, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import * as ort from 'onnxruntime-web';
import { cpuBackend, decodeModel, encodeSafetensors, evaluate, modelTensors, predict } from '@dnn/nn';
import { loadMnist, mnistDataPackageDir } from '@dnn/data-mnist';
import { events, runCli, type CliResult } from './test-helpers.ts';
import { testKernels } from '../../../test-support/environment.ts';

ort.env.wasm.numThreads = 1;
const dir = await mkdtemp(join(tmpdir(), 'dnn-export-'));
const modelFile = join(dir, 'model.safetensors');
const CNN = 'conv4x5,relu,pool2,conv8x3same,relu,pool2,dropout0.25,dense10';
const cnnFile = join(dir, 'cnn.safetensors');
// Trained once before the tests (not while the file is imported).
let trained: CliResult;
let cnnTrained: CliResult;
beforeAll(() => {
  trained = runCli(['train', '--epochs', '1', '--limit', '3000', '--hidden', '64,32', '--save', modelFile, '--quiet']);
  cnnTrained = runCli(['train', '--arch', CNN, '--epochs', '1', '--limit', '1000', '--validation', '200', '--save', cnnFile, '--quiet']);
});
const mnist = await loadMnist({ dataDir: mnistDataPackageDir()! });

test('export --onnx: ONNX Runtime (WebAssembly) gives dnn\'s probabilities within 1e-5 on 100 test images', async () => {
  expect(trained.code, trained.stderr).toBe(0);
  const onnxFile = join(dir, 'model.onnx');
  const r = runCli(['export', '--model', modelFile, '--onnx', onnxFile, '--json']);
  expect(r.code, r.stderr).toBe(0);
  expect(events(r.stdout)[0].input).toEqual([null, 784]);
  const { model } = decodeModel(new Uint8Array(await readFile(modelFile)));
  const images = mnist.test.x.subarray(0, 100 * 784);
  const session = await ort.InferenceSession.create(new Uint8Array(await readFile(onnxFile)));
  expect([session.inputNames, session.outputNames]).toEqual([['input'], ['probabilities']]);
  const out = await session.run({ input: new ort.Tensor('float32', Float32Array.from(images), [100, 784]) });
  await session.release();
  const got = out.probabilities.data as Float32Array;
  const want = predict(model, images, 100, testKernels);
  let worst = 0;
  for (let i = 0; i < want.length; i++) worst = Math.max(worst, Math.abs(got[i] - want[i]));
  expect(worst, `largest difference ${worst}`).toBeLessThan(1e-5);
  expect(runCli(['export', '--model', modelFile, '--onnx', onnxFile]).stdout).toMatch(/wrote .*model\.onnx .*ONNX opset 13\): input "input" \[N, 784\] raw pixels 0-255, output "probabilities" \[N, 10\]/);
  expect(runCli(['export', '--model', modelFile]).stderr).toMatch(/--onnx FILE is required/);
});

test('a PyTorch-style state_dict (Sequential names, F32) evaluates, predicts and exports; the CLI says what it inferred', async () => {
  expect(trained.code, trained.stderr).toBe(0);
  const { model } = decodeModel(new Uint8Array(await readFile(modelFile)));
  const torchNames = modelTensors(model.spec, model.params);
  const torchFile = join(dir, 'torch.safetensors');
  await writeFile(torchFile, encodeSafetensors(torchNames, { format: 'pt' }));
  const r = runCli(['eval', '--model', torchFile, '--json']);
  expect(r.code, r.stderr).toBe(0);
  expect(r.stderr).toBe(`${torchFile}: no dnn metadata; inferred an MLP 784-64-32-10 from 0.weight, 2.weight, 4.weight: relu between layers, softmax at the end, inputs scaled by 1/255\n`);
  expect(events(r.stdout)[0].testAccuracy).toBe((await evaluate(model, mnist.test, { backend: cpuBackend(testKernels) })).accuracy);
  const e = runCli(['export', '--model', torchFile, '--onnx', join(dir, 'torch.onnx')]);
  expect(e.code, e.stderr).toBe(0);
  expect(e.stderr).toMatch(/inferred an MLP 784-64-32-10/);

  const odd = join(dir, 'odd.safetensors');
  await writeFile(odd, encodeSafetensors([{ name: 'conv1.weight', shape: [8, 1, 3, 3], data: new Float32Array(72) }], {}));
  const bad = runCli(['eval', '--model', odd]);
  expect(bad.code).toBe(1);
  expect(bad.stderr).toMatch(/^dnn-cli: error: .*odd\.safetensors: no dnn metadata, and the tensors fit no layer list \(conv1\.weight \[8, 1, 3, 3\] is not a matrix\); found conv1\.weight \[8, 1, 3, 3\]; expected .*or give the layers \(--arch\)$/m);
  expect(bad.stderr.trim().split('\n').length).toBe(1);
});

test('a CNN exports with input [N, 1, 28, 28]: ONNX Runtime gives dnn\'s probabilities within 1e-5 on 100 test images; its PyTorch state_dict reads with --arch', async () => {
  expect(cnnTrained.code, cnnTrained.stderr).toBe(0);
  const onnxFile = join(dir, 'cnn.onnx');
  const r = runCli(['export', '--model', cnnFile, '--onnx', onnxFile, '--json']);
  expect(r.code, r.stderr).toBe(0);
  expect([events(r.stdout)[0].input, events(r.stdout)[0].output]).toEqual([[null, 1, 28, 28], [null, 10]]);
  const { model } = decodeModel(new Uint8Array(await readFile(cnnFile)));
  const images = mnist.test.x.subarray(0, 100 * 784);
  const want = predict(model, images, 100, testKernels);
  const session = await ort.InferenceSession.create(new Uint8Array(await readFile(onnxFile)));
  const out = await session.run({ input: new ort.Tensor('float32', Float32Array.from(images), [100, 1, 28, 28]) });
  await session.release();
  const got = out.probabilities.data as Float32Array;
  let worst = 0;
  for (let i = 0; i < want.length; i++) worst = Math.max(worst, Math.abs(got[i] - want[i]));
  expect(worst, `largest difference ${worst}`).toBeLessThan(1e-5);

  // The same weights as PyTorch's save_file writes them (no dnn metadata): --arch gives the layers.
  const torchFile = join(dir, 'torch-cnn.safetensors');
  await writeFile(torchFile, encodeSafetensors(modelTensors(model.spec, model.params), { format: 'pt' }));
  const none = runCli(['eval', '--model', torchFile]);
  expect(none.stderr).toMatch(/0\.weight \[4, 1, 5, 5\] is not a matrix.*or give the layers \(--arch\)/);
  const e = runCli(['eval', '--model', torchFile, '--arch', CNN, '--json']);
  expect(e.code, e.stderr).toBe(0);
  expect(e.stderr).toMatch(/torch-cnn\.safetensors: no dnn metadata; read 0\.weight, 3\.weight, 8\.weight into the given layer list conv4x5,relu,pool2,conv8x3same,relu,pool2,dropout0\.25,flatten,dense10,softmax\n/);
  expect(events(e.stdout)[0].testAccuracy).toBe((await evaluate(model, mnist.test, { backend: cpuBackend(testKernels) })).accuracy);
  const x = runCli(['export', '--model', torchFile, '--arch', CNN, '--onnx', join(dir, 'torch-cnn.onnx')]);
  expect(x.code, x.stderr).toBe(0);
  expect(x.stdout).toMatch(/input "input" \[N, 1, 28, 28\] raw pixels 0-255, output "probabilities" \[N, 10\]/);
  const wrong = runCli(['eval', '--model', torchFile, '--arch', 'conv4x5,relu,pool2,dense10']);
  expect(wrong.code).toBe(1);
  expect(wrong.stderr).toMatch(/do not fit the layer list conv4x5,relu,pool2,flatten,dense10,softmax \(the file has 3 layers with weights, the list 2\)/);
  expect(runCli(['eval', '--model', torchFile, '--arch', 'conv4x5,bogus']).stderr).toMatch(/--arch: "bogus" is not a layer/);
  expect(runCli(['eval', '--model', torchFile, '--arch', CNN, '--activations', 'tanh']).stderr).toMatch(/--arch gives the whole network; drop --activations/);
});

afterAll(async () => {
  await rm(dir, { recursive: true, force: true });
});
