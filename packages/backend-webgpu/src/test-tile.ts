/**
 * The GEMM tile the tests put every product on: 'tiny' where Deno runs on a
 * software adapter, whose shader compiler (wgpu over lavapipe) takes up to a
 * minute per variant of the size-chosen tiles on a cold cache and a fraction
 * of a second for the tiny one; elsewhere none, so Node and Bun (Dawn) test
 * the size-chosen tiles.
 * @module
 */
import { isDeno } from '../../../test-support/runtime.ts';

/** 'tiny' for Deno on llvmpipe or lavapipe (by the adapter's description), else undefined. */
export function testGemmTile(backend: { describe(): string }): 'tiny' | undefined {
  return isDeno && /llvmpipe|lavapipe/i.test(backend.describe()) ? 'tiny' : undefined;
}
