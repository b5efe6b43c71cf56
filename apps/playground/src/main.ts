/**
 * The playground page: loads MNIST (served beside the app, or the user's own
 * IDX files), picks the best backend the page can use and says why, trains
 * in a worker with a live chart, shows the test results, and predicts digits
 * drawn on a canvas with the same preprocessing as `dnn-cli predict`.
 */
import { datasetFromIdx, grayFromRgba, maybeGunzip, mnistFromImage, EmptyImageError, MNIST_FILES } from '@dnn/data-mnist/core';
import { decodeModel, defaultCnnSpec, encodeModel, formatArch, hiddenActivations, layerSizes, mlpView, predict, validateSpec, type Dataset, type Model } from '@dnn/nn';
import { drawChart, type ChartPoint } from './chart.ts';
import type { FromTrainer, TrainRequest } from './protocol.ts';

const $ = <T extends HTMLElement>(id: string) => document.getElementById(id) as T;
const params = new URLSearchParams(location.search);
let train: Dataset | null = null;
let test: Dataset | null = null;
let model: Model | null = null;
const points: ChartPoint[] = [];

for (const a of hiddenActivations()) $<HTMLSelectElement>('activation').add(new Option(a, a, a === 'relu', a === 'relu'));
for (const id of ['network', 'hidden', 'lr', 'batch', 'epochs', 'limit', 'optimizer', 'activation']) {
  const v = params.get(id);
  if (v !== null) $<HTMLInputElement>(id).value = v;
}

// The CNN is the default one; the MLP's fields apply to the MLP only.
const network = $<HTMLSelectElement>('network');
const mlpFields = () => {
  for (const id of ['hidden', 'activation']) $<HTMLInputElement>(id).disabled = network.value === 'cnn';
};
network.addEventListener('change', mlpFields);
mlpFields();

/** Which backends this page can use, best first, with the reason for each. */
async function backends(): Promise<{ name: TrainRequest['backend']; why: string }[]> {
  const list: { name: TrainRequest['backend']; why: string }[] = [];
  const gpu = (navigator as Navigator & { gpu?: GPU }).gpu;
  const adapter = gpu ? await gpu.requestAdapter().catch(() => null) : null;
  if (adapter) list.push({ name: 'webgpu', why: 'navigator.gpu gave an adapter' });
  if (crossOriginIsolated) list.push({ name: 'workers', why: `the page is cross-origin isolated: ${navigator.hardwareConcurrency} threads share memory` });
  list.push({ name: 'cpu', why: 'one thread, WebAssembly SIMD' });
  return list;
}

const available = await backends();
const select = $<HTMLSelectElement>('backend');
for (const b of available) select.add(new Option(b.name, b.name));
const wanted = params.get('backend');
if (wanted && available.some((b) => b.name === wanted)) select.value = wanted;
const note = () => {
  const b = available.find((x) => x.name === select.value)!;
  const missing = [!available.some((x) => x.name === 'webgpu') && 'no WebGPU adapter', !crossOriginIsolated && 'not cross-origin isolated'].filter(Boolean);
  $('backend-note').textContent = `backend: ${b.name} (${b.why})${missing.length ? `; unavailable: ${missing.join(', ')}` : ''}`;
};
select.addEventListener('change', note);
note();

async function fetchIdx(name: string): Promise<Uint8Array> {
  const r = await fetch(`data/${name}`);
  if (!r.ok) throw new Error(`data/${name}: HTTP ${r.status}`);
  return maybeGunzip(new Uint8Array(await r.arrayBuffer()), name);
}

async function loadServed(): Promise<void> {
  const [a, b, c, d] = await Promise.all([MNIST_FILES.trainImages, MNIST_FILES.trainLabels, MNIST_FILES.testImages, MNIST_FILES.testLabels].map(fetchIdx));
  train = datasetFromIdx(a, b, MNIST_FILES.trainImages, MNIST_FILES.trainLabels);
  test = datasetFromIdx(c, d, MNIST_FILES.testImages, MNIST_FILES.testLabels);
  dataReady('served with the app');
}

function dataReady(where: string): void {
  $('data-status').textContent = `${train!.count} training and ${test!.count} test images, ${where}`;
  $<HTMLButtonElement>('train').disabled = false;
}

$<HTMLInputElement>('files').addEventListener('change', async (e) => {
  const files = [...((e.target as HTMLInputElement).files ?? [])];
  const find = (key: string) => files.find((f) => f.name.replace('.', '-').startsWith(key.split('-idx')[0]) && f.name.includes(key.slice(-10, -6)));
  try {
    const read = async (key: string) => {
      const f = files.find((x) => x.name.startsWith(key) || x.name.startsWith(key.replace(/-(idx\d)/, '.$1'))) ?? find(key);
      if (!f) throw new Error(`missing ${key}`);
      return maybeGunzip(new Uint8Array(await f.arrayBuffer()), f.name);
    };
    const [a, b, c, d] = await Promise.all([MNIST_FILES.trainImages, MNIST_FILES.trainLabels, MNIST_FILES.testImages, MNIST_FILES.testLabels].map(read));
    train = datasetFromIdx(a, b, 'train images', 'train labels');
    test = datasetFromIdx(c, d, 'test images', 'test labels');
    dataReady('from your files');
  } catch (err) {
    $('data-status').textContent = `could not read the files: ${(err as Error).message}`;
  }
});

$('train').addEventListener('click', () => {
  if (!train || !test) return;
  const num = (id: string) => Number($<HTMLInputElement>(id).value);
  const hidden = $<HTMLInputElement>('hidden').value.split(',').filter((s) => s.trim()).map(Number);
  const act = $<HTMLSelectElement>('activation').value;
  let spec;
  try {
    spec =
      network.value === 'cnn'
        ? defaultCnnSpec()
        : validateSpec({ inputSize: 784, hidden, activations: hidden.map(() => act), outputSize: 10, output: 'softmax', loss: 'cross-entropy', inputScale: 1 / 255 });
  } catch (err) {
    $('status').textContent = (err as Error).message;
    return;
  }
  const limit = Math.min(num('limit'), train.count);
  const request: TrainRequest = {
    type: 'train',
    spec,
    backend: select.value as TrainRequest['backend'],
    optimizer: $<HTMLSelectElement>('optimizer').value as TrainRequest['optimizer'],
    lr: num('lr'),
    batchSize: num('batch'),
    epochs: num('epochs'),
    validation: Math.min(10000, Math.floor(limit / 6)),
    train: { x: train.x.slice(0, limit * 784) as Uint8Array, labels: train.labels.slice(0, limit), count: limit },
    test: { x: test.x.slice() as Uint8Array, labels: test.labels.slice(), count: test.count },
  };
  points.length = 0;
  $('epochs-log').textContent = '';
  $<HTMLButtonElement>('train').disabled = true;
  $('status').textContent = 'training…';
  const worker = new Worker(new URL('./train-worker.js', import.meta.url), { type: 'module' });
  let epochStart = performance.now();
  worker.addEventListener('message', (e: MessageEvent<FromTrainer>) => {
    const m = e.data;
    if (m.type === 'event') {
      const ev = m.event;
      if (ev.type === 'start') $('status').textContent = `training on ${m.backend}…`;
      if (ev.type === 'progress') {
        $('bar').style.width = `${((ev.epoch - 1 + ev.rows / ev.total) / request.epochs) * 100}%`;
        $('status').textContent = `epoch ${ev.epoch}/${request.epochs}: ${ev.rows}/${ev.total} images, loss ${ev.trainLoss.toFixed(4)}`;
      }
      if (ev.type === 'epoch') {
        points.push(ev);
        drawChart($('chart') as HTMLCanvasElement, points, request.epochs);
        const s = (performance.now() - epochStart) / 1000;
        epochStart = performance.now();
        $('epochs-log').insertAdjacentHTML('beforeend', `<div>epoch ${ev.epoch}: validation accuracy ${(ev.validationAccuracy * 100).toFixed(2)}%, ${s.toFixed(1)} s</div>`);
      }
    } else if (m.type === 'done') {
      worker.terminate();
      model = { spec: spec!, params: m.params };
      showResults(m);
      $<HTMLButtonElement>('train').disabled = false;
      $<HTMLButtonElement>('save').disabled = false;
      $('status').textContent = `done in ${m.seconds.toFixed(1)} s`;
      document.body.dataset.state = 'done';
      updatePrediction();
    } else {
      worker.terminate();
      $('status').textContent = `error: ${m.message}`;
      document.body.dataset.state = 'error';
      $<HTMLButtonElement>('train').disabled = false;
    }
  });
  worker.postMessage(request, [request.train.x.buffer, request.train.labels.buffer, request.test.x.buffer, request.test.labels.buffer]);
});

function showResults(m: Extract<FromTrainer, { type: 'done' }>): void {
  $('accuracy').innerHTML = `Test accuracy <b id="test-accuracy">${(m.metrics.accuracy * 100).toFixed(2)}%</b> (loss ${m.metrics.loss.toFixed(4)})`;
  const rows = m.metrics.confusionMatrix.map((row, t) => `<tr><th>${t}</th>${row.map((v, p) => `<td class="${p === t ? 'hit' : ''}">${v}</td>`).join('')}</tr>`);
  $('confusion').innerHTML = `<tr><th>true \\ predicted</th>${[...Array(10).keys()].map((d) => `<th>${d}</th>`).join('')}</tr>${rows.join('')}`;
  const box = $('mistakes');
  box.textContent = '';
  for (const mk of m.mistakes.slice(0, 32)) {
    const fig = document.createElement('figure');
    const c = document.createElement('canvas');
    c.width = c.height = 28;
    const img = new ImageData(28, 28);
    for (let i = 0; i < 784; i++) {
      const v = 255 - test!.x[mk.index * 784 + i];
      img.data.set([v, v, v, 255], i * 4);
    }
    c.getContext('2d')!.putImageData(img, 0, 0);
    fig.append(c, Object.assign(document.createElement('figcaption'), { textContent: `${mk.label}→${mk.predicted}` }));
    box.append(fig);
  }
}

// Drawing: thick round strokes on a white pad; every stroke updates the prediction.
const pad = $('pad') as HTMLCanvasElement;
const pen = pad.getContext('2d', { willReadFrequently: true })!;
const clearPad = () => {
  pen.fillStyle = '#fff';
  pen.fillRect(0, 0, pad.width, pad.height);
};
clearPad();
let drawing = false;
let last: [number, number] | null = null;
pad.addEventListener('pointerdown', (e) => {
  drawing = true;
  last = [e.offsetX, e.offsetY];
});
pad.addEventListener('pointermove', (e) => {
  if (!drawing || !last) return;
  pen.strokeStyle = '#000';
  pen.lineWidth = 18;
  pen.lineCap = 'round';
  pen.beginPath();
  pen.moveTo(...last);
  pen.lineTo(e.offsetX, e.offsetY);
  pen.stroke();
  last = [e.offsetX, e.offsetY];
  updatePrediction();
});
addEventListener('pointerup', () => {
  drawing = false;
  last = null;
});
$('clear').addEventListener('click', () => {
  clearPad();
  updatePrediction();
});

function updatePrediction(): void {
  if (!model) return;
  const img = pen.getImageData(0, 0, pad.width, pad.height);
  let input: Uint8Array;
  try {
    input = mnistFromImage(grayFromRgba(img.width, img.height, img.data));
  } catch (e) {
    if (e instanceof EmptyImageError) {
      $('prediction').textContent = '–';
      $('probs').textContent = '';
      return;
    }
    throw e;
  }
  const probs = [...predict(model, input, 1)];
  const digit = probs.indexOf(Math.max(...probs));
  $('prediction').textContent = String(digit);
  $('probs').innerHTML = probs.map((p, i) => `<div>${i} <span class="b" style="width:${(p * 150).toFixed(0)}px"></span> ${(p * 100).toFixed(1)}%</div>`).join('');
}

$('save').addEventListener('click', () => {
  if (!model) return;
  const blob = new Blob([encodeModel(model, { 'dnn.source': 'playground' }) as Uint8Array<ArrayBuffer>], { type: 'application/octet-stream' });
  const a = Object.assign(document.createElement('a'), { href: URL.createObjectURL(blob), download: 'model.safetensors' });
  a.click();
  URL.revokeObjectURL(a.href);
});
$<HTMLInputElement>('load').addEventListener('change', async (e) => {
  const f = (e.target as HTMLInputElement).files?.[0];
  if (!f) return;
  try {
    // A PyTorch state_dict without dnn metadata loads too: a Linear stack is
    // inferred, other layers are read as the network picked above (the default
    // CNN); `inferred` says what was assumed.
    const bytes = new Uint8Array(await f.arrayBuffer());
    let decoded;
    try {
      decoded = decodeModel(bytes);
    } catch (err) {
      if (network.value !== 'cnn' || !/no dnn metadata/.test((err as Error).message)) throw err;
      decoded = decodeModel(bytes, { arch: 'cnn' });
    }
    model = decoded.model;
    $('status').textContent = `loaded ${f.name}: ${mlpView(model.spec) ? layerSizes(model.spec).join('-') : formatArch(model.spec)}${decoded.inferred ? ` (${decoded.inferred})` : ''}`;
    $<HTMLButtonElement>('save').disabled = false;
    updatePrediction();
  } catch (err) {
    $('status').textContent = `${f.name}: ${(err as Error).message}`;
  }
});

await loadServed().catch((err) => ($('data-status').textContent = `no MNIST served here (${(err as Error).message}); pick the four IDX files`));
if (params.get('autostart') === '1') $('train').click();
