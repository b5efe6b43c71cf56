import v8 from 'node:v8'; v8.setFlagsFromString('--experimental-wasm-relaxed-simd');
const { fit, defaultSpec, cpuBackend } = await import('@dnn/nn');
const { workersBackend } = await import('@dnn/backend-cpu-workers');
const { loadMnist, mnistDataPackageDir } = await import('@dnn/data-mnist');
const { train } = await loadMnist({ dataDir: mnistDataPackageDir() });
for (const bs of [100, 400]) for (const b of [cpuBackend(), workersBackend({ workers: 1 }), workersBackend({ workers: 2 })]) {
  const r = await fit(defaultSpec(), train, { epochs: 1, batchSize: bs, validation: 0, seed: 1, optimizer: { name: process.argv[2] ?? 'adam' }, schedule: { name: 'constant', lr: 1e-3, lrEnd: 1e-5 }, backend: b });
  console.log(bs, b.describe(), r.history[0].seconds.toFixed(2));
}
