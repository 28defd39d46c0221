//! The training lab's network editor: the input features (toggle buttons with their heatmaps,
//! computed by the Rust feature code in the worker: `featureMaps`), the hidden-layer columns
//! (add/remove units), and on one canvas the weighted links and every hidden unit's heatmap.
//! Frame buffers used: `weights` (every dense layer's `[out, in]` block, layer by layer) and
//! `neurons` (`nodes x neuron_grid²`: the selected features, then each hidden unit).
import { t, tn } from '../app/i18n.js';
import { fitCanvas } from '../app/canvas.js';
import { maxAbs, paintDivergent } from './train.style.js';

/** Link strengths drawn as separate paths per sign: 16 strokes instead of one per weight. */
const LEVELS = 8;

/** The network editor of the page; `app` is train.js's shared state and actions. */
export function createNetwork(app) {
  const { S, view, model } = app;
  const $ = (id) => document.getElementById(id);

  function drawThumb(canvas, values, gn, offset) {
    if (canvas.width !== gn) {
      canvas.width = gn;
      canvas.height = gn;
    }
    const ctx = canvas.getContext('2d');
    const img = ctx.createImageData(gn, gn);
    paintDivergent(img.data, values, offset, gn * gn, maxAbs(values, offset, gn * gn));
    ctx.putImageData(img, 0, 0);
  }

  /** The feature buttons' heatmaps for a domain and grid: asked from the worker once, drawn
   * whenever the buttons are new. */
  function renderFeatureThumbs(box, d, gn) {
    const key = `${d}|${gn}`;
    if (view.featureMaps?.key !== key) {
      if (view.featureAsked !== key) {
        view.featureAsked = key;
        app.post({ type: 'featureMaps', features: model.features, grid: gn, domain: d, key });
      }
      return;
    }
    if (view.featureDomain === key) return;
    view.featureDomain = key;
    for (const b of box.querySelectorAll('.node.feature')) {
      drawThumb(b.querySelector('canvas'), view.featureMaps.values, gn, model.features.indexOf(b.dataset.feature) * gn * gn);
    }
  }

  function featureButton(name, r, geo, cfg) {
    const b = document.createElement('button');
    b.type = 'button';
    b.className = 'node feature';
    b.dataset.feature = name;
    b.style.left = `${geo.fx}px`;
    b.style.top = `${geo.headH + r * (geo.node + geo.gap)}px`;
    b.setAttribute('aria-pressed', String(cfg.features.includes(name)));
    b.setAttribute('aria-label', t('train.toggle_feature', { f: model.featureLabel[name] }));
    const c = document.createElement('canvas');
    const lab = document.createElement('span');
    lab.className = 'node-label';
    lab.textContent = model.featureLabel[name];
    b.append(c, lab);
    b.addEventListener('click', () => {
      const cur = app.current().features;
      const next = cur.includes(name) ? cur.filter((x) => x !== name) : model.features.filter((x) => x === name || cur.includes(x));
      if (next.length) app.setField('features', next);
    });
    return b;
  }

  function unitButton(sign, l, disabled) {
    const b = document.createElement('button');
    b.type = 'button';
    b.className = 'icon-btn tiny';
    b.textContent = sign > 0 ? '+' : '−';
    b.disabled = disabled;
    b.setAttribute('aria-label', t(sign > 0 ? 'train.add_unit' : 'train.remove_unit', { l: l + 1 }));
    const max = model.limits.maxUnits;
    b.addEventListener('click', () => app.setField('hidden', app.current().hidden.map((u, i) => (i === l ? Math.min(max, Math.max(1, u + sign)) : u))));
    return b;
  }

  /** The layer columns: a head with +/− and the unit count, then one box per unit. */
  function hiddenColumn(box, units, l, geo) {
    const { node, gap, headH, tall } = geo;
    const x = geo.fx + (l + 1) * geo.colW;
    const head = document.createElement('div');
    head.className = 'layer-head';
    head.style.left = `${x - 12}px`;
    head.style.width = `${node + 24}px`;
    const lab = document.createElement('span');
    lab.className = 'units-label';
    lab.textContent = tall > 8 ? String(units) : t('train.units', { n: units });
    lab.title = t('train.units', { n: units });
    head.append(unitButton(1, l, units >= model.limits.maxUnits), unitButton(-1, l, units <= 1), lab);
    box.append(head);
    for (let j = 0; j < units; j++) {
      const d = document.createElement('div');
      d.className = 'node unit';
      d.style.left = `${x}px`;
      d.style.top = `${headH + j * (node + gap)}px`;
      d.title = t('train.unit_title', { l: l + 1, j: j + 1 });
      box.append(d);
    }
  }

  function buildNetwork(box, cfg, hidden, nOut, geo) {
    const { node, gap, colW, headH, fx, tall } = geo;
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
    model.features.forEach((name, r) => box.append(featureButton(name, r, geo, cfg)));
    hidden.forEach((units, l) => hiddenColumn(box, units, l, geo));
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

  function renderNetwork() {
    const cfg = app.current();
    const run = S.abOn && S.editing === 'b' ? 1 : 0;
    const f = view.frames[run];
    const box = $('network');
    const hidden = cfg.hidden;
    $('layers-count').textContent = tn('train.hidden_layers', hidden.length);
    $('add-layer').disabled = hidden.length >= model.limits.maxLayers;
    $('remove-layer').disabled = hidden.length === 0;
    const nOut = f?.info ? f.info.layer_sizes[f.info.layer_sizes.length - 1] : 1;
    const tall = Math.max(model.features.length, ...hidden);
    const node = tall > 8 ? 28 : 36;
    // fx: the features' column (their labels sit to its left)
    const geo = { node, tall, gap: tall > 8 ? 6 : 10, colW: node + (tall > 8 ? 34 : 30), headH: 46, fx: 50 };
    const key = JSON.stringify([hidden, cfg.features, node, nOut, document.documentElement.lang]);
    if (key !== view.netKey) {
      view.netKey = key;
      buildNetwork(box, cfg, hidden, nOut, geo);
    }
    const gn = f?.info?.neuron_grid ?? model.defaults.neuronGrid;
    renderFeatureThumbs(box, f?.info?.domain ?? model.layout.domain, gn);
    // links and unit heatmaps, all on one canvas (hundreds of small canvases or SVG lines would
    // cost more in layout and compositing than the drawing itself)
    const lctx = view.linksCtx;
    lctx.clearRect(0, 0, lctx.canvas.width, lctx.canvas.height);
    if (!f?.weights || !f.info) return;
    drawLinks(lctx, f, hidden, geo);
    if (f.neurons) drawUnits(lctx, f, hidden, geo, gn);
  }

  function drawLinks(lctx, f, hidden, geo) {
    const { node, gap, colW, headH, fx } = geo;
    const sizes = f.info.layer_sizes;
    const feats = f.info.features;
    const colX = (c) => fx + (c <= hidden.length ? c * colW : (hidden.length + 1) * colW + 6);
    const rowY = (c, j) => headH + (c === 0 ? model.features.indexOf(feats[j]) : j) * (node + gap) + node / 2;
    let wmax = 0;
    for (const w of f.weights) if (Number.isFinite(w)) wmax = Math.max(wmax, Math.abs(w));
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
  }

  function drawUnits(lctx, f, hidden, geo, gn) {
    const { node, gap, colW, headH, fx } = geo;
    const cells = gn * gn;
    const scratch = (view.scratch ??= document.createElement('canvas'));
    if (scratch.width !== gn) {
      scratch.width = gn;
      scratch.height = gn;
    }
    const sctx = scratch.getContext('2d');
    const img = sctx.createImageData(gn, gn);
    lctx.imageSmoothingEnabled = true;
    let k = f.info.features.length;
    hidden.forEach((units, l) => {
      for (let j = 0; j < units; j++, k++) {
        const off = k * cells;
        if (off + cells > f.neurons.length) return;
        paintDivergent(img.data, f.neurons, off, cells, maxAbs(f.neurons, off, cells));
        sctx.putImageData(img, 0, 0);
        lctx.drawImage(scratch, fx + (l + 1) * colW + 1, headH + j * (node + gap) + 1, node, node);
      }
    });
  }

  return { renderNetwork };
}
