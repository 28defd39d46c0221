//! The convolution lab's magnified view of the picked cell (issue 10, defect 7: on a 512-pixel
//! photo a 7–16 pixel receptive field is too small to see): the formula's box with a margin of the
//! photo around it, a whole number of device pixels per image pixel, with
//!   - inside the box, the effective receptive field in the colours of its colour scale (or the
//!     photo, a toggle away),
//!   - the holes (pixels of the box that cannot change the cell) marked with a cyan dot,
//!   - the box in red (its part on the image; white dashes where it hangs over the padding),
//!     its first and last row and column written beside it,
//!   - the padding in dark grey.
//! Under it the ERF's colour scale with its ticks. The canvas's data attributes say where image
//! pixel (x0, y0) is drawn (ox, oy) and how big (scale), so a test can read the box back.
import { t, has, pluralKey } from '../app/i18n.js';

const $ = (id) => document.getElementById(id);

/** The ERF colour of u = √(value / max): dark red → orange → yellow → white. */
export const ERF_RGB = (u) => {
  const r = Math.min(1, u * 2.2);
  const g = Math.min(1, Math.max(0, u * 2 - 0.35));
  const b = Math.min(1, Math.max(0, u * 3 - 2));
  return [Math.round(r * 255), Math.round(g * 255), Math.round(b * 255)];
};

const BOX = [255, 45, 85];
const HOLE = [0, 229, 255];
const PAD = [43, 48, 56];
/** The colour scale's ticks (ERF values; drawn at √value). */
const TICKS = [0, 0.05, 0.25, 0.5, 1];

let mode = 'erf'; // 'erf' | 'photo': what the box's pixels show
let last = null; // the arguments of the last draw, to redraw on a mode switch or a resize

const rgb = (c) => `rgb(${c[0]} ${c[1]} ${c[2]})`;

/**
 * Draw the magnified view. img: {w, h, bytes (RGBA)}; box: the formula box {r0, r1, c0, c1}
 * (inclusive); maps: {win, support, erf} of the cell; r: the receptive field size.
 */
export function drawLoupe(img, box, maps, r) {
  last = { img, box, maps, r };
  const c = $('loupe');
  const fig = c.closest('figure');
  const dpr = Math.max(1, Math.round(window.devicePixelRatio || 1));
  const cssW = Math.max(160, Math.min(340, fig.clientWidth || 272));
  const font = getComputedStyle(document.body).fontFamily || 'sans-serif';
  const n0 = box.r1 - box.r0 + 1;
  const m = Math.max(2, Math.round(n0 / 4)); // a margin of the photo around the box
  const x0 = box.c0 - m;
  const y0 = box.r0 - m;
  const n = n0 + 2 * m;
  const ml = 34 * dpr; // room for the row numbers
  const mt = 16 * dpr; // and the column numbers
  const S = Math.max(1, Math.floor((cssW * dpr - ml - 4 * dpr) / n));
  const W = ml + n * S + 4 * dpr;
  const H = mt + n * S + 4 * dpr;
  c.width = W;
  c.height = H;
  c.style.width = `${W / dpr}px`;
  c.style.aspectRatio = `${W} / ${H}`;
  const ctx = c.getContext('2d');
  ctx.imageSmoothingEnabled = false;
  ctx.fillStyle = '#ffffff';
  ctx.fillRect(0, 0, W, H);
  const ox = ml;
  const oy = mt;
  const { win, support, erf } = maps;
  const ww = win.c1 - win.c0;
  const inWin = (x, y) => x >= win.c0 && x < win.c1 && y >= win.r0 && y < win.r1;
  const inBox = (x, y) => x >= box.c0 && x <= box.c1 && y >= box.r0 && y <= box.r1;
  const B = img.bytes;
  const id = new ImageData(n * S, n * S);
  const holes = [];
  for (let j = 0; j < n; j++) {
    for (let i = 0; i < n; i++) {
      const x = x0 + i;
      const y = y0 + j;
      let col;
      if (x < 0 || y < 0 || x >= img.w || y >= img.h) col = PAD;
      else {
        const k = (y * img.w + x) * 4;
        const photo = [B[k], B[k + 1], B[k + 2]];
        const w = inWin(x, y) ? (y - win.r0) * ww + (x - win.c0) : -1;
        const sup = w >= 0 && support[w];
        if (inBox(x, y) && !sup) holes.push([i, j]);
        if (mode === 'erf' && sup) col = ERF_RGB(Math.sqrt(Math.max(0, erf[w])));
        else if (inBox(x, y) && !sup) col = photo.map((v) => Math.round(v * 0.45)); // a hole: dimmed photo
        else col = photo;
      }
      for (let dy = 0; dy < S; dy++) {
        let p = ((j * S + dy) * n * S + i * S) * 4;
        for (let dx = 0; dx < S; dx++, p += 4) {
          id.data[p] = col[0];
          id.data[p + 1] = col[1];
          id.data[p + 2] = col[2];
          id.data[p + 3] = 255;
        }
      }
    }
  }
  ctx.putImageData(id, ox, oy);
  // holes: a cyan dot in the middle of each
  const ms = Math.max(2, Math.round(S * 0.4));
  const mo = Math.floor((S - ms) / 2);
  ctx.fillStyle = rgb(HOLE);
  for (const [i, j] of holes) ctx.fillRect(ox + i * S + mo, oy + j * S + mo, ms, ms);
  // the box: white dashes round all of it, then red on its part on the image (filled edges,
  // inside the box's own pixels, so its extent is the box's exactly)
  const lw = Math.max(1, Math.min(2 * dpr, Math.floor(S / 4)));
  const bx = ox + (box.c0 - x0) * S;
  const by = oy + (box.r0 - y0) * S;
  const bw = n0 * S;
  ctx.save();
  ctx.strokeStyle = '#ffffff';
  ctx.lineWidth = lw;
  ctx.setLineDash([4 * dpr, 3 * dpr]);
  ctx.strokeRect(bx + lw / 2, by + lw / 2, bw - lw, bw - lw);
  ctx.restore();
  const p = {
    r0: Math.max(0, box.r0), r1: Math.min(img.h - 1, box.r1), c0: Math.max(0, box.c0), c1: Math.min(img.w - 1, box.c1),
  };
  if (p.r1 >= p.r0 && p.c1 >= p.c0) {
    const px = ox + (p.c0 - x0) * S;
    const py = oy + (p.r0 - y0) * S;
    const pw = (p.c1 - p.c0 + 1) * S;
    const ph = (p.r1 - p.r0 + 1) * S;
    ctx.fillStyle = rgb(BOX);
    ctx.fillRect(px, py, pw, lw);
    ctx.fillRect(px, py + ph - lw, pw, lw);
    ctx.fillRect(px, py, lw, ph);
    ctx.fillRect(px + pw - lw, py, lw, ph);
  }
  // the box's first and last column (top) and row (left), at their pixels' centres
  ctx.fillStyle = '#1f2328';
  ctx.font = `${10 * dpr}px ${font}`;
  ctx.textAlign = 'center';
  ctx.textBaseline = 'bottom';
  for (const cc of new Set([box.c0, box.c1])) ctx.fillText(String(cc), ox + (cc - x0 + 0.5) * S, oy - 3 * dpr);
  ctx.textAlign = 'right';
  ctx.textBaseline = 'middle';
  for (const rr of new Set([box.r0, box.r1])) ctx.fillText(String(rr), ox - 4 * dpr, oy + (rr - y0 + 0.5) * S);
  ctx.strokeStyle = '#57606a';
  ctx.lineWidth = 1;
  ctx.beginPath();
  for (const cc of new Set([box.c0, box.c1])) {
    const x = Math.round(ox + (cc - x0 + 0.5) * S) + 0.5;
    ctx.moveTo(x, oy - 3 * dpr);
    ctx.lineTo(x, oy);
  }
  for (const rr of new Set([box.r0, box.r1])) {
    const y = Math.round(oy + (rr - y0 + 0.5) * S) + 0.5;
    ctx.moveTo(ox - 3 * dpr, y);
    ctx.lineTo(ox, y);
  }
  ctx.stroke();
  Object.assign(c.dataset, {
    x0, y0, ox, oy, scale: S, mode, holes: holes.length, holeRgb: HOLE.join(','), boxRgb: BOX.join(','),
  });
  const nHoles = holes.length; // (pixels of the box on the image only)
  const count = (key, v) => t(pluralKey(key, v, has), { n: v });
  c.setAttribute('aria-label', t('conv.loupe.label', {
    r0: box.r0, r1: box.r1, c0: box.c0, c1: box.c1, holes: count('conv.cell.holes', nHoles),
  }));
  $('loupe-caption').textContent = t(mode === 'erf' ? 'conv.loupe.caption_erf' : 'conv.loupe.caption_photo', {
    zoom: S / dpr, m, r: r, holes: count('conv.cell.holes', nHoles),
  });
  for (const b of document.querySelectorAll('[data-loupe-mode]')) b.setAttribute('aria-pressed', String(b.dataset.loupeMode === mode));
  drawScale(Math.max(160, Math.round(W / dpr)), dpr, font); // as wide as the view above it
}

/** The ERF colour scale: a bar whose position is √value, ticks at round values, a caption. */
function drawScale(cssW, dpr, font) {
  const c = $('loupe-scale');
  const W = Math.round(cssW * dpr);
  const H = 30 * dpr;
  c.width = W;
  c.height = H;
  c.style.width = `${cssW}px`;
  c.style.aspectRatio = `${W} / ${H}`;
  const ctx = c.getContext('2d');
  ctx.clearRect(0, 0, W, H);
  const x0 = 10 * dpr;
  const x1 = W - 10 * dpr;
  const y0 = 2 * dpr;
  const bh = 12 * dpr;
  for (let x = x0; x < x1; x++) {
    ctx.fillStyle = rgb(ERF_RGB((x - x0) / (x1 - x0 - 1)));
    ctx.fillRect(x, y0, 1, bh);
  }
  ctx.strokeStyle = '#57606a';
  ctx.lineWidth = 1;
  ctx.strokeRect(x0 - 0.5, y0 - 0.5, x1 - x0 + 1, bh + 1);
  ctx.fillStyle = '#1f2328';
  ctx.font = `${10 * dpr}px ${font}`;
  ctx.textBaseline = 'top';
  ctx.beginPath();
  TICKS.forEach((v, k) => {
    const x = Math.round(x0 + Math.sqrt(v) * (x1 - x0 - 1)) + 0.5;
    ctx.moveTo(x, y0 + bh);
    ctx.lineTo(x, y0 + bh + 3 * dpr);
    ctx.textAlign = k === 0 ? 'left' : k === TICKS.length - 1 ? 'right' : 'center';
    ctx.fillText(String(v), k === 0 ? x - 0.5 : k === TICKS.length - 1 ? x + 0.5 : x, y0 + bh + 4 * dpr);
  });
  ctx.stroke();
  Object.assign(c.dataset, { x0, x1, y: y0 + bh / 2, ticks: TICKS.join(' ') });
  $('loupe-scale-caption').textContent = t('conv.loupe.scale');
}

/** Empty the view (no cell, or a stack that cannot run). */
export function clearLoupe() {
  last = null;
  for (const id of ['loupe', 'loupe-scale']) {
    const c = $(id);
    c.getContext('2d').clearRect(0, 0, c.width, c.height);
  }
  $('loupe-caption').textContent = '';
  $('loupe-scale-caption').textContent = '';
}

export function wireLoupe() {
  for (const b of document.querySelectorAll('[data-loupe-mode]')) {
    b.addEventListener('click', () => {
      mode = b.dataset.loupeMode;
      if (last) drawLoupe(last.img, last.box, last.maps, last.r);
    });
  }
  let width = 0;
  new ResizeObserver(() => {
    const w = $('loupe').closest('figure').clientWidth;
    if (last && Math.abs(w - width) > 4) drawLoupe(last.img, last.box, last.maps, last.r);
    width = w;
  }).observe($('loupe').closest('figure'));
}
