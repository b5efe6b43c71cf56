// PyTorch reads dnn's model files as they are: a torch.nn.Sequential built
// from the stored layer list loads the tensors with strict=True and computes
// the same outputs. Needs python3 with torch (Debian: apt-get install
// python3-torch); the safetensors file is parsed by hand so the Python
// safetensors package is not needed.
import { expect } from 'bun:test';
import { spawnSync } from 'node:child_process';
import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { maxRelativeError, randomArray, Rng } from '@dnn/tensor';
import { encodeModel } from './model-file.ts';
import { createModel, predict } from './model.ts';
import { defaultCnnSpec, validateSpec } from './spec.ts';
import { requireCapability } from '../../../test-support/capabilities.ts';

const PYTHON = String.raw`
import json, struct, sys, torch
from torch import nn
raw = open(sys.argv[1], 'rb').read()
n = struct.unpack('<Q', raw[:8])[0]
header = json.loads(raw[8:8 + n])
spec = json.loads(header.pop('__metadata__')['dnn.spec'])
state = {k: torch.frombuffer(bytearray(raw[8 + n + t['data_offsets'][0]:8 + n + t['data_offsets'][1]]), dtype=torch.float32).reshape(t['shape']) for k, t in header.items()}
class LecunTanh(nn.Module):
    def forward(self, x): return 1.7159 * torch.tanh(x * 2 / 3)
acts = {'linear': nn.Identity, 'sigmoid': nn.Sigmoid, 'tanh': nn.Tanh, 'lecun-tanh': LecunTanh, 'relu': nn.ReLU,
        'leaky-relu': lambda: nn.LeakyReLU(0.01), 'elu': nn.ELU, 'softplus': nn.Softplus, 'softmax': lambda: nn.Softmax(dim=1)}
shape = list(spec['input']['shape'])
modules = []
for l in spec['layers']:
    k = l['kind']
    if k == 'dense':
        modules.append(nn.Linear(shape[0], l['out'])); shape = [l['out']]
    elif k == 'conv2d':
        pad = (l['kernel'] - 1) // 2 if l['padding'] == 'same' else 0
        modules.append(nn.Conv2d(shape[0], l['out'], l['kernel'], stride=l['stride'], padding=pad))
        side = lambda s: (s + 2 * pad - l['kernel']) // l['stride'] + 1
        shape = [l['out'], side(shape[1]), side(shape[2])]
    elif k == 'maxpool2d':
        modules.append(nn.MaxPool2d(2)); shape = [shape[0], shape[1] // 2, shape[2] // 2]
    elif k == 'flatten':
        modules.append(nn.Flatten()); shape = [shape[0] * shape[1] * shape[2]]
    elif k == 'dropout':
        modules.append(nn.Dropout(l['rate']))
    else:
        modules.append(acts[k]())
model = nn.Sequential(*modules)
model.load_state_dict(state, strict=True)
model.eval()
x = torch.frombuffer(bytearray(open(sys.argv[2], 'rb').read()), dtype=torch.float32)
x = x.reshape([-1] + list(spec['input']['shape'])) * spec['input']['scale']
with torch.no_grad():
    print(json.dumps(model(x).flatten().tolist()))
`;

/** A python3 that imports torch, or null. */
function torchPython(): string | null {
  for (const py of ['python3', '/usr/bin/python3']) {
    const r = spawnSync(py, ['-c', 'import torch'], { encoding: 'utf8' });
    if (r.status === 0) return py;
  }
  return null;
}

const python = torchPython();

const specs = {
  'the default CNN': defaultCnnSpec(),
  'stride 2, same padding, every activation': validateSpec({
    input: { shape: [2, 11, 10], scale: 1 / 255 },
    layers: [
      { kind: 'conv2d', out: 5, kernel: 3, stride: 2, padding: 'same' },
      { kind: 'elu' },
      { kind: 'conv2d', out: 4, kernel: 3, stride: 1, padding: 'same' },
      { kind: 'lecun-tanh' },
      { kind: 'maxpool2d' },
      { kind: 'dropout', rate: 0.5 },
      { kind: 'flatten' },
      { kind: 'dense', out: 9 },
      { kind: 'leaky-relu' },
      { kind: 'dense', out: 8 },
      { kind: 'softplus' },
      { kind: 'dense', out: 7 },
      { kind: 'sigmoid' },
      { kind: 'dense', out: 6 },
      { kind: 'tanh' },
      { kind: 'dense', out: 5 },
      { kind: 'linear' },
      { kind: 'dense', out: 3 },
      { kind: 'softmax' },
    ],
    loss: 'cross-entropy',
  }),
};

for (const [name, spec] of Object.entries(specs)) {
  requireCapability('python3-torch', python !== null, 'python3 with torch is not installed (apt-get install python3-torch)')(`PyTorch loads a saved model with strict=True and computes the same outputs: ${name}`, async () => {
    const model = createModel(spec, 7);
    // Non-zero biases, so that a bias in the wrong place shows.
    const rng = new Rng(3);
    for (let i = 0; i < model.params.length; i++) if (model.params[i] === 0) model.params[i] = rng.uniform(-0.1, 0.1);
    const rows = 5;
    const x = randomArray(rng, rows * spec.input.shape.reduce((a, b) => a * b, 1), 0, 255);
    const dir = await mkdtemp(join(tmpdir(), 'dnn-torch-'));
    try {
      await writeFile(join(dir, 'model.safetensors'), encodeModel(model));
      await writeFile(join(dir, 'x.bin'), new Uint8Array(x.buffer));
      const r = spawnSync(python!, ['-c', PYTHON, join(dir, 'model.safetensors'), join(dir, 'x.bin')], { encoding: 'utf8' });
      expect(r.status, r.stderr).toBe(0);
      const theirs = JSON.parse(r.stdout) as number[];
      const ours = predict(model, x, rows);
      expect(theirs.length).toBe(ours.length);
      const e = maxRelativeError(ours, theirs, 1e-3);
      expect(e, `outputs differ by ${e}`).toBeLessThan(1e-4);
    } finally {
      await rm(dir, { recursive: true, force: true });
    }
  });
}
