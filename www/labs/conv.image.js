//! The convolution lab's input photo: a shipped sample or the user's own file, decoded by the
//! browser, scaled to fit MAX_SIDE (Pillow's resampling, in wasm), and kept as the wasm tensors
//! the lab runs on ([1, 3, H, W] colour, [1, 1, H, W] gray) plus a copy of its RGBA bytes.
import { codedError } from '../app/errors.js';
import { SAMPLES } from './conv.state.js';
import { S } from './conv.session.js';
import { rgbaImage, imageBytes, imageToTensor } from './conv.wasm.js';

const MAX_SIDE = 512; // own images are scaled to fit 512x512 (the lab's timing target)

/**
 * The current image: w, h; rgba (RgbaImage handle), bytes (its RGBA8 copy), tensor and gray
 * (Tensor handles); name (file name), serial (bumped on every new image), scaled ({from} or null).
 */
export const IMG = { w: 0, h: 0, rgba: null, bytes: null, tensor: null, gray: null, name: '' };

/** Decode an image Blob, scale it to fit MAX_SIDE, and make the wasm tensors of it. */
export async function setImage(blob, name) {
  let bitmap;
  try {
    bitmap = await createImageBitmap(blob);
  } catch {
    throw codedError('conv_not_image', { name });
  }
  const { width, height } = bitmap;
  if (!width || !height) throw codedError('conv_not_image', { name });
  const c = document.createElement('canvas');
  c.width = width;
  c.height = height;
  const ctx = c.getContext('2d', { willReadFrequently: true });
  ctx.drawImage(bitmap, 0, 0);
  bitmap.close?.();
  const data = ctx.getImageData(0, 0, width, height).data;
  let img = rgbaImage(data, width, height);
  const scale = Math.min(1, MAX_SIDE / Math.max(width, height));
  if (scale < 1) {
    const w = Math.max(1, Math.round(width * scale));
    const h = Math.max(1, Math.round(height * scale));
    const small = img.resize(w, h, 'pillow');
    img.free();
    img = small;
  }
  for (const k of ['rgba', 'tensor', 'gray']) IMG[k]?.free();
  IMG.rgba = img;
  IMG.w = img.width;
  IMG.h = img.height;
  IMG.bytes = imageBytes(img).slice();
  IMG.tensor = imageToTensor(img, false);
  IMG.gray = imageToTensor(img, true);
  IMG.name = name;
  IMG.serial = (IMG.serial || 0) + 1;
  IMG.scaled = scale < 1 ? { from: `${width}×${height}` } : null;
}

/** Fetch and set the shipped sample `name` (a key of SAMPLES); S.image follows on success. */
export async function loadSample(name = 'astronaut') {
  const file = SAMPLES[name] ?? SAMPLES.astronaut;
  const url = new URL(`../samples/${file}`, import.meta.url);
  const res = await fetch(url);
  if (!res.ok) throw codedError('conv_sample_missing', { name: file, status: res.status });
  await setImage(await res.blob(), file);
  S.image = name;
}

/** The SAMPLES key of the current image, or undefined for an own file. */
export const sampleKey = () => Object.keys(SAMPLES).find((k) => SAMPLES[k] === IMG.name);
