import { test, expect } from 'bun:test';
import { decodeModel } from './model-file.ts';
import { createModel, predict } from './model.ts';
import { encodeModel, modelTensors } from './model-file.ts';
import { parseArch } from './arch-syntax.ts';
import { defaultSpec, validateSpec } from './spec.ts';
import { halfToFloat } from './dtypes.ts';
import { ModelFileError } from './safetensors.ts';

type Dt = 'F32' | 'F16' | 'BF16' | 'F64';
interface Entry {
  name: string;
  shape: number[];
  values: ArrayLike<number>;
  dtype?: Dt;
}

/** A safetensors file as PyTorch's save_file writes one: no dnn metadata, maybe no __metadata__ at all. */
function torchFile(entries: Entry[], metadata?: Record<string, string>): Uint8Array {
  const size = { F32: 4, F16: 2, BF16: 2, F64: 8 };
  const header: Record<string, unknown> = metadata ? { __metadata__: metadata } : {};
  let offset = 0;
  for (const e of entries) {
    const n = e.values.length * size[e.dtype ?? 'F32'];
    header[e.name] = { dtype: e.dtype ?? 'F32', shape: e.shape, data_offsets: [offset, offset + n] };
    offset += n;
  }
  const json = new TextEncoder().encode(JSON.stringify(header));
  const out = new Uint8Array(8 + json.length + offset);
  const view = new DataView(out.buffer);
  view.setBigUint64(0, BigInt(json.length), true);
  out.set(json, 8);
  let at = 8 + json.length;
  const f32 = new DataView(new ArrayBuffer(4));
  for (const e of entries) {
    for (let i = 0; i < e.values.length; i++) {
      const v = e.values[i];
      if (e.dtype === 'F64') view.setFloat64(at + i * 8, v, true);
      else if (e.dtype === 'F16') view.setUint16(at + i * 2, toHalf(v), true);
      else if (e.dtype === 'BF16') {
        f32.setFloat32(0, v);
        view.setUint16(at + i * 2, f32.getUint32(0) >>> 16, true);
      } else view.setFloat32(at + i * 4, v, true);
    }
    at += e.values.length * size[e.dtype ?? 'F32'];
  }
  return out;
}

/** Half-precision bits of a value that has an exact half (normal or zero). */
function toHalf(v: number): number {
  if (v === 0) return 0;
  const e = Math.floor(Math.log2(Math.abs(v)));
  return (v < 0 ? 0x8000 : 0) | ((e + 15) << 10) | Math.round((Math.abs(v) / 2 ** e - 1) * 1024);
}

const spec = defaultSpec({ inputSize: 6, hidden: [5, 4], outputSize: 3 });
const model = createModel(spec, 7);
// Values with exact F16 and BF16 forms, so every dtype must give the same model.
model.params.forEach((_, i) => (model.params[i] = (((i * 37) % 61) - 30) / 64));
const sequential = (dtype?: Dt): Entry[] =>
  modelTensors(spec, model.params).map((t) => ({ name: t.name, shape: t.shape, values: t.data, dtype }));

test('a Sequential of Linear layers without dnn metadata loads as an MLP with ReLU between and softmax at the end', () => {
  for (const metadata of [undefined, { format: 'pt' }]) {
    const { model: back, inferred } = decodeModel(torchFile(sequential(), metadata));
    expect(back.spec).toEqual(spec);
    expect(back.params).toEqual(model.params);
    expect(inferred).toBe('no dnn metadata; inferred an MLP 6-5-4-3 from 0.weight, 2.weight, 4.weight: relu between layers, softmax at the end, inputs scaled by 1/255');
  }
  // dnn's first format's names (layers.{i}.weight), without the metadata, load the same way.
  const own = modelTensors(spec, model.params, 'mlp').map((t) => ({ name: t.name, shape: t.shape, values: t.data }));
  expect(decodeModel(torchFile(own)).model.params).toEqual(model.params);
  const x = Uint8Array.from({ length: 12 }, (_, i) => i * 20);
  expect(predict(decodeModel(torchFile(own)).model, x)).toEqual(predict(model, x));
});

test('F16, BF16 and F64 tensors are converted to float32', () => {
  for (const dtype of ['F16', 'BF16', 'F64'] as const) {
    const { model: back, inferred } = decodeModel(torchFile(sequential(dtype)));
    expect(back.params, dtype).toEqual(model.params);
    expect(inferred!).toMatch(new RegExp(`converted ${dtype} to float32$`));
  }
  expect([0x3c00, 0xc000, 0x7bff, 0x0001, 0x7c00, 0x8000].map(halfToFloat)).toEqual([1, -2, 65504, 2 ** -24, Infinity, -0]);
  expect(Number.isNaN(halfToFloat(0x7e00))).toBeTruthy();
});

test('any one prefix before the layer number; a layer without bias gets zeros', () => {
  const tensors = sequential().map((e) => ({ ...e, name: e.name.replace(/^(\d)/, (_, i) => `fc${Number(i) / 2 + 1}`) })).filter((e) => e.name !== 'fc3.bias');
  const { model: back, inferred } = decodeModel(torchFile(tensors));
  expect(inferred!).toMatch(/from fc1\.weight, fc2\.weight, fc3\.weight: .*; no bias in fc3\.weight \(zeros\)/);
  expect([...back.params.subarray(back.params.length - 3)]).toEqual([0, 0, 0]);
});

test('a file that fits no layer list gets one line saying what was found', () => {
  const w = (name: string, shape: number[]): Entry => ({ name, shape, values: new Float32Array(shape.reduce((a, b) => a * b, 1)) });
  const cases: [Entry[], RegExp][] = [
    [[w('0.weight', [8, 1, 3, 3]), w('0.bias', [8])], /\(0\.weight \[8, 1, 3, 3\] is not a matrix\); found 0\.weight \[8, 1, 3, 3\], 0\.bias \[8\]; expected Linear layers/],
    [[w('0.weight', [5, 6]), w('2.weight', [3, 4])], /2\.weight \[3, 4\] takes 4 inputs, the layer before gives 5/],
    [[w('0.weight', [5, 6]), w('1.running_mean', [5])], /1\.running_mean is not a layer's weight or bias/],
    [[w('encoder.0.weight', [5, 6]), w('decoder.0.weight', [3, 5])], /different prefixes, "encoder\." and "decoder\."/],
    [[w('0.bias', [5])], /0\.bias has no weight/],
    [[w('0.weight', [5, 6]), w('0.bias', [4])], /0\.bias \[4\] does not fit 0\.weight \[5, 6\]/],
  ];
  for (const [entries, re] of cases) {
    expect(() => decodeModel(torchFile(entries)), String(re)).toThrow(expect.objectContaining({ constructor: ModelFileError, message: expect.stringMatching(re) }));
    expect(() => decodeModel(torchFile(entries)), `${re}: one line`).toThrow(expect.objectContaining({ message: expect.not.stringContaining('\n') }));
  }
  const many = Array.from({ length: 9 }, (_, i) => w(`${i}.running_var`, [2]));
  expect(() => decodeModel(torchFile(many))).toThrow(/and 3 more/);
});

test('a layer list from the caller (arch) reads any numbered layers in order, shapes checked', () => {
  // PyTorch's Sequential(Linear, ReLU, Linear, ReLU, Linear) numbers 0, 2, 4; dnn's list on images adds a flatten first.
  const { model: back, inferred } = decodeModel(torchFile(sequential()), { arch: validateSpec({ input: { shape: [6], scale: 1 / 255 }, layers: spec.layers, loss: 'cross-entropy' }) });
  expect(back.params).toEqual(model.params);
  expect(inferred).toBe('no dnn metadata; read 0.weight, 2.weight, 4.weight into the given layer list dense5,relu,dense4,relu,dense3,softmax');
  const cnn = createModel(parseArch('conv3x3,relu,pool2,dense4'), 3);
  const entries = modelTensors(cnn.spec, cnn.params).map((t) => ({ name: `net.${t.name}`, shape: t.shape, values: t.data }));
  expect(decodeModel(torchFile(entries), { arch: 'conv3x3,relu,pool2,dense4' }).model.params).toEqual(cnn.params);
  const cases: [string, RegExp][] = [
    ['conv3x3,relu,pool2,dense5', /net\.4\.weight \[4, 507\] is not the \[5, 507\] weight of layer 4 \(dense\)/],
    ['conv3x5,relu,pool2,dense4', /net\.0\.weight \[3, 1, 3, 3\] is not the \[3, 1, 5, 5\] weight of layer 0 \(conv2d\)/],
    ['conv3x3,relu,dense8,relu,dense4', /the file has 2 layers with weights, the list 3/],
  ];
  for (const [arch, re] of cases) {
    expect(() => decodeModel(torchFile(entries), { arch }), arch).toThrow(expect.objectContaining({ constructor: ModelFileError, message: expect.stringMatching(re) }));
    expect(() => decodeModel(torchFile(entries), { arch }), arch).toThrow('do not fit the layer list');
  }
  // A dnn file has its own list: the same one is accepted, another is refused.
  const own = encodeModel(cnn);
  expect(decodeModel(own, { arch: 'conv3x3,relu,pool2,dense4' }).model.params).toEqual(cnn.params);
  expect(() => decodeModel(own, { arch: 'conv3x3,relu,pool2,dense4,relu,dense4' })).toThrow(/holds its own layer list conv3x3,relu,pool2,flatten,dense4,softmax/);
});
