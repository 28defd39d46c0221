//! The resize lab's state, pure (no DOM, no worker; Node's test runner imports it): the page's
//! knobs and their defaults, the lists a URL value is checked against, and the state <-> URL-hash
//! codec (`#src=photo&s=2&m=bilinear&conv=half&b=nearest&v=split&px=150&py=100&z=2&cx=..`),
//! where every value is checked and clamped so a malformed link opens a working lab.
//! Also the small derivations of that state the page and the jobs share: method A's worker name,
//! the output size for an input, the scale slider's log mapping.
//!
//! State fields: src (a key of SAMPLES or 'own'), sizeMode ('scale' | 'size'), s (scale factor),
//! w, h (output size in 'size' mode), lock (keep the aspect), m (a METHODS entry), conv ('half' |
//! 'corners', bilinear only), q (the browser's quality), b (method B, a B_METHODS entry), v (a
//! VIEWS entry), pick ({x, y} output pixel or null), pickSlot ('a' | 'b'), ch (inspector channel
//! 0-3), split (0-1), initialView ({z, cx, cy} of a shared link, or null; read once, not kept).
import { num, pick } from '../app/state.js';
import { fmt } from './resize.formula.js';

/** What the sample buttons load (the photo: www/samples/README.md; the chart is drawn by code). */
export const SAMPLES = {
  photo: { kind: 'sample', url: '../samples/chelsea.png', name: 'chelsea.png' },
  chart: { kind: 'chart', name: 'chart' },
};
export const SOURCES = ['photo', 'chart', 'own'];
export const METHODS = ['nearest', 'bilinear', 'opencv', 'pillow', 'browser'];
export const B_METHODS = ['nearest', 'bilinear', 'bilinear_align_corners', 'opencv', 'pillow', 'browser-low', 'browser-high'];
export const CONVENTIONS = ['half', 'corners'];
export const QUALITIES = ['low', 'medium', 'high'];
export const VIEWS = ['single', 'side', 'split', 'diff'];
export const CHANNELS = ['r', 'g', 'b', 'a'];
export const SCALE_MIN = 0.1;
export const SCALE_MAX = 8;
/** Steps of the scale slider (0..SLIDER_STEPS, logarithmic between SCALE_MIN and SCALE_MAX). */
export const SLIDER_STEPS = 1000;

/** The lab as a page opened without a hash shows it. */
export function defaultState() {
  return {
    src: 'photo',
    sizeMode: 'scale',
    s: 2,
    w: null,
    h: null,
    lock: true,
    m: 'bilinear',
    conv: 'half',
    q: 'high',
    b: 'nearest',
    v: 'split',
    pick: null,
    pickSlot: 'a', // which image the inspector reads: 'b' when B's pane or side of the split was clicked
    ch: 0,
    split: 0.5,
    initialView: null,
  };
}

/** `v` rounded to `d` decimals, as a number. */
export const round = (v, d) => Number(v.toFixed(d));

/**
 * Read the hash's values (`h`, strings as app/state.js's parseHash gives them) into `S` in place.
 * Every key the page writes is read; a missing or malformed value takes its default, except that
 * an output size (`size=WxH`) that does not parse leaves the scale mode with `s` and keeps w, h.
 * The keys given with a value the page could not use as it stands (not one of the choices, not a
 * number, out of range and clamped) are pushed onto `rejected` as [key, value], for a note.
 */
export function applyHash(S, h, rejected = []) {
  const given = (k) => Object.hasOwn(h, k);
  const reject = (k, ok) => {
    if (given(k) && !ok) rejected.push([k, h[k]]);
  };
  const inRange = (k, min = -Infinity, max = Infinity) => {
    const v = Number(h[k]);
    return h[k] !== '' && Number.isFinite(v) && v >= min && v <= max;
  };
  for (const [k, list] of [['src', SOURCES], ['m', METHODS], ['conv', CONVENTIONS], ['q', QUALITIES], ['b', B_METHODS], ['v', VIEWS]]) {
    reject(k, list.includes(h[k]));
  }
  S.src = pick(h, 'src', SOURCES, 'photo');
  const size = /^(\d{1,6})x(\d{1,6})$/.exec(h.size || '');
  reject('size', size && +size[1] >= 1 && +size[2] >= 1);
  if (size) {
    S.sizeMode = 'size';
    S.w = Math.max(1, +size[1]);
    S.h = Math.max(1, +size[2]);
  } else {
    S.sizeMode = 'scale';
    reject('s', inRange('s', SCALE_MIN, SCALE_MAX));
    S.s = num(h, 's', 2, { min: SCALE_MIN, max: SCALE_MAX });
  }
  S.lock = h.lock !== '0';
  S.m = pick(h, 'm', METHODS, 'bilinear');
  S.conv = pick(h, 'conv', CONVENTIONS, 'half');
  S.q = pick(h, 'q', QUALITIES, 'high');
  S.b = pick(h, 'b', B_METHODS, 'nearest');
  S.v = pick(h, 'v', VIEWS, 'split');
  S.pick = 'px' in h && 'py' in h
    ? { x: Math.floor(num(h, 'px', 0, { min: 0 })), y: Math.floor(num(h, 'py', 0, { min: 0 })) }
    : null;
  S.pickSlot = h.pk === 'b' ? 'b' : 'a';
  S.ch = Math.max(0, CHANNELS.indexOf(h.ch));
  reject('lock', ['0', '1'].includes(h.lock));
  reject('pk', ['a', 'b'].includes(h.pk));
  reject('ch', CHANNELS.includes(h.ch));
  reject('px', inRange('px', 0));
  reject('py', inRange('py', 0));
  reject('sp', inRange('sp', 0, 1));
  reject('z', inRange('z', 1 / 64, 256));
  reject('cx', inRange('cx'));
  reject('cy', inRange('cy'));
  S.split = num(h, 'sp', 0.5, { min: 0, max: 1 });
  S.initialView = 'z' in h
    ? { z: num(h, 'z', 1, { min: 1 / 64, max: 256 }), cx: num(h, 'cx', NaN), cy: num(h, 'cy', NaN) }
    : null;
  return S;
}

/**
 * The hash changes that record `S` (a null value removes the key), for app/state.js's writeState.
 * `view` is the viewer's {z, cx, cy} once a result is shown (null before: no zoom in the link).
 */
export function stateToHash(S, view = null) {
  return {
    src: S.src,
    s: S.sizeMode === 'scale' ? round(S.s, 3) : null,
    size: S.sizeMode === 'size' ? `${S.w}x${S.h}` : null,
    lock: S.lock ? null : '0',
    m: S.m,
    conv: S.conv,
    q: S.m === 'browser' ? S.q : null,
    b: S.b,
    v: S.v,
    px: S.pick ? S.pick.x : null,
    py: S.pick ? S.pick.y : null,
    pk: S.pickSlot === 'b' ? 'b' : null,
    ch: S.ch ? CHANNELS[S.ch] : null,
    sp: S.v === 'split' ? round(S.split, 3) : null,
    z: view ? round(view.z, 4) : null,
    cx: view ? round(view.cx, 2) : null,
    cy: view ? round(view.cy, 2) : null,
  };
}

/** The worker's name for method A: the bilinear convention and the browser quality folded in. */
export function methodA(S) {
  if (S.m === 'bilinear') return S.conv === 'corners' ? 'bilinear_align_corners' : 'bilinear';
  if (S.m === 'browser') return `browser-${S.q}`;
  return S.m;
}

/** The output size for an input of `src` = {w, h} (null without an input). */
export function outSize(S, src) {
  if (!src) return null;
  if (S.sizeMode === 'size' && S.w && S.h) return { w: S.w, h: S.h };
  return { w: Math.max(1, Math.round(src.w * S.s)), h: Math.max(1, Math.round(src.h * S.s)) };
}

/** The size and method settings of `S` (what the page reverts to after a refused size). */
export function snapshot(S) {
  return { sizeMode: S.sizeMode, s: S.s, w: S.w, h: S.h, m: S.m, conv: S.conv, q: S.q };
}

/**
 * The largest output for input `src` ({w, h}) under `limits` ({maxPixels, maxSide}), for settings
 * `S` whose own output is over one: in scale mode the largest factor (rounded down to the 3
 * decimals the link keeps) whose output fits, at most S.s; in W x H mode the size S asks for,
 * shrunk with its aspect until it fits. Returns the size settings to apply ({sizeMode, s, w, h}).
 * Pure arithmetic on the limits the worker reported; the worker still checks the result.
 */
export function largestFit(S, src, { maxPixels, maxSide }) {
  const fits = ({ w, h }) => w <= maxSide && h <= maxSide && w * h <= maxPixels;
  if (S.sizeMode === 'scale' || !(S.w && S.h)) {
    const top = Math.min(S.s, maxSide / src.w, maxSide / src.h, Math.sqrt(maxPixels / (src.w * src.h)));
    let s = Math.floor(top * 1000) / 1000;
    // rounding the output up can overshoot by a pixel: step down until it fits
    while (s > SCALE_MIN && !fits(outSize({ sizeMode: 'scale', s }, src))) s = round(s - 0.001, 3);
    if (s >= SCALE_MIN) return { sizeMode: 'scale', s, w: S.w, h: S.h };
    // (an input the lab accepted always fits at x1, so this is only for inputs near 0.1 of it)
  }
  const want = S.sizeMode === 'size' && S.w && S.h ? { w: S.w, h: S.h } : outSize(S, src);
  const k = Math.min(1, maxSide / want.w, maxSide / want.h, Math.sqrt(maxPixels / (want.w * want.h)));
  // floor on both sides: floor(w k) * floor(h k) <= w h k^2 <= maxPixels
  return { sizeMode: 'size', s: S.s, w: Math.max(1, Math.floor(want.w * k)), h: Math.max(1, Math.floor(want.h * k)) };
}

/** The settings a page goes back to when nothing has worked yet. */
export const FIRST_GOOD = { sizeMode: 'scale', s: 2, m: 'bilinear', conv: 'half' };

/** A source's kind as the hash's `src` names it. */
export const srcOfKind = (kind) => (kind === 'file' ? 'own' : kind === 'chart' ? 'chart' : 'photo');

/** The scale slider's position (0..SLIDER_STEPS) for scale `s`, clamped into the slider's range. */
export function sliderOfScale(s) {
  const c = Math.min(SCALE_MAX, Math.max(SCALE_MIN, s));
  return Math.round((SLIDER_STEPS * Math.log(c / SCALE_MIN)) / Math.log(SCALE_MAX / SCALE_MIN));
}

/** The scale at slider position `pos`, rounded as the page shows it (2 decimals below 1, else 1). */
export function scaleOfSlider(pos) {
  const s = SCALE_MIN * (SCALE_MAX / SCALE_MIN) ** (pos / SLIDER_STEPS);
  return s < 1 ? round(s, 2) : round(s, 1);
}

/** `w x h` pixels in megapixels as the page prints them (3 decimals under 0.1 MP, else 1). */
export const mp = (w, h) => fmt((w * h) / 1e6, w * h < 1e5 ? 3 : 1);

/** A refused output size (Rust's pixel limit, the canvas side limit): the page reverts to the
 * last settings that worked, and a new size clears the notice. */
export const isSizeRefusal = (err) => err.code === 'too_wide' || (err.code === 'pixel_limit' && err.vars.what === 'output');
