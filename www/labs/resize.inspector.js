//! The resize lab's pixel inspector in the page: the summary (pixel, value, the check against the
//! image), the neighbour figure (source pixels as coloured cells with the sample point), and the
//! lines and rows of resize.formula.js (source coordinate, taps and weights, the filled-in formula
//! for one channel with its channel tabs, all channels) as DOM. No arithmetic of its own beyond
//! the figure's layout.
import { fitCanvas } from '../app/canvas.js';
import {
  CH, fmt, methodKind, whereLines, tapRows, formulaLines, channelRows, centroid,
} from './resize.formula.js';

function el(tag, cls, text) {
  const e = document.createElement(tag);
  if (cls) e.className = cls;
  if (text !== undefined) e.textContent = text;
  return e;
}

/** A `.formula` box holding `lines` ({text, cls}). */
function formulaBox(lines) {
  const box = el('div', 'formula');
  for (const { text, cls } of lines) box.append(el('div', `fl ${cls}`.trim(), text));
  return box;
}

/**
 * Render inspection `ins` (the worker's inspect answer: inspect() fields plus x, y, w, h, method,
 * pixel) into `root`. ctx: {t, which, ch (0-3), inW, inH, onChannel(ch)}.
 */
export function renderInspector(root, ins, ctx) {
  const { t } = ctx;
  const ch = ctx.ch;
  const kind = methodKind(ins.method);
  const value = ins.value;
  const frag = document.createDocumentFragment();

  // ---- summary: the pixel, its value, the check against the image ----
  const top = el('div', 'ins-top');
  const summary = el('div', 'ins-summary');
  const p1 = el('p', 'ins-pixel');
  const sw = el('span', 'swatch');
  sw.style.setProperty('--c', `rgb(${value[0]} ${value[1]} ${value[2]} / ${value[3] / 255})`);
  const tag = el('span', 'ins-which', ctx.which || '');
  p1.append(sw, tag, t('resize.ins.pixel', { x: ins.x, y: ins.y, w: ins.w, h: ins.h }));
  const p2 = el('p', 'ins-value-line');
  p2.append(`${t('resize.ins.value')} `);
  const out = el('output', 'ins-value', `(${value.join(', ')})`);
  out.id = 'ins-value';
  out.dataset.rgba = value.join(',');
  out.dataset.x = ins.x;
  out.dataset.y = ins.y;
  out.dataset.method = ins.method;
  p2.append(out);
  const same = ins.pixel.every((v, i) => v === value[i]);
  const p3 = el('p', `ins-check ${same ? 'ok' : 'bad'}`,
    same ? t('resize.ins.same') : t('resize.ins.differs', { pixel: `(${ins.pixel.join(', ')})` }));
  summary.append(p1, p2, p3);
  top.append(summary);
  if (kind !== 'browser') top.append(neighbourFigure(ins, ch, t));
  frag.append(top);

  if (kind === 'browser') {
    frag.append(el('p', 'ins-note', t('resize.ins.browser')));
    root.replaceChildren(frag);
    return;
  }

  // ---- 1. source coordinate ----
  frag.append(el('h3', '', t('resize.ins.where')));
  frag.append(formulaBox(whereLines(ins, ctx.inW, ctx.inH, t)));

  // ---- 2. taps and weights per axis ----
  frag.append(el('h3', '', t('resize.ins.taps')));
  frag.append(tapsTable(ins, kind, t));

  // ---- 3. the formula for one channel ----
  const h3 = el('h3', 'with-tabs', t('resize.ins.formula'));
  const tabs = el('span', 'seg seg-small');
  tabs.setAttribute('role', 'group');
  tabs.setAttribute('aria-label', t('resize.ins.channel'));
  CH.forEach((name, c) => {
    const b = el('button', '', name);
    b.type = 'button';
    b.dataset.channel = String(c);
    b.setAttribute('aria-pressed', String(c === ch));
    b.addEventListener('click', () => ctx.onChannel(c));
    tabs.append(b);
  });
  h3.append(' ', tabs);
  frag.append(h3);
  const f = formulaBox(formulaLines(ins, ch, t));
  f.id = 'ins-formula';
  const fin = el('div', 'fl final');
  fin.append(t('resize.ins.final', { ch: CH[ch] }), ' ');
  const b = el('strong', '', String(value[ch]));
  b.id = 'ins-final';
  b.dataset.channel = CH[ch];
  fin.append(b);
  fin.append(same ? `  ✓ ${t('resize.ins.on_canvas')}` : '');
  f.append(fin);
  frag.append(f);

  // ---- all channels ----
  frag.append(channelsTable(ins, t));
  root.replaceChildren(frag);
}

/** A table with header cells `head` (with classes) and a body made by `fill(tbody)`. */
function table(cls, head, fill) {
  const wrap = el('div', 'table-scroll');
  const tb = el('table', cls);
  const tr = el('tr');
  for (const [text, hcls] of head) tr.append(el('th', hcls, text));
  const thead = el('thead');
  thead.append(tr);
  tb.append(thead);
  const body = el('tbody');
  fill(body);
  tb.append(body);
  wrap.append(tb);
  return wrap;
}

function tapsTable(ins, kind, t) {
  const head = [t('resize.ins.axis'), t('resize.ins.index'), t('resize.ins.weight')].map((h) => [h, '']);
  const wrap = table('taps', head, (body) => {
    for (const cells of tapRows(ins)) {
      const tr = el('tr');
      for (const c of cells) tr.append(el('td', 'mono', c));
      body.append(tr);
    }
  });
  const frag = document.createDocumentFragment();
  frag.append(wrap);
  if (kind === 'opencv') frag.append(el('p', 'hint', t('resize.ins.opencv_weights')));
  if (kind === 'pillow' && (ins.xs.length > 2 || ins.ys.length > 2)) {
    frag.append(el('p', 'hint', t('resize.ins.pillow_aa', { nx: ins.xs.length, ny: ins.ys.length })));
  }
  return frag;
}

function channelsTable(ins, t) {
  const d = el('details', 'ins-all');
  d.append(el('summary', '', t('resize.ins.all_channels')));
  const head = [['', ''], ...CH.map((c) => [c, 'num'])];
  d.append(table('', head, (body) => {
    for (const { label, vals, cls } of channelRows(ins, t)) {
      const tr = el('tr', cls);
      tr.append(el('th', 'mono', label));
      for (const v of vals) tr.append(el('td', 'num', typeof v === 'number' ? fmt(v) : v));
      body.append(tr);
    }
  }));
  return d;
}

/** The source pixels the output reads, as coloured cells with the channel value and the sample point. */
function neighbourFigure(ins, ch, t) {
  const fig = el('figure', 'ins-fig');
  const canvas = document.createElement('canvas');
  const nx = ins.xs.length;
  const ny = ins.ys.length;
  const plot = 168;
  const cell = Math.max(4, Math.floor(plot / Math.max(nx, ny, 2)));
  const ml = 50;
  const mb = 34;
  const W = ml + cell * nx + 8;
  const H = cell * ny + mb + 8;
  const ctx = fitCanvas(canvas, W, H);
  canvas.setAttribute('role', 'img');
  canvas.setAttribute('aria-label', t('resize.ins.fig'));
  const style = getComputedStyle(document.body);
  const font = style.fontFamily || 'sans-serif';
  const ink = '#1f2328';
  ctx.font = `11px ${font}`;
  // checkerboard behind translucent pixels
  for (let k = 0; k < ny; k++) {
    for (let i = 0; i < nx; i++) {
      const x = ml + i * cell;
      const y = 8 + k * cell;
      ctx.fillStyle = '#fff';
      ctx.fillRect(x, y, cell, cell);
      ctx.fillStyle = '#d5d9de';
      const q = Math.max(2, cell / 4);
      for (let a = 0; a < cell; a += q) {
        for (let b = 0; b < cell; b += q) if (((a + b) / q) % 2 === 0) ctx.fillRect(x + a, y + b, Math.min(q, cell - a), Math.min(q, cell - b));
      }
      const p = ins.neighbours[k * nx + i];
      ctx.fillStyle = `rgb(${p[0]} ${p[1]} ${p[2]} / ${p[3] / 255})`;
      ctx.fillRect(x, y, cell, cell);
      ctx.strokeStyle = 'rgb(255 255 255 / 0.7)';
      ctx.strokeRect(x + 0.5, y + 0.5, cell - 1, cell - 1);
      if (cell >= 30) {
        // the value in the cell's top-left corner, clear of the sample point in the middle
        const lum = (0.299 * p[0] + 0.587 * p[1] + 0.114 * p[2]) * (p[3] / 255) + 255 * (1 - p[3] / 255);
        ctx.fillStyle = lum > 140 ? '#000' : '#fff';
        ctx.textAlign = 'left';
        ctx.textBaseline = 'top';
        ctx.font = `600 ${cell >= 60 ? 14 : 11}px ${font}`;
        ctx.fillText(String(p[ch]), x + 4, y + 3);
      }
    }
  }
  // axes: tap indices under the columns and beside the rows
  ctx.fillStyle = ink;
  ctx.font = `11px ${font}`;
  ctx.textAlign = 'center';
  ctx.textBaseline = 'top';
  const every = Math.ceil(14 / cell) * (nx > 8 ? Math.ceil(nx / 8) : 1);
  ins.xs.forEach(([idx], i) => {
    if (i % every === 0 || i === nx - 1) ctx.fillText(String(idx), ml + (i + 0.5) * cell, 8 + ny * cell + 3);
  });
  ctx.textAlign = 'right';
  ctx.textBaseline = 'middle';
  const everyY = Math.ceil(14 / cell) * (ny > 8 ? Math.ceil(ny / 8) : 1);
  ins.ys.forEach(([idx], k) => {
    if (k % everyY === 0 || k === ny - 1) ctx.fillText(String(idx), ml - 4, 8 + (k + 0.5) * cell);
  });
  ctx.textAlign = 'center';
  ctx.textBaseline = 'bottom';
  ctx.fillText(t('resize.ins.axis_x'), ml + (nx * cell) / 2, H - 1);
  ctx.save();
  ctx.translate(8, 8 + (ny * cell) / 2);
  ctx.rotate(-Math.PI / 2);
  ctx.textBaseline = 'middle';
  ctx.fillText(t('resize.ins.axis_y'), 0, 0);
  ctx.restore();
  // the sample point: where the weights put it, in tap units (the weights' centroid)
  const px = ml + (centroid(ins.xs) + 0.5) * cell;
  const py = 8 + (centroid(ins.ys) + 0.5) * cell;
  ctx.beginPath();
  ctx.arc(px, py, 5, 0, 2 * Math.PI);
  ctx.fillStyle = '#d1242f';
  ctx.fill();
  ctx.lineWidth = 2;
  ctx.strokeStyle = '#fff';
  ctx.stroke();
  fig.append(canvas, el('figcaption', '', t('resize.ins.fig_caption', { ch: CH[ch] })));
  return fig;
}
