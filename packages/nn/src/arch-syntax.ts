/**
 * The short syntax for a layer list, as the CLI's `--arch` takes it and a
 * model file's description prints it: comma-separated layers, e.g.
 * `conv16x5,relu,pool2,conv32x5,relu,pool2,dense128,relu,dense10`.
 * A flatten goes in before the first dense layer that follows images, and
 * a softmax at the end for cross-entropy, unless the list has them.
 * @module
 */
import { ACTIVATIONS, SpecError, defaultCnnSpec, defaultSpec, validateSpec, type InputSpec, type LayerSpec, type LossName, type ModelSpec } from './spec.ts';

/** A layer list that cannot be parsed or built; the message names the part at fault. */
export class ArchError extends Error {
  constructor(message: string) {
    super(message);
    this.name = 'ArchError';
  }
}

export const ARCH_HELP = `Layers, comma-separated:
  denseN           dense layer with N outputs
  convNxK          conv2d, N channels, KxK kernel, stride 1, no padding
  convNxKs2        ... stride 2;  convNxKsame, convNxKs2same: zero padding (K-1)/2 (odd K)
  pool2            2x2 max pooling, stride 2
  flatten          images to vectors (added before the first dense after images if missing)
  dropoutR         dropout with rate R, e.g. dropout0.25 (training only)
  ${ACTIVATIONS.filter((a) => a !== 'softmax').join(', ')}
  softmax          the output (added at the end for cross-entropy if missing)
Or a name: cnn (the default CNN), mlp (the default 784-400-200-10 MLP).`;

const CONV = /^conv(\d+)x(\d+)(?:s([12]))?(same|valid)?$/;

function parseToken(token: string): LayerSpec {
  let m: RegExpMatchArray | null;
  if ((m = token.match(/^dense(\d+)$/))) return { kind: 'dense', out: Number(m[1]) };
  if ((m = token.match(CONV))) {
    return { kind: 'conv2d', out: Number(m[1]), kernel: Number(m[2]), stride: m[3] === '2' ? 2 : 1, padding: m[4] === 'same' ? 'same' : 'valid' };
  }
  if (token === 'pool2' || token === 'maxpool2') return { kind: 'maxpool2d' };
  if (token === 'flatten') return { kind: 'flatten' };
  if ((m = token.match(/^dropout(0?\.\d+|0)$/))) return { kind: 'dropout', rate: Number(m[1]) };
  if ((ACTIVATIONS as readonly string[]).includes(token)) return { kind: token as LayerSpec['kind'] } as LayerSpec;
  throw new ArchError(`"${token}" is not a layer; use denseN, convNxK, convNxKs2, convNxKsame, pool2, flatten, dropoutR or an activation (${ACTIVATIONS.join(', ')})`);
}

/**
 * Parses a layer list for `input` (default: 1x28x28 MNIST images, scaled by
 * 1/255) and `loss` (default cross-entropy), and checks its shapes.
 * @example
 * parseArch('conv8x3same,relu,pool2,dense10').layers.length; // 6: flatten and softmax added
 */
export function parseArch(text: string, options: { input?: InputSpec; loss?: LossName } = {}): ModelSpec {
  const input = options.input ?? { shape: [1, 28, 28], scale: 1 / 255 };
  const loss = options.loss ?? 'cross-entropy';
  const name = text.trim();
  if (name === 'cnn') return validateSpec({ ...defaultCnnSpec(), input, loss });
  if (name === 'mlp') return parseArch(formatArch(defaultSpec()), { input, loss });
  const tokens = name.split(',').map((t) => t.trim().toLowerCase());
  if (tokens.some((t) => t === '')) throw new ArchError(`empty layer in ${JSON.stringify(text)}`);
  const layers: LayerSpec[] = [];
  let images = input.shape.length === 3;
  for (const token of tokens) {
    const layer = parseToken(token);
    if (layer.kind === 'dense' && images) layers.push({ kind: 'flatten' });
    if (layer.kind === 'dense' || layer.kind === 'flatten') images = false;
    layers.push(layer);
  }
  if (loss === 'cross-entropy' && layers[layers.length - 1].kind !== 'softmax') layers.push({ kind: 'softmax' });
  try {
    return validateSpec({ input, layers, loss });
  } catch (e) {
    if (e instanceof SpecError) throw new ArchError(`${e.message} (layers: ${layers.map(formatLayer).join(',')})`);
    throw e;
  }
}

function formatLayer(l: LayerSpec): string {
  switch (l.kind) {
    case 'dense':
      return `dense${l.out}`;
    case 'conv2d':
      return `conv${l.out}x${l.kernel}${l.stride === 2 ? 's2' : ''}${l.padding === 'same' ? 'same' : ''}`;
    case 'maxpool2d':
      return 'pool2';
    case 'dropout':
      return `dropout${l.rate}`;
    default:
      return l.kind;
  }
}

/** The short syntax of a spec's layers (every layer, flatten and softmax included). */
export function formatArch(spec: ModelSpec): string {
  return spec.layers.map(formatLayer).join(',');
}
