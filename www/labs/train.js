//! Training lab: TensorFlow Playground's controls plus loss, optimizer, init, dropout, batch norm,
//! schedules, clipping, label smoothing; per-layer histograms; A/B runs on the same data and seed;
//! click-to-add points and CSV upload; "why isn't it converging?" presets with a live diagnosis.
//!
//! The page holds the configuration (config A, plus overrides for B) and mirrors it in the URL
//! hash; the worker (train.worker.js) owns the wasm Trainers and sends a frame whenever the page
//! has drawn the previous one (display rate). Any change of configuration restarts the run(s):
//! a run is a pure function of its configuration, so a URL reproduces its curves exactly.
//! Test hooks: `window.__train` and `document.body.dataset.{trainState,trainEpoch}`.
import { initI18n, t, showError, withLang } from '../app/i18n.js';
import { readState, writeState, onStateChange } from '../app/state.js';
import { fitCanvas, pointerPos } from '../app/canvas.js';
import { Plot, niceTicks, formatTick } from '../app/plot.js';

// ---------------------------------------------------------------------------------------------
// Configuration schema: [Trainer key, hash key, type, default]

const FIELDS = [
  ['seed', 'seed', 'int', 1],
  ['dataset', 'data', 'str', 'circle'],
  ['classes', 'k', 'int', 2],
  ['points', 'n', 'int', 500],
  ['noise', 'noise', 'num', 0],
  ['train_ratio', 'ratio', 'num', 50],
  ['batch_size', 'batch', 'int', 10],
  ['features', 'feat', 'list', ['x1', 'x2']],
  ['normalize_inputs', 'norm', 'bool', false],
  ['hidden', 'hidden', 'ints', [4, 2]],
  ['activation', 'act', 'str', 'tanh'],
  ['batch_norm', 'bn', 'bool', false],
  ['dropout', 'drop', 'num', 0],
  ['init', 'init', 'str', 'xavier_uniform'],
  ['init_scale', 'iscale', 'num', 0.5],
  ['loss', 'loss', 'str', 'auto'],
  ['label_smoothing', 'ls', 'num', 0],
  ['focal_gamma', 'fg', 'num', 2],
  ['focal_alpha', 'fa', 'num', 0.25],
  ['optimizer', 'opt', 'str', 'sgd'],
  ['lr', 'lr', 'num', 0.03],
  ['momentum', 'mom', 'num', 0.9],
  ['l1', 'l1', 'num', 0],
  ['l2', 'l2', 'num', 0],
  ['weight_decay', 'wd', 'num', 0],
  ['schedule', 'sched', 'str', 'constant'],
  ['step_every', 'every', 'int', 50],
  ['step_gamma', 'gamma', 'num', 0.5],
  ['cosine_epochs', 'tmax', 'int', 200],
  ['warmup', 'warm', 'int', 0],
  ['clip_norm', 'clip', 'num', 0],
  ['early_stopping', 'es', 'int', 0],
  ['custom_points', 'pts', 'points', []],
  ['extra_points', 'add', 'points', []],
];
const DEFAULTS = Object.fromEntries(FIELDS.map(([k, , , d]) => [k, structuredClone(d)]));
const RENDER = { grid: 50, neuron_grid: 20, hist_bins: 24 };

const FEATURES = ['x1', 'x2', 'x1^2', 'x2^2', 'x1*x2', 'sin_x1', 'sin_x2'];
const FEATURE_LABEL = { x1: 'X₁', x2: 'X₂', 'x1^2': 'X₁²', 'x2^2': 'X₂²', 'x1*x2': 'X₁X₂', sin_x1: 'sin(X₁)', sin_x2: 'sin(X₂)' };
const FEATURE_FN = {
  x1: (a) => a, x2: (a, b) => b, 'x1^2': (a) => a * a, 'x2^2': (a, b) => b * b,
  'x1*x2': (a, b) => a * b, sin_x1: (a) => Math.sin(a), sin_x2: (a, b) => Math.sin(b),
};
const DATASETS = ['circle', 'xor', 'gauss', 'spiral', 'moons', 'blobs', 'plane', 'reg_gauss'];
const MULTI = ['spiral', 'blobs'];
const REGRESSION = ['plane', 'reg_gauss'];
const ACTIVATIONS = ['linear', 'sigmoid', 'tanh', 'relu', 'leaky_relu', 'elu', 'gelu', 'silu'];
const LRS = [0.00001, 0.0001, 0.001, 0.003, 0.01, 0.03, 0.1, 0.3, 1, 3, 10];
const REG_RATES = [0, 0.001, 0.003, 0.01, 0.03, 0.1, 0.3, 1, 3, 10];
const MAX_LAYERS = 8;
const MAX_UNITS = 16;
const COLORS = ['#f59322', '#0877bd', '#2ca02c', '#9467bd', '#d62728', '#17becf'];
const NEG = [245, 147, 34];
const MID = [232, 234, 235];
const POS = [8, 119, 189];

/** "Why isn't it converging?": each sets config A; `fix` is what B changes to cure it. */
const WHY = [
  { id: 'lr_too_high', set: { dataset: 'plane', lr: 1 }, fix: { lr: 0.03 } },
  { id: 'zero_init', set: { init: 'zeros' }, fix: { init: 'xavier_uniform' } },
  { id: 'sigmoid_deep', set: { activation: 'sigmoid', hidden: [8, 8, 8, 8, 8, 8] }, fix: { activation: 'relu', init: 'kaiming_uniform' } },
  { id: 'no_norm', set: { dataset: 'plane', features: ['x1', 'x2', 'x1^2', 'x2^2', 'x1*x2'], activation: 'relu', lr: 0.1 }, fix: { normalize_inputs: true } },
  { id: 'too_much_reg', set: { l2: 0.3 }, fix: { l2: 0.001 } },
  { id: 'bad_init_scale', set: { hidden: [16, 16, 16, 16], activation: 'relu', init: 'normal', init_scale: 3 }, fix: { init: 'kaiming_uniform' } },
  { id: 'dead_relus', set: { activation: 'relu', hidden: [8, 8], optimizer: 'momentum', lr: 0.3 }, fix: { lr: 0.03 } },
];

/** A/B comparisons: `set` for both, `b` for B only. */
const AB = [
  { id: 'bn', set: { activation: 'sigmoid', hidden: [8, 8, 8, 8, 8, 8] }, b: { batch_norm: true } },
  { id: 'l1_l2', set: { dataset: 'xor', features: FEATURES.slice(), hidden: [8, 8], l1: 0.003 }, b: { l1: 0, l2: 0.003 } },
  { id: 'sgd_adam', set: { dataset: 'spiral', hidden: [16, 16, 16], activation: 'relu', init: 'kaiming_uniform', lr: 0.01 }, b: { optimizer: 'adam' } },
  { id: 'dropout', set: { dataset: 'spiral', noise: 40, train_ratio: 20, hidden: [16, 16], activation: 'relu', optimizer: 'adam', lr: 0.01 }, b: { dropout: 0.3 } },
  { id: 'capacity', set: { dataset: 'spiral', noise: 30, train_ratio: 20, hidden: [2], activation: 'relu', optimizer: 'adam', lr: 0.01 }, b: { hidden: [16, 16, 16] } },
];

// ---------------------------------------------------------------------------------------------
// State and the URL hash

const S = {
  a: structuredClone(DEFAULTS),
  b: {}, // overrides of A for run B
  abOn: false,
  abId: null,
  editing: 'a',
  why: null,
  showTest: false,
  discretize: false,
  speed: 'max',
  addClass: 1,
  until: 0,
  playing: false,
  /** The run paused itself at `until`: the URL keeps play=1, so it still trains to that epoch. */
  reachedUntil: false,
};
const view = {
  frames: [], // latest frame per run
  histories: [[], []], // rows per run
  previews: null,
  loadErrors: [],
  csvError: '',
  addError: '',
  workerReady: false,
  dirty: false,
  reason: '',
};

const num = (v) => +(+v).toPrecision(6);
const same = (x, y) => JSON.stringify(x) === JSON.stringify(y);
const isRegression = (cfg) => REGRESSION.includes(cfg.dataset) || (cfg.dataset === 'custom' && classesOf(cfg) === 0);

function classesOf(cfg) {
  if (cfg.dataset === 'custom') {
    const pts = cfg.custom_points;
    if (!pts.length) return 2;
    if (pts.some((p) => !Number.isInteger(p[2]))) return 0;
    if (pts.every((p) => p[2] === -1 || p[2] === 1)) return 2;
    return Math.max(2, ...pts.map((p) => p[2] + 1));
  }
  if (REGRESSION.includes(cfg.dataset)) return 0;
  return MULTI.includes(cfg.dataset) ? cfg.classes : 2;
}

function encode(type, v) {
  switch (type) {
    case 'bool': return v ? '1' : '0';
    case 'list': return v.join(',');
    case 'ints': return v.length ? v.join(',') : '-';
    case 'points': return v.map((p) => p.map((x) => num(+x.toPrecision(4))).join(',')).join(';');
    default: return String(v);
  }
}

function decode(type, s, fallback) {
  switch (type) {
    case 'bool': return s === '1' || s === 'true';
    case 'int': { const v = parseInt(s, 10); return Number.isFinite(v) ? v : fallback; }
    case 'num': { const v = Number(s); return s !== '' && Number.isFinite(v) ? v : fallback; }
    case 'list': return s ? s.split(',').filter(Boolean) : [];
    case 'ints': return s === '-' || s === '' ? [] : s.split(',').map((x) => parseInt(x, 10)).filter(Number.isFinite);
    case 'points': return s ? s.split(';').map((r) => r.split(',').map(Number)).filter((p) => p.length === 3 && p.every(Number.isFinite)) : [];
    default: return s;
  }
}

const CONFIG_KEYS = new Set(FIELDS.map(([, h]) => h));

/** Reads the hash into S; a preset (why=, ab=) applies only when the hash has no config keys. */
function loadFromHash() {
  const h = readState();
  const hasConfig = Object.keys(h).some((k) => CONFIG_KEYS.has(k) || k.startsWith('b.'));
  S.a = structuredClone(DEFAULTS);
  S.b = {};
  for (const [k, hk, type, d] of FIELDS) {
    if (hk in h) S.a[k] = decode(type, h[hk], d);
    if (`b.${hk}` in h) S.b[k] = decode(type, h[`b.${hk}`], d);
  }
  S.why = WHY.some((w) => w.id === h.why) ? h.why : null;
  S.abId = AB.some((a) => a.id === h.ab) ? h.ab : null;
  S.abOn = h.ab !== undefined && h.ab !== '0';
  S.showTest = h.test === '1';
  S.discretize = h.disc === '1';
  S.speed = ['1', '5', '25', 'max'].includes(h.speed) ? h.speed : 'max';
  S.until = Math.max(0, decode('int', h.until ?? '0', 0));
  S.playing = h.play === '1';
  if (!hasConfig) {
    const w = WHY.find((x) => x.id === S.why);
    const ab = AB.find((x) => x.id === S.abId);
    if (w) Object.assign(S.a, structuredClone(w.set));
    if (ab) {
      Object.assign(S.a, structuredClone(ab.set));
      S.b = structuredClone(ab.b);
    }
  }
  S.a.features = FEATURES.filter((f) => S.a.features.includes(f));
  if (!S.abOn) S.editing = 'a';
}

function saveToHash() {
  const out = {};
  const all = new Set(FIELDS.flatMap(([, hk]) => [hk, `b.${hk}`]));
  for (const k of all) out[k] = null;
  for (const [k, hk, type, d] of FIELDS) {
    if (k === 'seed' || !same(S.a[k], d)) out[hk] = encode(type, S.a[k]);
    if (k in S.b) out[`b.${hk}`] = encode(type, S.b[k]);
  }
  out.ab = S.abOn ? S.abId || '1' : null;
  out.why = S.why;
  out.test = S.showTest ? '1' : null;
  out.disc = S.discretize ? '1' : null;
  out.speed = S.speed === 'max' ? null : S.speed;
  out.until = S.until > 0 ? String(S.until) : null;
  out.play = S.playing || S.reachedUntil ? '1' : null;
  writeState(out);
}

const configB = () => ({ ...structuredClone(S.a), ...structuredClone(S.b) });
const current = () => (S.editing === 'b' && S.abOn ? configB() : S.a);
const runConfigs = () => (S.abOn ? [S.a, configB()] : [S.a]);

/** The Trainer's options object for a page config. */
function trainerConfig(cfg) {
  const o = {};
  for (const [k] of FIELDS) o[k] = structuredClone(cfg[k]);
  if (o.dataset !== 'custom') o.custom_points = [];
  return { ...o, ...RENDER };
}

/** Sets a field of the config being edited (A, or B's override) and restarts the run. */
function setField(key, value) {
  if (S.editing === 'b' && S.abOn) {
    if (same(S.a[key], value)) delete S.b[key];
    else S.b[key] = structuredClone(value);
  } else {
    S.a[key] = structuredClone(value);
    for (const k of Object.keys(S.b)) if (same(S.b[k], S.a[k])) delete S.b[k];
  }
  restart();
}

function setFields(obj) {
  for (const [k, v] of Object.entries(obj)) {
    if (S.editing === 'b' && S.abOn) S.b[k] = structuredClone(v);
    else S.a[k] = structuredClone(v);
  }
  restart();
}

// ---------------------------------------------------------------------------------------------
// The worker

const worker = new Worker(new URL('./train.worker.js', import.meta.url), { type: 'module' });
worker.onerror = (e) => fail(new Error(`training worker: ${e.message || 'failed to start'}`));
worker.onmessage = (e) => onWorker(e.data);

function fail(err) {
  setBody('error');
  showError(err);
}

function restart({ play = S.playing || S.reachedUntil } = {}) {
  S.playing = play;
  S.reachedUntil = false;
  view.histories = [[], []];
  view.loadErrors = [];
  view.addError = '';
  view.reason = '';
  saveToHash();
  renderControls();
  if (!view.workerReady) return;
  worker.postMessage({
    type: 'load',
    configs: runConfigs().map(trainerConfig),
    play: S.playing,
    until: S.until,
    speed: S.speed,
  });
}

function onWorker(msg) {
  switch (msg.type) {
    case 'ready':
      view.workerReady = true;
      worker.postMessage({ type: 'previews', names: DATASETS });
      restart();
      break;
    case 'previews':
      view.previews = msg.sets;
      renderDatasets();
      break;
    case 'frame':
      msg.runs.forEach((r, i) => {
        if (!r.metrics) return;
        const stride = r.info.history_stride;
        const h = (view.histories[i] = view.histories[i].slice(0, r.fromRow / stride));
        for (let k = 0; k < r.rows.length; k += stride) h.push(Array.from(r.rows.subarray(k, k + stride)));
        const prev = view.frames[i];
        if (!r.points && prev && prev.points) r.points = prev.points;
        if (!r.health && prev && prev.health) r.health = prev.health;
      });
      view.frames = msg.runs;
      if (msg.reason) view.reason = msg.reason;
      if (S.playing !== msg.playing) {
        S.playing = msg.playing;
        S.reachedUntil = !S.playing && msg.reason === 'until';
        saveToHash();
      }
      scheduleRender();
      break;
    case 'loadError':
      view.loadErrors[msg.run] = msg.message;
      scheduleRender();
      break;
    case 'csv':
      view.csvError = '';
      onCsvPoints(msg.points);
      break;
    case 'csvError':
      view.csvError = msg.message;
      renderCsvError();
      break;
    case 'addError':
      view.addError = msg.message;
      scheduleRender();
      break;
    case 'fatal':
      fail(msg.code ? Object.assign(new Error(msg.message), { code: msg.code, vars: msg.vars }) : new Error(msg.message));
      break;
    default:
      break;
  }
}

let rafPending = false;
function scheduleRender() {
  if (rafPending) return;
  rafPending = true;
  requestAnimationFrame(() => {
    rafPending = false;
    try {
      renderFrame();
    } finally {
      worker.postMessage({ type: 'ack' });
    }
  });
}

// ---------------------------------------------------------------------------------------------
// Controls

const $ = (id) => document.getElementById(id);

function fillSelect(sel, options, value) {
  const opts = options.map((o) => (typeof o === 'object' ? o : { value: o, label: String(o) }));
  if (!opts.some((o) => String(o.value) === String(value))) opts.push({ value, label: String(value) });
  sel.replaceChildren(...opts.map((o) => {
    const el = document.createElement('option');
    el.value = String(o.value);
    el.textContent = o.label;
    return el;
  }));
  sel.value = String(value);
}

function regOf(cfg) {
  if (cfg.l1 > 0) return ['l1', cfg.l1];
  if (cfg.l2 > 0) return ['l2', cfg.l2];
  return ['none', 0];
}

/** Advanced options: [key, kind, options | null, shown(cfg)] */
const ADVANCED = [
  ['loss', 'select', () => ['auto', 'mse', 'bce', 'cross_entropy', 'focal'].map((v) => ({ value: v, label: t(`train.loss.${v}`) }))],
  ['optimizer', 'select', () => ['sgd', 'momentum', 'nesterov', 'adagrad', 'rmsprop', 'adam', 'adamw'].map((v) => ({ value: v, label: t(`train.opt.${v}`) }))],
  ['momentum', 'select', () => [0.5, 0.9, 0.95, 0.99], (c) => ['momentum', 'nesterov'].includes(c.optimizer)],
  ['init', 'select', () => ['zeros', 'constant', 'uniform', 'normal', 'xavier_uniform', 'xavier_normal', 'kaiming_uniform', 'kaiming_normal', 'lecun'].map((v) => ({ value: v, label: t(`train.init.${v}`) }))],
  ['init_scale', 'select', () => [0.01, 0.1, 0.5, 1, 2, 3, 5], (c) => ['constant', 'uniform', 'normal'].includes(c.init)],
  ['dropout', 'select', () => [0, 0.1, 0.2, 0.3, 0.4, 0.5]],
  ['batch_norm', 'check'],
  ['normalize_inputs', 'check'],
  ['schedule', 'select', () => ['constant', 'step', 'cosine'].map((v) => ({ value: v, label: t(`train.sched.${v}`) }))],
  ['step_every', 'select', () => [10, 25, 50, 100, 200], (c) => c.schedule === 'step'],
  ['step_gamma', 'select', () => [0.1, 0.3, 0.5, 0.7, 0.9], (c) => c.schedule === 'step'],
  ['cosine_epochs', 'select', () => [50, 100, 200, 500, 1000], (c) => c.schedule === 'cosine'],
  ['warmup', 'select', () => [0, 5, 10, 20, 50]],
  ['clip_norm', 'select', () => [{ value: 0, label: t('train.off') }, 0.1, 0.5, 1, 5]],
  ['label_smoothing', 'select', () => [0, 0.05, 0.1, 0.2, 0.3], (c) => classesOf(c) > 0],
  ['focal_gamma', 'select', () => [0, 0.5, 1, 2, 5], (c) => c.loss === 'focal'],
  ['focal_alpha', 'select', () => [{ value: -1, label: t('train.off') }, 0.25, 0.5, 0.75], (c) => c.loss === 'focal'],
  ['weight_decay', 'select', () => [0, 0.0001, 0.001, 0.01, 0.1]],
  ['early_stopping', 'select', () => [{ value: 0, label: t('train.off') }, 10, 20, 50, 100]],
];

function buildAdvanced() {
  const grid = $('adv-grid');
  grid.replaceChildren();
  for (const [key, kind] of ADVANCED) {
    const label = document.createElement('label');
    label.className = kind === 'check' ? 'inline adv-check' : 'adv-field';
    label.dataset.key = key;
    const span = document.createElement('span');
    span.textContent = t(`train.opt_label.${key}`);
    let input;
    if (kind === 'check') {
      input = document.createElement('input');
      input.type = 'checkbox';
      input.addEventListener('change', () => setField(key, input.checked));
      label.append(input, ' ', span);
    } else {
      input = document.createElement('select');
      input.addEventListener('change', () => {
        const v = input.value;
        setField(key, typeof DEFAULTS[key] === 'number' ? Number(v) : v);
      });
      label.append(span, input);
    }
    input.id = `opt-${key}`;
    grid.append(label);
  }
  // page-level: stop at an epoch
  const lab = document.createElement('label');
  lab.className = 'adv-field';
  const sp = document.createElement('span');
  sp.textContent = t('train.opt_label.until');
  const sel = document.createElement('select');
  sel.id = 'opt-until';
  sel.addEventListener('change', () => {
    S.until = Number(sel.value);
    saveToHash();
    worker.postMessage({ type: 'until', until: S.until });
  });
  lab.append(sp, sel);
  grid.append(lab);
}

function renderAdvanced() {
  const cfg = current();
  for (const [key, kind, opts, shown] of ADVANCED) {
    const input = $(`opt-${key}`);
    if (!input) continue;
    input.closest('label').hidden = shown ? !shown(cfg) : false;
    if (kind === 'check') input.checked = !!cfg[key];
    else fillSelect(input, opts(), cfg[key]);
    input.closest('label').classList.toggle('differs', S.abOn && key in S.b);
  }
  fillSelect($('opt-until'), [{ value: 0, label: t('train.never') }, 50, 100, 200, 500, 1000], S.until);
}

function buildToolbar() {
  $('play').addEventListener('click', () => {
    S.reachedUntil = false;
    if (S.playing) {
      S.playing = false;
      worker.postMessage({ type: 'pause' });
    } else {
      const epoch = view.frames[0]?.metrics?.epoch ?? 0;
      if (S.until > 0 && epoch >= S.until) S.until = 0;
      S.playing = true;
      worker.postMessage({ type: 'play' });
    }
    saveToHash();
    renderControls();
  });
  $('step').addEventListener('click', () => {
    S.playing = false;
    S.reachedUntil = false;
    worker.postMessage({ type: 'step', epochs: 1 });
    saveToHash();
    renderControls();
  });
  $('reset').addEventListener('click', () => restart({ play: false }));
  $('lr').addEventListener('change', (e) => setField('lr', Number(e.target.value)));
  $('act').addEventListener('change', (e) => setField('activation', e.target.value));
  $('reg').addEventListener('change', (e) => {
    const [, rate] = regOf(current());
    const r = rate || 0.003;
    const kind = e.target.value;
    setFields({ l1: kind === 'l1' ? r : 0, l2: kind === 'l2' ? r : 0 });
  });
  $('reg-rate').addEventListener('change', (e) => {
    const [kind] = regOf(current());
    const r = Number(e.target.value);
    const k = kind === 'none' ? 'l2' : kind;
    setFields({ l1: k === 'l1' ? r : 0, l2: k === 'l2' ? r : 0 });
  });
  $('speed').addEventListener('change', (e) => {
    S.speed = e.target.value;
    saveToHash();
    worker.postMessage({ type: 'speed', speed: S.speed });
  });
  for (const btn of document.querySelectorAll('[data-edit]')) {
    btn.addEventListener('click', () => {
      S.editing = btn.dataset.edit;
      renderControls();
      scheduleRender();
    });
  }
}

function buildData() {
  const bind = (id, key, { out, fmt = (v) => v } = {}) => {
    const el = $(id);
    el.addEventListener('input', () => { if (out) $(out).textContent = fmt(Number(el.value)); });
    el.addEventListener('change', () => setField(key, Number(el.value)));
  };
  bind('ratio', 'train_ratio', { out: 'ratio-out' });
  bind('noise', 'noise', { out: 'noise-out' });
  bind('batch', 'batch_size', { out: 'batch-out' });
  bind('points', 'points', { out: 'points-out' });
  bind('classes', 'classes', { out: 'classes-out' });
  $('regen').addEventListener('click', () => setField('seed', (current().seed + 1) >>> 0));
  $('seed').addEventListener('change', (e) => {
    const v = Math.max(0, Math.min(4294967295, Math.floor(Number(e.target.value) || 0)));
    setField('seed', v);
  });
  $('csv').addEventListener('change', async (e) => {
    const file = e.target.files[0];
    e.target.value = '';
    if (!file) return;
    if (file.size > 2_000_000) {
      view.csvError = t('train.csv_too_big', { mb: (file.size / 1e6).toFixed(1) });
      renderCsvError();
      return;
    }
    worker.postMessage({ type: 'parseCsv', text: await file.text(), name: file.name });
  });
  $('clear-points').addEventListener('click', () => {
    S.a.extra_points = [];
    if (S.a.dataset === 'custom') {
      S.a.custom_points = [];
      S.a.dataset = 'circle';
    }
    restart();
  });
  $('show-test').addEventListener('change', (e) => {
    S.showTest = e.target.checked;
    saveToHash();
    scheduleRender();
  });
  $('discretize').addEventListener('change', (e) => {
    S.discretize = e.target.checked;
    saveToHash();
    scheduleRender();
  });
  $('add-layer').addEventListener('click', () => {
    const h = current().hidden;
    if (h.length < MAX_LAYERS) setField('hidden', [...h, h.length ? h[h.length - 1] : 2]);
  });
  $('remove-layer').addEventListener('click', () => {
    const h = current().hidden;
    if (h.length) setField('hidden', h.slice(0, -1));
  });
  $('ab-on').addEventListener('change', (e) => {
    S.abOn = e.target.checked;
    if (!S.abOn) S.editing = 'a';
    restart();
  });
}

function onCsvPoints(points) {
  // the URL keeps 4 significant digits: train on exactly those, so a reload is the same run
  S.a.custom_points = points.map((p) => p.map((x) => num(+x.toPrecision(4))));
  S.a.extra_points = [];
  S.a.dataset = 'custom';
  delete S.b.dataset;
  delete S.b.custom_points;
  renderCsvError();
  restart();
}

function renderCsvError() {
  const el = $('csv-error');
  el.hidden = !view.csvError;
  el.textContent = view.csvError ? t('train.csv_error', { detail: view.csvError.replace(/^parse error: /, '') }) : '';
}

function buildPresets() {
  const list = $('why-list');
  list.replaceChildren(...WHY.map((w) => {
    const b = document.createElement('button');
    b.type = 'button';
    b.className = 'btn preset';
    b.dataset.why = w.id;
    b.textContent = t(`train.why.${w.id}.title`);
    b.addEventListener('click', () => {
      S.a = { ...structuredClone(DEFAULTS), seed: S.a.seed, ...structuredClone(w.set) };
      S.b = {};
      S.abOn = false;
      S.abId = null;
      S.editing = 'a';
      S.why = w.id;
      restart({ play: true });
    });
    return b;
  }));
  const ab = $('ab-list');
  ab.replaceChildren(...AB.map((p) => {
    const b = document.createElement('button');
    b.type = 'button';
    b.className = 'btn preset';
    b.dataset.ab = p.id;
    b.textContent = t(`train.abp.${p.id}`);
    b.addEventListener('click', () => {
      S.a = { ...structuredClone(DEFAULTS), seed: S.a.seed, ...structuredClone(p.set) };
      S.b = structuredClone(p.b);
      S.abOn = true;
      S.abId = p.id;
      S.why = null;
      restart({ play: true });
    });
    return b;
  }));
}

function applyFix() {
  const w = WHY.find((x) => x.id === S.why);
  if (!w) return;
  S.b = structuredClone(w.fix);
  S.abOn = true;
  S.abId = null;
  restart({ play: true });
}

/** Reflects the state in every control (after a load, a preset, or an edit). */
function renderControls() {
  const cfg = current();
  const [reg, rate] = regOf(cfg);
  fillSelect($('lr'), LRS, cfg.lr);
  fillSelect($('act'), ACTIVATIONS.map((v) => ({ value: v, label: t(`train.act.${v}`) })), cfg.activation);
  fillSelect($('reg'), ['none', 'l1', 'l2'].map((v) => ({ value: v, label: t(`train.reg.${v}`) })), reg);
  fillSelect($('reg-rate'), REG_RATES, rate);
  fillSelect($('speed'), [{ value: '1', label: t('train.speed_1') }, { value: '5', label: t('train.speed_n', { n: 5 }) },
    { value: '25', label: t('train.speed_n', { n: 25 }) }, { value: 'max', label: t('train.speed_max') }], S.speed);
  const k = classesOf(cfg);
  $('problem').textContent = k === 0 ? t('train.regression') : t('train.classification', { k });
  const setRange = (id, v, out) => {
    $(id).value = v;
    $(out).textContent = v;
  };
  setRange('ratio', cfg.train_ratio, 'ratio-out');
  setRange('noise', cfg.noise, 'noise-out');
  setRange('batch', Math.min(30, cfg.batch_size), 'batch-out');
  $('batch-out').textContent = cfg.batch_size;
  setRange('points', cfg.points, 'points-out');
  setRange('classes', cfg.classes, 'classes-out');
  $('classes-row').hidden = !MULTI.includes(cfg.dataset);
  for (const id of ['noise', 'points']) $(id).disabled = cfg.dataset === 'custom';
  $('seed').value = cfg.seed;
  $('show-test').checked = S.showTest;
  $('discretize').checked = S.discretize;
  $('ab-on').checked = S.abOn;
  renderControlsPlayState();
  if (document.body.classList.contains('ab') !== S.abOn) layoutDirty = true;
  document.body.classList.toggle('ab', S.abOn);
  // A/B editing bar
  $('editing-bar').hidden = !S.abOn;
  for (const b of document.querySelectorAll('[data-edit]')) b.setAttribute('aria-pressed', String(b.dataset.edit === S.editing));
  $('editing-diff').textContent = S.abOn ? describeDiff() : '';
  document.body.classList.toggle('editing-b', S.abOn && S.editing === 'b');
  // add-point classes
  const add = $('add-class');
  const labels = k === 0 ? [{ v: -1, l: '−1' }, { v: 1, l: '+1' }] : Array.from({ length: k }, (_, c) => ({ v: c, l: t('train.class_n', { c }) }));
  if (!labels.some((x) => x.v === S.addClass)) S.addClass = labels[labels.length - 1].v;
  add.replaceChildren(...labels.map(({ v, l }) => {
    const b = document.createElement('button');
    b.type = 'button';
    b.textContent = l;
    b.setAttribute('aria-pressed', String(v === S.addClass));
    const color = k === 0 ? (v > 0 ? COLORS[1] : COLORS[0]) : COLORS[v % COLORS.length];
    b.style.setProperty('--dot', color);
    b.addEventListener('click', () => {
      S.addClass = v;
      renderControls();
    });
    return b;
  }));
  for (const b of document.querySelectorAll('[data-why]')) b.setAttribute('aria-pressed', String(b.dataset.why === S.why));
  for (const b of document.querySelectorAll('[data-ab]')) b.setAttribute('aria-pressed', String(S.abOn && b.dataset.ab === S.abId));
  renderDatasets();
  renderAdvanced();
  renderWhyCard();
}

function diffList() {
  return Object.keys(S.b).map((k) => `${t(`train.opt_label.${k}`)}: ${fmtValue(k, S.a[k])} → ${fmtValue(k, S.b[k])}`).join('; ');
}

function describeDiff() {
  return Object.keys(S.b).length ? t('train.b_differs', { list: diffList() }) : t('train.b_same');
}

function fmtValue(k, v) {
  if (typeof v === 'boolean') return t(v ? 'train.on' : 'train.off');
  if (Array.isArray(v)) return v.length ? v.join('-') : '∅';
  if (k === 'activation') return t(`train.act.${v}`);
  if (k === 'optimizer') return t(`train.opt.${v}`);
  if (k === 'init') return t(`train.init.${v}`);
  if (k === 'dataset') return t(`train.ds.${v}`);
  return String(v);
}

function renderDatasets() {
  const box = $('datasets');
  const cfg = current();
  const names = [...DATASETS, ...(S.a.dataset === 'custom' ? ['custom'] : [])];
  if (box.childElementCount !== names.length || box.dataset.lang !== document.documentElement.lang || box.dataset.prev !== String(!!view.previews)) {
    box.dataset.lang = document.documentElement.lang;
    box.dataset.prev = String(!!view.previews);
    box.replaceChildren(...names.map((name) => {
      const b = document.createElement('button');
      b.type = 'button';
      b.className = 'dataset';
      b.dataset.dataset = name;
      b.setAttribute('role', 'radio');
      b.title = t(`train.ds.${name}`);
      const c = document.createElement('canvas');
      const ctx = fitCanvas(c, 44, 44);
      drawPreview(ctx, name, 44);
      const span = document.createElement('span');
      span.textContent = t(`train.dss.${name}`);
      b.setAttribute('aria-label', t(`train.ds.${name}`));
      b.append(c, span);
      b.addEventListener('click', () => {
        if (name === 'custom') return;
        // a regression is fitted with MSE: drop a classification loss rather than fail
        const loss = current().loss;
        if (REGRESSION.includes(name) && !['auto', 'mse'].includes(loss)) setFields({ dataset: name, loss: 'auto' });
        else setField('dataset', name);
      });
      return b;
    }));
  }
  for (const b of box.children) b.setAttribute('aria-checked', String(b.dataset.dataset === cfg.dataset));
}

function drawPreview(ctx, name, size) {
  ctx.fillStyle = '#f6f8fa';
  ctx.fillRect(0, 0, size, size);
  let rows = view.previews?.[name];
  if (name === 'custom') rows = S.a.custom_points.flatMap((p) => [p[0], p[1], p[2], 0]);
  if (!rows) return;
  const reg = REGRESSION.includes(name);
  let d = 6;
  if (name === 'custom') for (let i = 0; i < rows.length; i += 4) d = Math.max(d, Math.abs(rows[i]), Math.abs(rows[i + 1]));
  for (let i = 0; i < rows.length; i += 4) {
    const x = ((rows[i] + d) / (2 * d)) * size;
    const y = ((d - rows[i + 1]) / (2 * d)) * size;
    ctx.fillStyle = reg ? rgb(divergent(rows[i + 2])) : COLORS[rows[i + 2] % COLORS.length];
    ctx.fillRect(x - 1, y - 1, 2.2, 2.2);
  }
}

// ---------------------------------------------------------------------------------------------
// Colors

const rgb = ([r, g, b]) => `rgb(${r | 0} ${g | 0} ${b | 0})`;
const mix = (a, b, s) => [a[0] + (b[0] - a[0]) * s, a[1] + (b[1] - a[1]) * s, a[2] + (b[2] - a[2]) * s];
const hex = (h) => [1, 3, 5].map((i) => parseInt(h.slice(i, i + 2), 16));
const CLASS_RGB = COLORS.map(hex);

/** v in [-1, 1] -> orange .. light gray .. blue (the Playground's scale). */
function divergent(v) {
  const x = Math.max(-1, Math.min(1, Number.isFinite(v) ? v : 0));
  return x < 0 ? mix(MID, NEG, -x) : mix(MID, POS, x);
}

// ---------------------------------------------------------------------------------------------
// Rendering

function setBody(state) {
  document.body.dataset.trainState = state;
}

function fmtLoss(v) {
  if (!Number.isFinite(v)) return Number.isNaN(v) ? 'NaN' : v > 0 ? '∞' : '−∞';
  if (v !== 0 && (Math.abs(v) >= 1e4 || Math.abs(v) < 1e-3)) return v.toExponential(2);
  return v.toFixed(3);
}

/** Set when the layout may have changed (resize, language, A/B): sizes are measured again. */
let layoutDirty = true;

function renderFrame() {
  const frames = view.frames;
  const a = frames[0];
  const epoch = a?.metrics?.epoch ?? 0;
  $('epoch').textContent = String(epoch).padStart(6, '0').replace(/(\d{3})(\d{3})$/, '$1,$2');
  document.body.dataset.trainEpoch = String(epoch);
  renderControlsPlayState();
  renderReadout();
  renderLossPlot();
  renderBoundaries();
  renderNetwork();
  renderHistograms();
  renderDiagnosis();
  renderAbTable();
  const addErr = $('add-error');
  addErr.hidden = !view.addError;
  addErr.textContent = view.addError;
  setBody(S.playing ? 'playing' : 'paused');
  layoutDirty = false;
}

function renderControlsPlayState() {
  const play = $('play');
  const label = t(S.playing ? 'train.pause' : 'train.play');
  if (play.getAttribute('aria-label') !== label) {
    play.setAttribute('aria-label', label);
    play.title = label;
  }
  play.classList.toggle('playing', S.playing);
}

function runLabel(i) {
  return S.abOn ? (i === 0 ? 'A' : 'B') : '';
}

function renderReadout() {
  const box = $('readout');
  box.replaceChildren(...view.frames.map((f, i) => {
    const div = document.createElement('div');
    div.className = 'readout-run';
    if (!f.metrics) {
      div.classList.add('bad');
      div.textContent = `${runLabel(i)} ${t('train.config_error', { detail: view.loadErrors[i] || f.error || '' })}`;
      return div;
    }
    const m = f.metrics;
    const parts = [
      [t('train.test_loss'), fmtLoss(m.test_loss)],
      [t('train.train_loss'), fmtLoss(m.train_loss)],
    ];
    if (m.test_acc !== null && m.test_acc !== undefined) parts.push([t('train.test_acc'), `${(m.test_acc * 100).toFixed(1)}%`]);
    const head = document.createElement('strong');
    head.textContent = runLabel(i);
    if (runLabel(i)) div.append(head, ' ');
    for (const [k, v] of parts) {
      const s = document.createElement('span');
      s.className = 'kv';
      const kk = document.createElement('span');
      kk.textContent = `${k} `;
      const vv = document.createElement('b');
      vv.className = 'mono';
      vv.textContent = v;
      s.append(kk, vv);
      div.append(s);
    }
    if (m.status !== 'training') {
      const st = document.createElement('span');
      st.className = `badge status-${m.status}`;
      st.textContent = t(`train.status.${m.status}`, { epoch: m.best_epoch ?? '' });
      div.append(' ', st);
    }
    return div;
  }));
}

let lossPlot = null;
function renderLossPlot() {
  const canvas = $('loss-plot');
  if (layoutDirty || !view.plotWidth) view.plotWidth = canvas.parentElement.clientWidth;
  const w = Math.max(200, Math.floor(view.plotWidth));
  const h = 150;
  if (!lossPlot) {
    lossPlot = new Plot(canvas, { width: w, height: h, x: { label: t('train.epoch_axis'), min: 0 }, y: { label: t('train.loss_axis'), min: 0 } });
    lossPlot.margin = { left: 48, right: 16, top: 8, bottom: 36 };
  } else if (lossPlot.opts.width !== w) {
    lossPlot.resize(w, h);
  }
  lossPlot.opts.x.label = t('train.epoch_axis');
  lossPlot.opts.y.label = t('train.loss_axis');
  const series = [];
  let ymax = 0;
  view.histories.forEach((rows, i) => {
    if (!rows.length || !view.frames[i]) return;
    // at most ~600 points per line (every k-th epoch, always the last one)
    const k = Math.max(1, Math.ceil(rows.length / 600));
    const pick = k === 1 ? rows : rows.filter((r, j) => j % k === 0 || j === rows.length - 1);
    const xs = pick.map((r) => r[0]);
    const tr = pick.map((r) => r[1]);
    const te = pick.map((r) => r[2]);
    for (const v of [...tr, ...te]) if (Number.isFinite(v)) ymax = Math.max(ymax, v);
    const suffix = runLabel(i) ? ` ${runLabel(i)}` : '';
    const dash = i === 1 ? [6, 4] : null;
    series.push({ type: 'line', xs, ys: tr, color: i === 0 ? '#8c959f' : '#d4a72c', width: 1.5, dash, label: `${t('train.train')}${suffix}` });
    series.push({ type: 'line', xs, ys: te, color: i === 0 ? '#1f2328' : '#bc4c00', width: 2, dash, label: `${t('train.test')}${suffix}` });
  });
  // a blow-up would flatten the curve: cap the axis at 4x the starting loss and mark the escape
  const last = Math.max(0, ...view.histories.map((rows) => (rows.length ? rows[rows.length - 1][0] : 0)));
  lossPlot.opts.x.max = Math.max(10, last);
  const start = view.histories[0]?.[0];
  const cap = start ? 4 * Math.max(start[1], start[2], 1e-3) : 1;
  lossPlot.opts.y.max = series.length ? Math.min(Math.max(ymax, 1e-3), cap) * 1.05 : 1;
  lossPlot.setSeries(series);
}

/** Axes-and-ticks margin of the boundary plots (CSS px). */
const BM = { left: 30, bottom: 30, top: 14, right: 8 };
const boundaryCanvases = [];

function renderBoundaries() {
  const box = $('boundaries');
  const n = view.frames.length || 1;
  while (boundaryCanvases.length < n) {
    const fig = document.createElement('figure');
    fig.className = 'boundary';
    const c = document.createElement('canvas');
    c.setAttribute('role', 'img');
    c.style.touchAction = 'manipulation';
    const cap = document.createElement('figcaption');
    fig.append(c, cap);
    const index = boundaryCanvases.length;
    c.addEventListener('pointerdown', (ev) => onPlotClick(index, ev));
    boundaryCanvases.push({ fig, canvas: c, cap, off: document.createElement('canvas') });
  }
  const want = boundaryCanvases.slice(0, n).map((b) => b.fig);
  if (box.childElementCount !== n || [...box.children].some((c, i) => c !== want[i])) box.replaceChildren(...want);
  box.classList.toggle('two', n === 2);
  if (layoutDirty || !view.boxWidth) view.boxWidth = box.clientWidth;
  const width = Math.floor(view.boxWidth / n) - (n === 2 ? 6 : 0);
  const size = Math.max(140, Math.min(n === 2 ? 260 : 340, width));
  view.frames.forEach((f, i) => drawBoundary(boundaryCanvases[i], f, i, size));
  renderScaleLegend();
}

function drawBoundary(bc, f, i, size) {
  const { canvas, off, cap } = bc;
  const label = t('train.boundary_label', { run: runLabel(i) });
  if (canvas.getAttribute('aria-label') !== label) canvas.setAttribute('aria-label', label);
  const caption = S.abOn ? `${runLabel(i)} · ${i === 0 ? t('train.config_a') : diffList() || t('train.config_a')}` : '';
  if (cap.textContent !== caption) cap.textContent = caption;
  // resizing a canvas reallocates it: only when the size really changes
  if (bc.size !== size || bc.dpr !== devicePixelRatio) {
    bc.size = size;
    bc.dpr = devicePixelRatio;
    bc.ctx = fitCanvas(canvas, size, size);
  }
  const ctx = bc.ctx;
  ctx.clearRect(0, 0, size, size);
  if (!f || !f.metrics) return;
  const { grid: g, boundary_channels: ch, domain: d, classes } = f.info;
  const img = new ImageData(g, g);
  const px = img.data;
  for (let cell = 0; cell < g * g; cell++) {
    let c;
    if (classes === 0) {
      c = divergent(S.discretize ? Math.sign(f.boundary[cell]) : f.boundary[cell]);
    } else if (ch === 1) {
      const p = f.boundary[cell];
      c = divergent(S.discretize ? (p > 0.5 ? 1 : -1) : 2 * p - 1);
    } else {
      let best = 0;
      let mixc = [0, 0, 0];
      for (let k = 0; k < ch; k++) {
        const p = f.boundary[cell * ch + k];
        if (p > f.boundary[cell * ch + best]) best = k;
        mixc = [mixc[0] + p * CLASS_RGB[k][0], mixc[1] + p * CLASS_RGB[k][1], mixc[2] + p * CLASS_RGB[k][2]];
      }
      const pmax = f.boundary[cell * ch + best];
      const conf = Math.max(0, (pmax - 1 / ch) / (1 - 1 / ch));
      c = S.discretize ? mix(MID, CLASS_RGB[best], 0.75) : mix(MID, mixc, conf);
    }
    px[cell * 4] = c[0];
    px[cell * 4 + 1] = c[1];
    px[cell * 4 + 2] = c[2];
    px[cell * 4 + 3] = 255;
  }
  off.width = g;
  off.height = g;
  off.getContext('2d').putImageData(img, 0, 0);
  const pw = size - BM.left - BM.right;
  const ph = size - BM.top - BM.bottom;
  ctx.imageSmoothingEnabled = !S.discretize;
  ctx.drawImage(off, BM.left, BM.top, pw, ph);
  // points
  const toX = (x) => BM.left + ((x + d) / (2 * d)) * pw;
  const toY = (y) => BM.top + ((d - y) / (2 * d)) * ph;
  const rows = f.points || [];
  ctx.save();
  ctx.beginPath();
  ctx.rect(BM.left, BM.top, pw, ph);
  ctx.clip();
  for (let k = 0; k < rows.length; k += 4) {
    const test = rows[k + 3] === 1;
    if (test && !S.showTest) continue;
    const label = rows[k + 2];
    ctx.beginPath();
    ctx.arc(toX(rows[k]), toY(rows[k + 1]), 3, 0, 2 * Math.PI);
    ctx.fillStyle = classes === 0 ? rgb(divergent(label)) : COLORS[label % COLORS.length];
    ctx.fill();
    ctx.lineWidth = 1;
    ctx.strokeStyle = test ? '#1f2328' : '#ffffff';
    ctx.stroke();
  }
  ctx.restore();
  // axes
  bc.font ??= getComputedStyle(canvas).fontFamily || 'sans-serif';
  ctx.strokeStyle = '#57606a';
  ctx.fillStyle = '#1f2328';
  ctx.font = `11px ${bc.font}`;
  ctx.lineWidth = 1;
  ctx.strokeRect(BM.left + 0.5, BM.top + 0.5, pw - 1, ph - 1);
  const { ticks, step } = niceTicks(-d, d, 4);
  ctx.textAlign = 'center';
  ctx.textBaseline = 'top';
  for (const v of ticks) ctx.fillText(formatTick(v, step), toX(v), BM.top + ph + 3);
  ctx.textAlign = 'right';
  ctx.textBaseline = 'middle';
  for (const v of ticks) ctx.fillText(formatTick(v, step), BM.left - 4, toY(v));
  ctx.textAlign = 'center';
  ctx.textBaseline = 'top';
  ctx.fillText('X₁', BM.left + pw / 2, BM.top + ph + 16);
  ctx.textAlign = 'left';
  ctx.textBaseline = 'bottom';
  ctx.fillText('X₂', 2, BM.top - 1);
  bc.layout = { d, pw, ph };
}

function onPlotClick(index, ev) {
  const bc = boundaryCanvases[index];
  if (!bc.layout) return;
  const p = pointerPos(bc.canvas, ev);
  const { d, pw, ph } = bc.layout;
  const x1 = ((p.x - BM.left) / pw) * 2 * d - d;
  const x2 = d - ((p.y - BM.top) / ph) * 2 * d;
  if (Math.abs(x1) > d || Math.abs(x2) > d) return;
  const pt = [num(x1.toPrecision(4)), num(x2.toPrecision(4)), S.addClass];
  S.a.extra_points = [...S.a.extra_points, pt];
  view.addError = '';
  saveToHash();
  worker.postMessage({ type: 'addPoint', x1: pt[0], x2: pt[1], label: pt[2] });
}

function renderScaleLegend() {
  const f = view.frames[0];
  const box = $('legend-scale');
  if (!f?.info) return;
  const k = f.info.classes;
  const key = `${k}|${document.documentElement.lang}`;
  if (box.dataset.key === key) return;
  box.dataset.key = key;
  if (k === 0) {
    box.innerHTML = '';
    const bar = document.createElement('span');
    bar.className = 'scale-bar';
    const lo = document.createElement('span');
    lo.textContent = '−1';
    const hi = document.createElement('span');
    hi.textContent = '+1';
    const lab = document.createElement('span');
    lab.textContent = t('train.scale_regression');
    box.append(lab, ' ', lo, bar, hi);
  } else {
    box.replaceChildren(...Array.from({ length: k }, (_, c) => {
      const s = document.createElement('span');
      s.className = 'cls-swatch';
      s.style.setProperty('--dot', COLORS[c % COLORS.length]);
      s.textContent = t('train.class_n', { c });
      return s;
    }));
  }
}

// -- the network editor: feature toggles, hidden-layer columns, unit heatmaps, weighted links

function drawThumb(canvas, values, gn, offset, scale) {
  if (canvas.width !== gn) {
    canvas.width = gn;
    canvas.height = gn;
  }
  const ctx = canvas.getContext('2d');
  const img = ctx.createImageData(gn, gn);
  for (let c = 0; c < gn * gn; c++) {
    const v = values[offset + c] / scale;
    const col = divergent(v);
    img.data[c * 4] = col[0];
    img.data[c * 4 + 1] = col[1];
    img.data[c * 4 + 2] = col[2];
    img.data[c * 4 + 3] = 255;
  }
  ctx.putImageData(img, 0, 0);
}

function featureValues(name, gn, d) {
  const out = new Float32Array(gn * gn);
  const step = (2 * d) / gn;
  for (let r = 0; r < gn; r++) {
    for (let c = 0; c < gn; c++) out[r * gn + c] = FEATURE_FN[name](-d + (c + 0.5) * step, d - (r + 0.5) * step);
  }
  return out;
}

function maxAbs(v, from, n) {
  let m = 0;
  for (let i = from; i < from + n; i++) if (Number.isFinite(v[i])) m = Math.max(m, Math.abs(v[i]));
  return m || 1;
}

let netKey = '';
function renderNetwork() {
  const cfg = current();
  const run = S.abOn && S.editing === 'b' ? 1 : 0;
  const f = view.frames[run];
  const box = $('network');
  const hidden = cfg.hidden;
  $('layers-count').textContent = t('train.hidden_layers', { n: hidden.length });
  $('add-layer').disabled = hidden.length >= MAX_LAYERS;
  $('remove-layer').disabled = hidden.length === 0;
  const nOut = f?.info ? f.info.layer_sizes[f.info.layer_sizes.length - 1] : 1;
  const tall = Math.max(FEATURES.length, ...hidden);
  const node = tall > 8 ? 28 : 36;
  const gap = tall > 8 ? 6 : 10;
  const colW = node + (tall > 8 ? 34 : 30);
  const headH = 46;
  const fx = 50; // the features' column (their labels sit to its left)
  const key = JSON.stringify([hidden, cfg.features, node, nOut, document.documentElement.lang]);
  if (key !== netKey) {
    netKey = key;
    box.replaceChildren();
    box.style.height = `${headH + tall * (node + gap) + 10}px`;
    box.style.width = `${fx + (hidden.length + 1) * colW + 40}px`;
    box.style.setProperty('--node', `${node}px`);
    const links = document.createElement('canvas');
    links.className = 'links';
    links.setAttribute('aria-hidden', 'true');
    box.append(links);
    view.linksCtx = fitCanvas(links, fx + (hidden.length + 1) * colW + 40, headH + tall * (node + gap) + 10);
    view.featureDomain = null;
    // features
    FEATURES.forEach((name, r) => {
      const b = document.createElement('button');
      b.type = 'button';
      b.className = 'node feature';
      b.dataset.feature = name;
      b.style.left = `${fx}px`;
      b.style.top = `${headH + r * (node + gap)}px`;
      b.setAttribute('aria-pressed', String(cfg.features.includes(name)));
      b.setAttribute('aria-label', t('train.toggle_feature', { f: FEATURE_LABEL[name] }));
      const c = document.createElement('canvas');
      const lab = document.createElement('span');
      lab.className = 'node-label';
      lab.textContent = FEATURE_LABEL[name];
      b.append(c, lab);
      b.addEventListener('click', () => {
        const cur = current().features;
        const next = cur.includes(name) ? cur.filter((x) => x !== name) : FEATURES.filter((x) => x === name || cur.includes(x));
        if (next.length) setField('features', next);
      });
      box.append(b);
    });
    // hidden layers
    hidden.forEach((units, l) => {
      const x = fx + (l + 1) * colW;
      const head = document.createElement('div');
      head.className = 'layer-head';
      head.style.left = `${x - 12}px`;
      head.style.width = `${node + 24}px`;
      const plus = document.createElement('button');
      plus.type = 'button';
      plus.className = 'icon-btn tiny';
      plus.textContent = '+';
      plus.disabled = units >= MAX_UNITS;
      plus.setAttribute('aria-label', t('train.add_unit', { l: l + 1 }));
      plus.addEventListener('click', () => setField('hidden', current().hidden.map((u, i) => (i === l ? Math.min(MAX_UNITS, u + 1) : u))));
      const minus = document.createElement('button');
      minus.type = 'button';
      minus.className = 'icon-btn tiny';
      minus.textContent = '−';
      minus.disabled = units <= 1;
      minus.setAttribute('aria-label', t('train.remove_unit', { l: l + 1 }));
      minus.addEventListener('click', () => setField('hidden', current().hidden.map((u, i) => (i === l ? Math.max(1, u - 1) : u))));
      const lab = document.createElement('span');
      lab.className = 'units-label';
      lab.textContent = tall > 8 ? String(units) : t('train.units', { n: units });
      lab.title = t('train.units', { n: units });
      head.append(plus, minus, lab);
      box.append(head);
      for (let j = 0; j < units; j++) {
        const d = document.createElement('div');
        d.className = 'node unit';
        d.style.left = `${x}px`;
        d.style.top = `${headH + j * (node + gap)}px`;
        d.title = t('train.unit_title', { l: l + 1, j: j + 1 });
        box.append(d);
      }
    });
    // outputs
    const ox = fx + (hidden.length + 1) * colW + 6;
    for (let j = 0; j < nOut; j++) {
      const d = document.createElement('div');
      d.className = 'node out';
      d.style.left = `${ox}px`;
      d.style.top = `${headH + j * (node + gap) + node / 2 - 7}px`;
      d.title = t('train.output_unit', { j: j + 1 });
      box.append(d);
    }
    const ol = document.createElement('span');
    ol.className = 'out-label';
    ol.style.left = `${ox - 8}px`;
    ol.style.top = `${headH - 20}px`;
    ol.textContent = t('train.out');
    box.append(ol);
  }
  // thumbnails
  const gn = f?.info?.neuron_grid ?? RENDER.neuron_grid;
  const d = f?.info?.domain ?? 6;
  const cells = gn * gn;
  const feats = f?.info?.features ?? cfg.features;
  if (view.featureDomain !== `${d}|${gn}`) {
    view.featureDomain = `${d}|${gn}`;
    for (const b of box.querySelectorAll('.node.feature')) {
      const v = featureValues(b.dataset.feature, gn, d);
      drawThumb(b.querySelector('canvas'), v, gn, 0, maxAbs(v, 0, cells));
    }
  }
  // links and unit heatmaps, all on one canvas (hundreds of small canvases or SVG lines would
  // cost more in layout and compositing than the drawing itself)
  const lctx = view.linksCtx;
  lctx.clearRect(0, 0, lctx.canvas.width, lctx.canvas.height);
  if (!f?.weights || !f.info) return;
  const sizes = f.info.layer_sizes;
  const colX = (c) => fx + (c <= hidden.length ? c * colW : (hidden.length + 1) * colW + 6);
  const rowY = (c, j) => headH + (c === 0 ? FEATURES.indexOf(feats[j]) : j) * (node + gap) + node / 2;
  let wmax = 0;
  for (const w of f.weights) if (Number.isFinite(w)) wmax = Math.max(wmax, Math.abs(w));
  // one path per (sign, strength level): 16 strokes instead of one per weight
  const LEVELS = 8;
  const paths = Array.from({ length: 2 * LEVELS }, () => new Path2D());
  let at = 0;
  for (let l = 0; l + 1 < sizes.length; l++) {
    const nin = sizes[l];
    const nout = sizes[l + 1];
    const x0 = colX(l) + node;
    const x1 = colX(l + 1);
    for (let o = 0; o < nout; o++) {
      for (let i = 0; i < nin; i++) {
        const w = f.weights[at + o * nin + i];
        const lv = Number.isFinite(w) ? Math.min(LEVELS - 1, Math.floor((Math.abs(w) / (wmax || 1)) * LEVELS)) : 0;
        const p = paths[(w >= 0 ? 0 : LEVELS) + lv];
        p.moveTo(x0, rowY(l, i));
        p.lineTo(x1, rowY(l + 1, o));
      }
    }
    at += nin * nout;
  }
  paths.forEach((p, k) => {
    const s = ((k % LEVELS) + 0.5) / LEVELS;
    lctx.strokeStyle = k < LEVELS ? `rgb(8 119 189 / ${0.25 + 0.6 * s})` : `rgb(245 147 34 / ${0.25 + 0.6 * s})`;
    lctx.lineWidth = 0.4 + 3.6 * s;
    lctx.stroke(p);
  });
  if (!f.neurons) return;
  const scratch = (view.scratch ??= document.createElement('canvas'));
  if (scratch.width !== gn) {
    scratch.width = gn;
    scratch.height = gn;
  }
  const sctx = scratch.getContext('2d');
  const img = sctx.createImageData(gn, gn);
  lctx.imageSmoothingEnabled = true;
  let k = feats.length;
  hidden.forEach((units, l) => {
    for (let j = 0; j < units; j++, k++) {
      const off = k * cells;
      if (off + cells > f.neurons.length) return;
      const scale = maxAbs(f.neurons, off, cells);
      for (let c = 0; c < cells; c++) {
        const col = divergent(f.neurons[off + c] / scale);
        img.data[c * 4] = col[0];
        img.data[c * 4 + 1] = col[1];
        img.data[c * 4 + 2] = col[2];
        img.data[c * 4 + 3] = 255;
      }
      sctx.putImageData(img, 0, 0);
      lctx.drawImage(scratch, colX(l + 1) + 1, headH + j * (node + gap) + 1, node, node);
    }
  });
}

// -- histograms

function renderHistograms() {
  const run = S.abOn && S.editing === 'b' ? 1 : 0;
  const f = view.frames[run];
  $('hist-run').textContent = S.abOn ? `(${runLabel(run)})` : '';
  const box = $('histograms');
  if (!f?.hist || !f.info) {
    box.replaceChildren();
    return;
  }
  const { hist_bins: bins, hist_header: hh, layer_sizes: sizes } = f.info;
  const layers = sizes.length - 1;
  const per = hh + bins;
  if (S.playing && !layoutDirty && performance.now() - (view.histAt || 0) < 120 && box.dataset.key) return;
  view.histAt = performance.now();
  const key = `${layers}|${document.documentElement.lang}|${sizes.join(',')}|${layoutDirty ? Math.random() : ''}`;
  const rebuilt = box.dataset.key !== key;
  if (rebuilt) {
    box.dataset.key = key;
    box.replaceChildren();
    const head = document.createElement('div');
    head.className = 'hist-row hist-head';
    head.append(document.createElement('span'), ...['weights', 'activations', 'gradients'].map((k) => {
      const s = document.createElement('span');
      s.textContent = t(`train.hist.${k}`);
      return s;
    }));
    box.append(head);
    for (let l = 0; l < layers; l++) {
      const row = document.createElement('div');
      row.className = 'hist-row';
      const name = document.createElement('span');
      name.className = 'hist-layer';
      name.textContent = l + 1 === layers
        ? t('train.hist.output', { i: sizes[l], o: sizes[l + 1] })
        : t('train.hist.layer', { n: l + 1, i: sizes[l], o: sizes[l + 1] });
      row.append(name);
      for (let k = 0; k < 3; k++) {
        const cell = document.createElement('div');
        cell.className = 'hist-cell';
        const c = document.createElement('canvas');
        c.setAttribute('role', 'img');
        const stat = document.createElement('span');
        stat.className = 'hist-stat mono';
        cell.append(c, stat);
        row.append(cell);
      }
      box.append(row);
    }
  }
  const rows = box.querySelectorAll('.hist-row:not(.hist-head)');
  rows.forEach((row, l) => {
    row.querySelectorAll('.hist-cell').forEach((cell, k) => {
      const o = (l * 3 + k) * per;
      const [lo, hi, mean, sd, near] = f.hist.subarray(o, o + hh);
      const counts = f.hist.subarray(o + hh, o + per);
      const canvas = cell.querySelector('canvas');
      const h = 58;
      if (rebuilt || !canvas.__ctx) {
        canvas.__w = Math.max(90, Math.min(220, cell.clientWidth || 150));
        canvas.__ctx = fitCanvas(canvas, canvas.__w, h);
      }
      drawHistogram(canvas.__ctx, counts, lo, hi, canvas.__w, h);
      canvas.setAttribute('aria-label', t('train.hist.aria', { mean: mean.toFixed(3), sd: sd.toFixed(3) }));
      cell.querySelector('.hist-stat').textContent = t('train.hist.stat', { sd: fmtLoss(sd), near: (near * 100).toFixed(0) });
    });
  });
}

function drawHistogram(ctx, counts, lo, hi, w, h) {
  ctx.clearRect(0, 0, w, h);
  const bottom = h - 14;
  const max = Math.max(1, ...counts);
  const bw = w / counts.length;
  ctx.fillStyle = '#0b5cd5';
  counts.forEach((c, i) => {
    const bh = (c / max) * (bottom - 2);
    ctx.fillRect(i * bw + 0.5, bottom - bh, Math.max(1, bw - 1), bh);
  });
  ctx.strokeStyle = '#8c959f';
  ctx.beginPath();
  ctx.moveTo(0, bottom + 0.5);
  ctx.lineTo(w, bottom + 0.5);
  ctx.moveTo(w / 2 + 0.5, bottom);
  ctx.lineTo(w / 2 + 0.5, bottom + 3);
  ctx.stroke();
  ctx.fillStyle = '#57606a';
  ctx.font = '10px system-ui, sans-serif';
  ctx.textBaseline = 'top';
  ctx.textAlign = 'left';
  ctx.fillText(fmtLoss(lo), 0, bottom + 2);
  ctx.textAlign = 'center';
  ctx.fillText('0', w / 2, bottom + 2);
  ctx.textAlign = 'right';
  ctx.fillText(fmtLoss(hi), w, bottom + 2);
}

// -- diagnosis, presets' explanations, A/B table

function renderWhyCard() {
  const card = $('why-card');
  const w = WHY.find((x) => x.id === S.why);
  card.hidden = !w;
  if (!w) return;
  const k = `train.why.${w.id}`;
  card.replaceChildren();
  const h = document.createElement('h3');
  h.textContent = t(`${k}.title`);
  card.append(h);
  for (const part of ['see', 'cause', 'fix']) {
    const p = document.createElement('p');
    const b = document.createElement('strong');
    b.textContent = `${t(`train.why_${part}`)} `;
    p.append(b, t(`${k}.${part}`));
    card.append(p);
  }
  const btn = document.createElement('button');
  btn.type = 'button';
  btn.className = 'btn primary';
  btn.id = 'apply-fix';
  btn.textContent = t('train.show_fix');
  btn.disabled = S.abOn;
  btn.addEventListener('click', applyFix);
  card.append(btn);
}

function diagnosisText(d) {
  const vars = {
    epoch: d.epoch, lr: d.lr, dead: d.dead_units, relu: d.relu_units, ratio: d.init_ratio.toFixed(1),
    loss: fmtLoss(d.loss),
  };
  return `${t(`train.reason.${d.reason}`, vars)} ${t(`train.cause.${d.cause}`, vars)}${
    d.relu_units > 0 && d.cause !== 'dead_relus' ? ` ${t('train.dead_note', vars)}` : ''}`;
}

function renderDiagnosis() {
  const box = $('diagnosis');
  const items = [];
  view.frames.forEach((f, i) => {
    if (!f?.metrics) return;
    const d = f.metrics.diagnosis;
    const label = runLabel(i) ? `${runLabel(i)}: ` : '';
    if (d) {
      const div = document.createElement('div');
      div.className = 'diag diag-stop';
      div.dataset.cause = d.cause;
      const h = document.createElement('strong');
      h.textContent = `${label}${t('train.diverged_title')}`;
      const p = document.createElement('p');
      p.textContent = diagnosisText(d);
      div.append(h, p);
      items.push(div);
      return;
    }
    const hl = f.health;
    if (!hl) return;
    const hints = hl.hints.filter((x) => !(x === 'stalled' && hl.hints.length > 1 && f.metrics.epoch < 30));
    const div = document.createElement('div');
    div.className = hints.length ? 'diag diag-warn' : 'diag diag-ok';
    const h = document.createElement('strong');
    h.textContent = `${label}${t(hints.length ? 'train.health_warn' : 'train.health_ok')}`;
    div.append(h);
    if (hints.length) {
      const ul = document.createElement('ul');
      for (const code of hints) {
        const li = document.createElement('li');
        li.dataset.hint = code;
        li.textContent = t(`train.hint.${code}`, {
          dead: hl.dead_units, relu: hl.relu_units, sat: hl.saturated_units, units: hl.squashing_units,
          layers: hl.symmetric_layers, ratio: hl.grad_ratio === null ? '—' : hl.grad_ratio.toExponential(1),
          near: (hl.near_zero_weights * 100).toFixed(0), init: hl.init_ratio.toFixed(1), baseline: fmtLoss(hl.baseline_loss),
        });
        ul.append(li);
      }
      div.append(ul);
    }
    items.push(div);
  });
  box.replaceChildren(...items);
}

function renderAbTable() {
  const box = $('ab-table');
  if (!S.abOn || view.frames.length < 2) {
    box.replaceChildren();
    return;
  }
  const rows = [
    ['epoch', (f) => f.metrics.epoch],
    ['train_loss', (f) => fmtLoss(f.metrics.train_loss)],
    ['test_loss', (f) => fmtLoss(f.metrics.test_loss)],
    ['test_acc', (f) => (f.metrics.test_acc == null ? '—' : `${(f.metrics.test_acc * 100).toFixed(1)}%`)],
    ['near_zero', (f) => (f.health ? `${(f.health.near_zero_weights * 100).toFixed(1)}%` : '…')],
    ['dead', (f) => (f.health ? (f.health.relu_units ? `${f.health.dead_units} / ${f.health.relu_units}` : '—') : '…')],
    ['status', (f) => t(`train.status.${f.metrics.status}`, { epoch: f.metrics.best_epoch ?? '' })],
  ];
  const table = document.createElement('table');
  table.className = 'ab';
  const thead = document.createElement('thead');
  const hr = document.createElement('tr');
  for (const txt of ['', 'A', `B (${describeDiff()})`]) {
    const th = document.createElement('th');
    th.scope = 'col';
    th.textContent = txt;
    hr.append(th);
  }
  thead.append(hr);
  const tbody = document.createElement('tbody');
  for (const [key, fn] of rows) {
    const tr = document.createElement('tr');
    tr.dataset.row = key;
    const th = document.createElement('th');
    th.scope = 'row';
    th.textContent = t(`train.abrow.${key}`);
    tr.append(th);
    for (const f of view.frames.slice(0, 2)) {
      const td = document.createElement('td');
      td.className = 'num mono';
      td.textContent = f?.metrics ? fn(f) : '—';
      tr.append(td);
    }
    tbody.append(tr);
  }
  table.append(thead, tbody);
  box.replaceChildren(table);
}

/** State for the end-to-end tests: read-only copies, made only when read. */
window.__train = {
  get playing() {
    return S.playing;
  },
  get epoch() {
    return view.frames[0]?.metrics?.epoch ?? 0;
  },
  get runs() {
    return view.frames.map((f, i) => ({
      metrics: f.metrics ? structuredClone(f.metrics) : null,
      history: view.histories[i].map((r) => r.slice()),
      health: f.health ? structuredClone(f.health) : null,
      error: view.loadErrors[i] || f.error || null,
    }));
  },
  get csvError() {
    return view.csvError;
  },
};

// ---------------------------------------------------------------------------------------------
// Start

function rebuildTexts() {
  buildAdvanced();
  buildPresets();
  netKey = '';
  layoutDirty = true;
  $('histograms').dataset.key = '';
  $('legend-scale').dataset.key = '';
  renderControls();
  scheduleRender();
}

async function main() {
  setBody('loading');
  loadFromHash();
  await initI18n();
  buildToolbar();
  buildData();
  rebuildTexts();
  document.addEventListener('langchange', rebuildTexts);
  onStateChange(() => {
    // a hand-edited hash or a link within the page: reload everything from it
    loadFromHash();
    restart();
  });
  let lastW = 0;
  new ResizeObserver(() => {
    const w = $('lab').clientWidth;
    if (w !== lastW) {
      lastW = w;
      netKey = '';
      layoutDirty = true;
      scheduleRender();
    }
  }).observe($('lab'));
  for (const a of document.querySelectorAll('a[data-keep-lang]')) a.href = withLang(a.getAttribute('href').split('#')[0]);
  worker.postMessage({ type: 'init' });
}

main().catch((err) => fail(err));

