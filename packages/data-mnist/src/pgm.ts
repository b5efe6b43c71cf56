/**
 * The PGM (portable graymap) formats: P5 (binary) and P2 (text), 8 or 16
 * bits, with comments. Small enough to write; PNG is read with a library.
 * @module
 */
import type { GrayImage } from './digit.ts';

/** Parses a PGM file; throws an Error saying what is wrong. */
export function parsePgm(bytes: Uint8Array): GrayImage {
  let pos = 0;
  const token = (): string => {
    for (;;) {
      while (pos < bytes.length && /\s/.test(String.fromCharCode(bytes[pos]))) pos++;
      if (bytes[pos] === 0x23) {
        while (pos < bytes.length && bytes[pos] !== 0x0a) pos++;
        continue;
      }
      break;
    }
    const start = pos;
    while (pos < bytes.length && !/\s/.test(String.fromCharCode(bytes[pos]))) pos++;
    if (start === pos) throw new Error('truncated PGM header');
    return new TextDecoder().decode(bytes.subarray(start, pos));
  };
  const magic = token();
  if (magic !== 'P5' && magic !== 'P2') throw new Error(`not a PGM file (magic ${JSON.stringify(magic.slice(0, 8))}, expected P5 or P2)`);
  const [width, height, maxval] = [token(), token(), token()].map(Number);
  if (!(width > 0 && height > 0 && Number.isInteger(width) && Number.isInteger(height)) || width * height > 1 << 24) {
    throw new Error(`bad PGM size ${width} x ${height} (at most 4096 x 4096 pixels)`);
  }
  if (!(maxval > 0 && maxval < 65536)) throw new Error(`bad PGM maxval ${maxval}`);
  const n = width * height;
  const data = new Float32Array(n);
  if (magic === 'P2') {
    for (let i = 0; i < n; i++) data[i] = Number(token()) / maxval;
    return { width, height, data };
  }
  pos++; // the single whitespace after maxval
  const wide = maxval > 255;
  if (bytes.length - pos < n * (wide ? 2 : 1)) throw new Error(`truncated PGM data: ${width} x ${height} needs ${n * (wide ? 2 : 1)} bytes`);
  for (let i = 0; i < n; i++) data[i] = (wide ? (bytes[pos + 2 * i] << 8) | bytes[pos + 2 * i + 1] : bytes[pos + i]) / maxval;
  return { width, height, data };
}

/** Encodes 8-bit gray pixels as a binary PGM (for tests and exports). */
export function encodePgm(width: number, height: number, pixels: Uint8Array): Uint8Array {
  const header = new TextEncoder().encode(`P5\n${width} ${height}\n255\n`);
  const out = new Uint8Array(header.length + pixels.length);
  out.set(header);
  out.set(pixels, header.length);
  return out;
}
