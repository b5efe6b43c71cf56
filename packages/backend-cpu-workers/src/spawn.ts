/**
 * The one place that knows how each runtime makes a thread. Deno, Bun and
 * browsers have the web `Worker` (module workers); Node 20 has only
 * `node:worker_threads`. Both are wrapped into one small handle.
 * @module
 */

export interface WorkerHandle {
  post(message: unknown): void;
  onMessage(listener: (data: unknown) => void): void;
  /** An uncaught error, or the thread ending when it should not. */
  onFailure(listener: (cause: string) => void): void;
  terminate(): Promise<void>;
}

/** Starts the worker script at `url`. */
export async function spawnWorker(url: URL): Promise<WorkerHandle> {
  const WebWorker = (globalThis as { Worker?: typeof Worker }).Worker;
  if (typeof WebWorker === 'function') return webWorker(new WebWorker(url, { type: 'module' }));
  const { Worker: NodeWorker } = await nodeThreads();
  return nodeWorker(new NodeWorker(url));
}

function webWorker(w: Worker): WorkerHandle {
  let terminated = false;
  return {
    post: (m) => w.postMessage(m),
    onMessage: (f) => w.addEventListener('message', (e) => f((e as MessageEvent).data)),
    onFailure: (f) => {
      w.addEventListener('error', (e) => {
        e.preventDefault?.();
        if (!terminated) f((e as ErrorEvent).message || 'uncaught error');
      });
      w.addEventListener('messageerror', () => !terminated && f('a message could not be read'));
      // Bun tells when a web worker's thread ends; Deno and browsers do not.
      w.addEventListener('close', () => !terminated && f('the thread exited'));
    },
    terminate: async () => {
      terminated = true;
      w.terminate();
    },
  };
}

function nodeWorker(w: import('node:worker_threads').Worker): WorkerHandle {
  let terminated = false;
  return {
    post: (m) => w.postMessage(m),
    onMessage: (f) => w.on('message', f),
    onFailure: (f) => {
      w.on('error', (e) => !terminated && f(e?.message ?? String(e)));
      w.on('exit', (code) => !terminated && f(`the thread exited (code ${code})`));
    },
    terminate: async () => {
      terminated = true;
      await w.terminate();
    },
  };
}

/** Posts from inside a worker, whichever kind it is; returns the message source too. */
export async function workerPort(): Promise<{ post(m: unknown): void; onMessage(f: (d: unknown) => void): void }> {
  const self = (globalThis as { self?: { postMessage?: (m: unknown) => void; addEventListener?: typeof addEventListener } }).self;
  if (self && typeof self.postMessage === 'function' && self.addEventListener) {
    return { post: (m) => self.postMessage!(m), onMessage: (f) => self.addEventListener!('message', (e) => f((e as MessageEvent).data)) };
  }
  const { parentPort } = await nodeThreads();
  if (!parentPort) throw new Error('not running in a worker');
  return { post: (m) => parentPort.postMessage(m), onMessage: (f) => parentPort.on('message', f) };
}

/** node:worker_threads, imported by a computed name so that browser bundlers leave it out. */
function nodeThreads(): Promise<typeof import('node:worker_threads')> {
  const name = 'node:worker_threads';
  return import(name);
}
