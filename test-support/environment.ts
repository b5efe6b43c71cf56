/**
 * The test run's one reading of the environment. The libraries read none:
 * tests take these values and pass them on, as the CLI and the bench pass
 * theirs. `DNN_SIMD=off` (scripts/test-all.mjs's `node-nosimd` pass) makes
 * every test that trains or multiplies through `testKernels` run the
 * TypeScript fallback kernels end to end.
 * @module
 */
import { simdChoice, type KernelOptions } from '@dnn/tensor';

const env = (globalThis as { process?: { env: Record<string, string | undefined> } }).process?.env ?? {};

/** The kernel options of this run (DNN_SIMD: auto, relaxed, simd or off). */
export const testKernels: Readonly<Required<KernelOptions>> = Object.freeze({ simd: simdChoice(env.DNN_SIMD, 'DNN_SIMD') });

/** True in the pass that checks the TypeScript fallback (DNN_SIMD=off). */
export const simdOff = testKernels.simd === 'off';

/**
 * What this run requires (DNN_TEST_REQUIRE, set by scripts/test-all.mjs): a
 * test needing one of these that is missing fails instead of skipping
 * (capabilities.ts). Outside test-all nothing is required.
 */
export const requiredCapabilities: ReadonlySet<string> = new Set((env.DNN_TEST_REQUIRE ?? '').split(',').filter(Boolean));

/** The test-all pass running the tests (DNN_TEST_PASS: node, node22, bun, node-nosimd, ...); undefined outside test-all. */
export const testPass: string | undefined = env.DNN_TEST_PASS || undefined;

/** DNN_CHROMIUM: the browser the browser tests drive instead of Debian's; naming nothing that exists, none. */
export const chromiumOverride: string | undefined = env.DNN_CHROMIUM;

/** Where each runtime's deterministic runs write their weight hashes (DNN_DETERMINISM_DIR; set by scripts/test-all.mjs, which compares them after the last pass). */
export const determinismDir: string | undefined = env.DNN_DETERMINISM_DIR || undefined;
