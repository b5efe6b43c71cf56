/**
 * @dnn/backend-webgpu: the whole training step on the GPU through WebGPU.
 * Not built yet; see README.md.
 * @module
 */

/** True once this package implements the Backend interface of @dnn/nn. */
export const implemented = false;
