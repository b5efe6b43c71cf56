/** Test pictures: a small PNG encoder for every depth and colour type, and a real MNIST digit. */
import { readFile } from 'node:fs/promises';
import { join } from 'node:path';
import { deflateSync } from 'node:zlib';
import { MNIST_FILES, mnistDataPackageDir, parseIdx } from '@dnn/data-mnist';

const CRC = Array.from({ length: 256 }, (_, n) => {
  let c = n;
  for (let k = 0; k < 8; k++) c = c & 1 ? 0xedb88320 ^ (c >>> 1) : c >>> 1;
  return c >>> 0;
});
/** One PNG chunk: length, type, data, CRC. */
export function chunk(type: string, data: Uint8Array): Uint8Array {
  const out = new Uint8Array(12 + data.length);
  const v = new DataView(out.buffer);
  v.setUint32(0, data.length);
  out.set(new TextEncoder().encode(type), 4);
  out.set(data, 8);
  let c = 0xffffffff;
  for (const b of out.subarray(4, 8 + data.length)) c = CRC[(c ^ b) & 0xff] ^ (c >>> 8);
  v.setUint32(8 + data.length, (c ^ 0xffffffff) >>> 0);
  return out;
}

/** A PNG of `samples` (per pixel, `channels` values each) at `depth` bits; colour type as given. */
export function encodeTestPng(width: number, height: number, colourType: number, depth: number, samples: number[], palette?: number[][]): Uint8Array {
  const channels = { 0: 1, 2: 3, 3: 1, 4: 2, 6: 4 }[colourType]!;
  const rowBits = width * channels * depth;
  const rowBytes = Math.ceil(rowBits / 8);
  const raw = new Uint8Array((rowBytes + 1) * height);
  for (let y = 0; y < height; y++) {
    const row = raw.subarray(y * (rowBytes + 1) + 1, (y + 1) * (rowBytes + 1));
    for (let i = 0; i < width * channels; i++) {
      const s = samples[y * width * channels + i];
      if (depth === 16) {
        row[2 * i] = s >> 8;
        row[2 * i + 1] = s & 0xff;
      } else {
        const bit = i * depth;
        row[bit >> 3] |= s << (8 - depth - (bit & 7));
      }
    }
  }
  const ihdr = new Uint8Array(13);
  const v = new DataView(ihdr.buffer);
  v.setUint32(0, width);
  v.setUint32(4, height);
  ihdr.set([depth, colourType, 0, 0, 0], 8);
  const parts = [Uint8Array.of(0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a), chunk('IHDR', ihdr)];
  if (palette) parts.push(chunk('PLTE', Uint8Array.from(palette.flat())));
  parts.push(chunk('IDAT', new Uint8Array(deflateSync(raw))), chunk('IEND', new Uint8Array(0)));
  const out = new Uint8Array(parts.reduce((a, p) => a + p.length, 0));
  let o = 0;
  for (const p of parts) (out.set(p, o), (o += p.length));
  return out;
}

const images = parseIdx(new Uint8Array(await readFile(join(mnistDataPackageDir()!, MNIST_FILES.testImages))), 'test images');
/** MNIST test digit 0 (a 7), dark on light, scaled 2x and padded to an odd width (so rows end mid-byte). */
export function digitPicture(): { width: number; height: number; gray: number[] } {
  const width = 61;
  const height = 60;
  const gray: number[] = [];
  for (let y = 0; y < height; y++) {
    for (let x = 0; x < width; x++) {
      const sx = (x - 3) >> 1;
      const sy = (y - 2) >> 1;
      gray.push(255 - (sx >= 0 && sx < 28 && sy >= 0 && sy < 28 ? images.data[sy * 28 + sx] : 0));
    }
  }
  return { width, height, gray };
}
