// The cross-runtime half of the deterministic mode's test. Every runtime's
// pass of the conformance suite writes the hash of the weights each
// deterministic run ended with (@dnn/nn/testing's records.ts) into one
// folder; this checks that, per kernel path and fixture, every runtime and
// backend configuration got the same bits, and that every runtime that ran
// the suite wrote its hashes. Called by test-all.mjs after all passes.
import { existsSync, readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';

/** Returns the lines to print and whether the check passed. `runtimes`: the passes that ran the suite. */
export function checkDeterminism(dir, runtimes) {
  const records = existsSync(dir) ? readdirSync(dir).filter((f) => f.endsWith('.json')).map((f) => JSON.parse(readFileSync(join(dir, f), 'utf8'))) : [];
  const lines = ['', '# deterministic mode: weight hashes per kernel path and fixture, across runtimes and backends'];
  let ok = true;
  const seen = new Set(records.map((r) => r.runtime));
  for (const runtime of runtimes) {
    if (!seen.has(runtime)) {
      lines.push(`#   ${runtime}: wrote no hashes  <- FAILED (the conformance suite's deterministic cases did not run there)`);
      ok = false;
    }
  }
  const groups = new Map();
  for (const r of records) {
    const key = `${r.group} / ${r.fixture}`;
    if (!groups.has(key)) groups.set(key, []);
    groups.get(key).push(r);
  }
  for (const [key, rs] of [...groups].sort()) {
    const hashes = new Set(rs.map((r) => r.hash));
    const where = [...new Set(rs.map((r) => r.runtime))].sort().join(', ');
    if (hashes.size === 1) lines.push(`#   ${key}: ${rs[0].hash} on ${rs.length} runs (${where})`);
    else {
      ok = false;
      lines.push(`#   ${key}: ${hashes.size} different hashes  <- FAILED`);
      for (const r of rs) lines.push(`#     ${r.hash}  ${r.runtime}  ${r.config}`);
    }
  }
  return { ok, lines };
}
