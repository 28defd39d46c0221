//! Convolution and receptive-field lab. A layer stack (edited here, kept in the URL hash) runs
//! through the wasm build: `conv_stack_plan` gives every feature map's shape, receptive field
//! and cost (or the layer that breaks and why); `conv_cell_maps` gives, for the picked cell of
//! the last map, the exact support and the effective receptive field over the photo. Also: the
//! standard / separable / bottleneck cost comparison, a step-by-step conv on a small grid, and
//! classic kernels slid over the photo (weight sharing: a shifted input gives a shifted map).
//! Every number shown comes from the Rust kernels; everything runs on the main thread because a
//! click costs a few milliseconds (the cell work is done on the receptive-field crop only).
import { ready } from '../app/wasm.js';
import { initI18n, t, withLang, showError, describeError } from '../app/i18n.js';
import { readState, writeState, onStateChange, num } from '../app/state.js';
import { drawRGBA, crisp, pointerPos } from '../app/canvas.js';

const $ = (id) => document.getElementById(id);
const MAX_SIDE = 512; // own images are scaled to fit 512x512 (the lab's timing target)

// ---------------------------------------------------------------- stacks and their encoding

const conv = (k, s, p, d, out, groups = 1) => ({ type: 'conv', k, s, p, d, out, groups });
const pool = (type, k, s, p) => ({ type, k, s, p });
export const PRESETS = {
  three3: [conv(3, 1, 1, 1, 16), conv(3, 1, 1, 1, 16), conv(3, 1, 1, 1, 16)],
  dilated: [conv(3, 1, 1, 1, 16), conv(3, 1, 2, 2, 16), conv(3, 1, 4, 4, 16)],
  gridding: [conv(3, 1, 2, 2, 16), conv(3, 1, 2, 2, 16), conv(3, 1, 2, 2, 16)],
  vgg: [conv(3, 1, 1, 1, 64), conv(3, 1, 1, 1, 64), pool('maxpool', 2, 2, 0)],
  resnet: [conv(7, 2, 3, 1, 64), pool('maxpool', 3, 2, 1)],
  mobilenet: [conv(3, 2, 1, 1, 32), conv(3, 1, 1, 1, 32, 32), conv(1, 1, 0, 1, 64)],
  vgg6: [conv(3, 1, 1, 1, 32), conv(3, 1, 1, 1, 32), pool('maxpool', 2, 2, 0),
    conv(3, 1, 1, 1, 64), conv(3, 1, 1, 1, 64), pool('maxpool', 2, 2, 0)],
};
const DEFAULT_PRESET = 'dilated';

/** `c3.1.1.2.16.1_m2.2.0`: conv k.s.p.d.out.groups, m/a (max/avg pool) k.s.p. */
export function encodeStack(layers) {
  return layers.map((l) => (l.type === 'conv'
    ? `c${l.k}.${l.s}.${l.p}.${l.d}.${l.out}.${l.groups}`
    : `${l.type === 'maxpool' ? 'm' : 'a'}${l.k}.${l.s}.${l.p}`)).join('_');
}

export function decodeStack(text) {
  if (!text) return null;
  const out = [];
  for (const part of text.split('_')) {
    const m = /^([cma])(\d+(?:\.\d+)*)$/.exec(part);
    if (!m) return null;
    const v = m[2].split('.').map(Number);
    if (m[1] === 'c') {
      if (v.length !== 6) return null;
      out.push(conv(...v));
    } else {
      if (v.length !== 3) return null;
      out.push(pool(m[1] === 'm' ? 'maxpool' : 'avgpool', ...v));
    }
  }
  return out.length ? out : null;
}

const sameStack = (a, b) => encodeStack(a) === encodeStack(b);

// ---------------------------------------------------------------- state

const S = {
  stack: PRESETS[DEFAULT_PRESET].map((l) => ({ ...l })),
  cell: null, // [row, col] in the last map; null = centre
  seed: 1,
  draws: 8,
  show: { box: true, support: true, erf: false },
  compare: false,
  sl: { s: 1, p: 1, d: 1, step: 0 },
  fm: { kernel: 'sobel_x', custom: [0, -1, 0, -1, 4, -1, 0, -1, 0], pool: 'none', dx: 5, dy: 3 },
};

function loadState() {
  const st = readState();
  const decoded = decodeStack(st.stack);
  if (decoded) S.stack = decoded;
  else if (st.preset && PRESETS[st.preset]) S.stack = PRESETS[st.preset].map((l) => ({ ...l }));
  const cell = /^(\d+),(\d+)$/.exec(st.cell || '');
  S.cell = cell ? [Number(cell[1]), Number(cell[2])] : null;
  S.seed = num(st, 'seed', 1, { min: 0, max: 999999 });
  S.draws = num(st, 'draws', 8, { min: 1, max: 32 });
  if (/^[01]{3}$/.test(st.show || '')) {
    S.show = { box: st.show[0] === '1', support: st.show[1] === '1', erf: st.show[2] === '1' };
  }
  S.compare = st.cmp === '1';
  const sl = (st.slide || '').split(',').map(Number);
  if (sl.length === 4 && sl.every(Number.isFinite)) {
    S.sl = { s: clampInt(sl[0], 1, 3), p: clampInt(sl[1], 0, 3), d: clampInt(sl[2], 1, 3), step: Math.max(0, sl[3] | 0) };
  }
  if (['sobel_x', 'sobel_y', 'blur', 'sharpen', 'custom'].includes(st.fk)) S.fm.kernel = st.fk;
  const fw = (st.fw || '').split(',').map(Number);
  if (fw.length === 9 && fw.every(Number.isFinite)) S.fm.custom = fw;
  if (['none', 'max', 'avg'].includes(st.pool)) S.fm.pool = st.pool;
  S.fm.dx = num(st, 'dx', 5, { min: -32, max: 32 }) | 0;
  S.fm.dy = num(st, 'dy', 3, { min: -32, max: 32 }) | 0;
}

function saveState() {
  writeState({
    stack: encodeStack(S.stack),
    preset: null,
    cell: S.cell ? S.cell.join(',') : null,
    seed: S.seed,
    draws: S.draws,
    show: ['box', 'support', 'erf'].map((k) => (S.show[k] ? '1' : '0')).join(''),
    cmp: S.compare ? '1' : null,
    slide: [S.sl.s, S.sl.p, S.sl.d, S.sl.step].join(','),
    fk: S.fm.kernel,
    fw: S.fm.kernel === 'custom' ? S.fm.custom.join(',') : null,
    pool: S.fm.pool,
    dx: S.fm.dx,
    dy: S.fm.dy,
  });
}

function clampInt(v, lo, hi) {
  return Math.min(hi, Math.max(lo, Math.round(Number(v) || 0)));
}

// ---------------------------------------------------------------- wasm + image

let dl = null;
const IMG = { w: 0, h: 0, rgba: null, bytes: null, tensor: null, gray: null, name: '' };
let plan = null; // last conv_stack_plan result

const mem = () => dl.wasm_memory().buffer;

function codedError(code, vars) {
  const e = new Error(`${code}: ${JSON.stringify(vars)}`);
  e.code = code;
  e.vars = vars;
  return e;
}

/** Decode an image Blob, scale it to fit MAX_SIDE, and make the wasm tensors of it. */
async function setImage(blob, name) {
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
  let img = dl.RgbaImage.fromRgba(data, width, height);
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
  IMG.bytes = new Uint8ClampedArray(mem(), img.ptr(), img.byteLength).slice();
  IMG.tensor = dl.image_to_tensor(img, false);
  IMG.gray = dl.image_to_tensor(img, true);
  IMG.name = name;
  IMG.serial = (IMG.serial || 0) + 1;
  IMG.scaled = scale < 1 ? { from: `${width}×${height}` } : null;
}

async function loadSample() {
  const url = new URL('../samples/astronaut.png', import.meta.url);
  const res = await fetch(url);
  if (!res.ok) throw codedError('conv_sample_missing', { status: res.status });
  await setImage(await res.blob(), 'astronaut.png');
}

// ---------------------------------------------------------------- the layer editor

const FIELDS = {
  conv: ['k', 's', 'p', 'd', 'out', 'groups'],
  maxpool: ['k', 's', 'p'],
  avgpool: ['k', 's', 'p'],
};

function renderPresets() {
  const box = $('preset-buttons');
  box.replaceChildren(...Object.keys(PRESETS).map((name) => {
    const b = document.createElement('button');
    b.type = 'button';
    b.dataset.preset = name;
    b.textContent = t(`conv.preset.${name}`);
    b.setAttribute('aria-pressed', String(sameStack(S.stack, PRESETS[name])));
    b.addEventListener('click', () => {
      S.stack = PRESETS[name].map((l) => ({ ...l }));
      S.cell = null;
      stackChanged();
    });
    return b;
  }));
}

function renderLayers() {
  const list = $('layers');
  const items = S.stack.map((l, i) => {
    const li = document.createElement('li');
    li.className = 'layer';
    li.dataset.layer = String(i + 1);
    const idx = document.createElement('span');
    idx.className = 'idx';
    idx.textContent = `${i + 1}`;
    const type = document.createElement('select');
    type.setAttribute('aria-label', t('conv.stack.type'));
    type.dataset.field = 'type';
    for (const v of ['conv', 'maxpool', 'avgpool']) {
      const o = document.createElement('option');
      o.value = v;
      o.textContent = t(`conv.type.${v}`);
      type.append(o);
    }
    type.value = l.type;
    type.addEventListener('change', () => {
      const cur = S.stack[i];
      S.stack[i] = type.value === 'conv'
        ? conv(cur.k, cur.s, cur.p, 1, 16, 1)
        : pool(type.value, cur.k, cur.s, Math.min(cur.p, Math.floor(cur.k / 2)));
      stackChanged();
    });
    li.append(idx, type);
    for (const f of FIELDS[l.type]) {
      const lab = document.createElement('label');
      const span = document.createElement('span');
      span.textContent = t(`conv.field.${f}`);
      const inp = document.createElement('input');
      inp.type = 'number';
      inp.inputMode = 'numeric';
      inp.dataset.field = f;
      inp.min = f === 'p' ? '0' : '0';
      inp.max = '512';
      inp.value = String(l[f]);
      inp.addEventListener('change', () => {
        const v = Number(inp.value);
        // Negative or fractional entries cannot be layers; 0 is allowed through so that the
        // kernel's own message ("dilation must be >= 1, got 0") appears at this layer.
        S.stack[i][f] = Number.isFinite(v) ? Math.max(0, Math.round(v)) : 0;
        stackChanged();
      });
      lab.append(span, inp);
      li.append(lab);
    }
    const tools = document.createElement('span');
    tools.className = 'tools';
    const tool = (label, key, fn, disabled = false) => {
      const b = document.createElement('button');
      b.type = 'button';
      b.textContent = label;
      b.setAttribute('aria-label', t(key, { n: i + 1 }));
      b.disabled = disabled;
      b.addEventListener('click', fn);
      tools.append(b);
    };
    tool('↑', 'conv.stack.up', () => { swap(i, i - 1); }, i === 0);
    tool('↓', 'conv.stack.down', () => { swap(i, i + 1); }, i === S.stack.length - 1);
    tool('✕', 'conv.stack.remove', () => {
      S.stack.splice(i, 1);
      stackChanged();
    }, S.stack.length === 1);
    li.append(tools);
    return li;
  });
  list.replaceChildren(...items);
  $('input-line').textContent = IMG.w
    ? t('conv.stack.input', { w: IMG.w, h: IMG.h, name: IMG.name })
    : '';
}

function swap(a, b) {
  [S.stack[a], S.stack[b]] = [S.stack[b], S.stack[a]];
  stackChanged();
}

function stackChanged() {
  saveState();
  renderPresets();
  renderLayers();
  update();
}

// ---------------------------------------------------------------- plan + table

const fmtInt = (v) => Number(v).toLocaleString('en-US');
function fmtBig(v) {
  if (v >= 1e9) return `${(v / 1e9).toFixed(2)} G`;
  if (v >= 1e6) return `${(v / 1e6).toFixed(2)} M`;
  if (v >= 1e4) return `${(v / 1e3).toFixed(1)} k`;
  return fmtInt(v);
}

function describeLayer(l) {
  if (l.type === 'conv') {
    return t(l.groups > 1 ? 'conv.desc.conv_groups' : 'conv.desc.conv', l);
  }
  return t(`conv.desc.${l.type}`, l);
}

function renderPlan() {
  const tbody = $('layer-table').querySelector('tbody');
  const rows = [];
  const err = plan.error;
  let c = 3;
  S.stack.forEach((l, i) => {
    const tr = document.createElement('tr');
    tr.dataset.layer = String(i + 1);
    const r = plan.rows[i];
    const cells = [`${i + 1}`, describeLayer(l)];
    if (r) {
      cells.push(`${r.c}×${r.h}×${r.w}`, r.r, r.jump, r.start, fmtInt(r.params), fmtBig(r.macs));
    }
    cells.forEach((v, k) => {
      const td = document.createElement('td');
      td.textContent = String(v);
      if (k >= 2) td.className = 'num';
      tr.append(td);
    });
    if (!r) {
      const td = document.createElement('td');
      td.colSpan = 6;
      if (err && err.layer === i + 1) {
        tr.className = 'broken';
        td.textContent = t('conv.table.breaks', { message: err.message });
      } else {
        td.textContent = '—';
      }
      tr.append(td);
    }
    rows.push(tr);
    if (S.compare && r && l.type === 'conv' && l.groups === 1 && l.k > 1) {
      const alts = dl.conv_alternatives(c, l.out, l.k, r.h, r.w);
      for (const a of alts) {
        const sub = document.createElement('tr');
        sub.className = 'alt';
        sub.dataset.alt = a.name;
        const parts = a.parts.map((p) => p.name).join(' + ');
        const vals = ['', `${t(`conv.alt.${a.name}`)}: ${parts}`, '', '', '', '',
          a.parts.length > 1 ? `${a.parts.map((p) => fmtInt(p.params)).join(' + ')} = ${fmtInt(a.params)}` : fmtInt(a.params),
          fmtBig(a.macs)];
        vals.forEach((v, k) => {
          const td = document.createElement('td');
          td.textContent = v;
          if (k >= 2) td.className = 'num';
          sub.append(td);
        });
        rows.push(sub);
      }
    }
    if (r) c = r.c;
  });
  tbody.replaceChildren(...rows);

  // Mark the editor too: the layer that breaks, and the ones after it.
  for (const li of $('layers').children) {
    const n = Number(li.dataset.layer);
    li.classList.toggle('broken', !!err && n === err.layer);
    li.classList.toggle('after-break', !!err && n > err.layer);
    li.querySelector('.why')?.remove();
    if (err && n === err.layer) {
      const p = document.createElement('p');
      p.className = 'why';
      p.textContent = t('conv.stack.breaks', { n, message: err.message });
      li.append(p);
    }
  }
  const se = $('stack-error');
  se.hidden = !err;
  se.textContent = err ? t('conv.stack.breaks', { n: err.layer, message: err.message }) : '';

  const [std, sep] = dl.conv_alternatives(3, 4, 3, 1, 1);
  $('cheat-line').textContent = t('conv.table.cheat', {
    std: std.params, dw: sep.parts[0].params, pw: sep.parts[1].params, sep: sep.params,
  });
}

// ---------------------------------------------------------------- the cell

let cellData = null; // {row, col, info, maps, ms}
const lastMapCache = { key: '', canvas: null };

function lastRow() {
  return plan && !plan.error && plan.rows.length ? plan.rows[plan.rows.length - 1] : null;
}

/** The formula's box for cell (i, j): rows/cols [start + i*jump, start + i*jump + r - 1]. */
export function boxOf(info, i, j) {
  const r0 = info.start + i * info.jump;
  const c0 = info.start + j * info.jump;
  return { r0, r1: r0 + info.r - 1, c0, c1: c0 + info.r - 1 };
}

function computeCell() {
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
    maps = dl.conv_cell_maps(S.stack, IMG.tensor, i, j, S.seed, S.draws);
  } catch (e) {
    error = e;
  }
  const ms = performance.now() - t0;
  cellData = { row: i, col: j, info: last, maps, ms, error };
  drawCell();
  document.body.dataset.cellUpdates = String(Number(document.body.dataset.cellUpdates || 0) + 1);
}

function drawPhoto() {
  const photo = $('photo');
  drawRGBA(photo, IMG.bytes, IMG.w, IMG.h);
  photo.style.aspectRatio = `${IMG.w} / ${IMG.h}`;
  const ov = $('overlay');
  ov.width = IMG.w * 2;
  ov.height = IMG.h * 2;
}

const ERF_RGB = (v) => {
  // black-body-like: dark red -> orange -> yellow -> white
  const r = Math.min(1, v * 2.2);
  const g = Math.min(1, Math.max(0, v * 2 - 0.35));
  const b = Math.min(1, Math.max(0, v * 3 - 2));
  return [r * 255, g * 255, b * 255];
};

function drawCell() {
  const ov = $('overlay');
  const ctx = ov.getContext('2d');
  ctx.setTransform(1, 0, 0, 1, 0, 0);
  ctx.clearRect(0, 0, ov.width, ov.height);
  const ro = (id, v) => { $(id).textContent = v; };
  const cd = cellData;
  if (!cd || cd.error || !cd.maps) {
    for (const id of ['ro-cell', 'ro-r', 'ro-jump', 'ro-start', 'ro-rows', 'ro-cols', 'ro-clip', 'ro-support', 'ro-time']) ro(id, '–');
    const ie = $('image-error');
    if (cd?.error) {
      ie.hidden = false;
      ie.textContent = describeError(cd.error);
    }
    drawLastMap();
    clearZooms();
    return;
  }
  const { info, maps, row, col } = cd;
  const box = boxOf(info, row, col);
  const win = maps.win;
  ctx.scale(2, 2);
  // (c) ERF heat, under everything else.
  if (S.show.erf) {
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
    ctx.strokeStyle = '#ff2d55';
    ctx.lineWidth = 1.5;
    ctx.strokeRect(win.c0, win.r0, win.c1 - win.c0, win.r1 - win.r0);
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
  const nWin = (win.r1 - win.r0) * (win.c1 - win.c0);
  ro('ro-cell', `(${row}, ${col})`);
  ro('ro-r', String(info.r));
  ro('ro-jump', String(info.jump));
  ro('ro-start', String(info.start));
  ro('ro-rows', `${box.r0}..${box.r1}`);
  ro('ro-cols', `${box.c0}..${box.c1}`);
  ro('ro-clip', t('conv.cell.clip_value', { r0: win.r0, r1: win.r1 - 1, c0: win.c0, c1: win.c1 - 1 }));
  ro('ro-support', t('conv.cell.support_value', { n: fmtInt(nSupport), of: fmtInt(nWin), holes: fmtInt(nWin - nSupport) }));
  ro('ro-time', `${cd.ms.toFixed(1)} ms`);
  $('image-error').hidden = true;
  drawLastMap();
  drawZooms(box);
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
  const dist = [];
  let total = 0;
  for (let y = win.r0; y < win.r1; y++) {
    for (let x = win.c0; x < win.c1; x++) {
      const v = at(maps.erf, x, y);
      if (v > 0) {
        dist.push([Math.max(Math.abs(y - cy), Math.abs(x - cx)), v]);
        total += v;
      }
    }
  }
  dist.sort((a, b) => a[0] - b[0]);
  let acc = 0;
  let half = 0;
  for (const [d, v] of dist) {
    acc += v;
    if (acc >= total / 2) {
      half = d;
      break;
    }
  }
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

// ---------------------------------------------------------------- update

function update() {
  if (!dl || !IMG.tensor) return;
  try {
    plan = dl.conv_stack_plan(S.stack, 3, IMG.h, IMG.w);
  } catch (e) {
    plan = { rows: [], error: { layer: 1, message: describeError(e) } };
  }
  renderPlan();
  computeCell();
  document.body.dataset.convReady = '1';
}

// ---------------------------------------------------------------- sliding kernel

const SL_N = 7;
const SL_X = (() => {
  let s = 3;
  return Array.from({ length: SL_N * SL_N }, () => {
    s = (Math.imul(s, 1664525) + 1013904223) >>> 0;
    return (s >>> 24) % 10;
  });
})();
const SL_W = [1, 0, -1, 2, 1, -2, 1, 0, -1];
let slTimer = null;
let slOut = null; // {data, oh, ow} or null

function slideCompute() {
  const { s, p, d } = S.sl;
  $('sl-error').hidden = true;
  slOut = null;
  const x = new dl.Tensor(Float32Array.from(SL_X), [1, 1, SL_N, SL_N]);
  const w = new dl.Tensor(Float32Array.from(SL_W), [1, 1, 3, 3]);
  try {
    const y = dl.conv2d(x, w, undefined, { stride: s, padding: p, dilation: d });
    const [, , oh, ow] = y.shape;
    slOut = { data: y.toArray(), oh, ow };
    y.free();
  } catch (e) {
    $('sl-error').hidden = false;
    $('sl-error').textContent = describeError(e);
  } finally {
    x.free();
    w.free();
  }
  if (slOut) S.sl.step %= slOut.oh * slOut.ow;
  slideDraw();
}

function gridCanvas(canvas, rows, cols, cell, label) {
  const dpr = window.devicePixelRatio || 1;
  const w = cols * cell + 2;
  const h = rows * cell + 22;
  canvas.width = Math.round(w * dpr);
  canvas.height = Math.round(h * dpr);
  canvas.style.width = `${w}px`;
  const ctx = canvas.getContext('2d');
  ctx.setTransform(dpr, 0, 0, dpr, 0, 0);
  ctx.clearRect(0, 0, w, h);
  ctx.font = `600 12px ${getComputedStyle(document.body).fontFamily}`;
  ctx.fillStyle = '#57606a';
  ctx.textBaseline = 'top';
  ctx.fillText(label, 1, 2);
  ctx.translate(1, 20);
  return ctx;
}

function cellBox(ctx, r, c, cell, text, { fill = '#fff', stroke = '#d0d7de', ink = '#1f2328', bold = false } = {}) {
  ctx.fillStyle = fill;
  ctx.fillRect(c * cell, r * cell, cell, cell);
  ctx.strokeStyle = stroke;
  ctx.lineWidth = stroke === '#d0d7de' ? 1 : 2.5;
  ctx.strokeRect(c * cell + 0.5, r * cell + 0.5, cell - 1, cell - 1);
  ctx.fillStyle = ink;
  ctx.font = `${bold ? 700 : 400} ${Math.round(cell * 0.42)}px ${getComputedStyle(document.body).fontFamily}`;
  ctx.textAlign = 'center';
  ctx.textBaseline = 'middle';
  ctx.fillText(text, c * cell + cell / 2, r * cell + cell / 2 + 1);
  ctx.textAlign = 'left';
}

function slideDraw() {
  const { s, p, d } = S.sl;
  const n = SL_N + 2 * p;
  const cell = Math.max(20, Math.min(32, Math.floor(Math.min(340, window.innerWidth - 60) / n)));
  const ctx = gridCanvas($('sl-input'), n, n, cell, t('conv.slide.input_label', { p }));
  let taps = [];
  let oi = 0;
  let oj = 0;
  if (slOut) {
    oi = Math.floor(S.sl.step / slOut.ow);
    oj = S.sl.step % slOut.ow;
    for (let u = 0; u < 3; u++) for (let v = 0; v < 3; v++) taps.push([oi * s + u * d, oj * s + v * d, u * 3 + v]);
  }
  const tapAt = new Map(taps.map(([r, c, k]) => [`${r},${c}`, k]));
  for (let r = 0; r < n; r++) {
    for (let c = 0; c < n; c++) {
      const inside = r >= p && c >= p && r < p + SL_N && c < p + SL_N;
      const v = inside ? SL_X[(r - p) * SL_N + (c - p)] : 0;
      const hit = tapAt.has(`${r},${c}`);
      cellBox(ctx, r, c, cell, String(v), {
        fill: hit ? '#ddeaff' : inside ? '#fff' : '#eef1f4',
        stroke: hit ? '#0b5cd5' : '#d0d7de',
        ink: inside ? '#1f2328' : '#8c959f',
        bold: hit,
      });
    }
  }
  const kc = Math.max(cell, 28);
  const kctx = gridCanvas($('sl-kernel'), 3, 3, kc, t('conv.slide.kernel_label'));
  SL_W.forEach((v, k) => cellBox(kctx, Math.floor(k / 3), k % 3, kc, String(v), { fill: '#fff8e6' }));
  if (!slOut) {
    gridCanvas($('sl-output'), 1, 1, cell, t('conv.slide.output_label', { h: 0, w: 0 }));
    $('sl-sum').textContent = '';
    return;
  }
  const octx = gridCanvas($('sl-output'), slOut.oh, slOut.ow, cell, t('conv.slide.output_label', { h: slOut.oh, w: slOut.ow }));
  for (let i = 0; i < slOut.oh; i++) {
    for (let j = 0; j < slOut.ow; j++) {
      const k = i * slOut.ow + j;
      const done = k <= S.sl.step;
      cellBox(octx, i, j, cell, done ? String(slOut.data[k]) : '', {
        fill: k === S.sl.step ? '#ddeaff' : done ? '#fff' : '#f6f8fa',
        stroke: k === S.sl.step ? '#0b5cd5' : '#d0d7de',
        bold: k === S.sl.step,
      });
    }
  }
  const terms = taps.map(([r, c, k]) => {
    const inside = r >= p && c >= p && r < p + SL_N && c < p + SL_N;
    const v = inside ? SL_X[(r - p) * SL_N + (c - p)] : 0;
    return `${v}·${SL_W[k] < 0 ? `(${SL_W[k]})` : SL_W[k]}`;
  });
  $('sl-sum').textContent = t('conv.slide.sum', {
    i: oi, j: oj, terms: terms.join(' + '), y: slOut.data[S.sl.step],
    r0: oi * s - p, c0: oj * s - p,
  });
}

function slideStep(delta) {
  if (!slOut) return;
  const n = slOut.oh * slOut.ow;
  S.sl.step = (S.sl.step + delta + n) % n;
  saveState();
  slideDraw();
}

function slidePlay() {
  const b = $('sl-play');
  if (slTimer) {
    clearInterval(slTimer);
    slTimer = null;
    b.textContent = t('conv.slide.play');
    b.setAttribute('aria-pressed', 'false');
    return;
  }
  b.textContent = t('conv.slide.pause');
  b.setAttribute('aria-pressed', 'true');
  slTimer = setInterval(() => slideStep(1), 900);
}

// ---------------------------------------------------------------- feature maps

const KERNELS = {
  sobel_x: [-1, 0, 1, -2, 0, 2, -1, 0, 1],
  sobel_y: [-1, -2, -1, 0, 0, 0, 1, 2, 1],
  blur: [1, 2, 1, 2, 4, 2, 1, 2, 1].map((v) => v / 16),
  sharpen: [0, -1, 0, -1, 5, -1, 0, -1, 0],
};

function kernelWeights() {
  return S.fm.kernel === 'custom' ? S.fm.custom : KERNELS[S.fm.kernel];
}

function renderKernelInputs() {
  const box = $('fm-weights');
  const w = kernelWeights();
  box.replaceChildren(...w.map((v, k) => {
    const inp = document.createElement('input');
    inp.type = 'number';
    inp.step = 'any';
    inp.value = String(Math.round(v * 10000) / 10000);
    inp.setAttribute('aria-label', t('conv.maps.weight', { r: Math.floor(k / 3), c: k % 3 }));
    inp.addEventListener('change', () => {
      const cur = kernelWeights().slice();
      const x = Number(inp.value);
      cur[k] = Number.isFinite(x) ? x : 0;
      S.fm.custom = cur;
      S.fm.kernel = 'custom';
      $('fm-kernel').value = 'custom';
      saveState();
      featureMaps();
    });
    return inp;
  }));
}

/** Draws tensor `t` (channel 0) on canvas `id`; frees what it allocates. */
function showTensor(id, tensor, mode) {
  const r = dl.tensor_to_rgba(tensor, 0, mode);
  const img = r.image;
  drawRGBA($(id), new Uint8ClampedArray(mem(), img.ptr(), img.byteLength), img.width, img.height);
  img.free();
  return r;
}

function featureMaps() {
  if (!IMG.gray) return;
  const wv = kernelWeights();
  const signed = wv.some((v) => v < 0);
  const mode = signed ? 'signed' : 'range';
  const w = new dl.Tensor(Float32Array.from(wv), [1, 1, 3, 3]);
  const tmp = [w];
  const keep = (x) => { tmp.push(x); return x; };
  try {
    const stage = (x) => {
      const y = keep(dl.conv2d(x, w, undefined, { padding: 1 }));
      if (S.fm.pool === 'max') return keep(dl.max_pool2d(y, { kernel_size: 2 }));
      if (S.fm.pool === 'avg') return keep(dl.avg_pool2d(y, { kernel_size: 2 }));
      return y;
    };
    showTensor('fm-in', IMG.gray, 'range');
    const out = stage(IMG.gray);
    const r = showTensor('fm-out', out, mode);
    const [, , oh, ow] = out.shape;
    $('fm-out-cap').textContent = t(S.fm.pool === 'none' ? 'conv.maps.out_cap' : 'conv.maps.out_cap_pool', {
      h: oh, w: ow, lo: r.lo.toFixed(2), hi: r.hi.toFixed(2), pool: t(`conv.maps.pool_${S.fm.pool}`),
    });
    // Weight sharing: the map of the shifted photo vs the shifted map.
    const { dx, dy } = S.fm;
    const shifted = keep(dl.shift_tensor(IMG.gray, dy, dx));
    const outShifted = stage(shifted);
    showTensor('fm-shift', outShifted, mode);
    $('fm-shift-cap').textContent = t('conv.maps.shift_cap', { dx, dy });
    const stride = S.fm.pool === 'none' ? 1 : 2;
    let check;
    if (dx % stride !== 0 || dy % stride !== 0) {
      // Pooling with stride 2: a shift by an odd number of pixels regroups the windows.
      const a = outShifted.toArray();
      const b = out.toArray();
      let differ = 0;
      let count = 0;
      const mx = Math.ceil(Math.abs(dx) / stride) + 2;
      const my = Math.ceil(Math.abs(dy) / stride) + 2;
      for (let i = my; i < oh - my; i++) {
        for (let j = mx; j < ow - mx; j++) {
          const si = i - Math.round(dy / stride);
          const sj = j - Math.round(dx / stride);
          count++;
          if (Math.abs(a[i * ow + j] - b[si * ow + sj]) > 1e-6) differ++;
        }
      }
      check = t('conv.maps.check_pool', { dx, dy, pct: ((100 * differ) / Math.max(1, count)).toFixed(0) });
    } else {
      const back = keep(dl.shift_tensor(out, dy / stride, dx / stride));
      const a = outShifted.toArray();
      const b = back.toArray();
      let maxDiff = 0;
      const mx = Math.abs(dx / stride) + 2;
      const my = Math.abs(dy / stride) + 2;
      for (let i = my; i < oh - my; i++) {
        for (let j = mx; j < ow - mx; j++) maxDiff = Math.max(maxDiff, Math.abs(a[i * ow + j] - b[i * ow + j]));
      }
      check = t(stride === 1 ? 'conv.maps.check_equal' : 'conv.maps.check_equal_pool', {
        dx, dy, diff: maxDiff === 0 ? '0' : maxDiff.toExponential(1),
      });
    }
    $('fm-check').textContent = check;
  } catch (e) {
    $('fm-check').textContent = describeError(e);
  } finally {
    for (const x of tmp) x.free();
  }
}

// ---------------------------------------------------------------- wiring

function applyControls() {
  $('show-box').checked = S.show.box;
  $('show-support').checked = S.show.support;
  $('show-erf').checked = S.show.erf;
  $('draws').value = String(S.draws);
  $('seed').value = String(S.seed);
  $('compare').checked = S.compare;
  $('sl-s').value = String(S.sl.s);
  $('sl-p').value = String(S.sl.p);
  $('sl-d').value = String(S.sl.d);
  $('fm-kernel').value = S.fm.kernel;
  $('fm-pool').value = S.fm.pool;
  $('fm-dx').value = String(S.fm.dx);
  $('fm-dy').value = String(S.fm.dy);
}

function wire() {
  $('add-conv').addEventListener('click', () => {
    const last = S.stack[S.stack.length - 1];
    S.stack.push(conv(3, 1, 1, 1, last?.type === 'conv' ? last.out : 16));
    stackChanged();
  });
  $('add-pool').addEventListener('click', () => {
    S.stack.push(pool('maxpool', 2, 2, 0));
    stackChanged();
  });
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
  $('compare').addEventListener('change', () => {
    S.compare = $('compare').checked;
    saveState();
    renderPlan();
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

  $('image-choice').addEventListener('change', async () => {
    if ($('image-choice').value === 'own') {
      $('file').click();
      return;
    }
    await withImage(loadSample());
  });
  $('file').addEventListener('change', async () => {
    const f = $('file').files?.[0];
    if (!f) return;
    await withImage(setImage(f, f.name));
  });

  for (const id of ['sl-s', 'sl-p', 'sl-d']) {
    $(id).addEventListener('change', () => {
      S.sl.s = clampInt($('sl-s').value, 1, 3);
      S.sl.p = clampInt($('sl-p').value, 0, 3);
      S.sl.d = clampInt($('sl-d').value, 1, 3);
      S.sl.step = 0;
      saveState();
      slideCompute();
    });
  }
  $('sl-prev').addEventListener('click', () => slideStep(-1));
  $('sl-next').addEventListener('click', () => slideStep(1));
  $('sl-play').addEventListener('click', slidePlay);

  $('fm-kernel').addEventListener('change', () => {
    S.fm.kernel = $('fm-kernel').value;
    saveState();
    renderKernelInputs();
    featureMaps();
  });
  $('fm-pool').addEventListener('change', () => {
    S.fm.pool = $('fm-pool').value;
    saveState();
    featureMaps();
  });
  for (const id of ['fm-dx', 'fm-dy']) {
    $(id).addEventListener('change', () => {
      S.fm.dx = clampInt($('fm-dx').value, -32, 32);
      S.fm.dy = clampInt($('fm-dy').value, -32, 32);
      saveState();
      featureMaps();
    });
  }
  onStateChange(() => {
    loadState();
    applyControls();
    renderAll();
  });
  document.addEventListener('langchange', () => {
    if (dl) renderAll();
  });
}

async function withImage(promise) {
  const ie = $('image-error');
  try {
    await promise;
    ie.hidden = true;
    drawPhoto();
    renderLayers();
    S.cell = null;
    update();
    featureMaps();
  } catch (e) {
    ie.hidden = false;
    ie.textContent = describeError(e);
    document.body.dataset.imageError = String(Number(document.body.dataset.imageError || 0) + 1);
  } finally {
    $('file').value = '';
    $('image-choice').value = IMG.name === 'astronaut.png' ? 'astronaut' : 'own';
  }
}

function renderAll() {
  renderPresets();
  renderLayers();
  renderKernelInputs();
  update();
  slideCompute();
  featureMaps();
  for (const a of document.querySelectorAll('a[data-keep-lang]')) {
    a.href = withLang(a.getAttribute('href').split('#')[0]);
  }
}

async function main() {
  loadState();
  wire();
  applyControls();
  await initI18n();
  dl = await ready();
  await loadSample();
  drawPhoto();
  renderAll();
  window.__convLab = { S, plan: () => plan, cell: () => cellData, PRESETS, boxOf };
}

main().catch((err) => {
  showError(err);
  document.body.dataset.convReady = 'error';
});
