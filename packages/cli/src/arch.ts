/**
 * `--arch` for `train`: a layer list in @dnn/nn's short syntax, or a name
 * (`cnn`, `mlp`). Every problem is a UsageError naming the flag.
 * @module
 */
import { ARCH_HELP, ArchError, parseArch, type LossName, type ModelSpec } from '@dnn/nn';
import { UsageError } from './errors.ts';

export { ARCH_HELP };

/** The spec `--arch TEXT` stands for, on MNIST's 1x28x28 images. */
export function archSpec(text: string, loss: LossName): ModelSpec {
  try {
    return parseArch(text, { input: { shape: [1, 28, 28], scale: 1 / 255 }, loss });
  } catch (e) {
    if (e instanceof ArchError) throw new UsageError(`--arch: ${e.message}`);
    throw e;
  }
}
