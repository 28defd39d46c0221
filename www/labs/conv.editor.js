//! The convolution lab's layer-stack editor: the preset buttons, one row per layer (type select,
//! number fields, move / remove buttons) and the add buttons. Every edit goes to S.stack, the hash,
//! and then to the `onStackChange` callback given to `wireEditor` (which re-plans the stack).
import { t } from '../app/i18n.js';
import { PRESETS, conv, pool, presetStack, sameStack } from './conv.state.js';
import { S, saveState } from './conv.session.js';
import { IMG } from './conv.image.js';

const $ = (id) => document.getElementById(id);

/** The fields each layer type edits, in the order of the row. */
const FIELDS = {
  conv: ['k', 's', 'p', 'd', 'out', 'groups'],
  maxpool: ['k', 's', 'p'],
  avgpool: ['k', 's', 'p'],
};

let onStackChange = () => {};

function stackChanged() {
  saveState();
  renderPresets();
  renderLayers();
  onStackChange();
}

export function renderPresets() {
  const box = $('preset-buttons');
  box.replaceChildren(...Object.keys(PRESETS).map((name) => {
    const b = document.createElement('button');
    b.type = 'button';
    b.dataset.preset = name;
    b.textContent = t(`conv.preset.${name}`);
    b.setAttribute('aria-pressed', String(sameStack(S.stack, PRESETS[name])));
    b.addEventListener('click', () => {
      S.stack = presetStack(name);
      S.cell = null;
      stackChanged();
    });
    return b;
  }));
}

function typeSelect(l, i) {
  const type = document.createElement('select');
  type.setAttribute('aria-label', t('conv.stack.type'));
  type.dataset.field = 'type';
  for (const v of ['conv', 'maxpool', 'avgpool']) {
    const o = document.createElement('option');
    o.value = v;
    o.textContent = t(`conv.type.${v}`);
    type.append(o);
  }
  type.value = l.type;
  type.addEventListener('change', () => {
    const cur = S.stack[i];
    S.stack[i] = type.value === 'conv'
      ? conv(cur.k, cur.s, cur.p, 1, 16, 1)
      : pool(type.value, cur.k, cur.s, Math.min(cur.p, Math.floor(cur.k / 2)));
    stackChanged();
  });
  return type;
}

function numberField(l, i, f) {
  const lab = document.createElement('label');
  const span = document.createElement('span');
  span.textContent = t(`conv.field.${f}`);
  const inp = document.createElement('input');
  inp.type = 'number';
  inp.inputMode = 'numeric';
  inp.dataset.field = f;
  inp.min = '0';
  inp.max = '512';
  inp.value = String(l[f]);
  inp.addEventListener('change', () => {
    const v = Number(inp.value);
    // Negative or fractional entries cannot be layers; 0 is allowed through so that the
    // kernel's own message ("dilation must be >= 1, got 0") appears at this layer.
    S.stack[i][f] = Number.isFinite(v) ? Math.max(0, Math.round(v)) : 0;
    stackChanged();
  });
  lab.append(span, inp);
  return lab;
}

function layerTools(i) {
  const tools = document.createElement('span');
  tools.className = 'tools';
  const tool = (label, key, fn, disabled = false) => {
    const b = document.createElement('button');
    b.type = 'button';
    b.textContent = label;
    b.setAttribute('aria-label', t(key, { n: i + 1 }));
    b.disabled = disabled;
    b.addEventListener('click', fn);
    tools.append(b);
  };
  tool('↑', 'conv.stack.up', () => { swap(i, i - 1); }, i === 0);
  tool('↓', 'conv.stack.down', () => { swap(i, i + 1); }, i === S.stack.length - 1);
  tool('✕', 'conv.stack.remove', () => {
    S.stack.splice(i, 1);
    stackChanged();
  }, S.stack.length === 1);
  return tools;
}

export function renderLayers() {
  const items = S.stack.map((l, i) => {
    const li = document.createElement('li');
    li.className = 'layer';
    li.dataset.layer = String(i + 1);
    const idx = document.createElement('span');
    idx.className = 'idx';
    idx.textContent = `${i + 1}`;
    li.append(idx, typeSelect(l, i));
    for (const f of FIELDS[l.type]) li.append(numberField(l, i, f));
    li.append(layerTools(i));
    return li;
  });
  $('layers').replaceChildren(...items);
  $('input-line').textContent = IMG.w
    ? t('conv.stack.input', { w: IMG.w, h: IMG.h, name: IMG.name })
    : '';
}

function swap(a, b) {
  [S.stack[a], S.stack[b]] = [S.stack[b], S.stack[a]];
  stackChanged();
}

/** Wire the add buttons; `onChange()` runs after every edit of the stack. */
export function wireEditor(onChange) {
  onStackChange = onChange;
  $('add-conv').addEventListener('click', () => {
    const last = S.stack[S.stack.length - 1];
    S.stack.push(conv(3, 1, 1, 1, last?.type === 'conv' ? last.out : 16));
    stackChanged();
  });
  $('add-pool').addEventListener('click', () => {
    S.stack.push(pool('maxpool', 2, 2, 0));
    stackChanged();
  });
}
