import { test, expect } from 'bun:test';
import { createDawnFilter, loadsDawn, webgpuMissingHint } from './dawn.ts';
import { spawn } from 'node:child_process';
import { CLI, runCli } from './test-helpers.ts';
import { requireCapability, skipIf } from '../../../test-support/capabilities.ts';
import { isDeno } from '../../../test-support/runtime.ts';

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
    expect(out, `chunks of ${size}`).toBe('dnn-cli: error: no WebGPU adapter found (tried: Dawn default)\nstopping after the current step (Ctrl-C again to quit now)\n\nlast line without a newline');
  }
});

test('only info and --backend webgpu load Dawn', () => {
  expect(loadsDawn(['info'])).toBeTruthy();
  expect(loadsDawn(['train', '--backend', 'webgpu'])).toBeTruthy();
  expect(loadsDawn(['eval', '--backend=webgpu'])).toBeTruthy();
  expect(loadsDawn(['train', '--backend', 'workers'])).toBeFalsy();
  expect(loadsDawn(['predict', 'webgpu.png'])).toBeFalsy();
});

test('the hint for a missing webgpu package says how to add it, with the same command line', () => {
  const hint = webgpuMissingHint(['train', '--backend', 'webgpu']);
  expect(hint).toMatch(/npm install webgpu/);
  expect(hint).toMatch(/npx -p dnn-cli -p webgpu dnn-cli train --backend webgpu$/);
  expect(hint.includes('\n')).toBeFalsy();
});

test("dnn-cli info prints none of Dawn's warnings on stderr (they are shown with DNN_DEBUG=1)", () => {
  const r = runCli(['info']);
  expect(r.code, r.stderr).toBe(0);
  expect(r.stdout).toMatch(/webgpu/);
  expect(r.stderr, r.stderr).not.toMatch(/^Warning: |\.cpp:\d+\)/m);
});

// Whether it runs is decided when it is registered (bun:test has no skip from inside a test).
const dawnTest = isDeno
  ? skipIf('Deno has WebGPU built in: no Dawn, no filtering child')
  : requireCapability('webgpu', /^ {2}webgpu +yes/m.test(runCli(['info']).stdout), 'no WebGPU adapter here (dnn-cli info)');
dawnTest('--backend webgpu through the filter: a SIGINT sent to dnn-cli alone reaches the training, which exits 130', async () => {
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
  expect(sent, `the run ended before SIGINT was sent: ${stderr}`).toBeTruthy();
  expect(code, stderr).toBe(130);
  expect(stderr).not.toMatch(/^Warning: /m);
}, 180_000);
