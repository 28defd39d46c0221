//! What the resize lab tells the user about its work: the progress line of a running job (shown
//! only after BUSY_DELAY ms, with the worker's stage and fraction) and the notice box of a failure
//! (a coded error, `{code, vars}`, in the lab's own words and the page's language; the previous
//! result stays on screen and the notice says so).
import { t, has, describeError } from '../app/i18n.js';
import { lab } from './resize.session.js';
import { mp } from './resize.state.js';

const BUSY_DELAY = 200; // ms before a job shows its progress
const $ = (id) => document.getElementById(id);

// ---- progress ------------------------------------------------------------------------------

const busyJobs = new Set();
let busyTick = 0;

/** Start showing job `text`; the returned job has `progress({stage, fraction})` and `end()`. */
export function busyStart(text) {
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

export function renderBusy() {
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

let noticeErr = null;

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
  if (code === 'size_fallback') return describeFallback(err.vars);
  if (code && has(`resize.err.${code}`)) return t(`resize.err.${code}`, vars);
  if (code === 'wasm_missing' || code === 'wasm_load') return t(`error.${code}`, vars);
  // anything else, e.g. another coded error from Rust: the generic notice around its own text
  return t('resize.err.generic', { detail: describeError(err) });
}

/** A new input over a limit at the current settings, and the largest size the lab chose instead. */
function describeFallback(v) {
  const why = v.reasons.map((r) => (r === 'side'
    ? t('resize.fallback.side', { max: v.maxSide })
    : t('resize.fallback.pixels', { limit: mp(v.maxPixels, 1) }))).join(t('resize.fallback.and'));
  const size = { w: v.w, h: v.h, mp: mp(v.w, v.h) };
  const to = v.to.s !== undefined ? t('resize.fallback.to_scale', { s: v.to.s, ...size }) : t('resize.fallback.to_size', size);
  const vars = { ow: v.ow, oh: v.oh, omp: mp(v.ow, v.oh), why, to };
  // a factor: "this image at x3 would be ..."; a size asked for: "an output of W x H is ..."
  if (v.from.s !== undefined) return t('resize.err.size_fallback', { from: `×${v.from.s}`, ...vars });
  return t('resize.err.size_fallback_wh', vars);
}

export function showNotice(err) {
  noticeErr = err;
  renderNotice();
}

export function renderNotice() {
  const box = $('notice');
  if (!noticeErr) {
    box.hidden = true;
    return;
  }
  let text = describe(noticeErr);
  // (a fall-back is not a failure: its result replaces the previous one)
  // (not after what is no failure of a result: a cancel, a fall-back or a corrected entry)
  const news = ['cancelled_by_user', 'cancelled_stopped', 'size_fallback', 'bad_scale', 'scale_range'];
  if (lab.have.a && !news.includes(noticeErr.code)) text += ` ${t('resize.err.kept')}`;
  $('notice-text').textContent = text;
  box.dataset.code = noticeErr.code || '';
  box.hidden = false;
}

export function clearNotice() {
  noticeErr = null;
  renderNotice();
}

/** Clear the notice if `kind(error)` says it is of that kind (a new size clears a refused one). */
export function clearNoticeOf(kind) {
  if (noticeErr && kind(noticeErr)) clearNotice();
}
