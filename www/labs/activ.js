//! Activation explorer (topic 18): every activation of the engine with its derivative, both
//! computed by the engine (`activationCurve`: Activation::f and ::df, the code of the training
//! engine's forward and backward), the runs where |f'| < 0.05 shaded, a shared cursor whose
//! readout asks the engine at the exact x; and the gradient reaching layer 1 of engine MLPs of
//! depth 1..16 (`depthGradients`) on a log axis. The URL hash keeps the cursor x and the init.
//! Test hooks: `window.__activ` and `document.body.dataset.activReady`.
import { initI18n, showError, t, withLang } from '../app/i18n.js';
import { readState, writeState, onStateChange } from '../app/state.js';
import { ready } from '../app/wasm.js';
import { Plot } from '../app/plot.js';
import {
  ACTIVATIONS, FORMULAS, COLORS, SATURATION, INITS, MAX_DEPTH, X_MIN, X_MAX,
  xGrid, saturatedRuns, stateFromHash, stateToHash, fmt,
} from './activ.model.js';

/** app/plot.js's Plot with the saturated runs shaded over the plot area after each draw. */
class ShadedPlot extends Plot {
  draw() {
    super.draw();
    if (!this.runs) return;
    const { ctx } = this;
    const m = this.margin;
    const top = m.top;
    const bottom = this.opts.height - m.bottom;
    ctx.save();
    ctx.fillStyle = 'rgb(154 103 0 / 0.16)';
    for (const [a, b] of this.runs) {
      const xa = this.toPixel(a, 0).x;
      const xb = this.toPixel(b, 0).x;
      ctx.fillRect(xa, top, Math.max(1, xb - xa), bottom - top);
    }
    ctx.restore();
  }
}

let dl = null;
let S = null;
const cards = []; // {name, plot, readout, curve}
let depthPlot = null;
let depth = null; // {name: {depth, first_rms, last_rms}}
let hashTimer = 0;
const $ = (id) => document.getElementById(id);

function saveHash() {
  writeState(stateToHash(S));
}

function curveSeries(xs, c) {
  return [
    { type: 'line', xs, ys: c.y, color: '#1f6feb', width: 2.5 },
    { type: 'line', xs, ys: c.dy, color: '#d1242f', width: 2, dash: [6, 4] },
  ];
}

function buildCards() {
  const box = $('acts');
  box.replaceChildren();
  cards.length = 0;
  const xs = xGrid();
  const xa = Array.from(xs);
  for (const name of ACTIVATIONS) {
    const raw = dl.activationCurve(name, xs);
    const curve = { y: Array.from(raw.y), dy: Array.from(raw.dy) };
    const card = document.createElement('article');
    card.className = 'act-card';
    card.dataset.act = name;
    const h = document.createElement('h3');
    const title = document.createElement('span');
    title.className = 'act-name';
    const f = document.createElement('span');
    f.className = 'mono';
    f.textContent = FORMULAS[name];
    h.append(title, f);
    const canvas = document.createElement('canvas');
    canvas.setAttribute('role', 'img');
    const readout = document.createElement('p');
    readout.className = 'act-readout mono';
    card.append(h, canvas, readout);
    box.append(card);
    const entry = { name, curve, readout, title, canvas, plot: null };
    entry.plot = new ShadedPlot(canvas, {
      width: 260,
      height: 190,
      x: { label: 'x', min: X_MIN, max: X_MAX },
      y: {},
      onPointer: ({ type, x, inside }) => {
        if (type === 'down' || (inside && type === 'move') || (type === 'move' && entry.dragging)) {
          if (type === 'down') entry.dragging = true;
          setCursor(Math.min(X_MAX, Math.max(X_MIN, x)));
        }
        if (type === 'up') entry.dragging = false;
      },
    });
    entry.plot.margin = { left: 44, right: 10, top: 10, bottom: 36 };
    // a finger may still scroll the page over these plots; a sideways drag moves the cursor
    canvas.style.touchAction = 'pan-y';
    entry.plot.runs = saturatedRuns(xa, curve.dy, SATURATION);
    entry.plot.setSeries(curveSeries(xa, curve));
    cards.push(entry);
  }
  layoutCards();
  labelCards();
}

function layoutCards() {
  for (const c of cards) {
    const w = Math.max(220, Math.floor(c.canvas.parentElement.clientWidth - 2));
    c.plot.resize(w, Math.round(Math.min(230, Math.max(150, w * 0.5))));
  }
}

function labelCards() {
  for (const c of cards) {
    c.title.textContent = t(`activ.name.${c.name}`);
    c.canvas.setAttribute('aria-label', t('activ.plot_label', { name: t(`activ.name.${c.name}`) }));
  }
  setCursor(S.x, { quiet: true });
}

/** Move the shared cursor: every plot's crosshair and readout, values asked of the engine. */
function setCursor(x, { quiet = false } = {}) {
  S.x = x;
  const xs = Float32Array.of(x);
  $('x-out').textContent = fmt(xs[0]);
  if (document.activeElement !== $('x')) $('x').value = String(x);
  for (const c of cards) {
    const r = dl.activationCurve(c.name, xs);
    const y = r.y[0];
    const dy = r.dy[0];
    c.plot.setCrosshair({ x: xs[0], y });
    c.readout.textContent = t('activ.readout', { x: fmt(xs[0]), f: fmt(y), df: fmt(dy) });
    c.readout.classList.toggle('sat', Math.abs(dy) < SATURATION);
  }
  if (!quiet) {
    clearTimeout(hashTimer);
    hashTimer = setTimeout(saveHash, 250);
  }
}

let depthRun = 0;

/**
 * The depth curves, one activation per task (~0.1 s each: the page has no worker, its CSP says
 * worker-src 'none'), drawn as they arrive; a newer call (another init) supersedes this one.
 */
async function computeDepth() {
  const run = ++depthRun;
  const next = {};
  for (const name of ACTIVATIONS) {
    await new Promise((r) => setTimeout(r, 0));
    if (run !== depthRun) return false;
    next[name] = dl.depthGradients(name, { init: S.init, maxDepth: MAX_DEPTH });
    depth = { ...next };
    drawDepth();
  }
  return true;
}

function drawDepth() {
  const box = $('depth-box');
  const w = Math.max(260, Math.floor(box.clientWidth));
  const h = Math.round(Math.min(420, Math.max(260, w * 0.55)));
  const names = ACTIVATIONS.filter((name) => depth?.[name]);
  const series = names.map((name) => ({
    type: 'line',
    xs: depth[name].depth,
    ys: depth[name].first_rms.map((v) => Math.log10(v)),
    color: COLORS[ACTIVATIONS.indexOf(name)],
    width: name === 'linear' ? 1.5 : 2.5,
    dash: name === 'linear' ? [5, 4] : undefined,
  }));
  const dots = names.map((name) => ({
    type: 'scatter',
    xs: depth[name].depth,
    ys: depth[name].first_rms.map((v) => Math.log10(v)),
    color: COLORS[ACTIVATIONS.indexOf(name)],
    radius: 2.5,
  }));
  // a fixed y range while the lines arrive (widened if a curve leaves it)
  let lo = -14;
  for (const sr of series) for (const v of sr.ys) if (Number.isFinite(v) && v < lo) lo = Math.floor(v / 2) * 2;
  const opts = { x: { label: t('activ.depth_x'), min: 1, max: MAX_DEPTH }, y: { label: t('activ.depth_y'), min: lo, max: 2 } };
  if (!depthPlot) depthPlot = new Plot($('depth'), { width: w, height: h, ...opts });
  Object.assign(depthPlot.opts, opts);
  depthPlot.resize(w, h);
  depthPlot.setSeries([...series, ...dots]);
  const at = 10;
  $('depth-at').textContent = t('activ.depth_at', { d: at });
  const ul = $('depth-legend');
  ul.replaceChildren(...ACTIVATIONS.map((name, i) => {
    const li = document.createElement('li');
    li.dataset.act = name;
    const sw = document.createElement('span');
    sw.className = `swatch c${i}`;
    const label = document.createElement('span');
    label.textContent = t(`activ.name.${name}`);
    const v = document.createElement('span');
    v.className = 'mono';
    v.textContent = depth?.[name] ? fmt(depth[name].first_rms[at - 1]) : '…';
    li.append(sw, label, v);
    return li;
  }));
}

function fillInit() {
  const sel = $('init');
  sel.replaceChildren(...INITS.map((id) => {
    const o = document.createElement('option');
    o.value = id;
    o.textContent = id;
    return o;
  }));
  sel.value = S.init;
}

function keepLang() {
  for (const a of document.querySelectorAll('a[data-keep-lang]')) {
    const [path, hash] = a.getAttribute('href').split('#');
    a.href = withLang(hash ? `${path}#${hash.split('&').filter((p) => !p.startsWith('lang=')).join('&')}` : path);
  }
}

function wire() {
  $('x').addEventListener('input', () => setCursor(Number($('x').value)));
  $('init').addEventListener('change', () => {
    S.init = $('init').value;
    computeDepth();
    saveHash();
  });
  let rz = 0;
  addEventListener('resize', () => {
    cancelAnimationFrame(rz);
    rz = requestAnimationFrame(() => {
      layoutCards();
      drawDepth();
    });
  });
  onStateChange((h) => {
    const next = stateFromHash(h);
    const initChanged = next.init !== S.init;
    S = next;
    $('init').value = S.init;
    setCursor(S.x, { quiet: true });
    if (initChanged) computeDepth();
  });
  document.addEventListener('langchange', () => {
    if (!S) return;
    labelCards();
    drawDepth();
    keepLang();
  });
}

async function main() {
  try {
    await initI18n();
    keepLang();
    dl = await ready();
    S = stateFromHash(readState());
    window.__activ = { get state() { return S; }, cards, get depth() { return depth; } };
    fillInit();
    wire();
    buildCards();
    drawDepth();
    saveHash();
    await computeDepth();
    document.body.dataset.activReady = '1';
  } catch (err) {
    console.error(err);
    showError(err);
  }
}

main();
