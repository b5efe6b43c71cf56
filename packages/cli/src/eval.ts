/** `dnn-cli eval`: a saved model's accuracy on the MNIST test set. */
import { checkDataset, classesFromMetadata, evaluate, hiddenActivations, modelDataMismatch, outputSize } from '@dnn/nn';
import { FileProblem } from '@dnn/nn/files';
import { choiceFlag, flagHelp, listFlag, parseFlags, type Flags } from './args.ts';
import { backendFlags, backendFromFlags } from './backends.ts';
import { describeSource, loadData } from './data.ts';
import { UsageError } from './errors.ts';
import { ARCH_FLAG, readModelFile } from './model-file.ts';
import { metricsReport, architectureReport } from './report.ts';

const FLAGS: Flags = {
  model: { type: 'string', value: 'FILE', help: 'the model file (safetensors) to evaluate' },
  ...ARCH_FLAG,
  data: { type: 'string', value: 'DIR', help: 'folder with the MNIST-format files (default: as for train)' },
  activations: { type: 'string', value: 'A,A', help: 'override the hidden activations stored in the model (shapes must still fit)' },
  ...backendFlags,
  json: { type: 'boolean', help: 'print one JSON line' },
  help: { type: 'boolean', short: 'h', help: 'show this help' },
};

const HELP = `Usage: dnn-cli eval --model FILE [flags]

Reports a model's test accuracy, loss, accuracy per class (digit, unless the
model names its classes) and confusion matrix.

Flags:
${flagHelp(FLAGS)}

Examples:
  dnn-cli eval --model model.safetensors
  dnn-cli eval --model model.safetensors --json`;

export async function evalCommand(argv: string[]): Promise<number> {
  const { values: v, positionals } = parseFlags(argv, FLAGS);
  if (v.help) return void console.log(HELP), 0;
  if (positionals.length) throw new UsageError(`unexpected argument ${JSON.stringify(positionals[0])}`);
  if (!v.model) throw new UsageError('--model FILE is required');
  const activations = v.activations === undefined ? undefined : listFlag('activations', v.activations as string, (a) => choiceFlag('activations', a, hiddenActivations()));
  const backend = await backendFromFlags(v);
  const started = performance.now();
  const { model, metadata, inferred } = await readModelFile(v.model as string, { activations, arch: v.arch as string | undefined });
  if (inferred) process.stderr.write(`${v.model}: ${inferred}\n`);
  const mnist = await loadData(v.data as string | undefined, undefined);
  // The data's class count is not known here (a classes.txt names them for train): its labels must fit the outputs.
  const mismatch = modelDataMismatch(model.spec, { features: mnist.test.features });
  if (mismatch) throw new FileProblem(v.model as string, mismatch);
  const classes = classesFromMetadata(metadata, outputSize(model.spec));
  const test = { ...mnist.test, classes: outputSize(model.spec) };
  try {
    checkDataset(test, 'the test labels');
  } catch (e) {
    throw new FileProblem(v.model as string, `has ${outputSize(model.spec)} outputs, but ${(e as Error).message}`);
  }
  const m = await evaluate(model, test, { backend });
  const seconds = (performance.now() - started) / 1000;
  if (v.json) {
    console.log(JSON.stringify({ event: 'eval', model: v.model, testAccuracy: m.accuracy, testLoss: m.loss, perClassAccuracy: m.perClassAccuracy, confusionMatrix: m.confusionMatrix, ...(classes ? { classes } : {}), seconds }));
    return 0;
  }
  console.log(`model: ${v.model}${metadata['train.epochs'] ? ` (trained ${metadata['train.epochs']} epochs, ${metadata['train.optimizer']}, seed ${metadata['train.seed']})` : ''}`);
  console.log(`data: ${describeSource(mnist.source)}\n`);
  console.log(metricsReport(m, 'Test', classes));
  console.log(`\n${architectureReport(model.spec)}\n\nTime: ${seconds.toFixed(1)} s`);
  return 0;
}
