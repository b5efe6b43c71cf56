// Deliberate failures for the fault-handling tests, injected through the
// worker loop's test hooks by the test-only worker entries beside this file.

/** Throws, as a bug in a kernel would. */
export function throwFault(): never {
  throw new Error('injected fault (test)');
}

/** Ends the thread, as a crash would: a web worker with close(), a Node thread with process.exit. */
export function exitFault(): never {
  const g = globalThis as { process?: { exit(code: number): never }; close?: () => void; Deno?: unknown; Bun?: unknown };
  if (g.close && (g.Deno || g.Bun || !g.process)) g.close();
  else g.process?.exit(3);
  throw new Error('injected fault (test): the thread did not end');
}
