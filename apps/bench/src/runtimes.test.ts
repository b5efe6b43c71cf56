import { expect, test } from 'bun:test';
import { childEpoch, concurrentEpochs, type Runtime } from './runtimes.ts';

// Stand-ins for the benchmark's --epoch-child mode (a shell, in every runtime): one prints an epoch line, one fails.
const printing = (seconds: number): Runtime => ({
  name: 'stand-in',
  command: ['sh', '-c', `echo warming up; echo '{"runtime":"stand-in","kernels":"none","seconds":${seconds}}'`],
});
const failing: Runtime = { name: 'failing', command: ['sh', '-c', 'echo no kernels here >&2; exit 3'] };

test('concurrentEpochs runs the children at once and reads each last line; failures and missing runtimes say why', async () => {
  const two = await concurrentEpochs(printing(1.5), 2);
  expect(two).toEqual([
    { runtime: 'stand-in', kernels: 'none', seconds: 1.5 },
    { runtime: 'stand-in', kernels: 'none', seconds: 1.5 },
  ]);
  expect(await concurrentEpochs(failing, 1)).toEqual([{ skipped: 'failed: no kernels here' }]);
  expect(await concurrentEpochs({ name: 'absent', command: null, skipped: 'not installed' }, 2)).toEqual([{ skipped: 'not installed' }, { skipped: 'not installed' }]);
  // One at a time, as the runtimes section runs them.
  expect(await childEpoch(printing(2))).toEqual({ runtime: 'stand-in', kernels: 'none', seconds: 2 });
  expect(await childEpoch(failing)).toEqual({ skipped: 'failed: no kernels here' });
});
