//! The resize lab's inspector text, pure (no DOM; Node's test runner imports it): one
//! `RgbaImage.inspect()` result (`ins`: src_x, src_y, xs and ys as [index, weight] taps,
//! weight_scale, neighbours as [r, g, b, a] row-major over ys x xs, rows (per ys entry, the row
//! after the horizontal pass, per channel), exact, value; plus the worker's x, y, w, h, method,
//! pixel) becomes the source coordinate, the taps and weights per axis, and the cheat-sheet
//! formula filled in with those numbers, ending in the pixel's value. resize.inspector.js puts
//! these lines and rows into the page.
//!
//! Every number on the right of an "=" comes from inspect() (source coordinates, taps, weights,
//! neighbours, rows after the horizontal pass, the exact result, the final value): nothing here
//! recomputes the resize, so the last line is the pixel in the resized image by construction.
//! The only arithmetic done here is presentation: the unclamped coordinate formula, the point
//! where the weights put the sample, and Pillow's premultiplied inputs (to show what it sums).
//!
//! A line is `{text, cls}` (cls: '' | 'note' (prose) | 'sym' (the symbolic formula) | 'cont' (a
//! continuation starting with "=")); prose comes from `t(key, vars)`, the page's translator.

const SUB = ['₀', '₁', '₂', '₃', '₄', '₅', '₆', '₇', '₈', '₉'];
/** `n` in subscript digits ("12" -> "₁₂"). */
export const sub = (n) => String(n).split('').map((d) => SUB[+d] ?? d).join('');
export const CH = ['R', 'G', 'B', 'A'];
export const MAX_TERMS = 6; // terms shown per sum before "…"
export const MAX_ROWS = 6; // rows shown before "…"
export const MAX_NEIGHBOURS = 16; // source pixels listed in the channels table before "…"

/** A number with at most `d` decimals, trailing zeros dropped, a real minus sign. */
export function fmt(v, d = 4) {
  if (!Number.isFinite(v)) return String(v);
  let s = Number.isInteger(v) ? String(v) : String(parseFloat(v.toFixed(d)));
  if (s === '-0') s = '0';
  return s.replace('-', '−');
}

/** The kind of arithmetic a method uses. */
export function methodKind(method) {
  if (method === 'nearest') return 'nearest';
  if (method === 'bilinear' || method === 'bilinear_align_corners') return 'bilinear';
  if (method === 'opencv' || method === 'pillow') return method;
  return 'browser';
}

const ln = (text, cls = '') => ({ text, cls });

/** "(12 + 0.5) · 451/902 − 0.5" and its value, for output index i of an axis in -> out. */
export function coordExpr(method, i, inN, outN) {
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
export function premultiplied(p, ch) {
  if (ch === 3) return p[3];
  const t = p[ch] * p[3] + 128;
  return (t + (t >> 8)) >> 8;
}

/** "a + b + c", or the first MAX_TERMS − 2 terms, "…" and the last two. */
export function sumTerms(terms) {
  if (terms.length <= MAX_TERMS) return terms.join(' + ');
  return `${terms.slice(0, MAX_TERMS - 2).join(' + ')} + … + ${terms.slice(-2).join(' + ')}`;
}

function coordRule(method, t) {
  if (method === 'nearest') return t('resize.ins.rule_nearest');
  if (method === 'bilinear_align_corners') return t('resize.ins.rule_corners');
  if (method === 'opencv') return t('resize.ins.rule_opencv');
  if (method === 'pillow') return t('resize.ins.rule_pillow');
  return t('resize.ins.rule_half');
}

/** Section 1: where output pixel (x, y) lands in an inW x inH input, per axis. */
export function whereLines(ins, inW, inH, t) {
  const kind = methodKind(ins.method);
  const out = [ln(coordRule(ins.method, t), 'note')];
  for (const [axis, i, inN, outN, src] of [['x', ins.x, inW, ins.w, ins.src_x], ['y', ins.y, inH, ins.h, ins.src_y]]) {
    const c = coordExpr(ins.method, i, inN, outN);
    let text = `${axis} = ${c.expr}`;
    const raw = fmt(c.raw);
    const got = fmt(src);
    text += raw === got ? ` = ${got}` : ` = ${raw} → ${got}`;
    if (kind === 'nearest') text += `  →  ${axis}${sub(1)} = ⌊${got}⌋ = ${(axis === 'x' ? ins.xs : ins.ys)[0][0]}`;
    out.push(ln(text));
    if (c.copy) out.push(ln(t('resize.ins.copy_axis', { axis }), 'note'));
    else if (raw !== got) out.push(ln(t('resize.ins.clamped', { axis }), 'note'));
  }
  return out;
}

/** Section 2: one row per tap, [axis (on the first tap only), "x₁ = 12", weight]. */
export function tapRows(ins) {
  const scale = ins.weight_scale;
  const rows = [];
  for (const [axis, taps] of [['x', ins.xs], ['y', ins.ys]]) {
    taps.forEach(([idx, w], k) => {
      const wt = scale === 1 ? fmt(w, 6) : `${w} / ${scale === 2048 ? '2048' : '2²²'}  (${fmt(w / scale, 6)})`;
      rows.push([k === 0 ? axis : '', `${axis}${sub(k + 1)} = ${idx}`, wt]);
    });
  }
  return rows;
}

/** The coordinate where the weights put the sample (for two taps one apart: x1 + w2). */
function effective(taps) {
  const [[i1], [i2, w2]] = taps;
  return i1 + w2 * (i2 - i1);
}

function bilinearLines(ins, ch, t) {
  const { xs, ys, neighbours: nb, rows } = ins;
  const out = [];
  const nx = xs.length;
  const two = (taps) => taps.length === 2 && taps[0][0] !== taps[1][0];
  const xe = two(xs) ? fmt(effective(xs)) : fmt(ins.src_x);
  const ye = two(ys) ? fmt(effective(ys)) : fmt(ins.src_y);
  for (const [axis, taps, e, src] of [['x', xs, xe, ins.src_x], ['y', ys, ye, ins.src_y]]) {
    if (two(taps) && e !== fmt(src)) out.push(ln(t('resize.ins.clamped_to', { axis, src: fmt(src), v: e }), 'note'));
  }
  out.push(ln(t('resize.ins.pass_x'), 'note'));
  if (two(xs)) out.push(ln('f(x, y₁) = f(x₁, y₁)·(x₂ − x)/(x₂ − x₁) + f(x₂, y₁)·(x − x₁)/(x₂ − x₁)', 'sym'));
  ys.forEach(([yk], k) => {
    if (k >= MAX_ROWS) return;
    if (two(xs)) {
      const [[x1, w1], [x2, w2]] = xs;
      out.push(ln(`f(${xe}, ${yk}) = f(${x1}, ${yk})·(${x2} − ${xe})/(${x2} − ${x1}) + f(${x2}, ${yk})·(${xe} − ${x1})/(${x2} − ${x1})`));
      out.push(ln(`= ${nb[k * nx][ch]} · ${fmt(w1)} + ${nb[k * nx + 1][ch]} · ${fmt(w2)} = ${fmt(rows[k][ch])}`, 'cont'));
    } else {
      const terms = xs.map(([, w], i) => `${nb[k * nx + i][ch]} · ${fmt(w)}`);
      out.push(ln(`f(${xe}, ${yk}) = ${sumTerms(terms)} = ${fmt(rows[k][ch])}`));
    }
  });
  out.push(ln(t('resize.ins.pass_y'), 'note'));
  if (two(ys)) {
    const [[y1, w1], [y2, w2]] = ys;
    out.push(ln('f(x, y) = f(x, y₁)·(y₂ − y)/(y₂ − y₁) + f(x, y₂)·(y − y₁)/(y₂ − y₁)', 'sym'));
    out.push(ln(`f(${xe}, ${ye}) = f(${xe}, ${y1})·(${y2} − ${ye})/(${y2} − ${y1}) + f(${xe}, ${y2})·(${ye} − ${y1})/(${y2} − ${y1})`));
    out.push(ln(`= ${fmt(rows[0][ch])} · ${fmt(w1)} + ${fmt(rows[1][ch])} · ${fmt(w2)} = ${fmt(ins.exact[ch])}`, 'cont'));
  } else {
    const terms = ys.map(([, w], k) => `${fmt(rows[k][ch])} · ${fmt(w)}`);
    out.push(ln(`f(${xe}, ${ye}) = ${sumTerms(terms)} = ${fmt(ins.exact[ch])}`));
  }
  out.push(ln(t('resize.ins.round_half_up'), 'note'));
  out.push(ln(`⌊${fmt(ins.exact[ch])} + 0.5⌋ = ${ins.value[ch]}`));
  return out;
}

function opencvLines(ins, ch, t) {
  const { xs, ys, neighbours: nb, rows } = ins;
  const [[, c1], [, c2]] = xs;
  const out = [ln(t('resize.ins.opencv_fixed'), 'note'), ln('R_k = (f(x₁, y_k)·c₁ + f(x₂, y_k)·c₂) >> 4', 'sym')];
  ys.forEach(([yk], k) => {
    out.push(ln(`R${sub(k + 1)} = (f(${xs[0][0]}, ${yk})·${c1} + f(${xs[1][0]}, ${yk})·${c2}) >> 4`));
    out.push(ln(`= (${nb[k * 2][ch]} · ${c1} + ${nb[k * 2 + 1][ch]} · ${c2}) >> 4 = ${fmt(rows[k][ch])}`, 'cont'));
  });
  const [[, b1], [, b2]] = ys;
  out.push(ln('f(x, y) = ((b₁·R₁ >> 16) + (b₂·R₂ >> 16) + 2) >> 2', 'sym'));
  out.push(ln(`= ((${b1} · ${fmt(rows[0][ch])} >> 16) + (${b2} · ${fmt(rows[1][ch])} >> 16) + 2) >> 2 = ${fmt(ins.exact[ch])}`, 'cont'));
  if (ins.exact[ch] !== ins.value[ch]) out.push(ln(t('resize.ins.saturate', { v: ins.value[ch] }), 'note'));
  return out;
}

function pillowLines(ins, ch, t) {
  const { xs, ys, neighbours: nb, rows } = ins;
  const nx = xs.length;
  const translucent = nb.some((p) => p[3] !== 255);
  const out = [
    ln(t(translucent && ch < 3 ? 'resize.ins.pillow_premul' : 'resize.ins.pillow_sum'), 'note'),
    ln(`f(x, y_k) = Σᵢ kᵢ · f${translucent && ch < 3 ? '′' : ''}(xᵢ, y_k) / 2²²`, 'sym'),
  ];
  ys.forEach(([yk], k) => {
    if (k >= MAX_ROWS) {
      if (k === MAX_ROWS) out.push(ln('…', 'cont'));
      return;
    }
    const terms = xs.map(([, kw], i) => `${kw} · ${premultiplied(nb[k * nx + i], ch)}`);
    out.push(ln(`f(x, ${yk}) = (${sumTerms(terms)}) / 4194304 = ${fmt(rows[k][ch])}`));
  });
  const terms = ys.map(([, kw], k) => `${kw} · ${fmt(rows[k][ch])}`);
  out.push(ln('f(x, y) = Σ_k k_k · f(x, y_k) / 2²²', 'sym'));
  out.push(ln(`= (${sumTerms(terms)}) / 4194304 = ${fmt(ins.exact[ch])}`, 'cont'));
  out.push(ln(t('resize.ins.pillow_round', { v: ins.value[ch] }), 'note'));
  return out;
}

function nearestLines(ins, ch, t) {
  const [[x1]] = ins.xs;
  const [[y1]] = ins.ys;
  return [
    ln(t('resize.ins.nearest_copy'), 'note'),
    ln(`f(x, y) = f(x₁, y₁) = f(${x1}, ${y1}) = ${ins.neighbours[0][ch]}`),
  ];
}

/**
 * Section 3: the method's formula for channel `ch` (0-3) filled in with the inspection's numbers,
 * without the final "value = v" line (the renderer adds it with the value as a node of its own).
 * Empty for the browser's methods (no formula: the browser's scaler is opaque).
 */
export function formulaLines(ins, ch, t) {
  const kind = methodKind(ins.method);
  if (kind === 'bilinear') return bilinearLines(ins, ch, t);
  if (kind === 'opencv') return opencvLines(ins, ch, t);
  if (kind === 'pillow') return pillowLines(ins, ch, t);
  if (kind === 'nearest') return nearestLines(ins, ch, t);
  return [];
}

/**
 * The all-channels table: {label, vals (4 numbers or strings), cls} per row: the neighbours (up to
 * MAX_NEIGHBOURS, then "…"), the rows after the horizontal pass and the exact result (not for
 * nearest), and the value.
 */
export function channelRows(ins, t) {
  const kind = methodKind(ins.method);
  const out = [];
  const nx = ins.xs.length;
  ins.neighbours.slice(0, MAX_NEIGHBOURS).forEach((p, i) => {
    out.push({ label: `f(${ins.xs[i % nx][0]}, ${ins.ys[Math.floor(i / nx)][0]})`, vals: p, cls: '' });
  });
  if (ins.neighbours.length > MAX_NEIGHBOURS) out.push({ label: '…', vals: ['', '', '', ''], cls: '' });
  if (kind !== 'nearest') {
    ins.rows.slice(0, MAX_ROWS).forEach((r, k) => out.push({ label: kind === 'opencv' ? `R${sub(k + 1)}` : `f(x, ${ins.ys[k][0]})`, vals: r, cls: 'mid' }));
    out.push({ label: t('resize.ins.exact'), vals: ins.exact, cls: 'mid' });
  }
  out.push({ label: t('resize.ins.value_short'), vals: ins.value, cls: 'strong' });
  return out;
}

/** The sample point in tap units along an axis: the weights' centroid (0 = the first tap). */
export function centroid(taps) {
  const s = taps.reduce((a, [, w]) => a + w, 0) || 1;
  return taps.reduce((a, [, w], i) => a + (w / s) * i, 0);
}
