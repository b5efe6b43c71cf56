// A state_dict written by PyTorch loads in dnn and computes what PyTorch
// computes. Needs a python3 with torch (Debian: apt-get install python3-torch);
// the `safetensors` package is not needed: the script writes the format with
// struct and json, as safetensors.torch.save_file lays it out.
import { expect } from 'bun:test';
import { spawnSync } from 'node:child_process';
import { mkdtemp, readFile, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { decodeModel } from './model-file.ts';
import { formatArch } from './arch-syntax.ts';
import { predict } from './model.ts';
import { requireCapability } from '../../../test-support/capabilities.ts';

const SCRIPT = String.raw`
import json, struct, sys, torch, torch.nn as nn
out = sys.argv[1]
torch.manual_seed(0)
model = nn.Sequential(nn.Linear(784, 32), nn.ReLU(), nn.Linear(32, 16), nn.ReLU(), nn.Linear(16, 10))

def save_file(tensors, path, metadata=None):
    names = {torch.float32: 'F32', torch.float16: 'F16', torch.bfloat16: 'BF16', torch.float64: 'F64'}
    header, blobs, offset = {}, [], 0
    if metadata is not None:
        header['__metadata__'] = metadata
    for name, t in tensors.items():
        t = t.detach().contiguous()
        raw = (t.view(torch.int16) if t.dtype == torch.bfloat16 else t).numpy().tobytes()
        header[name] = {'dtype': names[t.dtype], 'shape': list(t.shape), 'data_offsets': [offset, offset + len(raw)]}
        blobs.append(raw)
        offset += len(raw)
    h = json.dumps(header).encode()
    h += b' ' * ((8 - len(h) % 8) % 8)
    with open(path, 'wb') as f:
        f.write(struct.pack('<Q', len(h)) + h + b''.join(blobs))

sd = model.state_dict()
save_file(sd, out + '/f32.safetensors', {'format': 'pt'})
for dtype, name in [(torch.float16, 'f16'), (torch.bfloat16, 'bf16'), (torch.float64, 'f64')]:
    save_file({k: v.to(dtype) for k, v in sd.items()}, out + '/' + name + '.safetensors')
    save_file({k: v.to(dtype).float() for k, v in sd.items()}, out + '/' + name + '-as-f32.safetensors')
x = torch.tensor(list(open(out + '/images.bin', 'rb').read()), dtype=torch.float32).reshape(-1, 784)
with torch.no_grad():
    probs = torch.softmax(model(x / 255), dim=1)
json.dump(probs.flatten().tolist(), open(out + '/probs.json', 'w'))
# A CNN: dnn reads it with its layer list (--arch); the numbering (7: Flatten counts) gives the order.
cnn = nn.Sequential(nn.Conv2d(1, 4, 5), nn.ReLU(), nn.MaxPool2d(2), nn.Conv2d(4, 8, 3, padding=1), nn.Tanh(), nn.MaxPool2d(2),
                    nn.Flatten(), nn.Linear(8 * 6 * 6, 10))
save_file(cnn.state_dict(), out + '/cnn.safetensors', {'format': 'pt'})
with torch.no_grad():
    probs = torch.softmax(cnn(x.reshape(-1, 1, 28, 28) / 255), dim=1)
json.dump(probs.flatten().tolist(), open(out + '/cnn-probs.json', 'w'))
print(torch.__version__)
`;

/** The first python3 that imports torch (Debian's python3-torch lives in /usr/bin/python3). */
function findPython(): string | null {
  for (const py of ['python3', '/usr/bin/python3']) {
    const r = spawnSync(py, ['-c', 'import torch'], { encoding: 'utf8' });
    if (r.status === 0) return py;
  }
  return null;
}
const python = findPython();

requireCapability('python3-torch', python !== null, 'no python3 with torch (apt-get install python3-torch)')('a PyTorch state_dict (Sequential of Linear, F32/F16/BF16/F64; a CNN with its layer list) loads and predicts what PyTorch predicts', async () => {
  const dir = await mkdtemp(join(tmpdir(), 'dnn-torch-'));
  try {
    const images = Uint8Array.from({ length: 20 * 784 }, (_, i) => (i * 7919) % 256);
    await writeFile(join(dir, 'images.bin'), images);
    const r = spawnSync(python!, ['-c', SCRIPT, dir], { encoding: 'utf8' });
    expect(r.status, r.stderr).toBe(0);
    const load = async (name: string) => decodeModel(new Uint8Array(await readFile(join(dir, name))));
    const f32 = await load('f32.safetensors');
    expect(f32.inferred!).toMatch(/inferred an MLP 784-32-16-10 from 0\.weight, 2\.weight, 4\.weight: relu between layers, softmax at the end/);
    const want: number[] = JSON.parse(await readFile(join(dir, 'probs.json'), 'utf8'));
    const got = predict(f32.model, images);
    let worst = 0;
    for (let i = 0; i < want.length; i++) worst = Math.max(worst, Math.abs(got[i] - want[i]));
    expect(worst, `largest difference from PyTorch ${worst}`).toBeLessThan(1e-5);
    for (const d of ['f16', 'bf16', 'f64']) {
      const converted = await load(`${d}.safetensors`);
      expect(converted.inferred!).toMatch(new RegExp(`converted ${d.toUpperCase()} to float32`));
      // Exactly the float32 values PyTorch's own conversion gives.
      expect(converted.model.params, d).toEqual((await load(`${d}-as-f32.safetensors`)).model.params);
    }

    const cnnBytes = new Uint8Array(await readFile(join(dir, 'cnn.safetensors')));
    expect(() => decodeModel(cnnBytes)).toThrow(/0\.weight \[4, 1, 5, 5\] is not a matrix.*or give the layers \(--arch\)/);
    const cnn = decodeModel(cnnBytes, { arch: 'conv4x5,relu,pool2,conv8x3same,tanh,pool2,dense10' });
    expect(formatArch(cnn.model.spec)).toBe('conv4x5,relu,pool2,conv8x3same,tanh,pool2,flatten,dense10,softmax');
    expect(cnn.inferred!).toMatch(/^no dnn metadata; read 0\.weight, 3\.weight, 7\.weight into the given layer list/);
    const cnnWant: number[] = JSON.parse(await readFile(join(dir, 'cnn-probs.json'), 'utf8'));
    const cnnGot = predict(cnn.model, images);
    let cnnWorst = 0;
    for (let i = 0; i < cnnWant.length; i++) cnnWorst = Math.max(cnnWorst, Math.abs(cnnGot[i] - cnnWant[i]));
    expect(cnnWorst, `largest difference from PyTorch's CNN ${cnnWorst}`).toBeLessThan(1e-5);
  } finally {
    await rm(dir, { recursive: true, force: true });
  }
});
