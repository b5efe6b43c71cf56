// Exports a dnn model file (or a PyTorch state_dict dnn can read) as ONNX.
//   node examples/export-onnx.mjs model.safetensors model.onnx
// Then, in Python:
//   import onnxruntime as ort, numpy as np
//   session = ort.InferenceSession("model.onnx")
//   probabilities = session.run(None, {"input": pixels.reshape(-1, 784).astype(np.float32)})[0]
// (pixels: raw 0-255 values; the graph scales them itself).
import { writeFile } from 'node:fs/promises';
import { encodeOnnx } from '@dnn/nn';
import { loadModel } from '@dnn/nn/files';

const [from = 'model.safetensors', to = 'model.onnx'] = process.argv.slice(2);
const { model, metadata } = await loadModel(from);
const classes = metadata['dnn.classes'];
await writeFile(to, encodeOnnx(model, { metadata: classes ? { 'dnn.classes': classes } : {} }));
console.log(`wrote ${to}`);
