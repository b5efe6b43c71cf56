/** Model and checkpoint files for the commands: @dnn/nn/files, whose errors name the file. */
export { FileProblem, loadCheckpoint as readCheckpointFile, saveModel as writeModelFile, writeFileAtomic } from '@dnn/nn/files';
import { loadModel } from '@dnn/nn/files';
import type { ActivationName } from '@dnn/nn';
import type { Flags } from './args.ts';
import { archSpec } from './arch.ts';
import { UsageError } from './errors.ts';

/** `--arch` for the commands that read a model: the layers of a PyTorch file without dnn metadata. */
export const ARCH_FLAG: Flags = {
  arch: {
    type: 'string',
    value: 'LAYERS',
    help: 'the layers of a PyTorch state_dict without dnn metadata, as for train --arch (e.g. cnn); default: inferred for a Sequential of Linear layers',
  },
};

/** Reads `--model`, with the layers of `--arch` for a file without dnn metadata. */
export function readModelFile(path: string, options: { activations?: ActivationName[]; arch?: string } = {}) {
  if (options.arch !== undefined && options.activations) throw new UsageError('--arch gives the whole network; drop --activations');
  const arch = options.arch === undefined ? undefined : archSpec(options.arch, 'cross-entropy');
  return loadModel(path, { activations: options.activations, arch });
}
