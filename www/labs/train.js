//! Training lab: TensorFlow Playground's controls plus loss, optimizer, init, dropout, batch norm,
//! schedules, clipping, label smoothing; per-layer histograms; A/B runs on the same data and seed;
//! click-to-add points and CSV upload; "why isn't it converging?" presets with a live diagnosis.
//!
//! This entry module wires the parts: the state (config A, B's overrides, page flags), mirrored
//! in the URL hash through train.model.js (the schema and the codec, pure); the worker
//! (train.worker.js) that owns the wasm Trainers, sends the Rust schema once it is ready, and a
//! frame whenever the page has drawn the previous one (display rate); the controls
//! (train.controls.js) and the rendering (train.render.js, train.network.js). Any change of
//! configuration restarts the run(s): a run is a pure function of its configuration, so a URL
//! reproduces its curves exactly.
//! Test hooks: `window.__train` and `document.body.dataset.{trainState,trainEpoch}`.
import { initI18n, showError, withLang, describeError } from '../app/i18n.js';
import { readState, writeState, onStateChange } from '../app/state.js';
import { createModel, same } from './train.model.js';
import { createControls } from './train.controls.js';
import { createRenderer } from './train.render.js';

const S = {
  a: null, // config A (set from the hash once the schema is known)
  b: {}, // overrides of A for run B
  abOn: false,
  abId: null,
  editing: 'a',
  why: null,
  showTest: false,
  discretize: false,
  speed: '1',
  logY: false,
  /** A new learning rate mid-run goes to the running model (weights kept) instead of a restart. */
  keepLr: true,
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
  featureMaps: null, // {key, values}: input-feature heatmaps from the worker
  loadErrors: [],
  csvError: '',
  addError: '',
  workerReady: false,
  reason: '',
  /** Set when the layout may have changed (resize, language, A/B): sizes are measured again. */
  layoutDirty: true,
  netKey: '',
  /** Run generation: bumped by every (re)start; frames of an older generation are dropped. */
  gen: 0,
  /** Learning-rate changes applied to the running model: [{epoch, lr}] (reset by a restart). */
  lrChanges: [],
};

const worker = new Worker(new URL('./train.worker.js', import.meta.url), { type: 'module' });
worker.onerror = (e) => fail(new Error(`training worker: ${e.message || 'failed to start'}`));
worker.onmessage = (e) => onWorker(e.data);
const post = (msg) => worker.postMessage(msg);

const configB = () => ({ ...structuredClone(S.a), ...structuredClone(S.b) });

/** Everything the controls and the rendering share: the state, the model and the actions. */
const app = {
  S,
  view,
  model: null,
  post,
  current: () => (S.editing === 'b' && S.abOn ? configB() : S.a),
  setField,
  setFields,
  restart,
  setLr,
  saveToHash,
  scheduleRender,
  setBody,
  controls: null,
  render: null,
};

function setBody(state) {
  document.body.dataset.trainState = state;
}

function fail(err) {
  setBody('error');
  showError(err);
}

/** Reads the hash into S (see `decodeState` for presets and validation). */
function loadFromHash() {
  Object.assign(S, app.model.decodeState(readState()));
  if (!S.abOn) S.editing = 'a';
}

function saveToHash() {
  writeState(app.model.encodeState(S));
}

const runConfigs = () => (S.abOn ? [S.a, configB()] : [S.a]);

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

function restart({ play = S.playing || S.reachedUntil } = {}) {
  S.playing = play;
  S.reachedUntil = false;
  view.gen++;
  view.lrChanges = [];
  view.histories = [[], []];
  view.loadErrors = [];
  view.addError = '';
  view.reason = '';
  saveToHash();
  app.controls.renderControls();
  if (!view.workerReady) return;
  post({
    type: 'load',
    gen: view.gen,
    configs: runConfigs().map(app.model.trainerConfig),
    play: S.playing,
    until: S.until,
    speed: S.speed,
  });
}

/**
 * A new learning rate for the config being edited. With "keep the weights" on and a run under
 * way, the running model(s) whose rate changes get it from the next epoch on (Trainer.setLr);
 * otherwise (at epoch 0, where both are the same, or after a run diverged or stopped) the run
 * restarts, as any other change.
 */
function setLr(lr) {
  const epoch = view.frames[0]?.metrics?.epoch ?? 0;
  const before = runConfigs().map((c) => c.lr);
  // a run that diverged or stopped has no training to go on with: the new rate restarts it
  const stopped = view.frames.some((f) => f?.metrics && f.metrics.status !== 'training');
  if (!S.keepLr || epoch === 0 || stopped || view.loadErrors.some(Boolean)) {
    setField('lr', lr);
    return;
  }
  if (S.editing === 'b' && S.abOn) {
    if (same(S.a.lr, lr)) delete S.b.lr;
    else S.b.lr = lr;
  } else {
    S.a.lr = lr;
    if (same(S.b.lr, lr)) delete S.b.lr;
  }
  runConfigs().forEach((c, run) => {
    if (c.lr !== before[run]) post({ type: 'setLr', run, lr: c.lr });
  });
  view.lrChanges.push({ epoch, lr });
  saveToHash();
  app.controls.renderControls();
  scheduleRender();
}

/** Appends a frame's new history rows to the run's history (rows of `stride` values). */
function addRows(i, r) {
  const stride = app.model.layout.historyStride;
  const h = (view.histories[i] = view.histories[i].slice(0, r.fromRow / stride));
  for (let k = 0; k < r.rows.length; k += stride) h.push(Array.from(r.rows.subarray(k, k + stride)));
}

function onWorker(msg) {
  switch (msg.type) {
    case 'ready':
      try {
        start(msg.schema);
      } catch (err) {
        fail(err);
      }
      break;
    case 'previews':
      view.previews = msg.sets;
      app.controls.renderDatasets();
      break;
    case 'featureMaps':
      view.featureMaps = { key: msg.key, values: msg.values };
      scheduleRender();
      break;
    case 'frame':
      if (msg.gen !== undefined && msg.gen !== view.gen) {
        // a frame of the previous run, sent before the worker read the new one: not drawn
        post({ type: 'ack' });
        break;
      }
      msg.runs.forEach((r, i) => {
        if (!r.metrics) return;
        addRows(i, r);
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
      view.loadErrors[msg.run] = msg.error;
      scheduleRender();
      break;
    case 'csv':
      view.csvError = '';
      app.controls.onCsvPoints(msg.points);
      break;
    case 'csvError':
      view.csvError = msg.error;
      app.controls.renderCsvError();
      break;
    case 'addError':
      view.addError = msg.error;
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
  if (rafPending || !app.model) return;
  rafPending = true;
  requestAnimationFrame(() => {
    rafPending = false;
    try {
      app.render.renderFrame();
    } finally {
      post({ type: 'ack' });
    }
  });
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
      error: view.loadErrors[i] || f.error ? describeError(view.loadErrors[i] || f.error) : null,
    }));
  },
  /** What the loss plot drew last (Plot.summary): ranges, boxes, segments, marks. */
  get lossPlot() {
    return app.render?.lossSummary() ?? null;
  },
  get lrChanges() {
    return view.lrChanges.map((c) => ({ ...c }));
  },
  get csvError() {
    return view.csvError ? describeError(view.csvError) : '';
  },
};

function rebuildTexts() {
  app.controls.buildAdvanced();
  app.controls.buildPresets();
  app.render.invalidate();
  app.controls.renderControls();
  scheduleRender();
}

const $ = (id) => document.getElementById(id);

/** The worker is ready (the texts are loaded) and has sent the schema: build the controls and
 * start the run(s). */
function start(schema) {
  app.model = createModel(schema);
  app.render = createRenderer(app);
  app.controls = createControls(app);
  loadFromHash();
  app.controls.buildToolbar();
  app.controls.buildData();
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
      app.render.invalidate();
      scheduleRender();
    }
  }).observe($('lab'));
  view.workerReady = true;
  post({ type: 'previews', names: app.model.datasets });
  restart();
}

// the texts first, then the worker: its 'ready' (with the schema) builds the controls
setBody('loading');
initI18n().then(() => {
  for (const a of document.querySelectorAll('a[data-keep-lang]')) a.href = withLang(a.getAttribute('href').split('#')[0]);
  post({ type: 'init' });
}).catch(fail);
