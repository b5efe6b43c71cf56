// Ctrl-C and SIGTERM on real processes, on every CPU backend, with and without --checkpoint.
import { test, expect, afterAll } from 'bun:test';
import { spawn, spawnSync } from 'node:child_process';
import { existsSync } from 'node:fs';
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { CLI, runCli } from './test-helpers.ts';
import { requireCapability, skipIf } from '../../../test-support/capabilities.ts';
import { scriptArgv } from '../../../test-support/runtime.ts';

const dir = await mkdtemp(join(tmpdir(), 'dnn-signals-'));
const RUN = ['train', '--epochs', '20', '--limit', '12000', '--hidden', '64', '--json'];

/**
 * Starts the CLI, sends `signals` once stdout matches `when` (each `gapMs`
 * apart), and resolves with the exit code, stderr and the ms from the first
 * signal to the exit.
 */
function signalled(args: string[], signals: NodeJS.Signals[], when: RegExp, gapMs = 0): Promise<{ code: number | null; signal: string | null; stderr: string; ms: number; sent: boolean }> {
  const p = spawn(process.execPath, scriptArgv(CLI, args), { env: { ...process.env, NO_COLOR: '1' } });
  let stdout = '';
  let stderr = '';
  let sentAt = 0;
  p.stderr.on('data', (d) => (stderr += d));
  p.stdout.on('data', async (d) => {
    stdout += d;
    if (sentAt || !when.test(stdout)) return;
    sentAt = Date.now();
    for (const [i, s] of signals.entries()) {
      if (i) await new Promise((r) => setTimeout(r, gapMs));
      // process.kill, not p.kill: Deno reports a child it signalled itself as ended by the signal.
      process.kill(p.pid!, s);
    }
  });
  return new Promise((resolve) => p.on('exit', (code, signal) => resolve({ code, signal, stderr, ms: Date.now() - sentAt, sent: sentAt > 0 })));
}

// WebGPU only where this runtime has an adapter (dnn-cli info says).
const info = runCli(['info', '--json']);
const gpu = info.code === 0 && JSON.parse(info.stdout.trim().split('\n')[0]).backends?.webgpu?.available === true;
for (const backend of ['cpu', 'workers', 'webgpu']) {
  const backendTest = backend === 'webgpu' ? requireCapability('webgpu', gpu, 'no WebGPU adapter in this runtime (dnn-cli info)') : test;
  backendTest(`${backend}: Ctrl-C without --checkpoint stops within a step and exits 130`, async () => {
    const r = await signalled([...RUN, '--backend', backend], ['SIGINT'], /"event":"start"/);
    expect(r.sent, 'the run ended before the signal was sent').toBeTruthy();
    expect(r.code, r.stderr).toBe(130);
    expect(r.stderr).toMatch(/^dnn-cli: error: interrupted\n$/m);
    expect(r.ms, `stopped ${r.ms} ms after Ctrl-C`).toBeLessThan(10_000);
  });

  backendTest(`${backend}: SIGTERM writes the checkpoint asked for and exits 143`, async () => {
    const cp = join(dir, `${backend}-term.ckpt`);
    const r = await signalled([...RUN, '--backend', backend, '--checkpoint', cp], ['SIGTERM'], /"event":"start"/);
    expect(r.sent).toBeTruthy();
    expect(r.code, r.stderr).toBe(143);
    expect(r.stderr).toMatch(/dnn-cli: error: terminated; the run is saved in .*-term\.ckpt \(continue with --resume/);
    expect(existsSync(cp), 'the checkpoint was written').toBeTruthy();
  });
}

const hasMkfifo = spawnSync('mkfifo', ['--version']).status === 0;
skipIf(hasMkfifo ? false : 'no mkfifo command')('a second Ctrl-C quits at once, even while the first is stuck saving', async () => {
  // A checkpoint path nobody reads: the save on the first Ctrl-C blocks opening it.
  const fifo = join(dir, 'stuck.ckpt');
  expect(spawnSync('mkfifo', [fifo]).status).toBe(0);
  const r = await signalled([...RUN, '--checkpoint', fifo], ['SIGINT', 'SIGINT'], /"event":"start"/, 1500);
  expect(r.sent).toBeTruthy();
  // Ended by SIGINT's default action (a shell reports 130), or exit code 130.
  expect(r.signal === 'SIGINT' || r.code === 130, `code ${r.code}, signal ${r.signal}: ${r.stderr}`).toBeTruthy();
  expect(r.ms, `quit ${r.ms} ms after the first Ctrl-C`).toBeLessThan(10_000);
});

afterAll(async () => {
  await rm(dir, { recursive: true, force: true });
});
