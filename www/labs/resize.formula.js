//! The resize lab's pixel inspector: turns one `RgbaImage.inspect()` result into the source
//! coordinate, the neighbours and weights per axis, and the cheat-sheet formula filled in with
//! those numbers, ending in the pixel's value.
//!
//! Every number on the right of an "=" comes from inspect() (source coordinates, taps, weights,
//! neighbours, rows after the horizontal pass, the exact result, the final value): nothing here
//! recomputes the resize, so the last line is the pixel in the resized image by construction.
//! The only arithmetic done here is presentation: the unclamped coordinate formula, the point
//! where the weights put the sample, and Pillow's premultiplied inputs (to show what it sums).

import { fitCanvas } from '../app/canvas.js';

const SUB = ['₀', '₁', '₂', '₃', '₄', '₅', '₆', '₇', '₈', '₉'];
const sub = (n) => String(n).split('').map((d) => SUB[+d] ?? d).join('');
const CH = ['R', 'G', 'B', 'A'];
const MAX_TERMS = 6; // terms shown per sum before "…"
const MAX_ROWS = 6; // rows shown before "…"

/** A number with at most `d` decimals, trailing zeros dropped, a real minus sign. */
export function fmt(v, d = 4) {
  if (!Number.isFinite(v)) return String(v);
  let s = Number.isInteger(v) ? String(v) : String(parseFloat(v.toFixed(d)));
  if (s === '-0') s = '0';
  return s.replace('-', '−');
}

function el(tag, cls, text) {
  const e = document.createElement(tag);
  if (cls) e.className = cls;
  if (text !== undefined) e.textContent = text;
  return e;
}

function line(text, cls = '') {
  return el('div', `fl ${cls}`.trim(), text);
}

/** The kind of arithmetic a method uses. */
export function methodKind(method) {
  if (method === 'nearest') return 'nearest';
  if (method === 'bilinear' || method === 'bilinear_align_corners') return 'bilinear';
  if (method === 'opencv' || method === 'pillow') return method;
  return 'browser';
}

/** "(12 + 0.5) · 451/902 − 0.5" and its value, for output index i of an axis in -> out. */
function coordExpr(method, i, inN, outN) {
  const kind = methodKind(method);
  if (kind === 'nearest') return { expr: `${i} · ${inN}/${outN}`, raw: (i * inN) / outN };
  if (method === 'bilinear_align_corners') {
    if (inN === outN) return { expr: `${i}`, raw: i, copy: true };
    return outN > 1
      ? { expr: `${i} · (${inN} − 1)/(${outN} − 1)`, raw: (i * (inN - 1)) / (outN - 1) }
      : { expr: '0', raw: 0 };
  }
  if (kind === 'bilinear' && inN === outN) return { expr: `${i}`, raw: i, copy: true };
  return { expr: `(${i} + 0.5) · ${inN}/${outN} − 0.5`, raw: ((i + 0.5) * inN) / outN - 0.5 };
}

/** Pillow sums premultiplied colour: c' = round(c·a/255) in its 8-bit form; alpha as is. */
function premultiplied(p, ch) {
  if (ch === 3) return p[3];
  const t = p[ch] * p[3] + 128;
  return (t + (t >> 8)) >> 8;
}

function sumTerms(terms) {
  if (terms.length <= MAX_TERMS) return terms.join(' + ');
  return `${terms.slice(0, MAX_TERMS - 2).join(' + ')} + … + ${terms.slice(-2).join(' + ')}`;
}

/**
 * Render inspection `ins` (the worker's inspect answer: inspect() fields plus x, y, w, h, method,
 * pixel) into `root`. ctx: {t, ch (0-3), inW, inH, onChannel(ch)}.
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
  const where = el('div', 'formula');
  for (const [axis, i, inN, outN, src] of [['x', ins.x, ctx.inW, ins.w, ins.src_x], ['y', ins.y, ctx.inH, ins.h, ins.src_y]]) {
    const c = coordExpr(ins.method, i, inN, outN);
    let text = `${axis} = ${c.expr}`;
    const raw = fmt(c.raw);
    const got = fmt(src);
    text += raw === got ? ` = ${got}` : ` = ${raw} → ${got}`;
    if (kind === 'nearest') text += `  →  ${axis}${sub(1)} = ⌊${got}⌋ = ${(axis === 'x' ? ins.xs : ins.ys)[0][0]}`;
    where.append(line(text));
    if (c.copy) where.append(line(t('resize.ins.copy_axis', { axis }), 'note'));
    else if (raw !== got) where.append(line(t('resize.ins.clamped', { axis }), 'note'));
  }
  where.prepend(line(coordRule(ins.method, t), 'note'));
  frag.append(where);

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
  const f = el('div', 'formula');
  f.id = 'ins-formula';
  if (kind === 'bilinear') bilinearLines(f, ins, ch, t);
  else if (kind === 'opencv') opencvLines(f, ins, ch, t);
  else if (kind === 'pillow') pillowLines(f, ins, ch, t);
  else nearestLines(f, ins, ch, t);
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
  frag.append(channelsTable(ins, kind, t));
  root.replaceChildren(frag);
}

function coordRule(method, t) {
  if (method === 'nearest') return t('resize.ins.rule_nearest');
  if (method === 'bilinear_align_corners') return t('resize.ins.rule_corners');
  if (method === 'opencv') return t('resize.ins.rule_opencv');
  if (method === 'pillow') return t('resize.ins.rule_pillow');
  return t('resize.ins.rule_half');
}

function tapsTable(ins, kind, t) {
  const wrap = el('div', 'table-scroll');
  const table = el('table', 'taps');
  const scale = ins.weight_scale;
  const head = el('tr');
  for (const h of [t('resize.ins.axis'), t('resize.ins.index'), t('resize.ins.weight')]) head.append(el('th', '', h));
  const thead = el('thead');
  thead.append(head);
  table.append(thead);
  const body = el('tbody');
  for (const [axis, taps] of [['x', ins.xs], ['y', ins.ys]]) {
    taps.forEach(([idx, w], k) => {
      const tr = el('tr');
      tr.append(el('td', 'mono', k === 0 ? axis : ''));
      tr.append(el('td', 'mono', `${axis}${sub(k + 1)} = ${idx}`));
      const wt = scale === 1 ? fmt(w, 6) : `${w} / ${scale === 2048 ? '2048' : '2²²'}  (${fmt(w / scale, 6)})`;
      tr.append(el('td', 'mono', wt));
      body.append(tr);
    });
  }
  table.append(body);
  wrap.append(table);
  const frag = document.createDocumentFragment();
  frag.append(wrap);
  if (kind === 'opencv') frag.append(el('p', 'hint', t('resize.ins.opencv_weights')));
  if (kind === 'pillow' && (ins.xs.length > 2 || ins.ys.length > 2)) {
    frag.append(el('p', 'hint', t('resize.ins.pillow_aa', { nx: ins.xs.length, ny: ins.ys.length })));
  }
  return frag;
}

/** The coordinate where the weights put the sample (for two taps one apart: x1 + w2). */
function effective(taps) {
  const [[i1], [i2, w2]] = taps;
  return i1 + w2 * (i2 - i1);
}

function bilinearLines(f, ins, ch, t) {
  const { xs, ys, neighbours: nb, rows } = ins;
  const nx = xs.length;
  const two = (taps) => taps.length === 2 && taps[0][0] !== taps[1][0];
  const xe = two(xs) ? fmt(effective(xs)) : fmt(ins.src_x);
  const ye = two(ys) ? fmt(effective(ys)) : fmt(ins.src_y);
  for (const [axis, taps, e, src] of [['x', xs, xe, ins.src_x], ['y', ys, ye, ins.src_y]]) {
    if (two(taps) && e !== fmt(src)) f.append(line(t('resize.ins.clamped_to', { axis, src: fmt(src), v: e }), 'note'));
  }
  f.append(line(t('resize.ins.pass_x'), 'note'));
  if (two(xs)) f.append(line('f(x, y₁) = f(x₁, y₁)·(x₂ − x)/(x₂ − x₁) + f(x₂, y₁)·(x − x₁)/(x₂ − x₁)', 'sym'));
  ys.forEach(([yk], k) => {
    if (k >= MAX_ROWS) return;
    if (two(xs)) {
      const [[x1, w1], [x2, w2]] = xs;
      f.append(line(`f(${xe}, ${yk}) = f(${x1}, ${yk})·(${x2} − ${xe})/(${x2} − ${x1}) + f(${x2}, ${yk})·(${xe} − ${x1})/(${x2} − ${x1})`));
      f.append(line(`= ${nb[k * nx][ch]} · ${fmt(w1)} + ${nb[k * nx + 1][ch]} · ${fmt(w2)} = ${fmt(rows[k][ch])}`, 'cont'));
    } else {
      const terms = xs.map(([, w], i) => `${nb[k * nx + i][ch]} · ${fmt(w)}`);
      f.append(line(`f(${xe}, ${yk}) = ${sumTerms(terms)} = ${fmt(rows[k][ch])}`));
    }
  });
  f.append(line(t('resize.ins.pass_y'), 'note'));
  if (two(ys)) {
    const [[y1, w1], [y2, w2]] = ys;
    f.append(line('f(x, y) = f(x, y₁)·(y₂ − y)/(y₂ − y₁) + f(x, y₂)·(y − y₁)/(y₂ − y₁)', 'sym'));
    f.append(line(`f(${xe}, ${ye}) = f(${xe}, ${y1})·(${y2} − ${ye})/(${y2} − ${y1}) + f(${xe}, ${y2})·(${ye} − ${y1})/(${y2} − ${y1})`));
    f.append(line(`= ${fmt(rows[0][ch])} · ${fmt(w1)} + ${fmt(rows[1][ch])} · ${fmt(w2)} = ${fmt(ins.exact[ch])}`, 'cont'));
  } else {
    const terms = ys.map(([, w], k) => `${fmt(rows[k][ch])} · ${fmt(w)}`);
    f.append(line(`f(${xe}, ${ye}) = ${sumTerms(terms)} = ${fmt(ins.exact[ch])}`));
  }
  f.append(line(t('resize.ins.round_half_up'), 'note'));
  f.append(line(`⌊${fmt(ins.exact[ch])} + 0.5⌋ = ${ins.value[ch]}`));
}

function opencvLines(f, ins, ch, t) {
  const { xs, ys, neighbours: nb, rows } = ins;
  const [[, c1], [, c2]] = xs;
  f.append(line(t('resize.ins.opencv_fixed'), 'note'));
  f.append(line('R_k = (f(x₁, y_k)·c₁ + f(x₂, y_k)·c₂) >> 4', 'sym'));
  ys.forEach(([yk], k) => {
    f.append(line(`R${sub(k + 1)} = (f(${xs[0][0]}, ${yk})·${c1} + f(${xs[1][0]}, ${yk})·${c2}) >> 4`));
    f.append(line(`= (${nb[k * 2][ch]} · ${c1} + ${nb[k * 2 + 1][ch]} · ${c2}) >> 4 = ${fmt(rows[k][ch])}`, 'cont'));
  });
  const [[, b1], [, b2]] = ys;
  f.append(line('f(x, y) = ((b₁·R₁ >> 16) + (b₂·R₂ >> 16) + 2) >> 2', 'sym'));
  f.append(line(`= ((${b1} · ${fmt(rows[0][ch])} >> 16) + (${b2} · ${fmt(rows[1][ch])} >> 16) + 2) >> 2 = ${fmt(ins.exact[ch])}`, 'cont'));
  if (ins.exact[ch] !== ins.value[ch]) f.append(line(t('resize.ins.saturate', { v: ins.value[ch] }), 'note'));
}

function pillowLines(f, ins, ch, t) {
  const { xs, ys, neighbours: nb, rows } = ins;
  const nx = xs.length;
  const translucent = nb.some((p) => p[3] !== 255);
  f.append(line(t(translucent && ch < 3 ? 'resize.ins.pillow_premul' : 'resize.ins.pillow_sum'), 'note'));
  f.append(line(`f(x, y_k) = Σᵢ kᵢ · f${translucent && ch < 3 ? '′' : ''}(xᵢ, y_k) / 2²²`, 'sym'));
  ys.forEach(([yk], k) => {
    if (k >= MAX_ROWS) {
      if (k === MAX_ROWS) f.append(line('…', 'cont'));
      return;
    }
    const terms = xs.map(([, kw], i) => `${kw} · ${premultiplied(nb[k * nx + i], ch)}`);
    f.append(line(`f(x, ${yk}) = (${sumTerms(terms)}) / 4194304 = ${fmt(rows[k][ch])}`));
  });
  const terms = ys.map(([, kw], k) => `${kw} · ${fmt(rows[k][ch])}`);
  f.append(line('f(x, y) = Σ_k k_k · f(x, y_k) / 2²²', 'sym'));
  f.append(line(`= (${sumTerms(terms)}) / 4194304 = ${fmt(ins.exact[ch])}`, 'cont'));
  f.append(line(t('resize.ins.pillow_round', { v: ins.value[ch] }), 'note'));
}

function nearestLines(f, ins, ch, t) {
  const [[x1]] = ins.xs;
  const [[y1]] = ins.ys;
  f.append(line(t('resize.ins.nearest_copy'), 'note'));
  f.append(line(`f(x, y) = f(x₁, y₁) = f(${x1}, ${y1}) = ${ins.neighbours[0][ch]}`));
}

function channelsTable(ins, kind, t) {
  const d = el('details', 'ins-all');
  d.append(el('summary', '', t('resize.ins.all_channels')));
  const wrap = el('div', 'table-scroll');
  const table = el('table');
  const head = el('tr');
  head.append(el('th', '', ''));
  for (const c of CH) head.append(el('th', 'num', c));
  const thead = el('thead');
  thead.append(head);
  table.append(thead);
  const body = el('tbody');
  const row = (label, vals, cls = '') => {
    const tr = el('tr', cls);
    tr.append(el('th', 'mono', label));
    for (const v of vals) tr.append(el('td', 'num', typeof v === 'number' ? fmt(v) : v));
    body.append(tr);
  };
  const nx = ins.xs.length;
  ins.neighbours.slice(0, 16).forEach((p, i) => {
    row(`f(${ins.xs[i % nx][0]}, ${ins.ys[Math.floor(i / nx)][0]})`, p);
  });
  if (ins.neighbours.length > 16) row('…', ['', '', '', '']);
  if (kind !== 'nearest') {
    ins.rows.slice(0, MAX_ROWS).forEach((r, k) => row(kind === 'opencv' ? `R${sub(k + 1)}` : `f(x, ${ins.ys[k][0]})`, r, 'mid'));
    row(t('resize.ins.exact'), ins.exact, 'mid');
  }
  row(t('resize.ins.value_short'), ins.value, 'strong');
  table.append(body);
  wrap.append(table);
  d.append(wrap);
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
  const centroid = (taps) => {
    const s = taps.reduce((a, [, w]) => a + w, 0) || 1;
    return taps.reduce((a, [, w], i) => a + (w / s) * i, 0);
  };
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
