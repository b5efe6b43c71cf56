// examples/browser: a model file and a picture chosen in the page give the
// same prediction as dnn in Node. Headless Chromium driven by playwright-core.
import { test, expect } from 'bun:test';
import { mkdtemp, readFile, rm, writeFile } from 'node:fs/promises';
import { createRequire } from 'node:module';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { encode as encodePng } from 'fast-png';
import { decodeModel, predict } from '@dnn/nn';
import { grayFromRgba, loadMnist, mnistDataPackageDir, mnistFromImage } from '@dnn/data-mnist';
import { runCli } from './test-helpers.ts';
import { chromiumTest, findChromium } from '../../../test-support/capabilities.ts';

const CHROMIUM = findChromium();
const browserTest = chromiumTest();
const examples = join(dirname(createRequire(import.meta.url).resolve('dnn-cli/package.json')), '..', '..', 'examples');

browserTest('examples/browser: load a model and predict a digit in the page, as dnn does in Node', async () => {
  const dir = await mkdtemp(join(tmpdir(), 'dnn-browser-'));
  const modelFile = join(dir, 'model.safetensors');
  const trained = runCli(['train', '--epochs', '1', '--limit', '6000', '--hidden', '64', '--lr', '0.003', '--save', modelFile, '--quiet']);
  expect(trained.code, trained.stderr).toBe(0);
  // A test image drawn larger, dark on light, as a PNG.
  const mnist = await loadMnist({ dataDir: mnistDataPackageDir()! });
  const digit = mnist.test.x.subarray(0, 784);
  const size = 84;
  const rgba = new Uint8Array(size * size * 4);
  for (let y = 0; y < size; y++) {
    for (let x = 0; x < size; x++) {
      const v = 255 - digit[Math.floor(y / 3) * 28 + Math.floor(x / 3)];
      rgba.set([v, v, v, 255], (y * size + x) * 4);
    }
  }
  const png = join(dir, 'digit.png');
  await writeFile(png, encodePng({ width: size, height: size, data: rgba, channels: 4 }));
  const { model } = decodeModel(new Uint8Array(await readFile(modelFile)));
  const probs = [...predict(model, mnistFromImage(grayFromRgba(size, size, rgba)), 1)];
  const want = probs.indexOf(Math.max(...probs));

  const { chromium } = await import('playwright-core');
  const { startServer } = await import(join(examples, 'browser', 'serve.mjs'));
  const server = await startServer(0);
  const browser = await chromium.launch({ executablePath: CHROMIUM, args: ['--no-sandbox', '--no-first-run', '--disable-background-networking', '--disable-component-update', '--disable-sync'] });
  try {
    const page = await browser.newPage();
    const errors: string[] = [];
    page.on('pageerror', (e) => errors.push(e.message));
    await page.goto(`http://127.0.0.1:${server.address().port}/examples/browser/`);
    await page.setInputFiles('#model', modelFile);
    await page.setInputFiles('#image', png);
    await page.waitForSelector('body[data-state="done"], body[data-state="error"]', { timeout: 60_000 });
    expect(await page.textContent('#prediction'), (await page.textContent('#status')) ?? '').toBe(String(want));
    expect((await page.textContent('#probabilities')) ?? '').toMatch(new RegExp(`${want}: ${(probs[want] * 100).toFixed(1)}%`));
    expect(errors).toEqual([]);
  } finally {
    await browser.close();
    server.close();
    await rm(dir, { recursive: true, force: true });
  }
}, 180_000);
