//! The convolution lab's state, pure (no DOM, no wasm; Node's test runner imports it): the layer
//! presets, the stack <-> hash codec (`c3.1.1.2.16.1_m2.2.0`), the lab's knobs and their defaults,
//! and how they are read from and written to the URL hash (every value checked and clamped, so a
//! malformed link falls back to a working lab instead of breaking it).
//!
//! A layer is `{type: 'conv', k, s, p, d, out, groups}` or `{type: 'maxpool'|'avgpool', k, s, p}`
//! (kernel, stride, padding, dilation, output channels, groups), the fields `convStackPlan`
//! takes; the input is the photo as [1, 3, H, W].
import { num } from '../app/state.js';

export const conv = (k, s, p, d, out, groups = 1) => ({ type: 'conv', k, s, p, d, out, groups });
export const pool = (type, k, s, p) => ({ type, k, s, p });

export const PRESETS = {
  three3: [conv(3, 1, 1, 1, 16), conv(3, 1, 1, 1, 16), conv(3, 1, 1, 1, 16)],
  dilated: [conv(3, 1, 1, 1, 16), conv(3, 1, 2, 2, 16), conv(3, 1, 4, 4, 16)],
  gridding: [conv(3, 1, 2, 2, 16), conv(3, 1, 2, 2, 16), conv(3, 1, 2, 2, 16)],
  vgg: [conv(3, 1, 1, 1, 64), conv(3, 1, 1, 1, 64), pool('maxpool', 2, 2, 0)],
  resnet: [conv(7, 2, 3, 1, 64), pool('maxpool', 3, 2, 1)],
  mobilenet: [conv(3, 2, 1, 1, 32), conv(3, 1, 1, 1, 32, 32), conv(1, 1, 0, 1, 64)],
  vgg6: [conv(3, 1, 1, 1, 32), conv(3, 1, 1, 1, 32), pool('maxpool', 2, 2, 0),
    conv(3, 1, 1, 1, 64), conv(3, 1, 1, 1, 64), pool('maxpool', 2, 2, 0)],
};
export const DEFAULT_PRESET = 'dilated';

/** A fresh copy of preset `name`'s layers (the presets themselves are never edited). */
export const presetStack = (name) => PRESETS[name].map((l) => ({ ...l }));

/** `c3.1.1.2.16.1_m2.2.0`: conv k.s.p.d.out.groups, m/a (max/avg pool) k.s.p. */
export function encodeStack(layers) {
  return layers.map((l) => (l.type === 'conv'
    ? `c${l.k}.${l.s}.${l.p}.${l.d}.${l.out}.${l.groups}`
    : `${l.type === 'maxpool' ? 'm' : 'a'}${l.k}.${l.s}.${l.p}`)).join('_');
}

/** The layers of an `encodeStack` text, or null when the text is empty or malformed. */
export function decodeStack(text) {
  if (!text) return null;
  const out = [];
  for (const part of text.split('_')) {
    const m = /^([cma])(\d+(?:\.\d+)*)$/.exec(part);
    if (!m) return null;
    const v = m[2].split('.').map(Number);
    if (m[1] === 'c') {
      if (v.length !== 6) return null;
      out.push(conv(...v));
    } else {
      if (v.length !== 3) return null;
      out.push(pool(m[1] === 'm' ? 'maxpool' : 'avgpool', ...v));
    }
  }
  return out.length ? out : null;
}

export const sameStack = (a, b) => encodeStack(a) === encodeStack(b);

/** `v` as an integer in [lo, hi]; anything that is not a number reads as 0 first. */
export function clampInt(v, lo, hi) {
  return Math.min(hi, Math.max(lo, Math.round(Number(v) || 0)));
}

/** The photos shipped in www/samples/ (sources and licenses in www/samples/README.md). */
export const SAMPLES = { astronaut: 'astronaut.png', chelsea: 'chelsea.png' };
/** The classic kernels of the feature-map panel, plus the user's own 3x3. */
export const FM_KERNELS = ['sobel_x', 'sobel_y', 'blur', 'sharpen', 'custom'];
export const FM_POOLS = ['none', 'max', 'avg'];

/**
 * The lab's knobs as a page opened without a hash has them.
 * stack: the layers; cell: [row, col] in the last map (null = its centre); seed, draws: the
 * effective-RF sampling; show: which overlays are on; compare: the cost table's alternatives;
 * image: a key of SAMPLES (an own image cannot live in a URL); sl: the step-by-step conv
 * (stride, padding, dilation, current output index); fm: the feature-map panel (kernel, custom
 * weights row-major, pooling, shift dx/dy in pixels).
 */
export function defaultState() {
  return {
    stack: presetStack(DEFAULT_PRESET),
    cell: null,
    seed: 1,
    draws: 8,
    show: { box: true, support: true, erf: false },
    compare: false,
    image: 'astronaut',
    sl: { s: 1, p: 1, d: 1, step: 0 },
    fm: { kernel: 'sobel_x', custom: [0, -1, 0, -1, 4, -1, 0, -1, 0], pool: 'none', dx: 5, dy: 3 },
  };
}

/**
 * Read the hash's values (`st`, strings as app/state.js's parseHash gives them) into `S` in place.
 * A malformed stack, show, slide, kernel or pooling value keeps what `S` has; cell, seed,
 * draws, compare, image and the shift fall back to their defaults.
 */
export function applyHash(S, st) {
  const decoded = decodeStack(st.stack);
  if (decoded) S.stack = decoded;
  else if (st.preset && Object.hasOwn(PRESETS, st.preset)) S.stack = presetStack(st.preset);
  const cell = /^(\d+),(\d+)$/.exec(st.cell || '');
  S.cell = cell ? [Number(cell[1]), Number(cell[2])] : null;
  S.seed = num(st, 'seed', 1, { min: 0, max: 999999 });
  S.draws = num(st, 'draws', 8, { min: 1, max: 32 });
  if (/^[01]{3}$/.test(st.show || '')) {
    S.show = { box: st.show[0] === '1', support: st.show[1] === '1', erf: st.show[2] === '1' };
  }
  S.compare = st.cmp === '1';
  S.image = st.img === 'chelsea' ? 'chelsea' : 'astronaut';
  const sl = (st.slide || '').split(',').map(Number);
  if (sl.length === 4 && sl.every(Number.isFinite)) {
    S.sl = { s: clampInt(sl[0], 1, 3), p: clampInt(sl[1], 0, 3), d: clampInt(sl[2], 1, 3), step: Math.max(0, sl[3] | 0) };
  }
  if (FM_KERNELS.includes(st.fk)) S.fm.kernel = st.fk;
  const fw = (st.fw || '').split(',').map(Number);
  if (fw.length === 9 && fw.every(Number.isFinite)) S.fm.custom = fw;
  if (FM_POOLS.includes(st.pool)) S.fm.pool = st.pool;
  S.fm.dx = num(st, 'dx', 5, { min: -32, max: 32 }) | 0;
  S.fm.dy = num(st, 'dy', 3, { min: -32, max: 32 }) | 0;
  return S;
}

/** The hash changes that record `S` (a null value removes the key), for app/state.js's writeState. */
export function stateToHash(S) {
  return {
    stack: encodeStack(S.stack),
    preset: null,
    cell: S.cell ? S.cell.join(',') : null,
    seed: S.seed,
    draws: S.draws,
    show: ['box', 'support', 'erf'].map((k) => (S.show[k] ? '1' : '0')).join(''),
    cmp: S.compare ? '1' : null,
    img: S.image === 'astronaut' ? null : S.image,
    slide: [S.sl.s, S.sl.p, S.sl.d, S.sl.step].join(','),
    fk: S.fm.kernel,
    fw: S.fm.kernel === 'custom' ? S.fm.custom.join(',') : null,
    pool: S.fm.pool,
    dx: S.fm.dx,
    dy: S.fm.dy,
  };
}
