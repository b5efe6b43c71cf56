import { test, expect } from 'bun:test';
import { grayFromRgba, mnistFromImage, resampleArea, EmptyImageError, type GrayImage } from './digit.ts';
import { encodePgm, parsePgm } from './pgm.ts';
import { loadMnist, mnistDataPackageDir } from './sources.ts';

const mnist = await loadMnist({ dataDir: mnistDataPackageDir()! });
const digit = (i: number) => mnist.test.x.subarray(i * 784, (i + 1) * 784);

/** The MNIST digit drawn at `scale`x, dark on white or light on black, in a larger canvas. */
function picture(i: number, scale: number, darkOnLight: boolean, pad = 10, padRight = 30): GrayImage {
  const w = 28 * scale + pad + padRight;
  const h = 28 * scale + 2 * pad;
  const data = new Float32Array(w * h).fill(darkOnLight ? 1 : 0);
  const d = digit(i);
  for (let y = 0; y < 28 * scale; y++) {
    for (let x = 0; x < 28 * scale; x++) {
      const v = d[Math.floor(y / scale) * 28 + Math.floor(x / scale)] / 255;
      data[(y + pad) * w + x + pad] = darkOnLight ? 1 - v : v;
    }
  }
  return { width: w, height: h, data };
}

function correlation(a: ArrayLike<number>, b: ArrayLike<number>): number {
  const n = a.length;
  let ma = 0, mb = 0;
  for (let i = 0; i < n; i++) { ma += a[i] / n; mb += b[i] / n; }
  let sab = 0, saa = 0, sbb = 0;
  for (let i = 0; i < n; i++) {
    sab += (a[i] - ma) * (b[i] - mb);
    saa += (a[i] - ma) ** 2;
    sbb += (b[i] - mb) ** 2;
  }
  return sab / Math.sqrt(saa * sbb);
}

test('MNIST digits redrawn bigger, padded, either polarity, come back close to the original', () => {
  for (let i = 0; i < 20; i++) {
    for (const [scale, dark] of [[1, false], [3, true], [5, false], [2, true]] as const) {
      const out = mnistFromImage(picture(i, scale, dark));
      expect(out.length).toBe(784);
      const r = correlation(out, digit(i));
      expect(r, `digit ${i} at ${scale}x ${dark ? 'dark on light' : 'light on dark'}: correlation ${r.toFixed(3)}`).toBeGreaterThan(0.8);
    }
  }
});

test('the digit is scaled into 20x20 and centred by mass in 28x28', () => {
  // A solid 10x40 bar anywhere in a 100x100 white page.
  const data = new Float32Array(100 * 100).fill(1);
  for (let y = 5; y < 45; y++) for (let x = 60; x < 70; x++) data[y * 100 + x] = 0;
  const out = mnistFromImage({ width: 100, height: 100, data });
  let x0 = 28, x1 = -1, y0 = 28, y1 = -1, mass = 0, cx = 0, cy = 0;
  for (let y = 0; y < 28; y++) for (let x = 0; x < 28; x++) {
    const v = out[y * 28 + x];
    if (v > 0) { x0 = Math.min(x0, x); x1 = Math.max(x1, x); y0 = Math.min(y0, y); y1 = Math.max(y1, y); }
    mass += v; cx += v * x; cy += v * y;
  }
  expect(y1 - y0 + 1, 'the long side is 20 pixels').toBe(20);
  expect(x1 - x0 + 1, 'the aspect ratio is kept').toBe(5);
  expect(Math.abs(cx / mass - 14) <= 0.5 && Math.abs(cy / mass - 14) <= 0.5, `centre of mass ${cx / mass}, ${cy / mass}`).toBeTruthy();
  expect(out[14 * 28 + 14]).toBe(255);
});

test('a blank picture is an error; RGBA with transparency is paper', () => {
  expect(() => mnistFromImage({ width: 10, height: 10, data: new Float32Array(100).fill(1) })).toThrow(EmptyImageError);
  const rgba = new Uint8Array(4 * 4 * 4);
  rgba.set([0, 0, 0, 255], 4 * 5); // one opaque black pixel; the rest transparent
  const g = grayFromRgba(4, 4, rgba);
  expect(g.data[5]).toBe(0);
  expect(g.data[0]).toBe(1);
});

test('area resampling keeps the mean', () => {
  const src = Float32Array.from({ length: 36 }, (_, i) => i % 7);
  const out = resampleArea(src, 6, 0, 0, 6, 6, 4, 4);
  const mean = (a: Float32Array) => a.reduce((s, v) => s + v, 0) / a.length;
  expect(Math.abs(mean(out) - mean(src))).toBeLessThan(1e-5);
});

test('PGM: binary and text round-trip; bad files are named errors', () => {
  const px = Uint8Array.from({ length: 6 }, (_, i) => i * 40);
  const img = parsePgm(encodePgm(3, 2, px));
  expect([img.width, img.height]).toEqual([3, 2]);
  expect([...img.data].map((v) => Math.round(v * 255))).toEqual([...px]);
  const text = parsePgm(new TextEncoder().encode('P2\n# a comment\n2 1\n4\n0 4\n'));
  expect([...text.data]).toEqual([0, 1]);
  expect(() => parsePgm(new TextEncoder().encode('P6\n1 1\n255\n'))).toThrow(/not a PGM file/);
  expect(() => parsePgm(new TextEncoder().encode('P5\n4 4\n255\n12'))).toThrow(/truncated PGM data/);
});
