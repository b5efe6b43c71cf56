/** `dnn-cli predict`: the class (digit) of each picture, with every class's probability. */
import { mnistFromImage, EmptyImageError } from '@dnn/data-mnist';
import { classesFromMetadata, modelDataMismatch, numberedClasses, outputSize, predict } from '@dnn/nn';
import { FileProblem } from '@dnn/nn/files';
import { flagHelp, parseFlags, type Flags } from './args.ts';
import { UsageError } from './errors.ts';
import { readImageFile, ImageFileProblem } from './image-file.ts';
import { ARCH_FLAG, readModelFile } from './model-file.ts';
import { cliEnvironment } from './environment.ts';

const FLAGS: Flags = {
  model: { type: 'string', value: 'FILE', help: 'the model file (safetensors)' },
  ...ARCH_FLAG,
  json: { type: 'boolean', help: 'print one JSON line per image' },
  help: { type: 'boolean', short: 'h', help: 'show this help' },
};

const HELP = `Usage: dnn-cli predict --model FILE IMAGE...

Reads PNG (any bit depth and colour type) or PGM pictures of a digit, up to
4096 x 4096 pixels, dark on light or light on dark, prepares each the way MNIST was made (cropped to the digit, scaled into
20x20 keeping its aspect ratio, centred by centre of mass in 28x28) and prints
the predicted class and the probabilities. Classes are the digits 0-9 unless
the model file names them (trained with --classes or a classes.txt). A picture
that cannot be read is reported and the others are still predicted; the exit
code is then 1.

Flags:
${flagHelp(FLAGS)}

Examples:
  dnn-cli predict --model model.safetensors seven.png
  dnn-cli predict --model model.safetensors --json *.png`;

export async function predictCommand(argv: string[]): Promise<number> {
  const { values: v, positionals: images } = parseFlags(argv, FLAGS);
  if (v.help) return void console.log(HELP), 0;
  if (!v.model) throw new UsageError('--model FILE is required');
  if (images.length === 0) throw new UsageError('give at least one IMAGE (PNG or PGM)');
  const { model, metadata, inferred } = await readModelFile(v.model as string, { arch: v.arch as string | undefined });
  if (inferred) process.stderr.write(`${v.model}: ${inferred}\n`);
  const mismatch = modelDataMismatch(model.spec, { features: 784 });
  if (mismatch) throw new FileProblem(v.model as string, `${mismatch} (predict prepares 28x28 digits)`);
  const named = classesFromMetadata(metadata, outputSize(model.spec));
  const names = named ?? numberedClasses(outputSize(model.spec));
  // Each picture on its own: one that cannot be read is reported and the rest are still predicted.
  let failed = 0;
  for (const file of images) {
    let input: Uint8Array;
    try {
      input = mnistFromImage(await readImageFile(file));
    } catch (e) {
      if (!(e instanceof EmptyImageError || e instanceof ImageFileProblem)) throw e;
      const message = e instanceof EmptyImageError ? `${file}: ${e.message}` : e.message;
      failed++;
      process.stderr.write(`dnn-cli: error: ${message}\n`);
      if (v.json) console.log(JSON.stringify({ event: 'error', file, message }));
      continue;
    }
    const probs = [...predict(model, input, 1, cliEnvironment().kernels)];
    const best = probs.indexOf(Math.max(...probs));
    // JSON: `class` is the index; `digit` for unnamed (digit) models, `name` for named ones.
    if (v.json) console.log(JSON.stringify({ event: 'prediction', file, class: best, ...(named ? { name: named[best] } : { digit: best }), probabilities: probs }));
    else console.log(`${file}: ${names[best]} (${(probs[best] * 100).toFixed(1)}%)  ${probs.map((p, i) => `${names[i]}:${(p * 100).toFixed(1)}%`).join(' ')}`);
  }
  if (failed && !v.json) process.stderr.write(`dnn-cli: ${failed} of ${images.length} pictures could not be read\n`);
  return failed ? 1 : 0;
}
