//! Convolution and receptive-field lab (entry). A layer stack (edited here, kept in the URL hash)
//! runs through the wasm build: `convStackPlan` gives every feature map's shape, receptive field
//! and cost (or the layer that breaks and why); `convCellMaps` gives, for the picked cell of
//! the last map, the exact support and the effective receptive field over the photo. Also: the
//! standard / separable / bottleneck cost comparison, a step-by-step conv on a small grid, and
//! classic kernels slid over the photo (weight sharing: a shifted input gives a shifted map).
//! Every number shown comes from the Rust kernels; everything runs on the main thread because a
//! click costs a few milliseconds (the cell work is done on the receptive-field crop only).
//!
//! The modules: conv.state.js (pure: presets, hash codec), conv.session.js (the live state),
//! conv.wasm.js (every wasm call), conv.image.js (the photo), conv.editor.js (the stack editor),
//! conv.table.js (the per-layer table), conv.cell.js (the picked cell on the photo),
//! conv.loupe.js (its magnified view with the ERF colour scale),
//! conv.slide.js (the step-by-step conv), conv.maps.js (feature maps and weight sharing),
//! conv.measure.js (pure: the ERF's half-mass radius, the weight-sharing comparisons).
//! This file wires them: the first load, hash changes, language changes, a new image.
import { initI18n, withLang, showError, describeError } from '../app/i18n.js';
import { onStateChange } from '../app/state.js';
import { PRESETS } from './conv.state.js';
import { S, lab, loadState, saveState } from './conv.session.js';
import { loadWasm, wasmLoaded, stackPlan } from './conv.wasm.js';
import { IMG, setImage, loadSample, sampleKey } from './conv.image.js';
import { renderPresets, renderLayers, wireEditor } from './conv.editor.js';
import { renderPlan, wireTable } from './conv.table.js';
import { boxOf, computeCell, currentCell, drawPhoto, wireCell } from './conv.cell.js';
import { slideCompute, wireSlide } from './conv.slide.js';
import { featureMaps, renderKernelInputs, wireMaps } from './conv.maps.js';

const $ = (id) => document.getElementById(id);

/** Plan the stack on the current image, then redraw the table and the cell. */
function update() {
  if (!wasmLoaded() || !IMG.tensor) return;
  try {
    lab.plan = stackPlan(S.stack, 3, IMG.h, IMG.w);
  } catch (e) {
    lab.plan = { rows: [], error: { layer: 1, message: describeError(e) } };
  }
  renderPlan();
  computeCell();
  document.body.dataset.convReady = '1';
}

/** Put S's values into the page's static controls. */
function applyControls() {
  $('show-box').checked = S.show.box;
  $('show-support').checked = S.show.support;
  $('show-erf').checked = S.show.erf;
  $('draws').value = String(S.draws);
  $('seed').value = String(S.seed);
  $('compare').checked = S.compare;
  $('sl-s').value = String(S.sl.s);
  $('sl-p').value = String(S.sl.p);
  $('sl-d').value = String(S.sl.d);
  $('fm-kernel').value = S.fm.kernel;
  $('fm-pool').value = S.fm.pool;
  $('fm-dx').value = String(S.fm.dx);
  $('fm-dy').value = String(S.fm.dy);
}

/** Wait for a new image, then redraw everything that depends on it (or show why it failed). */
async function withImage(promise) {
  const ie = $('image-error');
  try {
    await promise;
    ie.hidden = true;
    drawPhoto();
    renderLayers();
    S.cell = null;
    update();
    featureMaps();
  } catch (e) {
    ie.hidden = false;
    ie.textContent = describeError(e);
    document.body.dataset.imageError = String(Number(document.body.dataset.imageError || 0) + 1);
  } finally {
    $('file').value = '';
    $('image-choice').value = sampleKey() ?? 'own';
  }
}

function wire() {
  wireEditor(update);
  wireCell();
  wireTable();
  wireSlide();
  wireMaps();
  $('image-choice').addEventListener('change', async () => {
    const v = $('image-choice').value;
    if (v === 'own') {
      $('file').click();
      return;
    }
    await withImage(loadSample(v));
    saveState();
  });
  $('file').addEventListener('change', async () => {
    const f = $('file').files?.[0];
    if (!f) return;
    await withImage(setImage(f, f.name));
  });
  onStateChange(async () => {
    const before = S.image;
    loadState();
    applyControls();
    if (S.image !== before) await withImage(loadSample(S.image));
    renderAll();
  });
  document.addEventListener('langchange', () => {
    if (wasmLoaded()) renderAll();
  });
}

function renderAll() {
  renderPresets();
  renderLayers();
  renderKernelInputs();
  update();
  slideCompute();
  featureMaps();
  for (const a of document.querySelectorAll('a[data-keep-lang]')) {
    a.href = withLang(a.getAttribute('href').split('#')[0]);
  }
}

async function main() {
  loadState();
  wire();
  applyControls();
  await initI18n();
  await loadWasm();
  await loadSample(S.image);
  $('image-choice').value = S.image;
  drawPhoto();
  renderAll();
  window.__convLab = { S, plan: () => lab.plan, cell: currentCell, PRESETS, boxOf };
}

main().catch((err) => {
  showError(err);
  document.body.dataset.convReady = 'error';
});
