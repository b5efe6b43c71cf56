// The same in Deno, with npm: specifiers:
//   deno run -A examples/train-and-save.deno.ts [model.safetensors] [rows]
// (Inside this repository the specifiers resolve to the workspace packages
// in node_modules, as deno.json's nodeModulesDir: "manual" asks; elsewhere
// to the published packages.)
import { defaultSpec, evaluate, fit, sliceDataset, type Model } from 'npm:@dnn/nn';
import { saveModel } from 'npm:@dnn/nn/files';
import { loadMnist } from 'npm:@dnn/data-mnist';

const [out = 'model.safetensors', rows] = Deno.args;
const mnist = await loadMnist();
const train = rows ? sliceDataset(mnist.train, 0, Number(rows)) : mnist.train;
const spec = defaultSpec({ hidden: [128] });
const result = await fit(spec, train, { epochs: rows ? 1 : undefined });
const model: Model = { spec, params: result.params };
const test = await evaluate(model, mnist.test);
await saveModel(out, model, { 'train.testAccuracy': String(test.accuracy) });
console.log(`test accuracy ${(test.accuracy * 100).toFixed(2)}%; saved ${out}`);
