// Loads a model trained in PyTorch and predicts the first MNIST test images.
//   node examples/load-pytorch.mjs model.safetensors
// The file is a state_dict saved with safetensors' save_file, e.g.
//   net = torch.nn.Sequential(nn.Linear(784, 128), nn.ReLU(), nn.Linear(128, 10))
//   ... train on x / 255 ...
//   safetensors.torch.save_file(net.state_dict(), "model.safetensors")
// dnn infers the layers from the names and shapes (ReLU between, softmax at the end).
import { predict } from '@dnn/nn';
import { loadModel } from '@dnn/nn/files';
import { loadMnist } from '@dnn/data-mnist';

const file = process.argv[2] ?? 'model.safetensors';
const { model, inferred } = await loadModel(file);
if (inferred) console.log(inferred);
const mnist = await loadMnist();
const n = 10;
const probs = predict(model, mnist.test.x.subarray(0, n * 784), n);
for (let i = 0; i < n; i++) {
  const row = [...probs.subarray(i * 10, i * 10 + 10)];
  const digit = row.indexOf(Math.max(...row));
  console.log(`test image ${i}: predicted ${digit} (${(row[digit] * 100).toFixed(1)}%), label ${mnist.test.labels[i]}`);
}
