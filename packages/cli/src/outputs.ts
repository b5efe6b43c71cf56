/** The files a command will write, checked before any work starts (the policy is @dnn/nn/files'). */
import { checkOutputPath, FileProblem } from '@dnn/nn/files';
import { UsageError } from './errors.ts';

/**
 * Checks each `--flag FILE` given; the first that cannot be written is a
 * UsageError naming the flag and the path, before data is loaded or a step is taken.
 * @example await checkOutputs({ save: cfg.save, plot: cfg.plot })
 */
export async function checkOutputs(files: Record<string, string | undefined>): Promise<void> {
  for (const [flag, path] of Object.entries(files)) {
    if (path === undefined) continue;
    try {
      await checkOutputPath(path);
    } catch (e) {
      if (e instanceof FileProblem) throw new UsageError(`--${flag} ${e.message}`);
      throw e;
    }
  }
}
