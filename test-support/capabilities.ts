// How a test that cannot run here says so. A test skips only for something
// this machine or runtime lacks, and its name then carries the reason (Bun
// prints no reasons of its own). What a run must have (a WebGPU adapter,
// Chromium, python3 with torch) test-all.mjs passes in DNN_TEST_REQUIRE
// (read in environment.ts): a test needing a required capability that is
// missing fails, naming it, instead of skipping. Run outside test-all
// (`bun test`, `deno test`), nothing is required.
import { test, type TestBody, type TestOptions } from 'bun:test';
import { existsSync } from 'node:fs';
import { chromiumOverride, requiredCapabilities, testPass } from './environment.ts';
import { inNode } from './runtime.ts';

/** What a test may need that a machine may lack; test-all.mjs lists the same names. */
export type Capability = 'webgpu' | 'chromium' | 'python3-torch';

/** Registers a test, as `test` does. */
export type TestFn = (name: string, fn: TestBody, options?: TestOptions) => void;

/** `test`, or when `reason` is a string, a test skipped with that reason in its name. */
export function skipIf(reason: string | false | null | undefined): TestFn {
  if (!reason) return test;
  return (name, fn, options) => test.skip(`${name} [skipped: ${reason}]`, fn, options);
}

/** Whether this run requires `capability` (test-all.mjs requires all unless --allow-missing names it). */
export function isRequired(capability: Capability): boolean {
  return requiredCapabilities.has(capability);
}

/**
 * `test` when `available`; otherwise a skip saying `why`, or, when this run
 * requires `capability`, a test that fails naming it.
 */
export function requireCapability(capability: Capability, available: boolean, why: string): TestFn {
  if (available) return test;
  if (!requiredCapabilities.has(capability)) return skipIf(`${why}; ${capability} is not required in this run`);
  return (name) =>
    test(name, () => {
      throw new Error(`this run requires ${capability}, which is missing: ${why} (node scripts/test-all.mjs --allow-missing ${capability} runs without it)`);
    });
}

/**
 * The Chromium the browser tests drive: Debian's, or the one DNN_CHROMIUM
 * names; a DNN_CHROMIUM naming nothing that exists hides it (to see that a
 * run requiring Chromium fails without it). scripts/packed-proof.mjs reads it alike.
 */
export function findChromium(): string | undefined {
  return (chromiumOverride !== undefined ? [chromiumOverride] : ['/usr/bin/chromium', '/usr/bin/chromium-browser']).find((p) => existsSync(p));
}

/**
 * Why a test whose result does not depend on the pass (it drives another
 * program: Chromium, TypeDoc, the GPU bundle's own Node) skips here, or
 * false where it runs: in test-all's `node` pass only, and always outside
 * test-all.
 */
export function otherThanNodePass(): string | false {
  return testPass === undefined || testPass === 'node' ? false : `it runs once, in the node pass (this is the ${testPass} pass)`;
}

/**
 * The gate of a test that drives headless Chromium from Node
 * (playwright-core): it runs once, in test-all's node pass, and requires
 * Chromium there.
 */
export function chromiumTest(): TestFn {
  const elsewhere = otherThanNodePass();
  if (elsewhere) return skipIf(elsewhere);
  if (!inNode) return skipIf('the browser tests run under Node (playwright-core)');
  return requireCapability('chromium', findChromium() !== undefined, 'no Chromium here (apt-get install chromium; CI installs it)');
}
