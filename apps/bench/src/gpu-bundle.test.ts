// The GPU bundle, built and run here as it would be on a GPU machine, but
// on this machine's software adapter and with --quick sizes, so that it
// cannot rot between the rare runs on real GPUs. The bundle script installs
// its Node 22 from scripts/node-versions/ when absent, as test-all.mjs does.
import { test, expect } from 'bun:test';
import { spawnSync } from 'node:child_process';
import { existsSync, mkdirSync, mkdtempSync, realpathSync, rmSync, statSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { otherThanNodePass, skipIf } from '../../../test-support/capabilities.ts';
import { inNode } from '../../../test-support/runtime.ts';

// Under Node the test runs from a bundle in node_modules/.cache/dnn-node-tests/, mirroring the tree.
const root = fileURLToPath(new URL('../../../', import.meta.url)).replace('/node_modules/.cache/dnn-node-tests/', '/');
const has = (cmd: string) => spawnSync('sh', ['-c', `command -v ${cmd}`]).status === 0;
// The test spawns the `node` on PATH (to build) and the bundle's own Node 22 (to run): the runtime running the test
// changes nothing, and the run takes minutes on a software adapter, so it runs once, under that same `node`.
const pathNode = spawnSync('sh', ['-c', 'command -v node'], { encoding: 'utf8' }).stdout?.trim();
const real = (p: string) => {
  try {
    return realpathSync(p);
  } catch {
    return p;
  }
};
const underPathNode = inNode && Boolean(pathNode) && real(process.execPath) === real(pathNode!);
const skip =
  otherThanNodePass() ||
  (!underPathNode
    ? 'the bundle runs on its own Node 22 whatever runs this test: it is checked once, under the `node` on PATH'
    : process.platform !== 'linux' || process.arch !== 'x64'
      ? 'the bundle is for x86-64 Linux'
      : !has('node') || !has('bash') || !has('gzip')
        ? 'needs node, bash and gzip on PATH'
        : false);

skipIf(skip)('npm run gpu:bundle writes a bundle under 60 MiB whose run.sh runs the whole bench on this adapter', () => {
  const dir = mkdtempSync(join(tmpdir(), 'dnn-gpu-bundle-'));
  try {
    const out = join(dir, 'gpu');
    const b = spawnSync('node', [join(root, 'scripts/gpu-bundle.mjs'), out], { encoding: 'utf8' });
    expect(b.status, b.stderr).toBe(0);
    for (const f of ['run.sh', 'node.gz', 'dawn.node.gz', 'gpu-bench.mjs', 'gpu_torch.py', 'node_modules/webgpu/index.js']) expect(existsSync(join(out, f)), f).toBeTruthy();
    const size = ['node.gz', 'dawn.node.gz', 'gpu-bench.mjs'].reduce((s, f) => s + statSync(join(out, f)).size, 0);
    expect(size, `${size} bytes`).toBeLessThan(60 * 2 ** 20);

    // A folder of .debs, as --debs takes: one small package with a library in it.
    const debs = join(dir, 'debs');
    let debNote = '';
    if (has('dpkg-deb')) {
      const pkg = join(dir, 'pkg');
      mkdirSync(join(pkg, 'DEBIAN'), { recursive: true });
      mkdirSync(join(pkg, 'usr/lib/x86_64-linux-gnu'), { recursive: true });
      writeFileSync(join(pkg, 'DEBIAN/control'), 'Package: dnn-test\nVersion: 1\nArchitecture: amd64\nMaintainer: dnn\nDescription: test\n');
      writeFileSync(join(pkg, 'usr/lib/x86_64-linux-gnu/libdnn-test.so.1'), '');
      mkdirSync(debs);
      expect(spawnSync('dpkg-deb', ['--build', pkg, join(debs, 'dnn-test.deb')]).status).toBe(0);
      debNote = 'unpacked 1 .debs';
    }
    const r = spawnSync('bash', [join(out, 'run.sh'), ...(debNote ? ['--debs', debs] : []), '--quick'], { encoding: 'utf8', timeout: 540_000 });
    const text = `${r.stdout}\n${r.stderr}`;
    expect(r.status, text.slice(-3000)).toBe(0);
    const sections = ['== adapter', '== parity', '== epochs', '== GEMM', '== PyTorch CUDA', '== summary'].map((s) => text.indexOf(s));
    expect(sections.every((at, i) => at >= 0 && (i === 0 || at > sections[i - 1])), `sections in order: ${sections}`).toBeTruthy();
    expect(text).toMatch(/run\.sh: node v22\./);
    expect(text).toMatch(/MLP[^\n]*-> OK/);
    expect(text).toMatch(/CNN[^\n]*-> OK/);
    expect(text).toMatch(/parity: OK/);
    // The quick MLP has three dense layers: 3L + 2 dispatches a step.
    expect(text).toMatch(/MLP[^\n]*, batch {2}100: [\d.]+ s per 60000-row epoch; 11\.0 dispatches/);
    // The CNN's step: 9 forward (the gather, im2col and GEMM per conv, pools, dense GEMMs), the loss, 12 backward with
    // each conv's weight gradient split over the batch's pixels (one more dispatch each), the optimizer.
    expect(text).toMatch(/CNN[^\n]*, batch {2}100: [\d.]+ s per 60000-row epoch; 25\.0 dispatches/);
    expect(text).toMatch(/epoch s, CNN, batch 100/);
    expect(text).toMatch(/GEMM GFLOP\/s, 128 cubed/);
    if (debNote) expect(text).toMatch(new RegExp(`run\\.sh: ${debNote} from ${debs}; LD_LIBRARY_PATH=[^\\n]*/usr/lib/x86_64-linux-gnu`));
    const torch = spawnSync('python3', ['-c', 'import torch, sys; sys.exit(0 if torch.cuda.is_available() else 3)']).status === 0;
    if (!torch) expect(text).toMatch(/PyTorch CUDA\n {2}skipped: /);
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
}, 600_000);
