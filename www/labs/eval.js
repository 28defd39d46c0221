//! Evaluation and regularization lab (topics 19, 20, 6, 12). The worker (eval.worker.js) trains
//! the models: A and B on the breast-cancer table or a toy set (EvalModel), the dropout net and
//! the nets under L1/L2/elastic net (the training lab's Trainer), the learning and validation
//! curves. The page's own wasm instance answers what must follow a slider at once: the confusion
//! matrix at the threshold (confusionAt) and the two-weight L1/L2 path (regPath). Pure logic
//! (hash state, configs, formulas, curve reading, histograms) is in eval.model.js.
//! Test hooks: `window.__eval` and `document.body.dataset.{evalReady,evalFit,evalEns,evalCurves,evalZeros,evalImb}`.
import { initI18n, showError, t, describeError, noteIgnoredHash } from '../app/i18n.js';
import { readState, writeState, onStateChange } from '../app/state.js';
import { ready } from '../app/wasm.js';
import { Plot, PALETTE } from '../app/plot.js';
import { fitCanvas } from '../app/canvas.js';
import { contours } from '../vendor/d3-contour.mjs';
import {
  DEFAULTS, MODELS, stateFromHash, stateToHash, modelConfig, formulas, rate, precisionFrom,
  diagnose, weightHistogram, fmt, geoLambda, elasticBall,
} from './eval.model.js';

const $ = (id) => document.getElementById(id);
const COLOR_A = PALETTE[0];
const COLOR_B = PALETTE[1];
const COLOR_EL = PALETTE[4];
const GRID = 40;
const SHOWN = 6;

let dl = null;
let S = { ...DEFAULTS };
const view = {
  gen: 0,
  frame: null, // the latest fit frame
  confusion: null,
  geo: null,
  ens: null,
  ensKey: '',
  zeros: null,
  zerosKey: '',
  curves: { size: [], hidden: [] },
  curvesKey: '',
  fitKey: '',
  errors: {},
};
window.__eval = { S: () => S, view };

const worker = new Worker(new URL('./eval.worker.js', import.meta.url), { type: 'module' });
worker.onerror = (e) => fail(new Error(`evaluation worker: ${e.message || 'failed to start'}`));
worker.onmessage = (e) => onWorker(e.data);
const post = (m) => worker.postMessage(m);

function fail(err) {
  showError(err);
}

// ---- plots ---------------------------------------------------------------------------------

const plots = {};
function boxWidth(canvas, max = 560) {
  const w = canvas.parentElement.clientWidth || 320;
  return Math.max(200, Math.min(max, w));
}

function makePlot(id, opts, square = false) {
  const c = $(id);
  const w = boxWidth(c, square ? 480 : 560);
  const h = square ? w : Math.round(Math.min(320, Math.max(220, w * 0.62)));
  if (!plots[id]) plots[id] = new Plot(c, { width: w, height: h, ...opts });
  else {
    Object.assign(plots[id].opts, opts);
    if (plots[id].opts.width !== w || plots[id].opts.height !== h) plots[id].resize(w, h);
  }
  return plots[id];
}

// ---- state -----------------------------------------------------------------------------------

function saveHash() {
  const clear = Object.fromEntries(Object.keys(DEFAULTS).map((k) => [k, null]));
  writeState({ ...clear, ...stateToHash(S) });
}

function set(changes) {
  Object.assign(S, changes);
  saveHash();
  apply();
}

function loadHash() {
  const { state, ignored } = stateFromHash(readState());
  S = state;
  noteIgnoredHash(ignored);
  syncControls();
  apply();
}

function syncControls() {
  $('data').value = S.data;
  $('model-a').value = S.a;
  $('model-b').value = S.b;
  $('epochs').value = String(S.ep);
  $('seed').value = String(S.seed);
  $('thr').value = String(S.thr);
  $('thr-out').textContent = S.thr.toFixed(2);
  $('pos').value = String(S.pos);
  $('pos-out').textContent = `${S.pos}%`;
  $('lam').value = String(S.lam);
  $('lam-out').textContent = geoLambda(S).lambda.toFixed(S.gm === 'log' ? 3 : 2);
  $('geo-model').value = S.gm;
  $('rho').value = String(S.rho);
  $('rho-out').textContent = S.rho.toFixed(2);
  $('orth').checked = S.orth === 1;
  $('rho').disabled = S.orth === 1;
  $('k').value = String(S.k);
  $('k-out').textContent = String(S.k);
  $('kd').value = String(S.kd);
  $('kd-out').textContent = S.kd.toFixed(2);
}

function modelLabel(m) {
  if (m === 'none') return t('eval.model_none');
  if (m === 'lr') return t('eval.model_lr');
  return t('eval.model_mlp', { units: m.replace(',', '×') });
}

function fillModels() {
  for (const [id, list] of [['model-a', MODELS], ['model-b', [...MODELS, 'none']]]) {
    const sel = $(id);
    sel.replaceChildren(...list.map((m) => {
      const o = document.createElement('option');
      o.value = m;
      o.textContent = modelLabel(m);
      return o;
    }));
  }
}

/** Starts whatever the state change asks for: a refit, a new ensemble, new curves; redraws. */
function apply() {
  const fitKey = JSON.stringify([S.data, S.seed, S.a, S.b, S.ep, S.pos]);
  if (fitKey !== view.fitKey) {
    view.fitKey = fitKey;
    view.gen++;
    view.frame = null;
    fitGen = view.gen;
    document.body.dataset.evalFit = 'running';
    view.imbalance = null;
    document.body.dataset.evalImb = S.pos < 100 ? 'running' : 'all';
    const configs = [modelConfig(S, S.a), S.b === 'none' ? null : modelConfig(S, S.b)];
    post({ type: 'fit', gen: view.gen, configs, epochs: S.ep });
  }
  const curvesKey = JSON.stringify([S.data, S.seed, S.b, S.ep]);
  if (curvesKey !== view.curvesKey) {
    view.curvesKey = curvesKey;
    view.gen++;
    view.curves = { size: [], hidden: [], gen: view.gen };
    document.body.dataset.evalCurves = 'running';
    $('lc-status').textContent = t('eval.computing');
    const m = S.b === 'none' || S.b === 'lr' ? '16' : S.b;
    const config = { ...modelConfig({ ...S, pos: 100 }, m) };
    const sizes = S.data === 'cancer' ? [8, 16, 32, 64, 128, 256, 0] : [8, 16, 32, 64, 128, 0];
    post({ type: 'curves', gen: view.gen, config, sizes, hiddens: [0, 2, 4, 8, 16, 32, 64], epochs: S.ep });
    drawCurves();
  }
  const ensKey = JSON.stringify([S.k, S.kd, S.seed]);
  if (ensKey !== view.ensKey) {
    view.ensKey = ensKey;
    view.gen++;
    view.ensGen = view.gen;
    document.body.dataset.evalEns = 'running';
    $('ens-status').textContent = t('eval.computing');
    post({
      type: 'ensemble', gen: view.gen, epochs: 150, k: S.k, grid: GRID, shown: SHOWN,
      config: { dataset: 'moons', noise: 25, hidden: [16], dropout: S.kd, activation: 'tanh', optimizer: 'adam', lr: 0.01, seed: S.seed },
    });
  }
  const zerosKey = JSON.stringify([S.seed]);
  if (zerosKey !== view.zerosKey) {
    view.zerosKey = zerosKey;
    view.gen++;
    view.zerosGen = view.gen;
    document.body.dataset.evalZeros = 'running';
    const base = { dataset: 'moons', noise: 25, hidden: [16, 16], activation: 'tanh', optimizer: 'adam', lr: 0.01, seed: S.seed };
    post({
      type: 'zeros', gen: view.gen, epochs: 200,
      configs: [{ ...base, l1: 0.005 }, { ...base, l2: 0.005 }, { ...base, l1: 0.0025, l2: 0.0025 }],
    });
  }
  drawThreshold();
  drawGeometry();
  drawEnsemble();
}

// ---- worker ----------------------------------------------------------------------------------

function onWorker(msg) {
  switch (msg.type) {
    case 'ready':
      loadHash();
      break;
    case 'frame': {
      if (!isCurrentFit(msg.gen)) return;
      view.frame = msg;
      drawFit();
      if (msg.done) document.body.dataset.evalFit = 'done';
      document.body.dataset.evalReady = '1';
      break;
    }
    case 'imbalance':
      if (!isCurrentFit(msg.gen)) return;
      view.imbalance = msg.runs;
      drawImbalance();
      document.body.dataset.evalImb = 'done';
      break;
    case 'ensemble':
      if (msg.gen !== view.ensGen) return;
      view.ens = msg;
      drawEnsemble();
      document.body.dataset.evalEns = 'done';
      break;
    case 'zeros':
      if (msg.gen !== view.zerosGen) return;
      view.zeros = msg;
      drawZeros();
      document.body.dataset.evalZeros = 'done';
      break;
    case 'curve':
      if (msg.gen !== view.curves.gen) return;
      view.curves[msg.kind].push(msg.row);
      drawCurves();
      break;
    case 'curvesDone':
      if (msg.gen !== view.curves.gen) return;
      view.curves.done = true;
      drawCurves();
      document.body.dataset.evalCurves = 'done';
      break;
    case 'jobError': {
      const box = { fit: 'roc-error', ensemble: 'ens-error', curves: 'lc-status', zeros: 'zeros' }[msg.job];
      const el = box && $(box);
      if (el) {
        if (el.classList.contains('error-box')) {
          el.hidden = false;
          el.textContent = describeError(msg.error);
        } else {
          el.textContent = describeError(msg.error);
        }
      }
      const flag = { fit: 'evalFit', ensemble: 'evalEns', curves: 'evalCurves', zeros: 'evalZeros' }[msg.job];
      if (flag) document.body.dataset[flag] = 'error';
      document.body.dataset.evalReady = '1';
      break;
    }
    case 'fatal':
      fail(msg);
      break;
    default:
  }
}

/** Frames of the current fit only (its generation is taken when the fit is posted). */
let fitGen = 0;
const isCurrentFit = (g) => g === fitGen;

// ---- ROC / PR / confusion -------------------------------------------------------------------

function drawFit() {
  const f = view.frame;
  const err = $('roc-error');
  const runs = f?.runs ?? [];
  const a = runs[0];
  const b = runs[1];
  $('epoch').textContent = String(f?.epoch ?? 0);
  $('fit-status').textContent = f?.done ? t('eval.done') : t('eval.training');
  const firstErr = runs.find((r) => r && r.error);
  if (firstErr) {
    err.hidden = false;
    err.textContent = describeError(firstErr.error);
  } else {
    err.hidden = true;
    err.textContent = '';
  }
  const ok = (r) => r && !r.error && r.roc;
  const series = [{ type: 'line', xs: [0, 1], ys: [0, 1], color: '#8c959f', dash: [4, 4], width: 1, label: t('eval.chance') }];
  const pr = [];
  for (const [r, color, name] of [[a, COLOR_A, 'A'], [b, COLOR_B, 'B']]) {
    if (!ok(r)) continue;
    series.push({ type: 'line', xs: r.roc.fpr, ys: r.roc.tpr, color, label: `${name}: ${modelLabel(name === 'A' ? S.a : S.b)} · AUC ${r.roc.auc.toFixed(3)}` });
    pr.push({ type: 'line', xs: r.pr.recall, ys: r.pr.precision, color, label: `${name} · AP ${r.pr.averagePrecision.toFixed(3)}` });
  }
  if (ok(a)) pr.unshift({ type: 'line', xs: [0, 1], ys: [a.pr.prevalence, a.pr.prevalence], color: '#8c959f', dash: [4, 4], width: 1, label: t('eval.prevalence') });
  view.rocSeries = series;
  view.prSeries = pr;
  for (const [id, r] of [['a', a], ['b', b]]) {
    $(`auc-${id}`).textContent = ok(r) ? r.roc.auc.toFixed(6) : '—';
    $(`ap-${id}`).textContent = ok(r) ? r.pr.averagePrecision.toFixed(4) : '—';
    $(`loss-${id}`).textContent = r && r.metrics ? fmt(r.metrics.testLoss, 4) : '—';
  }
  $('prev').textContent = ok(a) ? `${a.pr.prevalence.toFixed(3)} (${a.mw.n_pos} / ${a.mw.n_pos + a.mw.n_neg})` : '—';
  if (ok(a)) {
    $('auc-trap').textContent = a.roc.auc.toFixed(6);
    $('auc-pairs').textContent = a.pc.auc.toFixed(6);
    $('auc-u').textContent = a.mw.auc.toFixed(6);
    $('auc-detail').textContent = t('eval.auc_detail', {
      wins: a.pc.wins, ties: a.pc.ties, pairs: a.pc.pairs, u: fmt(a.mw.u, 1), r: fmt(a.mw.rank_sum, 1), np: a.mw.n_pos, nn: a.mw.n_neg,
    });
  } else {
    for (const id of ['auc-trap', 'auc-pairs', 'auc-u']) $(id).textContent = '—';
    $('auc-detail').textContent = '';
  }
  drawPairs(ok(a) ? a : null);
  drawThreshold();
  drawImbalance();
  drawEpochs(a, b);
}

/** ROC AUC and AP of A and B averaged over seeded subsamples of the positives. */
function drawImbalance() {
  const im = view.imbalance;
  const pm = (st) => `${st.mean.toFixed(4)} ± ${st.sd.toFixed(4)}`;
  for (const [id, i] of [['a', 0], ['b', 1]]) {
    const st = im?.[i];
    const okSt = st && !st.error && st.auc.n > 0;
    $(`auc-avg-${id}`).textContent = okSt ? pm(st.auc) : '—';
    $(`ap-avg-${id}`).textContent = okSt ? pm(st.ap) : '—';
  }
  const note = $('imb-note');
  const a = im?.[0];
  if (S.pos >= 100) note.textContent = t('eval.imb_all');
  else if (!im) note.textContent = t('eval.imb_running');
  else if (a && !a.error && a.auc.n > 0) {
    const f = (v) => v.toFixed(4);
    note.textContent = t('eval.imb_note', {
      reps: a.reps, kept: a.kept, P: a.positives, auc: pm(a.auc), aucMin: f(a.auc.min), aucMax: f(a.auc.max), aucFull: f(a.full.auc),
      ap: pm(a.ap), apMin: f(a.ap.min), apMax: f(a.ap.max), apFull: f(a.full.ap),
    }) + (a.undefinedCount ? ` ${t('eval.imb_undef', { n: a.undefinedCount, reps: a.reps })}` : '');
  } else if (a && !a.error) note.textContent = t('eval.imb_undef', { n: a.undefinedCount, reps: a.reps });
  else note.textContent = a?.error ? describeError(a.error) : '';
}

/** Train and test loss of A and B against the epoch (the validation curve over training time). */
function drawEpochs(a, b) {
  const p = makePlot('ep-plot', { x: { label: t('eval.epoch_axis') }, y: { label: t('eval.loss_axis'), min: 0 } });
  const series = [];
  for (const [r, color, name] of [[a, COLOR_A, 'A'], [b, COLOR_B, 'B']]) {
    const h = r?.history;
    if (!h || !h.length) continue;
    const xs = h.map((row) => row.epoch);
    series.push({ type: 'line', xs, ys: h.map((row) => row.trainLoss), color, dash: [5, 3], label: `${name} ${t('eval.train_loss')}` });
    series.push({ type: 'line', xs, ys: h.map((row) => row.testLoss), color, label: `${name} ${t('eval.test_loss')}` });
  }
  p.setSeries(series);
}

function drawPairs(a) {
  const p = makePlot('pairs-plot', {
    x: { label: t('eval.neg_score'), min: 0, max: 1 },
    y: { label: t('eval.pos_score'), min: 0, max: 1 },
  });
  if (!a) {
    p.setSeries([]);
    return;
  }
  const win = { xs: [], ys: [] };
  const lose = { xs: [], ys: [] };
  const tie = { xs: [], ys: [] };
  for (let i = 0; i + 1 < a.pairs.length; i += 2) {
    const sp = a.scores[a.pairs[i]];
    const sn = a.scores[a.pairs[i + 1]];
    const g = sp > sn ? win : sp < sn ? lose : tie;
    g.xs.push(sn);
    g.ys.push(sp);
  }
  const n = a.pairs.length / 2;
  p.setSeries([
    { type: 'line', xs: [0, 1], ys: [0, 1], color: '#8c959f', dash: [4, 4], width: 1 },
    { type: 'scatter', ...win, color: PALETTE[2], radius: 2.5, label: t('eval.pairs_win', { n: win.xs.length, total: n }) },
    { type: 'scatter', ...lose, color: PALETTE[1], radius: 2.5, label: t('eval.pairs_lose', { n: lose.xs.length }) },
    { type: 'scatter', ...tie, color: '#57606a', radius: 2.5, label: t('eval.pairs_tie', { n: tie.xs.length }) },
  ]);
}

/** The confusion matrix of run `r` at the threshold (null when there is none; errors shown). */
function confusionOf(r) {
  if (!r || r.fatal || !r.labels || !dl) return null;
  try {
    return dl.confusionAt(r.labels, r.scores, S.thr);
  } catch (err) {
    $('roc-error').hidden = false;
    $('roc-error').textContent = describeError(err);
    return null;
  }
}

function drawThreshold() {
  const a = view.frame?.runs?.[0];
  const b = S.b === 'none' ? null : view.frame?.runs?.[1];
  const cb = confusionOf(b);
  view.confusionB = cb;
  const rocP = makePlot('roc-plot', { x: { label: t('eval.fpr'), min: 0, max: 1 }, y: { label: t('eval.tpr'), min: 0, max: 1 } });
  const prP = makePlot('pr-plot', { x: { label: t('eval.recall'), min: 0, max: 1 }, y: { label: t('eval.precision'), min: 0, max: 1.02 } });
  const c = confusionOf(a);
  view.confusion = c;
  const rocSeries = [...(view.rocSeries ?? [])];
  const prSeries = [...(view.prSeries ?? [])];
  if (c && !a.error) {
    if (Number.isFinite(c.fpr) && Number.isFinite(c.tpr)) rocSeries.push({ type: 'scatter', xs: [c.fpr], ys: [c.tpr], color: '#1f2328', radius: 5, label: t('eval.at_thr', { t: S.thr.toFixed(2) }) });
    if (Number.isFinite(c.recall) && Number.isFinite(c.precision)) prSeries.push({ type: 'scatter', xs: [c.recall], ys: [c.precision], color: '#1f2328', radius: 5, label: t('eval.at_thr', { t: S.thr.toFixed(2) }) });
  }
  if (cb && !b.error) {
    const lb = t('eval.at_thr_b', { t: S.thr.toFixed(2) });
    if (Number.isFinite(cb.fpr) && Number.isFinite(cb.tpr)) rocSeries.push({ type: 'scatter', xs: [cb.fpr], ys: [cb.tpr], color: COLOR_B, radius: 5, label: lb });
    if (Number.isFinite(cb.recall) && Number.isFinite(cb.precision)) prSeries.push({ type: 'scatter', xs: [cb.recall], ys: [cb.precision], color: COLOR_B, radius: 5, label: lb });
  }
  $('cm-b-box').hidden = S.b === 'none';
  for (const k of ['tp', 'fp', 'tn', 'fn']) $(`cm-b-${k}`).textContent = cb ? String(cb[k]) : '—';
  $('rates-b').textContent = cb ? formulas(cb).map((f) => `${f.name} = ${rate(f.value)}`).join(' · ') : '';
  rocP.setSeries(rocSeries);
  prP.setSeries(prSeries);
  for (const k of ['tp', 'fp', 'tn', 'fn']) $(`cm-${k}`).textContent = c ? String(c[k]) : '—';
  const list = $('formulas');
  list.replaceChildren(...(c ? formulas(c) : []).map((f) => {
    const li = document.createElement('li');
    li.textContent = `${f.name} = ${f.formula} = ${rate(f.value)}`;
    return li;
  }));
  const why = $('why-numbers');
  if (c && a.mw && Number.isFinite(c.tpr) && Number.isFinite(c.fpr)) {
    const P = a.mw.n_pos;
    const N = a.mw.n_neg;
    why.textContent = t('eval.why_numbers', {
      tpr: c.tpr.toFixed(3), fpr: c.fpr.toFixed(3), P, N, prec: rate(precisionFrom(c.tpr, c.fpr, P, N)),
      prec10: rate(precisionFrom(c.tpr, c.fpr, Math.max(1, Math.round(P / 10)), N)), P10: Math.max(1, Math.round(P / 10)),
    });
  } else why.textContent = '';
}

// ---- L1 / L2 geometry ------------------------------------------------------------------------

function drawGeometry() {
  if (!dl) return;
  const err = $('geo-error');
  let g;
  try {
    const { lambda, lambdaMax } = geoLambda(S);
    g = dl.regPath({ seed: S.seed, rho: S.rho, orthogonal: S.orth === 1, logistic: S.gm === 'log', lambda, lambdaMax, steps: 101, grid: 70 });
    err.hidden = true;
  } catch (e) {
    err.hidden = false;
    err.textContent = describeError(e);
    return;
  }
  view.geo = g;
  const R = g.range;
  const series = [];
  // loss contours (levels spaced in sqrt so the ellipses near the optimum show)
  let lo = Infinity;
  let hi = -Infinity;
  for (const v of g.loss) {
    if (v < lo) lo = v;
    if (v > hi) hi = v;
  }
  const levels = [];
  for (let i = 1; i <= 12; i++) levels.push(lo + (hi - lo) * (i / 12) ** 2);
  const n = g.grid;
  const step = (2 * R) / n;
  const gen = contours().size([n, n]);
  for (const [i, lev] of levels.entries()) {
    const xs = [];
    const ys = [];
    for (const poly of gen.contour(g.loss, lev).coordinates) {
      for (const ring of poly) {
        for (const [gx, gy] of ring) {
          xs.push(-R + gx * step);
          ys.push(-R + gy * step);
        }
        xs.push(NaN);
        ys.push(NaN);
      }
    }
    series.push({ type: 'line', xs, ys, color: i < 3 ? '#8c959f' : '#d0d7de', width: 1 });
  }
  series.push({ type: 'line', xs: [-R, R], ys: [0, 0], color: '#57606a', width: 1 });
  series.push({ type: 'line', xs: [0, 0], ys: [-R, R], color: '#57606a', width: 1 });
  const t1 = Math.abs(g.l1[0]) + Math.abs(g.l1[1]);
  series.push({ type: 'line', xs: [t1, 0, -t1, 0, t1], ys: [0, t1, 0, -t1, 0], color: COLOR_A, width: 2, label: t('eval.diamond', { t: t1.toFixed(3) }) });
  const r2 = Math.hypot(g.l2[0], g.l2[1]);
  const cx = [];
  const cy = [];
  for (let i = 0; i <= 96; i++) {
    cx.push(r2 * Math.cos((i / 96) * 2 * Math.PI));
    cy.push(r2 * Math.sin((i / 96) * 2 * Math.PI));
  }
  series.push({ type: 'line', xs: cx, ys: cy, color: COLOR_B, width: 2, label: t('eval.circle', { r: r2.toFixed(3) }) });
  const eb = elasticBall(g.elastic, 0.5);
  series.push({ type: 'line', xs: eb.xs, ys: eb.ys, color: COLOR_EL, width: 2, label: t('eval.elastic_ball', { c: eb.c.toFixed(3) }) });
  series.push({ type: 'line', xs: g.pathL1.map((w) => w[0]), ys: g.pathL1.map((w) => w[1]), color: COLOR_A, width: 1.5, dash: [5, 3] });
  series.push({ type: 'line', xs: g.pathL2.map((w) => w[0]), ys: g.pathL2.map((w) => w[1]), color: COLOR_B, width: 1.5, dash: [5, 3] });
  series.push({ type: 'line', xs: g.pathElastic.map((w) => w[0]), ys: g.pathElastic.map((w) => w[1]), color: COLOR_EL, width: 1.5, dash: [2, 3] });
  series.push({ type: 'scatter', xs: [g.elastic[0]], ys: [g.elastic[1]], color: COLOR_EL, radius: 4 });
  series.push({ type: 'scatter', xs: [g.ols[0]], ys: [g.ols[1]], color: '#1f2328', radius: 5 });
  series.push({ type: 'scatter', xs: [g.l1[0]], ys: [g.l1[1]], color: COLOR_A, radius: 6 });
  series.push({ type: 'scatter', xs: [g.l2[0]], ys: [g.l2[1]], color: COLOR_B, radius: 6 });
  const ws = makePlot('wspace', { x: { label: 'w₁', min: -R, max: R }, y: { label: 'w₂', min: -R, max: R } }, true);
  ws.setSeries(series);
  const lam = g.lambdas;
  const lmax = g.lambdas[g.lambdas.length - 1];
  const pp = makePlot('path-plot', { x: { label: 'λ', min: 0, max: lmax }, y: { label: t('eval.weight') }, vlines: [{ x: g.lambda, color: '#1f2328' }] });
  pp.setSeries([
    { type: 'line', xs: lam, ys: g.pathL1.map((w) => w[0]), color: COLOR_A, label: 'L1 w₁' },
    { type: 'line', xs: lam, ys: g.pathL1.map((w) => w[1]), color: COLOR_A, dash: [5, 3], label: 'L1 w₂' },
    { type: 'line', xs: lam, ys: g.pathL2.map((w) => w[0]), color: COLOR_B, label: 'L2 w₁' },
    { type: 'line', xs: lam, ys: g.pathL2.map((w) => w[1]), color: COLOR_B, dash: [5, 3], label: 'L2 w₂' },
    { type: 'line', xs: lam, ys: g.pathElastic.map((w) => w[0]), color: COLOR_EL, width: 1.5, label: t('eval.k_el_short') + ' w₁' },
    { type: 'line', xs: lam, ys: g.pathElastic.map((w) => w[1]), color: COLOR_EL, width: 1.5, dash: [5, 3], label: t('eval.k_el_short') + ' w₂' },
  ]);
  const w = (v) => (v === 0 ? '0 (exact)' : v.toFixed(4));
  $('l1-w1').textContent = w(g.l1[0]);
  $('l1-w2').textContent = w(g.l1[1]);
  $('l2-w1').textContent = w(g.l2[0]);
  $('l2-w2').textContent = w(g.l2[1]);
  $('el-w1').textContent = w(g.elastic[0]);
  $('el-w2').textContent = w(g.elastic[1]);
  const z = g.l1ZeroAt;
  const key = S.gm === 'log' ? 'eval.zero_at_log' : S.orth === 1 ? 'eval.zero_at_orth' : 'eval.zero_at';
  const far = `> ${lmax}`;
  $('zero-at').textContent = t(key, {
    z1: z[0] === null ? far : z[0].toFixed(4), z2: z[1] === null ? far : z[1].toFixed(4),
    c1: Math.abs(g.design.z[0]).toFixed(4), c2: Math.abs(g.design.z[1]).toFixed(4),
    cmax: Math.max(Math.abs(g.design.z[0]), Math.abs(g.design.z[1])).toFixed(4),
  });
  $('geo-hint').textContent = t(S.gm === 'log' ? 'eval.geo_hint_log' : 'eval.geo_hint');
  $('lam-out').textContent = g.lambda.toFixed(S.gm === 'log' ? 3 : 2);
}

function drawZeros() {
  const box = $('zeros');
  const z = view.zeros;
  if (!z) return;
  const names = [t('eval.k_l1'), t('eval.k_l2'), t('eval.elastic')];
  const lim = Math.max(...z.runs.map((r) => weightHistogram(r.weights).lim));
  const cards = z.runs.map((r, i) => {
    const h = weightHistogram(r.weights, { bins: 41, lim });
    const fig = document.createElement('figure');
    fig.className = 'eval-fig zero-card';
    const cap = document.createElement('figcaption');
    cap.textContent = `${names[i]}: ${t('eval.zero_counts', { exact: h.exact, near: h.near, total: h.total })}`;
    cap.dataset.exact = String(h.exact);
    cap.dataset.near = String(h.near);
    const c = document.createElement('canvas');
    c.setAttribute('role', 'img');
    c.setAttribute('aria-label', cap.textContent);
    const wrap = document.createElement('div');
    wrap.className = 'plot-box';
    wrap.append(c);
    fig.append(cap, wrap);
    return { fig, c, h };
  });
  box.replaceChildren(...cards.map((x) => x.fig));
  for (const { c, h } of cards) {
    const w = Math.max(200, Math.min(380, box.clientWidth / (box.clientWidth > 760 ? 3 : 1) - 12));
    const p = new Plot(c, { width: w, height: 190, x: { label: t('eval.weight'), min: -h.lim, max: h.lim }, y: { label: t('eval.count'), min: 0 } });
    const xs = [];
    const ys = [];
    const bw = (2 * h.lim) / h.counts.length;
    h.counts.forEach((n, k) => {
      const x0 = -h.lim + k * bw;
      xs.push(x0, x0, x0 + bw, x0 + bw);
      ys.push(0, n, n, 0);
    });
    p.setSeries([{ type: 'line', xs, ys, color: COLOR_A, width: 1.5 }]);
  }
}

// ---- dropout ensemble ------------------------------------------------------------------------

/** P(class 1) as a blue (0) - white (0.5) - orange (1) image; std as white-purple. */
function drawMap(canvas, values, grid, size, { std = false, points = null, domain = 6 } = {}) {
  const ctx = fitCanvas(canvas, size, size);
  const img = new ImageData(grid, grid);
  for (let i = 0; i < grid * grid; i++) {
    const v = Number.isFinite(values[i]) ? values[i] : 0.5;
    let r;
    let g;
    let b;
    if (std) {
      const s = Math.min(1, v / 0.5);
      [r, g, b] = [255 - 125 * s, 255 - 175 * s, 255 - 32 * s];
    } else if (v < 0.5) {
      const s = (0.5 - v) * 2;
      [r, g, b] = [255 - 224 * s, 255 - 144 * s, 255 - 20 * s];
    } else {
      const s = (v - 0.5) * 2;
      [r, g, b] = [255 - 20 * s, 255 - 120 * s, 255 - 220 * s];
    }
    img.data.set([r, g, b, 255], i * 4);
  }
  const tmp = new OffscreenCanvas(grid, grid);
  tmp.getContext('2d').putImageData(img, 0, 0);
  ctx.imageSmoothingEnabled = true;
  ctx.drawImage(tmp, 0, 0, size, size);
  if (points) {
    for (let i = 0; i + 3 < points.length; i += 4) {
      const x = ((points[i] + domain) / (2 * domain)) * size;
      const y = ((domain - points[i + 1]) / (2 * domain)) * size;
      ctx.fillStyle = points[i + 2] > 0.5 ? '#9a3d00' : '#0b3d91';
      ctx.beginPath();
      ctx.arc(x, y, 1.6, 0, 2 * Math.PI);
      ctx.fill();
    }
  }
}

function drawEnsemble() {
  const e = view.ens?.result;
  if (!e) return;
  const err = $('ens-error');
  err.hidden = true;
  $('ens-status').textContent = t('eval.ens_status', {
    acc: fmt((view.ens.metrics.test_acc ?? NaN) * 100, 1), p: e.p.toFixed(2), k: e.k,
  });
  const box = $('subnets');
  const w = box.clientWidth || 600;
  const small = Math.max(90, Math.min(150, Math.floor(w / Math.min(SHOWN, w > 700 ? 6 : 3)) - 12));
  box.replaceChildren(...e.subnets.map((m, i) => {
    const fig = document.createElement('figure');
    fig.className = 'subnet';
    const c = document.createElement('canvas');
    c.setAttribute('role', 'img');
    const cap = document.createElement('figcaption');
    cap.textContent = t('eval.subnet', { i: i + 1, kept: e.kept[i], units: e.units });
    c.setAttribute('aria-label', cap.textContent);
    fig.append(c, cap);
    drawMap(c, m, e.grid, small);
    return fig;
  }));
  const big = Math.max(150, Math.min(240, Math.floor(($('ens-avg').parentElement.clientWidth || 240) - 4)));
  const pts = view.ens.points;
  drawMap($('ens-avg'), e.avgGeo, e.grid, big, { points: pts, domain: e.domain });
  drawMap($('ens-full'), e.full, e.grid, big, { points: pts, domain: e.domain });
  drawMap($('ens-std'), e.std, e.grid, big, { std: true });
  $('gap-now').textContent = t('eval.gap_values', { k: e.k, geo: e.gapGeoK.toExponential(2), arith: e.gapArithK.toExponential(2) });
  const gp = makePlot('gap-plot', { x: { label: 'K (log₂)' }, y: { label: t('eval.gap_axis'), log: true }, vlines: [{ x: Math.log2(e.k), color: '#1f2328' }] });
  const xs = e.ks.map((k) => Math.log2(k));
  gp.setSeries([
    { type: 'line', xs, ys: e.gapGeo, color: COLOR_A, label: t('eval.gap_geo') },
    { type: 'line', xs, ys: e.gapArith, color: COLOR_B, label: t('eval.gap_arith') },
    { type: 'line', xs, ys: e.ks.map((k) => e.gapGeo[0] / Math.sqrt(k)), color: '#8c959f', dash: [4, 4], width: 1, label: '∝ 1/√K' },
  ]);
}

// ---- learning curves -------------------------------------------------------------------------

function drawCurves() {
  const c = view.curves;
  const lc = makePlot('lc-plot', { x: { label: t('eval.train_size'), unit: t('eval.rows') }, y: { label: t('eval.loss_axis'), min: 0 } });
  const bySize = [...c.size].sort((p, q) => p.size - q.size);
  const diagS = diagnose(bySize);
  const regions = (rows, per, x) => ['bias', 'variance'].map((kind) => {
    const hit = rows.filter((_, i) => per[i] === kind);
    return { type: 'scatter', xs: hit.map(x), ys: hit.map((r) => r.test), color: kind === 'bias' ? '#9a6700' : '#8250df', radius: 5, label: hit.length ? t(`eval.region_${kind}`) : undefined };
  });
  lc.setSeries([
    { type: 'line', xs: bySize.map((r) => r.size), ys: bySize.map((r) => r.train), color: COLOR_A, label: t('eval.train_loss') },
    { type: 'line', xs: bySize.map((r) => r.size), ys: bySize.map((r) => r.test), color: COLOR_B, label: t('eval.test_loss') },
    ...regions(bySize, diagS.per, (r) => r.size),
  ]);
  const vc = makePlot('vc-plot', { x: { label: t('eval.hidden_units') }, y: { label: t('eval.loss_axis'), min: 0 } });
  const diagH = diagnose(c.hidden);
  vc.setSeries([
    { type: 'line', xs: c.hidden.map((r) => r.hidden), ys: c.hidden.map((r) => r.train), color: COLOR_A, label: t('eval.train_loss') },
    { type: 'line', xs: c.hidden.map((r) => r.hidden), ys: c.hidden.map((r) => r.test), color: COLOR_B, label: t('eval.test_loss') },
    ...regions(c.hidden, diagH.per, (r) => r.hidden),
  ]);
  const last = bySize[bySize.length - 1];
  if (c.done && last) {
    const d = diagS;
    $('lc-gap').textContent = fmt(last.test - last.train, 4);
    $('lc-verdict').textContent = t(`eval.verdict_${d.last}`);
    $('lc-status').textContent = t('eval.lc_done', { n: last.size, ep: S.ep });
  } else {
    $('lc-gap').textContent = '…';
    $('lc-verdict').textContent = '';
  }
}

// ---- start -----------------------------------------------------------------------------------

function wire() {
  $('data').addEventListener('change', (e) => set({ data: e.target.value }));
  $('model-a').addEventListener('change', (e) => set({ a: e.target.value }));
  $('model-b').addEventListener('change', (e) => set({ b: e.target.value }));
  const intField = (id, key, lo, hi) => $(id).addEventListener('change', (e) => {
    const v = Math.round(Number(e.target.value));
    if (!Number.isFinite(v) || e.target.value === '') {
      e.target.value = String(S[key]);
      return;
    }
    set({ [key]: Math.min(hi, Math.max(lo, v)) });
    e.target.value = String(S[key]);
  });
  intField('epochs', 'ep', 1, 400);
  intField('seed', 'seed', 1, 9999);
  const slider = (id, key, out, f) => $(id).addEventListener('input', (e) => {
    const v = Number(e.target.value);
    $(out).textContent = f(v);
    set({ [key]: v });
  });
  slider('thr', 'thr', 'thr-out', (v) => v.toFixed(2));
  slider('pos', 'pos', 'pos-out', (v) => `${v}%`);
  slider('lam', 'lam', 'lam-out', (v) => geoLambda({ ...S, lam: v }).lambda.toFixed(S.gm === 'log' ? 3 : 2));
  $('geo-model').addEventListener('change', (e) => set({ gm: e.target.value }));
  slider('rho', 'rho', 'rho-out', (v) => v.toFixed(2));
  slider('k', 'k', 'k-out', (v) => String(v));
  slider('kd', 'kd', 'kd-out', (v) => v.toFixed(2));
  $('orth').addEventListener('change', (e) => set({ orth: e.target.checked ? 1 : 0 }));
  onStateChange(() => loadHash());
  let rt = null;
  addEventListener('resize', () => {
    clearTimeout(rt);
    rt = setTimeout(() => {
      drawFit();
      drawGeometry();
      drawEnsemble();
      drawZeros();
      drawCurves();
    }, 150);
  });
  document.addEventListener('langchange', () => {
    fillModels();
    syncControls();
    drawFit();
    drawGeometry();
    drawEnsemble();
    drawZeros();
    drawCurves();
  });
}

async function main() {
  await initI18n();
  fillModels();
  dl = await ready();
  wire();
  worker.postMessage({ type: 'init' });
}

main().catch(fail);
