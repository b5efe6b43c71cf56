/**
 * The text reports of `train`: one line per epoch and the final report
 * (the seed's, done right).
 */
import type { EpochEvent, Metrics, ModelSpec } from '@dnn/nn';
import { formatArch, layerShapes, layerSizes, mlpView } from '@dnn/nn';
import { fixed, pct, sci, table, thousands } from './format.ts';

export function epochLine(e: EpochEvent, epochs: number): string {
  const w = String(epochs).length;
  return (
    `epoch ${String(e.epoch).padStart(w)}/${epochs}  train loss ${fixed(e.trainLoss)}  ` +
    `val loss ${fixed(e.validationLoss)}  val acc ${pct(e.validationAccuracy)}  lr ${sci(e.learningRate)}  ${e.seconds.toFixed(1)}s`
  );
}

/** One row per layer (the input first): its kind, output shape, weight shape and parameter count. */
export function architectureReport(spec: ModelSpec): string {
  const rows: (string | number)[][] = [['layer', 'kind', 'output', 'weight', 'bias', 'parameters']];
  rows.push(['input', '', `[${spec.input.shape.join(', ')}]`, '', '', '']);
  let total = 0;
  for (const l of layerShapes(spec)) {
    total += l.params;
    const shape = (s?: { shape: number[] }) => (s ? `[${s.shape.join(', ')}]` : '');
    rows.push([l.index, formatArch({ ...spec, layers: [l.spec] }), `[${l.outShape.join(', ')}]`, shape(l.weight), shape(l.bias), l.params ? thousands(l.params) : '']);
  }
  rows.push(['total', '', '', '', '', thousands(total)]);
  const mlp = mlpView(spec);
  const name = mlp ? layerSizes(spec).join('-') : formatArch(spec);
  return `Architecture: ${name}, loss ${spec.loss}\n${table(rows)}`;
}

/** Accuracy, per-class accuracy and the confusion matrix; `classes` names the classes (default: the digits). */
export function metricsReport(m: Metrics, what: string, classes?: readonly string[] | null): string {
  const names = classes ?? m.perClassAccuracy.map((_, i) => i);
  const kind = classes ? 'class' : 'digit';
  const correct = Math.round(m.accuracy * m.count);
  const lines = [
    `${what} accuracy ${pct(m.accuracy)} (${thousands(correct)}/${thousands(m.count)}), loss ${fixed(m.loss)}`,
    '',
    `Accuracy per ${kind}:`,
    table([[kind, ...names], ['accuracy', ...m.perClassAccuracy.map((a) => pct(a, 1))]]),
    '',
    `Confusion matrix (rows: true ${kind}, columns: predicted):`,
    table([['', ...names], ...m.confusionMatrix.map((row, i) => [names[i], ...row])]),
  ];
  return lines.join('\n');
}

/** Best and final losses and accuracy over the epochs. */
export function historyReport(history: EpochEvent[]): string {
  if (history.length === 0) return 'No epoch completed.';
  const last = history[history.length - 1];
  const best = (key: 'trainLoss' | 'validationLoss', better: (a: number, b: number) => boolean) =>
    history.reduce((b, e) => (better(e[key], b[key]) ? e : b), history[0]);
  const bt = best('trainLoss', (a, b) => a < b);
  const bv = best('validationLoss', (a, b) => a < b);
  const ba = history.reduce((b, e) => (e.validationAccuracy > b.validationAccuracy ? e : b), history[0]);
  return [
    `Training loss:       best ${fixed(bt.trainLoss)} (epoch ${bt.epoch}), final ${fixed(last.trainLoss)}`,
    `Validation loss:     best ${fixed(bv.validationLoss)} (epoch ${bv.epoch}), final ${fixed(last.validationLoss)}`,
    `Validation accuracy: best ${pct(ba.validationAccuracy)} (epoch ${ba.epoch}), final ${pct(last.validationAccuracy)}`,
  ].join('\n');
}

const BARS = '▁▂▃▄▅▆▇█';

/** A row of block characters, one per value, scaled between the row's min and max. */
export function sparkline(values: number[]): string {
  const finite = values.filter(Number.isFinite);
  const lo = Math.min(...finite);
  const hi = Math.max(...finite);
  return values.map((v) => (Number.isFinite(v) ? BARS[hi === lo ? 3 : Math.round(((v - lo) / (hi - lo)) * 7)] : ' ')).join('');
}

/** The compact end-of-training chart for a terminal: one sparkline per curve. */
export function terminalChart(history: EpochEvent[]): string {
  const row = (label: string, values: number[], f: (x: number) => string) =>
    `  ${label.padEnd(20)} ${f(values[0]).padStart(8)} ${sparkline(values)} ${f(values[values.length - 1])}`;
  return [
    'Training profile (per epoch):',
    row('training loss', history.map((h) => h.trainLoss), (x) => fixed(x)),
    row('validation loss', history.map((h) => h.validationLoss), (x) => fixed(x)),
    row('validation accuracy', history.map((h) => h.validationAccuracy), (x) => pct(x)),
  ].join('\n');
}
