/**
 * ONNX export: a model as a standard ONNX graph (opset 13), written with
 * our own protobuf writer. The graph takes `input`, float32 holding raw
 * pixel values 0-255 as dnn's `predict` takes them: [N, C, H, W] ([N, 1, 28,
 * 28] for MNIST) when the spec's input is an image, [N, features] ([N, 784])
 * when it is flat; any batch size N. It scales them by the spec's input
 * scale and gives `probabilities` [N, classes] for a softmax model
 * (`output` otherwise). Each layer kind has its emitter: dense is a Gemm
 * (weights [out, in], transB = 1), conv2d a Conv, maxpool2d a 2x2 MaxPool,
 * flatten a Flatten (NCHW order, as dnn's), activations their nodes; dropout
 * does nothing at inference and is omitted.
 * @module
 */
import { ELU_ALPHA, LEAKY_RELU_SLOPE, LECUN_A, LECUN_B } from '@dnn/tensor';
import type { Model } from './model.ts';
import { ProtoWriter } from './protobuf.ts';
import { layerShapes, validateSpec, type ActivationName, type LayerInfo } from './spec.ts';

/** The ONNX operator set the graph uses. */
export const ONNX_OPSET = 13;
/** IR version 7 is the one that goes with opset 13. */
const IR_VERSION = 7;
const FLOAT = 1;
const ATTR = { FLOAT: 1, INT: 2, INTS: 7 } as const;

type Attribute = { name: string; float: number } | { name: string; int: number } | { name: string; ints: number[] };

/** The graph being built: nodes, initializers, and fresh value names. */
class Graph {
  readonly nodes: Uint8Array[] = [];
  readonly initializers: Uint8Array[] = [];
  private count = 0;

  /** A constant tensor (little-endian float32 raw data). */
  constant(name: string, dims: number[], data: Float32Array): string {
    const raw = new Uint8Array(data.length * 4);
    const view = new DataView(raw.buffer);
    data.forEach((x, i) => view.setFloat32(i * 4, x, true));
    const t = new ProtoWriter();
    for (const d of dims) t.int(1, d); // dims
    t.int(2, FLOAT).bytes(8, name).bytes(9, raw); // data_type, name, raw_data
    this.initializers.push(t.finish());
    return name;
  }

  scalar(name: string, x: number): string {
    return this.constant(name, [], Float32Array.of(x));
  }

  /** Adds a node; returns its output's name (`output` if given, else a fresh one). */
  node(op: string, inputs: string[], attributes: Attribute[] = [], output?: string): string {
    const out = output ?? `${op.toLowerCase()}_${this.count++}`;
    const w = new ProtoWriter();
    for (const i of inputs) w.bytes(1, i);
    w.bytes(2, out).bytes(3, `${op}_${this.nodes.length}`).bytes(4, op);
    for (const a of attributes) {
      w.message(5, (m) => {
        m.bytes(1, a.name);
        if ('float' in a) m.float(2, a.float).int(20, ATTR.FLOAT);
        else if ('int' in a) m.int(3, a.int).int(20, ATTR.INT);
        else {
          for (const v of a.ints) m.int(8, v);
          m.int(20, ATTR.INTS);
        }
      });
    }
    this.nodes.push(w.finish());
    return out;
  }
}

/** The activation's nodes after `x`; `output` names the last one's result. */
function emitActivation(g: Graph, x: string, name: ActivationName, output?: string): string {
  switch (name) {
    case 'linear':
      return output ? g.node('Identity', [x], [], output) : x;
    case 'sigmoid':
      return g.node('Sigmoid', [x], [], output);
    case 'tanh':
      return g.node('Tanh', [x], [], output);
    case 'relu':
      return g.node('Relu', [x], [], output);
    case 'softplus':
      return g.node('Softplus', [x], [], output);
    case 'leaky-relu':
      return g.node('LeakyRelu', [x], [{ name: 'alpha', float: LEAKY_RELU_SLOPE }], output);
    case 'elu':
      return g.node('Elu', [x], [{ name: 'alpha', float: ELU_ALPHA }], output);
    case 'softmax':
      return g.node('Softmax', [x], [{ name: 'axis', int: 1 }], output);
    case 'lecun-tanh': {
      const t = g.node('Tanh', [g.node('Mul', [x, g.scalar(`lecun_b_${x}`, LECUN_B)])]);
      return g.node('Mul', [t, g.scalar(`lecun_a_${x}`, LECUN_A)], [], output);
    }
  }
}

/** One layer's nodes after `x`; returns the name of its result. */
function emitLayer(g: Graph, x: string, l: LayerInfo, params: Float32Array): string {
  const constant = (what: 'weight' | 'bias') => {
    const slot = l[what]!;
    return g.constant(`${l.index}.${what}`, slot.shape, params.subarray(slot.offset, slot.offset + slot.size));
  };
  const spec = l.spec;
  switch (spec.kind) {
    case 'dense':
      return g.node('Gemm', [x, constant('weight'), constant('bias')], [{ name: 'transB', int: 1 }]);
    case 'conv2d': {
      const pad = spec.padding === 'same' ? (spec.kernel - 1) / 2 : 0;
      return g.node('Conv', [x, constant('weight'), constant('bias')], [
        { name: 'kernel_shape', ints: [spec.kernel, spec.kernel] },
        { name: 'strides', ints: [spec.stride, spec.stride] },
        { name: 'pads', ints: [pad, pad, pad, pad] },
      ]);
    }
    case 'maxpool2d':
      return g.node('MaxPool', [x], [
        { name: 'kernel_shape', ints: [2, 2] },
        { name: 'strides', ints: [2, 2] },
      ]);
    case 'flatten':
      return g.node('Flatten', [x], [{ name: 'axis', int: 1 }]);
    case 'dropout':
      return x; // inference keeps every value unscaled (dropout is inverted)
    default:
      return emitActivation(g, x, spec.kind);
  }
}

/** A value's type: float32 tensor [N, ...shape]. */
function valueInfo(name: string, shape: number[]): Uint8Array {
  return new ProtoWriter()
    .bytes(1, name)
    .message(2, (type) =>
      type.message(1, (tensor) =>
        tensor.int(1, FLOAT).message(2, (dims) => {
          dims.message(1, (d) => d.bytes(2, 'N'));
          for (const n of shape) dims.message(1, (d) => d.int(1, n));
        }),
      ),
    )
    .finish();
}
/**
 * Encodes a model as ONNX bytes (a ModelProto). `metadata` goes into the
 * model's metadata_props (class names, how it was trained).
 * @example
 * await writeFile('model.onnx', encodeOnnx(model));
 * // Python: onnxruntime.InferenceSession('model.onnx').run(None, {'input': pixels})[0]
 */
export function encodeOnnx(model: Model, options: { metadata?: Record<string, string>; producerVersion?: string } = {}): Uint8Array {
  const spec = validateSpec(model.spec);
  const infos = layerShapes(spec);
  const size = infos.reduce((n, l) => n + l.params, 0);
  if (model.params.length !== size) throw new RangeError(`the model has ${model.params.length} parameters, its spec needs ${size}`);
  const g = new Graph();
  const last = infos[infos.length - 1];
  const outputName = last.spec.kind === 'softmax' ? 'probabilities' : 'output';
  let x = g.node('Mul', ['input', g.scalar('input_scale', spec.input.scale)], [], 'scaled_input');
  for (const l of infos) x = emitLayer(g, x, l, model.params);
  g.node('Identity', [x], [], outputName);
  const graph = new ProtoWriter();
  for (const n of g.nodes) graph.bytes(1, n);
  graph.bytes(2, 'dnn');
  for (const t of g.initializers) graph.bytes(5, t);
  graph.bytes(11, valueInfo('input', spec.input.shape)).bytes(12, valueInfo(outputName, last.outShape));
  const m = new ProtoWriter()
    .int(1, IR_VERSION)
    .bytes(2, 'dnn')
    .bytes(3, options.producerVersion ?? '')
    .bytes(7, graph.finish())
    .message(8, (o) => o.bytes(1, '').int(2, ONNX_OPSET));
  for (const [key, value] of Object.entries({ 'dnn.spec': JSON.stringify(spec), ...options.metadata })) {
    m.message(14, (e) => e.bytes(1, key).bytes(2, value));
  }
  return m.finish();
}
