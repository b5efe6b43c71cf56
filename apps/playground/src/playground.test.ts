// End-to-end: the built playground served locally, driven in Debian's
// headless Chromium by playwright-core. Trains with WebGPU (SwiftShader) and
// with the worker pool, draws a digit, and saves a screenshot for the README.
import { test, expect } from 'bun:test';
import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { createRequire } from 'node:module';
import { chromiumTest, findChromium } from '../../../test-support/capabilities.ts';

const CHROMIUM = findChromium();
const browserTest = chromiumTest();
const appDir = dirname(createRequire(import.meta.url).resolve('@dnn/playground/package.json'));

browserTest('the playground trains with WebGPU and the worker pool (MLP) and the CNN on workers, predicts a drawn digit, and shows it', async () => {
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
      expect(status ?? '', `${backend}: ${status}`).toMatch(/^done/);
      expect((await page.textContent('#backend-note')) ?? '').toMatch(new RegExp(`backend: ${backend} `));
      const acc = Number((await page.textContent('#test-accuracy'))!.replace('%', ''));
      expect(acc, `${backend}: test accuracy ${acc}%`).toBeGreaterThan(75);
      expect(await page.locator('#confusion tr').count()).toBe(11);
      expect((await page.locator('#mistakes figure').count())).toBeGreaterThan(0);
    }
    // Draw a "1": a vertical stroke down the middle of the pad.
    const box = (await page.locator('#pad').boundingBox())!;
    await page.mouse.move(box.x + 140, box.y + 40);
    await page.mouse.down();
    for (let y = 40; y <= 240; y += 20) await page.mouse.move(box.x + 140 + (y - 40) / 40, box.y + y);
    await page.mouse.up();
    const digit = await page.textContent('#prediction');
    expect(digit ?? '', 'a prediction is shown').toMatch(/^\d$/);
    expect(await page.locator('#probs div').count()).toBe(10);
    expect(errors).toEqual([]);
    const shots = process.env.DNN_SCREENSHOT_DIR ?? mkdtempSync(join(tmpdir(), 'dnn-shot-'));
    await page.screenshot({ path: join(shots, 'playground.png'), fullPage: true });
    console.log(`# screenshot: ${join(shots, 'playground.png')}; predicted ${digit} for a drawn 1`);
  } finally {
    await browser.close();
    server.close();
  }
}, 300_000);
