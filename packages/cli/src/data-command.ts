/** `dnn-cli data path|verify|download`: where MNIST comes from, and checking and fetching it. */
import { readdir } from 'node:fs/promises';
import {
  candidateSources,
  defaultCacheDir,
  downloadMnist,
  DEFAULT_MIRROR,
  findFile,
  locateMnist,
  missingFiles,
  mnistDataPackageDir,
  MNIST_FILES,
  MNIST_SHA256,
  readDataFile,
  sha256Hex,
  type MnistFileKey,
} from '@dnn/data-mnist';
import { flagHelp, parseFlags, positiveFlag, type Flags } from './args.ts';
import { describeSource } from './data.ts';
import { cliEnvironment } from './environment.ts';
import { writeOutputFile } from '@dnn/nn/files';
import { UsageError } from './errors.ts';
import { ProgressBar } from './progress.ts';
import { stdoutIsTerminal } from './runtime.ts';

const FLAGS: Flags = {
  data: { type: 'string', value: 'DIR', help: 'the folder to look at (path, verify) or download into (download)' },
  mirror: { type: 'string', value: 'URL', help: `where to download from (also DNN_MNIST_MIRROR)`, default: DEFAULT_MIRROR },
  timeout: { type: 'string', value: 'S', help: 'give up on a mirror that does not answer, or stops sending, for S seconds', default: '30' },
  json: { type: 'boolean', help: 'print JSON lines' },
  help: { type: 'boolean', short: 'h', help: 'show this help' },
};

const HELP = `Usage: dnn-cli data <path|verify|download> [flags]

  path      where MNIST would be read from, and every place looked at
  verify    checks the SHA-256 of each of the four files (decompressed)
  download  downloads the files missing from the cache (or --data DIR),
            checking each SHA-256 before saving it

Flags:
${flagHelp(FLAGS)}

Examples:
  dnn-cli data path
  dnn-cli data verify --data ./data
  dnn-cli data download --mirror http://127.0.0.1:8000/mnist/

Other data sets in MNIST's format (four IDX files with the same names, 28x28
bytes, labels 0-9) train as they are with --data DIR; name their classes in a
classes.txt beside the files (one name a line, label 0 first) or with
--classes. 'verify' and 'download' know only MNIST's checksums; fetch these
by hand:
  Fashion-MNIST (Zalando): github.com/zalandoresearch/fashion-mnist, files at
    http://fashion-mnist.s3-website.eu-central-1.amazonaws.com/
    classes: T-shirt/top, Trouser, Pullover, Dress, Coat, Sandal, Shirt,
    Sneaker, Bag, Ankle boot
  KMNIST (Kuzushiji-MNIST, ROIS-DS CODH): github.com/rois-codh/kmnist, files at
    http://codh.rois.ac.jp/kmnist/dataset/kmnist/
    classes: o, ki, su, tsu, na, ha, ma, ya, re, wo
  for example:
    mkdir fashion && cd fashion
    for f in train-images-idx3-ubyte train-labels-idx1-ubyte t10k-images-idx3-ubyte t10k-labels-idx1-ubyte; do
      curl -O http://fashion-mnist.s3-website.eu-central-1.amazonaws.com/$f.gz; done
    printf '%s\n' T-shirt/top Trouser Pullover Dress Coat Sandal Shirt Sneaker Bag 'Ankle boot' > classes.txt
    dnn-cli train --data .`;

export async function dataCommand(argv: string[]): Promise<number> {
  const { values: v, positionals } = parseFlags(argv, FLAGS);
  if (v.help) return void console.log(HELP), 0;
  const [action, ...rest] = positionals;
  if (rest.length) throw new UsageError(`unexpected argument ${JSON.stringify(rest[0])}`);
  const dataDir = v.data as string | undefined;
  const packageDir = mnistDataPackageDir(import.meta.url);
  const say = (row: object, text: string) => console.log(v.json ? JSON.stringify(row) : text);
  switch (action) {
    case 'path': {
      for (const c of candidateSources({ dataDir, packageDir })) {
        const missing = await missingFiles(c.dir).catch(() => Object.values(MNIST_FILES));
        say({ event: 'source', kind: c.kind, dir: c.dir, complete: missing.length === 0 }, `${missing.length === 0 ? 'ok     ' : 'missing'}  ${c.kind.padEnd(8)} ${c.dir}`);
      }
      const s = await locateMnist({ dataDir, packageDir, download: false });
      say({ event: 'using', kind: s.kind, dir: s.dir }, `\nusing ${describeSource(s)}`);
      return 0;
    }
    case 'verify': {
      const s = await locateMnist({ dataDir, packageDir, download: false });
      let bad = 0;
      for (const key of Object.keys(MNIST_FILES) as MnistFileKey[]) {
        const path = (await findFile(s.dir, key))!;
        const sum = await sha256Hex(await readDataFile(path));
        const ok = sum === MNIST_SHA256[MNIST_FILES[key]];
        if (!ok) bad++;
        say({ event: 'verify', file: path, sha256: sum, ok }, `${ok ? 'ok      ' : 'MISMATCH'} ${path}${ok ? '' : `\n         got ${sum}\n         expected ${MNIST_SHA256[MNIST_FILES[key]]}`}`);
      }
      if (bad) throw new Error(`${bad} of the 4 files in ${s.dir} do not match the original MNIST`);
      return 0;
    }
    case 'download': {
      const dir = dataDir ?? defaultCacheDir();
      const bar = stdoutIsTerminal() && !v.json ? new Map<string, ProgressBar>() : null;
      const written = await downloadMnist({
        dir,
        mirror: (v.mirror as string | undefined) ?? cliEnvironment().mnistMirror,
        writeFile: writeOutputFile,
        timeoutMs: v.timeout === undefined ? undefined : positiveFlag('timeout', v.timeout as string) * 1000,
        onProgress: (file, n, total) => {
          if (!bar) return;
          if (!bar.has(file)) bar.set(file, new ProgressBar(process.stdout, file));
          bar.get(file)!.update(n, total ?? n);
        },
      });
      for (const b of bar?.values() ?? []) b.clear();
      for (const f of written) say({ event: 'downloaded', file: f }, `downloaded ${f}`);
      const have = (await readdir(dir)).length;
      say({ event: 'done', dir, downloaded: written.length }, written.length ? `saved to ${dir}` : `nothing to download: ${dir} has the files (${have} entries)`);
      return 0;
    }
    default:
      throw new UsageError(action === undefined ? 'say which: dnn-cli data path|verify|download' : `unknown data action ${JSON.stringify(action)}; use path, verify or download`);
  }
}
