/** A live chart on a canvas: training loss, validation loss and validation accuracy per epoch. */
export interface ChartPoint {
  epoch: number;
  trainLoss: number;
  validationLoss: number;
  validationAccuracy: number;
}

const COLOURS = { train: '#1f77b4', validation: '#ff7f0e', accuracy: '#2ca02c' };

export function drawChart(canvas: HTMLCanvasElement, points: ChartPoint[], epochs: number): void {
  const g = canvas.getContext('2d')!;
  const { width: W, height: H } = canvas;
  const m = { l: 44, r: 44, t: 12, b: 30 };
  g.clearRect(0, 0, W, H);
  g.font = '11px sans-serif';
  const pw = W - m.l - m.r;
  const ph = H - m.t - m.b;
  const maxLoss = Math.max(0.1, ...points.flatMap((p) => [p.trainLoss, p.validationLoss]).filter(Number.isFinite)) * 1.05;
  const x = (e: number) => m.l + (epochs <= 1 ? pw / 2 : (pw * (e - 1)) / (epochs - 1));
  const yL = (v: number) => m.t + ph - (v / maxLoss) * ph;
  const yA = (v: number) => m.t + ph - v * ph;
  g.strokeStyle = '#ccc';
  g.strokeRect(m.l, m.t, pw, ph);
  g.fillStyle = '#333';
  for (let i = 0; i <= 4; i++) {
    g.fillText((maxLoss * (1 - i / 4)).toFixed(2), 4, m.t + (ph * i) / 4 + 4);
    g.fillText(`${100 - i * 25}%`, W - m.r + 6, m.t + (ph * i) / 4 + 4);
  }
  g.fillText('epoch', m.l + pw / 2 - 14, H - 6);
  const line = (key: keyof ChartPoint, y: (v: number) => number, colour: string) => {
    g.strokeStyle = colour;
    g.fillStyle = colour;
    g.lineWidth = 2;
    g.beginPath();
    points.forEach((p, i) => {
      const v = p[key];
      if (!Number.isFinite(v)) return;
      const px = x(p.epoch);
      if (i === 0) g.moveTo(px, y(v));
      else g.lineTo(px, y(v));
    });
    g.stroke();
    for (const p of points) if (Number.isFinite(p[key])) g.fillRect(x(p.epoch) - 2, y(p[key]) - 2, 4, 4);
  };
  line('trainLoss', yL, COLOURS.train);
  line('validationLoss', yL, COLOURS.validation);
  line('validationAccuracy', yA, COLOURS.accuracy);
  [['training loss', COLOURS.train], ['validation loss', COLOURS.validation], ['validation accuracy', COLOURS.accuracy]].forEach(([label, c], i) => {
    g.fillStyle = c;
    g.fillRect(m.l + 8 + i * 130, m.t + 6, 12, 3);
    g.fillStyle = '#333';
    g.fillText(label, m.l + 24 + i * 130, m.t + 10);
  });
}
