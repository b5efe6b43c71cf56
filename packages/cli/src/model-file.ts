/** Model and checkpoint files for the commands: @dnn/nn/files, whose errors name the file. */
export { FileProblem, loadCheckpoint as readCheckpointFile, saveModel as writeModelFile, writeFileAtomic } from '@dnn/nn/files';
import { loadModel } from '@dnn/nn/files';
import type { ActivationName } from '@dnn/nn';

export function readModelFile(path: string, activations?: ActivationName[]) {
  return loadModel(path, { activations });
}
