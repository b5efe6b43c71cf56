/**
 * @dnn/backend-cpu-workers/worker: the script each thread of the pool runs
 * (its loop is worker.ts). A bundler builds it as an entry of its own, from
 * this package's `./worker` export, and the page passes its URL as
 * `workersBackend({ workerUrl })`.
 * @module @dnn/backend-cpu-workers/worker
 */
import { serveWorker } from './worker.ts';

await serveWorker();
