// A web page as a user bundles it from the installed packages (esbuild,
// platform browser): MNIST parsed by @dnn/data-mnist's main entry (its
// browser build), a network trained on the worker pool, whose thread script
// is the `@dnn/backend-cpu-workers/worker` export bundled beside this file.
// The result lands in document.body.dataset for the headless browser.
import { defaultSpec, fit, predict, sliceDataset } from '@dnn/nn';
import { workersBackend } from '@dnn/backend-cpu-workers';
import { datasetFromIdx, maybeGunzip, MNIST_FILES } from '@dnn/data-mnist';

const idx = async (name) => maybeGunzip(new Uint8Array(await (await fetch(`data/${name}`)).arrayBuffer()));
try {
  const [a, b, c, d] = await Promise.all([MNIST_FILES.trainImages, MNIST_FILES.trainLabels, MNIST_FILES.testImages, MNIST_FILES.testLabels].map(idx));
  const train = sliceDataset(datasetFromIdx(a, b, 'train images', 'train labels'), 0, 6000);
  const test = sliceDataset(datasetFromIdx(c, d, 'test images', 'test labels'), 0, 1000);
  const spec = defaultSpec({ hidden: [64] });
  const backend = workersBackend({ workers: 2, workerUrl: new URL('./worker.js', import.meta.url) });
  const { params } = await fit(spec, train, {
    epochs: 1,
    batchSize: 32,
    validation: 0,
    seed: 1,
    optimizer: { name: 'adam' },
    schedule: { name: 'constant', lr: 0.003, lrEnd: 0.003 },
    backend,
  });
  const probs = predict({ spec, params }, test.x, test.count);
  let right = 0;
  for (let i = 0; i < test.count; i++) {
    const row = probs.subarray(i * 10, i * 10 + 10);
    if (row.indexOf(Math.max(...row)) === test.labels[i]) right++;
  }
  document.body.dataset.result = JSON.stringify({ ok: true, backend: backend.describe(), isolated: crossOriginIsolated, testAccuracy: right / test.count });
} catch (e) {
  document.body.dataset.result = JSON.stringify({ ok: false, error: String(e?.stack ?? e) });
}
