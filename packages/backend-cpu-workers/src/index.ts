/**
 * @dnn/backend-cpu-workers: data-parallel training on a pool of workers
 * sharing memory. Not built yet; see README.md.
 * @module
 */

/** True once this package implements the Backend interface of @dnn/nn. */
export const implemented = false;
