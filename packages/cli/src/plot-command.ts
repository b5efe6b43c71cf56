/** `dnn-cli plot RUN.jsonl -o profile.svg`: the training profile from a saved --json log. */
import { readFile } from 'node:fs/promises';
import { trainingProfileSvg, type ProfilePoint } from '@dnn/nn';
import { flagHelp, parseFlags, type Flags } from './args.ts';
import { UsageError } from './errors.ts';
import { writeFileAtomic } from '@dnn/nn/files';
import { checkOutputs } from './outputs.ts';

const FLAGS: Flags = {
  output: { type: 'string', short: 'o', value: 'FILE', help: 'the SVG to write', default: 'profile.svg' },
  title: { type: 'string', value: 'TEXT', help: 'the figure title' },
  help: { type: 'boolean', short: 'h', help: 'show this help' },
};

const HELP = `Usage: dnn-cli plot RUN.jsonl [-o profile.svg]

Draws training loss, validation loss and validation accuracy per epoch from
the JSON lines of 'dnn-cli train --json' into a standalone SVG.

Flags:
${flagHelp(FLAGS)}

Examples:
  dnn-cli train --json > run.jsonl && dnn-cli plot run.jsonl -o profile.svg`;

export async function plotCommand(argv: string[]): Promise<number> {
  const { values: v, positionals } = parseFlags(argv, FLAGS);
  if (v.help) return void console.log(HELP), 0;
  if (positionals.length !== 1) throw new UsageError('give one RUN.jsonl file (the output of dnn-cli train --json)');
  const file = positionals[0];
  const out = (v.output as string | undefined) ?? 'profile.svg';
  await checkOutputs({ output: out });
  const text = await readFile(file, 'utf8').catch((e) => {
    throw new Error(`${file}: ${(e as { code?: string }).code === 'ENOENT' ? 'no such file' : (e as Error).message}`);
  });
  const points: ProfilePoint[] = [];
  text.split('\n').forEach((line, i) => {
    if (!line.trim()) return;
    let o: Record<string, unknown>;
    try {
      o = JSON.parse(line);
    } catch {
      throw new Error(`${file}:${i + 1}: not a JSON line`);
    }
    if (o.event === 'epoch') points.push(o as unknown as ProfilePoint);
  });
  if (points.length === 0) throw new Error(`${file}: no epoch events (is it the output of dnn-cli train --json?)`);
  await writeFileAtomic(out, new TextEncoder().encode(trainingProfileSvg(points, { title: v.title as string | undefined })));
  console.log(`wrote ${out} (${points.length} epochs)`);
  return 0;
}
