//! Outputs-and-losses lab (topics 24, 25, 4, 21, 7). Static panels computed by the kernels on
//! the main thread (softmax/sigmoid, the CE/MSE curves, focal curves, smoothed targets); the
//! A/B runs (`LossRun`s) in a module worker (losses.worker.js). The URL hash holds the logits,
//! T, γ, α, ε, the KD settings, the rare digit, the example, the cursor and the seed
//! (losses.model.js). Test hooks: `window.__losses` and `document.body.dataset.lossesReady`.
import { initI18n, showError, t, describeError, noteIgnoredHash } from '../app/i18n.js';
import { readState, writeState, onStateChange } from '../app/state.js';
import { ready } from '../app/wasm.js';
import { Plot, PALETTE } from '../app/plot.js';
import { errorFromJSON } from '../app/errors.js';
import { drawBars, drawReliability, drawDigit } from './losses.bars.js';
import {
  GAMMAS, BIG_LOGITS, DEFAULT_LOGITS, T_RANGE, naiveSoftmaxF32, stableParts, twoClass,
  logisticSurface, linspace, checkParam, parseLogits, stateFromHash, stateToHash, fmt,
  experimentRuns, DEFAULTS,
} from './losses.model.js';

const $ = (id) => document.getElementById(id);
let dl = null;
let S = { ...DEFAULTS };
let worker = null;
let gen = 0;
const results = { cemse: null, imbalance: null, smooth: null, kd: null };
const plots = {};
const hooks = { softmaxRows: [], curves: null, focal: null, smoothing: null, results, busy: {} };
window.__losses = hooks;

const P_GRID = linspace(0.005, 0.995, 199);

function width(el, max = 620) {
  const w = el.parentElement.clientWidth || 320;
  return Math.max(200, Math.min(max, w));
}

function save() {
  const h = stateToHash(S);
  for (const k of Object.keys(h)) if (String(h[k]) === String(DEFAULTS[k])) h[k] = null;
  writeState(h);
}

// ---- field messages ------------------------------------------------------------------------

/** Show `r`'s message in the box `id` (several fields may share one box: clearing one field
 * shows the message of another that is still wrong, else hides the box). */
function fieldMsg(id, input, r) {
  const box = $(id);
  if (r && r.error) {
    const text = t(r.error, r.vars || {});
    box.hidden = false;
    box.textContent = text;
    if (input) {
      input.classList.add('invalid');
      input.setAttribute('aria-invalid', 'true');
      input.dataset.err = text;
    }
    return false;
  }
  if (input) {
    input.classList.remove('invalid');
    input.removeAttribute('aria-invalid');
    delete input.dataset.err;
  }
  const other = [...document.querySelectorAll(`[aria-describedby="${id}"]`)].find((e) => e.classList.contains('invalid'));
  if (other) box.textContent = other.dataset.err || '';
  else box.hidden = true;
  return true;
}

function tensorOf(values, shape) {
  return new dl.Tensor(Float32Array.from(values), shape);
}

function withTensor(values, shape, fn) {
  const x = tensorOf(values, shape);
  try {
    const y = fn(x);
    try {
      return y.toArray();
    } finally {
      y.free();
    }
  } finally {
    x.free();
  }
}

// ---- softmax vs sigmoid --------------------------------------------------------------------

function renderSoftmax() {
  const z = S.z.split(',').map(Number);
  const T = S.T;
  const zt = z.map((v) => Math.fround(v / T));
  const sm = withTensor(zt, [1, z.length], (x) => dl.softmax(x, 1));
  const sg = withTensor(zt, [1, z.length], (x) => dl.sigmoid(x));
  const st = stableParts(zt, 1);
  const nv = naiveSoftmaxF32(z, T);
  const tb = $('sm-table').tBodies[0];
  tb.replaceChildren();
  hooks.softmaxRows = [];
  z.forEach((v, i) => {
    const tr = document.createElement('tr');
    const cells = [String(i), fmt(v, 6), fmt(zt[i] - st.max), fmt(st.exps[i]), fmt(sm[i], 6), fmt(nv.exps[i]), fmt(nv.probs[i], 6), fmt(sg[i], 6)];
    cells.forEach((c, j) => {
      const td = document.createElement('td');
      td.textContent = c;
      if ((j === 5 || j === 6) && !Number.isFinite(j === 5 ? nv.exps[i] : nv.probs[i])) td.className = 'bad';
      tr.append(td);
    });
    tb.append(tr);
    hooks.softmaxRows.push({ z: v, softmax: sm[i], sigmoid: sg[i], naive: nv.probs[i], naiveExp: nv.exps[i] });
  });
  $('t-out').textContent = fmt(T, 3);
  $('T').value = String(T);
  $('T-range').value = String(Math.log10(T));
  $('logits').value = z.join(', ');
  const sumS = sm.reduce((a, b) => a + b, 0);
  const sumG = sg.reduce((a, b) => a + b, 0);
  $('sm-formula').textContent = t('losses.sm_formula', { m: fmt(st.max, 6), sum: fmt(st.sum, 6), T: fmt(T, 3) });
  const overflow = nv.exps.some((v) => !Number.isFinite(v));
  $('sm-naive').textContent = overflow
    ? t('losses.sm_naive_bad', { sum: fmt(nv.sum) })
    : t('losses.sm_naive_ok', { sum: fmt(nv.sum, 6) });
  $('sm-naive').classList.toggle('bad', overflow);
  $('sm-sum').textContent = t('losses.sm_sum', { s: fmt(sumS, 6), g: fmt(sumG, 4) });
  const W = width($('sm-bars'));
  drawBars($('sm-bars'), {
    width: W, height: 240, yMax: 1,
    categories: z.map((_, i) => String(i)),
    groups: [
      { label: t('losses.bar_softmax'), values: sm, color: PALETTE[0] },
      { label: t('losses.bar_sigmoid'), values: sg, color: PALETTE[3] },
    ],
    yLabel: t('losses.probability'), xLabel: t('losses.col_class'),
  });
  renderTwo();
}

function renderTwo() {
  const r1 = checkParam('z', $('z1').value);
  const r2 = checkParam('z', $('z2').value);
  const bad = r1.error ? r1 : r2.error ? r2 : null;
  fieldMsg('two-msg', null, bad);
  $('z1').classList.toggle('invalid', !!r1.error);
  $('z2').classList.toggle('invalid', !!r2.error);
  if (bad) return;
  const k = withTensor([r1.value, r2.value], [1, 2], (x) => dl.softmax(x, 1));
  const s = withTensor([r1.value - r2.value], [1], (x) => dl.sigmoid(x));
  const c = twoClass(r1.value, r2.value);
  $('two-out').textContent = t('losses.two_out', { p: fmt(k[0], 7), d: fmt(c.diff, 4), s: fmt(s[0], 7) });
  hooks.two = { softmax: k[0], sigmoid: s[0] };
}

// ---- CE vs MSE -----------------------------------------------------------------------------

function renderCurves() {
  const c = dl.lossCurves(Float32Array.from(P_GRID));
  hooks.curves = { ps: P_GRID, ...c };
  const mk = (id, ylab, series) => {
    const el = $(id);
    const W = width(el, 560);
    if (!plots[id]) {
      plots[id] = new Plot(el, {
        width: W, height: 260, x: { label: t('losses.p_axis'), min: 0, max: 1 }, y: { label: ylab },
        onPointer: (ev) => {
          if (ev.type === 'up' || !(ev.x > 0 && ev.x < 1)) return;
          S.cursor = Math.round(ev.x * 1000) / 1000;
          S.cursor = Math.min(0.995, Math.max(0.005, S.cursor));
          save();
          cursor();
        },
      });
    } else {
      plots[id].opts.x.label = t('losses.p_axis');
      plots[id].opts.y.label = ylab;
      plots[id].resize(W, 260);
    }
    plots[id].setSeries(series);
  };
  mk('cm-loss', t('losses.loss_axis'), [
    { type: 'line', xs: P_GRID, ys: c.ceLoss, color: PALETTE[0], label: 'CE = −log p' },
    { type: 'line', xs: P_GRID, ys: c.mseLoss, color: PALETTE[1], label: 'MSE = (p − 1)²', dash: [6, 4] },
  ]);
  plots['cm-loss'].opts.y.max = 5;
  plots['cm-loss'].draw();
  mk('cm-grad', t('losses.grad_axis'), [
    { type: 'line', xs: P_GRID, ys: c.ceGrad, color: PALETTE[0], label: '∂CE/∂z = p − 1' },
    { type: 'line', xs: P_GRID, ys: c.mseGrad, color: PALETTE[1], label: '∂MSE/∂z = 2(p − 1)p(1 − p)', dash: [6, 4] },
  ]);
  cursor();
  // the one-weight surface
  const ws = linspace(-8, 8, 161);
  const surf = logisticSurface(ws);
  hooks.surface = surf;
  const el = $('cm-surface');
  const W = width(el, 560);
  if (!plots.surface) plots.surface = new Plot(el, { width: W, height: 240, x: { label: 'w' }, y: { label: t('losses.mean_loss') } });
  else {
    plots.surface.opts.y.label = t('losses.mean_loss');
    plots.surface.resize(W, 240);
  }
  plots.surface.setSeries([
    { type: 'line', xs: ws, ys: surf.ce, color: PALETTE[0], label: 'CE' },
    { type: 'line', xs: ws, ys: surf.mse, color: PALETTE[1], label: 'MSE', dash: [6, 4] },
  ]);
  $('surface-out').textContent = t('losses.surface_out', { ce: fmt(surf.ceMinCurvature), mse: fmt(surf.mseMinCurvature) });
}

function cursor() {
  const p = S.cursor;
  const c = dl.lossCurves(Float32Array.of(p));
  const out = { p, ceLoss: c.ceLoss[0], ceGrad: c.ceGrad[0], mseLoss: c.mseLoss[0], mseGrad: c.mseGrad[0] };
  hooks.cursor = out;
  $('cursor-out').textContent = t('losses.cursor_out', {
    p: fmt(p, 3), cl: fmt(out.ceLoss), cg: fmt(out.ceGrad), ml: fmt(out.mseLoss), mg: fmt(out.mseGrad),
  });
  for (const id of ['cm-loss', 'cm-grad']) plots[id]?.setCrosshair({ x: p, y: id === 'cm-loss' ? out.ceLoss : out.ceGrad });
}

// ---- focal ---------------------------------------------------------------------------------

function renderFocal() {
  const ps = P_GRID;
  const series = [];
  const curves = {};
  const alpha = S.aon ? S.alpha : undefined;
  GAMMAS.forEach((g, i) => {
    const c = dl.focalCurve(Float32Array.from(ps), g, alpha);
    curves[g] = c;
    series.push({ type: 'line', xs: ps, ys: c.loss, color: PALETTE[(i + 1) % PALETTE.length], label: `γ = ${g}`, width: g === S.gamma ? 3 : 1.5 });
  });
  const ce = dl.focalCurve(Float32Array.from(ps), 0);
  series.unshift({ type: 'line', xs: ps, ys: ce.loss, color: '#1f2328', label: t('losses.ce_ref'), dash: [5, 4], width: 1.5 });
  hooks.focal = { ps, curves, ce, alpha: alpha ?? null };
  const el = $('fl-curves');
  const W = width(el, 560);
  if (!plots.focal) plots.focal = new Plot(el, { width: W, height: 260, x: { label: t('losses.pt_axis'), min: 0, max: 1 }, y: { label: t('losses.loss_axis'), min: 0, max: 3 } });
  else {
    plots.focal.opts.x.label = t('losses.pt_axis');
    plots.focal.opts.y.label = t('losses.loss_axis');
    plots.focal.resize(W, 260);
  }
  plots.focal.setSeries(series);
  const at = (p) => dl.focalCurve(Float32Array.of(p), S.gamma, alpha).loss[0];
  const ce9 = dl.focalCurve(Float32Array.of(0.9), 0).loss[0];
  const ce1 = dl.focalCurve(Float32Array.of(0.1), 0).loss[0];
  $('fl-out').textContent = t('losses.fl_out', {
    g: fmt(S.gamma, 3), a: alpha === undefined ? t('losses.alpha_off') : fmt(alpha, 3), e: fmt(at(0.9)), ce9: fmt(ce9), h: fmt(at(0.1)), ce1: fmt(ce1),
    r: fmt(at(0.9) / ce9),
  });
  $('gamma').value = String(S.gamma);
  $('alpha').value = String(S.alpha);
  $('aon').checked = !!S.aon;
  $('pos').value = String(S.pos);
}

// ---- label smoothing -----------------------------------------------------------------------

function renderSmoothing() {
  const s = dl.smoothingTargets(10, S.eps);
  hooks.smoothing = s;
  const onehot = Array.from({ length: 10 }, (_, k) => (k === 0 ? 1 : 0));
  drawBars($('ls-bars'), {
    width: width($('ls-bars'), 560), height: 220, yMax: 1,
    categories: onehot.map((_, k) => String(k)),
    groups: [
      { label: t('losses.onehot'), values: onehot, color: '#8c959f' },
      { label: t('losses.smoothed', { eps: fmt(S.eps, 3) }), values: s.target, color: PALETTE[2] },
    ],
    yLabel: t('losses.target_prob'), xLabel: t('losses.class_true0'),
  });
  $('minloss-out').textContent = t('losses.minloss_out', {
    eps: fmt(S.eps, 3), q: fmt(s.target[0], 4), r: fmt(s.target[1], 4), min: fmt(s.minLoss), h: fmt(s.entropy),
    gap: Number.isFinite(s.logitGap) ? fmt(s.logitGap) : '∞', l10: fmt(s.lossAtGap10),
  });
  $('eps').value = String(S.eps);
}

// ---- KD static ---------------------------------------------------------------------------

function renderKdStatic() {
  $('kdT').value = String(S.kdT);
  $('kdAlpha').value = String(S.kdAlpha);
  $('ex').value = String(S.ex);
  $('kdT-out').textContent = t('losses.kd_formula', { a: fmt(S.kdAlpha, 3), T: fmt(S.kdT, 3), t2: fmt(S.kdT * S.kdT, 4), b: fmt(1 - S.kdAlpha, 3) });
  if (results.kd?.done) worker.postMessage({ type: 'soft', index: S.ex, temps: [1, S.kdT] });
}

function renderSoft(msg) {
  if (!msg.soft) return;
  drawDigit($('kd-digit'), msg.soft.pixels, 96);
  const [p1, pT] = msg.soft.probs;
  hooks.soft = msg.soft;
  drawBars($('kd-soft'), {
    width: width($('kd-soft'), 420), height: 220, yMax: 1,
    categories: p1.map((_, k) => String(k)),
    groups: [
      { label: 'T = 1', values: p1, color: PALETTE[0] },
      { label: `T = ${fmt(msg.temps[1], 3)}`, values: pT, color: PALETTE[4] },
    ],
    yLabel: t('losses.probability'), xLabel: t('losses.soft_x', { label: msg.soft.label }),
  });
  $('ex').max = String((msg.n ?? 1) - 1);
}

// ---- experiments (worker) ------------------------------------------------------------------

const EXP_UI = {
  cemse: { btn: 'run-cemse', status: 'cemse-status' },
  imbalance: { btn: 'run-imb', status: 'imb-status' },
  smooth: { btn: 'run-smooth', status: 'smooth-status' },
  kd: { btn: 'run-kd', status: 'kd-status' },
};

function startExp(exp) {
  const runs = experimentRuns(exp, S);
  gen++;
  results[exp] = { gen, runs: runs.map((r) => ({ label: r.label, history: [], report: null, error: null })), done: false };
  hooks.busy[exp] = true;
  for (const [e, ui] of Object.entries(EXP_UI)) $(ui.btn).disabled = e === exp ? true : $(ui.btn).disabled;
  // a new experiment ends the one in progress
  for (const [e, r] of Object.entries(results)) {
    if (e !== exp && r && !r.done) {
      r.done = true;
      r.stopped = true;
      $(EXP_UI[e].btn).disabled = false;
      $(EXP_UI[e].status).textContent = t('losses.stopped');
      hooks.busy[e] = false;
    }
  }
  $(EXP_UI[exp].status).textContent = t('losses.starting');
  worker.postMessage({ type: 'run', gen, exp, runs });
  renderExp(exp);
}

function onWorker(ev) {
  const m = ev.data;
  if (m.type === 'soft') return renderSoft(m);
  if (m.type === 'scale') return renderScale(m.scale);
  const r = results[m.exp];
  if (m.type === 'fail' && (!r || m.gen !== r.gen)) {
    showError(errorFromJSON(m.error));
    return;
  }
  if (!r || m.gen !== r.gen) return;
  const ui = EXP_UI[m.exp];
  if (m.type === 'phase') {
    $(ui.status).textContent = t('losses.training', { run: r.runs[m.run].label });
  } else if (m.type === 'epoch') {
    r.runs[m.run].history.push(m.metrics);
    $(ui.status).textContent = t('losses.training_epoch', { run: r.runs[m.run].label, e: m.metrics.epoch });
    renderExp(m.exp);
  } else if (m.type === 'report') {
    r.runs[m.run].report = m.report;
    renderExp(m.exp);
  } else if (m.type === 'fail') {
    const err = errorFromJSON(m.error);
    if (m.run >= 0) r.runs[m.run].error = describeError(err);
    $(ui.status).textContent = describeError(err);
  } else if (m.type === 'done') {
    r.done = true;
    hooks.busy[m.exp] = false;
    $(ui.btn).disabled = false;
    $(ui.status).textContent = t('losses.done');
    renderExp(m.exp);
    if (m.exp === 'kd') {
      worker.postMessage({ type: 'soft', index: S.ex, temps: [1, S.kdT] });
      worker.postMessage({ type: 'scale', temps: [1, 1.5, 2, 3, 4, 6, 8, 12, 16, 20] });
    }
  }
}

function linePlot(key, el, xl, yl, series, h = 240, y = {}) {
  const W = width(el, 560);
  if (!plots[key]) plots[key] = new Plot(el, { width: W, height: h, x: { label: xl }, y: { label: yl, ...y } });
  else {
    plots[key].opts.x.label = xl;
    plots[key].opts.y.label = yl;
    plots[key].resize(W, h);
  }
  plots[key].setSeries(series);
}

const hist = (run, key) => ({ xs: run.history.map((m) => m.epoch), ys: run.history.map((m) => m[key]) });
const last = (run) => run.history[run.history.length - 1];
const pct = (v) => (Number.isFinite(v) ? `${(100 * v).toFixed(1)}%` : '—');

function table(id, head, rows) {
  const tb = $(id);
  const tr = document.createElement('tr');
  for (const h of head) {
    const th = document.createElement('th');
    th.textContent = h;
    tr.append(th);
  }
  tb.tHead.replaceChildren(tr);
  tb.tBodies[0].replaceChildren(...rows.map((cells) => {
    const r = document.createElement('tr');
    for (const c of cells) {
      const td = document.createElement('td');
      td.textContent = c;
      r.append(td);
    }
    return r;
  }));
}

function renderExp(exp) {
  // before a run: the empty plots and tables, with their axes and the runs they will show
  const r = results[exp] ?? { runs: experimentRuns(exp, S).map((x) => ({ label: x.label, history: [], report: null })) };
  const ep = t('losses.epoch');
  if (exp === 'cemse') {
    linePlot('cemse-acc', $('cemse-acc'), ep, t('losses.test_acc'), r.runs.map((run, i) => ({ type: 'line', ...hist(run, 'testAcc'), color: PALETTE[i % 2], dash: i >= 2 ? [6, 4] : undefined, label: run.label })), 240, { min: 0, max: 1 });
    linePlot('cemse-grad', $('cemse-grad'), ep, t('losses.gradnorm'), r.runs.map((run, i) => ({ type: 'line', ...hist(run, 'gradNorm'), color: PALETTE[i % 2], dash: i >= 2 ? [6, 4] : undefined, label: run.label })), 240, { log: true });
    table('cemse-table', [t('losses.col_run'), t('losses.epoch'), t('losses.train_loss'), t('losses.test_acc'), t('losses.gradnorm')],
      r.runs.map((run) => { const m = last(run); return [run.label, m ? String(m.epoch) : '—', m ? fmt(m.trainLoss) : '—', m ? pct(m.testAcc) : '—', m ? fmt(m.gradNorm) : '—']; }));
  } else if (exp === 'imbalance') {
    const series = [];
    r.runs.forEach((run, i) => {
      const pr = run.report?.pr;
      if (pr) series.push({ type: 'line', xs: pr.recall, ys: pr.precision, color: PALETTE[i], label: `${run.label} AP ${fmt(pr.averagePrecision, 3)}` });
    });
    linePlot('imb-pr', $('imb-pr'), t('losses.recall'), t('losses.precision'), series, 260, { min: 0, max: 1 });
    plots['imb-pr'].opts.x.min = 0;
    plots['imb-pr'].opts.x.max = 1;
    plots['imb-pr'].draw();
    linePlot('imb-easy', $('imb-easy'), ep, t('losses.easy_share'), r.runs.map((run, i) => ({ type: 'line', ...hist(run, 'easyShare'), color: PALETTE[i], label: run.label })), 260, { min: 0, max: 1 });
    table('imb-table', [t('losses.col_run'), t('losses.recall_rest'), t('losses.recall_rare', { d: S.pos }), t('losses.precision_rare'), 'AP', t('losses.test_acc'), t('losses.easy_share')],
      r.runs.map((run) => {
        const rep = run.report;
        const m = last(run);
        return [run.label, rep ? pct(rep.recall[0]) : '—', rep ? pct(rep.recall[1]) : '—', rep ? pct(rep.precision) : '—', rep?.pr ? fmt(rep.pr.averagePrecision, 3) : '—', m ? pct(m.testAcc) : '—', m ? pct(m.easyShare) : '—'];
      }));
  } else if (exp === 'smooth') {
    linePlot('ls-norm', $('ls-norm'), ep, t('losses.logit_norm'), r.runs.map((run, i) => ({ type: 'line', ...hist(run, 'logitNorm'), color: PALETTE[i], label: run.label })), 260, { min: 0 });
    const rel = r.runs.filter((run) => run.report).map((run, i) => ({ label: `${run.label} ECE ${fmt(run.report.reliability.ece, 3)}`, bins: run.report.reliability.bins, color: PALETTE[i] }));
    drawReliability($('ls-rel'), { width: width($('ls-rel'), 560), height: 260, runs: rel, xLabel: t('losses.confidence'), yLabel: t('losses.accuracy') });
    table('ls-table', [t('losses.col_run'), 'ECE', t('losses.mean_conf'), t('losses.test_acc'), t('losses.logit_norm'), t('losses.train_loss')],
      r.runs.map((run) => {
        const rep = run.report;
        const m = last(run);
        return [run.label, rep ? fmt(rep.reliability.ece, 3) : '—', rep ? pct(rep.reliability.meanConfidence) : '—', m ? pct(m.testAcc) : '—', m ? fmt(m.logitNorm) : '—', m ? fmt(m.trainLoss) : '—'];
      }));
  } else if (exp === 'kd') {
    linePlot('kd-acc', $('kd-acc'), ep, t('losses.test_acc'), r.runs.map((run, i) => ({ type: 'line', ...hist(run, 'testAcc'), color: i === 0 ? '#1f2328' : PALETTE[i], dash: i === 0 ? [5, 4] : undefined, label: run.label })), 260, { min: 0, max: 1 });
    table('kd-table', [t('losses.col_run'), t('losses.train_size'), t('losses.epoch'), t('losses.test_acc'), 'ECE'],
      r.runs.map((run) => {
        const m = last(run);
        const rep = run.report;
        return [run.label, rep ? String(rep.trainSize) : '—', m ? String(m.epoch) : '—', m ? pct(m.testAcc) : '—', rep ? fmt(rep.reliability.ece, 3) : '—'];
      }));
  }
}

function renderScale(sc) {
  if (!sc) return;
  hooks.scale = sc;
  linePlot('kd-scale', $('kd-scale'), 'T', t('losses.kd_grad'), [
    { type: 'line', xs: sc.temperatures, ys: sc.withT2, color: PALETTE[0], label: t('losses.with_t2') },
    { type: 'line', xs: sc.temperatures, ys: sc.withoutT2, color: PALETTE[1], dash: [6, 4], label: t('losses.without_t2') },
  ], 240, { log: true });
}

// ---- wiring --------------------------------------------------------------------------------

function applyState(h) {
  const { S: next, ignored } = stateFromHash(h);
  S = next;
  noteIgnoredHash(ignored);
}

function renderAll() {
  renderSoftmax();
  renderCurves();
  renderFocal();
  renderSmoothing();
  renderKdStatic();
  for (const e of Object.keys(results)) renderExp(e);
  if (hooks.scale) renderScale(hooks.scale);
}

function bindNum(id, name, key, msgId, after) {
  const el = $(id);
  el.setAttribute('aria-describedby', msgId);
  el.addEventListener('change', () => {
    const r = checkParam(name, el.value);
    if (!fieldMsg(msgId, el, r)) return;
    S[key] = r.value;
    save();
    after();
  });
}

function bind() {
  const lg = $('logits');
  lg.setAttribute('aria-describedby', 'logits-msg');
  lg.addEventListener('change', () => {
    const r = parseLogits(lg.value);
    if (!fieldMsg('logits-msg', lg, r)) return;
    S.z = r.values.join(',');
    save();
    renderSoftmax();
  });
  $('preset-big').addEventListener('click', () => {
    S.z = BIG_LOGITS.join(',');
    fieldMsg('logits-msg', lg, null);
    save();
    renderSoftmax();
  });
  $('preset-default').addEventListener('click', () => {
    S.z = DEFAULT_LOGITS.join(',');
    fieldMsg('logits-msg', lg, null);
    save();
    renderSoftmax();
  });
  $('T-range').addEventListener('input', () => {
    const v = Math.round(10 ** Number($('T-range').value) * 100) / 100;
    S.T = Math.min(T_RANGE[1], Math.max(T_RANGE[0], v));
    fieldMsg('t-msg', $('T'), null);
    save();
    renderSoftmax();
  });
  bindNum('T', 'T', 'T', 't-msg', renderSoftmax);
  for (const id of ['z1', 'z2']) $(id).addEventListener('change', renderTwo);
  bindNum('gamma', 'gamma', 'gamma', 'focal-msg', renderFocal);
  bindNum('alpha', 'alpha', 'alpha', 'focal-msg', renderFocal);
  $('aon').addEventListener('change', () => {
    S.aon = $('aon').checked ? 1 : 0;
    save();
    renderFocal();
  });
  $('pos').addEventListener('change', () => {
    S.pos = Number($('pos').value);
    save();
  });
  bindNum('eps', 'eps', 'eps', 'eps-msg', renderSmoothing);
  bindNum('kdT', 'T', 'kdT', 'kd-msg', renderKdStatic);
  bindNum('kdAlpha', 'alpha', 'kdAlpha', 'kd-msg', renderKdStatic);
  const ex = $('ex');
  ex.setAttribute('aria-describedby', 'kd-msg');
  ex.addEventListener('change', () => {
    const v = Number(ex.value);
    const ok = Number.isInteger(v) && v >= 0 && v <= 10000;
    if (!fieldMsg('kd-msg', ex, ok ? null : { error: 'losses.err_example', vars: { value: ex.value.slice(0, 24) } })) return;
    S.ex = v;
    save();
    renderKdStatic();
  });
  $('run-cemse').addEventListener('click', () => startExp('cemse'));
  $('run-imb').addEventListener('click', () => startExp('imbalance'));
  $('run-smooth').addEventListener('click', () => startExp('smooth'));
  $('run-kd').addEventListener('click', () => startExp('kd'));
  const sel = $('pos');
  for (let d = 0; d < 10; d++) {
    const o = document.createElement('option');
    o.value = String(d);
    o.textContent = String(d);
    sel.append(o);
  }
  let rt = 0;
  addEventListener('resize', () => {
    clearTimeout(rt);
    rt = setTimeout(renderAll, 150);
  });
  document.addEventListener('langchange', () => {
    if (dl) renderAll();
  });
  onStateChange((h) => {
    applyState(h);
    for (const id of ['logits-msg', 't-msg', 'focal-msg', 'eps-msg', 'kd-msg']) $(id).hidden = true;
    for (const el of document.querySelectorAll('.losses input.invalid')) el.classList.remove('invalid');
    renderAll();
  });
}

async function main() {
  try {
    await initI18n();
    applyState(readState());
    bind();
    dl = await ready();
    worker = new Worker(new URL('./losses.worker.js', import.meta.url), { type: 'module' });
    worker.onmessage = onWorker;
    worker.onerror = (e) => showError(new Error(e.message || 'the training worker failed to start'));
    hooks.dl = dl;
    hooks.start = startExp;
    renderAll();
    document.body.dataset.lossesReady = '1';
  } catch (err) {
    showError(err);
  }
}

main();
