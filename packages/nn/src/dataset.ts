/**
 * Datasets (the type is @dnn/tensor's, so that loaders need not depend on
 * nn): kept as stored, bytes (or floats) row after row, and one class label
 * per row. Batches are gathered and scaled when used, so no float copy of
 * the whole set is ever made.
 * @module
 */
import type { Dataset } from '@dnn/tensor';

export type { Dataset };

/** Rows [start, end) of a dataset, sharing its memory. */
export function sliceDataset(d: Dataset, start: number, end: number): Dataset {
  if (!(0 <= start && start <= end && end <= d.count)) throw new RangeError(`bad slice [${start}, ${end}) of ${d.count} rows`);
  return {
    x: d.x.subarray(start * d.features, end * d.features),
    labels: d.labels.subarray(start, end),
    count: end - start,
    features: d.features,
    classes: d.classes,
  };
}

/** Checks that the arrays fit the counts and the labels fit the classes. */
export function checkDataset(d: Dataset, name = 'dataset'): void {
  if (d.x.length !== d.count * d.features) throw new RangeError(`${name}: ${d.x.length} values for ${d.count} rows of ${d.features}`);
  if (d.labels.length !== d.count) throw new RangeError(`${name}: ${d.labels.length} labels for ${d.count} rows`);
  for (let i = 0; i < d.count; i++) {
    if (d.labels[i] >= d.classes) throw new RangeError(`${name}: label ${d.labels[i]} at row ${i} is outside 0..${d.classes - 1}`);
  }
}
