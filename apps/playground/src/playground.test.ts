// End-to-end: the built playground served locally, driven in Debian's
// headless Chromium by playwright-core. Trains with WebGPU (SwiftShader) and
// with the worker pool, draws a digit, and saves a screenshot for the README.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { existsSync, mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { createRequire } from 'node:module';
import { simdOff } from '../../../test-support/environment.ts';

const CHROMIUM = ['/usr/bin/chromium', '/usr/bin/chromium-browser'].find(existsSync);
const inNode = !(globalThis as { Deno?: unknown }).Deno && !(process.versions as { bun?: string }).bun;
const skip = simdOff ? 'the page does not depend on DNN_SIMD (run in the SIMD pass)' : !inNode ? 'the browser tests run under Node (playwright-core)' : !CHROMIUM ? 'no Chromium here (apt-get install chromium; CI installs it)' : false;
const appDir = dirname(createRequire(import.meta.url).resolve('@dnn/playground/package.json'));

test('the playground trains with WebGPU and the worker pool (MLP) and the CNN on workers, predicts a drawn digit, and shows it', { skip, timeout: 300_000 }, async () => {
  const { chromium } = await import('playwright-core');
  const { startServer } = await import(join(appDir, 'serve.mjs'));
  const server = await startServer(0);
  const port = server.address().port;
  const browser = await chromium.launch({
    executablePath: CHROMIUM,
    args: ['--no-sandbox', '--disable-gpu-sandbox', '--no-first-run', '--disable-background-networking', '--disable-component-update', '--disable-sync', '--enable-unsafe-webgpu', '--use-webgpu-adapter=swiftshader', '--enable-features=Vulkan', '--disable-quic'],
  });
  try {
    const page = await browser.newPage({ viewport: { width: 1280, height: 1000 } });
    const errors: string[] = [];
    page.on('pageerror', (e) => errors.push(e.message));
    for (const [backend, network] of [['webgpu', 'mlp'], ['workers', 'mlp'], ['workers', 'cnn']]) {
      const epochs = network === 'cnn' ? 1 : 2;
      await page.goto(`http://127.0.0.1:${port}/?backend=${backend}&network=${network}&epochs=${epochs}&limit=3000&hidden=64&lr=0.003&autostart=1`);
      await page.waitForSelector('body[data-state="done"], body[data-state="error"]', { timeout: 240_000 });
      const status = await page.textContent('#status');
      assert.match(status ?? '', /^done/, `${backend}: ${status}`);
      assert.match((await page.textContent('#backend-note')) ?? '', new RegExp(`backend: ${backend} `));
      const acc = Number((await page.textContent('#test-accuracy'))!.replace('%', ''));
      assert.ok(acc > 75, `${backend}: test accuracy ${acc}%`);
      assert.equal(await page.locator('#confusion tr').count(), 11);
      assert.ok((await page.locator('#mistakes figure').count()) > 0);
    }
    // Draw a "1": a vertical stroke down the middle of the pad.
    const box = (await page.locator('#pad').boundingBox())!;
    await page.mouse.move(box.x + 140, box.y + 40);
    await page.mouse.down();
    for (let y = 40; y <= 240; y += 20) await page.mouse.move(box.x + 140 + (y - 40) / 40, box.y + y);
    await page.mouse.up();
    const digit = await page.textContent('#prediction');
    assert.match(digit ?? '', /^\d$/, 'a prediction is shown');
    assert.equal(await page.locator('#probs div').count(), 10);
    assert.deepEqual(errors, []);
    const shots = process.env.DNN_SCREENSHOT_DIR ?? mkdtempSync(join(tmpdir(), 'dnn-shot-'));
    await page.screenshot({ path: join(shots, 'playground.png'), fullPage: true });
    console.log(`# screenshot: ${join(shots, 'playground.png')}; predicted ${digit} for a drawn 1`);
  } finally {
    await browser.close();
    server.close();
  }
});
