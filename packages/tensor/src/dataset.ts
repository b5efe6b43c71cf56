/**
 * A labelled dataset as plain typed arrays: the one shape a loader (such as
 * @dnn/data-mnist) produces and a trainer (@dnn/nn) consumes. It lives here,
 * in the package both already build on, so that a loader needs no trainer.
 * @module
 */

/** Rows kept as stored: bytes (or floats) row after row, and one class label per row. */
export interface Dataset {
  /** `count * features` values, row-major. */
  x: Uint8Array | Float32Array;
  /** `count` class labels in [0, classes). */
  labels: Uint8Array;
  count: number;
  features: number;
  classes: number;
}
