//! The resize lab's job loop: `schedule()` works towards the current state one worker job at a
//! time (load an input, resize A, resize B, diff, inspect the picked pixel), always from the
//! latest state, so a dragged slider never queues stale work. Each job shows its progress, hands
//! its ImageBitmaps to the viewer and keeps the previous result on any failure: a refused size or
//! a failed resize goes back to the last settings that worked on this input, a trap restarts the
//! worker. A new input whose output is over a limit at the current settings (where the last
//! settings that worked belong to another input) falls back to the largest size that fits.
//! Every automatic change of settings leads to settings that work or to a stop, never round again:
//! a revert goes only to settings that worked on the input shown; a fall-back is tried once per
//! key; a key stopped by a trap or Cancel is not retried by itself (`lab.blocked`).
//! Also cancel (a fresh worker, the same input) and the PNG download.
//!
//! Result keys: `${source id}|${w}x${h}|${method}` for A and B, `${keyA}~${keyB}` for the diff,
//! `${slot}:${key}@${x},${y}` for an inspection; `have.failed` holds the key that failed last so
//! the loop does not retry it until the state changes.
import { codedError } from '../app/errors.js';
import { t, showError } from '../app/i18n.js';
import { S, lab, saveHash } from './resize.session.js';
import {
  methodA, outSize, snapshot, FIRST_GOOD, srcOfKind, mp, isSizeRefusal, largestFit, SAMPLES,
} from './resize.state.js';
import { busyStart, showNotice, clearNotice } from './resize.notice.js';
import {
  label, syncControls, renderSource, renderLabels, renderTiming, logRun, renderDiff, renderInspectorPanel, revealInspector,
} from './resize.render.js';
import { DIFF_MIN_RANGE } from '../app/plot.js';
import { detailZoom, interestingPoint } from './resize.focus.js';

const $ = (id) => document.getElementById(id);

let pumping = false;
let again = false;

/** Work towards the current state, one worker job at a time, until nothing is left to do. */
export function schedule() {
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
      lab.viewer?.drawNow();
      document.body.dataset.lab = 'idle';
    }
  })();
}

/** Load `spec` ({kind: 'sample' | 'chart' | 'file', name, url | blob}) next. opts: restore (the
 * same input again, state kept), initial (the page's first input), fallback (the chart after a
 * failed first load), fromHash (a link changed the sample), keepNotice. */
export function requestLoad(spec, opts = {}) {
  lab.pendingLoad = { spec, opts };
  schedule();
}

/** Go back to the size and method of the last result that worked. */
export function revert() {
  Object.assign(S, lab.lastGood ?? FIRST_GOOD);
  syncControls();
  saveHash();
}

/** Whether the last settings that worked, worked on the input shown now and differ from S. */
const canRevert = () => lab.lastGood && lab.source && lab.lastGoodSrc === lab.source.id
  && JSON.stringify(lab.lastGood) !== JSON.stringify(snapshot(S));

/**
 * S asks for an output over a limit (`refused`, a coded too_wide or pixel_limit) and there are no
 * settings of this input to go back to (a new input at a factor too large for it): switch to the
 * largest size that fits and say so. Returns false if that was already tried for this very key.
 */
function fallBack(refused, keyA, size) {
  const { source } = lab;
  if (lab.fallbackKey === keyA) return false;
  const from = S.sizeMode === 'scale' ? { s: S.s } : { w: S.w, h: S.h };
  Object.assign(S, largestFit(S, source, { maxPixels: lab.maxPixels, maxSide: lab.maxSide }));
  const to = outSize(S, source);
  lab.fallbackKey = `${source.id}|${to.w}x${to.h}|${methodA(S)}`;
  // every limit the asked size is over (the worker names only the first it checks)
  const reasons = [];
  if (size.w * size.h > lab.maxPixels) reasons.push('pixels');
  if (size.w > lab.maxSide || size.h > lab.maxSide) reasons.push('side');
  if (!reasons.length) reasons.push(refused.code === 'too_wide' ? 'side' : 'pixels');
  const vars = {
    reasons, ow: size.w, oh: size.h, w: to.w, h: to.h,
    from, to: S.sizeMode === 'scale' ? { s: S.s } : { w: to.w, h: to.h }, maxPixels: lab.maxPixels, maxSide: lab.maxSide,
  };
  showNotice(codedError('size_fallback', vars, `${size.w}x${size.h} is over a limit; using ${to.w}x${to.h}`));
  syncControls();
  saveHash();
  return true;
}

/** Run the next job the state asks for; false when there is nothing left to do. */
async function step() {
  const { have, source, engine } = lab;
  if (lab.pendingLoad) {
    const job = lab.pendingLoad;
    lab.pendingLoad = null;
    await doLoad(job);
    return true;
  }
  if (!source) return false;
  const size = outSize(S, source);
  const mA = methodA(S);
  const keyA = `${source.id}|${size.w}x${size.h}|${mA}`;
  if (have.a?.key !== keyA) {
    if (have.failed === keyA || lab.blocked === keyA) return false;
    // The worker knows the limits (the pixel limit lives in Rust): a size over one is refused
    // with its coded error before any work, and the settings go back to the last good ones of
    // this input, or (a new input) to the largest size that fits.
    const refused = await engine.call('check', { w: size.w, h: size.h }).then(() => null, (err) => err);
    if (refused && isSizeRefusal(refused)) {
      if (canRevert()) {
        showNotice(refused);
        revert();
        return true;
      }
      if (fallBack(refused, keyA, size)) return true;
      showNotice(refused); // the fall-back itself was refused: stop here, with the reason shown
      have.failed = keyA;
      return false;
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
      const keyD = `${keyA}~${keyB}${lab.diffStretch ? '~stretch' : ''}`;
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
    lab.viewer.setPick(S.pick);
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
    const r = await lab.engine.call('load', { source: spec }, { onProgress: job.progress });
    const prev = lab.source;
    // the same input again (after Cancel or a trap) keeps its id: what worked or was stopped on it
    // still applies
    const id = opts.restore && prev ? prev.id : ++lab.srcSeq;
    lab.source = { id, w: r.w, h: r.h, format: r.format, exact: r.exact, name: spec.name, spec, bitmap: r.bitmap };
    invalidate(); // the worker dropped its results with the old input
    if (!opts.restore) {
      S.src = srcOfKind(spec.kind);
      if (!opts.initial) {
        if (!opts.fromHash) S.pick = null;
        lab.needFit = true;
        if (S.sizeMode === 'size' && S.lock && S.w) S.h = Math.max(1, Math.round((S.w * r.h) / r.w));
        if (!opts.keepNotice) clearNotice();
      } else {
        lab.needFit = true;
      }
    }
    prev?.bitmap.close();
    renderSource();
    syncControls();
    saveHash();
  } catch (err) {
    if (err.code === 'cancelled') return;
    if (!lab.source && !opts.fallback && spec.kind !== 'chart') {
      // nothing shown yet (the first load failed): say why, and fall back to the chart
      showNotice(err);
      lab.pendingLoad = { spec: SAMPLES.chart, opts: { initial: true, fallback: true } };
    } else if (!lab.source) {
      showError(err);
    } else {
      showNotice(err);
    }
  } finally {
    job.end();
  }
}

/** Drop bitmap `k` of `have` from the viewer and from the page. */
function dropResult(k) {
  lab.viewer.setImages({ [k]: null });
  lab.have[k].bitmap.close();
  delete lab.have[k];
}

async function runResize(slot, size, method, key) {
  const { have, viewer } = lab;
  const job = busyStart(t('resize.busy.resize', { w: size.w, h: size.h, mp: mp(size.w, size.h), method: label(method) }));
  if (slot === 'a') lab.runningA = key;
  try {
    const r = await lab.engine.call('resize', { slot: slot.toUpperCase(), w: size.w, h: size.h, method }, { onProgress: job.progress });
    const old = have[slot];
    have[slot] = { key, ...r };
    const other = slot === 'a' ? 'b' : 'a';
    // the worker freed the other result (another size); stop showing it
    if (have[other] && (have[other].w !== r.w || have[other].h !== r.h)) dropResult(other);
    if (have.diff && !have.diff.key.includes(key)) dropResult('diff');
    viewer.setImages({ [slot]: r.bitmap, w: r.w, h: r.h });
    old?.bitmap.close();
    if (slot === 'a') {
      lab.lastGood = snapshot(S);
      lab.lastGoodSrc = lab.source.id;
      if (S.initialView && Number.isFinite(S.initialView.cx) && Number.isFinite(S.initialView.cy)) {
        viewer.setView(S.initialView); // the zoom and pan of a shared link
        lab.needFit = false;
      } else if (lab.needFit) {
        openResult(r);
        lab.needFit = false;
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
    if (slot === 'a' && canRevert()) revert();
    else have.failed = key;
  } finally {
    if (slot === 'a') lab.runningA = null;
    job.end();
  }
}

/**
 * Show a new input's first result where the method's effect shows (issue 10, defect 5): the whole
 * image if it fits at the detail zoom, else a crop at that zoom around the picked pixel, or, with
 * none picked, around the busiest part of the picture (which is then picked and inspected).
 */
function openResult(r) {
  const { source, viewer } = lab;
  const s = r.w / source.w;
  const z = detailZoom(s);
  if (viewer.fitZoom() >= z) {
    viewer.fit();
    return;
  }
  if (!S.pick || S.pick.x >= r.w || S.pick.y >= r.h) {
    const pane = viewer.paneSize();
    const p = interestingPoint(source.bitmap, source.w, source.h, Math.min(pane.w, pane.h) / (z * s) / 2);
    S.pick = {
      x: Math.min(r.w - 1, Math.floor((p.x * r.w) / source.w)),
      y: Math.min(r.h - 1, Math.floor((p.y * r.h) / source.h)),
    };
    viewer.setPick(S.pick);
  }
  viewer.open(z, S.pick);
}

async function runDiff(key) {
  const { have } = lab;
  const job = busyStart(t('resize.busy.diff'));
  try {
    const r = await lab.engine.call('diff', { stretch: !!lab.diffStretch, minRange: DIFF_MIN_RANGE }, { onProgress: job.progress });
    const old = have.diff;
    have.diff = { key, ...r };
    lab.viewer.setImages({ diff: r.bitmap });
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
    const r = await lab.engine.call('inspect', { slot: slot.toUpperCase(), x: S.pick.x, y: S.pick.y });
    lab.have.ins = { key, r, slot };
    renderInspectorPanel();
    if (lab.revealInspector) {
      // the answer to a click or tap: in view, with a cue (issue 10, defect 5)
      lab.revealInspector = false;
      revealInspector();
    }
  } catch (err) {
    if (err.code === 'cancelled') return;
    if (err.fatal) return recoverFromTrap(err);
    showNotice(err);
    lab.have.failed = key;
  } finally {
    job.end();
  }
}

/**
 * The worker no longer holds the results (new input, or a new worker): keep showing their bitmaps
 * until the new ones arrive (which closes them), but never treat them as current.
 */
function invalidate() {
  const { have } = lab;
  for (const k of ['a', 'b', 'diff']) if (have[k]) have[k].key = `stale:${have[k].key}`;
  delete have.ins;
  delete have.failed;
}

/** A fresh worker, the last settings that worked on this input, the same input loaded again. The
 * resize of A that was stopped is not run again by itself (it may trap again, or be what the user
 * cancelled); any other settings are. */
function restartWorker() {
  if (lab.runningA) lab.blocked = lab.runningA;
  lab.runningA = null;
  const reverted = canRevert();
  if (reverted) revert();
  lab.engine.restart();
  invalidate();
  if (lab.source) lab.pendingLoad = { spec: lab.source.spec, opts: { restore: true } };
  return reverted;
}

function recoverFromTrap(err) {
  showNotice(err);
  restartWorker();
}

/** Stop the running job: a fresh worker, the last settings that worked, the same input. */
export function cancel() {
  // back to the settings that worked on this input, or (none yet) stopped until a setting changes
  showNotice(codedError(restartWorker() ? 'cancelled_by_user' : 'cancelled_stopped'));
  schedule();
}

/** Encode result A as a PNG in the worker and hand it to the browser as a download. */
export async function download() {
  const job = busyStart(t('resize.busy.encode'));
  $('download').disabled = true;
  try {
    const r = await lab.engine.call('png', { slot: 'A' }, { onProgress: job.progress });
    const url = URL.createObjectURL(r.blob);
    const a = document.createElement('a');
    const base = (lab.source.name || 'image').replace(/\.[a-z0-9]+$/i, '').replace(/[^\w.-]+/g, '_') || 'image';
    a.href = url;
    a.download = `${base}-${r.method}-${r.w}x${r.h}.png`;
    document.body.append(a);
    a.click();
    a.remove();
    setTimeout(() => URL.revokeObjectURL(url), 60000);
  } catch (err) {
    if (err.code !== 'cancelled') showNotice(err);
  } finally {
    $('download').disabled = !lab.have.a;
    job.end();
  }
}
