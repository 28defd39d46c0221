//! Activation explorer, pure part (no DOM, no wasm import): the engine's activations in its
//! order (src/ops/activation.rs `Activation::NAMES`), their formulas, the x grid, the
//! saturation runs (|f'| below a threshold) and the URL-hash codec.

export const ACTIVATIONS = ['linear', 'sigmoid', 'tanh', 'relu', 'leaky_relu', 'elu', 'gelu', 'silu'];
export const FORMULAS = {
  linear: 'f(x) = x',
  sigmoid: 'f(x) = 1 / (1 + e^−x)',
  tanh: 'f(x) = tanh x',
  relu: 'f(x) = max(0, x)',
  leaky_relu: 'f(x) = x > 0 ? x : 0.01x',
  elu: 'f(x) = x > 0 ? x : e^x − 1',
  gelu: 'f(x) = x·Φ(x)',
  silu: 'f(x) = x·σ(x)',
};
export const COLORS = ['#57606a', '#1f6feb', '#8250df', '#9a6700', '#1a7f37', '#d1242f', '#bf3989', '#0a7ea4'];

export const X_MIN = -6;
export const X_MAX = 6;
export const N_POINTS = 481; // a step of 0.025
/** A unit counts as saturated where |f'(x)| is below this: less than 5 % of a gradient passes. */
export const SATURATION = 0.05;
export const INITS = ['xavier_uniform', 'kaiming_uniform', 'lecun'];
export const MAX_DEPTH = 16;

/** The x grid of the curves, as the engine takes it. */
export function xGrid(n = N_POINTS, lo = X_MIN, hi = X_MAX) {
  return Float32Array.from({ length: n }, (_, i) => lo + ((hi - lo) * i) / (n - 1));
}

/**
 * The x intervals [a, b] where |dy| < threshold, from samples (xs ascending); each run's ends
 * sit halfway to the neighbouring samples outside it (clamped to the grid).
 */
export function saturatedRuns(xs, dy, threshold = SATURATION) {
  const runs = [];
  let start = -1;
  const n = xs.length;
  const edge = (i, j) => (i < 0 ? xs[0] : j >= n ? xs[n - 1] : (xs[i] + xs[j]) / 2);
  for (let i = 0; i <= n; i++) {
    const sat = i < n && Math.abs(dy[i]) < threshold;
    if (sat && start < 0) start = i;
    if (!sat && start >= 0) {
      runs.push([edge(start - 1, start), edge(i - 1, i)]);
      start = -1;
    }
  }
  return runs;
}

/** Page state from a parsed hash; anything unreadable falls back to its default. */
export function stateFromHash(h) {
  const v = h.x === undefined || h.x === '' ? NaN : Number(h.x);
  const x = Number.isFinite(v) ? Math.min(X_MAX, Math.max(X_MIN, v)) : 1;
  const init = INITS.includes(h.init) ? h.init : 'xavier_uniform';
  return { x, init };
}

export function stateToHash(s) {
  return { x: String(Number(s.x.toFixed(3))), init: s.init === 'xavier_uniform' ? null : s.init };
}

/** 4 significant digits, exponent for tiny values. */
export function fmt(v) {
  if (!Number.isFinite(v)) return String(v);
  if (v === 0) return '0';
  const a = Math.abs(v);
  if (a < 1e-3 || a >= 1e5) return v.toExponential(2);
  return Number(v.toPrecision(4)).toString();
}
