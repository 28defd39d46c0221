//! The normalisation lab (topics 1 and 22): a digits convnet trained by the wasm engine in a
//! module worker (norm.worker.js). Sections: the norm cube (which elements share one mean and
//! variance, click for the statistics and the formula with the live numbers; the engine's own
//! kernel gives the normalized value too), BN on/off side by side with a learning-rate sweep,
//! batch statistics vs population and the batch-size experiment, train vs eval mode, spectral
//! normalization. State (seed included) lives in the URL hash.
//! Test hooks: `window.__norm` and `document.body.dataset.normReady`.
import { initI18n, showError, describeError, t, withLang, noteIgnoredHash } from '../app/i18n.js';
import { readState, writeState, onStateChange } from '../app/state.js';
import { ready } from '../app/wasm.js';
import { Plot, PALETTE } from '../app/plot.js';
import { fitCanvas } from '../app/canvas.js';
import { errorFromJSON } from '../app/errors.js';
import { drawIso, drawGrid, pick } from './norm.cube.js';
import {
  NORMS, GROUP_CHOICES, CUBE_N, CUBE_LAYERS, AB_RATES, SWEEP_RATES, EXP_NORMS, EXP_BATCHES, EXP_REF_BATCH, EXP_STEPS_BATCH, SN_ITERS, EPS,
  groupSize, sizeFormula, groupsProblem, groupMask, maskedStats, normalizeValue, unravel, stateFromHash, stateToHash, fmt,
} from './norm.model.js';

const $ = (id) => document.getElementById(id);
const NORM_LABEL = { none: 'none', bn: 'BN', gn: 'GN', ln: 'LN', in: 'IN', batchNorm: 'BN', groupNorm: 'GN', layerNorm: 'LN', instanceNorm: 'IN' };
const RUN_COLOR = { batchNorm: PALETTE[0], none: PALETTE[1] };
const EXP_COLOR = { none: '#57606a', bn: PALETTE[0], gn: PALETTE[2], ln: PALETTE[4], in: PALETTE[3] };

let dl = null;
let worker = null;
let S = null;
const gen = { ab: 0, sweep: 0, batch: 0 };
const cube = { shape: null, values: null, images: null, layout: null, key: '' };
const ab = { runs: {}, total: 0, done: false };
let sweepResults = [];
let exp = { cells: [], plan: null, done: false, running: false, total: 25, settings: null };
let spreadData = null;
let snData = null;
const plots = {};

function save() {
  writeState(stateToHash(S));
}

function width(el) {
  return Math.max(200, Math.floor(el.getBoundingClientRect().width || el.parentElement.getBoundingClientRect().width || 320));
}

function makePlot(id, opts) {
  const c = $(id);
  const w = width(c.parentElement);
  plots[id] = new Plot(c, { width: w, height: Math.round(Math.min(300, Math.max(200, w * 0.6))), ...opts });
  return plots[id];
}

// ---- the cube --------------------------------------------------------------------------------

function cubeShape() {
  const s = cube.shape;
  return s.length === 2 ? [s[0], s[1], 1, 1] : s;
}

/** The group count of the cube's GN net: the chosen one when it divides both convs' channels. */
function netGroups() {
  return S.norm === 'gn' && 8 % S.g === 0 && 16 % S.g === 0 ? S.g : 4;
}

function requestCube() {
  const key = `${S.seed}:${S.layer}:${S.n}:${S.norm}:${netGroups()}`;
  if (cube.key === key && cube.values) return renderCube();
  cube.key = key;
  worker?.postMessage({
    type: 'cube', key, seed: S.seed, layer: CUBE_LAYERS[S.layer], n: S.n, norm: S.norm, g: netGroups(),
    src: S.layer === 'photo' ? 'photo' : 'digits',
  });
  renderCube();
}

/** γ and β of element (c, y, x) from the trained net's norm layer (1 and 0 when there is none). */
function affineAt(c, y, x, [, C, H, W]) {
  const a = cube.affine;
  if (!a) return { gamma: 1, beta: 0 };
  const k = a.gamma.length === C ? c : (c * H + y) * W + x;
  return { gamma: a.gamma[k] ?? 1, beta: a.beta[k] ?? 0 };
}

/** The engine's normalized value of element `sel` (its own kernels), or an error. */
function engineValue(shape, sel) {
  const x = new dl.Tensor(cube.values, shape);
  let y = null;
  try {
    // the learned γ, β of the trained net's norm layer when the cube shows its input
    const a = cube.affine ? { weight: Float32Array.from(cube.affine.gamma), bias: Float32Array.from(cube.affine.beta) } : {};
    if (S.norm === 'bn') {
      const bn = new dl.BatchNorm(shape[1], { eps: EPS });
      try {
        if (cube.affine) bn.setAffine(a.weight, a.bias);
        y = bn.forward(x, true);
      } finally {
        bn.free();
      }
    } else if (S.norm === 'ln') y = dl.layerNorm(x, shape.slice(1), { eps: EPS, ...a });
    else if (S.norm === 'in') y = dl.instanceNorm(x, { eps: EPS, ...a });
    else y = dl.groupNorm(x, S.g, { eps: EPS, ...(cube.affine && cube.affine.gamma.length === shape[1] ? a : {}) });
    const v = y.toArray()[sel];
    return { value: v };
  } catch (err) {
    return { error: err };
  } finally {
    x.free();
    y?.free();
  }
}

function renderCube() {
  if (!cube.values) return;
  const shape = cubeShape();
  const [N, C] = shape;
  const msg = $('cube-msg');
  const sel = Math.min(S.sel, cube.values.length - 1);
  // the key tests wait for: set once the tensor of the current choice has arrived
  document.body.dataset.cubeKey = cube.dataKey === cube.key ? `${S.norm}:${S.g}:${S.n}:${S.layer}:${sel}` : 'loading';
  const problem = groupsProblem(S.norm, C, S.g);
  const eng = engineValue(shape, sel);
  const box = $('cube-grid-box');
  const w = width(box);
  if (problem) {
    // the engine refuses it (coded error norm_groups): say so, draw nothing highlighted
    const empty = new Uint8Array(cube.values.length);
    cube.layout = drawGrid($('cube-grid'), shape, cube.values, empty, null, w, ['conv1', 'photo'].includes(S.layer) ? cube.images : null);
    drawIso($('cube-iso'), shape, empty, Math.min(260, w));
    $('cube-count').textContent = '—';
    $('cube-formula').textContent = `(C/G)·H·W = (${C}/${S.g})·${shape[2]}·${shape[3]}`;
    showMsg(msg, eng.error || { code: 'norm_groups', vars: problem, message: `groups ${S.g} must divide ${C}` });
    $('cube-stats').replaceChildren();
    document.body.dataset.cubeCount = '';
    return;
  }
  const mask = groupMask(S.norm, shape, sel, S.g);
  cube.layout = drawGrid($('cube-grid'), shape, cube.values, mask, sel, w, ['conv1', 'photo'].includes(S.layer) ? cube.images : null);
  drawIso($('cube-iso'), shape, mask, Math.min(260, w));
  const st = maskedStats(cube.values, mask);
  $('cube-count').textContent = String(st.count);
  $('cube-formula').textContent = `${sizeFormula(S.norm, shape, S.g)} = ${groupSize(S.norm, shape, S.g)}`;
  document.body.dataset.cubeCount = String(st.count);
  const [n, c, y, x] = unravel(sel, shape);
  const xv = cube.values[sel];
  const { gamma, beta } = affineAt(c, y, x, shape);
  const yv = normalizeValue(xv, st.mean, st.variance, gamma, beta);
  const fresh = cube.dataKey === cube.key;
  const lines = [
    t('norm.stats_elem', { n, c, y, x, v: xv.toPrecision(4) }),
    t('norm.stats_group', { count: st.count, mean: st.mean.toPrecision(4), variance: st.variance.toPrecision(4) }),
    `y = (x − μ)/√(σ² + ε)·γ + β = (${xv.toPrecision(4)} − ${st.mean.toPrecision(4)})/√(${st.variance.toPrecision(4)} + ${EPS})·${gamma.toPrecision(4)} + ${beta.toPrecision(4)} = ${yv.toPrecision(4)}`,
    !fresh ? t('norm.cube_loading') : cube.affine
      ? t('norm.stats_affine', { norm: NORM_LABEL[cube.norm], layer: cube.affine.layer })
      : cube.lnPhoto ? t('norm.stats_ln_photo') : t('norm.stats_no_affine'),
  ];
  if (eng.error) {
    showMsg(msg, eng.error);
    lines.push(t('norm.stats_engine_err'));
  } else {
    msg.hidden = true;
    lines.push(t('norm.stats_engine', { v: eng.value.toPrecision(4) }));
  }
  if (S.norm === 'bn' && N * shape[2] * shape[3] <= 1) lines.push(t('norm.one_value_note'));
  $('cube-stats').replaceChildren(...lines.map((s) => {
    const p = document.createElement('p');
    p.textContent = s;
    return p;
  }));
}

function showMsg(el, err) {
  el.hidden = false;
  el.className = 'error-box';
  el.textContent = describeError(err);
}

// ---- BN on / off ---------------------------------------------------------------------------

function startAb() {
  gen.ab++;
  ab.runs = {};
  ab.done = false;
  $('ab-msg').replaceChildren();
  $('ab-status').textContent = t('norm.training');
  document.body.dataset.abState = 'running';
  worker.postMessage({ type: 'ab', gen: gen.ab, seed: S.seed, opt: S.opt, lr: S.lr, epochs: S.ep, mom: S.mom });
}

function onAb(msg) {
  if (msg.gen !== gen.ab) return;
  ab.total = msg.total;
  for (const f of msg.runs) {
    const r = (ab.runs[f.norm] ??= { rows: [], probes: [], evals: [], running: [], status: 'training', message: '' });
    for (let i = 0; i + 3 < f.rows.length; i += 4) r.rows.push([f.rows[i], f.rows[i + 1], f.rows[i + 2]]);
    // the worker reads the probes after every step: one entry per step
    f.probes.forEach((p, k) => {
      if (!p || !p.step || (r.probes.length && r.probes.at(-1).step === p.step)) return;
      r.probes.push(p);
      const bn = f.running[k]?.[0];
      const pb = p.bn?.[0];
      if (bn && pb) r.running.push({ step: p.step, batch: pb.batchMean[0], run: bn.runningMean[0], batchVar: pb.batchVar[0], runVar: bn.runningVar[0] });
    });
    r.evals = f.evals;
    r.status = f.status;
    r.message = f.message;
    if (f.forgot) r.forgot = f.forgot;
  }
  ab.done = msg.done;
  const steps = Math.max(...Object.values(ab.runs).map((r) => r.rows.at(-1)?.[0] ?? 0));
  $('ab-status').textContent = msg.done ? t('norm.done_steps', { steps }) : t('norm.progress_steps', { steps, total: msg.total });
  const notes = Object.entries(ab.runs).filter(([, r]) => r.status !== 'training').map(([k, r]) => {
    const p = document.createElement('p');
    p.className = 'warn';
    p.textContent = t('norm.diverged', { run: k === 'none' ? t('norm.run_plain') : t('norm.run_bn'), message: r.message });
    return p;
  });
  $('ab-msg').replaceChildren(...notes);
  if (msg.done) document.body.dataset.abState = 'done';
  renderAb();
}

function smooth(ys, k = 9) {
  const out = [];
  let s = 0;
  const q = [];
  for (const y of ys) {
    q.push(y);
    s += y;
    if (q.length > k) s -= q.shift();
    out.push(s / q.length);
  }
  return out;
}

function runLabel(norm) {
  return norm === 'none' ? t('norm.run_plain') : t('norm.run_bn');
}

function renderAb() {
  const entries = Object.entries(ab.runs);
  plots['ab-loss'].setSeries(entries.map(([norm, r]) => ({
    type: 'line', label: runLabel(norm), color: RUN_COLOR[norm], xs: r.rows.map((x) => x[0]), ys: smooth(r.rows.map((x) => x[1])),
  })));
  plots['ab-acc'].setSeries(entries.map(([norm, r]) => ({
    type: 'line', label: runLabel(norm), color: RUN_COLOR[norm], xs: r.evals.map((e) => e.epoch), ys: r.evals.map((e) => (r.status === 'training' || e.epoch === 0 ? e.testAcc : NaN)),
  })));
  const li = Number($('ab-layer').value) || 0;
  const pre = [];
  const medians = [];
  for (const [norm, r] of entries) {
    const xs = r.probes.map((p) => p.step);
    const col = (k) => r.probes.map((p) => p.preact[li]?.percentiles[k] ?? NaN);
    // bands first (5–95 faint, 25–75 darker), the median lines over them
    pre.push({ type: 'band', color: RUN_COLOR[norm], alpha: 0.15, xs, lo: col(1), hi: col(5) });
    pre.push({ type: 'band', color: RUN_COLOR[norm], alpha: 0.3, xs, lo: col(2), hi: col(4) });
    medians.push({ type: 'line', label: runLabel(norm), color: RUN_COLOR[norm], width: 2, xs, ys: col(3) });
  }
  plots['ab-pre'].setSeries([...pre, ...medians]);
  const grads = [];
  for (const [norm, r] of entries) {
    const layers = r.probes[0]?.grads ?? [];
    layers.forEach((g, k) => {
      if (!['conv2d', 'linear'].includes(g.kind)) return;
      grads.push({
        type: 'line', label: k === 0 ? runLabel(norm) : undefined,
        color: RUN_COLOR[norm], width: 1.5, dash: g.kind === 'linear' ? [2, 3] : k === 0 ? undefined : [7, 3],
        xs: r.probes.map((p) => p.step), ys: r.probes.map((p) => p.grads.find((q) => q.layer === g.layer)?.gradNorm ?? NaN),
      });
    });
  }
  plots['ab-grad'].setSeries(grads);
  renderTrainEval();
}

function renderTrainEval() {
  const r = ab.runs.batchNorm;
  if (!r) return;
  plots['te-mean'].setSeries([
    { type: 'line', label: t('norm.batch_mean'), color: PALETTE[3], width: 1, xs: r.running.map((p) => p.step), ys: r.running.map((p) => p.batch) },
    { type: 'line', label: t('norm.running_mean'), color: PALETTE[0], width: 2.5, xs: r.running.map((p) => p.step), ys: r.running.map((p) => p.run) },
  ]);
  plots['te-var'].setSeries([
    { type: 'line', label: t('norm.batch_var'), color: PALETTE[3], width: 1, xs: r.running.map((p) => p.step), ys: r.running.map((p) => p.batchVar) },
    { type: 'line', label: t('norm.running_var'), color: PALETTE[0], width: 2.5, xs: r.running.map((p) => p.step), ys: r.running.map((p) => p.runVar) },
  ]);
  const tb = $('forgot-table').tBodies[0];
  const f = r.forgot;
  const row = (k, v) => {
    const tr = document.createElement('tr');
    const th = document.createElement('th');
    th.textContent = t(k);
    const td = document.createElement('td');
    td.className = 'num';
    td.textContent = f ? fmt(v, 3) : t('norm.after_training');
    tr.append(th, td);
    return tr;
  };
  tb.replaceChildren(row('norm.forgot_eval', f?.eval), row('norm.forgot_b32', f?.b32), row('norm.forgot_one', f?.one));
}

// ---- the learning-rate sweep ------------------------------------------------------------------

function startSweep() {
  gen.sweep++;
  sweepResults = [];
  $('sweep-status').textContent = t('norm.training');
  document.body.dataset.sweepState = 'running';
  worker.postMessage({ type: 'sweep', gen: gen.sweep, seed: S.seed, opt: S.opt, rates: SWEEP_RATES, epochs: S.ep });
  renderSweep();
}

function renderSweep() {
  const series = ['batchNorm', 'none'].map((norm) => {
    const rs = sweepResults.filter((r) => r.norm === norm);
    return { type: 'line', label: runLabel(norm), color: RUN_COLOR[norm], xs: rs.map((r) => Math.log10(r.lr)), ys: rs.map((r) => r.testAcc) };
  });
  series.push(...series.map((s) => ({ ...s, type: 'scatter', label: undefined, radius: 4 })));
  plots['sweep-plot'].setSeries(series);
  const table = $('sweep-table');
  const hr = document.createElement('tr');
  for (const h of [t('norm.lr'), t('norm.run_bn'), t('norm.run_plain')]) {
    const th = document.createElement('th');
    th.textContent = h;
    hr.append(th);
  }
  table.tHead.replaceChildren(hr);
  table.tBodies[0].replaceChildren(...SWEEP_RATES.map((lr) => {
    const tr = document.createElement('tr');
    const th = document.createElement('th');
    th.textContent = String(lr);
    tr.append(th);
    for (const norm of ['batchNorm', 'none']) {
      const r = sweepResults.find((x) => x.lr === lr && x.norm === norm);
      const td = document.createElement('td');
      td.className = 'num';
      td.textContent = !r ? '…' : r.status === 'training' ? fmt(r.testAcc) : t('norm.diverged_short');
      if (r && r.status !== 'training') td.title = r.message;
      tr.append(td);
    }
    return tr;
  }));
}

// ---- the batch-size experiment ------------------------------------------------------------------

/** The experiment's settings in words (stated above the table; the ones of the run shown). */
function expSettingsText(o) {
  const budget = o.bbud === 'steps'
    ? t('norm.bx_say_steps', { epochs: o.be, b: EXP_STEPS_BATCH })
    : t('norm.bx_say_epochs', { epochs: o.be });
  const lr = o.blrr === 'linear' ? t('norm.bx_say_linear', { lr: o.blr, ref: EXP_REF_BATCH }) : t('norm.bx_say_fixed', { lr: o.blr });
  const images = o.bl ? t('norm.bx_say_images', { n: o.bl }) : t('norm.bx_say_all');
  return t('norm.bx_say', { budget, lr, images, seeds: o.bsd, seed: o.seed });
}

function startExp() {
  gen.batch++;
  const total = EXP_NORMS.length * EXP_BATCHES.length;
  exp = { cells: [], plan: null, done: false, running: true, total, settings: { ...S } };
  document.body.dataset.bxState = 'running';
  $('bx-status').textContent = t('norm.bx_progress', { done: 0, total });
  $('bx-run-settings').textContent = '';
  worker.postMessage({ type: 'batch', gen: gen.batch, seed: S.seed, epochs: S.be, limit: S.bl, lr: S.blr, budget: S.bbud, lrRule: S.blrr, seeds: S.bsd });
  renderExp();
}

function onExp(msg) {
  if (msg.gen !== gen.batch) return;
  if (msg.plan) {
    exp.plan = msg.plan;
    exp.trainCount = msg.trainCount;
  }
  if (msg.cell) exp.cells.push(msg.cell);
  exp.done = msg.done;
  $('bx-status').textContent = msg.done ? t('norm.bx_done', { total: exp.total }) : t('norm.bx_progress', { done: exp.cells.length, total: exp.total });
  if (msg.done) {
    exp.running = false;
    document.body.dataset.bxState = 'done';
  }
  renderExp();
}

/** Text of one cell: mean (± sd over the seeds when more than one), or "diverged". */
function expCellText(c, key) {
  if (!c) return '';
  if (c.status !== 'training') return t('norm.diverged_short');
  const s = c[key];
  if (!Number.isFinite(s.mean)) return '—';
  return s.n > 1 ? `${fmt(100 * s.mean, 1)} ± ${fmt(100 * s.sd, 1)}%` : `${fmt(100 * s.mean, 1)}%`;
}

function expCellTitle(c, key) {
  if (!c) return '';
  if (c.status !== 'training') return c.message;
  return t('norm.bx_cell_title', {
    lr: Number(c.lr.toPrecision(3)), steps: c.steps, b: c.b,
    values: c.runs.map((r) => `${fmt(100 * r[key], 1)}%`).join(', '),
  });
}

function renderExp() {
  // mean lines over the seeds' min–max bands
  const series = [];
  const lines = [];
  for (const norm of EXP_NORMS) {
    const cs = EXP_BATCHES.map((b) => exp.cells.find((c) => c.norm === norm && c.b === b));
    const xs = EXP_BATCHES.map((b) => Math.log2(b));
    const pick = (f) => cs.map((c) => (c && c.status === 'training' ? 100 * f(c.testErr) : NaN));
    if (cs.some((c) => c && c.testErr.n > 1)) series.push({ type: 'band', color: EXP_COLOR[norm], alpha: 0.15, xs, lo: pick((s) => s.min), hi: pick((s) => s.max) });
    lines.push({ type: 'line', label: NORM_LABEL[norm], color: EXP_COLOR[norm], width: 2, xs, ys: pick((s) => s.mean) });
  }
  plots['bx-plot'].setSeries([...series, ...lines]);
  const table = $('bx-table');
  const hr = document.createElement('tr');
  const th0 = document.createElement('th');
  th0.textContent = t('norm.bx_corner');
  hr.append(th0);
  for (const b of EXP_BATCHES) {
    const th = document.createElement('th');
    th.textContent = String(b);
    th.className = 'num';
    hr.append(th);
  }
  table.tHead.replaceChildren(hr);
  const row = (label, norm, key, dataNorm) => {
    const tr = document.createElement('tr');
    if (dataNorm) tr.dataset.norm = dataNorm;
    const th = document.createElement('th');
    th.textContent = label;
    tr.append(th);
    for (const b of EXP_BATCHES) {
      const td = document.createElement('td');
      td.className = 'num';
      const c = exp.cells.find((x) => x.norm === norm && x.b === b);
      td.textContent = expCellText(c, key);
      td.title = expCellTitle(c, key);
      tr.append(td);
    }
    return tr;
  };
  table.tBodies[0].replaceChildren(...EXP_NORMS.map((norm) => row(NORM_LABEL[norm], norm, 'testErr', norm)));
  // the budget each column got: steps and learning rate per batch size
  const plan = exp.plan;
  const foot = [];
  if (plan) {
    for (const [label, f] of [[t('norm.bx_steps_row'), (c) => String(c.steps)], [t('norm.bx_lr_row'), (c) => String(Number(c.lr.toPrecision(3)))]]) {
      const tr = document.createElement('tr');
      tr.className = 'muted';
      const th = document.createElement('th');
      th.textContent = label;
      tr.append(th);
      for (const b of EXP_BATCHES) {
        const td = document.createElement('td');
        td.className = 'num';
        td.textContent = f(plan.find((c) => c.b === b));
        tr.append(td);
      }
      foot.push(tr);
    }
  }
  table.tFoot.replaceChildren(...foot);
  if (exp.settings) $('bx-run-settings').textContent = t('norm.bx_run_settings', { settings: expSettingsText(exp.settings) });
  const bt = $('bx-bn-table');
  bt.tHead.replaceChildren(hr.cloneNode(true));
  bt.tBodies[0].replaceChildren(row(t('norm.bx_eval'), 'bn', 'testErr'), row(t('norm.bx_trainmode'), 'bn', 'trainModeErr'));
}

// ---- batch statistics spread ----------------------------------------------------------------------

function renderSpread() {
  const d = spreadData;
  if (!d) return;
  const xs = d.rows.map((r) => Math.log2(r.b));
  const bands = (key, center) => [
    { type: 'band', label: t('norm.band_5_95'), color: PALETTE[0], alpha: 0.15, xs, lo: d.rows.map((r) => r[key][0]), hi: d.rows.map((r) => r[key][4]) },
    { type: 'band', label: t('norm.band_25_75'), color: PALETTE[0], alpha: 0.35, xs, lo: d.rows.map((r) => r[key][1]), hi: d.rows.map((r) => r[key][3]) },
    { type: 'line', label: t('norm.band_median'), color: PALETTE[0], width: 1.5, xs, ys: d.rows.map((r) => r[key][2]) },
    { type: 'line', label: t('norm.population'), color: PALETTE[1], width: 2, xs: [xs[0], xs.at(-1)], ys: [center, center] },
  ];
  plots['spread-mean'].setSeries(bands('mean', d.mean));
  plots['spread-var'].setSeries(bands('ratio', 1));
  $('spread-pop').textContent = t('norm.spread_pop', { count: d.count, mean: d.mean.toPrecision(4), variance: d.variance.toPrecision(4) });
}

// ---- spectral norm -------------------------------------------------------------------------------

function heat(canvas, values, rows, cols, amax, w) {
  const px = Math.max(2, Math.min(12, Math.floor(w / cols)));
  const ctx = fitCanvas(canvas, cols * px, rows * px);
  for (let r = 0; r < rows; r++) {
    for (let c = 0; c < cols; c++) {
      const v = Math.max(-1, Math.min(1, values[r * cols + c] / amax));
      const a = Math.abs(v);
      const [R, G, B] = v < 0 ? [33, 102, 172] : [178, 24, 43];
      ctx.fillStyle = `rgb(${Math.round(255 + (R - 255) * a)} ${Math.round(255 + (G - 255) * a)} ${Math.round(255 + (B - 255) * a)})`;
      ctx.fillRect(c * px, r * px, px, px);
    }
  }
}

function renderSpectral() {
  const d = snData;
  if (!d) return;
  const xs = d.singular.map((_, i) => i + 1);
  const series = d.singular.map((s, i) => ({ type: 'line', color: '#57606a', width: 6, xs: [i + 1, i + 1], ys: [0, s], label: i === 0 ? t('norm.sn_exact') : undefined }));
  const dashes = [[2, 3], [5, 3], [9, 3], undefined];
  d.estimates.forEach((e, k) => series.push({ type: 'line', label: t('norm.sn_after_k', { k: d.iterations[k] }), color: PALETTE[[1, 3, 4, 0][k] ?? 0], width: 1.5, dash: dashes[k], xs: [0.5, xs.length + 0.5], ys: [e, e] }));
  plots['sn-plot'].setSeries(series);
  const table = $('sn-table');
  const hr = document.createElement('tr');
  for (const h of [t('norm.sn_iters'), t('norm.sn_estimate'), t('norm.sn_rel')]) {
    const th = document.createElement('th');
    th.textContent = h;
    hr.append(th);
  }
  table.tHead.replaceChildren(hr);
  const top = d.singular[0];
  const rows = d.estimates.map((e, k) => [String(d.iterations[k]), e.toPrecision(6), `${((100 * (e - top)) / top).toFixed(3)}%`]);
  rows.push([t('norm.sn_svd'), top.toPrecision(6), '0']);
  table.tBodies[0].replaceChildren(...rows.map((cells) => {
    const tr = document.createElement('tr');
    for (const c of cells) {
      const td = document.createElement('td');
      td.className = 'num';
      td.textContent = c;
      tr.append(td);
    }
    return tr;
  }));
  $('sn-gain').textContent = t('norm.sn_gain', { before: d.gainBefore.toFixed(4), after: d.gainAfter.toFixed(4), sigma: top.toFixed(4) });
  const raw = d.normalized.map((v) => v * d.estimates.at(-1));
  let amax = 0;
  for (const v of raw) amax = Math.max(amax, Math.abs(v));
  const w = Math.max(160, width($('sn-table').parentElement) / 2 - 16);
  heat($('sn-before'), raw, d.rows, d.cols, amax || 1, w);
  heat($('sn-after'), d.normalized, d.rows, d.cols, amax || 1, w);
}

// ---- the one-value-per-channel case -----------------------------------------------------------

function tryBnOne() {
  const el = $('bn1-msg');
  const x = new dl.Tensor(new Float32Array(16).map((_, i) => Math.sin(i)), [1, 16]);
  const bn = new dl.BatchNorm(16, {});
  try {
    bn.forward(x, true).free();
    el.textContent = '';
  } catch (err) {
    el.replaceChildren();
    const p = document.createElement('p');
    p.className = 'error-box';
    p.textContent = describeError(err);
    const why = document.createElement('p');
    why.className = 'hint';
    why.textContent = t('norm.one_why');
    el.append(p, why);
  } finally {
    bn.free();
    x.free();
  }
}

// ---- controls and state ------------------------------------------------------------------------

function fillSelect(sel, values, current, label = String) {
  sel.replaceChildren(...values.map((v) => {
    const o = document.createElement('option');
    o.value = String(v);
    o.textContent = label(v);
    return o;
  }));
  sel.value = String(current);
}

function syncControls() {
  for (const b of $('norm-seg').querySelectorAll('button')) b.setAttribute('aria-pressed', String(b.dataset.norm === S.norm));
  $('groups').value = String(S.g);
  $('groups').disabled = S.norm !== 'gn';
  $('cube-n').value = String(S.n);
  $('cube-layer').value = S.layer;
  $('seed').value = String(S.seed);
  $('ab-opt').value = S.opt;
  if (![...$('ab-lr').options].some((o) => Number(o.value) === S.lr)) {
    const o = document.createElement('option');
    o.value = String(S.lr);
    o.textContent = String(S.lr);
    $('ab-lr').append(o);
  }
  $('ab-lr').value = String(S.lr);
  $('ab-ep').value = String(S.ep);
  $('ab-mom').value = String(S.mom);
  if ($('ab-mom').value !== String(S.mom)) {
    const o = document.createElement('option');
    o.textContent = String(S.mom);
    $('ab-mom').append(o);
    $('ab-mom').value = String(S.mom);
  }
  $('bx-ep').value = String(S.be);
  $('bx-lr').value = String(S.blr);
  $('bx-limit').value = String(S.bl);
  $('bx-budget').value = S.bbud;
  $('bx-lrrule').value = S.blrr;
  $('bx-seeds').value = String(S.bsd);
  $('bx-settings').textContent = expSettingsText(S);
  $('spread-ch').value = String(S.ch);
  $('sn-layer').value = S.sn;
}

function applyHash(h) {
  const { state, bad } = stateFromHash(h);
  const prev = S;
  S = state;
  noteIgnoredHash(bad.map((k) => [k, h[k]]));
  syncControls();
  if (!worker || !prev) return;
  requestCube(); // a new tensor when the seed, tensor, N, norm or GN net changed; else a redraw
  if (prev.seed !== S.seed || prev.ch !== S.ch) worker.postMessage({ type: 'spread', seed: S.seed, ch: S.ch });
  if (prev.seed !== S.seed || prev.sn !== S.sn) worker.postMessage({ type: 'spectral', seed: S.seed, layer: S.sn });
  if (['seed', 'opt', 'lr', 'ep', 'mom'].some((k) => prev[k] !== S[k])) startAb();
}

function set(changes, rerender = renderCube) {
  Object.assign(S, changes);
  save();
  syncControls();
  rerender();
}

function wire() {
  fillSelect($('groups'), GROUP_CHOICES, S.g);
  fillSelect($('cube-n'), CUBE_N, S.n);
  fillSelect($('ab-lr'), AB_RATES, S.lr);
  fillSelect($('spread-ch'), [0, 1, 2, 3, 4, 5, 6, 7], S.ch, (c) => `c${c}`);
  for (const b of $('norm-seg').querySelectorAll('button')) b.addEventListener('click', () => set({ norm: b.dataset.norm }, requestCube));
  $('groups').addEventListener('change', () => set({ g: Number($('groups').value) }, requestCube));
  $('cube-n').addEventListener('change', () => set({ n: Number($('cube-n').value), sel: 0 }, requestCube));
  $('cube-layer').addEventListener('change', () => set({ layer: $('cube-layer').value, sel: 0 }, requestCube));
  $('seed').addEventListener('change', () => {
    const v = Number($('seed').value);
    if (!Number.isInteger(v) || v < 0 || v > 2 ** 31) return syncControls();
    set({ seed: v }, () => {
      requestCube();
      startAb();
      worker.postMessage({ type: 'spread', seed: S.seed, ch: S.ch });
      worker.postMessage({ type: 'spectral', seed: S.seed, layer: S.sn });
    });
  });
  const grid = $('cube-grid');
  grid.addEventListener('pointerdown', (ev) => {
    if (!cube.layout) return;
    const r = grid.getBoundingClientRect();
    const i = pick(cube.layout, ev.clientX - r.left, ev.clientY - r.top);
    if (i >= 0) set({ sel: i });
  });
  grid.addEventListener('keydown', (ev) => {
    if (!cube.values) return;
    const [, C, H, W] = cubeShape();
    const step = { ArrowRight: 1, ArrowLeft: -1, ArrowDown: W, ArrowUp: -W, PageDown: C * H * W, PageUp: -C * H * W }[ev.key];
    if (step === undefined) return;
    ev.preventDefault();
    const next = S.sel + step;
    if (next >= 0 && next < cube.values.length) set({ sel: next });
  });
  $('ab-opt').addEventListener('change', () => set({ opt: $('ab-opt').value }, startAb));
  $('ab-lr').addEventListener('change', () => set({ lr: Number($('ab-lr').value) }, startAb));
  $('ab-ep').addEventListener('change', () => {
    const v = Number($('ab-ep').value);
    if (Number.isInteger(v) && v >= 1 && v <= 30) set({ ep: v }, startAb);
    else syncControls();
  });
  $('ab-mom').addEventListener('change', () => set({ mom: Number($('ab-mom').value) }, startAb));
  $('ab-run').addEventListener('click', startAb);
  $('ab-layer').addEventListener('change', renderAb);
  $('sweep-run').addEventListener('click', startSweep);
  const numKey = (id, key, lo, hi, int) => $(id).addEventListener('change', () => {
    const v = Number($(id).value);
    if (Number.isFinite(v) && v >= lo && v <= hi && (!int || Number.isInteger(v))) set({ [key]: v }, () => {});
    else syncControls();
  });
  numKey('bx-ep', 'be', 1, 20, true);
  numKey('bx-lr', 'blr', 1e-4, 1, false);
  numKey('bx-limit', 'bl', 0, 2000, true);
  $('bx-budget').addEventListener('change', () => set({ bbud: $('bx-budget').value }, () => {}));
  $('bx-lrrule').addEventListener('change', () => set({ blrr: $('bx-lrrule').value }, () => {}));
  $('bx-seeds').addEventListener('change', () => set({ bsd: Number($('bx-seeds').value) }, () => {}));
  $('bx-run').addEventListener('click', startExp);
  $('spread-ch').addEventListener('change', () => set({ ch: Number($('spread-ch').value) }, () => worker.postMessage({ type: 'spread', seed: S.seed, ch: S.ch })));
  $('sn-layer').addEventListener('change', () => set({ sn: $('sn-layer').value }, () => worker.postMessage({ type: 'spectral', seed: S.seed, layer: S.sn })));
  $('bn1-try').addEventListener('click', tryBnOne);
  onStateChange(applyHash);
  let rw = 0;
  addEventListener('resize', () => {
    clearTimeout(rw);
    rw = setTimeout(layoutPlots, 150);
  });
  document.addEventListener('langchange', () => {
    keepLang();
    layoutPlots();
  });
}

function plotOpts() {
  return {
    'ab-loss': { x: { label: t('norm.ax_step') }, y: { label: t('norm.ax_loss'), log: true } },
    'ab-acc': { x: { label: t('norm.ax_epoch'), min: 0 }, y: { label: t('norm.ax_test_acc'), min: 0, max: 1 } },
    'ab-pre': { x: { label: t('norm.ax_step_every') }, y: { label: t('norm.ax_preact') } },
    'ab-grad': { x: { label: t('norm.ax_step_every') }, y: { label: t('norm.ax_grad'), log: true } },
    'sweep-plot': { x: { label: t('norm.ax_log_lr') }, y: { label: t('norm.ax_test_acc'), min: 0, max: 1 } },
    'bx-plot': { x: { label: t('norm.ax_log2_batch_exp') }, y: { label: t('norm.ax_test_err'), unit: '%', min: 0 } },
    'spread-mean': { x: { label: t('norm.ax_log2_batch') }, y: { label: t('norm.ax_batch_mean') } },
    'spread-var': { x: { label: t('norm.ax_log2_batch') }, y: { label: t('norm.ax_var_ratio') } },
    'te-mean': { x: { label: t('norm.ax_step_every') }, y: { label: t('norm.ax_mean_c0') } },
    'te-var': { x: { label: t('norm.ax_step_every') }, y: { label: t('norm.ax_var_c0') } },
    'sn-plot': { x: { label: t('norm.ax_sv_index'), min: 0.5 }, y: { label: t('norm.ax_sv'), min: 0 } },
  };
}

function layoutPlots() {
  for (const [id, o] of Object.entries(plotOpts())) {
    const old = plots[id];
    makePlot(id, o);
    if (old) plots[id].setSeries(old.series);
  }
  renderCube();
  renderSpectral();
}

function keepLang() {
  for (const a of document.querySelectorAll('a[data-keep-lang]')) {
    const [path, hash] = a.getAttribute('href').split('#');
    a.href = withLang(hash ? `${path}#${hash.split('&').filter((p) => !p.startsWith('lang=')).join('&')}` : path);
  }
}

function onWorker(ev) {
  const msg = ev.data;
  switch (msg.type) {
    case 'ready':
      $('status').textContent = t('norm.engine', { version: msg.version });
      requestCube();
      worker.postMessage({ type: 'spread', seed: S.seed, ch: S.ch });
      worker.postMessage({ type: 'spectral', seed: S.seed, layer: S.sn });
      startAb();
      break;
    case 'cube':
      if (msg.key !== cube.key) return;
      cube.dataKey = msg.key;
      cube.shape = msg.shape;
      cube.values = msg.values;
      cube.images = msg.images;
      cube.affine = msg.affine;
      cube.lnPhoto = msg.lnPhoto;
      cube.norm = msg.norm;
      renderCube();
      document.body.dataset.normReady = '1';
      break;
    case 'ab':
      onAb(msg);
      break;
    case 'sweep':
      if (msg.gen !== gen.sweep) return;
      sweepResults = msg.results;
      if (msg.done) {
        $('sweep-status').textContent = t('norm.sweep_done');
        document.body.dataset.sweepState = 'done';
      }
      renderSweep();
      break;
    case 'batch':
      onExp(msg);
      break;
    case 'spread':
      if (msg.ch !== S.ch) return;
      spreadData = msg;
      renderSpread();
      break;
    case 'spectral':
      if (msg.layer !== S.sn) return;
      snData = msg;
      renderSpectral();
      break;
    case 'error':
      showError(errorFromJSON(msg.error));
      if (msg.job === 'batch') document.body.dataset.bxState = 'error';
      if (msg.job === 'ab') document.body.dataset.abState = 'error';
      break;
    default:
  }
}

async function main() {
  try {
    await initI18n();
    keepLang();
    const h = readState();
    const first = stateFromHash(h);
    S = first.state;
    noteIgnoredHash(first.bad.map((k) => [k, h[k]]));
    dl = await ready();
    wire();
    syncControls();
    layoutPlots();
    renderSweep();
    renderExp();
    renderTrainEval();
    save();
    const csv = await fetch(new URL('../samples/digits.csv', import.meta.url)).then((r) => {
      if (!r.ok) throw new Error(`samples/digits.csv answered HTTP ${r.status}`);
      return r.text();
    });
    worker = new Worker(new URL('./norm.worker.js', import.meta.url), { type: 'module' });
    worker.onmessage = onWorker;
    worker.onerror = (e) => showError(new Error(e.message || 'the worker failed to start'));
    worker.postMessage({ type: 'init', csv });
    window.__norm = {
      get state() { return S; }, cube, ab, get exp() { return exp; }, get sweep() { return sweepResults; }, plots,
      get spread() { return spreadData; }, get spectral() { return snData; },
    };
  } catch (err) {
    console.error(err);
    showError(err);
  }
}

main();
