/**
 * A model from tensor names and shapes alone, for safetensors files without
 * dnn's metadata (a PyTorch `state_dict` saved with `save_file`). Only the
 * unambiguous case is inferred: Linear layers numbered in order, as a
 * `torch.nn.Sequential` names them (`0.weight`, `2.weight`, ...: the
 * activations between them hold no parameters), dnn's own `layers.{i}.weight`,
 * or any one prefix before the number (`fc1.weight`, `net.0.weight`), each
 * weight [out, in] feeding the next. The layers between are taken to be ReLU
 * and the output softmax, as in the usual classifier; the CLI says so.
 *
 * Other layer kinds (conv, pool) cannot be told from names and shapes alone
 * (a pool or a stride leaves no trace); such files load with a layer list
 * given by the caller (`--arch`).
 * @module
 */
import { ModelFileError, type NamedTensor } from './safetensors.ts';
import { SpecError, layerShapes, validateSpec, type ActivationName, type LayerSpec, type ModelSpec } from './spec.ts';

export interface InferredModel {
  spec: ModelSpec;
  params: Float32Array;
  /** What was inferred, in words, for the user. */
  description: string;
}

/** `<prefix><n>.weight` / `<prefix><n>.bias`. */
const LINEAR = /^(.*?)(\d+)\.(weight|bias)$/;

const shapeText = (t: NamedTensor) => `${t.name} [${t.shape.join(', ')}]`;

/** The tensors, listed briefly for an error message. */
function found(tensors: NamedTensor[]): string {
  const shown = tensors.slice(0, 6).map(shapeText).join(', ');
  return tensors.length > 6 ? `${shown} and ${tensors.length - 6} more` : shown || 'no tensors';
}

/** Infers an MLP from the tensors' names and shapes, or throws one line saying what was found. */
export function inferModel(tensors: Map<string, NamedTensor>, override: { activations?: ActivationName[]; output?: ActivationName } = {}): InferredModel {
  const all = [...tensors.values()];
  const fail = (why: string): never => {
    throw new ModelFileError(
      `no dnn metadata, and the tensors fit no layer list (${why}); found ${found(all)}; ` +
        'expected Linear layers numbered in order (a Sequential: 0.weight [out, in], 0.bias [out], 2.weight, ...; or layers.{i}.weight)',
    );
  };
  if (all.length === 0) fail('the file holds no tensors');
  const layers = new Map<number, { weight?: NamedTensor; bias?: NamedTensor }>();
  let prefix: string | null = null;
  for (const t of all) {
    const m = LINEAR.exec(t.name);
    if (!m) return fail(`${t.name} is not a layer's weight or bias`);
    if (prefix !== null && m[1] !== prefix) fail(`the names have different prefixes, "${prefix}" and "${m[1]}"`);
    prefix = m[1];
    const slot = layers.get(Number(m[2])) ?? {};
    slot[m[3] as 'weight' | 'bias'] = t;
    layers.set(Number(m[2]), slot);
  }
  const order = [...layers.keys()].sort((a, b) => a - b);
  const sizes: number[] = [];
  for (const i of order) {
    const { weight, bias } = layers.get(i)!;
    if (!weight) return fail(`${prefix}${i}.bias has no weight`);
    if (weight.shape.length !== 2) fail(`${shapeText(weight)} is not a matrix`);
    const [out, inp] = weight.shape;
    if (sizes.length === 0) sizes.push(inp);
    else if (inp !== sizes[sizes.length - 1]) fail(`${shapeText(weight)} takes ${inp} inputs, the layer before gives ${sizes[sizes.length - 1]}`);
    if (bias && (bias.shape.length !== 1 || bias.shape[0] !== out)) fail(`${shapeText(bias)} does not fit ${shapeText(weight)}`);
    sizes.push(out);
  }
  const hidden = sizes.slice(1, -1);
  const acts = override.activations ?? hidden.map((): ActivationName => 'relu');
  const output = override.output ?? 'softmax';
  if (acts.length !== hidden.length) fail(`activations must name one activation per hidden layer (${hidden.length}), got ${JSON.stringify(acts)}`);
  const list: LayerSpec[] = [];
  hidden.forEach((n, i) => list.push({ kind: 'dense', out: n }, { kind: acts[i] }));
  list.push({ kind: 'dense', out: sizes[sizes.length - 1] }, { kind: output });
  let spec: ModelSpec;
  try {
    spec = validateSpec({ input: { shape: [sizes[0]], scale: 1 / 255 }, layers: list, loss: output === 'softmax' ? 'cross-entropy' : 'mse' });
  } catch (e) {
    if (e instanceof SpecError) return fail(e.message);
    throw e;
  }
  const dense = layerShapes(spec).filter((l) => l.weight && l.bias);
  const params = new Float32Array(dense.reduce((n, l) => n + l.params, 0));
  const noBias: string[] = [];
  order.forEach((i, k) => {
    const { weight, bias } = layers.get(i)!;
    params.set(weight!.data, dense[k].weight!.offset);
    // nn.Linear(bias=False) has none: a zero bias computes the same.
    if (bias) params.set(bias.data, dense[k].bias!.offset);
    else noBias.push(weight!.name);
  });
  const converted = [...new Set(all.flatMap((t) => (t.fileDtype ? [t.fileDtype] : [])))];
  const names = order.map((i) => `${prefix}${i}.weight`);
  const description =
    `no dnn metadata; inferred an MLP ${sizes.join('-')} from ${names.length > 4 ? `${names.slice(0, 3).join(', ')}, ... ${names.at(-1)}` : names.join(', ')}: ` +
    `${acts.length ? `${[...new Set(acts)].join('/')} between layers, ` : ''}${output} at the end, inputs scaled by 1/255` +
    (noBias.length ? `; no bias in ${noBias.join(', ')} (zeros)` : '') +
    (converted.length ? `; converted ${converted.join(', ')} to float32` : '');
  return { spec, params, description };
}
