/**
 * Trains off the page's thread so the page never freezes: runs `fit` with
 * the chosen backend, forwards its events, then tests the model and sends
 * back the weights, the metrics and the misclassified test digits.
 */
import { cpuBackend, fit, metricsFromOutputs, type Backend, type Dataset } from '@dnn/nn';
import { workersBackend } from '@dnn/backend-cpu-workers';
import { webgpuBackend } from '@dnn/backend-webgpu';
import type { FromTrainer, TrainRequest } from './protocol.ts';

const post = (m: FromTrainer, transfer: Transferable[] = []) => (self as unknown as Worker).postMessage(m, transfer);

self.addEventListener('message', async (e: MessageEvent<TrainRequest>) => {
  const r = e.data;
  try {
    const started = performance.now();
    const backend: Backend =
      r.backend === 'webgpu' ? await webgpuBackend() : r.backend === 'workers' ? workersBackend({ workers: navigator.hardwareConcurrency }) : cpuBackend();
    const train: Dataset = { ...r.train, features: 784, classes: 10 };
    const test: Dataset = { ...r.test, features: 784, classes: 10 };
    const result = await fit(r.spec, train, {
      epochs: r.epochs,
      batchSize: r.batchSize,
      validation: r.validation,
      seed: 1,
      optimizer: { name: r.optimizer },
      schedule: { name: 'linear', lr: r.lr, lrEnd: r.lr / 100 },
      backend,
      progressSteps: 50,
      onEvent: (event) => post({ type: 'event', event, backend: backend.describe() }),
    });
    // The test set, once, after training: outputs for the metrics and the mistakes.
    const trainer = await backend.createTrainer({ spec: r.spec, params: result.params, optimizer: { name: 'sgd' }, data: test, maxBatch: 256 });
    const outputs = await trainer.predict(test, 0, test.count);
    await trainer.dispose();
    const metrics = metricsFromOutputs(r.spec, outputs, test.labels);
    const mistakes: { index: number; label: number; predicted: number }[] = [];
    for (let i = 0; i < test.count && mistakes.length < 40; i++) {
      const row = outputs.subarray(i * 10, i * 10 + 10);
      const predicted = row.indexOf(Math.max(...row));
      if (predicted !== test.labels[i]) mistakes.push({ index: i, label: test.labels[i], predicted });
    }
    post({ type: 'done', params: result.params, metrics, mistakes, seconds: (performance.now() - started) / 1000 }, [result.params.buffer]);
  } catch (err) {
    post({ type: 'error', message: (err as Error)?.message ?? String(err) });
  }
});
