//! Resize lab worker: decodes images, runs the wasm resizes and the browser's own canvas scaling,
//! inspects pixels, draws difference heatmaps and encodes PNGs, so the page never freezes (a
//! 40-megapixel result takes a while; the page only ever receives finished ImageBitmaps).
//!
//! Protocol: the page posts {id, type, ...args}; the worker answers {id, ok: true, result} or
//! {id, ok: false, error: {code, vars, message, fatal}} and, for long steps, {id, progress:
//! {stage, fraction}}. Messages are handled one at a time, in order (one queue), so a view into
//! wasm memory is never used across another call into wasm. `fatal` means the wasm instance is
//! unusable (a trap): the page starts a new worker.
import { RgbaImage, checkImageSize, wasmMemory, version } from '../app/api.js'; // the checked API
import { ready as init } from '../app/wasm.js'; // the one init: picks the relaxed-SIMD build where it runs
import { codedError } from '../app/errors.js';
import { decodePng, encodePng, isPng, pngHeader } from '../app/png.js';
import { inferno } from '../app/canvas.js';

/** Methods the wasm build runs; `browser-<quality>` is the canvas's own drawImage scaling. */
const WASM_METHODS = ['nearest', 'bilinear', 'bilinear_align_corners', 'opencv', 'pillow'];
const BROWSER_METHODS = ['browser-low', 'browser-medium', 'browser-high'];
/** Canvases and ImageBitmaps stop at 32767 px a side in Chromium and Firefox. */
const MAX_SIDE = 32767;

let ready = null;
const st = {
  src: null, // RgbaImage: the input, in wasm memory
  srcBitmap: null, // ImageBitmap of the input, made on first use by a browser-* method
  out: { A: null, B: null }, // {img: RgbaImage, w, h, method}
};

const view = (img) => new Uint8ClampedArray(wasmMemory().buffer, img.ptr(), img.byteLength);

function checkSize(w, h) {
  if (!Number.isInteger(w) || !Number.isInteger(h) || w < 1 || h < 1) {
    throw codedError('bad_size', { w, h }, `output size must be whole pixels >= 1, got ${w}x${h}`);
  }
  // the side first: it also keeps sides over 2^32 (which the checked API refuses without a code) away from Rust
  if (w > MAX_SIDE || h > MAX_SIDE) throw codedError('too_wide', { w, h, max: MAX_SIDE }, `a side is over ${MAX_SIDE} px`);
  checkImageSize(w, h, 'output'); // the pixel limit lives in Rust: throws its coded pixel_limit
}

// ---- input -------------------------------------------------------------------------------

const FORMATS = [
  ['JPEG', [0xff, 0xd8, 0xff]],
  ['GIF', [0x47, 0x49, 0x46, 0x38]],
  ['BMP', [0x42, 0x4d]],
  ['WebP', [0x52, 0x49, 0x46, 0x46], 8, [0x57, 0x45, 0x42, 0x50]],
  ['ICO', [0, 0, 1, 0]],
];

function sniff(bytes) {
  if (isPng(bytes)) return 'PNG';
  for (const [name, sig, at2, sig2] of FORMATS) {
    if (sig.every((b, i) => bytes[i] === b) && (!sig2 || sig2.every((b, i) => bytes[at2 + i] === b))) return name;
  }
  if (bytes[4] === 0x66 && bytes[5] === 0x74 && bytes[6] === 0x79 && bytes[7] === 0x70) return 'AVIF/HEIF';
  return '';
}

/**
 * Bytes of an image file -> {width, height, rgba, format, exact}. PNGs are decoded here, bit for
 * bit as Pillow and OpenCV read them; other formats go through createImageBitmap and a canvas,
 * which is exact for opaque pixels (translucent ones pass through premultiplied colour).
 */
async function decode(bytes, name) {
  const format = sniff(bytes);
  if (format === 'PNG') {
    try {
      const hdr = pngHeader(bytes);
      if (hdr) checkImageSize(hdr.width, hdr.height, 'input'); // before inflating
      const d = await decodePng(bytes);
      if (d) return { ...d, format, exact: true };
    } catch (err) {
      if (err.code === 'pixel_limit') throw err;
      // a damaged PNG: the browser's decoder may still manage, else it reports not_image below
    }
  }
  let bmp;
  try {
    bmp = await createImageBitmap(new Blob([bytes]), { premultiplyAlpha: 'none', colorSpaceConversion: 'none' });
  } catch (err) {
    throw codedError('not_image', { name, detail: err.message || String(err) }, `${name} is not a decodable image`);
  }
  try {
    const { width: w, height: h } = bmp;
    checkImageSize(w, h, 'input');
    if (w > MAX_SIDE || h > MAX_SIDE) throw codedError('too_wide', { w, h, max: MAX_SIDE });
    const c = new OffscreenCanvas(w, h);
    const ctx = c.getContext('2d', { willReadFrequently: true });
    ctx.drawImage(bmp, 0, 0);
    return { width: w, height: h, rgba: ctx.getImageData(0, 0, w, h).data, format: format || '?', exact: false };
  } finally {
    bmp.close();
  }
}

/**
 * The synthetic test chart, 512x384: a zone plate (left 384x384; the local frequency r/384
 * cycles per pixel reaches Nyquist, 0.5, at the middle of each edge) and six bands of 1-3 px
 * patterns (right 128 px): stripes of period 2, 3 and 4, horizontal stripes, a checkerboard,
 * and R/G/B columns. Resampling any of them shows aliasing and blur at once.
 */
function makeChart() {
  const W = 512;
  const H = 384;
  const S = 384;
  const rgba = new Uint8ClampedArray(W * H * 4);
  for (let y = 0; y < H; y++) {
    for (let x = 0; x < W; x++) {
      const o = (y * W + x) * 4;
      let r;
      let g;
      let b;
      if (x < S) {
        const dx = x + 0.5 - S / 2;
        const dy = y + 0.5 - S / 2;
        r = g = b = Math.round(127.5 + 127.5 * Math.cos((Math.PI * (dx * dx + dy * dy)) / S));
      } else {
        const u = x - S;
        const band = Math.floor(y / 64);
        const on = [u % 2 === 0, u % 3 !== 2, u % 4 < 2, y % 2 === 0, (u + y) % 2 === 0][band];
        if (band < 5) {
          r = g = b = on ? 255 : 0;
        } else {
          [r, g, b] = [[255, 0, 0], [0, 255, 0], [0, 0, 255]][u % 3];
        }
      }
      rgba[o] = r;
      rgba[o + 1] = g;
      rgba[o + 2] = b;
      rgba[o + 3] = 255;
    }
  }
  return { width: W, height: H, rgba, format: 'chart', exact: true };
}

async function load({ source }, progress) {
  let d;
  if (source.kind === 'chart') {
    d = makeChart();
  } else {
    let blob = source.blob;
    let name = source.name || 'image';
    if (source.kind === 'sample') {
      const url = new URL(source.url, import.meta.url);
      const res = await fetch(url);
      if (!res.ok) throw codedError('sample_missing', { url: url.pathname, status: res.status });
      blob = await res.blob();
      name = url.pathname.split('/').pop();
    }
    progress('decode');
    const bytes = new Uint8Array(await blob.arrayBuffer());
    if (bytes.length === 0) throw codedError('not_image', { name, detail: 'the file is empty' });
    d = await decode(bytes, name);
  }
  const img = new RgbaImage(d.width, d.height);
  view(img).set(d.rgba);
  const bitmap = await createImageBitmap(new ImageData(d.rgba, d.width, d.height));
  // success: only now replace the previous input (a failed load leaves everything as it was)
  st.src?.free();
  st.src = img;
  st.srcBitmap?.close();
  st.srcBitmap = null;
  for (const k of ['A', 'B']) {
    st.out[k]?.img.free();
    st.out[k] = null;
  }
  return { result: { w: d.width, h: d.height, format: d.format, exact: d.exact, bitmap }, transfer: [bitmap] };
}

// ---- resize ------------------------------------------------------------------------------

async function sourceBitmap() {
  if (!st.srcBitmap) {
    const { width: w, height: h } = st.src;
    st.srcBitmap = await createImageBitmap(new ImageData(view(st.src).slice(), w, h), { premultiplyAlpha: 'premultiply' });
  }
  return st.srcBitmap;
}

async function resize({ slot, w, h, method }, progress) {
  if (!st.src) throw codedError('no_source');
  if (!WASM_METHODS.includes(method) && !BROWSER_METHODS.includes(method)) {
    throw codedError('bad_method', { method }, `unknown method ${method}`);
  }
  checkSize(w, h);
  const t0 = performance.now();
  const prev = st.out[slot];
  const reuse = prev && prev.w === w && prev.h === h;
  progress('resize');
  let img;
  let ms;
  try {
    img = reuse ? prev.img : new RgbaImage(w, h); // a new buffer first: on failure the old result stays
  } catch (err) {
    throw codedError('no_memory', { w, h, detail: err.message || String(err) });
  }
  try {
    if (WASM_METHODS.includes(method)) {
      const t = performance.now();
      st.src.resizeInto(img, method);
      ms = performance.now() - t;
    } else {
      const bmp = await sourceBitmap();
      const t = performance.now();
      const c = new OffscreenCanvas(w, h);
      const ctx = c.getContext('2d', { willReadFrequently: true });
      ctx.imageSmoothingEnabled = true;
      ctx.imageSmoothingQuality = method.slice('browser-'.length);
      ctx.drawImage(bmp, 0, 0, w, h);
      const data = ctx.getImageData(0, 0, w, h).data;
      ms = performance.now() - t;
      view(img).set(data);
    }
  } catch (err) {
    if (!reuse) img.free();
    throw err;
  }
  if (!reuse) prev?.img.free();
  st.out[slot] = { img, w, h, method };
  // the other slot at another size is stale: free its memory now
  const other = st.out[slot === 'A' ? 'B' : 'A'];
  if (other && (other.w !== w || other.h !== h)) {
    other.img.free();
    st.out[slot === 'A' ? 'B' : 'A'] = null;
  }
  progress('display');
  const bitmap = await createImageBitmap(new ImageData(view(img), w, h));
  return {
    result: { slot, w, h, method, ms, totalMs: performance.now() - t0, bitmap },
    transfer: [bitmap],
  };
}

// ---- inspect, diff, png ------------------------------------------------------------------

function result(slot) {
  const o = st.out[slot];
  if (!o) throw codedError('no_result', { slot });
  return o;
}

function inspect({ slot, x, y }) {
  const o = result(slot);
  if (!(x >= 0 && y >= 0 && x < o.w && y < o.h)) throw codedError('bad_pixel', { x, y, w: o.w, h: o.h });
  const at = (y * o.w + x) * 4;
  const pixel = [...view(o.img).subarray(at, at + 4)];
  const base = { slot, x, y, w: o.w, h: o.h, method: o.method, pixel };
  if (!WASM_METHODS.includes(o.method)) return { result: { ...base, browser: true, value: pixel } };
  const ins = st.src.inspect(o.w, o.h, o.method, x, y);
  return { result: { ...base, ...ins } };
}

/** `stretch`: the colour scale ends at the largest difference; else it spans at least
 * `minRange` levels (the page's DIFF_MIN_RANGE), so one level of rounding stays dark. */
async function diff({ stretch = false, minRange = 16 } = {}) {
  const a = result('A');
  const b = result('B');
  if (a.w !== b.w || a.h !== b.h) throw codedError('diff_sizes');
  const n = a.w * a.h;
  const va = view(a.img);
  const vb = view(b.img);
  const d = new Uint8Array(n);
  const hist = new Float64Array(256);
  let sum = 0;
  let max = 0;
  for (let i = 0, o = 0; i < n; i++, o += 4) {
    let m = Math.abs(va[o] - vb[o]);
    const g = Math.abs(va[o + 1] - vb[o + 1]);
    const bl = Math.abs(va[o + 2] - vb[o + 2]);
    const al = Math.abs(va[o + 3] - vb[o + 3]);
    if (g > m) m = g;
    if (bl > m) m = bl;
    if (al > m) m = al;
    d[i] = m;
    hist[m]++;
    sum += m;
    if (m > max) max = m;
  }
  // colour table scaled to [0, scale]: the largest difference (at least 1) when stretched, else
  // at least minRange levels
  const scale = stretch ? Math.max(1, max) : Math.max(minRange, max);
  const lut = new Uint32Array(256);
  const lutBytes = new Uint8Array(lut.buffer);
  for (let v = 0; v < 256; v++) {
    const [r, g, bl] = inferno(Math.min(1, v / scale));
    lutBytes.set([r, g, bl, 255], v * 4);
  }
  const heat = new Uint8ClampedArray(n * 4);
  const heat32 = new Uint32Array(heat.buffer);
  for (let i = 0; i < n; i++) heat32[i] = lut[d[i]];
  const bitmap = await createImageBitmap(new ImageData(heat, a.w, a.h));
  return {
    result: {
      w: a.w, h: a.h, methods: [a.method, b.method], max, scale, stretch, mean: sum / n, changed: n - hist[0], n,
      hist: [...hist], bitmap,
    },
    transfer: [bitmap],
  };
}

async function png({ slot }, progress) {
  const o = result(slot);
  // filtering reads the view synchronously, before encodePng's first await
  const blob = await encodePng(view(o.img), o.w, o.h, { onProgress: (f) => progress('encode', f) });
  return { result: { blob, w: o.w, h: o.h, method: o.method } };
}

async function start() {
  ready ??= init();
  await ready;
  return { result: { maxPixels: RgbaImage.maxPixels(), maxSide: MAX_SIDE, version: version() } };
}

/** Whether an output of w x h may be made: throws the coded error `resize` would throw. */
function check({ w, h }) {
  checkSize(w, h);
  return { result: true };
}

const HANDLERS = { start, check, load, resize, inspect, diff, png };

let queue = Promise.resolve();
self.onmessage = (e) => {
  const msg = e.data;
  queue = queue.then(async () => {
    const progress = (stage, fraction = null) => self.postMessage({ id: msg.id, progress: { stage, fraction } });
    try {
      if (msg.type !== 'start') await (ready ??= init());
      const handler = HANDLERS[msg.type];
      if (!handler) throw codedError('bad_request', { type: msg.type });
      const { result: r, transfer = [] } = await handler(msg, progress);
      self.postMessage({ id: msg.id, ok: true, result: r }, transfer);
    } catch (err) {
      // a trap (RuntimeError) or a failed grow leaves the wasm instance unusable
      const fatal = err instanceof WebAssembly.RuntimeError || /unreachable|out of memory/i.test(String(err && err.message));
      self.postMessage({
        id: msg.id,
        ok: false,
        error: { code: err.code || (fatal ? 'wasm_trap' : ''), vars: err.vars || {}, message: err.message || String(err), fatal },
      });
    }
  });
};
