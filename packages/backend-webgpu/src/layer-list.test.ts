// The webgpu backend and layer lists: a dense-only list (its MLP view) runs,
// checked by the conformance suite's flatten case; any other list is refused
// with one clear line. Imports the built package, as users do.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { defaultCnnSpec, initParams } from '@dnn/nn';
import { noise } from '@dnn/nn/testing';
import { webgpuBackend } from '@dnn/backend-webgpu';

let backend: Awaited<ReturnType<typeof webgpuBackend>> | null = null;
let why = '';
try {
  backend = await webgpuBackend();
} catch (e) {
  why = `no WebGPU adapter here: ${(e as Error).message}`;
}
const skip = process.env.DNN_SIMD === 'off' ? 'the GPU kernels do not depend on DNN_SIMD (run in the SIMD pass)' : backend ? false : why;

const data = noise(60, 16, 3, 5);

test('webgpu: any other layer list is refused with one clear line', { skip }, async () => {
  const spec = defaultCnnSpec();
  await assert.rejects(
    backend!.createTrainer({ spec, params: initParams(spec, 1), optimizer: { name: 'sgd' }, data: { ...data, features: 784, x: new Uint8Array(60 * 784) }, maxBatch: 10 }),
    /^Error: the webgpu backend runs dense layers only so far; use --backend cpu or workers$/,
  );
});
