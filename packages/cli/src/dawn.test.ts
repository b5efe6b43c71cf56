import { test } from 'node:test';
import assert from 'node:assert/strict';
import { createDawnFilter, loadsDawn, webgpuMissingHint } from './dawn.ts';
import { spawn } from 'node:child_process';
import { CLI, runCli } from './test-helpers.ts';

// Dawn's output as `dnn-cli info` printed it on a machine without Vulkan, between dnn's lines.
const DAWN_AND_DNN = [
  "Warning: Couldn't load Vulkan: libvulkan.so.1: cannot open shared object file: No such file or directory",
  '    at operator() (/home/runner/work/node-webgpu/node-webgpu/third_party/dawn/src/dawn/native/vulkan/BackendVk.cpp:368)',
  '',
  'dnn-cli: error: no WebGPU adapter found (tried: Dawn default)',
  'Warning: maxDynamicUniformBuffersPerPipelineLayout artificially reduced from 90 to 16 to fit dynamic offset allocation limit.',
  'Warning: maxDynamicStorageBuffersPerPipelineLayout artificially reduced from 80 to 16 to fit dynamic offset allocation limit.',
  'stopping after the current step (Ctrl-C again to quit now)',
  '',
  'last line without a newline',
].join('\n');

test("the stderr filter drops Dawn's warning blocks and keeps dnn's lines, however the text is split", () => {
  for (const size of [1, 7, 64, DAWN_AND_DNN.length]) {
    let out = '';
    const f = createDawnFilter((t) => (out += t));
    for (let i = 0; i < DAWN_AND_DNN.length; i += size) f.push(DAWN_AND_DNN.slice(i, i + size));
    f.end();
    assert.equal(out, 'dnn-cli: error: no WebGPU adapter found (tried: Dawn default)\nstopping after the current step (Ctrl-C again to quit now)\n\nlast line without a newline', `chunks of ${size}`);
  }
});

test('only info and --backend webgpu load Dawn', () => {
  assert.ok(loadsDawn(['info']));
  assert.ok(loadsDawn(['train', '--backend', 'webgpu']));
  assert.ok(loadsDawn(['eval', '--backend=webgpu']));
  assert.ok(!loadsDawn(['train', '--backend', 'workers']));
  assert.ok(!loadsDawn(['predict', 'webgpu.png']));
});

test('the hint for a missing webgpu package says how to add it, with the same command line', () => {
  const hint = webgpuMissingHint(['train', '--backend', 'webgpu']);
  assert.match(hint, /npm install webgpu/);
  assert.match(hint, /npx -p dnn-cli -p webgpu dnn-cli train --backend webgpu$/);
  assert.ok(!hint.includes('\n'));
});

test("dnn-cli info prints none of Dawn's warnings on stderr (they are shown with DNN_DEBUG=1)", () => {
  const r = runCli(['info']);
  assert.equal(r.code, 0, r.stderr);
  assert.match(r.stdout, /webgpu/);
  assert.doesNotMatch(r.stderr, /^Warning: |\.cpp:\d+\)/m, r.stderr);
});

test('--backend webgpu through the filter: a SIGINT sent to dnn-cli alone reaches the training, which exits 130', { timeout: 180_000 }, async (t) => {
  const g = globalThis as { Deno?: unknown };
  if (g.Deno) return t.skip('Deno has WebGPU built in: no Dawn, no filtering child');
  if (!/^ {2}webgpu +yes/m.test(runCli(['info']).stdout)) return t.skip('no WebGPU adapter here');
  const p = spawn(process.execPath, [CLI, 'train', '--backend', 'webgpu', '--hidden', '16', '--epochs', '20', '--limit', '1000', '--json'], { env: { ...process.env, NO_COLOR: '1' } });
  let stdout = '';
  let stderr = '';
  let sent = false;
  p.stderr.on('data', (d) => (stderr += d));
  p.stdout.on('data', (d) => {
    stdout += d;
    if (!sent && /"event":"epoch"/.test(stdout)) {
      sent = true;
      process.kill(p.pid!, 'SIGINT');
    }
  });
  const code = await new Promise<number | null>((resolve) => p.on('exit', resolve));
  assert.ok(sent, `the run ended before SIGINT was sent: ${stderr}`);
  assert.equal(code, 130, stderr);
  assert.doesNotMatch(stderr, /^Warning: /m);
});
