//! The outputs-and-losses lab's pure part (no DOM, no wasm; Node tests it): the naive softmax in
//! f32 (what overflows without the max shift), sigmoid and the two-class identity, the
//! one-weight logistic model's loss surfaces under CE and MSE, parameter checks with the
//! message key each failure shows at its control, and the URL-hash state.

export const GAMMAS = [0, 0.5, 1, 2, 5];
export const DEFAULT_LOGITS = [2, 1, 0.1, -1];
export const BIG_LOGITS = [1000, 999, 998];
export const LOGIT_MAX = 1e6;
export const T_RANGE = [0.05, 20];
export const EXPERIMENTS = ['cemse', 'imbalance', 'smooth', 'kd'];

/** `Math.fround` everywhere: the arithmetic of an f32 kernel without the max shift. */
export function naiveSoftmaxF32(z, T = 1) {
  const f = Math.fround;
  const e = z.map((v) => f(Math.exp(f(f(v) / f(T)))));
  let s = f(0);
  for (const v of e) s = f(s + v);
  return { exps: e, sum: s, probs: e.map((v) => f(v / s)) };
}

/** The stable form's intermediate numbers (f64): the max, the shifted exps and their sum. */
export function stableParts(z, T = 1) {
  const x = z.map((v) => v / T);
  const m = Math.max(...x);
  const e = x.map((v) => Math.exp(v - m));
  const s = e.reduce((a, b) => a + b, 0);
  return { max: m, exps: e, sum: s, probs: e.map((v) => v / s) };
}

export function sigmoid(x) {
  return x >= 0 ? 1 / (1 + Math.exp(-x)) : Math.exp(x) / (1 + Math.exp(x));
}

/** Two logits: softmax's first probability and sigmoid of the difference (equal). */
export function twoClass(z1, z2) {
  const m = Math.max(z1, z2);
  const a = Math.exp(z1 - m);
  const b = Math.exp(z2 - m);
  return { softmax: a / (a + b), sigmoidDiff: sigmoid(z1 - z2), diff: z1 - z2 };
}

/**
 * The one-weight logistic model p = sigmoid(w x) on a tiny 1-D set (one label against the
 * trend, so the best w is finite): CE and MSE over a grid of w, and their second differences
 * (CE's is never negative: convex; MSE's is negative on the plateaus: not convex).
 */
export const SURFACE_DATA = { x: [-2, -1, -0.5, 0.5, 1, 2, -1.5], y: [0, 0, 1, 0, 1, 1, 1] };

export function logisticSurface(ws, data = SURFACE_DATA) {
  const n = data.x.length;
  const ce = [];
  const mse = [];
  for (const w of ws) {
    let c = 0;
    let m = 0;
    for (let i = 0; i < n; i++) {
      const z = w * data.x[i];
      const y = data.y[i];
      // -[y log s + (1-y) log(1-s)] = softplus(z) - y z, stable for large |z|
      const softplus = Math.max(z, 0) + Math.log1p(Math.exp(-Math.abs(z)));
      c += softplus - y * z;
      m += (sigmoid(z) - y) ** 2;
    }
    ce.push(c / n);
    mse.push(m / n);
  }
  const curv = (f) => {
    let lo = Infinity;
    for (let i = 1; i + 1 < f.length; i++) lo = Math.min(lo, f[i + 1] - 2 * f[i] + f[i - 1]);
    return lo;
  };
  return { ws, ce, mse, ceMinCurvature: curv(ce), mseMinCurvature: curv(mse) };
}

export function linspace(a, b, n) {
  return Array.from({ length: n }, (_, i) => a + ((b - a) * i) / (n - 1));
}

/**
 * Read one typed number for parameter `name`: `{value}` or `{error, vars}` (an i18n key).
 * Ranges: logit |z| <= 1e6, T in [0.05, 20], gamma in [0, 20], eps in [0, 1), alpha in [0, 1].
 */
export function checkParam(name, raw) {
  const text = String(raw ?? '').trim();
  const v = text === '' ? NaN : Number(text);
  if (!Number.isFinite(v)) return { error: 'losses.err_number', vars: { name, value: text.slice(0, 24) } };
  switch (name) {
    case 'z':
      if (Math.abs(v) > LOGIT_MAX) return { error: 'losses.err_logit', vars: { value: text.slice(0, 24) } };
      break;
    case 'T':
      if (!(v > 0)) return { error: 'losses.err_T', vars: { value: text } };
      if (v < T_RANGE[0] || v > T_RANGE[1]) return { error: 'losses.err_T_range', vars: { value: text } };
      break;
    case 'gamma':
      if (v < 0 || v > 20) return { error: 'losses.err_gamma', vars: { value: text } };
      break;
    case 'eps':
      if (v < 0 || v >= 1) return { error: 'losses.err_eps', vars: { value: text } };
      break;
    case 'alpha':
      if (v < 0 || v > 1) return { error: 'losses.err_alpha', vars: { value: text } };
      break;
    default:
      break;
  }
  return { value: v };
}

/** Parse a logits list "2, 1, 0.1": `{values}` or the first error. 2 to 10 logits. */
export function parseLogits(text) {
  const parts = String(text).split(/[\s,;]+/).filter(Boolean);
  if (parts.length < 2 || parts.length > 10) return { error: 'losses.err_count', vars: { n: parts.length } };
  const values = [];
  for (const p of parts) {
    const r = checkParam('z', p);
    if (r.error) return r;
    values.push(r.value);
  }
  return { values };
}

export const DEFAULTS = {
  z: DEFAULT_LOGITS.join(','),
  T: 1,
  gamma: 2,
  alpha: 0.9,
  aon: 0,
  eps: 0.1,
  kdT: 4,
  kdAlpha: 0.5,
  seed: 1,
  ex: 0,
  pos: 3,
  cursor: 0.3,
};

/** State from the hash: every value checked, a bad one replaced by its default (and listed). */
export function stateFromHash(h) {
  const S = { ...DEFAULTS };
  const ignored = [];
  const take = (key, name, conv = (v) => v) => {
    if (!(key in h)) return;
    const r = checkParam(name, h[key]);
    if (r.error) ignored.push([key, h[key]]);
    else S[key] = conv(r.value);
  };
  if ('z' in h) {
    const r = parseLogits(h.z);
    if (r.error) ignored.push(['z', h.z]);
    else S.z = r.values.join(',');
  }
  take('T', 'T');
  take('gamma', 'gamma');
  take('alpha', 'alpha');
  take('eps', 'eps');
  take('kdT', 'T');
  take('kdAlpha', 'alpha');
  const int = (key, lo, hi) => {
    if (!(key in h)) return;
    const v = Number(h[key]);
    if (Number.isInteger(v) && v >= lo && v <= hi) S[key] = v;
    else ignored.push([key, h[key]]);
  };
  int('seed', 1, 1e6);
  int('ex', 0, 10000);
  int('pos', 0, 9);
  int('aon', 0, 1);
  if ('cursor' in h) {
    const v = Number(h.cursor);
    if (v >= 0.005 && v <= 0.995) S.cursor = v;
    else ignored.push(['cursor', h.cursor]);
  }
  return { S, ignored };
}

export function stateToHash(S) {
  const out = {};
  for (const k of Object.keys(DEFAULTS)) out[k] = S[k];
  return out;
}

/** Short number for tables: 4 significant digits, exponent outside [1e-3, 1e5), text for non-finite. */
export function fmt(v, digits = 4) {
  if (v === null || v === undefined) return '—';
  if (Number.isNaN(v)) return 'NaN';
  if (v === Infinity) return '∞';
  if (v === -Infinity) return '−∞';
  const a = Math.abs(v);
  if (a !== 0 && (a < 1e-3 || a >= 1e5)) return v.toExponential(digits - 1).replace('-', '−');
  return Number(v.toPrecision(digits)).toString().replace('-', '−');
}

/** The configs of an experiment's runs (the LossRun options), by experiment id. */
export function experimentRuns(exp, S) {
  const seed = S.seed;
  switch (exp) {
    case 'cemse': {
      // plain SGD (momentum 0.9): Adam would rescale each gradient and hide most of the difference
      const sgd = { optimizer: 'sgd', seed };
      return [
        { label: 'CE · digits', opts: { ...sgd, task: 'digits', loss: 'ce', lr: 0.05 }, epochs: 15 },
        { label: 'MSE · digits', opts: { ...sgd, task: 'digits', loss: 'mse', lr: 0.05 }, epochs: 15 },
        { label: 'CE · xor', opts: { ...sgd, task: 'toy', toy: 'xor', net: 'tiny', loss: 'ce', lr: 0.1 }, epochs: 15 },
        { label: 'MSE · xor', opts: { ...sgd, task: 'toy', toy: 'xor', net: 'tiny', loss: 'mse', lr: 0.1 }, epochs: 15 },
      ];
    }
    case 'imbalance': {
      const base = { task: 'imbalanced', positive: S.pos, ratio: 50, seed };
      return [
        { label: 'CE', opts: { ...base, loss: 'ce' }, epochs: 25 },
        { label: `α-CE (α=${S.alpha})`, opts: { ...base, loss: 'balanced', alpha: S.alpha }, epochs: 25 },
        { label: `focal (γ=${S.gamma}, α=${S.alpha})`, opts: { ...base, loss: 'focal', gamma: S.gamma, alpha: S.alpha }, epochs: 25 },
      ];
    }
    case 'smooth':
      return [
        { label: 'ε = 0', opts: { task: 'digits', loss: 'ce', eps: 0, seed }, epochs: 20 },
        { label: `ε = ${S.eps}`, opts: { task: 'digits', loss: 'ce', eps: S.eps, seed }, epochs: 20 },
      ];
    case 'kd': {
      const st = { task: 'digits', net: 'mlp', subset: 10, seed };
      return [
        { label: 'teacher', role: 'teacher', opts: { task: 'digits', net: 'wide', seed }, epochs: 15 },
        { label: 'hard labels', opts: { ...st, loss: 'ce' }, epochs: 40 },
        { label: `KD only (T=${S.kdT})`, opts: { ...st, loss: 'kd', temperature: S.kdT, alpha: 1 }, epochs: 40, student: true },
        { label: `α·KD·T² + (1−α)·CE (α=${S.kdAlpha})`, opts: { ...st, loss: 'kd', temperature: S.kdT, alpha: S.kdAlpha }, epochs: 40, student: true },
      ];
    }
    default:
      throw new Error(`unknown experiment ${exp}`);
  }
}
