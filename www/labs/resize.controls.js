//! The resize lab's controls: output size (scale slider and box, presets, W x H with the aspect
//! lock), method A with its bilinear convention and browser quality, the view (single, side by
//! side, split, |A − B|) with method B and the split line, zoom buttons, download, cancel and the
//! notice's close button. Each edits S, records it in the hash and asks the job loop for the rest.
import { codedError } from '../app/errors.js';
import { S, lab, saveHash, saveHashSoon } from './resize.session.js';
import { SCALE_MIN, SCALE_MAX, scaleOfSlider, isSizeRefusal } from './resize.state.js';
import { schedule, cancel, download } from './resize.jobs.js';
import { showNotice, clearNotice, clearNoticeOf } from './resize.notice.js';
import { syncControls, renderLabels, renderDiff } from './resize.render.js';

const $ = (id) => document.getElementById(id);

/** A setting the user changed: what Cancel (or a trap) stopped may run again, then catch up. */
function runAgain() {
  lab.blocked = null;
  schedule();
}

/** Notices a new size makes obsolete: a refused or replaced size, a refused entry. */
const sizeNotice = (err) => isSizeRefusal(err) || ['size_fallback', 'bad_size', 'bad_scale', 'scale_range'].includes(err.code);

function setScale(s) {
  S.sizeMode = 'scale';
  S.s = Math.min(SCALE_MAX, Math.max(SCALE_MIN, s));
  clearNoticeOf(sizeNotice);
  syncControls();
  saveHash();
  runAgain();
}

function applySize() {
  const w = Math.round(+$('out-w').value);
  const h = Math.round(+$('out-h').value);
  if (!(w >= 1 && h >= 1)) {
    // an entry the number field could not read (1e309, a lone '-') reaches us as ''
    const shown = (el) => el.value || (el.validity.badInput ? '?' : '');
    showNotice(codedError('bad_size', { w: shown($('out-w')), h: shown($('out-h')) }));
    syncControls();
    return;
  }
  S.sizeMode = 'size';
  S.w = w;
  S.h = h;
  clearNoticeOf(sizeNotice);
  syncControls();
  saveHash();
  runAgain();
}

function wireSize() {
  for (const r of document.querySelectorAll('input[name="sizemode"]')) {
    r.addEventListener('change', () => {
      if (r.value === 'scale') setScale(S.s);
      else applySize();
    });
  }
  $('scale-range').addEventListener('input', (e) => setScale(scaleOfSlider(+e.target.value)));
  $('scale').addEventListener('change', (e) => {
    const got = e.target.value; // (read before setScale writes the factor in effect back)
    const v = parseFloat(got);
    const range = { min: SCALE_MIN, max: SCALE_MAX };
    if (Number.isFinite(v) && v > 0) {
      setScale(v);
      // outside the slider's range: say which factor is used instead
      if (v !== S.s) showNotice(codedError('scale_range', { got, s: S.s, ...range }));
    } else {
      showNotice(codedError('bad_scale', { s: S.s, ...range }));
      syncControls();
    }
  });
  for (const b of document.querySelectorAll('[data-scale]')) b.addEventListener('click', () => setScale(+b.dataset.scale));
  // x2, x3, x4 beside the result (issue 10, defect 5): on a phone the size panel is further down
  for (const b of document.querySelectorAll('[data-quick-scale]')) b.addEventListener('click', () => setScale(+b.dataset.quickScale));
  const aspect = () => (lab.source ? lab.source.h / lab.source.w : 1);
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
    if (S.lock && lab.source) $('out-h').value = Math.max(1, Math.round(+$('out-w').value * aspect()));
    saveHash();
  });
}

/** Edit S, redraw what shows it, record it in the hash and let the job loop catch up. */
function change(edit, redraw = syncControls) {
  edit();
  redraw();
  saveHash();
  runAgain();
}

function wireMethod() {
  $('method').addEventListener('change', (e) => change(() => { S.m = e.target.value; }));
  for (const r of document.querySelectorAll('input[name="conv"]')) {
    r.addEventListener('change', () => change(() => { S.conv = r.value; }));
  }
  $('quality').addEventListener('change', (e) => change(() => { S.q = e.target.value; }, () => {}));
}

function wireView() {
  for (const b of document.querySelectorAll('[data-view]')) {
    b.addEventListener('click', () => change(() => { S.v = b.dataset.view; }, () => {
      syncControls();
      if (S.v === 'diff') renderDiff();
    }));
  }
  $('compare').addEventListener('change', (e) => change(() => { S.b = e.target.value; }, renderLabels));
  $('diff-stretch').addEventListener('change', (e) => change(() => { lab.diffStretch = e.target.checked; }, () => {}));
  $('split').addEventListener('input', (e) => {
    S.split = +e.target.value;
    lab.viewer.setSplit(S.split);
    saveHashSoon();
  });
  $('zoom-in').addEventListener('click', () => lab.viewer.step(1));
  $('zoom-out').addEventListener('click', () => lab.viewer.step(-1));
  $('zoom-fit').addEventListener('click', () => lab.viewer.fit());
  $('zoom-1').addEventListener('click', () => lab.viewer.step(0));
}

export function wireControls() {
  wireSize();
  wireMethod();
  wireView();
  $('download').addEventListener('click', download);
  $('cancel').addEventListener('click', cancel);
  $('notice-close').addEventListener('click', clearNotice);
  $('to-image').addEventListener('click', () => {
    // from the inspector back to the picture, with the keyboard on it (arrows move the pixel)
    const canvas = document.querySelector('#stage canvas');
    $('stage').scrollIntoView({ block: 'nearest' });
    canvas?.focus({ preventScroll: true });
  });
}
