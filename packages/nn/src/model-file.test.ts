import { test, expect } from 'bun:test';
import { ModelFileError } from './safetensors.ts';
import { decodeModel, encodeModel, MODEL_FORMAT, MODEL_FORMAT_MLP, modelTensors } from './model-file.ts';
import { encodeSafetensors } from './safetensors.ts';
import { createModel } from './model.ts';
import { defaultCnnSpec, defaultSpec, mlpView, validateSpec } from './spec.ts';

const spec = defaultSpec({ inputSize: 6, hidden: [5, 4], activations: ['relu', 'tanh'], outputSize: 3 });
const model = createModel(spec, 3);
model.params[model.params.length - 1] = 0.25; // a non-zero bias

test('encode/decode round-trips the spec, parameters and metadata', () => {
  const bytes = encodeModel(model, { epochs: '3' });
  const { model: back, metadata } = decodeModel(bytes);
  expect(back.spec).toEqual(spec);
  expect(back.params).toEqual(model.params);
  expect(metadata.epochs).toBe('3');
  expect(metadata['dnn.format']).toBe(MODEL_FORMAT);
  const headerLen = Number(new DataView(bytes.buffer).getBigUint64(0, true));
  expect((8 + headerLen) % 8, 'data is 8-byte aligned').toBe(0);
  const header = JSON.parse(new TextDecoder().decode(bytes.subarray(8, 8 + headerLen)));
  expect(header['0.weight'].shape, 'PyTorch nn.Linear layout [out, in]').toEqual([5, 6]);
  expect(header['4.bias']).toEqual({ dtype: 'F32', shape: [3], data_offsets: [(model.params.length - 3) * 4, model.params.length * 4] });
});

test('activations can be overridden on load; shapes must still fit', () => {
  const bytes = encodeModel(model);
  expect(mlpView(decodeModel(bytes, { activations: ['sigmoid', 'elu'] }).model.spec)?.activations).toEqual(['sigmoid', 'elu']);
  expect(() => decodeModel(bytes, { activations: ['relu'] })).toThrow(/one activation per hidden layer/);
});

/** Rewrites the JSON header of a valid file. */
function withHeader(edit: (h: Record<string, any>) => void): Uint8Array {
  const bytes = encodeModel(model);
  const n = Number(new DataView(bytes.buffer).getBigUint64(0, true));
  const h = JSON.parse(new TextDecoder().decode(bytes.subarray(8, 8 + n)));
  edit(h);
  const hb = new TextEncoder().encode(JSON.stringify(h));
  const out = new Uint8Array(8 + hb.length + bytes.length - 8 - n);
  new DataView(out.buffer).setBigUint64(0, BigInt(hb.length), true);
  out.set(hb, 8);
  out.set(bytes.subarray(8 + n), 8 + hb.length);
  return out;
}

test('broken files give clear errors', () => {
  const good = encodeModel(model);
  const cases: [Uint8Array, RegExp][] = [
    [good.subarray(0, 5), /too short/],
    [good.subarray(0, 100), /runs past the end of the file/],
    [good.subarray(0, good.length - 4), /outside the .* data bytes/],
    [(() => { const b = good.slice(); new DataView(b.buffer).setBigUint64(0, 2n ** 62n, true); return b; })(), /runs past the end/],
    [(() => { const b = good.slice(); b[8] = 0x5b; return b; })(), /not valid JSON/],
    [withHeader((h) => { for (const k of Object.keys(h)) delete h[k]; }), /no dnn metadata, and the tensors fit no layer list \(the file holds no tensors\)/],
    [withHeader((h) => (h.__metadata__['dnn.format'] = 'other/9')), /unsupported model format "other\/9"/],
    [withHeader((h) => (h.__metadata__['dnn.spec'] = '{"inputSize":-1}')), /cannot be built: inputSize/],
    [withHeader((h) => (h['2.weight'].dtype = 'I64')), /dtype "I64"; only F32, F16, BF16, F64 are read/],
    [withHeader((h) => (h['2.weight'].dtype = 'F16')), /2\.weight has data_offsets .* not 40 long/],
    [withHeader((h) => (h['2.weight'].shape = [4, 4])), /2\.weight has data_offsets .* not 64 long/],
    [withHeader((h) => (h.__metadata__['dnn.spec'] = h.__metadata__['dnn.spec'].replace('{"kind":"dense","out":4}', '{"kind":"dense","out":3}'))), /tensor 2\.weight has shape \[4,5\], the spec needs \[3, 5\]/],
    // A spec asking for billions of parameters fails on the shapes, before anything is allocated for it.
    [withHeader((h) => (h.__metadata__['dnn.spec'] = h.__metadata__['dnn.spec'].replace('{"kind":"dense","out":5}', '{"kind":"dense","out":16000000}'))), /tensor 0\.weight has shape \[5,6\], the spec needs \[16000000, 6\]/],
    [withHeader((h) => (h['2.bias'].data_offsets = h['2.weight'].data_offsets.map((o: number) => o))), /not 16 long|overlaps/],
    [withHeader((h) => (h['2.bias'].shape = [-4])), /bad shape/],
    [withHeader((h) => (h['0.bias'].data_offsets = [0, 20])), /overlaps/],
    [withHeader((h) => delete h['4.bias']), /4.bias is missing/],
    [withHeader((h) => (h['extra'] = { dtype: 'F32', shape: [0], data_offsets: [0, 0] })), /unexpected tensor/],
  ];
  for (const [bytes, re] of cases) {
    expect(() => decodeModel(bytes), String(re)).toThrow(expect.objectContaining({ constructor: ModelFileError, message: expect.stringMatching(re) }));
  }
  expect(() => decodeModel(withHeader(() => {}).subarray(0, 8))).toThrow(ModelFileError);
  const arr = new Uint8Array(16);
  new DataView(arr.buffer).setBigUint64(0, 4n, true);
  arr.set(new TextEncoder().encode('[1] '), 8);
  expect(() => decodeModel(arr)).toThrow(/not a JSON object/);
});

test('a CNN file has torch.nn.Sequential names, PyTorch layouts and the layer list', () => {
  const cnn = createModel(defaultCnnSpec(), 5);
  const bytes = encodeModel(cnn);
  const n = Number(new DataView(bytes.buffer).getBigUint64(0, true));
  const header = JSON.parse(new TextDecoder().decode(bytes.subarray(8, 8 + n)));
  const names = Object.keys(header).filter((k) => k !== '__metadata__').sort();
  expect(names).toEqual(['0.bias', '0.weight', '3.bias', '3.weight', '7.bias', '7.weight', '9.bias', '9.weight']);
  expect(header['0.weight'].shape).toEqual([16, 1, 5, 5]);
  expect(header['3.weight'].shape).toEqual([32, 16, 5, 5]);
  expect(header['7.weight'].shape).toEqual([128, 512]);
  expect(JSON.parse(header.__metadata__['dnn.spec']).layers[6]).toEqual({ kind: 'flatten' });
  const back = decodeModel(bytes).model;
  expect(back.spec).toEqual(cnn.spec);
  expect(back.params).toEqual(cnn.params);
});

test('files of the MLP-only format (layers.{i}.weight) still load', () => {
  const legacySpec = { inputSize: 6, hidden: [5, 4], activations: ['relu', 'tanh'], outputSize: 3, output: 'softmax', loss: 'cross-entropy', inputScale: 1 / 255 };
  const bytes = encodeSafetensors(modelTensors(spec, model.params, 'mlp'), { 'dnn.format': MODEL_FORMAT_MLP, 'dnn.spec': JSON.stringify(legacySpec) });
  const back = decodeModel(bytes).model;
  expect(back.spec).toEqual(spec);
  expect(back.params).toEqual(model.params);
  expect(back.spec).toEqual(validateSpec(legacySpec));
});
