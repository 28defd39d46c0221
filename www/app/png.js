//! PNG without the canvas: decode to the file's exact RGBA bytes and encode RGBA losslessly.
//!
//! Why not canvas: a 2-D canvas stores premultiplied colour, so translucent pixels lose bits on
//! the way in (drawImage + getImageData) and out (toBlob). Pillow and OpenCV read the stored
//! bytes as they are (no gamma or ICC conversion), and so does this decoder; the encoder writes
//! the bytes it is given. Inflate/deflate come from the browser (DecompressionStream /
//! CompressionStream 'deflate', i.e. zlib), so this stays small. Works in windows and workers.

import { codedError } from './errors.js';

const SIGNATURE = [137, 80, 78, 71, 13, 10, 26, 10];

/** True when `bytes` (Uint8Array) starts with the PNG signature. */
export function isPng(bytes) {
  return bytes.length >= 8 && SIGNATURE.every((b, i) => bytes[i] === b);
}

async function pipe(bytes, stream) {
  const out = new Response(new Blob([bytes]).stream().pipeThrough(stream));
  return new Uint8Array(await out.arrayBuffer());
}

/** The IHDR of a PNG: {width, height, bitDepth, colorType, interlace}, or null if not a PNG. */
export function pngHeader(bytes) {
  if (!isPng(bytes) || bytes.length < 33) return null;
  const dv = new DataView(bytes.buffer, bytes.byteOffset, bytes.byteLength);
  if (String.fromCharCode(...bytes.subarray(12, 16)) !== 'IHDR') return null;
  return {
    width: dv.getUint32(16),
    height: dv.getUint32(20),
    bitDepth: bytes[24],
    colorType: bytes[25],
    interlace: bytes[28],
  };
}

const CHANNELS = { 0: 1, 2: 3, 3: 1, 4: 2, 6: 4 };

/**
 * Decode a PNG to {width, height, rgba: Uint8ClampedArray}. Handles every non-interlaced
 * colour type at every bit depth (16-bit samples keep their high byte, as Pillow's RGB/RGBA
 * modes do; palette and tRNS transparency become RGBA). Returns null for what it leaves to the
 * browser (interlaced images); throws an Error with code 'png_bad' for a broken file. Size limits
 * are the caller's: check `pngHeader(bytes)` first (the resize worker asks Rust's checkImageSize).
 */
export async function decodePng(bytes) {
  const hdr = pngHeader(bytes);
  if (!hdr) throw codedError('png_bad', { detail: 'no PNG signature or IHDR' }, 'not a PNG file');
  const { width: w, height: h, bitDepth: depth, colorType: type, interlace } = hdr;
  const nch = CHANNELS[type];
  if (!w || !h || !nch || ![1, 2, 4, 8, 16].includes(depth)) {
    throw codedError('png_bad', { detail: `IHDR ${w}x${h}, depth ${depth}, colour type ${type}` }, 'bad PNG header');
  }
  if (interlace) return null;

  const dv = new DataView(bytes.buffer, bytes.byteOffset, bytes.byteLength);
  const idat = [];
  let palette = null;
  let trns = null;
  let pos = 8;
  while (pos + 12 <= bytes.length) {
    const len = dv.getUint32(pos);
    const kind = String.fromCharCode(...bytes.subarray(pos + 4, pos + 8));
    const data = bytes.subarray(pos + 8, pos + 8 + len);
    if (data.length !== len) throw codedError('png_bad', { detail: `chunk ${kind} is cut short` }, 'truncated PNG');
    if (kind === 'IDAT') idat.push(data);
    else if (kind === 'PLTE') palette = data;
    else if (kind === 'tRNS') trns = data;
    else if (kind === 'IEND') break;
    pos += 12 + len;
  }
  if (!idat.length) throw codedError('png_bad', { detail: 'no IDAT chunk' }, 'PNG without image data');
  if (type === 3 && !palette) throw codedError('png_bad', { detail: 'palette image without PLTE' }, 'PNG without palette');

  let raw;
  try {
    raw = await pipe(new Blob(idat), new DecompressionStream('deflate'));
  } catch (err) {
    throw codedError('png_bad', { detail: `inflate: ${err.message}` }, 'corrupt PNG data');
  }
  const bpp = Math.max(1, (nch * depth) >> 3); // bytes per complete pixel, for the filters
  const stride = Math.ceil((w * nch * depth) / 8);
  if (raw.length < h * (stride + 1)) {
    throw codedError('png_bad', { detail: `image data is ${raw.length} bytes, expected ${h * (stride + 1)}` }, 'truncated PNG');
  }
  // undo the per-row filters in place: row y lives at raw[y*(stride+1)+1 ..]
  let prev = new Uint8Array(stride);
  const lines = new Uint8Array(h * stride);
  for (let y = 0; y < h; y++) {
    const f = raw[y * (stride + 1)];
    const src = raw.subarray(y * (stride + 1) + 1, (y + 1) * (stride + 1));
    const cur = lines.subarray(y * stride, (y + 1) * stride);
    switch (f) {
      case 0:
        cur.set(src);
        break;
      case 1:
        for (let i = 0; i < stride; i++) cur[i] = src[i] + (i >= bpp ? cur[i - bpp] : 0);
        break;
      case 2:
        for (let i = 0; i < stride; i++) cur[i] = src[i] + prev[i];
        break;
      case 3:
        for (let i = 0; i < stride; i++) cur[i] = src[i] + (((i >= bpp ? cur[i - bpp] : 0) + prev[i]) >> 1);
        break;
      case 4:
        for (let i = 0; i < stride; i++) {
          const a = i >= bpp ? cur[i - bpp] : 0;
          const b = prev[i];
          const c = i >= bpp ? prev[i - bpp] : 0;
          const p = a + b - c;
          const pa = Math.abs(p - a);
          const pb = Math.abs(p - b);
          const pc = Math.abs(p - c);
          cur[i] = src[i] + (pa <= pb && pa <= pc ? a : pb <= pc ? b : c);
        }
        break;
      default:
        throw codedError('png_bad', { detail: `unknown filter ${f} on row ${y}` }, 'corrupt PNG data');
    }
    prev = cur;
  }

  const rgba = new Uint8ClampedArray(w * h * 4);
  // sample n of row y (0..2^depth-1 for depth < 8; high byte for 16)
  const sample = (row, n) => {
    if (depth === 8) return row[n];
    if (depth === 16) return row[n * 2];
    const per = 8 / depth;
    const byte = row[(n / per) | 0];
    const shift = 8 - depth * ((n % per) + 1);
    return (byte >> shift) & ((1 << depth) - 1);
  };
  const scaleGray = depth < 8 ? 255 / ((1 << depth) - 1) : 1;
  // tRNS for grey/RGB holds one 16-bit sample per channel, compared at the image's full depth
  const trnsValue = (i) => (trns[i * 2] << 8) | trns[i * 2 + 1];
  const fullSample = (row, n) => (depth === 16 ? (row[n * 2] << 8) | row[n * 2 + 1] : sample(row, n));
  for (let y = 0; y < h; y++) {
    const row = lines.subarray(y * stride, (y + 1) * stride);
    let o = y * w * 4;
    for (let x = 0; x < w; x++, o += 4) {
      if (type === 6) {
        for (let c = 0; c < 4; c++) rgba[o + c] = sample(row, x * 4 + c);
      } else if (type === 2) {
        for (let c = 0; c < 3; c++) rgba[o + c] = sample(row, x * 3 + c);
        rgba[o + 3] = trns && trns.length >= 6
          && fullSample(row, x * 3) === trnsValue(0)
          && fullSample(row, x * 3 + 1) === trnsValue(1)
          && fullSample(row, x * 3 + 2) === trnsValue(2) ? 0 : 255;
      } else if (type === 0) {
        const g = Math.round(sample(row, x) * scaleGray);
        rgba[o] = rgba[o + 1] = rgba[o + 2] = g;
        rgba[o + 3] = trns && trns.length >= 2 && fullSample(row, x) === trnsValue(0) ? 0 : 255;
      } else if (type === 4) {
        rgba[o] = rgba[o + 1] = rgba[o + 2] = sample(row, x * 2);
        rgba[o + 3] = sample(row, x * 2 + 1);
      } else {
        const i = sample(row, x);
        if (i * 3 + 2 >= palette.length) {
          throw codedError('png_bad', { detail: `palette index ${i} out of range` }, 'corrupt PNG data');
        }
        rgba[o] = palette[i * 3];
        rgba[o + 1] = palette[i * 3 + 1];
        rgba[o + 2] = palette[i * 3 + 2];
        rgba[o + 3] = trns && i < trns.length ? trns[i] : 255;
      }
    }
  }
  return { width: w, height: h, rgba };
}

let crcTable;
function crc32(parts) {
  if (!crcTable) {
    crcTable = new Uint32Array(256);
    for (let n = 0; n < 256; n++) {
      let c = n;
      for (let k = 0; k < 8; k++) c = c & 1 ? 0xedb88320 ^ (c >>> 1) : c >>> 1;
      crcTable[n] = c >>> 0;
    }
  }
  let c = 0xffffffff;
  for (const p of parts) for (let i = 0; i < p.length; i++) c = crcTable[(c ^ p[i]) & 0xff] ^ (c >>> 8);
  return (c ^ 0xffffffff) >>> 0;
}

function chunk(kind, data) {
  const head = new Uint8Array(8);
  const dv = new DataView(head.buffer);
  dv.setUint32(0, data.length);
  const name = new TextEncoder().encode(kind);
  head.set(name, 4);
  const tail = new Uint8Array(4);
  new DataView(tail.buffer).setUint32(0, crc32([name, data]));
  return [head, data, tail];
}

/**
 * Encode RGBA bytes (w*h*4, row-major, straight alpha) as an 8-bit RGBA PNG Blob. Rows use the
 * Paeth filter (good for photos and charts alike). `onProgress(fraction)` is called while filtering.
 */
export async function encodePng(rgba, w, h, { onProgress } = {}) {
  if (rgba.length !== w * h * 4) throw new Error(`RGBA buffer has ${rgba.length} bytes; ${w}x${h} needs ${w * h * 4}`);
  const stride = w * 4;
  const filtered = new Uint8Array(h * (stride + 1));
  for (let y = 0; y < h; y++) {
    const o = y * (stride + 1);
    const cur = rgba.subarray(y * stride, (y + 1) * stride);
    if (y === 0) {
      filtered[o] = 1; // Sub: no row above
      for (let i = 0; i < stride; i++) filtered[o + 1 + i] = cur[i] - (i >= 4 ? cur[i - 4] : 0);
    } else {
      const prev = rgba.subarray((y - 1) * stride, y * stride);
      filtered[o] = 4;
      for (let i = 0; i < 4; i++) filtered[o + 1 + i] = cur[i] - prev[i]; // Paeth with a = c = 0 picks b
      for (let i = 4; i < stride; i++) {
        const a = cur[i - 4];
        const b = prev[i];
        const c = prev[i - 4];
        const pa = Math.abs(b - c);
        const pb = Math.abs(a - c);
        const pc = Math.abs(a + b - c - c);
        filtered[o + 1 + i] = cur[i] - (pa <= pb && pa <= pc ? a : pb <= pc ? b : c);
      }
    }
    if (onProgress && (y & 255) === 0) onProgress(y / h);
  }
  const ihdr = new Uint8Array(13);
  const dv = new DataView(ihdr.buffer);
  dv.setUint32(0, w);
  dv.setUint32(4, h);
  ihdr.set([8, 6, 0, 0, 0], 8); // 8-bit, RGBA, deflate, adaptive filtering, no interlace
  const zdata = await pipe(filtered, new CompressionStream('deflate'));
  const parts = [new Uint8Array(SIGNATURE), ...chunk('IHDR', ihdr)];
  const CHUNK = 1 << 20;
  for (let i = 0; i < zdata.length; i += CHUNK) parts.push(...chunk('IDAT', zdata.subarray(i, i + CHUNK)));
  parts.push(...chunk('IEND', new Uint8Array(0)));
  return new Blob(parts, { type: 'image/png' });
}
