/**
 * Turns a picture of a handwritten digit into an MNIST-style 28x28 image,
 * the way MNIST was made: the digit's bounding box is scaled (keeping its
 * aspect ratio, with area averaging) to fit a 20x20 box, then placed in
 * the 28x28 field so its centre of mass sits at the centre. Dark-on-light
 * and light-on-dark pictures both work: the background is read from the
 * border and the ink is made light on black, as in MNIST.
 * @module
 */

/** A grayscale picture, one value per pixel in [0, 1] (0 black, 1 white), row-major. */
export interface GrayImage {
  width: number;
  height: number;
  data: Float32Array;
}

/** Grayscale from RGBA bytes, composited on white (a transparent canvas is paper). */
export function grayFromRgba(width: number, height: number, rgba: Uint8Array | Uint8ClampedArray, channels = 4): GrayImage {
  const data = new Float32Array(width * height);
  for (let i = 0; i < width * height; i++) {
    const o = i * channels;
    if (channels < 3) {
      const alpha = channels === 2 ? rgba[o + 1] / 255 : 1;
      data[i] = (rgba[o] / 255) * alpha + (1 - alpha);
      continue;
    }
    const lum = (0.299 * rgba[o] + 0.587 * rgba[o + 1] + 0.114 * rgba[o + 2]) / 255;
    const alpha = channels === 4 ? rgba[o + 3] / 255 : 1;
    data[i] = lum * alpha + (1 - alpha);
  }
  return { width, height, data };
}

/** The ink of each pixel in [0, 1]: darkness on a light background, brightness on a dark one. */
export function inkOf(img: GrayImage): Float32Array {
  const border: number[] = [];
  for (let x = 0; x < img.width; x++) border.push(img.data[x], img.data[(img.height - 1) * img.width + x]);
  for (let y = 0; y < img.height; y++) border.push(img.data[y * img.width], img.data[y * img.width + img.width - 1]);
  border.sort((a, b) => a - b);
  const background = border[Math.floor(border.length / 2)];
  const lightPaper = background >= 0.5;
  const ink = new Float32Array(img.data.length);
  for (let i = 0; i < ink.length; i++) {
    const v = lightPaper ? background - img.data[i] : img.data[i] - background;
    ink[i] = Math.max(0, Math.min(1, v / Math.max(lightPaper ? background : 1 - background, 1e-6)));
  }
  return ink;
}

/** Thrown when a picture has no visible digit. */
export class EmptyImageError extends Error {
  constructor() {
    super('no digit found: the image is blank');
    this.name = 'EmptyImageError';
  }
}

/**
 * The MNIST-style 28x28 bytes (0 background, 255 full ink) of a digit picture.
 * @example const input = mnistFromImage(grayFromRgba(w, h, pixels)); predict(model, input)
 */
export function mnistFromImage(img: GrayImage, box = 20, field = 28): Uint8Array {
  const ink = inkOf(img);
  let max = 0;
  for (const v of ink) max = Math.max(max, v);
  if (max < 0.05) throw new EmptyImageError();
  // Bounding box of the pixels with real ink (a tenth of the strongest).
  const t = 0.1 * max;
  let x0 = img.width, y0 = img.height, x1 = -1, y1 = -1;
  for (let y = 0; y < img.height; y++) {
    for (let x = 0; x < img.width; x++) {
      if (ink[y * img.width + x] > t) {
        x0 = Math.min(x0, x);
        x1 = Math.max(x1, x);
        y0 = Math.min(y0, y);
        y1 = Math.max(y1, y);
      }
    }
  }
  const bw = x1 - x0 + 1;
  const bh = y1 - y0 + 1;
  const scale = box / Math.max(bw, bh);
  const tw = Math.max(1, Math.round(bw * scale));
  const th = Math.max(1, Math.round(bh * scale));
  const small = resampleArea(ink, img.width, x0, y0, bw, bh, tw, th);
  // Centre of mass of the scaled digit (in pixel indices, as MNIST's own
  // digits average (14, 14)), placed at the field's centre.
  let mass = 0, cx = 0, cy = 0;
  for (let y = 0; y < th; y++) {
    for (let x = 0; x < tw; x++) {
      const v = small[y * tw + x];
      mass += v;
      cx += v * x;
      cy += v * y;
    }
  }
  const ox = Math.round(field / 2 - cx / mass);
  const oy = Math.round(field / 2 - cy / mass);
  const out = new Uint8Array(field * field);
  for (let y = 0; y < th; y++) {
    for (let x = 0; x < tw; x++) {
      const fx = x + ox;
      const fy = y + oy;
      if (fx >= 0 && fx < field && fy >= 0 && fy < field) out[fy * field + fx] = Math.round(255 * Math.min(1, small[y * tw + x] / max));
    }
  }
  return out;
}

/**
 * Area-averaging resample of the region (x0, y0, w, h) of `src` (row length
 * `stride`) to tw x th: each target pixel is the mean of the source area it
 * covers, with partial pixels weighted by their overlap.
 */
export function resampleArea(src: Float32Array, stride: number, x0: number, y0: number, w: number, h: number, tw: number, th: number): Float32Array {
  const out = new Float32Array(tw * th);
  const sx = w / tw;
  const sy = h / th;
  for (let ty = 0; ty < th; ty++) {
    const ya = ty * sy;
    const yb = ya + sy;
    for (let tx = 0; tx < tw; tx++) {
      const xa = tx * sx;
      const xb = xa + sx;
      let sum = 0;
      for (let y = Math.floor(ya); y < Math.min(Math.ceil(yb), h); y++) {
        const wy = Math.min(yb, y + 1) - Math.max(ya, y);
        for (let x = Math.floor(xa); x < Math.min(Math.ceil(xb), w); x++) {
          const wx = Math.min(xb, x + 1) - Math.max(xa, x);
          sum += wx * wy * src[(y0 + y) * stride + x0 + x];
        }
      }
      out[ty * tw + tx] = sum / (sx * sy);
    }
  }
  return out;
}
