/**
 * Turns a pair of IDX files (images, labels) into a dataset of bytes.
 * @module
 */
import type { Dataset } from '@dnn/tensor';
import { DataError } from './errors.ts';
import { parseIdx } from './idx.ts';

export const MNIST_CLASSES = 10;

/** A dataset from IDX image and label bytes (already decompressed). */
export function datasetFromIdx(images: Uint8Array, labels: Uint8Array, imagesFile: string, labelsFile: string): Dataset {
  const img = parseIdx(images, imagesFile);
  const lab = parseIdx(labels, labelsFile);
  if (img.dims.length !== 3) throw new DataError(imagesFile, `expected an image file (3 dimensions, magic 2051), found ${img.dims.length} dimension(s)`);
  if (lab.dims.length !== 1) throw new DataError(labelsFile, `expected a label file (1 dimension, magic 2049), found ${lab.dims.length} dimensions`);
  const [count, rows, cols] = img.dims;
  if (lab.dims[0] !== count) {
    throw new DataError(labelsFile, `has ${lab.dims[0]} labels but ${imagesFile} has ${count} images`);
  }
  for (let i = 0; i < count; i++) {
    if (lab.data[i] >= MNIST_CLASSES) throw new DataError(labelsFile, `label ${lab.data[i]} at index ${i} is outside 0-9`);
  }
  return { x: img.data, labels: lab.data, count, features: rows * cols, classes: MNIST_CLASSES };
}
