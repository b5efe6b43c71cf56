// The page's script: a model file and a picture in, the class and the
// probabilities out. The picture is prepared the way MNIST was made (as
// dnn-cli predict does), then the model runs on the CPU in the page.
import { classesFromMetadata, decodeModel, formatArch, numberedClasses, outputSize, predict } from '@dnn/nn';
import { grayFromRgba, mnistFromImage } from '@dnn/data-mnist/core';

const $ = (id) => document.getElementById(id);
let loaded = null;
let input = null;

/** 784 bytes from any picture the browser can decode. */
async function mnistPixels(file) {
  const bitmap = await createImageBitmap(file);
  const canvas = new OffscreenCanvas(bitmap.width, bitmap.height);
  const context = canvas.getContext('2d');
  context.drawImage(bitmap, 0, 0);
  const { data } = context.getImageData(0, 0, bitmap.width, bitmap.height);
  return mnistFromImage(grayFromRgba(bitmap.width, bitmap.height, data));
}

function show() {
  if (!loaded || !input) return;
  const { model, metadata } = loaded;
  const names = classesFromMetadata(metadata, outputSize(model.spec)) ?? numberedClasses(outputSize(model.spec));
  const probs = [...predict(model, input, 1)];
  const best = probs.indexOf(Math.max(...probs));
  $('prediction').textContent = names[best];
  $('probabilities').textContent = probs.map((p, i) => `${names[i]}: ${(p * 100).toFixed(1)}%`).join('  ');
  document.body.dataset.state = 'done';
}

function fail(file, error) {
  $('status').textContent = `${file.name}: ${error.message}`;
  document.body.dataset.state = 'error';
}

$('model').addEventListener('change', async (e) => {
  const file = e.target.files[0];
  try {
    loaded = decodeModel(new Uint8Array(await file.arrayBuffer()));
    // A PyTorch file has no dnn metadata: say what was inferred.
    $('status').textContent = `${file.name}: ${loaded.inferred ?? formatArch(loaded.model.spec)}`;
    show();
  } catch (error) {
    fail(file, error);
  }
});

$('image').addEventListener('change', async (e) => {
  const file = e.target.files[0];
  try {
    input = await mnistPixels(file);
    show();
  } catch (error) {
    fail(file, error);
  }
});
