// Fuzzing the model and checkpoint readers: valid files mutated at random
// (bit flips, truncation, splices, header bytes), from a fixed seed. Every
// case must either load or throw ModelFileError; anything else is a bug.
import { test, expect } from 'bun:test';
import { Rng } from '@dnn/tensor';
import { decodeModel, encodeModel } from './model-file.ts';
import { decodeCheckpoint, encodeCheckpoint } from './checkpoint.ts';
import { ModelFileError } from './safetensors.ts';
import { createModel } from './model.ts';
import { defaultSpec, validateSpec } from './spec.ts';

/** A mutated copy of `bytes`; mutations favour the first `hot` bytes (the header). */
function mutate(rng: Rng, bytes: Uint8Array, hot: number): Uint8Array {
  const b = bytes.slice();
  const pick = () => (rng.float() < 0.8 ? rng.int(Math.min(hot, b.length)) : rng.int(b.length));
  switch (rng.int(5)) {
    case 0: // bit flips
      for (let i = 0, n = 1 + rng.int(8); i < n; i++) b[pick()] ^= 1 << rng.int(8);
      return b;
    case 1: // truncation
      return b.subarray(0, rng.int(b.length));
    case 2: {
      // splice: a run copied from elsewhere
      const from = rng.int(b.length);
      const to = pick();
      const len = 1 + rng.int(32);
      b.copyWithin(to, from, Math.min(b.length, from + len));
      return b;
    }
    case 3: {
      // random bytes inserted
      const at = pick();
      const extra = Uint8Array.from({ length: 1 + rng.int(16) }, () => rng.int(256));
      return Uint8Array.from([...b.subarray(0, at), ...extra, ...b.subarray(at)]);
    }
    default: // a digit in the header changed: sizes, offsets, shapes
      for (let i = 0; i < 20; i++) {
        const at = pick();
        if (b[at] >= 0x30 && b[at] <= 0x39) {
          b[at] = 0x30 + rng.int(10);
          break;
        }
      }
      return b;
  }
}

const spec = defaultSpec({ inputSize: 6, hidden: [5], activations: ['relu'], outputSize: 3 });
const model = createModel(spec, 1);
const headerLength = (b: Uint8Array) => 8 + Number(new DataView(b.buffer, b.byteOffset).getBigUint64(0, true));

for (const [name, bytes, decode] of [
  ['model', encodeModel(model, { note: 'fuzz' }), (b: Uint8Array) => decodeModel(b)],
  ['checkpoint', encodeCheckpoint({ spec, config: { lr: 0.1 }, epoch: 2, rowsDone: 40, lossSum: 1.5, history: [], state: { params: model.params, slots: [model.params.slice(), model.params.slice()], steps: 9 } }), decodeCheckpoint],
] as const) {
  test(`${name} reader: 4000 mutated files either load or throw ModelFileError`, () => {
    const rng = new Rng(name.length);
    const hot = headerLength(bytes);
    let loaded = 0;
    let rejected = 0;
    for (let i = 0; i < 4000; i++) {
      const m = mutate(rng, bytes, hot);
      try {
        (decode as (b: Uint8Array) => unknown)(m);
        loaded++;
      } catch (e) {
        if (!(e instanceof ModelFileError)) throw new Error(`case ${i}: ${(e as Error)?.name}: ${(e as Error)?.message}`);
        rejected++;
      }
    }
    expect(loaded + rejected).toBe(4000);
    expect(rejected > 1000 && loaded > 0, `loaded ${loaded}, rejected ${rejected}: both outcomes occur`).toBeTruthy();
  });
}
