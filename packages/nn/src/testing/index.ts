/**
 * @dnn/nn/testing: the backend conformance suite and its fixtures, for
 * backend authors. `describeBackend(name, factory, options)` registers the
 * suite's cases with node:test for one backend configuration.
 * @example
 * import { describeBackend } from '@dnn/nn/testing';
 * describeBackend('cpu (fast kernels)', () => cpuBackend());
 * @module @dnn/nn/testing
 */
export { type ConformanceOptions, describeBackend } from './describe-backend.ts';
export { blobs, noise, strideOrder, paramsWithBiases, IMAGE, LAYER_CASES, EXTRA_CASES, kindsOf, denseSpec, dataFor, weightsHash } from './fixtures.ts';
export { type HashRecord, runtimeName, recordHash } from './records.ts';
export { type Run, train, DETERMINISM_FIXTURES, deterministicHash } from './runs.ts';
