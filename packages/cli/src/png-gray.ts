/**
 * PNG to grayscale, for every bit depth and colour type the format allows:
 * gray at 1, 2, 4, 8 and 16 bits, gray+alpha, RGB and RGBA at 8 and 16,
 * and indexed at 1, 2, 4 and 8 bits. fast-png inflates and unfilters; it
 * leaves samples under 8 bits packed (each row padded to a whole byte),
 * which is unpacked here. Images over MAX_IMAGE_PIXELS are refused from
 * their header, before anything is inflated, and `checkPngInflation` stops
 * image data that inflates past what the header's size allows (a small file
 * must not inflate into gigabytes) before the decoder inflates it whole.
 */
import { decode as decodePng } from 'fast-png';
import { grayFromRgba, type GrayImage } from '@dnn/data-mnist';

/** The largest picture predict reads: 4096 x 4096 pixels (a digit needs far fewer). */
export const MAX_IMAGE_PIXELS = 4096 * 4096;

/** Width and height from the IHDR chunk (bytes 16 to 24), or null when the header is not there. */
export function pngSize(bytes: Uint8Array): { width: number; height: number } | null {
  if (bytes.length < 24) return null;
  const v = new DataView(bytes.buffer, bytes.byteOffset, bytes.byteLength);
  return { width: v.getUint32(16), height: v.getUint32(20) };
}

/** Decodes a PNG to grayscale; throws an Error saying what is wrong. */
export function pngToGray(bytes: Uint8Array): GrayImage {
  const size = pngSize(bytes);
  if (!size) throw new Error('truncated PNG header');
  if (size.width * size.height > MAX_IMAGE_PIXELS) {
    throw new Error(`${size.width} x ${size.height} pixels is over the limit of ${MAX_IMAGE_PIXELS.toLocaleString('en-US')} (4096 x 4096); scale the picture down`);
  }
  const png = decodePng(bytes);
  const { width, height, depth } = png;
  if (png.palette) {
    const index = unpack(png.data as Uint8Array, width, height, depth);
    const channels = png.palette[0]?.length ?? 3;
    const rgba = new Uint8Array(width * height * channels);
    for (let i = 0; i < index.length; i++) {
      const entry = png.palette[index[i]];
      if (!entry) throw new Error(`palette index ${index[i]} is outside the ${png.palette.length}-colour palette`);
      for (let c = 0; c < channels; c++) rgba[i * channels + c] = entry[c] ?? 255;
    }
    return grayFromRgba(width, height, rgba, channels);
  }
  if (depth < 8) {
    // Gray only (the format allows no other colour type under 8 bits): stretch to 0-255.
    const levels = unpack(png.data as Uint8Array, width, height, depth);
    const top = (1 << depth) - 1;
    return grayFromRgba(width, height, Uint8Array.from(levels, (v) => Math.round((v * 255) / top)), 1);
  }
  const bytes8 = depth === 16 ? Uint8Array.from(png.data as Uint16Array, (v) => v >> 8) : (png.data as Uint8Array);
  return grayFromRgba(width, height, bytes8, png.channels);
}

/** One value per pixel from rows of `depth`-bit samples, each row padded to a whole byte. */
export function unpack(packed: Uint8Array, width: number, height: number, depth: number): Uint8Array {
  if (depth === 8) return packed;
  const rowBytes = Math.ceil((width * depth) / 8);
  if (packed.length < rowBytes * height) throw new Error(`truncated image data: ${packed.length} bytes for ${width} x ${height} at ${depth} bits`);
  const out = new Uint8Array(width * height);
  const mask = (1 << depth) - 1;
  for (let y = 0; y < height; y++) {
    for (let x = 0; x < width; x++) {
      const bit = x * depth;
      out[y * width + x] = (packed[y * rowBytes + (bit >> 3)] >> (8 - depth - (bit & 7))) & mask;
    }
  }
  return out;
}

const CHANNELS: Record<number, number> = { 0: 1, 2: 3, 3: 1, 4: 2, 6: 4 };

/**
 * Inflates the IDAT data as a stream and throws as soon as it passes the
 * bytes the header's width, height, depth and colour type allow. Streams the
 * decoder cannot read are left for it to report.
 */
export async function checkPngInflation(bytes: Uint8Array): Promise<void> {
  const view = new DataView(bytes.buffer, bytes.byteOffset, bytes.byteLength);
  const idat: Uint8Array[] = [];
  let header: Uint8Array | null = null;
  for (let pos = 8; pos + 8 <= bytes.length; ) {
    const length = view.getUint32(pos);
    const type = String.fromCharCode(...bytes.subarray(pos + 4, pos + 8));
    const data = bytes.subarray(pos + 8, pos + 8 + length);
    if (type === 'IHDR') header = data;
    else if (type === 'IDAT') idat.push(data);
    else if (type === 'IEND') break;
    pos += 12 + length;
  }
  if (!header || header.length < 13 || idat.length === 0) return;
  const h = new DataView(header.buffer, header.byteOffset, 13);
  const [width, height, depth, colour, interlaced] = [h.getUint32(0), h.getUint32(4), header[8], header[9], header[12] === 1];
  const rowBytes = Math.ceil((width * (CHANNELS[colour] ?? 4) * depth) / 8);
  // Each row has a filter byte; Adam7 interlacing adds at most a filter byte and a part-byte per row of each of its 7 passes.
  const limit = height * (1 + rowBytes) + (interlaced ? 14 * (height + 8) : 0);
  const reader = new Blob(idat as Uint8Array<ArrayBuffer>[]).stream().pipeThrough(new DecompressionStream('deflate')).getReader();
  let n = 0;
  try {
    for (;;) {
      const { done, value } = await reader.read();
      if (done) return;
      n += value.length;
      if (n > limit) throw new PngBomb(`the image data inflates past the ${limit} bytes a ${width} x ${height} picture needs; stopped reading`);
    }
  } catch (e) {
    if (e instanceof PngBomb) throw e;
  } finally {
    reader.cancel().catch(() => {});
  }
}

class PngBomb extends Error {}
