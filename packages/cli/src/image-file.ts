/** Reads a PNG or PGM picture of a digit into grayscale, naming the file in every error. */
import { readFile, stat } from 'node:fs/promises';
import { decode as decodePng, convertIndexedToRgb } from 'fast-png';
import { grayFromRgba, parsePgm, type GrayImage } from '@dnn/data-mnist';

export class ImageFileProblem extends Error {
  constructor(path: string, problem: string) {
    super(`${path}: ${problem}`);
    this.name = 'ImageFileProblem';
  }
}

export async function readImageFile(path: string): Promise<GrayImage> {
  const info = await stat(path).catch(() => null);
  if (!info) throw new ImageFileProblem(path, 'no such file');
  if (info.isDirectory()) throw new ImageFileProblem(path, 'is a directory, expected an image');
  const bytes = new Uint8Array(await readFile(path));
  try {
    if (bytes[0] === 0x89 && bytes[1] === 0x50) return pngToGray(bytes);
    if (bytes[0] === 0x50 && (bytes[1] === 0x35 || bytes[1] === 0x32)) return parsePgm(bytes);
  } catch (e) {
    throw new ImageFileProblem(path, `cannot decode (${(e as Error).message})`);
  }
  throw new ImageFileProblem(path, 'not a PNG or PGM image');
}

function pngToGray(bytes: Uint8Array): GrayImage {
  const png = decodePng(bytes);
  let data = png.data;
  let channels = png.channels;
  if (png.palette) {
    data = convertIndexedToRgb(png);
    channels = png.palette[0]?.length ?? 3;
  }
  // 16-bit samples down to 8 bits, then the shared RGBA/gray conversion.
  const bytes8 = png.depth === 16 ? Uint8Array.from(data as Uint16Array, (v) => v >> 8) : (data as Uint8Array);
  return grayFromRgba(png.width, png.height, bytes8, channels);
}
