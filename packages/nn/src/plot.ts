/**
 * The training profile as a standalone SVG: training and validation loss
 * on the left axis, validation accuracy on the right, one point per epoch,
 * with ticks, labels and a legend. A string, so it works anywhere.
 * @module
 */

export interface ProfilePoint {
  epoch: number;
  trainLoss: number;
  validationLoss: number;
  validationAccuracy: number;
}

export interface ProfileOptions {
  title?: string;
  width?: number;
  height?: number;
}

const COLOURS = { train: '#1f77b4', validation: '#ff7f0e', accuracy: '#2ca02c' };

/** "Nice" tick values covering [lo, hi], about `count` of them. */
export function niceTicks(lo: number, hi: number, count = 5): number[] {
  if (!(hi > lo)) hi = lo + 1;
  const raw = (hi - lo) / count;
  const mag = 10 ** Math.floor(Math.log10(raw));
  const step = [1, 2, 2.5, 5, 10].map((f) => f * mag).find((s) => s >= raw) ?? 10 * mag;
  // From the last step at or below lo to the first at or above hi, so every value is inside.
  const first = Math.floor(lo / step + 1e-9);
  const last = Math.ceil(hi / step - 1e-9);
  const ticks: number[] = [];
  for (let i = first; i <= last; i++) ticks.push(Number((i * step).toPrecision(12)));
  return ticks;
}

const esc = (s: string) => s.replace(/&/g, '&amp;').replace(/</g, '&lt;').replace(/>/g, '&gt;');
const fmt = (v: number) => (Math.abs(v) >= 1 || v === 0 ? String(Number(v.toPrecision(4))) : String(Number(v.toPrecision(3))));

/**
 * Renders the profile.
 * @example trainingProfileSvg(result.history, { title: 'MNIST 784-400-200-10' })
 */
export function trainingProfileSvg(points: ProfilePoint[], options: ProfileOptions = {}): string {
  const W = options.width ?? 720;
  const H = options.height ?? 420;
  const m = { left: 64, right: 64, top: 44, bottom: 72 };
  const pw = W - m.left - m.right;
  const ph = H - m.top - m.bottom;
  const epochs = points.map((p) => p.epoch);
  const losses = points.flatMap((p) => [p.trainLoss, p.validationLoss]).filter(Number.isFinite);
  const accs = points.map((p) => p.validationAccuracy * 100).filter(Number.isFinite);
  const xTicks = niceTicks(Math.min(...epochs, 1), Math.max(...epochs, 1), Math.min(10, Math.max(1, epochs.length)));
  const xLo = Math.min(xTicks[0], ...epochs);
  const xHi = Math.max(xTicks[xTicks.length - 1], ...epochs);
  const lTicks = niceTicks(0, Math.max(...losses, 1e-3));
  const aTicks = niceTicks(accs.length ? Math.max(0, Math.floor(Math.min(...accs) - 1)) : 0, 100);
  const x = (e: number) => m.left + (xHi === xLo ? pw / 2 : ((e - xLo) / (xHi - xLo)) * pw);
  const yL = (v: number) => m.top + ph - (v / lTicks[lTicks.length - 1]) * ph;
  const aLo = aTicks[0];
  const aHi = aTicks[aTicks.length - 1];
  const yA = (v: number) => m.top + ph - ((v - aLo) / (aHi - aLo)) * ph;

  const line = (key: 'trainLoss' | 'validationLoss' | 'validationAccuracy', y: (v: number) => number, colour: string, dash = '') => {
    const pts = points
      .map((p) => [p.epoch, key === 'validationAccuracy' ? p[key] * 100 : p[key]] as const)
      .filter(([, v]) => Number.isFinite(v))
      .map(([e, v]) => `${x(e).toFixed(1)},${y(v).toFixed(1)}`);
    if (pts.length === 0) return '';
    const dots = pts.map((p) => `<circle cx="${p.split(',')[0]}" cy="${p.split(',')[1]}" r="3" fill="${colour}"/>`).join('');
    return `<polyline fill="none" stroke="${colour}" stroke-width="2"${dash ? ` stroke-dasharray="${dash}"` : ''} points="${pts.join(' ')}"/>${dots}`;
  };

  const parts: string[] = [];
  parts.push(`<svg xmlns="http://www.w3.org/2000/svg" width="${W}" height="${H}" viewBox="0 0 ${W} ${H}" font-family="sans-serif" font-size="12">`);
  parts.push(`<rect width="${W}" height="${H}" fill="white"/>`);
  parts.push(`<text x="${W / 2}" y="24" text-anchor="middle" font-size="16">${esc(options.title ?? 'Training profile')}</text>`);
  // Grid and left (loss) ticks.
  for (const t of lTicks) {
    parts.push(`<line x1="${m.left}" x2="${m.left + pw}" y1="${yL(t)}" y2="${yL(t)}" stroke="#e5e5e5"/>`);
    parts.push(`<text x="${m.left - 8}" y="${yL(t) + 4}" text-anchor="end">${fmt(t)}</text>`);
  }
  for (const t of aTicks) parts.push(`<text x="${m.left + pw + 8}" y="${yA(t) + 4}" fill="${COLOURS.accuracy}">${fmt(t)}%</text>`);
  for (const t of xTicks) {
    parts.push(`<line x1="${x(t)}" x2="${x(t)}" y1="${m.top + ph}" y2="${m.top + ph + 5}" stroke="#333"/>`);
    parts.push(`<text x="${x(t)}" y="${m.top + ph + 20}" text-anchor="middle">${fmt(t)}</text>`);
  }
  parts.push(`<rect x="${m.left}" y="${m.top}" width="${pw}" height="${ph}" fill="none" stroke="#333"/>`);
  parts.push(`<text x="${m.left + pw / 2}" y="${m.top + ph + 40}" text-anchor="middle">epoch</text>`);
  parts.push(`<text transform="translate(18 ${m.top + ph / 2}) rotate(-90)" text-anchor="middle">loss</text>`);
  parts.push(`<text transform="translate(${W - 14} ${m.top + ph / 2}) rotate(90)" text-anchor="middle" fill="${COLOURS.accuracy}">validation accuracy</text>`);
  parts.push(line('trainLoss', yL, COLOURS.train));
  parts.push(line('validationLoss', yL, COLOURS.validation, '6 3'));
  parts.push(line('validationAccuracy', yA, COLOURS.accuracy));
  // Legend, below the plot.
  const legend: [string, string, string][] = [
    ['training loss', COLOURS.train, ''],
    ['validation loss', COLOURS.validation, '6 3'],
    ['validation accuracy', COLOURS.accuracy, ''],
  ];
  legend.forEach(([label, colour, dash], i) => {
    const lx = m.left + i * 200;
    const ly = H - 16;
    parts.push(`<line x1="${lx}" x2="${lx + 28}" y1="${ly - 4}" y2="${ly - 4}" stroke="${colour}" stroke-width="2"${dash ? ` stroke-dasharray="${dash}"` : ''}/>`);
    parts.push(`<text x="${lx + 34}" y="${ly}">${label}</text>`);
  });
  parts.push('</svg>');
  return parts.join('\n') + '\n';
}
