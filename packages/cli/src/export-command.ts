/** `dnn-cli export`: a model file as ONNX, for ONNX Runtime, PyTorch tools and the rest. */
import { encodeOnnx, layerShapes, ONNX_OPSET } from '@dnn/nn';
import { flagHelp, parseFlags, type Flags } from './args.ts';
import { UsageError } from './errors.ts';
import { ARCH_FLAG, readModelFile, writeFileAtomic } from './model-file.ts';
import { VERSION } from './version.ts';

const FLAGS: Flags = {
  model: { type: 'string', value: 'FILE', help: 'the model file (safetensors: dnn, or a PyTorch state_dict)' },
  ...ARCH_FLAG,
  onnx: { type: 'string', value: 'FILE', help: 'write the ONNX model to FILE, atomically' },
  json: { type: 'boolean', help: 'print one JSON line' },
  help: { type: 'boolean', short: 'h', help: 'show this help' },
};

const HELP = `Usage: dnn-cli export --model FILE --onnx FILE [--arch LAYERS]

Writes a model as a standard ONNX graph (opset ${ONNX_OPSET}: Gemm for dense layers,
Conv, MaxPool, Flatten, the activations, Softmax at the end; dropout is left
out, as at inference). The graph's input is named "input": float32 raw pixel
values 0-255 (the graph scales them by 1/255 itself), [N, 1, 28, 28] for a
model whose input is an image (any --arch model, the CNN among them), [N, 784]
row by row for a flat one (the MLP of --hidden). Its output is
"probabilities", float32 [N, classes]. Class names and training settings go
into the model's metadata_props. A PyTorch state_dict without dnn metadata
needs --arch unless it is a stack of Linear layers.

Flags:
${flagHelp(FLAGS)}

Examples:
  dnn-cli export --model model.safetensors --onnx model.onnx
  dnn-cli export --model torch-cnn.safetensors --arch cnn --onnx cnn.onnx
  python3 -c "import onnxruntime as ort, numpy as np; s = ort.InferenceSession('model.onnx'); print(s.run(None, {'input': np.zeros((1, 784), np.float32)})[0])"`;

export async function exportCommand(argv: string[]): Promise<number> {
  const { values: v, positionals } = parseFlags(argv, FLAGS);
  if (v.help) return void console.log(HELP), 0;
  if (positionals.length) throw new UsageError(`unexpected argument ${JSON.stringify(positionals[0])}`);
  if (!v.model) throw new UsageError('--model FILE is required');
  if (!v.onnx) throw new UsageError('--onnx FILE is required (where to write the ONNX model)');
  const { model, metadata, inferred } = await readModelFile(v.model as string, { arch: v.arch as string | undefined });
  if (inferred) process.stderr.write(`${v.model}: ${inferred}\n`);
  // dnn's own keys are written fresh; the rest (class names, training) is carried over.
  const carried = Object.fromEntries(Object.entries(metadata).filter(([k]) => k !== 'dnn.format' && k !== 'dnn.spec'));
  const bytes = encodeOnnx(model, { metadata: carried, producerVersion: VERSION });
  await writeFileAtomic(v.onnx as string, bytes);
  const last = layerShapes(model.spec).at(-1)!;
  const input = model.spec.input.shape;
  const output = last.spec.kind === 'softmax' ? 'probabilities' : 'output';
  if (v.json) console.log(JSON.stringify({ event: 'export', model: v.model, onnx: v.onnx, bytes: bytes.length, opset: ONNX_OPSET, input: [null, ...input], output: [null, ...last.outShape] }));
  else console.log(`wrote ${v.onnx} (${bytes.length.toLocaleString('en-US')} bytes, ONNX opset ${ONNX_OPSET}): input "input" [N, ${input.join(', ')}] raw pixels 0-255, output "${output}" [N, ${last.outShape.join(', ')}]`);
  return 0;
}
