/** The GEMM shapes a training step of 784-400-200-10 at batch 100 runs, and a square one. */
export interface Shape {
  name: string;
  m: number;
  n: number;
  k: number;
  transA: boolean;
  transB: boolean;
}

export const SHAPES: Shape[] = [
  { name: 'forward X W^T', m: 100, n: 400, k: 784, transA: false, transB: true },
  { name: 'dW = dY^T X', m: 400, n: 784, k: 100, transA: true, transB: false },
  { name: 'dX = dY W', m: 100, n: 400, k: 200, transA: false, transB: false },
  { name: 'plain X W', m: 100, n: 400, k: 784, transA: false, transB: false },
  { name: '1024 cubed', m: 1024, n: 1024, k: 1024, transA: false, transB: false },
];

export const ARCH = [784, 400, 200, 10];
export const BATCH = 100;
/** Batches in a 60,000-image epoch at batch 100. */
export const EPOCH_STEPS = 600;
