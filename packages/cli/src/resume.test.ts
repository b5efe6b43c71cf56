import { test, expect, beforeAll, afterAll } from 'bun:test';
import { spawn } from 'node:child_process';
import { mkdtemp, readFile, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { decodeModel } from '@dnn/nn';
import { CLI, events, runCli, type CliResult } from './test-helpers.ts';
import { scriptArgv } from '../../../test-support/runtime.ts';

const RUN = ['--epochs', '3', '--limit', '6000', '--seed', '3', '--lr', '0.002'];
const dir = await mkdtemp(join(tmpdir(), 'dnn-resume-'));
const weights = async (file: string) => decodeModel(new Uint8Array(await readFile(file))).model.params;
const sameBits = (a: Float32Array, b: Float32Array) => Buffer.from(a.buffer, a.byteOffset, a.byteLength).equals(Buffer.from(b.buffer, b.byteOffset, b.byteLength));

const full = join(dir, 'full.safetensors');
// The run to compare against, trained once before the tests (not while the file is imported).
let uninterrupted: CliResult;
beforeAll(() => {
  uninterrupted = runCli(['train', ...RUN, '--save', full, '--json']);
});

/**
 * Starts the CLI and sends `signal` once stdout shows `when` for the
 * `times`-th time: a point in the run, never a wall-clock delay, so a slow or
 * loaded machine moves the moment but not what it tests. Resolves with the
 * exit code, the output, and the JSON events seen before the signal.
 */
function runAndSignal(args: string[], signal: NodeJS.Signals, when: RegExp, times = 1): Promise<{ code: number | null; stderr: string; signalled: boolean; before: string }> {
  const p = spawn(process.execPath, scriptArgv(CLI, args), { env: { ...process.env, NO_COLOR: '1' } });
  let stderr = '';
  p.stderr.on('data', (d) => (stderr += d));
  let signalled = false;
  let before = '';
  let stdout = '';
  p.stdout.on('data', (d) => {
    stdout += d;
    if (signalled) return;
    // Whole lines only: an event is counted once it has been printed entire.
    const lines = stdout.slice(0, stdout.lastIndexOf('\n') + 1);
    if ((lines.match(new RegExp(when.source, 'g')) ?? []).length < times) return;
    signalled = true;
    before = lines;
    // process.kill rather than p.kill: Deno reports a child it killed itself as ended by the signal, not by its exit code.
    process.kill(p.pid!, signal);
  });
  return new Promise((resolve) => p.on('exit', (code) => resolve({ code, stderr, signalled, before })));
}

test('a run killed with SIGKILL after its n-th checkpoint and resumed ends with the uninterrupted weights, bit for bit', async () => {
  expect(uninterrupted.code, uninterrupted.stderr).toBe(0);
  const want = await weights(full);
  // 3 epochs of 50 steps, a checkpoint every 7 steps and at each epoch's end: 24 in all. Killed after
  // the 1st (early in epoch 1), 8th (epoch 1's end), 13th (mid epoch 2) and 22nd (late in epoch 3);
  // the kill lands wherever the run has got to by then, mid-step or mid-save included.
  for (const n of [1, 8, 13, 22]) {
    const cp = join(dir, `run-${n}.ckpt`);
    const r = await runAndSignal(['train', ...RUN, '--checkpoint', cp, '--checkpoint-every', '7', '--json'], 'SIGKILL', /"event":"checkpoint"/, n);
    expect(r.signalled, `the run ended before its checkpoint ${n}: ${r.stderr}`).toBeTruthy();
    expect(r.code, 'ended by the kill, not by finishing').not.toBe(0);
    const reported = events(r.before).filter((e) => e.event === 'checkpoint');
    expect(reported.length).toBe(n);
    const last = reported[n - 1];
    expect(last.file).toBe(cp);
    const out = join(dir, `resumed-${n}.safetensors`);
    const resumed = runCli(['train', '--resume', cp, '--save', out, '--json']);
    expect(resumed.code, resumed.stderr).toBe(0);
    const from = events(resumed.stdout)[0].resumedFrom;
    // The file holds the reported checkpoint or a later one (written between the event and the kill), never an older or torn one.
    expect(from && (from.epoch > last.epoch || (from.epoch === last.epoch && from.rowsDone >= last.rowsDone)), `resumed from ${JSON.stringify(from)}, reported ${JSON.stringify(last)}`).toBeTruthy();
    expect(sameBits(await weights(out), want), `killed after checkpoint ${n}: resumed weights differ`).toBeTruthy();
  }
});

test('Ctrl-C stops after the current step, writes the checkpoint and exits 130; resuming finishes the run', async () => {
  const cp = join(dir, 'sigint.ckpt');
  // Sent once the first epoch has ended, so the run is surely in its training loop.
  const r = await runAndSignal(['train', ...RUN, '--checkpoint', cp, '--json'], 'SIGINT', /"event":"epoch"/);
  if (!r.signalled) throw new Error('the run ended before Ctrl-C was sent; make it longer');
  expect(r.code, r.stderr).toBe(130);
  expect(r.stderr).toMatch(/dnn-cli: error: interrupted; the run is saved in .*sigint\.ckpt \(continue with --resume/);
  const out = join(dir, 'sigint.safetensors');
  const resumed = runCli(['train', '--resume', cp, '--save', out, '--quiet']);
  expect(resumed.code, resumed.stderr).toBe(0);
  expect(sameBits(await weights(out), await weights(full))).toBeTruthy();
});

test('--resume accepts the run\'s own flags, refuses the ones that differ (naming each); a model file is not a checkpoint', () => {
  const cp = join(dir, 'small.ckpt');
  const small = ['--epochs', '1', '--limit', '600', '--hidden', '16', '--activations', 'tanh', '--warmup', '5', '--seed', '4'];
  const first = runCli(['train', ...small, '--checkpoint', cp, '--quiet']);
  expect(first.code, first.stderr).toBe(0);
  const same = runCli(['train', ...small, '--resume', cp, '--quiet']);
  expect(same.code, `the same command line with --resume added: ${same.stderr}`).toBe(0);
  expect(same.stdout, 'and the same result').toBe(first.stdout);
  const r = runCli(['train', '--resume', cp, '--hidden', '16', '--lr', '0.1', '--epochs', '4', '--warmup', '5', '--activations', 'relu']);
  expect(r.code).toBe(2);
  expect(r.stderr).toMatch(/--activations relu \(the checkpoint's run has tanh\), --lr 0\.1 \(the checkpoint's run has 0\.001\), --epochs 4 \(the checkpoint's run has 1\); drop them/);
  expect(r.stderr, 'equal values are not named').not.toMatch(/--hidden|--warmup/);
  expect(r.stderr.trim().split('\n').length).toBe(1);
  const m = runCli(['train', '--resume', full]);
  expect(m.code).toBe(1);
  expect(m.stderr).toMatch(/full\.safetensors: not a checkpoint/);
  expect(runCli(['train', '--resume', join(dir, 'missing.ckpt')]).stderr).toMatch(/missing\.ckpt: no such file/);
});

afterAll(async () => {
  await rm(dir, { recursive: true, force: true });
});
