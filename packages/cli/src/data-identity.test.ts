import { test, expect } from 'bun:test';
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { checkSameData, resumeDataDir, type DataIdentity } from './data-identity.ts';

test('resumeDataDir: --data wins; the package is found where it is installed now; a gone folder is refused', async () => {
  const here = await mkdtemp(join(tmpdir(), 'dnn-identity-'));
  const gone = join(here, 'gone');
  const stored = (kind: DataIdentity['kind']): DataIdentity => ({ kind, dir: gone, sha256: { a: '1' } });
  expect(await resumeDataDir('r.ckpt', stored('explicit'), '/given', here)).toBe('/given');
  expect(await resumeDataDir('r.ckpt', null, undefined, here)).toBe(undefined);
  expect(await resumeDataDir('r.ckpt', stored('package'), undefined, here)).toBe(here);
  await expect(resumeDataDir('r.ckpt', stored('explicit'), undefined, here)).rejects.toThrow(expect.objectContaining({ name: 'UsageError', message: expect.stringMatching(/^r\.ckpt: the run's data folder .*gone cannot be found; give --data DIR with the same files$/) }));
  expect(() => checkSameData('r.ckpt', stored('explicit'), { kind: 'explicit', dir: gone, sha256: { a: '1', b: '2' } })).not.toThrow();
  expect(() => checkSameData('r.ckpt', stored('explicit'), { kind: 'explicit', dir: here, sha256: { a: '9' } })).toThrow(/r\.ckpt: the data has changed since the checkpoint: a in .* is not the file the run was trained on \(from .*gone\)/);
  await rm(here, { recursive: true });
});
