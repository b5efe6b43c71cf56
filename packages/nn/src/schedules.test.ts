import { test, expect } from 'bun:test';
import { changesPerStep, checkSchedule, learningRateAt, type ScheduleConfig } from './schedules.ts';

const at = (s: ScheduleConfig, step: number, steps: number, epoch = 0, epochs = 1) => learningRateAt(s, { step, steps, epoch, epochs });
const close = (a: number, b: number, tol = 1e-15) => expect(Math.abs(a - b), `${a} is not ${b}`).toBeLessThan(tol);

test('per-epoch schedules: the seed behaviour, one rate per epoch', () => {
  const lin = { name: 'linear-epoch' as const, lr: 1e-3, lrEnd: 1e-5 };
  expect(at(lin, 0, 100, 0, 10)).toBe(1e-3);
  expect(at(lin, 99, 100, 0, 10), 'constant within an epoch').toBe(1e-3);
  close(at(lin, 0, 100, 9, 10), 1e-5);
  close(at(lin, 0, 100, 3, 4), 1e-5);
  close(at(lin, 0, 100, 1, 3), 5.05e-4);
  expect(at(lin, 0, 100, 0, 1), 'one epoch uses the starting rate').toBe(1e-3);
  const cos = { name: 'cosine-epoch' as const, lr: 1, lrEnd: 0 };
  expect(at(cos, 0, 10, 0, 5)).toBe(1);
  close(at(cos, 0, 10, 2, 5), 0.5, 1e-12);
  close(at(cos, 0, 10, 4, 5), 0, 1e-12);
  expect(at({ name: 'constant', lr: 0.3, lrEnd: 0 }, 7, 10, 7, 10)).toBe(0.3);
});

test('per-step schedules decay over all steps of the run, reaching lrEnd at the last', () => {
  const lin = { name: 'linear' as const, lr: 1e-3, lrEnd: 1e-5 };
  expect(at(lin, 0, 1200, 0, 2)).toBe(1e-3);
  close(at(lin, 1199, 1200, 1, 2), 1e-5);
  // Half-way through a 2-epoch run the rate is half-way, not at the floor.
  close(at(lin, 600, 1201, 1, 2), (1e-3 + 1e-5) / 2);
  const rates = Array.from({ length: 50 }, (_, i) => at(lin, i, 50));
  expect(rates.every((r, i) => i === 0 || r < rates[i - 1]), 'strictly decreasing, step by step').toBeTruthy();
  const cos = { name: 'cosine' as const, lr: 1, lrEnd: 0 };
  close(at(cos, 50, 101), 0.5, 1e-12);
  close(at(cos, 100, 101), 0, 1e-12);
  expect(at(lin, 0, 1), 'a one-step run uses the starting rate').toBe(1e-3);
});

test('warmup ramps up linearly, then the decay starts from lr', () => {
  const s = { name: 'linear' as const, lr: 1, lrEnd: 0, warmup: 4 };
  expect([0, 1, 2, 3].map((i) => at(s, i, 14))).toEqual([0.25, 0.5, 0.75, 1]);
  expect(at(s, 4, 14)).toBe(1);
  close(at(s, 5, 14), 1 - 1 / 9);
  close(at(s, 13, 14), 0);
  const c = { name: 'constant' as const, lr: 0.5, lrEnd: 0.5, warmup: 2 };
  expect([0, 1, 2].map((i) => at(c, i, 10))).toEqual([0.25, 0.5, 0.5]);
  expect(changesPerStep(c)).toBe(true);
  expect(changesPerStep({ name: 'linear-epoch', lr: 1, lrEnd: 0 })).toBe(false);
});

test('bad schedules are named', () => {
  expect(() => checkSchedule({ name: 'step' as 'linear', lr: 1, lrEnd: 0 })).toThrow(/unknown schedule "step"/);
  expect(() => checkSchedule({ name: 'linear', lr: 1, lrEnd: 0, warmup: -1 })).toThrow(/warmup/);
  expect(() => checkSchedule({ name: 'linear', lr: 0, lrEnd: 0 })).toThrow(/learning rate/);
});
