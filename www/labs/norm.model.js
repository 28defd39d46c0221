//! The normalisation lab's pure parts (no DOM, no wasm; tests/node/norm.test.mjs checks them):
//! which elements of an N×C×H×W tensor share one mean and variance under each norm, the set's
//! statistics, the page state in the URL hash, percentiles and the batch-statistics spread.

export const NORMS = ['bn', 'ln', 'in', 'gn'];
/** The lab's norm names as the engine's config spells them (batch-size experiment included). */
export const ENGINE_NORM = { none: 'none', bn: 'batchNorm', ln: 'layerNorm', in: 'instanceNorm', gn: 'groupNorm' };
export const EXP_NORMS = ['none', 'bn', 'gn', 'ln', 'in'];
export const EXP_BATCHES = [2, 4, 8, 16, 32];
/** Batch-size experiment budgets and learning-rate rules (the page states each one). */
export const EXP_BUDGETS = ['epochs', 'steps'];
export const EXP_LR_RULES = ['fixed', 'linear'];
/** lr ∝ B/EXP_REF_BATCH under the linear rule (the GN paper's 0.1·B/32). */
export const EXP_REF_BATCH = 32;
/** "Same number of steps": every cell takes the steps batch EXP_STEPS_BATCH takes in E epochs. */
export const EXP_STEPS_BATCH = 8;
export const GROUP_CHOICES = [1, 2, 3, 4, 5, 8];
export const CUBE_N = [1, 2, 4, 8];
/** The tensors the cube can show: the engine layer whose output it is. */
export const CUBE_LAYERS = { conv1: 0, conv2: 4, pool: 7, photo: 0 };
export const AB_RATES = [0.03, 0.1, 0.3, 1, 3];
export const SWEEP_RATES = [0.03, 0.1, 0.3, 1];
export const SPREAD_BATCHES = [1, 2, 4, 8, 16, 32, 64, 128];
export const SN_ITERS = [1, 2, 5, 20];
export const EPS = 1e-5;

/** Elements per group under `norm` for a tensor of `shape` [N, C, H, W] (the formula). */
export function groupSize(norm, [n, c, h, w], groups = 1) {
  switch (norm) {
    case 'bn':
      return n * h * w;
    case 'ln':
      return c * h * w;
    case 'in':
      return h * w;
    default:
      return (c / groups) * h * w;
  }
}

/** The formula of `groupSize` as text with the numbers filled in: "N·H·W = 8·8·8". */
export function sizeFormula(norm, [n, c, h, w], groups = 1) {
  switch (norm) {
    case 'bn':
      return `N·H·W = ${n}·${h}·${w}`;
    case 'ln':
      return `C·H·W = ${c}·${h}·${w}`;
    case 'in':
      return `H·W = ${h}·${w}`;
    default:
      return `(C/G)·H·W = (${c}/${groups})·${h}·${w}`;
  }
}

/** Why `norm` cannot use `groups` for C channels (null when it can). */
export function groupsProblem(norm, c, groups) {
  return norm === 'gn' && (groups < 1 || c % groups !== 0) ? { groups, channels: c } : null;
}

/** Index -> [n, c, y, x] in an [N, C, H, W] tensor. */
export function unravel(i, [, c, h, w]) {
  const x = i % w;
  const y = Math.floor(i / w) % h;
  const ch = Math.floor(i / (w * h)) % c;
  const n = Math.floor(i / (w * h * c));
  return [n, ch, y, x];
}

/**
 * The mask (Uint8Array over the tensor) of the elements that share one mean and variance with
 * element `sel` under `norm`: BN the same channel (every sample and pixel), LN the same sample,
 * IN the same sample and channel, GN the same sample and channel group.
 */
export function groupMask(norm, shape, sel, groups = 1) {
  const [N, C, H, W] = shape;
  const total = N * C * H * W;
  const mask = new Uint8Array(total);
  const [sn, sc] = unravel(sel, shape);
  const per = C / groups;
  for (let i = 0; i < total; i++) {
    const [n, c] = unravel(i, shape);
    let on;
    if (norm === 'bn') on = c === sc;
    else if (norm === 'ln') on = n === sn;
    else if (norm === 'in') on = n === sn && c === sc;
    else on = n === sn && Math.floor(c / per) === Math.floor(sc / per);
    mask[i] = on ? 1 : 0;
  }
  return mask;
}

/** Count, mean and (biased) variance of `values` where `mask` is set, in f64. */
export function maskedStats(values, mask) {
  let n = 0;
  let sum = 0;
  for (let i = 0; i < values.length; i++) {
    if (mask[i]) {
      n++;
      sum += values[i];
    }
  }
  const mean = n ? sum / n : NaN;
  let ss = 0;
  for (let i = 0; i < values.length; i++) if (mask[i]) ss += (values[i] - mean) ** 2;
  return { count: n, mean, variance: n ? ss / n : NaN };
}

/** y = (x − μ)/√(σ² + ε)·γ + β. */
export function normalizeValue(x, mean, variance, gamma = 1, beta = 0, eps = EPS) {
  return ((x - mean) / Math.sqrt(variance + eps)) * gamma + beta;
}

/** Percentile `p` (0..100) of sorted values, linear between ranks (numpy's default). */
export function percentile(sorted, p) {
  if (!sorted.length) return NaN;
  const r = (p / 100) * (sorted.length - 1);
  const lo = Math.floor(r);
  const hi = Math.min(lo + 1, sorted.length - 1);
  return sorted[lo] * (1 - (r - lo)) + sorted[hi] * (r - lo);
}

/** A small seeded generator (mulberry32) for the spread's batch draws. */
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

/**
 * Batch norm's batch statistics against the population's, for channel `ch` of activations
 * `values` [N, C, H, W]: for each batch size b, `draws` random batches of b samples (without
 * replacement); per b the 5/25/50/75/95th percentiles of the batch mean and of the batch
 * variance divided by the population variance. Returns {mean, variance (population), rows:
 * [{b, mean: [5 values], ratio: [5 values]}]}.
 */
export function batchSpread(values, [N, C, H, W], ch, batches = SPREAD_BATCHES, draws = 200, seed = 1) {
  const hw = H * W;
  const sampleSum = new Float64Array(N);
  const sampleSq = new Float64Array(N);
  for (let n = 0; n < N; n++) {
    const off = (n * C + ch) * hw;
    for (let k = 0; k < hw; k++) {
      const v = values[off + k];
      sampleSum[n] += v;
      sampleSq[n] += v * v;
    }
  }
  let s = 0;
  let q = 0;
  for (let n = 0; n < N; n++) {
    s += sampleSum[n];
    q += sampleSq[n];
  }
  const total = N * hw;
  const mean = s / total;
  const variance = Math.max(0, q / total - mean * mean);
  const rand = rng(seed);
  const idx = Array.from({ length: N }, (_, i) => i);
  const P = [5, 25, 50, 75, 95];
  const rows = [];
  for (const b of batches) {
    if (b > N) continue;
    const ms = [];
    const rs = [];
    for (let d = 0; d < draws; d++) {
      for (let i = 0; i < b; i++) {
        const j = i + Math.floor(rand() * (N - i));
        [idx[i], idx[j]] = [idx[j], idx[i]];
      }
      let bs = 0;
      let bq = 0;
      for (let i = 0; i < b; i++) {
        bs += sampleSum[idx[i]];
        bq += sampleSq[idx[i]];
      }
      const m = bs / (b * hw);
      ms.push(m);
      rs.push(Math.max(0, bq / (b * hw) - m * m) / (variance || 1));
    }
    ms.sort((x, y) => x - y);
    rs.sort((x, y) => x - y);
    rows.push({ b, mean: P.map((p) => percentile(ms, p)), ratio: P.map((p) => percentile(rs, p)) });
  }
  return { mean, variance, rows };
}

/** Steps in one epoch of `n` training images at batch `b` (the engine's rule: a last partial
 * batch of one image is dropped, since BN cannot train on it). */
export function stepsPerEpoch(n, b) {
  return Math.floor(n / b) + (n % b >= 2 ? 1 : 0);
}

/**
 * The batch-size experiment's cells: for every batch size and norm, the learning rate and the
 * number of steps each training gets, and the seeds it is repeated with.
 * budget 'epochs': E epochs at every batch size (large batches take fewer steps);
 * 'steps': every cell takes the steps of E epochs at batch EXP_STEPS_BATCH (small batches see
 * fewer images, large ones more). lrRule 'fixed': lr everywhere; 'linear': lr·B/EXP_REF_BATCH.
 */
export function expPlan({ epochs, lr, budget = 'epochs', lrRule = 'fixed', seeds = 1, seed = 1, trainCount }) {
  const stepBudget = epochs * stepsPerEpoch(trainCount, EXP_STEPS_BATCH);
  const cells = [];
  for (const b of EXP_BATCHES) {
    for (const norm of EXP_NORMS) {
      cells.push({
        norm, b,
        lr: lrRule === 'linear' ? (lr * b) / EXP_REF_BATCH : lr,
        steps: budget === 'steps' ? stepBudget : epochs * stepsPerEpoch(trainCount, b),
        seeds: Array.from({ length: seeds }, (_, k) => seed + k),
      });
    }
  }
  return cells;
}

/** Mean and sample standard deviation (n − 1; 0 for one value) of the finite values; NaN if none. */
export function meanSd(values) {
  const v = values.filter(Number.isFinite);
  if (!v.length) return { mean: NaN, sd: NaN, n: 0, min: NaN, max: NaN };
  const mean = v.reduce((a, x) => a + x, 0) / v.length;
  const sd = v.length > 1 ? Math.sqrt(v.reduce((a, x) => a + (x - mean) ** 2, 0) / (v.length - 1)) : 0;
  return { mean, sd, n: v.length, min: Math.min(...v), max: Math.max(...v) };
}

/** The page state from the hash (every value checked; anything else falls back). */
export const DEFAULTS = {
  norm: 'bn', g: 4, n: 4, layer: 'conv1', sel: 0, seed: 1,
  opt: 'sgd', lr: 1, ep: 6, mom: 0.1,
  be: 3, bl: 0, blr: 0.01, bbud: 'epochs', blrr: 'fixed', bsd: 2, ch: 0, sn: 'conv2',
};
const OPTS = ['sgd', 'adam'];
const SN_LAYERS = ['conv1', 'conv2', 'linear'];

function intIn(v, lo, hi, fallback) {
  const x = Number(v);
  return v !== undefined && v !== '' && Number.isInteger(x) && x >= lo && x <= hi ? x : fallback;
}
function numIn(v, lo, hi, fallback) {
  const x = Number(v);
  return v !== undefined && v !== '' && Number.isFinite(x) && x >= lo && x <= hi ? x : fallback;
}

/** Reads the hash object; returns the state and the keys whose values were not used. */
export function stateFromHash(h) {
  const s = { ...DEFAULTS };
  const bad = [];
  const take = (key, value) => {
    if (!(key in h)) return;
    if (value === undefined) bad.push(key);
    else s[key] = value;
  };
  take('norm', NORMS.includes(h.norm) ? h.norm : undefined);
  take('g', GROUP_CHOICES.includes(Number(h.g)) ? Number(h.g) : undefined);
  take('n', CUBE_N.includes(Number(h.n)) ? Number(h.n) : undefined);
  take('layer', h.layer in CUBE_LAYERS ? h.layer : undefined);
  take('sel', intIn(h.sel, 0, 1 << 20, undefined));
  take('seed', intIn(h.seed, 0, 2 ** 31, undefined));
  take('opt', OPTS.includes(h.opt) ? h.opt : undefined);
  take('lr', numIn(h.lr, 1e-4, 100, undefined));
  take('ep', intIn(h.ep, 1, 30, undefined));
  take('mom', numIn(h.mom, 0, 1, undefined));
  take('be', intIn(h.be, 1, 20, undefined));
  take('bl', intIn(h.bl, 0, 2000, undefined));
  take('blr', numIn(h.blr, 1e-4, 1, undefined));
  take('bbud', EXP_BUDGETS.includes(h.bbud) ? h.bbud : undefined);
  take('blrr', EXP_LR_RULES.includes(h.blrr) ? h.blrr : undefined);
  take('bsd', intIn(h.bsd, 1, 3, undefined));
  take('ch', intIn(h.ch, 0, 7, undefined));
  take('sn', SN_LAYERS.includes(h.sn) ? h.sn : undefined);
  return { state: s, bad };
}

/** The hash keys of a state (defaults left out, so links stay short). */
export function stateToHash(s) {
  const out = {};
  for (const [k, v] of Object.entries(DEFAULTS)) out[k] = s[k] === v ? null : String(s[k]);
  return out;
}

/** A number for a table cell: fixed digits, "—" for a missing or non-finite value. */
export function fmt(v, digits = 3) {
  return typeof v === 'number' && Number.isFinite(v) ? v.toFixed(digits) : '—';
}
