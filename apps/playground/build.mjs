// Builds the playground into dist/: the page script, the training worker,
// the worker-pool's thread script (@dnn/backend-cpu-workers/worker), and the static files.
import { build } from 'esbuild';
import { copyFileSync, mkdirSync, rmSync } from 'node:fs';

rmSync('dist', { recursive: true, force: true });
mkdirSync('dist');
await build({
  entryPoints: {
    main: 'src/main.ts',
    'train-worker': 'src/train-worker.ts',
    worker: '@dnn/backend-cpu-workers/worker',
  },
  outdir: 'dist',
  bundle: true,
  format: 'esm',
  platform: 'browser',
  target: 'es2022',
  sourcemap: true,
  logLevel: 'warning',
});
for (const f of ['index.html', 'style.css']) copyFileSync(`src/${f}`, `dist/${f}`);
