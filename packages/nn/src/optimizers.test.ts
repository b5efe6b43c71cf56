import { test, expect } from 'bun:test';
import { createOptimizer } from './optimizers.ts';

const grads = [0.5, -1, 0.25];

function run(name: 'sgd' | 'momentum' | 'adam', lr: number): number[] {
  const opt = createOptimizer({ name });
  const p = Float32Array.of(1);
  const state = opt.init(1);
  return grads.map((g, i) => {
    opt.update(p, Float32Array.of(g), state, lr, i + 1);
    return p[0];
  });
}

const close = (a: number[], b: number[], tol = 1e-6) => a.every((v, i) => Math.abs(v - b[i]) < tol);

test('sgd: p -= lr g', () => {
  expect(close(run('sgd', 0.1), [0.95, 1.05, 1.025])).toBeTruthy();
});

test('momentum (PyTorch form v = 0.9 v + g) against hand-computed values', () => {
  expect(close(run('momentum', 0.1), [0.95, 1.005, 1.0295])).toBeTruthy();
});

test('adam with bias correction against hand-computed values', () => {
  // t=1: m=0.05, v=0.00025, m^=0.5, v^=0.25, p = 1 - 0.1*0.5/(0.5+1e-8).
  const got = run('adam', 0.1);
  expect(close(got, [0.900000002, 0.9366103542, 0.9502794203]), `got ${got}`).toBeTruthy();
});

test('update touches only [start, end)', () => {
  const opt = createOptimizer({ name: 'adam' });
  const p = Float32Array.of(1, 1, 1, 1);
  const state = opt.init(4);
  opt.update(p, Float32Array.of(1, 1, 1, 1), state, 0.1, 1, 1, 3);
  expect([...p].map((v) => v === 1)).toEqual([true, false, false, true]);
  expect(state.slots.length).toBe(2);
});

test('unknown optimizer is an error', () => {
  expect(() => createOptimizer({ name: 'rmsprop' as 'sgd' })).toThrow(/unknown optimizer "rmsprop"/);
});
