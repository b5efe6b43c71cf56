/**
 * `--arch` for `train`: a layer list in @dnn/nn's short syntax, or a name
 * (`cnn`, `mlp`). Every problem is a UsageError naming the flag.
 * @module
 */
import { ARCH_HELP, ArchError, SpecError, parseArch, validateSpec, type LossName, type ModelSpec } from '@dnn/nn';
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

/** The spec with `n` outputs (named classes): the last dense layer's width; the shapes are checked again. */
export function withOutputs(spec: ModelSpec, n: number, flag: string): ModelSpec {
  const at = spec.layers.map((l) => l.kind).lastIndexOf('dense');
  const after = spec.layers.slice(at + 1);
  if (at < 0 || after.some((l) => l.kind === 'conv2d')) throw new UsageError(`${flag}: the network does not end in a dense layer whose width could be the ${n} classes`);
  try {
    return validateSpec({ ...spec, layers: spec.layers.map((l, i) => (i === at ? { kind: 'dense', out: n } : l)) });
  } catch (e) {
    if (e instanceof SpecError) throw new UsageError(`${flag}: ${e.message}`);
    throw e;
  }
}
