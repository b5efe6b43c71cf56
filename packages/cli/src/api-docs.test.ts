// The API reference (TypeDoc, from the TSDoc comments of each package's
// public face) builds without warnings and documents what it should.
import { expect } from 'bun:test';
import { spawnSync } from 'node:child_process';
import { existsSync } from 'node:fs';
import { mkdtemp, readFile, rm } from 'node:fs/promises';
import { createRequire } from 'node:module';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { otherThanNodePass, skipIf } from '../../../test-support/capabilities.ts';
import { inNode } from '../../../test-support/runtime.ts';

// The repository root, found through the CLI's workspace link (tests may run from a bundle elsewhere).
const root = join(dirname(createRequire(import.meta.url).resolve('dnn-cli/package.json')), '..', '..');

// TypeDoc is a Node program: it gives the same pages whichever runtime runs the tests, so the Node pass runs it.
skipIf(otherThanNodePass() || (!inNode && 'TypeDoc runs under Node'))('TypeDoc builds the API reference without warnings', async () => {
  const out = await mkdtemp(join(tmpdir(), 'dnn-api-'));
  try {
    const r = spawnSync('node', [join(root, 'node_modules/typedoc/bin/typedoc'), '--out', out, '--logLevel', 'Warn', '--treatWarningsAsErrors'], { cwd: root, encoding: 'utf8' });
    expect(r.status, r.stdout + r.stderr).toBe(0);
    for (const page of ['modules/_dnn_nn.html', 'modules/_dnn_nn_files.html', 'modules/_dnn_tensor.html', 'functions/_dnn_nn.fit.html', 'functions/_dnn_nn.encodeOnnx.html']) {
      expect(existsSync(join(out, page)), `${page} is generated`).toBeTruthy();
    }
    const fitPage = await readFile(join(out, 'functions/_dnn_nn.fit.html'), 'utf8');
    expect(fitPage, 'the TSDoc text is in the page').toMatch(/Options left out take the CLI/);
  } finally {
    await rm(out, { recursive: true, force: true });
  }
});
