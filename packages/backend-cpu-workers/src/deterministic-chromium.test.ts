// Deterministic mode in Chromium: the page trains the conformance suite's
// deterministic fixtures on the cpu backend and on 2 workers (module Workers
// in a cross-origin isolated page) and must get the hashes Node gets here,
// bit for bit. Headless Chromium driven by playwright-core, as the browser
// example's test; the other runtimes compare through test-all's records.
import { expect } from 'bun:test';
import { mkdtemp, readFile, rm, writeFile } from 'node:fs/promises';
import { createServer } from 'node:http';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { build } from 'esbuild';
import { cpuBackend } from '@dnn/nn';
import { DETERMINISM_FIXTURES, deterministicHash } from '@dnn/nn/testing';
import { workersBackend } from '@dnn/backend-cpu-workers';
import { chromiumTest, findChromium } from '../../../test-support/capabilities.ts';

const CHROMIUM = findChromium();
const browserTest = chromiumTest();
// The sources of the suite's runs (without node:test, which a page cannot load); the bundle is run from the repository.
const runsSource = fileURLToPath(new URL('../../nn/src/testing/runs.ts', import.meta.url)).replace('/node_modules/.cache/dnn-node-tests/', '/');

const PAGE = `
import { cpuBackend } from '@dnn/nn';
import { workersBackend } from '@dnn/backend-cpu-workers';
import { DETERMINISM_FIXTURES, deterministicHash } from ${JSON.stringify(runsSource)};
globalThis.dnnHashes = async () => {
  const out = { isolated: crossOriginIsolated, hashes: {} };
  for (const [name, spec] of Object.entries(DETERMINISM_FIXTURES)) {
    out.hashes[name + ' / cpu'] = await deterministicHash(cpuBackend(), spec);
    out.hashes[name + ' / workers x2'] = await deterministicHash(workersBackend({ workers: 2, workerUrl: new URL('./worker.js', location.href) }), spec);
  }
  return out;
};
`;

browserTest('deterministic mode in Chromium: cpu and 2 workers in a page give the weights Node gives, bit for bit', async () => {
  const want: Record<string, string> = {};
  for (const [name, spec] of Object.entries(DETERMINISM_FIXTURES)) {
    const h = await deterministicHash(cpuBackend(), spec);
    want[`${name} / cpu`] = h;
    want[`${name} / workers x2`] = h;
    expect(await deterministicHash(workersBackend({ workers: 2 }), spec), `${name}: 2 workers in Node`).toBe(h);
  }

  const dir = await mkdtemp(join(tmpdir(), 'dnn-chromium-'));
  const common = { bundle: true, format: 'esm', platform: 'browser', target: 'es2022', logLevel: 'warning', absWorkingDir: fileURLToPath(new URL('.', import.meta.url)) } as const;
  await build({ ...common, stdin: { contents: PAGE, loader: 'ts', resolveDir: fileURLToPath(new URL('.', import.meta.url)) }, outfile: join(dir, 'page.js') });
  await build({ ...common, entryPoints: [fileURLToPath(import.meta.resolve('@dnn/backend-cpu-workers/worker'))], outfile: join(dir, 'worker.js') });
  await writeFile(join(dir, 'index.html'), '<!doctype html><script type="module" src="page.js"></script>');
  const server = createServer(async (req, res) => {
    const name = ({ '/': 'index.html', '/page.js': 'page.js', '/worker.js': 'worker.js' } as Record<string, string>)[req.url ?? ''];
    if (!name) return void res.writeHead(404).end();
    // Cross-origin isolation: SharedArrayBuffer and shared WebAssembly memory for the pool.
    res.writeHead(200, { 'Content-Type': name.endsWith('.html') ? 'text/html' : 'text/javascript', 'Cross-Origin-Opener-Policy': 'same-origin', 'Cross-Origin-Embedder-Policy': 'require-corp' });
    res.end(await readFile(join(dir, name)));
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const { chromium } = await import('playwright-core');
  const browser = await chromium.launch({ executablePath: CHROMIUM, args: ['--no-sandbox', '--no-first-run', '--disable-background-networking', '--disable-component-update', '--disable-sync'] });
  try {
    const page = await browser.newPage();
    const errors: string[] = [];
    page.on('pageerror', (e) => errors.push(e.message));
    await page.goto(`http://127.0.0.1:${(server.address() as { port: number }).port}/`);
    await page.waitForFunction(() => typeof (globalThis as { dnnHashes?: unknown }).dnnHashes === 'function', undefined, { timeout: 30_000 });
    const got = await page.evaluate(() => (globalThis as unknown as { dnnHashes: () => Promise<{ isolated: boolean; hashes: Record<string, string> }> }).dnnHashes());
    expect(errors).toEqual([]);
    expect(got.isolated, 'the page is cross-origin isolated').toBeTruthy();
    expect(got.hashes).toEqual(want);
  } finally {
    await browser.close();
    server.close();
    await rm(dir, { recursive: true, force: true });
  }
}, 180_000);
