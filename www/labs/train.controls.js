//! The training lab's controls: the toolbar knobs, the data panel (dataset pictures, sliders,
//! seed, CSV upload, added points), the training options, the presets and their explanation
//! card, and the A/B editing bar. `build*` make the elements and their events once (again on a
//! language change); `renderControls` reflects the state in all of them after any change.
//! Menus list the Rust schema's names (`app.model`); the steps of numeric menus are the page's.
import { t, describeError } from '../app/i18n.js';
import { fitCanvas } from '../app/canvas.js';
import { WHY, AB, roundPoint, snakeCase } from './train.model.js';
import { COLORS, rgb, divergent } from './train.style.js';

const LRS = [0.00001, 0.0001, 0.001, 0.003, 0.01, 0.03, 0.1, 0.3, 1, 3, 10];
const REG_RATES = [0, 0.001, 0.003, 0.01, 0.03, 0.1, 0.3, 1, 3, 10];
const UNTIL = [50, 100, 200, 500, 1000];
const CSV_MAX_BYTES = 2_000_000;

const $ = (id) => document.getElementById(id);

/** The label of a config key (the i18n keys and element ids keep the snake_case names). */
export const labelOf = (key) => t(`train.opt_label.${snakeCase(key)}`);

function fillSelect(sel, options, value) {
  const opts = options.map((o) => (typeof o === 'object' ? o : { value: o, label: String(o) }));
  if (!opts.some((o) => String(o.value) === String(value))) opts.push({ value, label: String(value) });
  sel.replaceChildren(...opts.map((o) => {
    const el = document.createElement('option');
    el.value = String(o.value);
    el.textContent = o.label;
    return el;
  }));
  sel.value = String(value);
}

function regOf(cfg) {
  if (cfg.l1 > 0) return ['l1', cfg.l1];
  if (cfg.l2 > 0) return ['l2', cfg.l2];
  return ['none', 0];
}

/** The controls of the page; `app` is train.js's shared state and actions. */
export function createControls(app) {
  const { S, view, model, post } = app;
  const named = (list, prefix) => () => list.map((v) => ({ value: v, label: t(`${prefix}.${v}`) }));
  const off = (v) => ({ value: v, label: t('train.off') });

  /** Training options: [config key, kind, options(), shown(cfg)] */
  const ADVANCED = [
    ['loss', 'select', named(model.names.loss, 'train.loss')],
    ['optimizer', 'select', named(model.names.optimizer, 'train.opt')],
    ['momentum', 'select', () => [0.5, 0.9, 0.95, 0.99], (c) => ['momentum', 'nesterov'].includes(c.optimizer)],
    ['init', 'select', named(model.names.init, 'train.init')],
    ['initScale', 'select', () => [0.01, 0.1, 0.5, 1, 2, 3, 5], (c) => ['constant', 'uniform', 'normal'].includes(c.init)],
    ['dropout', 'select', () => [0, 0.1, 0.2, 0.3, 0.4, 0.5]],
    ['batchNorm', 'check'],
    ['normalizeInputs', 'check'],
    ['schedule', 'select', named(model.names.schedule, 'train.sched')],
    ['stepEvery', 'select', () => [10, 25, 50, 100, 200], (c) => c.schedule === 'step'],
    ['stepGamma', 'select', () => [0.1, 0.3, 0.5, 0.7, 0.9], (c) => c.schedule === 'step'],
    ['cosineEpochs', 'select', () => [50, 100, 200, 500, 1000], (c) => c.schedule === 'cosine'],
    ['warmup', 'select', () => [0, 5, 10, 20, 50]],
    ['clipNorm', 'select', () => [off(0), 0.1, 0.5, 1, 5]],
    ['labelSmoothing', 'select', () => [0, 0.05, 0.1, 0.2, 0.3], (c) => model.classesOf(c) > 0],
    ['focalGamma', 'select', () => [0, 0.5, 1, 2, 5], (c) => c.loss === 'focal'],
    ['focalAlpha', 'select', () => [off(-1), 0.25, 0.5, 0.75], (c) => c.loss === 'focal'],
    ['weightDecay', 'select', () => [0, 0.0001, 0.001, 0.01, 0.1]],
    ['earlyStopping', 'select', () => [off(0), 10, 20, 50, 100]],
  ];
  const inputOf = (key) => $(`opt-${snakeCase(key)}`);
  /** Options shown in the toolbar beside the learning rate (the rest sit in "Training options"). */
  const IN_TOOLBAR = new Set(['optimizer', 'momentum']);

  function buildAdvanced() {
    const grid = $('adv-grid');
    grid.replaceChildren();
    $('opt-knobs').replaceChildren();
    for (const [key, kind] of ADVANCED) {
      const label = document.createElement('label');
      label.className = kind === 'check' ? 'inline adv-check' : 'adv-field';
      label.dataset.key = snakeCase(key);
      const span = document.createElement('span');
      span.textContent = labelOf(key);
      let input;
      if (kind === 'check') {
        input = document.createElement('input');
        input.type = 'checkbox';
        input.addEventListener('change', () => app.setField(key, input.checked));
        label.append(input, ' ', span);
      } else {
        input = document.createElement('select');
        input.addEventListener('change', () => {
          const v = input.value;
          app.setField(key, typeof model.defaults[key] === 'number' ? Number(v) : v);
        });
        label.append(span, input);
      }
      input.id = `opt-${snakeCase(key)}`;
      if (IN_TOOLBAR.has(key)) $('opt-knobs').append(label);
      else grid.append(label);
    }
    // page-level: stop at an epoch
    const lab = document.createElement('label');
    lab.className = 'adv-field';
    const sp = document.createElement('span');
    sp.textContent = t('train.opt_label.until');
    const sel = document.createElement('select');
    sel.id = 'opt-until';
    sel.addEventListener('change', () => {
      S.until = Number(sel.value);
      app.saveToHash();
      post({ type: 'until', until: S.until });
    });
    lab.append(sp, sel);
    grid.append(lab);
  }

  function renderAdvanced() {
    const cfg = app.current();
    for (const [key, kind, opts, shown] of ADVANCED) {
      const input = inputOf(key);
      if (!input) continue;
      input.closest('label').hidden = shown ? !shown(cfg) : false;
      if (kind === 'check') input.checked = !!cfg[key];
      else fillSelect(input, opts(), cfg[key]);
      input.closest('label').classList.toggle('differs', S.abOn && key in S.b);
    }
    fillSelect($('opt-until'), [{ value: 0, label: t('train.never') }, ...UNTIL], S.until);
    renderRule(cfg);
  }

  /** The update rule of the chosen optimizer, with the run's learning rate (and momentum). */
  function renderRule(cfg) {
    const el = $('opt-rule');
    const name = t(`train.opt.${cfg.optimizer}`);
    const rule = t(`train.rule.${cfg.optimizer}`);
    const vars = t(`train.rule_vars.${cfg.optimizer}`, { lr: cfg.lr, mom: cfg.momentum, wd: cfg.weightDecay });
    el.replaceChildren();
    const b = document.createElement('strong');
    b.textContent = `${name}: `;
    const code = document.createElement('code');
    code.textContent = rule;
    const small = document.createElement('span');
    small.className = 'muted';
    small.textContent = t('train.rule_paren', { vars });
    el.append(b, code, small);
  }

  function buildToolbar() {
    $('play').addEventListener('click', () => {
      S.reachedUntil = false;
      if (S.playing) {
        S.playing = false;
        post({ type: 'pause' });
      } else {
        const epoch = view.frames[0]?.metrics?.epoch ?? 0;
        if (S.until > 0 && epoch >= S.until) S.until = 0;
        S.playing = true;
        post({ type: 'play' });
      }
      app.saveToHash();
      renderControls();
    });
    $('step').addEventListener('click', () => {
      S.playing = false;
      S.reachedUntil = false;
      post({ type: 'step', epochs: 1 });
      app.saveToHash();
      renderControls();
    });
    $('reset').addEventListener('click', () => app.restart({ play: false }));
    $('lr').addEventListener('change', (e) => app.setLr(Number(e.target.value)));
    $('lr-keep').addEventListener('change', (e) => {
      S.keepLr = e.target.checked;
      app.saveToHash();
    });
    $('loss-log').addEventListener('change', (e) => {
      S.logY = e.target.checked;
      app.saveToHash();
      app.scheduleRender();
    });
    $('act').addEventListener('change', (e) => app.setField('activation', e.target.value));
    $('reg').addEventListener('change', (e) => {
      const [, rate] = regOf(app.current());
      const r = rate || 0.003;
      const kind = e.target.value;
      app.setFields({ l1: kind === 'l1' ? r : 0, l2: kind === 'l2' ? r : 0 });
    });
    $('reg-rate').addEventListener('change', (e) => {
      const [kind] = regOf(app.current());
      const r = Number(e.target.value);
      const k = kind === 'none' ? 'l2' : kind;
      app.setFields({ l1: k === 'l1' ? r : 0, l2: k === 'l2' ? r : 0 });
    });
    $('speed').addEventListener('change', (e) => {
      S.speed = e.target.value;
      app.saveToHash();
      post({ type: 'speed', speed: S.speed });
    });
    for (const btn of document.querySelectorAll('[data-edit]')) {
      btn.addEventListener('click', () => {
        S.editing = btn.dataset.edit;
        renderControls();
        app.scheduleRender();
      });
    }
  }

  function buildData() {
    const bind = (id, key, out) => {
      const el = $(id);
      el.addEventListener('input', () => { $(out).textContent = Number(el.value); });
      el.addEventListener('change', () => app.setField(key, Number(el.value)));
    };
    bind('ratio', 'trainRatio', 'ratio-out');
    bind('noise', 'noise', 'noise-out');
    bind('batch', 'batchSize', 'batch-out');
    bind('points', 'points', 'points-out');
    bind('classes', 'classes', 'classes-out');
    $('regen').addEventListener('click', () => app.setField('seed', (app.current().seed + 1) >>> 0));
    $('seed').addEventListener('change', (e) => {
      const v = Math.max(0, Math.min(4294967295, Math.floor(Number(e.target.value) || 0)));
      app.setField('seed', v);
    });
    $('csv').addEventListener('change', async (e) => {
      const file = e.target.files[0];
      e.target.value = '';
      if (!file) return;
      if (file.size > CSV_MAX_BYTES) {
        view.csvError = t('train.csv_too_big', { mb: (file.size / 1e6).toFixed(1) });
        renderCsvError();
        return;
      }
      post({ type: 'parseCsv', text: await file.text(), name: file.name });
    });
    $('clear-points').addEventListener('click', () => {
      S.a.extraPoints = [];
      if (model.isCustom(S.a.dataset)) {
        S.a.customPoints = [];
        S.a.dataset = model.defaults.dataset;
      }
      app.restart();
    });
    $('show-test').addEventListener('change', (e) => {
      S.showTest = e.target.checked;
      app.saveToHash();
      app.scheduleRender();
    });
    $('discretize').addEventListener('change', (e) => {
      S.discretize = e.target.checked;
      app.saveToHash();
      app.scheduleRender();
    });
    $('add-layer').addEventListener('click', () => {
      const h = app.current().hidden;
      if (h.length < model.limits.maxLayers) app.setField('hidden', [...h, h.length ? h[h.length - 1] : 2]);
    });
    $('remove-layer').addEventListener('click', () => {
      const h = app.current().hidden;
      if (h.length) app.setField('hidden', h.slice(0, -1));
    });
    $('ab-on').addEventListener('change', (e) => {
      S.abOn = e.target.checked;
      if (!S.abOn) S.editing = 'a';
      app.restart();
    });
  }

  function onCsvPoints(points) {
    // the URL keeps 4 significant digits: train on exactly those, so a reload is the same run
    S.a.customPoints = points.map(roundPoint);
    S.a.extraPoints = [];
    S.a.dataset = model.customName;
    delete S.b.dataset;
    delete S.b.customPoints;
    renderCsvError();
    app.restart();
  }

  function renderCsvError() {
    const el = $('csv-error');
    el.hidden = !view.csvError;
    // view.csvError: the page's own text, or a Rust error ({message, code, vars}) in the page's language
    const detail = view.csvError ? describeError(view.csvError).replace(/^(parse error: |解析错误：)/, '') : '';
    el.textContent = detail ? t('train.csv_error', { detail }) : '';
  }

  /** Config A becomes the defaults (same seed) plus a preset's values. */
  const fromPreset = (set) => ({ ...structuredClone(model.defaults), seed: S.a.seed, ...model.presetValues(set) });

  function buildPresets() {
    $('why-list').replaceChildren(...WHY.map((w) => presetButton('why', w.id, t(`train.why.${w.id}.title`), () => {
      S.a = fromPreset(w.set);
      S.b = {};
      S.abOn = false;
      S.abId = null;
      S.editing = 'a';
      S.why = w.id;
    })));
    $('ab-list').replaceChildren(...AB.map((p) => presetButton('ab', p.id, t(`train.abp.${p.id}`), () => {
      S.a = fromPreset(p.set);
      S.b = model.presetValues(p.b);
      S.abOn = true;
      S.abId = p.id;
      S.why = null;
      if (p.logY) S.logY = true;
    })));
  }

  function presetButton(kind, id, label, apply) {
    const b = document.createElement('button');
    b.type = 'button';
    b.className = 'btn preset';
    b.dataset[kind] = id;
    b.textContent = label;
    b.addEventListener('click', () => {
      apply();
      app.restart({ play: true });
    });
    return b;
  }

  function applyFix() {
    const w = WHY.find((x) => x.id === S.why);
    if (!w) return;
    S.b = model.presetValues(w.fix);
    S.abOn = true;
    S.abId = null;
    app.restart({ play: true });
  }

  function renderWhyCard() {
    const card = $('why-card');
    const w = WHY.find((x) => x.id === S.why);
    card.hidden = !w;
    if (!w) return;
    const k = `train.why.${w.id}`;
    card.replaceChildren();
    const h = document.createElement('h3');
    h.textContent = t(`${k}.title`);
    card.append(h);
    for (const part of ['see', 'cause', 'fix']) {
      const p = document.createElement('p');
      const b = document.createElement('strong');
      b.textContent = `${t(`train.why_${part}`)} `;
      p.append(b, t(`${k}.${part}`));
      card.append(p);
    }
    const btn = document.createElement('button');
    btn.type = 'button';
    btn.className = 'btn primary';
    btn.id = 'apply-fix';
    btn.textContent = t('train.show_fix');
    btn.disabled = S.abOn;
    btn.addEventListener('click', applyFix);
    card.append(btn);
  }

  /** Reflects the state in every control (after a load, a preset, or an edit). */
  function renderControls() {
    const cfg = app.current();
    const [reg, rate] = regOf(cfg);
    fillSelect($('lr'), LRS, cfg.lr);
    fillSelect($('act'), named(model.names.activation, 'train.act')(), cfg.activation);
    fillSelect($('reg'), ['none', 'l1', 'l2'].map((v) => ({ value: v, label: t(`train.reg.${v}`) })), reg);
    fillSelect($('reg-rate'), REG_RATES, rate);
    fillSelect($('speed'), [{ value: '1', label: t('train.speed_1') }, { value: '5', label: t('train.speed_n', { n: 5 }) },
      { value: '25', label: t('train.speed_n', { n: 25 }) }, { value: 'max', label: t('train.speed_max') }], S.speed);
    const k = model.classesOf(cfg);
    $('problem').textContent = k === 0 ? t('train.regression') : t('train.classification', { k });
    const setRange = (id, v, out) => {
      $(id).value = v;
      $(out).textContent = v;
    };
    setRange('ratio', cfg.trainRatio, 'ratio-out');
    setRange('noise', cfg.noise, 'noise-out');
    setRange('batch', Math.min(30, cfg.batchSize), 'batch-out');
    $('batch-out').textContent = cfg.batchSize;
    setRange('points', cfg.points, 'points-out');
    setRange('classes', cfg.classes, 'classes-out');
    $('classes-row').hidden = !model.isMulticlass(cfg.dataset);
    for (const id of ['noise', 'points']) $(id).disabled = model.isCustom(cfg.dataset);
    $('seed').value = cfg.seed;
    $('lr-keep').checked = S.keepLr;
    $('loss-log').checked = S.logY;
    $('show-test').checked = S.showTest;
    $('discretize').checked = S.discretize;
    $('ab-on').checked = S.abOn;
    app.render.renderPlayState();
    if (document.body.classList.contains('ab') !== S.abOn) view.layoutDirty = true;
    document.body.classList.toggle('ab', S.abOn);
    // A/B editing bar
    $('editing-bar').hidden = !S.abOn;
    for (const b of document.querySelectorAll('[data-edit]')) b.setAttribute('aria-pressed', String(b.dataset.edit === S.editing));
    $('editing-diff').textContent = S.abOn ? describeDiff() : '';
    document.body.classList.toggle('editing-b', S.abOn && S.editing === 'b');
    renderAddClass(k);
    for (const b of document.querySelectorAll('[data-why]')) b.setAttribute('aria-pressed', String(b.dataset.why === S.why));
    for (const b of document.querySelectorAll('[data-ab]')) b.setAttribute('aria-pressed', String(S.abOn && b.dataset.ab === S.abId));
    renderDatasets();
    renderAdvanced();
    renderWhyCard();
  }

  /** The class buttons for clicked points (two signs for a regression). */
  function renderAddClass(k) {
    const labels = k === 0 ? [{ v: -1, l: '−1' }, { v: 1, l: '+1' }] : Array.from({ length: k }, (_, c) => ({ v: c, l: t('train.class_n', { c }) }));
    if (!labels.some((x) => x.v === S.addClass)) S.addClass = labels[labels.length - 1].v;
    $('add-class').replaceChildren(...labels.map(({ v, l }) => {
      const b = document.createElement('button');
      b.type = 'button';
      b.textContent = l;
      b.setAttribute('aria-pressed', String(v === S.addClass));
      const color = k === 0 ? (v > 0 ? COLORS[1] : COLORS[0]) : COLORS[v % COLORS.length];
      b.style.setProperty('--dot', color);
      b.addEventListener('click', () => {
        S.addClass = v;
        renderControls();
      });
      return b;
    }));
  }

  function renderDatasets() {
    const box = $('datasets');
    const cfg = app.current();
    const names = [...model.datasets, ...(model.isCustom(S.a.dataset) ? [S.a.dataset] : [])];
    if (box.childElementCount !== names.length || box.dataset.lang !== document.documentElement.lang || box.dataset.prev !== String(!!view.previews)) {
      box.dataset.lang = document.documentElement.lang;
      box.dataset.prev = String(!!view.previews);
      box.replaceChildren(...names.map((name) => {
        const b = document.createElement('button');
        b.type = 'button';
        b.className = 'dataset';
        b.dataset.dataset = name;
        b.setAttribute('role', 'radio');
        b.title = t(`train.ds.${name}`);
        const c = document.createElement('canvas');
        const ctx = fitCanvas(c, 44, 44);
        drawPreview(ctx, name, 44);
        const span = document.createElement('span');
        span.textContent = t(`train.dss.${name}`);
        b.setAttribute('aria-label', t(`train.ds.${name}`));
        b.append(c, span);
        b.addEventListener('click', () => {
          if (model.isCustom(name)) return;
          // a regression is fitted with MSE: drop a classification loss rather than fail
          const loss = app.current().loss;
          if (model.taskOf(name) === 'regression' && !['auto', 'mse'].includes(loss)) app.setFields({ dataset: name, loss: 'auto' });
          else app.setField('dataset', name);
        });
        return b;
      }));
    }
    for (const b of box.children) b.setAttribute('aria-checked', String(b.dataset.dataset === cfg.dataset));
  }

  function drawPreview(ctx, name, size) {
    ctx.fillStyle = '#f6f8fa';
    ctx.fillRect(0, 0, size, size);
    const custom = model.isCustom(name);
    const rows = custom ? S.a.customPoints.flatMap((p) => [p[0], p[1], p[2], 0]) : view.previews?.[name];
    if (!rows) return;
    const reg = model.taskOf(name) === 'regression';
    let d = model.layout.domain;
    if (custom) for (let i = 0; i < rows.length; i += 4) d = Math.max(d, Math.abs(rows[i]), Math.abs(rows[i + 1]));
    for (let i = 0; i < rows.length; i += 4) {
      const x = ((rows[i] + d) / (2 * d)) * size;
      const y = ((d - rows[i + 1]) / (2 * d)) * size;
      ctx.fillStyle = reg ? rgb(divergent(rows[i + 2])) : COLORS[rows[i + 2] % COLORS.length];
      ctx.fillRect(x - 1, y - 1, 2.2, 2.2);
    }
  }

  /** "B differs: Learning rate: 0.03 → 0.1; ..." (the overrides of B). */
  function diffList() {
    return Object.keys(S.b).map((k) => `${labelOf(k)}: ${fmtValue(k, S.a[k])} → ${fmtValue(k, S.b[k])}`).join('; ');
  }

  function describeDiff() {
    return Object.keys(S.b).length ? t('train.b_differs', { list: diffList() }) : t('train.b_same');
  }

  function fmtValue(k, v) {
    if (typeof v === 'boolean') return t(v ? 'train.on' : 'train.off');
    if (Array.isArray(v)) return v.length ? v.join('-') : '∅';
    if (k === 'activation') return t(`train.act.${v}`);
    if (k === 'optimizer') return t(`train.opt.${v}`);
    if (k === 'init') return t(`train.init.${v}`);
    if (k === 'dataset') return t(`train.ds.${v}`);
    return String(v);
  }

  return { diffList, describeDiff, buildToolbar, buildData, buildAdvanced, buildPresets, renderControls, renderDatasets, renderCsvError, onCsvPoints };
}
