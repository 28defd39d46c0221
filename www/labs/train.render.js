//! The training lab's rendering of a frame (what the worker sends per run: metrics, info,
//! history rows, boundary/neuron heatmaps, histograms, weights, points, health): the epoch and
//! read-out, the loss curves, the decision boundaries with their points (a click adds one), the
//! colour legend, the per-layer histograms, the diagnosis and the A/B table. The network editor
//! is train.network.js. Buffers: `boundary` is `grid² x boundary_channels`, row 0 at the top
//! (x2 = +domain); `hist` is per layer 3 blocks (weights, activations, gradients) of
//! `hist_header + hist_bins` values (lo, hi, mean, sd, near-zero share, counts...).
import { t, describeError } from '../app/i18n.js';
import { fitCanvas, pointerPos } from '../app/canvas.js';
import { Plot, niceTicks, formatTick } from '../app/plot.js';
import { num } from './train.model.js';
import { COLORS, CLASS_RGB, MID, rgb, mix, divergent, fmtLoss } from './train.style.js';
import { createNetwork } from './train.network.js';

/** Axes-and-ticks margin of the boundary plots (CSS px). */
const BM = { left: 30, bottom: 30, top: 14, right: 8 };
const $ = (id) => document.getElementById(id);

/** The renderer of the page; `app` is train.js's shared state and actions. */
export function createRenderer(app) {
  const { S, view, post } = app;
  const network = createNetwork(app);
  const boundaryCanvases = [];
  let lossPlot = null;

  const runLabel = (i) => (S.abOn ? (i === 0 ? 'A' : 'B') : '');

  /** The layout may have changed (resize, language): measure and rebuild what depends on it. */
  function invalidate() {
    view.netKey = '';
    view.layoutDirty = true;
    $('histograms').dataset.key = '';
    $('legend-scale').dataset.key = '';
  }

  function renderFrame() {
    const a = view.frames[0];
    const epoch = a?.metrics?.epoch ?? 0;
    $('epoch').textContent = String(epoch).padStart(6, '0').replace(/(\d{3})(\d{3})$/, '$1,$2');
    document.body.dataset.trainEpoch = String(epoch);
    renderPlayState();
    renderReadout();
    renderLossPlot();
    renderBoundaries();
    network.renderNetwork();
    renderHistograms();
    renderDiagnosis();
    renderAbTable();
    const addErr = $('add-error');
    addErr.hidden = !view.addError;
    addErr.textContent = view.addError ? describeError(view.addError) : '';
    app.setBody(S.playing ? 'playing' : 'paused');
    view.layoutDirty = false;
  }

  function renderPlayState() {
    const play = $('play');
    const label = t(S.playing ? 'train.pause' : 'train.play');
    if (play.getAttribute('aria-label') !== label) {
      play.setAttribute('aria-label', label);
      play.title = label;
    }
    play.classList.toggle('playing', S.playing);
  }

  function renderReadout() {
    $('readout').replaceChildren(...view.frames.map((f, i) => {
      const div = document.createElement('div');
      div.className = 'readout-run';
      if (!f.metrics) {
        div.classList.add('bad');
        div.textContent = `${runLabel(i)} ${t('train.config_error', { detail: describeError(view.loadErrors[i] || f.error || '') })}`;
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
      if (i === 0 && view.lrChanges.length) {
        const c = view.lrChanges[view.lrChanges.length - 1];
        const note = document.createElement('span');
        note.className = 'lr-note';
        note.textContent = t('train.lr_changed', { lr: c.lr, epoch: c.epoch });
        div.append(' ', note);
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

  function renderLossPlot() {
    const canvas = $('loss-plot');
    if (view.layoutDirty || !view.plotWidth) view.plotWidth = canvas.parentElement.clientWidth;
    const w = Math.max(200, Math.floor(view.plotWidth));
    const h = 176;
    if (!lossPlot) {
      lossPlot = new Plot(canvas, { width: w, height: h, x: { label: t('train.epoch_axis'), min: 0 }, y: { label: t('train.loss_axis'), min: 0 } });
      lossPlot.margin = { left: 52, right: 16, top: 10, bottom: 36 };
    } else if (lossPlot.opts.width !== w) {
      lossPlot.resize(w, h);
    }
    lossPlot.opts.x.label = t('train.epoch_axis');
    lossPlot.opts.y.label = t(S.logY ? 'train.loss_axis_log' : 'train.loss_axis');
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
    // The axes are this run's own (the histories were emptied by the restart): epochs from 0
    // to the last one (at least 5), the loss from 0 (linear) or from its decades (log).
    const last = Math.max(0, ...view.histories.map((rows) => (rows.length ? rows[rows.length - 1][0] : 0)));
    lossPlot.opts.x.max = Math.max(5, last);
    lossPlot.opts.y.log = S.logY;
    lossPlot.opts.vlines = view.lrChanges.map((c) => ({ x: c.epoch }));
    if (S.logY) {
      lossPlot.opts.y.min = undefined;
      lossPlot.opts.y.max = undefined;
    } else {
      // a blow-up would flatten the curve: cap the axis at 4x the starting loss; the line runs
      // up to the edge and the escape is marked there with its value (Plot draws it clipped)
      const start = view.histories[0]?.[0];
      const cap = start ? 4 * Math.max(start[1], start[2], 1e-3) : 1;
      lossPlot.opts.y.min = 0;
      lossPlot.opts.y.max = series.length ? Math.min(Math.max(ymax, 1e-3), cap) * 1.05 : 1;
    }
    lossPlot.setSeries(series);
  }

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
    if (view.layoutDirty || !view.boxWidth) view.boxWidth = box.clientWidth;
    const width = Math.floor(view.boxWidth / n) - (n === 2 ? 6 : 0);
    const size = Math.max(140, Math.min(n === 2 ? 260 : 340, width));
    view.frames.forEach((f, i) => drawBoundary(boundaryCanvases[i], f, i, size));
    renderScaleLegend();
  }

  /** The colour of one heatmap cell (classes 0: a regression's value; 1 channel: P(class 1)). */
  function cellColor(f, cell, classes, ch) {
    const bnd = f.boundary;
    if (classes === 0) return divergent(S.discretize ? Math.sign(bnd[cell]) : bnd[cell]);
    if (ch === 1) {
      const p = bnd[cell];
      return divergent(S.discretize ? (p > 0.5 ? 1 : -1) : 2 * p - 1);
    }
    let best = 0;
    let mixc = [0, 0, 0];
    for (let k = 0; k < ch; k++) {
      const p = bnd[cell * ch + k];
      if (p > bnd[cell * ch + best]) best = k;
      mixc = [mixc[0] + p * CLASS_RGB[k][0], mixc[1] + p * CLASS_RGB[k][1], mixc[2] + p * CLASS_RGB[k][2]];
    }
    const pmax = bnd[cell * ch + best];
    const conf = Math.max(0, (pmax - 1 / ch) / (1 - 1 / ch));
    return S.discretize ? mix(MID, CLASS_RGB[best], 0.75) : mix(MID, mixc, conf);
  }

  function drawBoundary(bc, f, i, size) {
    const { canvas, off, cap } = bc;
    const label = t('train.boundary_label', { run: runLabel(i) });
    if (canvas.getAttribute('aria-label') !== label) canvas.setAttribute('aria-label', label);
    const caption = S.abOn ? `${runLabel(i)} · ${i === 0 ? t('train.config_a') : app.controls.diffList() || t('train.config_a')}` : '';
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
      const c = cellColor(f, cell, classes, ch);
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
      const lab = rows[k + 2];
      ctx.beginPath();
      ctx.arc(toX(rows[k]), toY(rows[k + 1]), 3, 0, 2 * Math.PI);
      ctx.fillStyle = classes === 0 ? rgb(divergent(lab)) : COLORS[lab % COLORS.length];
      ctx.fill();
      ctx.lineWidth = 1;
      ctx.strokeStyle = test ? '#1f2328' : '#ffffff';
      ctx.stroke();
    }
    ctx.restore();
    drawAxes(bc, ctx, d, pw, ph, toX, toY);
    bc.layout = { d, pw, ph };
  }

  function drawAxes(bc, ctx, d, pw, ph, toX, toY) {
    bc.font ??= getComputedStyle(bc.canvas).fontFamily || 'sans-serif';
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
    S.a.extraPoints = [...S.a.extraPoints, pt];
    view.addError = '';
    app.saveToHash();
    post({ type: 'addPoint', x1: pt[0], x2: pt[1], label: pt[2] });
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

  // -- histograms

  /** The rows of the histogram table: a head, then per layer a name and 3 canvas cells. */
  function buildHistograms(box, sizes) {
    const layers = sizes.length - 1;
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
    const per = hh + bins;
    if (S.playing && !view.layoutDirty && performance.now() - (view.histAt || 0) < 120 && box.dataset.key) return;
    view.histAt = performance.now();
    const key = `${sizes.length - 1}|${document.documentElement.lang}|${sizes.join(',')}|${view.layoutDirty ? Math.random() : ''}`;
    const rebuilt = box.dataset.key !== key;
    if (rebuilt) {
      box.dataset.key = key;
      buildHistograms(box, sizes);
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

  // -- diagnosis and the A/B table

  function diagnosisText(d) {
    const vars = {
      epoch: d.epoch, lr: d.lr, dead: d.dead_units, relu: d.relu_units, ratio: d.init_ratio.toFixed(1),
      loss: fmtLoss(d.loss),
    };
    return `${t(`train.reason.${d.reason}`, vars)} ${t(`train.cause.${d.cause}`, vars)}${
      d.relu_units > 0 && d.cause !== 'dead_relus' ? ` ${t('train.dead_note', vars)}` : ''}`;
  }

  /** The health card of a run that still trains: OK, or its hints. */
  function healthCard(f, label) {
    const hl = f.health;
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
    return div;
  }

  function renderDiagnosis() {
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
      } else if (f.health) {
        items.push(healthCard(f, label));
      }
    });
    $('diagnosis').replaceChildren(...items);
  }

  const AB_ROWS = [
    ['epoch', (f) => f.metrics.epoch],
    ['train_loss', (f) => fmtLoss(f.metrics.train_loss)],
    ['test_loss', (f) => fmtLoss(f.metrics.test_loss)],
    ['test_acc', (f) => (f.metrics.test_acc == null ? '—' : `${(f.metrics.test_acc * 100).toFixed(1)}%`)],
    ['near_zero', (f) => (f.health ? `${(f.health.near_zero_weights * 100).toFixed(1)}%` : '…')],
    ['dead', (f) => (f.health ? (f.health.relu_units ? `${f.health.dead_units} / ${f.health.relu_units}` : '—') : '…')],
    ['status', (f) => t(`train.status.${f.metrics.status}`, { epoch: f.metrics.best_epoch ?? '' })],
  ];

  function renderAbTable() {
    const box = $('ab-table');
    if (!S.abOn || view.frames.length < 2) {
      box.replaceChildren();
      return;
    }
    const table = document.createElement('table');
    table.className = 'ab';
    const thead = document.createElement('thead');
    const hr = document.createElement('tr');
    for (const txt of ['', 'A', `B (${app.controls.describeDiff()})`]) {
      const th = document.createElement('th');
      th.scope = 'col';
      th.textContent = txt;
      hr.append(th);
    }
    thead.append(hr);
    const tbody = document.createElement('tbody');
    for (const [key, fn] of AB_ROWS) {
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

  return { renderFrame, renderPlayState, invalidate, lossSummary: () => (lossPlot ? structuredClone(lossPlot.summary) : null) };
}
