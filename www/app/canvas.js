//! Canvas helpers: sharp canvases on high-DPI screens, ImageData drawn with crisp (unsmoothed)
//! pixels, and pointer positions in CSS pixels.

/**
 * Size `canvas` to cssW x cssH CSS pixels with a backing store of devicePixelRatio times that,
 * and return its 2-D context scaled so drawing code works in CSS pixels.
 */
export function fitCanvas(canvas, cssW, cssH, dpr = window.devicePixelRatio || 1) {
  canvas.style.width = `${cssW}px`;
  canvas.style.height = `${cssH}px`;
  canvas.width = Math.max(1, Math.round(cssW * dpr));
  canvas.height = Math.max(1, Math.round(cssH * dpr));
  const ctx = canvas.getContext('2d');
  ctx.setTransform(dpr, 0, 0, dpr, 0, 0);
  return ctx;
}

/** Create a canvas of cssW x cssH CSS pixels (see fitCanvas), optionally appended to `parent`. */
export function createCanvas(cssW, cssH, { parent = null, label = '' } = {}) {
  const canvas = document.createElement('canvas');
  if (label) {
    canvas.setAttribute('role', 'img');
    canvas.setAttribute('aria-label', label);
  }
  const ctx = fitCanvas(canvas, cssW, cssH);
  if (parent) parent.append(canvas);
  return { canvas, ctx };
}

/**
 * Show an RGBA image (Uint8ClampedArray or Uint8Array of w*h*4 bytes, row-major) on `canvas`
 * with one canvas pixel per image pixel; CSS scales it up with crisp, unsmoothed pixels.
 * The bytes are copied, so a view into wasm memory may be passed and dropped right after.
 */
export function drawRGBA(canvas, rgba, w, h) {
  if (rgba.length !== w * h * 4) {
    throw new Error(`image buffer has ${rgba.length} bytes; ${w}x${h} RGBA needs ${w * h * 4}`);
  }
  if (canvas.width !== w || canvas.height !== h) {
    canvas.width = w;
    canvas.height = h;
  }
  crisp(canvas);
  const ctx = canvas.getContext('2d');
  ctx.putImageData(new ImageData(new Uint8ClampedArray(rgba), w, h), 0, 0);
  return ctx;
}

/** Make `canvas` scale up without smoothing (each image pixel a sharp square). */
export function crisp(canvas) {
  canvas.style.imageRendering = 'pixelated';
  const ctx = canvas.getContext('2d');
  ctx.imageSmoothingEnabled = false;
  return ctx;
}

/** Pointer position relative to the element's top-left corner, in CSS pixels. */
export function pointerPos(el, ev) {
  const r = el.getBoundingClientRect();
  return { x: ev.clientX - r.left, y: ev.clientY - r.top };
}

/** Grayscale/float data in [lo, hi] to RGBA bytes, for heatmaps of small tensors. */
export function floatsToRGBA(values, lo, hi, colormap = gray) {
  const out = new Uint8ClampedArray(values.length * 4);
  const span = hi - lo || 1;
  for (let i = 0; i < values.length; i++) {
    const [r, g, b] = colormap(Math.min(1, Math.max(0, (values[i] - lo) / span)));
    out[i * 4] = r;
    out[i * 4 + 1] = g;
    out[i * 4 + 2] = b;
    out[i * 4 + 3] = 255;
  }
  return out;
}

export function gray(v) {
  const c = Math.round(v * 255);
  return [c, c, c];
}

// Inferno-like colormap (dark = 0, bright yellow = 1), perceptually ordered, for heatmaps.
const INFERNO = [
  [0, 0, 4], [40, 11, 84], [101, 21, 110], [159, 42, 99],
  [212, 72, 66], [245, 125, 21], [250, 193, 39], [252, 255, 164],
];

export function inferno(v) {
  const t = Math.min(1, Math.max(0, v)) * (INFERNO.length - 1);
  const i = Math.min(INFERNO.length - 2, Math.floor(t));
  const f = t - i;
  const a = INFERNO[i];
  const b = INFERNO[i + 1];
  return [0, 1, 2].map((c) => Math.round(a[c] + (b[c] - a[c]) * f));
}
