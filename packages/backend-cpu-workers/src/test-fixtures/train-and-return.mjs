// Trains with a worker pool, then trains again with a failing worker (the
// test-only worker entry whose URL is the first argument), and returns
// without calling exit: the process ends only if every worker is gone.
import { fit, validateSpec } from '@dnn/nn';
import { workersBackend } from '@dnn/backend-cpu-workers';

const spec = validateSpec({ inputSize: 4, hidden: [8], activations: ['relu'], outputSize: 2, output: 'softmax', loss: 'cross-entropy', inputScale: 1 });
const count = 200;
const x = Float32Array.from({ length: count * 4 }, (_, i) => (i % 7) / 7);
const labels = Uint8Array.from({ length: count }, (_, i) => i % 2);
const data = { x, labels, count, features: 4, classes: 2 };
const options = { epochs: 1, batchSize: 10, validation: 20, seed: 1, optimizer: { name: 'sgd' }, schedule: { name: 'constant', lr: 0.1, lrEnd: 0.1 } };
const r = await fit(spec, data, { ...options, backend: workersBackend({ workers: 2 }) });
console.log(`trained ${r.history.length} epoch`);
try {
  await fit(spec, data, { ...options, backend: workersBackend({ workers: 2, workerUrl: new URL(globalThis.Deno?.args[0] ?? process.argv[2]) }) });
} catch (e) {
  console.log(`failed as expected: ${e.message}`);
}
