//! The convolution lab's step-by-step conv: a fixed 7x7 grid of digits (a seeded LCG) and a
//! 3x3 kernel, with the stride, padding and dilation the user sets; `conv2d` in wasm gives the
//! output [1, 1, H', W'], and each step outlines the nine taps of one output and writes out its
//! sum of products, so the number in the output cell can be checked by hand.
import { t, describeError } from '../app/i18n.js';
import { clampInt } from './conv.state.js';
import { S, saveState } from './conv.session.js';
import { tensor, conv2d } from './conv.wasm.js';

const $ = (id) => document.getElementById(id);

const SL_N = 7;
const SL_X = (() => {
  let s = 3;
  return Array.from({ length: SL_N * SL_N }, () => {
    s = (Math.imul(s, 1664525) + 1013904223) >>> 0;
    return (s >>> 24) % 10;
  });
})();
const SL_W = [1, 0, -1, 2, 1, -2, 1, 0, -1];
let slTimer = null;
let slOut = null; // {data, oh, ow} or null

/** Run the conv for the current stride, padding and dilation, then draw the current step. */
export function slideCompute() {
  const { s, p, d } = S.sl;
  $('sl-error').hidden = true;
  slOut = null;
  const x = tensor(Float32Array.from(SL_X), [1, 1, SL_N, SL_N]);
  const w = tensor(Float32Array.from(SL_W), [1, 1, 3, 3]);
  try {
    const y = conv2d(x, w, { stride: s, padding: p, dilation: d });
    const [, , oh, ow] = y.shape;
    slOut = { data: y.toArray(), oh, ow };
    y.free();
  } catch (e) {
    $('sl-error').hidden = false;
    $('sl-error').textContent = describeError(e);
  } finally {
    x.free();
    w.free();
  }
  if (slOut) S.sl.step %= slOut.oh * slOut.ow;
  slideDraw();
}

function gridCanvas(canvas, rows, cols, cell, label) {
  const dpr = window.devicePixelRatio || 1;
  const w = cols * cell + 2;
  const h = rows * cell + 22;
  canvas.width = Math.round(w * dpr);
  canvas.height = Math.round(h * dpr);
  canvas.style.width = `${w}px`;
  const ctx = canvas.getContext('2d');
  ctx.setTransform(dpr, 0, 0, dpr, 0, 0);
  ctx.clearRect(0, 0, w, h);
  ctx.font = `600 12px ${getComputedStyle(document.body).fontFamily}`;
  ctx.fillStyle = '#57606a';
  ctx.textBaseline = 'top';
  ctx.fillText(label, 1, 2);
  ctx.translate(1, 20);
  return ctx;
}

function cellBox(ctx, r, c, cell, text, { fill = '#fff', stroke = '#d0d7de', ink = '#1f2328', bold = false } = {}) {
  ctx.fillStyle = fill;
  ctx.fillRect(c * cell, r * cell, cell, cell);
  ctx.strokeStyle = stroke;
  ctx.lineWidth = stroke === '#d0d7de' ? 1 : 2.5;
  ctx.strokeRect(c * cell + 0.5, r * cell + 0.5, cell - 1, cell - 1);
  ctx.fillStyle = ink;
  ctx.font = `${bold ? 700 : 400} ${Math.round(cell * 0.42)}px ${getComputedStyle(document.body).fontFamily}`;
  ctx.textAlign = 'center';
  ctx.textBaseline = 'middle';
  ctx.fillText(text, c * cell + cell / 2, r * cell + cell / 2 + 1);
  ctx.textAlign = 'left';
}

function slideDraw() {
  const { s, p, d } = S.sl;
  const n = SL_N + 2 * p;
  const cell = Math.max(20, Math.min(32, Math.floor(Math.min(340, window.innerWidth - 60) / n)));
  const ctx = gridCanvas($('sl-input'), n, n, cell, t('conv.slide.input_label', { p }));
  let taps = [];
  let oi = 0;
  let oj = 0;
  if (slOut) {
    oi = Math.floor(S.sl.step / slOut.ow);
    oj = S.sl.step % slOut.ow;
    for (let u = 0; u < 3; u++) for (let v = 0; v < 3; v++) taps.push([oi * s + u * d, oj * s + v * d, u * 3 + v]);
  }
  const tapAt = new Map(taps.map(([r, c, k]) => [`${r},${c}`, k]));
  for (let r = 0; r < n; r++) {
    for (let c = 0; c < n; c++) {
      const inside = r >= p && c >= p && r < p + SL_N && c < p + SL_N;
      const v = inside ? SL_X[(r - p) * SL_N + (c - p)] : 0;
      const hit = tapAt.has(`${r},${c}`);
      cellBox(ctx, r, c, cell, String(v), {
        fill: hit ? '#ddeaff' : inside ? '#fff' : '#eef1f4',
        stroke: hit ? '#0b5cd5' : '#d0d7de',
        ink: inside ? '#1f2328' : '#8c959f',
        bold: hit,
      });
    }
  }
  const kc = Math.max(cell, 28);
  const kctx = gridCanvas($('sl-kernel'), 3, 3, kc, t('conv.slide.kernel_label'));
  SL_W.forEach((v, k) => cellBox(kctx, Math.floor(k / 3), k % 3, kc, String(v), { fill: '#fff8e6' }));
  if (!slOut) {
    gridCanvas($('sl-output'), 1, 1, cell, t('conv.slide.output_label', { h: 0, w: 0 }));
    $('sl-sum').textContent = '';
    return;
  }
  const octx = gridCanvas($('sl-output'), slOut.oh, slOut.ow, cell, t('conv.slide.output_label', { h: slOut.oh, w: slOut.ow }));
  for (let i = 0; i < slOut.oh; i++) {
    for (let j = 0; j < slOut.ow; j++) {
      const k = i * slOut.ow + j;
      const done = k <= S.sl.step;
      cellBox(octx, i, j, cell, done ? String(slOut.data[k]) : '', {
        fill: k === S.sl.step ? '#ddeaff' : done ? '#fff' : '#f6f8fa',
        stroke: k === S.sl.step ? '#0b5cd5' : '#d0d7de',
        bold: k === S.sl.step,
      });
    }
  }
  const terms = taps.map(([r, c, k]) => {
    const inside = r >= p && c >= p && r < p + SL_N && c < p + SL_N;
    const v = inside ? SL_X[(r - p) * SL_N + (c - p)] : 0;
    return `${v}·${SL_W[k] < 0 ? `(${SL_W[k]})` : SL_W[k]}`;
  });
  $('sl-sum').textContent = t('conv.slide.sum', {
    i: oi, j: oj, terms: terms.join(' + '), y: slOut.data[S.sl.step],
    r0: oi * s - p, c0: oj * s - p,
  });
}

function slideStep(delta) {
  if (!slOut) return;
  const n = slOut.oh * slOut.ow;
  S.sl.step = (S.sl.step + delta + n) % n;
  saveState();
  slideDraw();
}

function slidePlay() {
  const b = $('sl-play');
  if (slTimer) {
    clearInterval(slTimer);
    slTimer = null;
    b.textContent = t('conv.slide.play');
    b.setAttribute('aria-pressed', 'false');
    return;
  }
  b.textContent = t('conv.slide.pause');
  b.setAttribute('aria-pressed', 'true');
  slTimer = setInterval(() => slideStep(1), 900);
}

export function wireSlide() {
  for (const id of ['sl-s', 'sl-p', 'sl-d']) {
    $(id).addEventListener('change', () => {
      S.sl.s = clampInt($('sl-s').value, 1, 3);
      S.sl.p = clampInt($('sl-p').value, 0, 3);
      S.sl.d = clampInt($('sl-d').value, 1, 3);
      // the fields show the values in effect (an entry out of range or unreadable is clamped)
      for (const [f, k] of [['sl-s', 's'], ['sl-p', 'p'], ['sl-d', 'd']]) $(f).value = String(S.sl[k]);
      S.sl.step = 0;
      saveState();
      slideCompute();
    });
  }
  $('sl-prev').addEventListener('click', () => slideStep(-1));
  $('sl-next').addEventListener('click', () => slideStep(1));
  $('sl-play').addEventListener('click', slidePlay);
}
