//! The evaluation lab's pure logic (Node-testable, no DOM, no wasm): the URL state (every key
//! checked and clamped, defaults left out of the hash), the model configs sent to the worker, the
//! point of a curve at a threshold, the formulas of the confusion-matrix rates filled in with the
//! live counts, the reading of learning curves (high bias / high variance from the measured gap),
//! and the weight histogram with its exact and near zeros.

export const DATASETS = ['cancer', 'moons', 'circle', 'xor', 'gauss'];
/** Model choices: logistic regression or a one/two-hidden-layer MLP (units). */
export const MODELS = ['lr', '4', '16', '16,16'];
export const L1L2_PENALTIES = ['l1', 'l2', 'elastic'];
/** The two-weight model of the weight-space view: linear or logistic regression. */
export const GEO_MODELS = ['lin', 'log'];

/** The λ the two-weight model uses for slider value `lam` (0..2) and its path's largest λ: the
 * log-loss's gradients are about a quarter of the squared loss's, so logistic scales λ by ¼. */
export function geoLambda(s) {
  const k = s.gm === 'log' ? 0.25 : 1;
  return { lambda: s.lam * k, lambdaMax: 2 * k };
}

/** Points of the elastic-net level set a·|w|₁ + (1−a)/2·|w|² = c (the rounded diamond) through
 * `w`: along each direction u, r solves a·r·|u|₁ + (1−a)/2·r² = c. */
export function elasticBall(w, a, n = 192) {
  const c = a * (Math.abs(w[0]) + Math.abs(w[1])) + ((1 - a) / 2) * (w[0] * w[0] + w[1] * w[1]);
  const xs = [];
  const ys = [];
  for (let i = 0; i <= n; i++) {
    const th = (i / n) * 2 * Math.PI;
    const u = [Math.cos(th), Math.sin(th)];
    const s1 = Math.abs(u[0]) + Math.abs(u[1]);
    const r = a >= 1 ? c / s1 : (-a * s1 + Math.sqrt(a * a * s1 * s1 + 2 * (1 - a) * c)) / (1 - a);
    xs.push(r * u[0]);
    ys.push(r * u[1]);
  }
  return { xs, ys, c };
}

export const DEFAULTS = {
  data: 'cancer', seed: 1, a: 'lr', b: '16', ep: 40, pos: 100, thr: 0.5,
  lam: 0.3, rho: 0, orth: 1, k: 16, kd: 0.5, gm: 'lin',
};

const clamp = (v, lo, hi) => Math.min(hi, Math.max(lo, v));

/** A number from the hash, or the default when missing or not a finite number; clamped. */
function readNum(h, key, lo, hi, { int = false } = {}) {
  const raw = h[key];
  if (raw === undefined) return { v: DEFAULTS[key], bad: false };
  const n = Number(raw);
  if (raw === '' || !Number.isFinite(n)) return { v: DEFAULTS[key], bad: true };
  const v = clamp(int ? Math.round(n) : n, lo, hi);
  return { v, bad: v !== n };
}

/** The lab's state from a parsed hash: `{state, ignored: [[key, value]]}` (values it could not use). */
export function stateFromHash(h) {
  const ignored = [];
  const s = {};
  const pick = (key, allowed) => {
    if (h[key] === undefined) s[key] = DEFAULTS[key];
    else if (allowed.includes(h[key])) s[key] = h[key];
    else {
      s[key] = DEFAULTS[key];
      ignored.push([key, h[key]]);
    }
  };
  const num = (key, lo, hi, opt) => {
    const { v, bad } = readNum(h, key, lo, hi, opt);
    s[key] = v;
    if (bad) ignored.push([key, h[key]]);
  };
  pick('data', DATASETS);
  pick('a', MODELS);
  pick('b', [...MODELS, 'none']);
  pick('gm', GEO_MODELS);
  num('seed', 1, 9999, { int: true });
  num('ep', 1, 400, { int: true });
  num('pos', 0, 100, { int: true });
  num('thr', 0, 1);
  num('lam', 0, 2);
  num('rho', -0.9, 0.9);
  num('orth', 0, 1, { int: true });
  num('k', 1, 256, { int: true });
  num('kd', 0.1, 0.8);
  return { state: s, ignored };
}

/** The hash of a state: only the keys that differ from the defaults (plus any extra keys). */
export function stateToHash(s, extra = {}) {
  const out = {};
  for (const [k, d] of Object.entries(DEFAULTS)) {
    if (s[k] !== undefined && s[k] !== d) out[k] = String(s[k]);
  }
  return { ...out, ...extra };
}

/** The worker's `EvalModel` config for model `m` (a name of MODELS) under state `s`. */
export function modelConfig(s, m) {
  return {
    data: s.data,
    seed: s.seed,
    hidden: m === 'lr' ? [] : m.split(',').map(Number),
    activation: 'tanh',
    lr: m === 'lr' ? 0.01 : 0.01,
    posShare: s.pos / 100,
    noise: 25,
    points: 400,
  };
}

/** Index of the ROC point a threshold selects: the last threshold >= t (thresholds descending,
 * thresholds[0] = +Infinity), i.e. the operating point "positive iff score >= t". */
export function rocIndexAt(thresholds, t) {
  let k = 0;
  for (let i = 0; i < thresholds.length; i++) if (thresholds[i] >= t) k = i;
  return k;
}

/** A rate as text: 3 decimals, or "undefined" (0/0). */
export const rate = (v) => (Number.isFinite(v) ? v.toFixed(3) : '—');

/** The formulas of the rates with the counts filled in: [{name, formula, value}]. */
export function formulas(c) {
  const { tp, fp, tn } = c;
  const fn = c.fn;
  return [
    { name: 'TPR = recall', formula: `TP / (TP + FN) = ${tp} / (${tp} + ${fn})`, value: c.recall },
    { name: 'FPR', formula: `FP / (FP + TN) = ${fp} / (${fp} + ${tn})`, value: c.fpr },
    { name: 'precision', formula: `TP / (TP + FP) = ${tp} / (${tp} + ${fp})`, value: c.precision },
    { name: 'F1', formula: `2TP / (2TP + FP + FN) = ${2 * tp} / (${2 * tp} + ${fp} + ${fn})`, value: c.f1 },
    { name: 'accuracy', formula: `(TP + TN) / N = (${tp} + ${tn}) / ${tp + fp + tn + fn}`, value: c.accuracy },
  ];
}

/** Precision from TPR, FPR and the class counts: TPR·P / (TPR·P + FPR·N) (why AP falls with
 * fewer positives while the ROC stays where it was). */
export function precisionFrom(tpr, fpr, pos, neg) {
  const d = tpr * pos + fpr * neg;
  return d > 0 ? (tpr * pos) / d : NaN;
}

/**
 * Reads learning or validation curves (rows {train, test}: losses) into a diagnosis per row and
 * for the last row: "variance" where the test loss exceeds the train loss by more than `gapTol` of
 * the test loss (and by more than 0.05), "bias" where the gap is small but the train loss is far
 * above the best test loss of the curve (more than twice it and 0.05 above), else "good".
 */
export function diagnose(rows, { gapTol = 0.25 } = {}) {
  const tests = rows.map((r) => r.test).filter(Number.isFinite);
  const best = tests.length ? Math.min(...tests) : NaN;
  const per = rows.map((r) => {
    if (!Number.isFinite(r.train) || !Number.isFinite(r.test)) return 'unknown';
    const gap = r.test - r.train;
    if (gap > gapTol * Math.max(r.test, 1e-9) && gap > 0.05) return 'variance';
    if (r.train > Math.max(2 * best, best + 0.05)) return 'bias';
    return 'good';
  });
  return { per, last: per[per.length - 1] ?? 'unknown' };
}

/** Histogram of `values` over [-lim, lim] in `bins` bins, plus the counts of exact zeros and of
 * |w| < eps. Non-finite values are counted apart, never binned. */
export function weightHistogram(values, { bins = 40, lim = null, eps = 1e-3 } = {}) {
  let m = 0;
  let nonFinite = 0;
  for (const v of values) {
    if (Number.isFinite(v)) m = Math.max(m, Math.abs(v));
    else nonFinite++;
  }
  const L = lim ?? (m > 0 ? m : 1);
  const counts = new Array(bins).fill(0);
  let exact = 0;
  let near = 0;
  for (const v of values) {
    if (!Number.isFinite(v)) continue;
    if (v === 0) exact++;
    if (Math.abs(v) < eps) near++;
    const b = Math.floor(((v + L) / (2 * L)) * bins);
    counts[clamp(b, 0, bins - 1)]++;
  }
  return { counts, lim: L, exact, near, nonFinite, total: values.length };
}

/** Formats a number for the page: fixed decimals, '—' when not finite. */
export const fmt = (v, d = 4) => (Number.isFinite(v) ? v.toFixed(d) : '—');

/** A small seeded PRNG (mulberry32): uniform in [0, 1). */
export function rng(seed) {
  let a = seed >>> 0;
  return () => {
    a = (a + 0x6d2b79f5) >>> 0;
    let t = a;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

/** Keeps round(share·P) of the positives (chosen by `seed`) and every negative, in order. */
export function keepPositives(labels, scores, share, seed) {
  const pos = [];
  for (let i = 0; i < labels.length; i++) if (labels[i] === 1) pos.push(i);
  const r = rng(seed);
  for (let i = pos.length - 1; i > 0; i--) {
    const j = Math.floor(r() * (i + 1));
    [pos[i], pos[j]] = [pos[j], pos[i]];
  }
  const k = Math.round(pos.length * share);
  const keep = new Set(pos.slice(0, k));
  const l = [];
  const s = [];
  for (let i = 0; i < labels.length; i++) {
    if (labels[i] !== 1 || keep.has(i)) {
      l.push(labels[i]);
      s.push(scores[i]);
    }
  }
  return { labels: Uint8Array.from(l), scores: Float32Array.from(s), kept: k, positives: pos.length };
}

const meanSd = (v) => {
  if (!v.length) return { mean: NaN, sd: NaN, min: NaN, max: NaN, n: 0 };
  const mean = v.reduce((a, b) => a + b, 0) / v.length;
  const sd = v.length > 1 ? Math.sqrt(v.reduce((a, b) => a + (b - mean) ** 2, 0) / (v.length - 1)) : 0;
  return { mean, sd, min: Math.min(...v), max: Math.max(...v), n: v.length };
};

/** ROC AUC and AP over `reps` seeded subsamples of the positives (seeds 1..reps): mean, sample
 * standard deviation, range; `metric(labels, scores)` returns {auc, ap} or throws when a class is
 * empty (those subsamples are counted in `undefinedCount`). */
export function subsampleStats(labels, scores, share, reps, metric) {
  const auc = [];
  const ap = [];
  let undefinedCount = 0;
  let kept = 0;
  let positives = 0;
  for (let s = 1; s <= reps; s++) {
    const sub = keepPositives(labels, scores, share, s);
    kept = sub.kept;
    positives = sub.positives;
    try {
      const m = metric(sub.labels, sub.scores);
      if (!Number.isFinite(m.auc) || !Number.isFinite(m.ap)) throw new Error('undefined');
      auc.push(m.auc);
      ap.push(m.ap);
    } catch {
      undefinedCount++;
    }
  }
  return { share, reps, kept, positives, auc: meanSd(auc), ap: meanSd(ap), undefinedCount };
}
