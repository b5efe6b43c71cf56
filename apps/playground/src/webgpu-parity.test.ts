// The WebGPU kernels in a browser: headless Chromium (WebGPU through
// SwiftShader) runs 50 training steps of a few networks on the WebGPU
// backend and on the CPU backend, in the page, and the loss sums must agree
// within 1e-4, as in Node, Bun and Deno (packages/backend-webgpu's tests).
import { test, expect } from 'bun:test';
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { createServer } from 'node:http';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { chromiumTest, findChromium } from '../../../test-support/capabilities.ts';

const CHROMIUM = findChromium();
const browserTest = chromiumTest();
// Under Node the test runs from a bundle in node_modules/.cache/dnn-node-tests/, mirroring the tree.
const fixture = fileURLToPath(new URL('./test-fixtures/webgpu-parity-page.ts', import.meta.url)).replace('/node_modules/.cache/dnn-node-tests/', '/');

browserTest('WebGPU training steps match the CPU within 1e-4 for 50 steps in headless Chromium', async () => {
  const { build } = await import('esbuild');
  const { chromium } = await import('playwright-core');
  const dir = mkdtempSync(join(tmpdir(), 'dnn-webgpu-page-'));
  await build({ entryPoints: [fixture], outfile: join(dir, 'page.js'), bundle: true, format: 'esm', platform: 'browser', target: 'es2022', logLevel: 'warning' });
  writeFileSync(join(dir, 'index.html'), '<!doctype html><html><body><script type="module" src="page.js"></script></body></html>');
  const server = createServer((req, res) => {
    const name = req.url === '/page.js' ? 'page.js' : 'index.html';
    res.writeHead(200, { 'content-type': name.endsWith('.js') ? 'text/javascript' : 'text/html' });
    res.end(readFileSync(join(dir, name)));
  });
  await new Promise<void>((done) => server.listen(0, '127.0.0.1', done));
  const browser = await chromium.launch({
    executablePath: CHROMIUM,
    args: ['--no-sandbox', '--disable-gpu-sandbox', '--no-first-run', '--disable-background-networking', '--disable-component-update', '--disable-sync', '--enable-unsafe-webgpu', '--use-webgpu-adapter=swiftshader', '--enable-features=Vulkan', '--disable-quic'],
  });
  try {
    const page = await browser.newPage();
    await page.goto(`http://127.0.0.1:${(server.address() as { port: number }).port}/`);
    await page.waitForSelector('body[data-result]', { state: 'attached', timeout: 240_000 });
    const r = JSON.parse((await page.getAttribute('body', 'data-result'))!) as { error?: string; adapter: string; results: { name: string; worst: number }[] };
    expect(r.error, r.error).toBe(undefined);
    console.log(`# ${r.adapter}`);
    expect(r.results.length).toBe(3);
    for (const x of r.results) expect(x.worst, `${x.name}: ${x.worst}`).toBeLessThan(1e-4);
  } finally {
    await browser.close();
    server.close();
    rmSync(dir, { recursive: true, force: true });
  }
}, 300_000);
