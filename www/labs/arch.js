//! Architecture lab (topics 9, 17, 23): the TCN's receptive-field tree (`archTcnTree`), RNN / LSTM
//! / GRU / TCN trained side by side in a worker (arch.worker.js, `SeqTrainer`) with loss curves,
//! per-time-step input gradients and the cell's equations with live gate values; add vs concat
//! (`archFuseCounts`, `archFuse`) and the plain vs residual MLP (`archResidual`); the feature
//! pyramid (`archSynth`, `archPyramid`) and the FPN recall experiment (`archFpnExperiment`).
//! State: the URL hash (arch.model.js). Test hooks: `window.__arch`, `body.dataset.archReady`.
import { initI18n, showError, t, describeError, noteIgnoredHash } from '../app/i18n.js';
import { readState, writeState, onStateChange } from '../app/state.js';
import { ready } from '../app/wasm.js';
import { Plot, PALETTE } from '../app/plot.js';
import { fitCanvas, floatsToRGBA, drawRGBA, inferno } from '../app/canvas.js';
import { errorFromJSON } from '../app/errors.js';
import {
  MODELS, stateFromHash, stateToHash, tcnRf, fuseClosedForm, seqConfig, cellLines, frac, logSafe, thin, parseDilations,
  findSpike, SPIKE_FACTOR,
} from './arch.model.js';

const $ = (id) => document.getElementById(id);
const COLOR = { rnn: PALETTE[1], lstm: PALETTE[0], gru: PALETTE[2], tcn: PALETTE[4] };
const NAME = { rnn: 'RNN', lstm: 'LSTM', gru: 'GRU', tcn: 'TCN' };
const LEVEL_COLORS = ['#1f6feb', '#1a7f37', '#9a6700', '#d1242f', '#8250df'];

let dl = null;
let S = null;
const lab = {
  tree: null, seq: null, fuse: null, counts: null, residual: null, pyramid: null, fpn: null, errors: {},
};
window.__arch = lab;
lab.fpnPlot = () => barPlot;
lab.seqPlot = (id) => seqPlots[id];
let image = null; // {tensor, gray: Float32Array, w, h, objects}
let imageKey = '';
let jobId = 0;
const waiting = { seq: 0, residual: 0, fpn: 0 };

const worker = new Worker(new URL('./arch.worker.js', import.meta.url), { type: 'module' });
worker.onerror = (e) => showError(new Error(`arch worker: ${e.message || 'failed to start'}`));
worker.onmessage = (e) => onWorker(e.data);

const width = (el, max = 640) => Math.max(260, Math.min(max, Math.floor(el.parentElement.clientWidth || 320)));
const fmtInt = (n) => (Number.isFinite(n) ? Math.round(n).toLocaleString('en-US') : '—');
const fmt = (v, d = 4) => (Number.isFinite(v) ? (Math.abs(v) < 1e-3 && v !== 0 ? v.toExponential(2) : v.toFixed(d)) : '—');

function save() {
  writeState(stateToHash(S));
}

function cell(tr, text, cls) {
  const td = document.createElement(tr.parentElement?.tagName === 'THEAD' ? 'th' : 'td');
  td.textContent = text;
  if (cls) td.className = cls;
  tr.append(td);
  return td;
}

// ---------------------------------------------------------------- controls <-> state
function fillControls() {
  $('tcn-k').value = String(S.k);
  $('tcn-dil').value = S.dil.join(',');
  $('seq-task').value = S.task;
  $('seq-len').value = S.len;
  $('seq-lag').value = S.lag;
  $('seq-hid').value = S.hid;
  $('seq-lr').value = S.lr;
  $('seq-clip').value = S.clip;
  $('seq-bptt').value = S.bptt;
  $('seq-steps').value = S.steps;
  $('seq-seed').value = S.seed;
  for (const m of MODELS) $(`m-${m}`).checked = S.models.includes(m);
  $('cell-kind').value = S.cell;
  $('img-src').value = S.img;
  $('fuse-ch').value = S.ch;
  $('fuse-co').value = S.co;
  $('res-depth').value = S.depth;
  $('fpn-top').value = String(S.top);
  $('fpn-up').value = S.up;
  $('seq-lag').disabled = S.task !== 'recall';
}

function fromHash() {
  const { S: next, ignored } = stateFromHash(readState());
  S = next;
  noteIgnoredHash(ignored);
  fillControls();
}

function wire() {
  const num = (id, key, after) => $(id).addEventListener('change', () => {
    const { S: parsed } = stateFromHash({ ...stateToHash(S), [key]: $(id).value });
    S = parsed;
    fillControls();
    save();
    after?.();
  });
  $('tcn-k').addEventListener('change', () => {
    S.k = Number($('tcn-k').value);
    save();
    renderTree();
  });
  $('tcn-dil').addEventListener('change', () => {
    const ds = parseDilations($('tcn-dil').value);
    if (!ds) {
      lab.errors.tree = t('arch.bad_dilations');
      $('tcn-note').textContent = lab.errors.tree;
      $('tcn-note').classList.add('bad');
      return;
    }
    S.dil = ds;
    save();
    renderTree();
  });
  $('tcn-add').addEventListener('click', () => {
    if (S.dil.length >= 10) return;
    S.dil = [...S.dil, Math.min(256, 2 * (S.dil[S.dil.length - 1] ?? 1))];
    fillControls();
    save();
    renderTree();
  });
  $('tcn-pop').addEventListener('click', () => {
    if (S.dil.length <= 1) return;
    S.dil = S.dil.slice(0, -1);
    fillControls();
    save();
    renderTree();
  });
  $('seq-task').addEventListener('change', () => {
    S.task = $('seq-task').value;
    fillControls();
    save();
  });
  for (const [id, key] of [['seq-len', 'len'], ['seq-lag', 'lag'], ['seq-hid', 'hid'], ['seq-lr', 'lr'], ['seq-clip', 'clip'], ['seq-bptt', 'bptt'], ['seq-steps', 'steps'], ['seq-seed', 'seed']]) {
    num(id, key, key === 'len' ? renderTree : null);
  }
  for (const m of MODELS) {
    $(`m-${m}`).addEventListener('change', () => {
      const on = MODELS.filter((x) => $(`m-${x}`).checked);
      if (!on.length) {
        $(`m-${m}`).checked = true;
        return;
      }
      S.models = on;
      save();
    });
  }
  $('seq-run').addEventListener('click', runSeq);
  $('cell-kind').addEventListener('change', () => {
    S.cell = $('cell-kind').value;
    save();
    renderCell();
  });
  $('tcn-t').addEventListener('input', () => {
    S.ot = Number($('tcn-t').value);
    save();
    renderTree();
  });
  $('cell-t').addEventListener('input', () => {
    S.ct = Number($('cell-t').value);
    save();
    renderCell();
  });
  $('img-src').addEventListener('change', async () => {
    S.img = $('img-src').value;
    save();
    await loadImage();
    renderFuse();
    renderPyramid();
  });
  num('fuse-ch', 'ch', renderFuse);
  num('fuse-co', 'co', renderFuse);
  num('res-depth', 'depth', null);
  $('res-run').addEventListener('click', runResidual);
  $('fpn-top').addEventListener('change', () => {
    S.top = Number($('fpn-top').value);
    save();
    renderPyramid();
  });
  $('fpn-up').addEventListener('change', () => {
    S.up = $('fpn-up').value;
    save();
    renderFuse();
    renderPyramid();
  });
  $('fpn-run').addEventListener('click', runFpn);
  let resizeTimer = 0;
  addEventListener('resize', () => {
    clearTimeout(resizeTimer);
    resizeTimer = setTimeout(() => {
      renderTree();
      drawSeq();
      renderCell();
      drawResidual();
      drawPyramidImage();
      drawFpnBars();
    }, 150);
  });
}

// ---------------------------------------------------------------- TCN tree
function renderTree() {
  const note = $('tcn-note');
  note.classList.remove('bad');
  try {
    // the tree of output step tOut is the last-step tree of a sequence of tOut + 1 steps
    const tOut = treeStep();
    $('tcn-t').max = String(S.len - 1);
    $('tcn-t').value = String(tOut);
    $('tcn-t-out').textContent = `${tOut} / ${S.len - 1}`;
    const tree = dl.archTcnTree(S.k, S.dil, tOut + 1);
    tree.t = tOut;
    lab.tree = tree;
    lab.errors.tree = null;
    const sum = S.dil.join(' + ');
    $('tcn-rf').textContent = `1 + (${sum})·(${S.k} − 1) = ${tree.rf} ${t('arch.steps_unit')}`;
    const parts = [];
    if (tree.holes > 0) parts.push(t('arch.holes', { n: tree.holes }));
    if (tree.pad > 0) parts.push(t('arch.pad', { n: tree.pad, len: tOut + 1 }));
    if (!parts.length) parts.push(t('arch.no_holes'));
    note.textContent = parts.join(' ');
    if (tree.holes > 0) note.classList.add('bad');
    drawTree();
  } catch (err) {
    lab.tree = null;
    lab.errors.tree = describeError(err);
    note.textContent = lab.errors.tree;
    note.classList.add('bad');
  }
}

const treeStep = () => Math.min(S.ot, S.len - 1);

function drawTree() {
  const tree = lab.tree;
  const canvas = $('tcn-canvas');
  if (!tree) return;
  const W = width(canvas, 1100);
  const L = tree.levels.length;
  const span = tree.rf;
  const shown = Math.min(Math.max(span + 2, Math.min(tree.t + 1, 64)), 160);
  const H = 40 + L * 46;
  const ctx = fitCanvas(canvas, W, H);
  ctx.clearRect(0, 0, W, H);
  const left = 56;
  const dx = (W - left - 16) / shown;
  const r = Math.max(1.2, Math.min(5, dx * 0.35));
  const x = (j) => W - 16 - (j + 0.5) * dx; // j steps back from the last
  const y = (l) => H - 26 - l * 46;
  ctx.font = '11px system-ui, sans-serif';
  ctx.fillStyle = '#57606a';
  for (let l = 0; l < L; l++) ctx.fillText(l === 0 ? t('arch.input') : `L${l} d=${S.dil[l - 1]}`, 4, y(l) + 4);
  // the causal padding: steps before the first input
  const first = tree.t; // j of the first input step (step 0)
  if (first + 1 < shown) {
    ctx.strokeStyle = '#8c959f';
    ctx.setLineDash([4, 3]);
    ctx.beginPath();
    ctx.moveTo(x(first) - dx / 2, 8);
    ctx.lineTo(x(first) - dx / 2, H - 14);
    ctx.stroke();
    ctx.setLineDash([]);
    ctx.fillText(t('arch.pad_label'), Math.max(left, x(first) - dx / 2 - 70), 12);
  }
  // edges
  ctx.strokeStyle = 'rgba(31,111,235,0.45)';
  ctx.lineWidth = 1;
  for (let l = L - 1; l >= 1; l--) {
    const d = S.dil[l - 1];
    for (let j = 0; j < Math.min(span, shown); j++) {
      if (!tree.levels[l][j]) continue;
      for (let m = 0; m < S.k; m++) {
        const jj = j + m * d;
        if (jj >= shown) continue;
        ctx.beginPath();
        ctx.moveTo(x(j), y(l));
        ctx.lineTo(x(jj), y(l - 1));
        ctx.stroke();
      }
    }
  }
  // nodes
  for (let l = 0; l < L; l++) {
    for (let j = 0; j < shown; j++) {
      const on = j < span && tree.levels[l][j];
      const pad = j > first;
      ctx.beginPath();
      ctx.arc(x(j), y(l), r, 0, 2 * Math.PI);
      if (on) {
        ctx.fillStyle = pad ? '#8c959f' : l === L - 1 ? '#d1242f' : '#1f6feb';
        ctx.fill();
      } else if (j < span && l === 0) {
        ctx.strokeStyle = '#d1242f';
        ctx.lineWidth = 1.5;
        ctx.stroke();
      } else {
        ctx.fillStyle = '#d0d7de';
        ctx.fill();
      }
    }
  }
  // time axis
  ctx.fillStyle = '#57606a';
  const every = Math.max(1, Math.ceil(shown / 10));
  // absolute input steps (the output drawn is step tree.t); negative ones are the padding
  for (let j = 0; j < shown; j += every) ctx.fillText(String(tree.t - j).replace('-', '−'), x(j) - 6, H - 4);
}

// ---------------------------------------------------------------- sequence training
const seqPlots = {};

function runSeq() {
  const id = ++jobId;
  waiting.seq = id;
  lab.seq = { id, runs: Object.fromEntries(S.models.map((m) => [m, { losses: [], inputGrad: null, steps: 0, error: null, spike: null }])), done: false, S: { ...S } };
  $('seq-status').textContent = t('arch.training');
  $('seq-run').textContent = t('arch.restart');
  worker.postMessage({ type: 'seq', id, configs: S.models.map((m) => seqConfig(S, m)), steps: S.steps });
  drawSeq();
  renderSeqTable();
}

function onSeqFrame(m) {
  if (m.id !== waiting.seq || !lab.seq) return;
  for (const r of m.runs) {
    const run = lab.seq.runs[r.model];
    if (!run) continue;
    if (!run.spike) run.spike = findSpike(r.losses, baselineOf(lab.seq.S.task), run.losses.length);
    run.losses.push(...r.losses);
    if (r.inputGrad) run.inputGrad = r.inputGrad;
    run.steps = r.steps;
    if (r.error) run.error = r.error;
    if (m.done) Object.assign(run, { evalLoss: r.evalLoss, probe: r.probe, info: r.info });
  }
  renderSpikes();
  if (m.done) {
    lab.seq.done = true;
    $('seq-status').textContent = t('arch.done');
    $('seq-run').textContent = t('arch.train');
    renderSeqTable();
    renderCell();
  } else {
    const s = Math.min(...Object.values(lab.seq.runs).map((r) => r.steps));
    $('seq-status').textContent = `${t('arch.training')} ${s} / ${lab.seq.S.steps}`;
  }
  drawSeq();
}

function drawSeq() {
  const seq = lab.seq;
  for (const [id, ylabel, xlabel] of [['seq-loss', 'arch.axis_loss', 'arch.axis_step'], ['seq-grad', 'arch.axis_grad', 'arch.axis_t']]) {
    const canvas = $(id);
    const w = width(canvas, 560);
    const h = Math.round(Math.min(300, w * 0.62));
    if (!seqPlots[id]) {
      seqPlots[id] = new Plot(canvas, { width: w, height: h, x: { label: t(xlabel) }, y: { label: t(ylabel), log: true } });
    } else {
      seqPlots[id].opts.x.label = t(xlabel);
      seqPlots[id].opts.y.label = t(ylabel);
      seqPlots[id].resize(w, h);
    }
  }
  if (!seq) return;
  const loss = [];
  const grad = [];
  for (const [m, r] of Object.entries(seq.runs)) {
    if (r.losses.length) {
      const { xs, ys } = thin(r.losses);
      loss.push({ type: 'line', xs, ys: logSafe(ys), color: COLOR[m], label: NAME[m] });
    }
    if (r.inputGrad) {
      grad.push({ type: 'line', xs: r.inputGrad.map((_, i) => i), ys: logSafe(r.inputGrad), color: COLOR[m], label: NAME[m] });
    }
  }
  const base = Object.values(seq.runs).find((r) => r.info)?.info?.baseline ?? baselineOf(seq.S.task);
  const maxStep = Math.max(1, ...Object.values(seq.runs).map((r) => r.losses.length));
  loss.push({ type: 'line', xs: [1, maxStep], ys: [base, base], color: '#57606a', dash: [6, 4], label: t('arch.baseline') });
  seqPlots['seq-loss'].opts.x.min = 0;
  seqPlots['seq-loss'].setSeries(loss);
  seqPlots['seq-grad'].opts.x.min = 0;
  seqPlots['seq-grad'].opts.x.max = seq.S.len - 1;
  seqPlots['seq-grad'].setSeries(grad);
}

const baselineOf = (task) => ({ adding: 1 / 6, recall: 1 / 3, sine: 0.5 })[task];

/** The blow-ups of the current runs, in words (empty when none). */
function renderSpikes() {
  const out = $('seq-warn');
  const lines = Object.entries(lab.seq?.runs ?? {}).filter(([, r]) => r.spike).map(([m, r]) => t('arch.spike', {
    model: NAME[m], step: r.spike.step, loss: Number.isFinite(r.spike.loss) ? r.spike.loss.toPrecision(3) : String(r.spike.loss),
    ratio: Number.isFinite(r.spike.ratio) ? Math.round(r.spike.ratio).toLocaleString('en-US') : '∞', factor: SPIKE_FACTOR,
  }));
  out.textContent = lines.join(' ');
  out.hidden = !lines.length;
}

function renderSeqTable() {
  const tb = $('seq-table').tBodies[0];
  tb.replaceChildren();
  if (!lab.seq) return;
  for (const [m, r] of Object.entries(lab.seq.runs)) {
    const tr = document.createElement('tr');
    tr.dataset.model = m;
    tb.append(tr);
    cell(tr, NAME[m]);
    cell(tr, fmtInt(r.info?.params), 'num mono');
    cell(tr, fmtInt(r.steps), 'num mono');
    cell(tr, fmt(r.evalLoss), 'num mono eval');
    const base = r.info?.baseline ?? baselineOf(lab.seq.S.task);
    cell(tr, fmt(base), 'num mono');
    let verdict = '';
    if (r.error) verdict = describeError(errorFromJSON(r.error));
    else if (Number.isFinite(r.evalLoss)) verdict = r.evalLoss < 0.5 * base ? t('arch.beats') : r.evalLoss < base ? t('arch.bit_better') : t('arch.no_better');
    else if (lab.seq.done === false) verdict = t('arch.training');
    if (r.spike && !r.error) verdict = `${verdict} ${t('arch.spiked', { step: r.spike.step })}`.trim();
    cell(tr, verdict, r.error || r.spike ? 'bad' : '');
  }
}

// ---------------------------------------------------------------- cell equations
let cellPlot = null;
function renderCell() {
  const box = $('cell-eq');
  const run = lab.seq?.runs?.[S.cell];
  const len = lab.seq?.S?.len ?? S.len;
  $('cell-t').max = String(len - 1);
  const tt = Math.min(S.ct, len - 1);
  $('cell-t').value = String(tt);
  $('cell-t-out').textContent = String(tt);
  box.replaceChildren();
  if (!run?.probe) {
    const p = document.createElement('p');
    p.className = 'hint';
    p.textContent = t('arch.cell_wait', { cell: NAME[S.cell] });
    box.append(p);
    drawCellPlot(null);
    return;
  }
  const H = run.info.hidden;
  const I = run.info.inputs;
  const lines = cellLines(S.cell, run.probe, tt, H, I);
  for (const ln of lines) {
    const row = document.createElement('div');
    row.className = 'eq-row';
    const a = document.createElement('span');
    a.className = 'eq-lhs';
    a.textContent = ln.lhs;
    const b = document.createElement('span');
    b.className = 'eq-rhs';
    b.textContent = ln.rhs ? `= ${ln.rhs}` : '';
    const c = document.createElement('span');
    c.className = 'eq-val';
    c.textContent = `= ${ln.value}`;
    row.append(a, b, c);
    box.append(row);
  }
  const p = document.createElement('p');
  p.className = 'hint';
  p.textContent = t('arch.cell_pred', { target: fmt(run.probe.target, 3), pred: fmt(run.probe.pred, 3) });
  box.append(p);
  drawCellPlot(run, H);
}

function drawCellPlot(run, H) {
  const canvas = $('cell-canvas');
  const w = width(canvas, 900);
  const h = 220;
  if (!cellPlot) cellPlot = new Plot(canvas, { width: w, height: h, x: { label: t('arch.axis_t') }, y: { label: t('arch.axis_gate'), min: -1, max: 1 } });
  else {
    cellPlot.opts.x.label = t('arch.axis_t');
    cellPlot.opts.y.label = t('arch.axis_gate');
    cellPlot.resize(w, h);
  }
  if (!run) {
    cellPlot.setSeries([]);
    return;
  }
  const T = run.probe.h.length / H;
  const G = S.cell === 'lstm' ? 4 : S.cell === 'gru' ? 3 : 1;
  const names = S.cell === 'lstm' ? ['i', 'f', 'g', 'o'] : S.cell === 'gru' ? ['r', 'z', 'n'] : [];
  const xs = Array.from({ length: T }, (_, i) => i);
  const series = names.map((nm, b) => ({ type: 'line', xs, ys: xs.map((tt) => run.probe.gates[tt * G * H + b * H]), color: PALETTE[(b + 2) % PALETTE.length], label: `${nm}_t` }));
  series.push({ type: 'line', xs, ys: xs.map((tt) => run.probe.h[tt * H]), color: '#1f2328', label: 'h_t', width: 2.5 });
  series.push({ type: 'scatter', xs: [S.ct], ys: [run.probe.h[Math.min(S.ct, T - 1) * H]], color: '#d1242f', radius: 5 });
  cellPlot.setSeries(series);
}

// ---------------------------------------------------------------- image
async function loadImage() {
  const key = `${S.img}:${S.seed}`;
  if (key === imageKey && image) return;
  image?.tensor.free();
  image = null;
  if (S.img === 'photo') {
    try {
      const res = await fetch(new URL('../samples/astronaut.png', import.meta.url));
      if (!res.ok) throw new Error(`samples/astronaut.png: HTTP ${res.status}`);
      const bmp = await createImageBitmap(await res.blob(), { resizeWidth: 256, resizeHeight: 256, resizeQuality: 'high' });
      const oc = new OffscreenCanvas(256, 256);
      const c2 = oc.getContext('2d');
      c2.drawImage(bmp, 0, 0);
      const px = c2.getImageData(0, 0, 256, 256).data;
      const g = new Float32Array(256 * 256);
      for (let i = 0; i < g.length; i++) g[i] = (0.299 * px[4 * i] + 0.587 * px[4 * i + 1] + 0.114 * px[4 * i + 2]) / 255;
      image = { gray: g, w: 256, h: 256, objects: [], tensor: new dl.Tensor(g, [1, 1, 256, 256]) };
    } catch (err) {
      showError(err);
      S.img = 'synth';
      fillControls();
    }
  }
  if (!image) {
    const s = dl.archSynth(128, 3, S.seed);
    const g = Float32Array.from(s.image);
    image = { gray: g, w: 128, h: 128, objects: s.objects, tensor: new dl.Tensor(g, [1, 1, 128, 128]) };
  }
  imageKey = `${S.img}:${S.seed}`;
}

function mapCanvas(parent, values, w, h, label, { cmap = inferno, symmetric = false, size = 128 } = {}) {
  const fig = document.createElement('figure');
  fig.className = 'map';
  const canvas = document.createElement('canvas');
  canvas.setAttribute('role', 'img');
  canvas.setAttribute('aria-label', label);
  let lo = Infinity;
  let hi = -Infinity;
  for (const v of values) {
    if (Number.isFinite(v)) {
      lo = Math.min(lo, v);
      hi = Math.max(hi, v);
    }
  }
  if (!Number.isFinite(lo)) [lo, hi] = [0, 1];
  if (symmetric) {
    const m = Math.max(Math.abs(lo), Math.abs(hi)) || 1;
    [lo, hi] = [-m, m];
  }
  const clean = Array.from(values, (v) => (Number.isFinite(v) ? v : lo));
  drawRGBA(canvas, floatsToRGBA(clean, lo, hi, cmap), w, h);
  canvas.style.width = `${size}px`;
  canvas.style.height = `${Math.round((size * h) / w)}px`;
  const cap = document.createElement('figcaption');
  cap.textContent = label;
  fig.append(canvas, cap);
  parent.append(fig);
  return canvas;
}

// ---------------------------------------------------------------- add vs concat
function renderFuse() {
  const tb = $('fuse-counts').tBodies[0];
  tb.replaceChildren();
  const maps = $('fuse-maps');
  maps.replaceChildren();
  try {
    const fuse = dl.archFuse(image.tensor, S.ch, S.co, S.up, S.seed);
    const counts = dl.archFuseCounts(S.ch, S.ch, S.co, fuse.h, fuse.w);
    lab.fuse = fuse;
    lab.counts = { args: [S.ch, S.ch, S.co, fuse.h, fuse.w], counts, closed: fuseClosedForm(S.ch, S.ch, S.co, fuse.h, fuse.w) };
    const C = S.ch;
    const shape = (c) => `${c}×${fuse.h}×${fuse.w}`;
    const rows = [
      [t('arch.f_add'), shape(C), 0, counts.addAdds, `0 ${t('arch.params_word')}; C·H·W = ${C}·${fuse.h}·${fuse.w} ${t('arch.adds_word')}`],
      [t('arch.f_add_conv'), shape(S.co), counts.addConv?.[0], counts.addConv?.[1], `C·Co = ${C}·${S.co}; C·Co·H·W`],
      [t('arch.f_concat'), shape(counts.concatChannels), 0, 0, `${t('arch.channels_word')} C_A + C_B = ${counts.concatChannels}`],
      [t('arch.f_concat_conv'), shape(S.co), counts.concatConv[0], counts.concatConv[1], `(C_A + C_B)·Co = ${2 * C}·${S.co}; ·H·W`],
    ];
    for (const [name, sh, p, m, form] of rows) {
      const tr = document.createElement('tr');
      tb.append(tr);
      cell(tr, name);
      cell(tr, sh, 'mono');
      cell(tr, fmtInt(p), 'num mono');
      cell(tr, fmtInt(m), 'num mono');
      cell(tr, form, 'mono muted');
    }
    const n = fuse.h * fuse.w;
    const cut = (a) => Float32Array.from(a.slice(0, n));
    mapCanvas(maps, cut(fuse.a), fuse.w, fuse.h, 'A (C2 lateral, ch 0)', { symmetric: true });
    mapCanvas(maps, cut(fuse.b), fuse.w, fuse.h, 'B (up×2 C3 lateral, ch 0)', { symmetric: true });
    mapCanvas(maps, cut(fuse.add), fuse.w, fuse.h, 'A + B (ch 0)', { symmetric: true });
    mapCanvas(maps, cut(fuse.concatConv), fuse.w, fuse.h, 'conv1x1(concat(A,B)) ch 0', { symmetric: true });
    mapCanvas(maps, cut(fuse.separate), fuse.w, fuse.h, 'W_A·A + W_B·B ch 0', { symmetric: true });
    $('fuse-diff').textContent = `${fuse.maxDiff.toExponential(2)} (${t('arch.rounding')})`;
    lab.errors.fuse = null;
  } catch (err) {
    lab.errors.fuse = describeError(err);
    $('fuse-diff').textContent = lab.errors.fuse;
  }
}

// ---------------------------------------------------------------- residual MLP
const resPlots = {};
function runResidual() {
  const id = ++jobId;
  waiting.residual = id;
  $('res-status').textContent = t('arch.training');
  worker.postMessage({ type: 'residual', id, options: { depth: S.depth, width: 16, steps: 150, lr: 0.005, points: 128, seed: S.seed } });
}

function drawResidual() {
  const runs = lab.residual;
  const mk = (id, x, y) => {
    const canvas = $(id);
    const w = width(canvas, 560);
    const h = Math.round(Math.min(280, w * 0.6));
    if (!resPlots[id]) resPlots[id] = new Plot(canvas, { width: w, height: h, x: { label: t(x) }, y: { label: t(y), log: true } });
    else {
      resPlots[id].opts.x.label = t(x);
      resPlots[id].opts.y.label = t(y);
      resPlots[id].resize(w, h);
    }
    return resPlots[id];
  };
  const pn = mk('res-norms', 'arch.axis_layer', 'arch.axis_gnorm');
  const pl = mk('res-loss', 'arch.axis_step', 'arch.axis_loss');
  if (!runs) return;
  pn.setSeries(runs.map((r, i) => ({ type: 'line', xs: r.first.map((_, k) => k), ys: logSafe(r.first), color: PALETTE[i], label: r.residual ? t('arch.residual') : t('arch.plain') })));
  pl.setSeries(runs.map((r, i) => ({ type: 'line', ...thin(r.losses), color: PALETTE[i], label: r.residual ? t('arch.residual') : t('arch.plain') })).map((s) => ({ ...s, ys: logSafe(s.ys) })));
}

// ---------------------------------------------------------------- pyramid
function renderPyramid() {
  const tb = $('fpn-levels').tBodies[0];
  tb.replaceChildren();
  const steps = $('fpn-steps');
  steps.replaceChildren();
  try {
    lab.pyramid = dl.archPyramid(image.tensor, S.top, S.up, S.seed);
    lab.errors.pyramid = null;
  } catch (err) {
    lab.pyramid = null;
    lab.errors.pyramid = describeError(err);
    const tr = document.createElement('tr');
    tb.append(tr);
    const td = cell(tr, lab.errors.pyramid, 'bad');
    td.colSpan = 4;
    drawPyramidImage();
    return;
  }
  for (const [i, L] of lab.pyramid.entries()) {
    const tr = document.createElement('tr');
    tb.append(tr);
    const td = cell(tr, `P${L.level}`);
    const sw = document.createElement('span');
    sw.className = `swatch lv${i}`;
    td.prepend(sw);
    cell(tr, String(L.stride), 'num mono');
    cell(tr, `${L.w}×${L.h}`, 'num mono');
    cell(tr, `${L.rf} px`, 'num mono');
  }
  // top-down, top first
  for (const L of [...lab.pyramid].reverse()) {
    const row = document.createElement('div');
    row.className = 'td-row';
    const h = document.createElement('p');
    h.className = 'td-label mono';
    const isTop = !L.up.length;
    h.textContent = isTop ? `P${L.level} = 1x1(C${L.level})` : `P${L.level} = 1x1(C${L.level}) + up×2[${S.up}](P${L.level + 1})`;
    row.append(h);
    const maps = document.createElement('div');
    maps.className = 'map-row';
    const size = Math.max(48, Math.min(112, 8 * L.w));
    mapCanvas(maps, Float32Array.from(L.c), L.w, L.h, `C${L.level} ${L.w}×${L.h}`, { size });
    mapCanvas(maps, Float32Array.from(L.lateral), L.w, L.h, `1x1(C${L.level})`, { size });
    if (!isTop) mapCanvas(maps, Float32Array.from(L.up), L.w, L.h, `up×2(P${L.level + 1})`, { size });
    mapCanvas(maps, Float32Array.from(L.p), L.w, L.h, `P${L.level}`, { size });
    row.append(maps);
    steps.append(row);
  }
  drawPyramidImage();
}

function drawPyramidImage() {
  const canvas = $('fpn-image');
  if (!image) return;
  const W = Math.min(width(canvas, 420), 420);
  const ctx = fitCanvas(canvas, W, W);
  const sc = W / image.w;
  const off = new OffscreenCanvas(image.w, image.h);
  off.getContext('2d').putImageData(new ImageData(floatsToRGBA(image.gray, 0, 1), image.w, image.h), 0, 0);
  ctx.imageSmoothingEnabled = false;
  ctx.drawImage(off, 0, 0, W, (W * image.h) / image.w);
  ctx.lineWidth = 1;
  for (const o of image.objects) {
    ctx.strokeStyle = o.size < 12 ? '#ff5a5f' : o.size < 32 ? '#ffb000' : '#3fb950';
    ctx.strokeRect((o.cx - o.size / 2 - 1) * sc, (o.cy - o.size / 2 - 1) * sc, (o.size + 2) * sc, (o.size + 2) * sc);
  }
  if (!lab.pyramid) return;
  const cx = image.w / 2;
  const cy = image.h / 2;
  ctx.lineWidth = 2;
  for (const [i, L] of lab.pyramid.entries()) {
    ctx.strokeStyle = LEVEL_COLORS[i % LEVEL_COLORS.length];
    const r = Number(L.rf);
    ctx.strokeRect((cx - r / 2) * sc, (cy - r / 2) * sc, r * sc, r * sc);
    // one cell of the level (its stride) as a filled square in the corner of the RF
    ctx.fillStyle = ctx.strokeStyle;
    ctx.fillRect((cx - L.stride / 2) * sc, (cy + r / 2) * sc - 3, L.stride * sc, 3);
  }
}

// ---------------------------------------------------------------- FPN experiment
let barPlot = null;
function runFpn() {
  const id = ++jobId;
  waiting.fpn = id;
  $('fpn-status').textContent = t('arch.training');
  $('fpn-run').disabled = true;
  worker.postMessage({ type: 'fpn', id, options: { side: 128, perClass: 3, trainImages: 12, testImages: 12, steps: 300, up: S.up, seed: S.seed } });
}

function renderFpn() {
  const r = lab.fpn;
  const tb = $('fpn-table').tBodies[0];
  tb.replaceChildren();
  const heat = $('fpn-heat');
  heat.replaceChildren();
  if (!r) return;
  const pct = (p) => `${(100 * frac(p)).toFixed(0)}% (${p[0]}/${p[1]})`;
  for (const run of r.runs) {
    const tr = document.createElement('tr');
    tr.dataset.variant = run.variant;
    tb.append(tr);
    cell(tr, headLabel(run.variant));
    cell(tr, pct(run.small), 'num mono');
    cell(tr, pct(run.medium), 'num mono');
    cell(tr, pct(run.large), 'num mono');
    cell(tr, run.detections ? `${(100 * run.trueDetections / run.detections).toFixed(0)}% (${run.trueDetections}/${run.detections})` : '—', 'num mono');
    cell(tr, fmt(run.losses[run.losses.length - 1]), 'num mono');
  }
  // the fair baseline: the top level at its own stride (falls back to the upsampled one)
  const top = r.runs.find((x) => x.variant === 'grid') ?? r.runs.find((x) => x.variant === 'top');
  const fpn = r.runs.find((x) => x.variant === 'fpn');
  const small = [frac(top.small), frac(fpn.small)];
  $('fpn-verdict').textContent = t(small[1] > small[0] ? 'arch.fpn_verdict_yes' : 'arch.fpn_verdict_no', {
    top: (100 * small[0]).toFixed(0), fpn: (100 * small[1]).toFixed(0),
  });
  mapCanvas(heat, Float32Array.from(r.image), r.side, r.side, t('arch.heat_image'), { cmap: undefined, size: 140 });
  for (const run of r.runs) {
    const g = run.grid ?? r.grid;
    mapCanvas(heat, Float32Array.from(run.example), g, g, t(`arch.heat_${run.variant}`), { size: 140 });
  }
  drawFpnBars();
}

const headLabel = (variant) => t(`arch.head_${variant}`);
const sizeCats = () => [t('arch.size_small'), t('arch.size_medium'), t('arch.size_large')];

function drawFpnBars() {
  const canvas = $('fpn-bars');
  const w = width(canvas, 520);
  const h = 260;
  if (!barPlot) barPlot = new Plot(canvas, { width: w, height: h, x: { label: t('arch.axis_size'), min: -0.5, max: 2.5, categories: sizeCats() }, y: { label: t('arch.axis_recall'), min: 0, max: 100 } });
  else {
    barPlot.opts.x.label = t('arch.axis_size');
    barPlot.opts.x.categories = sizeCats();
    barPlot.opts.y.label = t('arch.axis_recall');
    barPlot.resize(w, h);
  }
  if (!lab.fpn) return;
  barPlot.setSeries(lab.fpn.runs.map((run, i) => ({
    type: 'line',
    xs: [0, 1, 2],
    ys: [run.small, run.medium, run.large].map((p) => 100 * frac(p)),
    color: PALETTE[i],
    label: headLabel(run.variant),
  })).concat(lab.fpn.runs.map((run, i) => ({
    type: 'scatter', xs: [0, 1, 2], ys: [run.small, run.medium, run.large].map((p) => 100 * frac(p)), color: PALETTE[i], radius: 4,
  }))));
}

// ---------------------------------------------------------------- worker
function onWorker(m) {
  if (m.type === 'ready') return;
  if (m.type === 'fatal') {
    showError(errorFromJSON(m.error));
    return;
  }
  if (m.type === 'seqFrame') onSeqFrame(m);
  else if (m.type === 'residual' && m.id === waiting.residual) {
    lab.residual = m.runs;
    $('res-status').textContent = t('arch.res_done', {
      plain: lab.residual[0].first[1].toExponential(1), res: lab.residual[1].first[1].toExponential(1),
    });
    drawResidual();
  } else if (m.type === 'fpn' && m.id === waiting.fpn) {
    lab.fpn = m.result;
    $('fpn-status').textContent = t('arch.done');
    $('fpn-run').disabled = false;
    renderFpn();
  } else if (m.type === 'error') {
    const msg = describeError(errorFromJSON(m.error));
    lab.errors[m.job] = msg;
    const out = { seq: 'seq-status', residual: 'res-status', fpn: 'fpn-status' }[m.job];
    if (out) $(out).textContent = msg;
    if (m.job === 'fpn') $('fpn-run').disabled = false;
  }
}

async function main() {
  await initI18n();
  dl = await ready();
  fromHash();
  wire();
  await loadImage();
  renderTree();
  drawSeq();
  renderCell();
  renderFuse();
  drawResidual();
  renderPyramid();
  drawFpnBars();
  onStateChange(async () => {
    fromHash();
    await loadImage();
    renderTree();
    renderCell();
    renderFuse();
    renderPyramid();
  });
  document.body.dataset.archReady = '1';
}

main().catch((err) => showError(err));
