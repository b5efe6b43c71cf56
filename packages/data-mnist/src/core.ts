/**
 * @dnn/data-mnist/core: the parts that need no file system, for browsers:
 * IDX and PGM parsing, gzip, checksums, and MNIST-style digit preprocessing.
 * @module
 */
export { DataError } from './errors.ts';
export { type IdxArray, parseIdx, encodeIdx } from './idx.ts';
export { isGzip, gunzip, maybeGunzip } from './gzip.ts';
export { MNIST_FILES, MNIST_SHA256, type MnistFileKey, sha256Hex } from './checksums.ts';
export { MNIST_CLASSES, datasetFromIdx } from './mnist.ts';
export { type GrayImage, grayFromRgba, inkOf, mnistFromImage, resampleArea, EmptyImageError } from './digit.ts';
export { parsePgm, encodePgm } from './pgm.ts';
