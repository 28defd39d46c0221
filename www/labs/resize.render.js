//! The resize lab's panels, drawn from the live state (resize.session.js): the controls set to S,
//! the input's thumbnail and facts, the output size line, the zoom label, the timing of result A
//! and the table of recent runs, the |A − B| legend and statistics, the viewer's pane labels and
//! the pixel inspector (resize.inspector.js). Reads state, never changes it (except the
//! inspector's channel tabs, which set S.ch).
import { t, has, pluralKey } from '../app/i18n.js';
import { fitCanvas, inferno } from '../app/canvas.js';
import { integerTicks, diffScale } from '../app/plot.js';
import { S, lab, saveHash } from './resize.session.js';
import { outSize, round, mp, sliderOfScale } from './resize.state.js';
import { fmt } from './resize.formula.js';
import { renderInspector } from './resize.inspector.js';

const RUNS_KEPT = 12;
const $ = (id) => document.getElementById(id);
const runs = [];

/** A method's short name in the page's language. */
export const label = (method) => t(`resize.short.${method}`);

/** Put S's values into the page's controls (and the viewer's mode and split). */
export function syncControls() {
  const { source, viewer } = lab;
  for (const r of document.querySelectorAll('input[name="sizemode"]')) r.checked = r.value === S.sizeMode;
  const scale = S.sizeMode === 'scale' ? S.s : source ? (outSize(S, source).w / source.w) : S.s;
  $('scale').value = String(round(scale, 3)); // in W x H mode: the horizontal ratio, even beyond 0.1-8
  $('scale-range').value = String(sliderOfScale(scale));
  const size = outSize(S, source);
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
  for (const b of document.querySelectorAll('[data-scale], [data-quick-scale]')) {
    const s = +(b.dataset.scale ?? b.dataset.quickScale);
    b.setAttribute('aria-pressed', String(S.sizeMode === 'scale' && Math.abs(s - S.s) < 1e-9));
  }
  renderSizeInfo();
  if (viewer) {
    viewer.setMode(S.v);
    viewer.setSplit(S.split);
  }
  renderLabels();
}

function renderSizeInfo() {
  const { source } = lab;
  const size = outSize(S, source);
  $('size-info').textContent = size
    ? t('resize.size_info', { iw: source.w, ih: source.h, w: size.w, h: size.h, mp: mp(size.w, size.h), limit: mp(lab.maxPixels, 1) })
    : '';
}

export function renderSource() {
  const { source } = lab;
  if (!source) return;
  const key = source.spec.kind === 'chart' ? 'resize.source_chart' : source.exact ? 'resize.source_exact' : 'resize.source_browser';
  $('source-info').textContent = t(key, { name: source.name, w: source.w, h: source.h, format: source.format });
  const c = $('thumb');
  const s = Math.min(72 / source.w, 54 / source.h);
  const ctx = fitCanvas(c, 72, 54);
  ctx.imageSmoothingQuality = 'high';
  ctx.drawImage(source.bitmap, (72 - source.w * s) / 2, (54 - source.h * s) / 2, source.w * s, source.h * s);
}

/** Redraw the viewer and its zoom label. */
export function renderLabels() {
  const { viewer } = lab;
  if (!viewer) return;
  viewer.drawNow();
  const z = viewer.view.z;
  $('zoom-level').textContent = `${z >= 10 ? Math.round(z * 100) : fmt(z * 100, 1)}%`;
  $('zoom-level').title = z < 1 ? t('resize.zoom_smoothed') : t('resize.zoom_crisp');
}

export function renderTiming() {
  const { source } = lab;
  const a = lab.have.a;
  if (!a || !source) return;
  const mps = (a.w * a.h) / 1e6 / Math.max(1e-3, a.ms / 1000);
  $('timing').textContent = t('resize.timing', {
    method: label(a.method), iw: source.w, ih: source.h, w: a.w, h: a.h, mp: mp(a.w, a.h),
    ms: fmt(a.ms, a.ms < 10 ? 2 : 1), mps: fmt(mps, mps < 10 ? 2 : 0), total: fmt(a.totalMs, 0),
  });
  $('download').textContent = t('resize.download_size', { w: a.w, h: a.h });
}

/** Add a finished resize ({method, w, h, ms}) to the top of the runs table. */
export function logRun(r) {
  runs.unshift({ method: r.method, w: r.w, h: r.h, ms: r.ms });
  runs.length = Math.min(runs.length, RUNS_KEPT);
  renderRuns();
}

export function renderRuns() {
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

/** The viewer's pane labels: which method each pane shows (or is on its way). */
export function viewerLabels() {
  const { have } = lab;
  const a = have.a ? `A · ${label(have.a.method)}` : '';
  const b = have.b ? `B · ${label(have.b.method)}` : S.v !== 'single' ? `B · ${label(S.b)} …` : '';
  const d = have.diff ? `|A − B| · ${label(have.diff.methods[0])} vs ${label(have.diff.methods[1])}` : '|A − B| …';
  return { a, b, diff: d };
}

/**
 * The |A − B| colour bar with its ticks, and the difference statistics. The bar spans 0 to the
 * result's `scale` (the largest difference when stretched, else at least DIFF_MIN_RANGE levels);
 * ticks are whole levels, never repeated; "1 level" is singular.
 */
export function renderDiff() {
  const d = lab.have.diff;
  const canvas = $('legend');
  const width = Math.max(200, canvas.parentElement.clientWidth || 300);
  const height = 56;
  const ctx = fitCanvas(canvas, width, height);
  ctx.clearRect(0, 0, width, height);
  $('diff-stretch').checked = !!lab.diffStretch;
  if (!d) {
    $('diff-stats').textContent = '';
    $('diff-scale').textContent = '';
    return;
  }
  const scale = d.scale ?? diffScale(d.max, d.stretch);
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
  // where the largest difference sits on the bar (when the scale reaches beyond it)
  if (d.max < scale) {
    const xm = Math.round(x0 + (d.max / scale) * (x1 - x0)) + 0.5;
    ctx.strokeStyle = '#ffffff';
    ctx.lineWidth = 2;
    ctx.beginPath();
    ctx.moveTo(xm, barY);
    ctx.lineTo(xm, barY + barH);
    ctx.stroke();
    ctx.lineWidth = 1;
    ctx.strokeStyle = '#57606a';
  }
  const font = getComputedStyle(document.body).fontFamily;
  ctx.font = `11px ${font}`;
  ctx.fillStyle = '#1f2328';
  ctx.textAlign = 'center';
  ctx.textBaseline = 'top';
  const { ticks } = integerTicks(0, scale, Math.max(2, Math.floor((x1 - x0) / 60)));
  const labels = ticks.map((v) => String(v));
  ticks.forEach((v, i) => {
    const x = Math.round(x0 + (v / scale) * (x1 - x0)) + 0.5;
    ctx.beginPath();
    ctx.moveTo(x, barY + barH);
    ctx.lineTo(x, barY + barH + 4);
    ctx.stroke();
    ctx.fillText(labels[i], x, barY + barH + 5);
  });
  ctx.textBaseline = 'bottom';
  ctx.fillText(t('resize.legend'), (x0 + x1) / 2, height - 1);
  canvas.dataset.ticks = labels.join(' ');
  canvas.dataset.scale = String(scale);
  $('diff-scale').textContent = t(scale > d.max ? 'resize.diff_scale_min' : 'resize.diff_scale', { scale });
  $('diff-stats').textContent = t(pluralKey('resize.diff_stats', d.max, has), {
    max: d.max, mean: fmt(d.mean, 3), changed: d.changed.toLocaleString('en-US'),
    pct: fmt((100 * d.changed) / d.n, 2), n: d.n.toLocaleString('en-US'),
  });
  canvas.dataset.max = String(d.max);
}

/** The inspector panel for the last inspection (empty without one). */
export function renderInspectorPanel() {
  const root = $('inspector');
  const { source } = lab;
  const ins = lab.have.ins?.r;
  if (!ins || !source) {
    root.replaceChildren();
    return;
  }
  renderInspector(root, ins, {
    t,
    which: `${lab.have.ins.slot.toUpperCase()} · ${label(ins.method)}`,
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

/**
 * The answer to a click or tap on the image, brought into view (issue 10, defect 5): beside the
 * image on a wide screen it is already there (its own scroll goes back to the top); below it,
 * the page scrolls just enough to show the pixel's summary (the image mostly stays in view);
 * either way it flashes once.
 */
export function revealInspector() {
  const panel = $('inspector').closest('.inspector');
  panel.classList.remove('ins-flash');
  void panel.offsetWidth; // restart the animation
  panel.classList.add('ins-flash');
  const top = panel.querySelector('.ins-summary'); // pixel, value, check: not the figure too
  if (!top) return;
  panel.scrollTop = 0; // beside the image the panel scrolls on its own
  const r = top.getBoundingClientRect();
  if (r.top >= 0 && r.bottom <= innerHeight) return;
  const smooth = !matchMedia('(prefers-reduced-motion: reduce)').matches;
  top.scrollIntoView({ block: 'nearest', behavior: smooth ? 'smooth' : 'auto' });
}
