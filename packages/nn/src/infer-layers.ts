/**
 * A model from a safetensors file without dnn's metadata (a PyTorch
 * `state_dict` saved with `save_file`). The tensors must be numbered layers
 * under one prefix, as a `torch.nn.Sequential` names them (`0.weight`,
 * `3.weight`, ...; `net.0.weight`; dnn's first format's `layers.{i}.weight`),
 * each weight with its bias. Their numbers give the order.
 *
 * With a layer list from the caller (`--arch`), the k-th numbered layer fills
 * the k-th layer with parameters, shapes checked: numbering differences (a
 * Flatten module that dnn adds itself, or not) do not matter. Without one,
 * only the unambiguous case is inferred: Linear layers, each weight
 * [out, in] feeding the next, taken to have ReLU between them and softmax at
 * the end, as in the usual classifier; the CLI says so. A conv stack cannot be
 * inferred (a pool or a stride leaves no trace in the shapes).
 * @module
 */
import { ModelFileError, type NamedTensor } from './safetensors.ts';
import { SpecError, layerShapes, validateSpec, type ActivationName, type LayerInfo, type LayerSpec, type ModelSpec } from './spec.ts';
import { formatArch } from './arch-syntax.ts';

export interface InferredModel {
  spec: ModelSpec;
  params: Float32Array;
  /** What was inferred, in words, for the user. */
  description: string;
}

/** `<prefix><n>.weight` / `<prefix><n>.bias`. */
const NUMBERED = /^(.*?)(\d+)\.(weight|bias)$/;

const shapeText = (t: NamedTensor) => `${t.name} [${t.shape.join(', ')}]`;
const sameShape = (a: number[], b: number[]) => a.length === b.length && a.every((d, i) => d === b[i]);

/** The tensors, listed briefly for an error message. */
function found(tensors: NamedTensor[]): string {
  const shown = tensors.slice(0, 6).map(shapeText).join(', ');
  return tensors.length > 6 ? `${shown} and ${tensors.length - 6} more` : shown || 'no tensors';
}

interface Numbered {
  weight: NamedTensor;
  bias?: NamedTensor;
}

/** The file's layers with parameters, in number order; `fail` throws one line. */
function numberedLayers(all: NamedTensor[], fail: (why: string) => never): Numbered[] {
  if (all.length === 0) fail('the file holds no tensors');
  const layers = new Map<number, Partial<Numbered>>();
  let prefix: string | null = null;
  for (const t of all) {
    const m = NUMBERED.exec(t.name);
    if (!m) return fail(`${t.name} is not a layer's weight or bias`);
    if (prefix !== null && m[1] !== prefix) fail(`the names have different prefixes, "${prefix}" and "${m[1]}"`);
    prefix = m[1];
    const slot = layers.get(Number(m[2])) ?? {};
    slot[m[3] as 'weight' | 'bias'] = t;
    layers.set(Number(m[2]), slot);
  }
  return [...layers.keys()]
    .sort((a, b) => a - b)
    .map((i) => {
      const { weight, bias } = layers.get(i)!;
      if (!weight) return fail(`${prefix}${i}.bias has no weight`);
      return { weight, bias };
    });
}

/** Copies the numbered layers into the parameter slots of `slots` (same count, shapes checked by the caller). */
function fillParams(file: Numbered[], slots: LayerInfo[]): { params: Float32Array; noBias: string[] } {
  const params = new Float32Array(slots.reduce((n, l) => n + l.params, 0));
  const noBias: string[] = [];
  file.forEach(({ weight, bias }, k) => {
    params.set(weight.data, slots[k].weight!.offset);
    // A layer saved with bias=False has none: a zero bias computes the same.
    if (bias) params.set(bias.data, slots[k].bias!.offset);
    else noBias.push(weight.name);
  });
  return { params, noBias };
}

/** The notes every description ends with: missing biases, converted dtypes. */
function notes(all: NamedTensor[], noBias: string[]): string {
  const converted = [...new Set(all.flatMap((t) => (t.fileDtype ? [t.fileDtype] : [])))];
  return (noBias.length ? `; no bias in ${noBias.join(', ')} (zeros)` : '') + (converted.length ? `; converted ${converted.join(', ')} to float32` : '');
}

const listNames = (names: string[]) => (names.length > 4 ? `${names.slice(0, 3).join(', ')}, ... ${names.at(-1)}` : names.join(', '));

/**
 * Reads the tensors into the layer list `spec` (a PyTorch file's layers,
 * given by the caller): the k-th numbered layer of the file fills the k-th
 * layer with parameters. Throws one line naming the first tensor that does
 * not fit.
 */
export function modelFromLayers(tensors: Map<string, NamedTensor>, spec: ModelSpec): InferredModel {
  const all = [...tensors.values()];
  const arch = formatArch(spec);
  const fail = (why: string): never => {
    throw new ModelFileError(`no dnn metadata, and the tensors do not fit the layer list ${arch} (${why}); found ${found(all)}`);
  };
  const file = numberedLayers(all, fail);
  const slots = layerShapes(spec).filter((l) => l.weight && l.bias);
  if (file.length !== slots.length) fail(`the file has ${file.length} layers with weights, the list ${slots.length}`);
  file.forEach(({ weight, bias }, k) => {
    const l = slots[k];
    const what = `layer ${l.index} (${l.spec.kind})`;
    if (!sameShape(weight.shape, l.weight!.shape)) fail(`${shapeText(weight)} is not the [${l.weight!.shape.join(', ')}] weight of ${what}`);
    if (bias && !sameShape(bias.shape, l.bias!.shape)) fail(`${shapeText(bias)} is not the [${l.bias!.shape.join(', ')}] bias of ${what}`);
  });
  const { params, noBias } = fillParams(file, slots);
  const description = `no dnn metadata; read ${listNames(file.map((l) => l.weight.name))} into the given layer list ${arch}${notes(all, noBias)}`;
  return { spec, params, description };
}

/** Infers an MLP from the tensors' names and shapes, or throws one line saying what was found. */
export function inferModel(tensors: Map<string, NamedTensor>, override: { activations?: ActivationName[]; output?: ActivationName } = {}): InferredModel {
  const all = [...tensors.values()];
  const fail = (why: string): never => {
    throw new ModelFileError(
      `no dnn metadata, and the tensors fit no layer list (${why}); found ${found(all)}; ` +
        'expected Linear layers numbered in order (a Sequential: 0.weight [out, in], 0.bias [out], 2.weight, ...; or layers.{i}.weight), ' +
        'or give the layers (--arch)',
    );
  };
  const file = numberedLayers(all, fail);
  const sizes: number[] = [];
  for (const { weight, bias } of file) {
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
  const { params, noBias } = fillParams(file, layerShapes(spec).filter((l) => l.weight && l.bias));
  const description =
    `no dnn metadata; inferred an MLP ${sizes.join('-')} from ${listNames(file.map((l) => l.weight.name))}: ` +
    `${acts.length ? `${[...new Set(acts)].join('/')} between layers, ` : ''}${output} at the end, inputs scaled by 1/255${notes(all, noBias)}`;
  return { spec, params, description };
}
