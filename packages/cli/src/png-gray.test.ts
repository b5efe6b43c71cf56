// PNG decoding for every bit depth and colour type, on a real MNIST digit, against an 8-bit gray reference.
import { test, expect } from 'bun:test';
import { mnistFromImage } from '@dnn/data-mnist';
import { deflateSync } from 'node:zlib';
import { chunk, digitPicture, encodeTestPng } from './png-fixtures.ts';
import { checkPngInflation, MAX_IMAGE_PIXELS, pngToGray } from './png-gray.ts';

test('every bit depth and colour type decodes to the gray levels it stores', () => {
  const { width, height, gray } = digitPicture();
  const reference = mnistFromImage({ width, height, data: Float32Array.from(gray, (g) => g / 255) });
  for (const depth of [1, 2, 4, 8, 16]) {
    const top = (1 << depth) - 1;
    const levels = gray.map((g) => Math.round((g * top) / 255));
    // What each level means in 8 bits: the reference these must match exactly.
    const want = Float32Array.from(levels, (q) => Math.round((q * 255) / top) / 255);
    const cases: [string, Uint8Array][] = [[`gray ${depth}-bit`, encodeTestPng(width, height, 0, depth, levels)]];
    if (depth <= 8) {
      const palette = Array.from({ length: top + 1 }, (_, q) => [0, 0, 0].map(() => Math.round((q * 255) / top)));
      cases.push([`indexed ${depth}-bit`, encodeTestPng(width, height, 3, depth, levels, palette)]);
    }
    if (depth >= 8) {
      const full = depth === 16 ? levels.map((q) => q) : levels;
      cases.push([`gray+alpha ${depth}-bit`, encodeTestPng(width, height, 4, depth, full.flatMap((q) => [q, top]))]);
      cases.push([`RGB ${depth}-bit`, encodeTestPng(width, height, 2, depth, full.flatMap((q) => [q, q, q]))]);
      cases.push([`RGBA ${depth}-bit`, encodeTestPng(width, height, 6, depth, full.flatMap((q) => [q, q, q, top]))]);
    }
    for (const [name, png] of cases) {
      const img = pngToGray(png);
      expect(img.width, name).toBe(width);
      expect(img.height, name).toBe(height);
      // 16-bit samples are read to 8 bits (the top byte), so compare at 8-bit precision there.
      const tolerance = depth === 16 ? 1 / 255 + 1e-6 : 1e-6;
      let worst = 0;
      for (let i = 0; i < want.length; i++) worst = Math.max(worst, Math.abs(img.data[i] - want[i]));
      expect(worst, `${name}: off by ${worst}`).toBeLessThanOrEqual(tolerance);
      // And the digit comes out as the 8-bit picture's does (near-exact where levels are fine enough).
      if (depth >= 8) {
        const got = mnistFromImage(img);
        let diff = 0;
        for (let i = 0; i < got.length; i++) diff = Math.max(diff, Math.abs(got[i] - reference[i]));
        expect(diff, `${name}: 28x28 differs by ${diff}`).toBeLessThanOrEqual(2);
      }
    }
  }
});

test('a picture over the pixel limit is refused from its header, before inflating', () => {
  const side = Math.ceil(Math.sqrt(MAX_IMAGE_PIXELS)) + 1;
  const png = encodeTestPng(1, 1, 0, 8, [0]);
  new DataView(png.buffer).setUint32(16, side);
  new DataView(png.buffer).setUint32(20, side);
  const started = Date.now();
  expect(() => pngToGray(png)).toThrow(new RegExp(`${side} x ${side} pixels is over the limit of 16,777,216 \\(4096 x 4096\\)`));
  expect(Date.now() - started).toBeLessThan(1000);
  expect(() => pngToGray(png.subarray(0, 20))).toThrow(/truncated PNG header/);
});

test('image data that inflates past what the header allows is stopped while streaming', async () => {
  // A 100 x 100 gray picture needs 10,100 bytes inflated; this IDAT inflates to 64 MB.
  const png = encodeTestPng(100, 100, 0, 8, new Array(10000).fill(200));
  const iend = png.length - 12;
  const idatAt = 33;
  const bomb = chunk('IDAT', new Uint8Array(deflateSync(new Uint8Array(64 << 20), { level: 1 })));
  const forged = new Uint8Array(idatAt + bomb.length + 12);
  forged.set(png.subarray(0, idatAt));
  forged.set(bomb, idatAt);
  forged.set(png.subarray(iend), idatAt + bomb.length);
  await expect(checkPngInflation(forged)).rejects.toThrow(/the image data inflates past the 10100 bytes a 100 x 100 picture needs; stopped reading/);
  // Honest pictures pass.
  await checkPngInflation(png);
  const { width, height, gray } = digitPicture();
  await checkPngInflation(encodeTestPng(width, height, 0, 1, gray.map((g) => g >> 7)));
});
