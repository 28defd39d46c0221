//! Resize lab (cheat-sheet topic 3, image interpolation): load a picture (file, drop, paste or a
//! sample), resize it with nearest / bilinear (half-pixel or align_corners) / OpenCV-exact /
//! Pillow-exact / the browser's canvas, compare two methods (side by side, split, |A - B|
//! heatmap), inspect any output pixel down to the filled-in formula, download the PNG.
//!
//! All pixel work runs in resize.worker.js (decode, wasm resize, inspect, diff, PNG); this module
//! holds the page state (mirrored in the URL hash), runs one job at a time through `pump()`,
//! which always works towards the latest state (a dragged slider never queues stale work), and
//! shows finished ImageBitmaps in the viewer. On any failure the previous result stays.
import { codedError } from '../app/errors.js';
import { initI18n, t, withLang, showError, has, describeError } from '../app/i18n.js';
import { readState, writeState, num, pick, onStateChange } from '../app/state.js';
import { fitCanvas, inferno } from '../app/canvas.js';
import { niceTicks, formatTick } from '../app/plot.js';
import { Viewer } from './resize.viewer.js';
import { renderInspector, fmt } from './resize.formula.js';

const SAMPLES = {
  photo: { kind: 'sample', url: '../samples/chelsea.png', name: 'chelsea.png' },
  chart: { kind: 'chart', name: 'chart' },
};
const METHODS = ['nearest', 'bilinear', 'opencv', 'pillow', 'browser'];
const B_METHODS = ['nearest', 'bilinear', 'bilinear_align_corners', 'opencv', 'pillow', 'browser-low', 'browser-high'];
const VIEWS = ['single', 'side', 'split', 'diff'];
const CHANNELS = ['r', 'g', 'b', 'a'];
const SCALE_MIN = 0.1;
const SCALE_MAX = 8;
const BUSY_DELAY = 200; // ms before a job shows its progress
const RUNS_KEPT = 12;

const $ = (id) => document.getElementById(id);

/** Page state; everything here except `initialView` is mirrored in the URL hash. */
const S = {
  src: 'photo',
  sizeMode: 'scale',
  s: 2,
  w: null,
  h: null,
  lock: true,
  m: 'bilinear',
  conv: 'half',
  q: 'high',
  b: 'nearest',
  v: 'split',
  pick: null,
  pickSlot: 'a', // which image the inspector reads: 'b' when B's pane or side of the split was clicked
  ch: 0,
  split: 0.5,
  initialView: null,
};

let engine;
let viewer;
let maxPixels = 64 << 20; // replaced at start by the limit the worker reads from Rust
/** A refused output size (Rust's pixel limit, the canvas side limit): the page reverts to the
 * last settings that worked, and a new size clears the notice. */
const isSizeRefusal = (err) => err.code === 'too_wide' || (err.code === 'pixel_limit' && err.vars.what === 'output');
let source = null; // {id, w, h, format, exact, name, spec, bitmap}
let srcSeq = 0;
let have = {}; // a, b: {key, w, h, method, ms, totalMs, bitmap}; diff: {...}; ins: {key, r}
let lastGood = null; // size + method settings of the last result that worked
let pendingLoad = null;
let needFit = true;
let noticeErr = null;
const runs = [];

// ---- worker --------------------------------------------------------------------------------

/** The worker behind a promise API; `restart()` drops it (cancel, or after a trap). */
class Engine {
  constructor() {
    this.seq = 0;
    this.pending = new Map();
    this.broken = null;
    this.spawn();
  }

  spawn() {
    this.worker = new Worker(new URL('./resize.worker.js', import.meta.url), { type: 'module' });
    this.worker.onmessage = (e) => {
      const m = e.data;
      const p = this.pending.get(m.id);
      if (!p) return;
      if (m.progress) {
        p.onProgress?.(m.progress);
        return;
      }
      this.pending.delete(m.id);
      if (m.ok) p.resolve(m.result);
      else p.reject(Object.assign(new Error(m.error.message), m.error));
    };
    this.worker.onerror = (e) => {
      e.preventDefault?.();
      this.broken = codedError('worker_failed', { detail: e.message || 'the worker could not start' });
      for (const p of this.pending.values()) p.reject(this.broken);
      this.pending.clear();
    };
  }

  call(type, args = {}, { onProgress } = {}) {
    if (this.broken) return Promise.reject(this.broken);
    const id = ++this.seq;
    return new Promise((resolve, reject) => {
      this.pending.set(id, { resolve, reject, onProgress });
      this.worker.postMessage({ id, type, ...args });
    });
  }

  restart() {
    this.worker.terminate();
    const err = codedError('cancelled');
    for (const p of this.pending.values()) p.reject(err);
    this.pending.clear();
    this.broken = null;
    this.spawn();
  }
}

// ---- state <-> hash ------------------------------------------------------------------------

function readHash() {
  const h = readState();
  S.src = pick(h, 'src', ['photo', 'chart', 'own'], 'photo');
  const size = /^(\d{1,6})x(\d{1,6})$/.exec(h.size || '');
  if (size) {
    S.sizeMode = 'size';
    S.w = Math.max(1, +size[1]);
    S.h = Math.max(1, +size[2]);
  } else {
    S.sizeMode = 'scale';
    S.s = num(h, 's', 2, { min: SCALE_MIN, max: SCALE_MAX });
  }
  S.lock = h.lock !== '0';
  S.m = pick(h, 'm', METHODS, 'bilinear');
  S.conv = pick(h, 'conv', ['half', 'corners'], 'half');
  S.q = pick(h, 'q', ['low', 'medium', 'high'], 'high');
  S.b = pick(h, 'b', B_METHODS, 'nearest');
  S.v = pick(h, 'v', VIEWS, 'split');
  S.pick = 'px' in h && 'py' in h
    ? { x: Math.floor(num(h, 'px', 0, { min: 0 })), y: Math.floor(num(h, 'py', 0, { min: 0 })) }
    : null;
  S.pickSlot = h.pk === 'b' ? 'b' : 'a';
  S.ch = Math.max(0, CHANNELS.indexOf(h.ch));
  S.split = num(h, 'sp', 0.5, { min: 0, max: 1 });
  S.initialView = 'z' in h
    ? { z: num(h, 'z', 1, { min: 1 / 64, max: 256 }), cx: num(h, 'cx', NaN), cy: num(h, 'cy', NaN) }
    : null;
}

const round = (v, d) => Number(v.toFixed(d));

function saveHash() {
  const view = viewer && have.a ? viewer.view : null;
  writeState({
    src: S.src,
    s: S.sizeMode === 'scale' ? round(S.s, 3) : null,
    size: S.sizeMode === 'size' ? `${S.w}x${S.h}` : null,
    lock: S.lock ? null : '0',
    m: S.m,
    conv: S.conv,
    q: S.m === 'browser' ? S.q : null,
    b: S.b,
    v: S.v,
    px: S.pick ? S.pick.x : null,
    py: S.pick ? S.pick.y : null,
    pk: S.pickSlot === 'b' ? 'b' : null,
    ch: S.ch ? CHANNELS[S.ch] : null,
    sp: S.v === 'split' ? round(S.split, 3) : null,
    z: view ? round(view.z, 4) : null,
    cx: view ? round(view.cx, 2) : null,
    cy: view ? round(view.cy, 2) : null,
  });
}

let saveTimer = 0;
function saveHashSoon() {
  clearTimeout(saveTimer);
  saveTimer = setTimeout(saveHash, 150);
}

function methodA() {
  if (S.m === 'bilinear') return S.conv === 'corners' ? 'bilinear_align_corners' : 'bilinear';
  if (S.m === 'browser') return `browser-${S.q}`;
  return S.m;
}

function outSize() {
  if (!source) return null;
  if (S.sizeMode === 'size' && S.w && S.h) return { w: S.w, h: S.h };
  return { w: Math.max(1, Math.round(source.w * S.s)), h: Math.max(1, Math.round(source.h * S.s)) };
}

function snapshot() {
  return { sizeMode: S.sizeMode, s: S.s, w: S.w, h: S.h, m: S.m, conv: S.conv, q: S.q };
}

function revert() {
  if (lastGood) Object.assign(S, lastGood);
  else Object.assign(S, { sizeMode: 'scale', s: 2, m: 'bilinear', conv: 'half' });
  syncControls();
  saveHash();
}

const mp = (w, h) => fmt((w * h) / 1e6, w * h < 1e5 ? 3 : 1);

function label(method) {
  return t(`resize.short.${method}`);
}

// ---- the job loop --------------------------------------------------------------------------

let pumping = false;
let again = false;

/** Work towards the current state, one worker job at a time, until nothing is left to do. */
function schedule() {
  if (pumping) {
    again = true;
    return;
  }
  pumping = true;
  document.body.dataset.lab = 'busy';
  (async () => {
    try {
      do {
        again = false;
        while (await step()) { /* one job done; look again */ }
      } while (again);
    } catch (err) {
      showError(err);
    } finally {
      pumping = false;
      viewer?.drawNow();
      document.body.dataset.lab = 'idle';
    }
  })();
}

async function step() {
  if (pendingLoad) {
    const job = pendingLoad;
    pendingLoad = null;
    await doLoad(job);
    return true;
  }
  if (!source) return false;
  const size = outSize();
  const mA = methodA();
  const keyA = `${source.id}|${size.w}x${size.h}|${mA}`;
  if (have.a?.key !== keyA) {
    if (have.failed === keyA) return false;
    // The worker knows the limits (the pixel limit lives in Rust): a size over one is refused
    // with its coded error before any work, and the settings go back to the last good ones.
    const refused = await engine.call('check', { w: size.w, h: size.h }).then(() => null, (err) => err);
    if (refused && isSizeRefusal(refused)) {
      showNotice(refused);
      revert();
      return true;
    }
    await runResize('a', size, mA, keyA);
    return true;
  }
  if (S.v !== 'single') {
    const keyB = `${source.id}|${size.w}x${size.h}|${S.b}`;
    if (have.b?.key !== keyB && have.failed !== keyB) {
      await runResize('b', size, S.b, keyB);
      return true;
    }
    if (S.v === 'diff' && have.b?.key === keyB) {
      const keyD = `${keyA}~${keyB}`;
      if (have.diff?.key !== keyD && have.failed !== keyD) {
        await runDiff(keyD);
        return true;
      }
    }
  }
  if (!S.pick || S.pick.x >= size.w || S.pick.y >= size.h) {
    S.pick = S.pick
      ? { x: Math.min(S.pick.x, size.w - 1), y: Math.min(S.pick.y, size.h - 1) }
      : { x: Math.floor(size.w / 3), y: Math.floor(size.h / 3) };
    viewer.setPick(S.pick);
    saveHash();
  }
  const slot = inspectSlot();
  if (!have[slot]) return false;
  const keyI = `${slot}:${have[slot].key}@${S.pick.x},${S.pick.y}`;
  if (have.ins?.key !== keyI && have.failed !== keyI) {
    await runInspect(keyI, slot);
    return true;
  }
  return false;
}

async function doLoad({ spec, opts }) {
  const job = busyStart(t('resize.busy.load', { name: spec.name }));
  try {
    const r = await engine.call('load', { source: spec }, { onProgress: job.progress });
    const prev = source;
    source = { id: ++srcSeq, w: r.w, h: r.h, format: r.format, exact: r.exact, name: spec.name, spec, bitmap: r.bitmap };
    invalidate(); // the worker dropped its results with the old input
    if (!opts.restore) {
      S.src = spec.kind === 'file' ? 'own' : spec.kind === 'chart' ? 'chart' : 'photo';
      if (!opts.initial) {
        if (!opts.fromHash) S.pick = null;
        needFit = true;
        if (S.sizeMode === 'size' && S.lock && S.w) S.h = Math.max(1, Math.round((S.w * r.h) / r.w));
        if (!opts.keepNotice) clearNotice();
      } else {
        needFit = true;
      }
    }
    prev?.bitmap.close();
    renderSource();
    syncControls();
    saveHash();
  } catch (err) {
    if (err.code === 'cancelled') return;
    if (!source && !opts.fallback && spec.kind !== 'chart') {
      // nothing shown yet (the first load failed): say why, and fall back to the chart
      showNotice(err);
      pendingLoad = { spec: SAMPLES.chart, opts: { initial: true, fallback: true } };
    } else if (!source) {
      showError(err);
    } else {
      showNotice(err);
    }
  } finally {
    job.end();
  }
}

async function runResize(slot, size, method, key) {
  const job = busyStart(t('resize.busy.resize', { w: size.w, h: size.h, mp: mp(size.w, size.h), method: label(method) }));
  try {
    const r = await engine.call('resize', { slot: slot.toUpperCase(), w: size.w, h: size.h, method }, { onProgress: job.progress });
    const old = have[slot];
    have[slot] = { key, ...r };
    const other = slot === 'a' ? 'b' : 'a';
    if (have[other] && (have[other].w !== r.w || have[other].h !== r.h)) {
      // the worker freed the other result (another size); stop showing it
      viewer.setImages({ [other]: null });
      have[other].bitmap.close();
      delete have[other];
    }
    if (have.diff && !have.diff.key.includes(key)) {
      viewer.setImages({ diff: null });
      have.diff.bitmap.close();
      delete have.diff;
    }
    viewer.setImages({ [slot]: r.bitmap, w: r.w, h: r.h });
    old?.bitmap.close();
    if (slot === 'a') {
      lastGood = snapshot();
      if (S.initialView && Number.isFinite(S.initialView.cx) && Number.isFinite(S.initialView.cy)) {
        viewer.setView(S.initialView); // the zoom and pan of a shared link
        needFit = false;
      } else if (needFit) {
        viewer.fit();
        needFit = false;
      }
      S.initialView = null;
      $('download').disabled = false;
      renderTiming();
    }
    logRun(r);
    renderLabels();
    saveHash();
  } catch (err) {
    if (err.code === 'cancelled') return;
    if (err.fatal) return recoverFromTrap(err);
    showNotice(err);
    if (slot === 'a' && lastGood && JSON.stringify(lastGood) !== JSON.stringify(snapshot())) revert();
    else have.failed = key;
  } finally {
    job.end();
  }
}

async function runDiff(key) {
  const job = busyStart(t('resize.busy.diff'));
  try {
    const r = await engine.call('diff', {}, { onProgress: job.progress });
    const old = have.diff;
    have.diff = { key, ...r };
    viewer.setImages({ diff: r.bitmap });
    old?.bitmap.close();
    renderDiff();
  } catch (err) {
    if (err.code === 'cancelled') return;
    if (err.fatal) return recoverFromTrap(err);
    showNotice(err);
    have.failed = key;
  } finally {
    job.end();
  }
}

/** The inspector follows the image that was clicked: B in side-by-side and split views. */
function inspectSlot() {
  return S.pickSlot === 'b' && (S.v === 'side' || S.v === 'split') ? 'b' : 'a';
}

async function runInspect(key, slot) {
  // Pillow's inspect() reruns the whole resize: on a big output that takes a moment
  const job = busyStart(t('resize.busy.inspect', { x: S.pick.x, y: S.pick.y }));
  try {
    const r = await engine.call('inspect', { slot: slot.toUpperCase(), x: S.pick.x, y: S.pick.y });
    have.ins = { key, r, slot };
    renderInspectorPanel();
  } catch (err) {
    if (err.code === 'cancelled') return;
    if (err.fatal) return recoverFromTrap(err);
    showNotice(err);
    have.failed = key;
  } finally {
    job.end();
  }
}

/**
 * The worker no longer holds the results (new input, or a new worker): keep showing their bitmaps
 * until the new ones arrive (which closes them), but never treat them as current.
 */
function invalidate() {
  for (const k of ['a', 'b', 'diff']) if (have[k]) have[k].key = `stale:${have[k].key}`;
  delete have.ins;
  delete have.failed;
}

function recoverFromTrap(err) {
  showNotice(err);
  engine.restart();
  invalidate();
  revert();
  if (source) pendingLoad = { spec: source.spec, opts: { restore: true } };
}

/** Stop the running job: a fresh worker, the last settings that worked, the same input. */
function cancel() {
  engine.restart();
  invalidate();
  revert();
  if (source) pendingLoad = { spec: source.spec, opts: { restore: true } };
  showNotice(codedError('cancelled_by_user'));
  schedule();
}

function requestLoad(spec, opts = {}) {
  pendingLoad = { spec, opts };
  schedule();
}

// ---- progress ------------------------------------------------------------------------------

const busyJobs = new Set();
let busyTick = 0;

function busyStart(text) {
  const job = { text, stage: null, fraction: null, t0: performance.now() };
  busyJobs.add(job);
  job.timer = setTimeout(renderBusy, BUSY_DELAY);
  job.progress = (p) => {
    job.stage = p.stage;
    job.fraction = p.fraction;
    renderBusy();
  };
  job.end = () => {
    clearTimeout(job.timer);
    busyJobs.delete(job);
    renderBusy();
  };
  return job;
}

function renderBusy() {
  const now = performance.now();
  const shown = [...busyJobs].filter((j) => now - j.t0 >= BUSY_DELAY - 5);
  const box = $('busy');
  if (!shown.length) {
    box.hidden = true;
    clearInterval(busyTick);
    busyTick = 0;
    return;
  }
  const j = shown[shown.length - 1];
  box.hidden = false;
  const stage = j.stage && has(`resize.stage.${j.stage}`) ? ` · ${t(`resize.stage.${j.stage}`)}` : '';
  $('busy-text').textContent = `${j.text}${stage} · ${((now - j.t0) / 1000).toFixed(1)} s`;
  const bar = $('busy-progress');
  if (j.fraction === null || j.fraction === undefined) bar.removeAttribute('value');
  else bar.value = j.fraction;
  if (!busyTick) busyTick = setInterval(renderBusy, 100);
}

// ---- notices -------------------------------------------------------------------------------

function describe(err) {
  const code = err && err.code;
  const vars = { message: err && err.message, detail: err && err.message, ...(err.vars || {}) };
  if (code === 'pixel_limit') {
    // Rust's size check ({what, w, h, got, max}) in this lab's own words
    vars.mp = mp(vars.w, vars.h);
    vars.limit = mp(vars.max, 1);
    vars.limit_px = vars.max.toLocaleString('en-US');
    return t(vars.what === 'input' ? 'resize.err.input_too_large' : 'resize.err.too_large', vars);
  }
  if (code && has(`resize.err.${code}`)) return t(`resize.err.${code}`, vars);
  if (code === 'wasm_missing' || code === 'wasm_load') return t(`error.${code}`, vars);
  // anything else, e.g. another coded error from Rust: the generic notice around its own text
  return t('resize.err.generic', { detail: describeError(err) });
}

function showNotice(err) {
  noticeErr = err;
  renderNotice();
}

function renderNotice() {
  const box = $('notice');
  if (!noticeErr) {
    box.hidden = true;
    return;
  }
  let text = describe(noticeErr);
  if (have.a && noticeErr.code !== 'cancelled_by_user') text += ` ${t('resize.err.kept')}`;
  $('notice-text').textContent = text;
  box.dataset.code = noticeErr.code || '';
  box.hidden = false;
}

function clearNotice() {
  noticeErr = null;
  renderNotice();
}

// ---- rendering -----------------------------------------------------------------------------

function syncControls() {
  for (const r of document.querySelectorAll('input[name="sizemode"]')) r.checked = r.value === S.sizeMode;
  const scale = S.sizeMode === 'scale' ? S.s : source ? (outSize().w / source.w) : S.s;
  $('scale').value = String(round(scale, 3)); // in W x H mode: the horizontal ratio, even beyond 0.1-8
  $('scale-range').value = String(Math.round((1000 * Math.log(Math.min(SCALE_MAX, Math.max(SCALE_MIN, scale)) / SCALE_MIN)) / Math.log(SCALE_MAX / SCALE_MIN)));
  const size = outSize();
  if (document.activeElement !== $('out-w')) $('out-w').value = size ? size.w : S.w ?? '';
  if (document.activeElement !== $('out-h')) $('out-h').value = size ? size.h : S.h ?? '';
  $('lock').checked = S.lock;
  $('method').value = S.m;
  for (const r of document.querySelectorAll('input[name="conv"]')) {
    r.checked = r.value === S.conv;
    r.disabled = S.m !== 'bilinear';
  }
  $('conv-field').classList.toggle('disabled', S.m !== 'bilinear');
  $('quality').value = S.q;
  $('quality-field').hidden = S.m !== 'browser';
  $('method-note').textContent = t(`resize.note.${S.m === 'bilinear' ? `bilinear_${S.conv}` : S.m}`);
  $('compare').value = S.b;
  $('compare-field').hidden = S.v === 'single';
  for (const b of document.querySelectorAll('[data-view]')) b.setAttribute('aria-pressed', String(b.dataset.view === S.v));
  $('split-row').hidden = S.v !== 'split';
  $('split').value = String(S.split);
  $('diff-panel').hidden = S.v !== 'diff';
  for (const b of document.querySelectorAll('[data-sample]')) b.setAttribute('aria-pressed', String(b.dataset.sample === S.src));
  renderSizeInfo();
  if (viewer) {
    viewer.setMode(S.v);
    viewer.setSplit(S.split);
  }
  renderLabels();
}

function renderSizeInfo() {
  const size = outSize();
  $('size-info').textContent = size
    ? t('resize.size_info', { iw: source.w, ih: source.h, w: size.w, h: size.h, mp: mp(size.w, size.h), limit: mp(maxPixels, 1) })
    : '';
}

function renderSource() {
  if (!source) return;
  const key = source.spec.kind === 'chart' ? 'resize.source_chart' : source.exact ? 'resize.source_exact' : 'resize.source_browser';
  $('source-info').textContent = t(key, { name: source.name, w: source.w, h: source.h, format: source.format });
  const c = $('thumb');
  const s = Math.min(72 / source.w, 54 / source.h);
  const ctx = fitCanvas(c, 72, 54);
  ctx.imageSmoothingQuality = 'high';
  ctx.drawImage(source.bitmap, (72 - source.w * s) / 2, (54 - source.h * s) / 2, source.w * s, source.h * s);
}

function renderLabels() {
  if (!viewer) return;
  viewer.drawNow();
  const z = viewer.view.z;
  $('zoom-level').textContent = `${z >= 10 ? Math.round(z * 100) : fmt(z * 100, 1)}%`;
  $('zoom-level').title = z < 1 ? t('resize.zoom_smoothed') : t('resize.zoom_crisp');
}

function renderTiming() {
  const a = have.a;
  if (!a || !source) return;
  const mps = (a.w * a.h) / 1e6 / Math.max(1e-3, a.ms / 1000);
  $('timing').textContent = t('resize.timing', {
    method: label(a.method), iw: source.w, ih: source.h, w: a.w, h: a.h, mp: mp(a.w, a.h),
    ms: fmt(a.ms, a.ms < 10 ? 2 : 1), mps: fmt(mps, mps < 10 ? 2 : 0), total: fmt(a.totalMs, 0),
  });
  $('download').textContent = t('resize.download_size', { w: a.w, h: a.h });
}

function logRun(r) {
  runs.unshift({ method: r.method, w: r.w, h: r.h, ms: r.ms });
  runs.length = Math.min(runs.length, RUNS_KEPT);
  renderRuns();
}

function renderRuns() {
  const rows = runs.map((r) => {
    const tr = document.createElement('tr');
    const mps = (r.w * r.h) / 1e6 / Math.max(1e-3, r.ms / 1000);
    for (const [text, cls] of [[label(r.method), ''], [`${r.w}×${r.h}`, 'mono'], [fmt(r.ms, r.ms < 10 ? 2 : 1), 'num'], [fmt(mps, mps < 10 ? 2 : 0), 'num']]) {
      const td = document.createElement('td');
      td.textContent = text;
      if (cls) td.className = cls;
      tr.append(td);
    }
    return tr;
  });
  $('runs').tBodies[0].replaceChildren(...rows);
}

function viewerLabels() {
  const a = have.a ? `A · ${label(have.a.method)}` : '';
  const b = have.b ? `B · ${label(have.b.method)}` : S.v !== 'single' ? `B · ${label(S.b)} …` : '';
  const d = have.diff ? `|A − B| · ${label(have.diff.methods[0])} vs ${label(have.diff.methods[1])}` : '|A − B| …';
  return { a, b, diff: d };
}

function renderDiff() {
  const d = have.diff;
  const canvas = $('legend');
  const width = Math.max(200, canvas.parentElement.clientWidth || 300);
  const height = 56;
  const ctx = fitCanvas(canvas, width, height);
  ctx.clearRect(0, 0, width, height);
  if (!d) {
    $('diff-stats').textContent = '';
    return;
  }
  const max = Math.max(1, d.max);
  const x0 = 12;
  const x1 = width - 12;
  const barY = 4;
  const barH = 14;
  for (let x = x0; x < x1; x++) {
    const [r, g, b] = inferno((x - x0) / (x1 - x0));
    ctx.fillStyle = `rgb(${r} ${g} ${b})`;
    ctx.fillRect(x, barY, 1, barH);
  }
  ctx.strokeStyle = '#57606a';
  ctx.strokeRect(x0 + 0.5, barY + 0.5, x1 - x0 - 1, barH - 1);
  const font = getComputedStyle(document.body).fontFamily;
  ctx.font = `11px ${font}`;
  ctx.fillStyle = '#1f2328';
  ctx.textAlign = 'center';
  ctx.textBaseline = 'top';
  const { ticks, step } = niceTicks(0, max, Math.max(2, Math.floor((x1 - x0) / 60)));
  for (const v of ticks) {
    const x = Math.round(x0 + (v / max) * (x1 - x0)) + 0.5;
    ctx.beginPath();
    ctx.moveTo(x, barY + barH);
    ctx.lineTo(x, barY + barH + 4);
    ctx.stroke();
    ctx.fillText(formatTick(v, Math.max(step, 1)), x, barY + barH + 5);
  }
  ctx.textBaseline = 'bottom';
  ctx.fillText(t('resize.legend'), (x0 + x1) / 2, height - 1);
  $('diff-stats').textContent = t('resize.diff_stats', {
    max: d.max, mean: fmt(d.mean, 3), changed: d.changed.toLocaleString('en-US'),
    pct: fmt((100 * d.changed) / d.n, 2), n: d.n.toLocaleString('en-US'),
  });
  canvas.dataset.max = String(d.max);
}

function renderInspectorPanel() {
  const root = $('inspector');
  const ins = have.ins?.r;
  if (!ins || !source) {
    root.replaceChildren();
    return;
  }
  renderInspector(root, ins, {
    t,
    which: `${have.ins.slot.toUpperCase()} · ${label(ins.method)}`,
    ch: S.ch,
    inW: source.w,
    inH: source.h,
    onChannel: (c) => {
      S.ch = c;
      saveHash();
      renderInspectorPanel();
    },
  });
}

function rerenderAll() {
  for (const a of document.querySelectorAll('a[data-keep-lang]')) a.href = withLang(a.getAttribute('href').split('#')[0]);
  syncControls();
  renderSource();
  renderTiming();
  renderRuns();
  renderDiff();
  renderInspectorPanel();
  renderNotice();
  renderBusy();
}

// ---- input wiring --------------------------------------------------------------------------

function loadFile(file) {
  requestLoad({ kind: 'file', blob: file, name: file.name || t('resize.pasted') });
}

function setScale(s) {
  S.sizeMode = 'scale';
  S.s = Math.min(SCALE_MAX, Math.max(SCALE_MIN, s));
  clearNoticeOf(isSizeRefusal);
  syncControls();
  saveHash();
  schedule();
}

function clearNoticeOf(kind) {
  if (noticeErr && kind(noticeErr)) clearNotice();
}

function setPick(p) {
  S.pick = p;
  viewer.setPick(p);
  saveHashSoon();
  schedule();
}

const isTextField = (el) => el && (el.tagName === 'TEXTAREA' || (el.tagName === 'INPUT' && !['range', 'checkbox', 'radio', 'button', 'file'].includes(el.type)));

function wire() {
  $('file').addEventListener('change', (e) => {
    const f = e.target.files[0];
    if (f) loadFile(f);
    e.target.value = ''; // choosing the same file again loads it again
  });
  for (const b of document.querySelectorAll('[data-sample]')) {
    b.addEventListener('click', () => requestLoad(SAMPLES[b.dataset.sample]));
  }
  // drag and drop anywhere on the page
  let depth = 0;
  const hasFiles = (e) => [...(e.dataTransfer?.types || [])].includes('Files');
  document.addEventListener('dragenter', (e) => {
    if (!hasFiles(e)) return;
    e.preventDefault();
    depth++;
    $('drop-overlay').hidden = false;
  });
  document.addEventListener('dragover', (e) => {
    if (!hasFiles(e)) return;
    e.preventDefault();
    e.dataTransfer.dropEffect = 'copy';
  });
  document.addEventListener('dragleave', (e) => {
    if (!hasFiles(e)) return;
    depth = Math.max(0, depth - 1);
    if (!depth) $('drop-overlay').hidden = true;
  });
  document.addEventListener('drop', (e) => {
    if (!hasFiles(e)) return;
    e.preventDefault();
    depth = 0;
    $('drop-overlay').hidden = true;
    const f = e.dataTransfer.files[0];
    if (f) loadFile(f);
  });
  document.addEventListener('paste', (e) => {
    const files = [...(e.clipboardData?.files || [])];
    const f = files.find((x) => x.type.startsWith('image/')) || files[0]
      || [...(e.clipboardData?.items || [])].find((i) => i.kind === 'file')?.getAsFile();
    if (f) {
      e.preventDefault();
      loadFile(f);
    } else if (!isTextField(document.activeElement)) {
      showNotice(codedError('paste_empty'));
    }
  });

  // size
  for (const r of document.querySelectorAll('input[name="sizemode"]')) {
    r.addEventListener('change', () => {
      if (r.value === 'scale') setScale(S.s);
      else applySize();
    });
  }
  $('scale-range').addEventListener('input', (e) => {
    const s = SCALE_MIN * (SCALE_MAX / SCALE_MIN) ** (+e.target.value / 1000);
    setScale(s < 1 ? round(s, 2) : round(s, 1));
  });
  $('scale').addEventListener('change', (e) => {
    const v = parseFloat(e.target.value);
    if (Number.isFinite(v) && v > 0) setScale(v);
    else syncControls();
  });
  for (const b of document.querySelectorAll('[data-scale]')) b.addEventListener('click', () => setScale(+b.dataset.scale));
  const aspect = () => (source ? source.h / source.w : 1);
  $('out-w').addEventListener('input', () => {
    if (S.lock && +$('out-w').value > 0) $('out-h').value = Math.max(1, Math.round(+$('out-w').value * aspect()));
  });
  $('out-h').addEventListener('input', () => {
    if (S.lock && +$('out-h').value > 0) $('out-w').value = Math.max(1, Math.round(+$('out-h').value / aspect()));
  });
  $('size-form').addEventListener('submit', (e) => {
    e.preventDefault();
    // Enter in the scale box submits the form too; that one is handled by its change event
    if (document.activeElement === $('scale')) {
      $('scale').dispatchEvent(new Event('change'));
      return;
    }
    applySize();
  });
  $('lock').addEventListener('change', (e) => {
    S.lock = e.target.checked;
    if (S.lock && source) $('out-h').value = Math.max(1, Math.round(+$('out-w').value * aspect()));
    saveHash();
  });

  // method
  $('method').addEventListener('change', (e) => {
    S.m = e.target.value;
    syncControls();
    saveHash();
    schedule();
  });
  for (const r of document.querySelectorAll('input[name="conv"]')) {
    r.addEventListener('change', () => {
      S.conv = r.value;
      syncControls();
      saveHash();
      schedule();
    });
  }
  $('quality').addEventListener('change', (e) => {
    S.q = e.target.value;
    saveHash();
    schedule();
  });

  // view
  for (const b of document.querySelectorAll('[data-view]')) {
    b.addEventListener('click', () => {
      S.v = b.dataset.view;
      syncControls();
      if (S.v === 'diff') renderDiff();
      saveHash();
      schedule();
    });
  }
  $('compare').addEventListener('change', (e) => {
    S.b = e.target.value;
    renderLabels();
    saveHash();
    schedule();
  });
  $('split').addEventListener('input', (e) => {
    S.split = +e.target.value;
    viewer.setSplit(S.split);
    saveHashSoon();
  });
  $('zoom-in').addEventListener('click', () => viewer.step(1));
  $('zoom-out').addEventListener('click', () => viewer.step(-1));
  $('zoom-fit').addEventListener('click', () => viewer.fit());
  $('zoom-1').addEventListener('click', () => viewer.step(0));

  $('download').addEventListener('click', download);
  $('cancel').addEventListener('click', cancel);
  $('notice-close').addEventListener('click', clearNotice);

  onStateChange(() => {
    const before = S.src;
    readHash();
    if (S.src === 'own' && source?.spec.kind !== 'file') {
      showNotice(codedError('own_not_in_link'));
      S.src = 'photo';
      saveHash();
    }
    syncControls();
    if (S.initialView) {
      viewer.setView(S.initialView);
      S.initialView = null;
    }
    viewer.setPick(S.pick);
    if (S.src !== before && S.src !== 'own') requestLoad(SAMPLES[S.src], { keepNotice: true, fromHash: true });
    else schedule();
  });
  document.addEventListener('langchange', rerenderAll);
  addEventListener('resize', () => {
    if (S.v === 'diff') renderDiff();
  });
}

function applySize() {
  const w = Math.round(+$('out-w').value);
  const h = Math.round(+$('out-h').value);
  if (!(w >= 1 && h >= 1)) {
    showNotice(codedError('bad_size', { w: $('out-w').value, h: $('out-h').value }));
    syncControls();
    return;
  }
  S.sizeMode = 'size';
  S.w = w;
  S.h = h;
  clearNoticeOf((err) => isSizeRefusal(err) || err.code === 'bad_size');
  syncControls();
  saveHash();
  schedule();
}

async function download() {
  const job = busyStart(t('resize.busy.encode'));
  $('download').disabled = true;
  try {
    const r = await engine.call('png', { slot: 'A' }, { onProgress: job.progress });
    const url = URL.createObjectURL(r.blob);
    const a = document.createElement('a');
    const base = (source.name || 'image').replace(/\.[a-z0-9]+$/i, '').replace(/[^\w.-]+/g, '_') || 'image';
    a.href = url;
    a.download = `${base}-${r.method}-${r.w}x${r.h}.png`;
    document.body.append(a);
    a.click();
    a.remove();
    setTimeout(() => URL.revokeObjectURL(url), 60000);
  } catch (err) {
    if (err.code !== 'cancelled') showNotice(err);
  } finally {
    $('download').disabled = !have.a;
    job.end();
  }
}

// ---- start ---------------------------------------------------------------------------------

async function main() {
  await initI18n();
  readHash();
  viewer = new Viewer($('stage'), {
    onPick: (p, which) => {
      S.pickSlot = which;
      setPick(p);
    },
    onMove: (dx, dy) => {
      if (!have.a) return;
      const p = S.pick || { x: 0, y: 0 };
      const np = {
        x: Math.min(have.a.w - 1, Math.max(0, p.x + dx)),
        y: Math.min(have.a.h - 1, Math.max(0, p.y + dy)),
      };
      setPick(np);
      viewer.reveal(np);
    },
    onChange: () => {
      if (viewer.split !== S.split) {
        S.split = viewer.split; // the split line was dragged
        $('split').value = String(S.split);
      }
      renderLabels();
      saveHashSoon();
    },
    labels: viewerLabels,
  });
  viewer.setMode(S.v);
  viewer.setPick(S.pick);
  wire();
  syncControls();
  engine = new Engine();
  let info;
  try {
    info = await engine.call('start');
  } catch (err) {
    throw await explainStart(err);
  }
  maxPixels = info.maxPixels;
  if (S.src === 'own') {
    showNotice(codedError('own_not_in_link'));
    S.src = 'photo';
  }
  requestLoad(SAMPLES[S.src], { initial: true });

  // for tests and the curious: what the page shows right now
  window.__resizeLab = {
    get state() {
      return JSON.parse(JSON.stringify({ ...S, initialView: undefined }));
    },
    get source() {
      return source && { w: source.w, h: source.h, format: source.format, exact: source.exact, name: source.name };
    },
    get result() {
      return have.a && { w: have.a.w, h: have.a.h, method: have.a.method };
    },
    get compare() {
      return have.b && { w: have.b.w, h: have.b.h, method: have.b.method };
    },
    get diff() {
      return have.diff && { max: have.diff.max, mean: have.diff.mean, changed: have.diff.changed };
    },
    viewer,
    maxPixels,
  };
}

/** A worker that never started: the wasm build is missing, or the browser lacks module workers. */
async function explainStart(err) {
  let missing = false;
  try {
    missing = (await fetch(new URL('../pkg/dlplay.js', import.meta.url), { method: 'HEAD', cache: 'no-store' })).status === 404;
  } catch {
    // the server itself is gone
  }
  return missing ? codedError('wasm_missing') : codedError('wasm_load', { detail: err.vars?.detail || err.message });
}

main().catch((err) => {
  document.body.dataset.lab = 'error';
  showError(err);
});
