//! The convolution lab's cell view: the photo with the picked cell's overlays, (a) the formula's
//! box (rows/cols start + i·jump .. + r − 1, Araujo et al. 2019), (b) the exact support and (c)
//! the effective receptive field from `cellMaps` (both over the box's crop of the photo), the
//! readout of those numbers with what r, jump and start mean, the magnified view beside it
//! (conv.loupe.js), the enlarged crops, and the last map (each cell shows the photo at
//! its box centre). A cell is picked by clicking / tapping the photo or the last map, or moved
//! with the arrow keys (Shift: 8 cells).
import { t, has, pluralKey, describeError } from '../app/i18n.js';
import { drawRGBA, crisp, pointerPos } from '../app/canvas.js';
import { clampInt } from './conv.state.js';
import { S, saveState, lastRow } from './conv.session.js';
import { IMG } from './conv.image.js';
import { cellMaps } from './conv.wasm.js';
import { fmtInt } from './conv.table.js';
import { halfMassRadius } from './conv.measure.js';
import { ERF_RGB, drawLoupe, clearLoupe, wireLoupe } from './conv.loupe.js';

const $ = (id) => document.getElementById(id);

let cellData = null; // {row, col, info, maps, ms, error}
const WHY = ['ro-r-why', 'ro-jump-why', 'ro-start-why', 'ro-rows-why', 'ro-cols-why'];
const lastMapCache = { key: '', canvas: null };

/** The picked cell's data (for the e2e tests' window.__convLab), or null. */
export const currentCell = () => cellData;

/** The formula's box for cell (i, j): rows/cols [start + i*jump, start + i*jump + r - 1]. */
export function boxOf(info, i, j) {
  const r0 = info.start + i * info.jump;
  const c0 = info.start + j * info.jump;
  return { r0, r1: r0 + info.r - 1, c0, c1: c0 + info.r - 1 };
}

/** The part of a box on the image (IMG.w x IMG.h), as half-open ranges; empty: r1 <= r0. */
export function onImage(box) {
  const r0 = Math.max(0, box.r0);
  const c0 = Math.max(0, box.c0);
  return { r0, r1: Math.max(r0, Math.min(IMG.h, box.r1 + 1)), c0, c1: Math.max(c0, Math.min(IMG.w, box.c1 + 1)) };
}

/** Run `cellMaps` for the picked cell (the centre when none), then redraw. */
export function computeCell() {
  const last = lastRow();
  if (!last) {
    cellData = null;
    drawCell();
    return;
  }
  let [i, j] = S.cell ?? [Math.floor(last.h / 2), Math.floor(last.w / 2)];
  i = clampInt(i, 0, last.h - 1);
  j = clampInt(j, 0, last.w - 1);
  S.cell = [i, j];
  const t0 = performance.now();
  let maps = null;
  let error = null;
  try {
    maps = cellMaps(S.stack, IMG.tensor, i, j, S.seed, S.draws);
  } catch (e) {
    error = e;
  }
  const ms = performance.now() - t0;
  cellData = { row: i, col: j, info: last, maps, ms, error };
  drawCell();
  document.body.dataset.cellUpdates = String(Number(document.body.dataset.cellUpdates || 0) + 1);
}

export function drawPhoto() {
  const photo = $('photo');
  drawRGBA(photo, IMG.bytes, IMG.w, IMG.h);
  photo.style.aspectRatio = `${IMG.w} / ${IMG.h}`;
  const ov = $('overlay');
  ov.width = IMG.w * 2;
  ov.height = IMG.h * 2;
}


function drawCell() {
  const ov = $('overlay');
  const ctx = ov.getContext('2d');
  ctx.setTransform(1, 0, 0, 1, 0, 0);
  ctx.clearRect(0, 0, ov.width, ov.height);
  const ro = (id, v) => { $(id).textContent = v; };
  const cd = cellData;
  if (!cd || cd.error || !cd.maps) {
    for (const id of ['ro-cell', 'ro-r', 'ro-jump', 'ro-start', 'ro-rows', 'ro-cols', 'ro-clip', 'ro-support', 'ro-time']) ro(id, '–');
    for (const id of WHY) ro(id, '');
    const ie = $('image-error');
    if (cd?.error) {
      ie.hidden = false;
      ie.textContent = describeError(cd.error);
    }
    drawLastMap();
    clearZooms();
    clearLoupe();
    return;
  }
  const { info, maps, row, col } = cd;
  const box = boxOf(info, row, col);
  const win = maps.win; // where the maps lie: empty for a cell that reads only padding
  const part = onImage(box); // the formula box's part on the image (red)
  const winEmpty = win.r1 <= win.r0 || win.c1 <= win.c0;
  ctx.scale(2, 2);
  // (c) ERF heat, under everything else.
  if (S.show.erf && !winEmpty) {
    const w = win.c1 - win.c0;
    const h = win.r1 - win.r0;
    const id = new ImageData(w, h);
    for (let k = 0; k < w * h; k++) {
      const v = maps.erf[k];
      const [r, g, b] = ERF_RGB(Math.sqrt(v));
      id.data.set([r, g, b, v > 0 ? 90 + 165 * Math.sqrt(v) : 0], k * 4);
    }
    const tmp = document.createElement('canvas');
    tmp.width = w;
    tmp.height = h;
    tmp.getContext('2d').putImageData(id, 0, 0);
    ctx.imageSmoothingEnabled = false;
    ctx.drawImage(tmp, win.c0, win.r0);
  }
  // (b) exact support: translucent cyan on every pixel that can change the cell.
  if (S.show.support) {
    ctx.fillStyle = 'rgb(0 220 255 / 0.45)';
    const w = win.c1 - win.c0;
    for (let r = win.r0; r < win.r1; r++) {
      for (let q = win.c0; q < win.c1; q++) {
        if (maps.support[(r - win.r0) * w + (q - win.c0)]) ctx.fillRect(q, r, 1, 1);
      }
    }
  }
  // (a) the formula's box: dashed where it hangs over the padding, solid on the image.
  if (S.show.box) {
    ctx.lineWidth = 1;
    ctx.strokeStyle = 'rgb(255 255 255 / 0.95)';
    ctx.setLineDash([3, 2]);
    ctx.strokeRect(box.c0 + 0.25, box.r0 + 0.25, box.c1 - box.c0 + 0.5, box.r1 - box.r0 + 0.5);
    ctx.setLineDash([]);
    if (part.r1 > part.r0 && part.c1 > part.c0) {
      ctx.strokeStyle = '#ff2d55';
      ctx.lineWidth = 1.5;
      ctx.strokeRect(part.c0, part.r0, part.c1 - part.c0, part.r1 - part.r0);
    }
  }
  // A target around the box, so a 15-pixel box on a 512-pixel photo is easy to find on a phone.
  const cy = (box.r0 + box.r1 + 1) / 2;
  const cx = (box.c0 + box.c1 + 1) / 2;
  const gap = (box.r1 - box.r0 + 1) / 2 + 3;
  const len = Math.max(10, Math.min(IMG.w, IMG.h) / 20);
  for (const [color, width] of [['rgb(0 0 0 / 0.6)', 4], ['#ffffff', 2]]) {
    ctx.strokeStyle = color;
    ctx.lineWidth = width;
    ctx.beginPath();
    for (const [dx, dy] of [[1, 0], [-1, 0], [0, 1], [0, -1]]) {
      ctx.moveTo(cx + dx * gap, cy + dy * gap);
      ctx.lineTo(cx + dx * (gap + len), cy + dy * (gap + len));
    }
    ctx.stroke();
  }
  const nSupport = maps.support.reduce((a, b) => a + b, 0);
  const nWin = (part.r1 - part.r0) * (part.c1 - part.c0);
  ro('ro-cell', `(${row}, ${col})`);
  ro('ro-r', String(info.r));
  ro('ro-jump', String(info.jump));
  ro('ro-start', String(info.start));
  ro('ro-rows', `${box.r0}..${box.r1}`);
  ro('ro-cols', `${box.c0}..${box.c1}`);
  ro('ro-clip', nWin ? t('conv.cell.clip_value', { r0: part.r0, r1: part.r1 - 1, c0: part.c0, c1: part.c1 - 1 }) : t('conv.cell.clip_none'));
  const count = (key, v) => t(pluralKey(key, v, has), { n: fmtInt(v) }); // "1 pixel", "2 pixels"
  ro('ro-support', t('conv.cell.support_value', {
    n: fmtInt(nSupport), of: count('conv.cell.pixels', nWin), holes: count('conv.cell.holes', nWin - nSupport),
  }));
  ro('ro-time', `${cd.ms.toFixed(1)} ms`);
  // what r, jump and start mean, with this cell's numbers, beside them (issue 10, defect 7)
  const one = (key, n, vars) => t(pluralKey(key, n, has), { n, ...vars });
  ro('ro-r-why', t('conv.cell.why_r', { r: info.r }));
  ro('ro-jump-why', one('conv.cell.why_jump', info.jump));
  ro('ro-start-why', info.start < 0 ? one('conv.cell.why_start_pad', -info.start, { start: info.start })
    : t('conv.cell.why_start', { start: info.start }));
  const span = (i, a0, a1) => t('conv.cell.why_box', { start: info.start, i, jump: info.jump, a0, r: info.r, a1 });
  ro('ro-rows-why', span(row, box.r0, box.r1));
  ro('ro-cols-why', span(col, box.c0, box.c1));
  $('image-error').hidden = true;
  drawLastMap();
  drawZooms(box);
  drawLoupe(IMG, box, maps, info.r);
  const photo = $('photo');
  photo.setAttribute('aria-label', t('conv.cell.photo_label_cell', {
    row, col, r0: box.r0, r1: box.r1, c0: box.c0, c1: box.c1, r: info.r,
  }));
}

function clearZooms() {
  for (const id of ['zoom-support', 'zoom-erf']) {
    const c = $(id);
    c.getContext('2d').clearRect(0, 0, c.width, c.height);
  }
  $('erf-caption').textContent = '';
}

/** The crop around the box, enlarged; `paint(x, y, k)` colours image pixel (x, y). */
function zoomCanvas(id, box, paint) {
  const pad = 2;
  const x0 = box.c0 - pad;
  const y0 = box.r0 - pad;
  const w = box.c1 - box.c0 + 1 + 2 * pad;
  const h = box.r1 - box.r0 + 1 + 2 * pad;
  const scale = Math.max(1, Math.min(24, Math.floor(320 / Math.max(w, h))));
  const c = $(id);
  c.width = w * scale;
  c.height = h * scale;
  const ctx = crisp(c);
  const id2 = new ImageData(w, h);
  for (let y = 0; y < h; y++) {
    for (let x = 0; x < w; x++) {
      const ix = x0 + x;
      const iy = y0 + y;
      const k = (y * w + x) * 4;
      if (ix < 0 || iy < 0 || ix >= IMG.w || iy >= IMG.h) {
        id2.data.set([40, 44, 52, 255], k); // padding: outside the image
        continue;
      }
      id2.data.set(paint(ix, iy, (iy * IMG.w + ix) * 4), k);
    }
  }
  const tmp = document.createElement('canvas');
  tmp.width = w;
  tmp.height = h;
  tmp.getContext('2d').putImageData(id2, 0, 0);
  ctx.drawImage(tmp, 0, 0, w * scale, h * scale);
  ctx.strokeStyle = '#ffffff';
  ctx.setLineDash([4, 3]);
  ctx.lineWidth = 1;
  ctx.strokeRect(pad * scale + 0.5, pad * scale + 0.5, (w - 2 * pad) * scale - 1, (h - 2 * pad) * scale - 1);
  ctx.setLineDash([]);
  return { x0, y0 };
}

function drawZooms(box) {
  const { maps, info } = cellData;
  const win = maps.win;
  const ww = win.c1 - win.c0;
  const at = (arr, x, y) => (x >= win.c0 && x < win.c1 && y >= win.r0 && y < win.r1
    ? arr[(y - win.r0) * ww + (x - win.c0)] : 0);
  const B = IMG.bytes;
  zoomCanvas('zoom-support', box, (x, y, k) => {
    const on = at(maps.support, x, y);
    const lum = (B[k] + B[k + 1] + B[k + 2]) / 3;
    return on ? [Math.min(255, 120 + lum / 2), 255, 255, 255] : [lum / 6, lum / 6, lum / 5, 255];
  });
  zoomCanvas('zoom-erf', box, (x, y) => {
    const v = at(maps.erf, x, y);
    const [r, g, b] = ERF_RGB(Math.sqrt(v));
    return [r, g, b, 255];
  });
  // How concentrated is the ERF? Radius (from the box centre) holding half its mass.
  const cy = (box.r0 + box.r1) / 2;
  const cx = (box.c0 + box.c1) / 2;
  if (!maps.erf.some((v) => v > 0)) {
    $('erf-caption').textContent = t('conv.cell.zoom_erf_empty');
    return;
  }
  const half = halfMassRadius(maps.erf, win, cy, cx);
  $('erf-caption').textContent = t('conv.cell.zoom_erf', {
    draws: S.draws, half: (2 * half + 1).toFixed(0), r: info.r,
  });
}

function drawLastMap() {
  const c = $('lastmap');
  const last = lastRow();
  if (!last) {
    c.width = 1;
    c.height = 1;
    $('lastmap-caption').textContent = '';
    return;
  }
  // Each cell shows the photo at its receptive-field centre (built once per stack and image);
  // the picked cell is outlined.
  const scale = Math.max(1, Math.floor(256 / Math.max(last.h, last.w)));
  const key = `${IMG.serial}|${IMG.w}x${IMG.h}|${last.h}x${last.w}|${last.start}|${last.jump}|${last.r}`;
  if (lastMapCache.key !== key) {
    const id = new ImageData(last.w, last.h);
    for (let i = 0; i < last.h; i++) {
      const y = clampInt(last.start + i * last.jump + (last.r - 1) / 2, 0, IMG.h - 1);
      for (let j = 0; j < last.w; j++) {
        const x = clampInt(last.start + j * last.jump + (last.r - 1) / 2, 0, IMG.w - 1);
        const k = (y * IMG.w + x) * 4;
        const d = (i * last.w + j) * 4;
        id.data[d] = IMG.bytes[k];
        id.data[d + 1] = IMG.bytes[k + 1];
        id.data[d + 2] = IMG.bytes[k + 2];
        id.data[d + 3] = 255;
      }
    }
    const tmp = document.createElement('canvas');
    tmp.width = last.w;
    tmp.height = last.h;
    tmp.getContext('2d').putImageData(id, 0, 0);
    lastMapCache.key = key;
    lastMapCache.canvas = tmp;
  }
  if (c.width !== last.w * scale || c.height !== last.h * scale) {
    c.width = last.w * scale;
    c.height = last.h * scale;
  }
  const ctx = crisp(c);
  ctx.drawImage(lastMapCache.canvas, 0, 0, c.width, c.height);
  if (cellData) {
    ctx.strokeStyle = '#ff2d55';
    ctx.lineWidth = Math.max(2, scale / 3);
    const pad = Math.max(2, scale);
    ctx.strokeRect(cellData.col * scale - pad, cellData.row * scale - pad, scale + 2 * pad, scale + 2 * pad);
  }
  $('lastmap-caption').textContent = t('conv.cell.lastmap_caption', { h: last.h, w: last.w, c: last.c });
}

function pickFromPhoto(ev) {
  const last = lastRow();
  if (!last) return;
  const c = $('photo');
  const p = pointerPos(c, ev);
  const y = ((p.y - c.clientTop) / c.clientHeight) * IMG.h;
  const x = ((p.x - c.clientLeft) / c.clientWidth) * IMG.w;
  // The cell whose box centre is nearest: start + i*jump + (r-1)/2 ~ y.
  const i = clampInt((y - 0.5 - last.start - (last.r - 1) / 2) / last.jump, 0, last.h - 1);
  const j = clampInt((x - 0.5 - last.start - (last.r - 1) / 2) / last.jump, 0, last.w - 1);
  setCell(i, j);
}

function pickFromLastMap(ev) {
  const last = lastRow();
  if (!last) return;
  const c = $('lastmap');
  const p = pointerPos(c, ev);
  // Content box: the canvas has a border, and at 512 cells in 272 px one pixel is two cells.
  const y = (p.y - c.clientTop) / c.clientHeight;
  const x = (p.x - c.clientLeft) / c.clientWidth;
  setCell(Math.floor(y * last.h), Math.floor(x * last.w));
}

function setCell(i, j) {
  const last = lastRow();
  if (!last) return;
  S.cell = [clampInt(i, 0, last.h - 1), clampInt(j, 0, last.w - 1)];
  saveState();
  computeCell();
}

function onKey(ev) {
  const step = ev.shiftKey ? 8 : 1;
  const d = { ArrowUp: [-step, 0], ArrowDown: [step, 0], ArrowLeft: [0, -step], ArrowRight: [0, step] }[ev.key];
  if (!d || !S.cell) return;
  ev.preventDefault();
  setCell(S.cell[0] + d[0], S.cell[1] + d[1]);
}

export function wireCell() {
  wireLoupe();
  for (const [id, key] of [['show-box', 'box'], ['show-support', 'support'], ['show-erf', 'erf']]) {
    $(id).addEventListener('change', () => {
      S.show[key] = $(id).checked;
      saveState();
      drawCell();
    });
  }
  $('draws').addEventListener('change', () => {
    S.draws = clampInt($('draws').value, 1, 32);
    $('draws').value = String(S.draws);
    saveState();
    computeCell();
  });
  $('seed').addEventListener('change', () => {
    S.seed = clampInt($('seed').value, 0, 999999);
    $('seed').value = String(S.seed);
    saveState();
    computeCell();
  });
  const photo = $('photo');
  photo.addEventListener('pointerdown', (ev) => {
    photo.focus({ preventScroll: true });
    pickFromPhoto(ev);
  });
  photo.addEventListener('keydown', onKey);
  const lm = $('lastmap');
  lm.tabIndex = 0;
  lm.addEventListener('pointerdown', pickFromLastMap);
  lm.addEventListener('keydown', onKey);
}
