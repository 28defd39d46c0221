//! The architecture lab's pure part (Node-testable, no DOM, no wasm): the URL-hash codec with
//! every value clamped to what the engine accepts, the closed forms the page states next to the
//! engine's numbers (TCN receptive field 1 + Σ d_i (k − 1); add / concat counts), the model
//! configs the worker builds, and the cell equations filled with the numbers of one time step
//! (PyTorch's formulas and gate order: LSTM i, f, g, o; GRU r, z, n).

export const MODELS = ['rnn', 'lstm', 'gru', 'tcn'];
export const TASKS = ['adding', 'recall', 'sine'];
export const UPS = ['nearest', 'bilinear'];
export const IMAGES = ['synth', 'photo'];
export const CELLS = ['lstm', 'gru', 'rnn'];
export const MAX_LEN = 200;
export const MAX_DIL = 256;
export const MAX_LAYERS = 10;

export const DEFAULTS = {
  task: 'adding', lag: 10, len: 20, models: ['rnn', 'lstm', 'gru', 'tcn'], hid: 16, lr: 0.01, clip: 1, bptt: 0,
  steps: 400, k: 2, dil: [1, 2, 4, 8, 16], cell: 'lstm', ct: 0, ot: MAX_LEN - 1, img: 'synth', ch: 8, co: 8, top: 5, up: 'nearest',
  depth: 20, seed: 1,
};

const int = (v, lo, hi, d) => {
  const n = Number(v);
  return /^\d{1,10}$/.test(String(v)) && n >= lo && n <= hi ? n : d;
};
const real = (v, lo, hi, d) => {
  const n = Number(v);
  return v !== undefined && v !== '' && Number.isFinite(n) && n >= lo && n <= hi ? n : d;
};
const pick = (v, list, d) => (list.includes(v) ? v : d);

/** Dilations from "1,2,4": whole numbers 1..MAX_DIL, 1..MAX_LAYERS of them, or null. */
export function parseDilations(s) {
  if (typeof s !== 'string' || s.length > 200) return null;
  const parts = s.split(',').map((p) => p.trim()).filter((p) => p !== '');
  if (!parts.length || parts.length > MAX_LAYERS) return null;
  const ds = parts.map(Number);
  return ds.every((d) => Number.isInteger(d) && d >= 1 && d <= MAX_DIL) ? ds : null;
}

/**
 * The lab's state from a parsed hash; `ignored` lists [key, value] pairs that were not usable
 * (shown in the page's note).
 */
export function stateFromHash(h) {
  const D = DEFAULTS;
  const ignored = [];
  const take = (key, parsed, fallback) => {
    if (h[key] !== undefined && parsed === fallback && String(h[key]) !== String(fallback)) ignored.push([key, String(h[key])]);
    return parsed;
  };
  const models = typeof h.models === 'string'
    ? [...new Set(h.models.split(',').filter((m) => MODELS.includes(m)))]
    : null;
  const dil = h.dil === undefined ? null : parseDilations(h.dil);
  if (h.dil !== undefined && !dil) ignored.push(['dil', String(h.dil)]);
  if (h.models !== undefined && !models?.length) ignored.push(['models', String(h.models)]);
  const len = take('len', int(h.len, 2, MAX_LEN, D.len), D.len);
  return {
    S: {
      task: take('task', pick(h.task, TASKS, D.task), D.task),
      // the lag is checked against the length by the engine (a clear message), not clamped here
      lag: take('lag', int(h.lag, 0, MAX_LEN, D.lag), D.lag),
      len,
      models: models?.length ? models : [...D.models],
      hid: take('hid', int(h.hid, 1, 64, D.hid), D.hid),
      lr: take('lr', real(h.lr, 1e-5, 1, D.lr), D.lr),
      clip: take('clip', real(h.clip, 0, 1000, D.clip), D.clip),
      bptt: take('bptt', int(h.bptt, 0, MAX_LEN, D.bptt), D.bptt),
      steps: take('steps', int(h.steps, 10, 3000, D.steps), D.steps),
      k: take('k', int(h.k, 1, 9, D.k), D.k),
      dil: dil ?? [...D.dil],
      cell: take('cell', pick(h.cell, CELLS, D.cell), D.cell),
      ct: take('ct', int(h.ct, 0, MAX_LEN - 1, D.ct), D.ct),
      // the output step the TCN tree is drawn for (clamped to the last step of the sequence)
      ot: take('ot', int(h.ot, 0, MAX_LEN - 1, D.ot), D.ot),
      img: take('img', pick(h.img, IMAGES, D.img), D.img),
      ch: take('ch', int(h.ch, 1, 32, D.ch), D.ch),
      co: take('co', int(h.co, 1, 32, D.co), D.co),
      top: take('top', int(h.top, 3, 6, D.top), D.top),
      up: take('up', pick(h.up, UPS, D.up), D.up),
      depth: take('depth', int(h.depth, 2, 64, D.depth), D.depth),
      seed: take('seed', int(h.seed, 0, 2 ** 31 - 1, D.seed), D.seed),
    },
    ignored,
  };
}

/** The hash keys of a state (every key, so a link reproduces the page exactly). */
export function stateToHash(S) {
  return {
    task: S.task, lag: S.lag, len: S.len, models: S.models.join(','), hid: S.hid, lr: S.lr, clip: S.clip,
    bptt: S.bptt, steps: S.steps, k: S.k, dil: S.dil.join(','), cell: S.cell, ct: S.ct, ot: S.ot, img: S.img, ch: S.ch,
    co: S.co, top: S.top, up: S.up, depth: S.depth, seed: S.seed,
  };
}

/** A loss this many times the constant baseline means the run is diverging (a blow-up). */
export const SPIKE_FACTOR = 100;

/**
 * The first step (1-based, counting from `offset`) whose loss is non-finite or above
 * SPIKE_FACTOR x the baseline, as {step, loss, ratio}, or null.
 */
export function findSpike(losses, baseline, offset = 0) {
  for (let i = 0; i < losses.length; i++) {
    const v = losses[i];
    if (!Number.isFinite(v) || v > SPIKE_FACTOR * baseline) {
      return { step: offset + i + 1, loss: v, ratio: Number.isFinite(v) ? v / baseline : Infinity };
    }
  }
  return null;
}

/** 1 + Σ d_i (k − 1): the receptive field of a causal dilated conv1d stack. */
export const tcnRf = (k, dils) => 1 + dils.reduce((a, d) => a + d * (k - 1), 0);

/** The closed forms of add vs concat (no bias): what archFuseCounts must return. */
export function fuseClosedForm(ca, cb, co, h, w) {
  const hw = h * w;
  return {
    addAdds: ca === cb ? ca * hw : null,
    addConv: ca === cb ? [ca * co, ca * co * hw] : null,
    concatConv: [(ca + cb) * co, (ca + cb) * co * hw],
    concatChannels: ca + cb,
  };
}

/** The SeqTrainer config of one model in the comparison. */
export function seqConfig(S, model) {
  return {
    model, task: S.task, lag: S.lag, length: S.len, batch: 32, hidden: S.hid, kernel: S.k, dilations: S.dil,
    lr: S.lr, clip: S.clip, bptt: S.bptt, seed: S.seed,
  };
}

const f3 = (v) => (Number.isFinite(v) ? (Math.abs(v) >= 100 ? v.toFixed(0) : v.toFixed(3)) : '—');
/** A factor inside a product: negative values in parentheses (0.616·(−0.389), not 0.616·-0.389). */
const fp = (v) => (v < 0 ? `(${f3(v)})` : f3(v));

/**
 * The equations of `cell` at time step `t` of a probe ({x, gates, h, c}, hidden size H, inputs
 * I) for hidden unit `u`: [{lhs, rhs, value}] lines, each value read from the engine's run.
 */
export function cellLines(cell, probe, t, H, I, u = 0) {
  const G = cell === 'lstm' ? 4 : cell === 'gru' ? 3 : 1;
  // gates are [T, N=1, G*H]: block b of step t at (t*G*H + b*H + u)
  const gate = (blk) => probe.gates[t * G * H + blk * H + u];
  const h = probe.h[t * H + u];
  const hPrev = t > 0 ? probe.h[(t - 1) * H + u] : 0;
  const x = Array.from({ length: I }, (_, i) => probe.x[t * I + i]);
  const xs = `[${x.map(f3).join(', ')}]`;
  if (cell === 'lstm') {
    const c = probe.c[t * H + u];
    const cPrev = t > 0 ? probe.c[(t - 1) * H + u] : 0;
    const [i, f, gg, o] = [0, 1, 2, 3].map(gate);
    return [
      { lhs: 'x_t', rhs: '', value: xs },
      { lhs: 'i_t', rhs: 'σ(W_ii x_t + b_ii + W_hi h_{t−1} + b_hi)', value: f3(i) },
      { lhs: 'f_t', rhs: 'σ(W_if x_t + b_if + W_hf h_{t−1} + b_hf)', value: f3(f) },
      { lhs: 'g_t', rhs: 'tanh(W_ig x_t + b_ig + W_hg h_{t−1} + b_hg)', value: f3(gg) },
      { lhs: 'o_t', rhs: 'σ(W_io x_t + b_io + W_ho h_{t−1} + b_ho)', value: f3(o) },
      { lhs: 'c_t', rhs: `f_t ⊙ c_{t−1} + i_t ⊙ g_t = ${fp(f)}·${fp(cPrev)} + ${fp(i)}·${fp(gg)}`, value: f3(c) },
      { lhs: 'h_t', rhs: `o_t ⊙ tanh(c_t) = ${fp(o)}·tanh(${f3(c)})`, value: f3(h) },
    ];
  }
  if (cell === 'gru') {
    const [r, z, n] = [0, 1, 2].map(gate);
    return [
      { lhs: 'x_t', rhs: '', value: xs },
      { lhs: 'r_t', rhs: 'σ(W_ir x_t + b_ir + W_hr h_{t−1} + b_hr)', value: f3(r) },
      { lhs: 'z_t', rhs: 'σ(W_iz x_t + b_iz + W_hz h_{t−1} + b_hz)', value: f3(z) },
      { lhs: 'n_t', rhs: 'tanh(W_in x_t + b_in + r_t ⊙ (W_hn h_{t−1} + b_hn))', value: f3(n) },
      { lhs: 'h_t', rhs: `(1 − z_t) ⊙ n_t + z_t ⊙ h_{t−1} = (1 − ${f3(z)})·${fp(n)} + ${fp(z)}·${fp(hPrev)}`, value: f3(h) },
    ];
  }
  return [
    { lhs: 'x_t', rhs: '', value: xs },
    { lhs: 'h_t', rhs: `tanh(W_ih x_t + b_ih + W_hh h_{t−1} + b_hh), h_{t−1} = ${f3(hPrev)}`, value: f3(h) },
  ];
}

/** Recall as a fraction (NaN when there were no objects of that size). */
export const frac = ([found, total]) => (total > 0 ? found / total : NaN);

/** Log-safe copy: values ≤ 0 or not finite become NaN (a gap on a log axis, never drawn as 0). */
export const logSafe = (vs) => vs.map((v) => (Number.isFinite(v) && v > 0 ? v : NaN));

/** Every `every`-th value (and the last) with its index: thins a long curve for drawing. */
export function thin(vs, max = 400) {
  const every = Math.max(1, Math.ceil(vs.length / max));
  const xs = [];
  const ys = [];
  for (let i = 0; i < vs.length; i += every) {
    xs.push(i + 1);
    ys.push(vs[i]);
  }
  if (vs.length && xs[xs.length - 1] !== vs.length) {
    xs.push(vs.length);
    ys.push(vs[vs.length - 1]);
  }
  return { xs, ys };
}
