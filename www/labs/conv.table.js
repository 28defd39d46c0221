//! The convolution lab's per-layer table: every map's shape (C×H×W), receptive field (r, jump,
//! start), parameters and multiply-adds from the plan, the layer that breaks and why (also marked
//! in the editor), and, on request, the standard / separable / bottleneck cost of each conv.
import { t } from '../app/i18n.js';
import { S, lab, saveState } from './conv.session.js';
import { convAlternatives } from './conv.wasm.js';

const $ = (id) => document.getElementById(id);

/** 36864 -> "36,864" (the table's numbers read the same in every language). */
export const fmtInt = (v) => Number(v).toLocaleString('en-US');

/** A multiply-add count in k / M / G. */
export function fmtBig(v) {
  if (v >= 1e9) return `${(v / 1e9).toFixed(2)} G`;
  if (v >= 1e6) return `${(v / 1e6).toFixed(2)} M`;
  if (v >= 1e4) return `${(v / 1e3).toFixed(1)} k`;
  return fmtInt(v);
}

function describeLayer(l) {
  if (l.type === 'conv') {
    return t(l.groups > 1 ? 'conv.desc.conv_groups' : 'conv.desc.conv', l);
  }
  return t(`conv.desc.${l.type}`, l);
}

function tableRow(values, cls = '') {
  const tr = document.createElement('tr');
  if (cls) tr.className = cls;
  values.forEach((v, k) => {
    const td = document.createElement('td');
    td.textContent = String(v);
    if (k >= 2) td.className = 'num';
    tr.append(td);
  });
  return tr;
}

/** The alternatives' rows under conv layer `l` (c input channels, output map r). */
function alternativeRows(l, c, r) {
  return convAlternatives(c, l.out, l.k, r.h, r.w).map((a) => {
    const parts = t(`conv.alt.parts.${a.name}`, { k: l.k, cin: c, cout: l.out, b: Math.max(1, Math.floor(l.out / 4)) });
    const sub = tableRow(['', `${t(`conv.alt.${a.name}`)}: ${parts}`, '', '', '', '',
      a.parts.length > 1 ? `${a.parts.map((p) => fmtInt(p.params)).join(' + ')} = ${fmtInt(a.params)}` : fmtInt(a.params),
      fmtBig(a.macs)], 'alt');
    sub.dataset.alt = a.name;
    return sub;
  });
}

/** Mark the editor's rows: the layer that breaks (with why), and the ones after it. */
function markEditor(err) {
  for (const li of $('layers').children) {
    const n = Number(li.dataset.layer);
    li.classList.toggle('broken', !!err && n === err.layer);
    li.classList.toggle('after-break', !!err && n > err.layer);
    li.querySelector('.why')?.remove();
    if (err && n === err.layer) {
      const p = document.createElement('p');
      p.className = 'why';
      p.textContent = t('conv.stack.breaks', { n, message: err.message });
      li.append(p);
    }
  }
  const se = $('stack-error');
  se.hidden = !err;
  se.textContent = err ? t('conv.stack.breaks', { n: err.layer, message: err.message }) : '';
}

export function renderPlan() {
  const { plan } = lab;
  const rows = [];
  const err = plan.error;
  let c = 3;
  S.stack.forEach((l, i) => {
    const r = plan.rows[i];
    const cells = [`${i + 1}`, describeLayer(l)];
    if (r) {
      cells.push(`${r.c}×${r.h}×${r.w}`, r.r, r.jump, r.start, fmtInt(r.params), fmtBig(r.macs));
    }
    const tr = tableRow(cells);
    tr.dataset.layer = String(i + 1);
    if (!r) {
      const td = document.createElement('td');
      td.colSpan = 6;
      if (err && err.layer === i + 1) {
        tr.className = 'broken';
        td.textContent = t('conv.table.breaks', { message: err.message });
      } else {
        td.textContent = '—';
      }
      tr.append(td);
    }
    rows.push(tr);
    if (S.compare && r && l.type === 'conv' && l.groups === 1 && l.k > 1) rows.push(...alternativeRows(l, c, r));
    if (r) c = r.c;
  });
  $('layer-table').querySelector('tbody').replaceChildren(...rows);
  markEditor(err);

  const [std, sep] = convAlternatives(3, 4, 3, 1, 1);
  $('cheat-line').textContent = t('conv.table.cheat', {
    std: std.params, dw: sep.parts[0].params, pw: sep.parts[1].params, sep: sep.params,
  });
}

export function wireTable() {
  $('compare').addEventListener('change', () => {
    S.compare = $('compare').checked;
    saveState();
    renderPlan();
  });
}
