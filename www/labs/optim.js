//! Optimizer explorer (topic 13): seven optimizers from one start on a 2-D loss surface, each
//! path stepped by the engine's `Optimizer` (optim.model.js `runPaths`), contours by d3-contour
//! (www/vendor/, copied there by .ci/build.sh), curves and axes by app/plot.js; playback,
//! per-optimizer learning rates, drag to move the start, the update rules with the numbers of the
//! current step. The URL hash holds the surface, start, learning rates, step and hidden paths.
//! Test hooks: `window.__optim` and `document.body.dataset.optimReady`.
import { initI18n, showError, t, withLang } from '../app/i18n.js';
import { readState, writeState, onStateChange } from '../app/state.js';
import { ready } from '../app/wasm.js';
import { Plot } from '../app/plot.js';
import { fitCanvas } from '../app/canvas.js';
import { contours } from '../vendor/d3-contour.mjs';
import {
  FUNCTIONS, OPTIMIZERS, COLORS, MAX_STEPS, LR_MIN, LR_MAX, MOMENTUM, ADAMW_DECAY,
  runPaths, ruleState, stateFromHash, stateToHash, logLevels, sampleGrid, fmt,
} from './optim.model.js';

const FORMULA = {
  ravine: 'f = ½x² + 25y²',
  rotated: 'f = ¼(x + y)² + 12.5(x − y)²',
  rosenbrock: 'f = (1 − x)² + 100(y − x²)²',
  saddle: 'f = ½x² − ½y² + ¼y⁴',
  twowell: 'f = (x² − 1)² + 0.3x + ½y²',
  beale: 'f = (1.5 − x + xy)² + (2.25 − x + xy²)² + (2.625 − x + xy³)²',
};
const GRID = 150;

let dl = null;
let S = null; // {fn, start, lrs, t, hidden}
let paths = [];
let contourSeries = [];
let bands = []; // per level: polygons (arrays of rings of [x, y] in data units) where f >= level
let plot = null;
let playing = false;
let dragging = false;
let pending = false;
const $ = (id) => document.getElementById(id);

function saveHash() {
  writeState(stateToHash(S));
}

function computeContours() {
  const fn = S.fn;
  const values = sampleGrid(fn, GRID, GRID);
  let lo = Infinity;
  let hi = -Infinity;
  for (const v of values) {
    if (v < lo) lo = v;
    if (v > hi) hi = v;
  }
  const levels = logLevels(lo, hi, 18);
  const gen = contours().size([GRID, GRID]);
  const [x0, x1, y0, y1] = fn.view;
  const sx = (x1 - x0) / (GRID - 1);
  const sy = (y1 - y0) / (GRID - 1);
  bands = [];
  contourSeries = levels.map((level, k) => {
    const xs = [];
    const ys = [];
    const polys = [];
    for (const poly of gen.contour(values, level).coordinates) {
      const rings = [];
      for (const ring of poly) {
        const pts = [];
        for (const [gx, gy] of ring) {
          const p = [x0 + (gx - 0.5) * sx, y0 + (gy - 0.5) * sy];
          pts.push(p);
          xs.push(p[0]);
          ys.push(p[1]);
        }
        rings.push(pts);
        xs.push(NaN);
        ys.push(NaN);
      }
      polys.push(rings);
    }
    bands.push(polys);
    // low levels dark blue, high levels pale grey
    const a = k / Math.max(1, levels.length - 1);
    const l = Math.round(38 + a * 44);
    return { type: 'line', xs, ys, color: `hsl(212 ${Math.round(60 - a * 45)}% ${l}%)`, width: 1 };
  });
}

/**
 * Filled bands under the plot (its own canvas behind the transparent plot canvas, drawn once per
 * surface or size): the band below each level a shade of blue, darker where f is lower.
 */
function drawBands() {
  const bg = $('plot-bg');
  const { width, height } = plot.opts;
  const ctx = fitCanvas(bg, width, height);
  ctx.clearRect(0, 0, width, height);
  const [x0, x1, y0, y1] = S.fn.view;
  const a = plot.toPixel(x0, y1);
  const b = plot.toPixel(x1, y0);
  ctx.save();
  ctx.beginPath();
  ctx.rect(a.x, a.y, b.x - a.x, b.y - a.y);
  ctx.clip();
  const shade = (k) => {
    const u = k / Math.max(1, bands.length);
    return `hsl(212 ${Math.round(75 - 50 * u)}% ${Math.round(72 + 27 * u)}%)`;
  };
  ctx.fillStyle = shade(0);
  ctx.fillRect(a.x, a.y, b.x - a.x, b.y - a.y);
  bands.forEach((polys, k) => {
    ctx.fillStyle = shade(k + 1);
    ctx.beginPath();
    for (const rings of polys) {
      for (const ring of rings) {
        ring.forEach(([x, y], i) => {
          const p = plot.toPixel(x, y);
          ctx[i ? 'lineTo' : 'moveTo'](p.x, p.y);
        });
        ctx.closePath();
      }
    }
    ctx.fill('evenodd');
  });
  ctx.restore();
}

function recompute() {
  paths = runPaths(dl, S.fn, S.start, S.lrs, MAX_STEPS);
}

function draw() {
  if (!plot) return;
  const series = [...contourSeries];
  for (const [mx, my] of S.fn.minima) {
    series.push({ type: 'scatter', xs: [mx], ys: [my], color: '#1f2328', radius: 6 });
    series.push({ type: 'scatter', xs: [mx], ys: [my], color: '#ffffff', radius: 3.5 });
  }
  OPTIMIZERS.forEach((o, i) => {
    if (S.hidden.has(o.id)) return;
    const p = paths[i];
    const upto = Math.min(S.t, p.pts.length - 1);
    const pts = p.pts.slice(0, upto + 1);
    series.push({ type: 'line', xs: pts.map((q) => q[0]), ys: pts.map((q) => q[1]), color: COLORS[i], width: 2 });
    series.push({ type: 'scatter', xs: [pts[upto][0]], ys: [pts[upto][1]], color: COLORS[i], radius: 4 });
  });
  series.push({ type: 'scatter', xs: [S.start[0]], ys: [S.start[1]], color: '#1f2328', radius: 5 });
  plot.setSeries(series);
}

function layoutPlot() {
  const box = $('plot-box');
  const w = Math.max(260, Math.floor(box.clientWidth));
  const [x0, x1, y0, y1] = S.fn.view;
  const pw = w - 72;
  // true aspect where it fits, but never so flat that the ravine's zigzag is unreadable
  const floor = Math.min(360, Math.round(w * 0.8));
  const h = Math.round(Math.min(Math.max(floor, pw * ((y1 - y0) / (x1 - x0)) + 58), Math.max(300, innerHeight * 0.75), 640));
  if (!plot) {
    plot = new Plot($('plot'), {
      width: w,
      height: h,
      x: { label: 'x', min: x0, max: x1 },
      y: { label: 'y', min: y0, max: y1 },
      onPointer: onPointer,
    });
  } else {
    plot.opts.x = { label: 'x', min: x0, max: x1 };
    plot.opts.y = { label: 'y', min: y0, max: y1 };
    plot.resize(w, h);
  }
}

function onPointer({ type, x, y, inside }) {
  if (type === 'down' && inside) dragging = true;
  if (!dragging) return;
  if (type === 'up') {
    dragging = false;
    saveHash();
    return;
  }
  const [x0, x1, y0, y1] = S.fn.view;
  S.start = [Math.min(x1, Math.max(x0, x)), Math.min(y1, Math.max(y0, y))];
  if (!pending) {
    pending = true;
    requestAnimationFrame(() => {
      pending = false;
      recompute();
      render();
    });
  }
}

/** Everything that depends on the step or the paths (plot, table values, rule cards). */
function render() {
  draw();
  $('t').value = String(S.t);
  $('t-out').textContent = String(S.t);
  $('rules-t').textContent = `t = ${S.t}`;
  $('start-out').textContent = `f = ${fmt(S.fn.f(...S.start))}`;
  for (const [k, id] of [[0, 'start-x'], [1, 'start-y']]) {
    const el = $(id);
    if (document.activeElement !== el) el.value = String(Number(S.start[k].toFixed(3)));
  }
  renderValues();
  renderRules();
}

function renderFnButtons() {
  const box = $('fns');
  box.replaceChildren();
  for (const fn of FUNCTIONS) {
    const b = document.createElement('button');
    b.type = 'button';
    b.className = 'btn btn-small';
    b.dataset.fn = fn.id;
    b.textContent = t(`optim.fn.${fn.id}`);
    b.setAttribute('aria-pressed', String(fn === S.fn));
    b.addEventListener('click', () => {
      if (fn === S.fn) return;
      S = stateFromHash({ f: fn.id, t: String(S.t), hide: [...S.hidden].join(',') });
      applyState();
      saveHash();
    });
    box.append(b);
  }
  $('fn-formula').textContent = FORMULA[S.fn.id];
  const [x0, x1, y0, y1] = S.fn.view;
  Object.assign($('start-x'), { min: String(x0), max: String(x1) });
  Object.assign($('start-y'), { min: String(y0), max: String(y1) });
}

function renderTable() {
  const body = $('opt-table').querySelector('tbody');
  body.replaceChildren();
  OPTIMIZERS.forEach((o, i) => {
    const tr = document.createElement('tr');
    tr.dataset.opt = o.id;
    const show = document.createElement('input');
    show.type = 'checkbox';
    show.checked = !S.hidden.has(o.id);
    show.setAttribute('aria-label', t('optim.show_path', { name: t(`optim.opt.${o.id}`) }));
    show.addEventListener('change', () => {
      if (show.checked) S.hidden.delete(o.id);
      else S.hidden.add(o.id);
      draw();
      saveHash();
    });
    const name = document.createElement('span');
    name.className = 'opt-name';
    const sw = document.createElement('span');
    sw.className = `swatch c${i}`;
    name.append(sw, document.createTextNode(t(`optim.opt.${o.id}`)));
    const lr = document.createElement('input');
    lr.type = 'number';
    lr.min = String(LR_MIN);
    lr.max = String(LR_MAX);
    lr.step = 'any';
    lr.value = String(S.lrs[i]);
    lr.className = 'lr-input';
    lr.setAttribute('aria-label', t('optim.lr_of', { name: t(`optim.opt.${o.id}`) }));
    lr.addEventListener('change', () => {
      const v = Number(lr.value);
      if (!(v >= LR_MIN && v <= LR_MAX)) {
        lr.value = String(S.lrs[i]);
        lr.setCustomValidity(t('optim.lr_range', { min: LR_MIN, max: LR_MAX }));
        lr.reportValidity();
        return;
      }
      lr.setCustomValidity('');
      S.lrs[i] = v;
      recompute();
      render();
      saveHash();
    });
    const val = document.createElement('td');
    val.className = 'num mono f-val';
    const label = document.createElement('label');
    label.className = 'opt-show';
    label.append(show, name);
    const cells = [label, lr].map((el) => {
      const td = document.createElement('td');
      td.append(el);
      return td;
    });
    tr.append(...cells, val);
    body.append(tr);
  });
}

function renderValues() {
  const rows = $('opt-table').querySelectorAll('tbody tr');
  OPTIMIZERS.forEach((o, i) => {
    const p = paths[i];
    const cell = rows[i]?.querySelector('.f-val');
    if (!cell || !p) return;
    cell.classList.toggle('bad', p.error !== null || p.diverged !== null);
    if (p.error) cell.textContent = String(p.error.message || p.error);
    else if (p.diverged !== null && S.t >= p.diverged) cell.textContent = t('optim.diverged', { step: p.diverged });
    else cell.textContent = fmt(S.fn.f(...p.pts[Math.min(S.t, p.pts.length - 1)]));
  });
}

const vec = (v) => `(${fmt(v[0])}, ${fmt(v[1])})`;

function ruleLines(o, i) {
  const p = paths[i];
  const eta = fmt(S.lrs[i]);
  const k = S.t;
  if (p.error) return [String(p.error.message || p.error)];
  const symbolic = {
    sgd: ['θ ← θ − η·g'],
    momentum: [`b ← ${MOMENTUM}·b + g   (b₁ = g₁)`, 'θ ← θ − η·b'],
    nesterov: [`b ← ${MOMENTUM}·b + g   (b₁ = g₁)`, `θ ← θ − η·(g + ${MOMENTUM}·b)`],
    adagrad: ['s ← s + g²', 'θ ← θ − η·g / (√s + 1e-10)'],
    rmsprop: ['s ← 0.99·s + 0.01·g²', 'θ ← θ − η·g / (√s + 1e-8)'],
    adam: ['m ← 0.9·m + 0.1·g,  v ← 0.999·v + 0.001·g²', 'm̂ = m/(1 − 0.9ᵗ),  v̂ = v/(1 − 0.999ᵗ)', 'θ ← θ − η·m̂ / (√v̂ + 1e-8)'],
    adamw: [`θ ← θ·(1 − η·λ),  λ = ${ADAMW_DECAY}`, t('optim.rule_adamw_then')],
  }[o.id];
  if (k === 0) return [...symbolic, t('optim.rule_start')];
  const last = p.pts.length - 1;
  if (k > last) return [...symbolic, p.diverged !== null ? t('optim.diverged', { step: p.diverged }) : t('optim.ended')];
  const r = ruleState(o, S.lrs[i], p, k);
  const th = p.pts[k - 1];
  const next = p.pts[k];
  const lines = [`g = ∇f${vec(th)} = ${vec(r.g)}`];
  const st = r.state;
  switch (o.id) {
    case 'sgd':
      lines.push(`θ ← ${vec(th)} − ${eta}·${vec(r.g)} = ${vec(next)}`);
      break;
    case 'momentum':
      lines.push(k === 1 ? `b = g = ${vec(st.buf)}` : `b ← ${MOMENTUM}·b + g = ${vec(st.buf)}`);
      lines.push(`θ ← ${vec(th)} − ${eta}·${vec(st.buf)} = ${vec(next)}`);
      break;
    case 'nesterov':
      lines.push(k === 1 ? `b = g = ${vec(st.buf)}` : `b ← ${MOMENTUM}·b + g = ${vec(st.buf)}`);
      lines.push(`g + ${MOMENTUM}·b = ${vec([r.g[0] + MOMENTUM * st.buf[0], r.g[1] + MOMENTUM * st.buf[1]])}`);
      lines.push(`θ ← ${vec(th)} − ${eta}·(g + ${MOMENTUM}·b) = ${vec(next)}`);
      break;
    case 'adagrad':
      lines.push(`s ← s + g² = ${vec(st.sum)}`);
      lines.push(`Δ = η·g / (√s + ε) = ${vec(r.upd)}`);
      lines.push(`θ ← ${vec(th)} − Δ = ${vec(next)}`);
      break;
    case 'rmsprop':
      lines.push(`s ← 0.99·s + 0.01·g² = ${vec(st.sq)}`);
      lines.push(`Δ = η·g / (√s + ε) = ${vec(r.upd)}`);
      lines.push(`θ ← ${vec(th)} − Δ = ${vec(next)}`);
      break;
    default:
      lines.push(`m ← 0.9·m + 0.1·g = ${vec(st.m)}`);
      lines.push(`v ← 0.999·v + 0.001·g² = ${vec(st.v)}`);
      lines.push(`m̂ = ${vec(st.mhat)},  v̂ = ${vec(st.vhat)}`);
      lines.push(`Δ = η·m̂ / (√v̂ + ε) = ${vec(r.upd)}`);
      lines.push(o.id === 'adamw'
        ? `θ ← ${vec(th)}·(1 − ${eta}·${ADAMW_DECAY}) − Δ = ${vec(next)}`
        : `θ ← ${vec(th)} − Δ = ${vec(next)}`);
  }
  return lines;
}

function renderRules() {
  const box = $('rules');
  if (box.children.length !== OPTIMIZERS.length) {
    box.replaceChildren();
    OPTIMIZERS.forEach((o, i) => {
      const card = document.createElement('article');
      card.className = 'rule-card';
      card.dataset.opt = o.id;
      const h = document.createElement('h3');
      const sw = document.createElement('span');
      sw.className = `swatch c${i}`;
      const name = document.createElement('span');
      name.className = 'rule-name';
      const lr = document.createElement('span');
      lr.className = 'muted rule-lr mono';
      h.append(sw, name, lr);
      const ol = document.createElement('ol');
      ol.className = 'rule-lines mono';
      card.append(h, ol);
      box.append(card);
    });
  }
  OPTIMIZERS.forEach((o, i) => {
    const card = box.children[i];
    card.hidden = S.hidden.has(o.id);
    card.querySelector('.rule-name').textContent = t(`optim.opt.${o.id}`);
    card.querySelector('.rule-lr').textContent = `η = ${fmt(S.lrs[i])}`;
    const ol = card.querySelector('ol');
    ol.replaceChildren(...ruleLines(o, i).map((s) => {
      const li = document.createElement('li');
      li.textContent = s;
      return li;
    }));
  });
}

function setPlaying(on, { save = true } = {}) {
  playing = on;
  $('play').classList.toggle('playing', on);
  $('play').setAttribute('aria-label', t(on ? 'optim.pause' : 'optim.play'));
  $('play').title = t(on ? 'optim.pause' : 'optim.play');
  if (on) requestAnimationFrame(tick);
  else if (save) saveHash();
}

function tick() {
  if (!playing) return;
  if (S.t >= MAX_STEPS) {
    setPlaying(false);
    return;
  }
  S.t += 1;
  render();
  requestAnimationFrame(tick);
}

function applyState() {
  computeContours();
  recompute();
  renderFnButtons();
  renderTable();
  layoutPlot();
  render();
  drawBands();
}

function wire() {
  $('t').max = String(MAX_STEPS);
  $('t-max').textContent = String(MAX_STEPS);
  $('t').addEventListener('input', () => {
    S.t = Number($('t').value);
    render();
  });
  $('t').addEventListener('change', saveHash);
  // the start by keyboard (the same as a drag on the plot)
  for (const [k, id] of [[0, 'start-x'], [1, 'start-y']]) {
    $(id).addEventListener('change', () => {
      const v = Number($(id).value);
      const [lo, hi] = k === 0 ? S.fn.view.slice(0, 2) : S.fn.view.slice(2, 4);
      if ($(id).value === '' || !Number.isFinite(v)) return render();
      S.start = k === 0 ? [Math.min(hi, Math.max(lo, v)), S.start[1]] : [S.start[0], Math.min(hi, Math.max(lo, v))];
      $(id).value = String(Number(S.start[k].toFixed(3)));
      recompute();
      render();
      saveHash();
    });
  }
  $('play').addEventListener('click', () => {
    if (!playing && S.t >= MAX_STEPS) S.t = 0;
    setPlaying(!playing);
  });
  $('step').addEventListener('click', () => {
    setPlaying(false);
    S.t = Math.min(MAX_STEPS, S.t + 1);
    render();
    saveHash();
  });
  $('reset').addEventListener('click', () => {
    setPlaying(false);
    S.t = 0;
    render();
    saveHash();
  });
  let rz = 0;
  addEventListener('resize', () => {
    cancelAnimationFrame(rz);
    rz = requestAnimationFrame(() => {
      layoutPlot();
      draw();
      drawBands();
    });
  });
  onStateChange((h) => {
    // a link inside the page (or an edited hash): its state wins, then the hash is normalized
    setPlaying(false, { save: false });
    S = stateFromHash(h);
    applyState();
    saveHash();
  });
  document.addEventListener('langchange', () => {
    if (!S) return;
    renderFnButtons();
    renderTable();
    render();
    keepLang();
  });
}

function keepLang() {
  for (const a of document.querySelectorAll('a[data-keep-lang]')) {
    const [path, hash] = a.getAttribute('href').split('#');
    a.href = withLang(hash ? `${path}#${hash.split('&').filter((p) => !p.startsWith('lang=')).join('&')}` : path);
  }
}

async function main() {
  try {
    await initI18n();
    keepLang();
    dl = await ready();
    S = stateFromHash(readState());
    window.__optim = { get state() { return S; }, get paths() { return paths; }, get plot() { return plot; } };
    wire();
    applyState();
    saveHash();
    document.body.dataset.optimReady = '1';
  } catch (err) {
    console.error(err);
    showError(err);
  }
}

main();
