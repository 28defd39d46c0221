//! Resize lab (cheat-sheet topic 3, image interpolation), entry: load a picture (file, drop, paste
//! or a sample), resize it with nearest / bilinear (half-pixel or align_corners) / OpenCV-exact /
//! Pillow-exact / the browser's canvas, compare two methods (side by side, split, |A - B|
//! heatmap), inspect any output pixel down to the filled-in formula, download the PNG.
//!
//! All pixel work runs in resize.worker.js (decode, wasm resize, inspect, diff, PNG); on any
//! failure the previous result stays. The modules: resize.state.js (pure: knobs, defaults, the
//! hash codec), resize.session.js (the live state), resize.engine.js (the worker behind
//! promises), resize.jobs.js (the job loop towards the latest state, cancel, download),
//! resize.notice.js (progress and notices), resize.render.js (the panels), resize.input.js
//! (file, drop, paste, samples), resize.controls.js (size, method, view), resize.viewer.js (the
//! zoomable canvases), resize.focus.js (pure: where and how far a new result opens zoomed in),
//! resize.formula.js (pure: the inspector's formula text) and
//! resize.inspector.js (the inspector's DOM). This file wires them: the first load, hash changes,
//! language changes, and `window.__resizeLab` for tests.
import { codedError } from '../app/errors.js';
import { initI18n, withLang, showError, noteIgnoredHash } from '../app/i18n.js';
import { onStateChange } from '../app/state.js';
import { S, lab, loadState, saveHash, saveHashSoon } from './resize.session.js';
import { SAMPLES } from './resize.state.js';
import { Engine } from './resize.engine.js';
import { Viewer } from './resize.viewer.js';
import { schedule, requestLoad } from './resize.jobs.js';
import { showNotice, renderNotice, renderBusy } from './resize.notice.js';
import {
  syncControls, renderSource, renderLabels, renderTiming, renderRuns, renderDiff, renderInspectorPanel, viewerLabels,
  revealInspector,
} from './resize.render.js';
import { wireInput } from './resize.input.js';
import { wireControls } from './resize.controls.js';
import { detailZoom } from './resize.focus.js';

const $ = (id) => document.getElementById(id);

function setPick(p) {
  S.pick = p;
  lab.viewer.setPick(p);
  saveHashSoon();
  schedule();
}

function makeViewer() {
  const viewer = new Viewer($('stage'), {
    onPick: (p, which) => {
      const same = S.pick && S.pick.x === p.x && S.pick.y === p.y && S.pickSlot === which;
      S.pickSlot = which;
      // bring the inspector into view once it shows this pixel (now, if it already does)
      if (same && lab.have.ins) revealInspector();
      else lab.revealInspector = true;
      setPick(p);
    },
    onMove: (dx, dy) => {
      lab.revealInspector = false; // arrow keys: the focus stays on the image, the page stays put
      const a = lab.have.a;
      if (!a) return;
      const p = S.pick || { x: 0, y: 0 };
      const np = {
        x: Math.min(a.w - 1, Math.max(0, p.x + dx)),
        y: Math.min(a.h - 1, Math.max(0, p.y + dy)),
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
    detailZoom: () => (lab.have.a && lab.source ? detailZoom(lab.have.a.w / lab.source.w) : 1),
  });
  viewer.setMode(S.v);
  viewer.setPick(S.pick);
  return viewer;
}

/** A link edited by hand or followed: the new state, a new sample if it names another one. */
function followHash() {
  const before = S.src;
  const rejected = [];
  loadState(rejected);
  noteIgnoredHash(rejected);
  if (S.src === 'own' && lab.source?.spec.kind !== 'file') {
    showNotice(codedError('own_not_in_link'));
    S.src = 'photo';
    saveHash();
  }
  syncControls();
  if (S.initialView) {
    lab.viewer.setView(S.initialView);
    S.initialView = null;
  }
  lab.viewer.setPick(S.pick);
  if (S.src !== before && S.src !== 'own') requestLoad(SAMPLES[S.src], { keepNotice: true, fromHash: true });
  else {
    lab.blocked = null; // a link the user followed or edited: what Cancel stopped may run again
    schedule();
  }
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

function wire() {
  wireInput();
  wireControls();
  onStateChange(followHash);
  document.addEventListener('langchange', rerenderAll);
  addEventListener('resize', () => {
    if (S.v === 'diff') renderDiff();
  });
}

async function main() {
  await initI18n();
  const rejected = [];
  loadState(rejected);
  if (rejected.length) noteIgnoredHash(rejected);
  lab.viewer = makeViewer();
  wire();
  syncControls();
  lab.engine = new Engine();
  let info;
  try {
    info = await lab.engine.call('start');
  } catch (err) {
    throw await explainStart(err);
  }
  lab.maxPixels = info.maxPixels;
  lab.maxSide = info.maxSide;
  if (S.src === 'own') {
    showNotice(codedError('own_not_in_link'));
    S.src = 'photo';
  }
  requestLoad(SAMPLES[S.src], { initial: true });

  // for tests and the curious: what the page shows right now
  const { have } = lab;
  window.__resizeLab = {
    get state() {
      return JSON.parse(JSON.stringify({ ...S, initialView: undefined }));
    },
    get source() {
      const { source } = lab;
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
    viewer: lab.viewer,
    maxPixels: lab.maxPixels,
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
