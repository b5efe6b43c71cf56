/** Reads a PNG or PGM picture of a digit into grayscale, naming the file in every error. */
import { readFile, stat } from 'node:fs/promises';
import { parsePgm, type GrayImage } from '@dnn/data-mnist';
import { fsErrorWords } from '@dnn/nn/files';
import { checkPngInflation, pngToGray } from './png-gray.ts';

export class ImageFileProblem extends Error {
  constructor(path: string, problem: string) {
    super(`${path}: ${problem}`);
    this.name = 'ImageFileProblem';
  }
}

export async function readImageFile(path: string): Promise<GrayImage> {
  let bytes: Uint8Array;
  try {
    const info = await stat(path);
    if (info.isDirectory()) throw new ImageFileProblem(path, 'is a directory, expected an image');
    if (!info.isFile()) throw new ImageFileProblem(path, 'is not a regular file');
    bytes = new Uint8Array(await readFile(path));
  } catch (e) {
    if (e instanceof ImageFileProblem) throw e;
    throw new ImageFileProblem(path, (e as { code?: string }).code === 'ENOENT' ? 'no such file' : fsErrorWords(e));
  }
  try {
    if (bytes[0] === 0x89 && bytes[1] === 0x50) {
      await checkPngInflation(bytes);
      return pngToGray(bytes);
    }
    if (bytes[0] === 0x50 && (bytes[1] === 0x35 || bytes[1] === 0x32)) return parsePgm(bytes);
  } catch (e) {
    throw new ImageFileProblem(path, `cannot decode (${(e as Error).message})`);
  }
  throw new ImageFileProblem(path, 'not a PNG or PGM image');
}
