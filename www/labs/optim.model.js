//! Optimizer explorer, pure part (no DOM, no wasm import): the 2-D test functions with their
//! analytic gradients, the seven optimizers and how each maps onto the engine's `Optimizer`
//! export, the paths (stepped by the engine: `runPaths` takes the initialized wasm module), the
//! numbers of each update rule at a step (`ruleState`, a display of the same arithmetic as
//! src/nn/optim.rs, checked against the engine's steps in tests/node/optim.test.mjs), and the
//! URL-hash codec.

/**
 * The loss surfaces. `view` is the plotted box [x0, x1, y0, y1]; `start` the default start;
 * `lr` the default learning rate of each optimizer (in the order of OPTIMIZERS); `minima` the
 * points to mark (global first).
 */
export const FUNCTIONS = [
  {
    id: 'ravine',
    // an ill-conditioned quadratic: curvature 1 along x, 50 along y (condition number 50)
    f: (x, y) => 0.5 * x * x + 25 * y * y,
    grad: (x, y) => [x, 50 * y],
    view: [-4, 4, -1.6, 1.6],
    start: [-3.6, 1.2],
    lr: [0.038, 0.01, 0.01, 0.5, 0.03, 0.1, 0.1],
    minima: [[0, 0]],
  },
  {
    id: 'rotated',
    // the same ravine turned 45°: u = (x + y)/√2 along the valley, v = (x − y)/√2 across it
    f: (x, y) => 0.25 * (x + y) ** 2 + 12.5 * (x - y) ** 2,
    grad: (x, y) => [0.5 * (x + y) + 25 * (x - y), 0.5 * (x + y) - 25 * (x - y)],
    view: [-4, 4, -4, 4],
    start: [-1.697, -3.394], // the ravine's start (u, v) = (−3.6, 1.2), turned
    lr: [0.038, 0.01, 0.01, 0.5, 0.03, 0.1, 0.1],
    minima: [[0, 0]],
  },
  {
    id: 'rosenbrock',
    f: (x, y) => (1 - x) ** 2 + 100 * (y - x * x) ** 2,
    grad: (x, y) => [-2 * (1 - x) - 400 * x * (y - x * x), 200 * (y - x * x)],
    view: [-2, 2, -1, 3],
    start: [-1.2, 1],
    lr: [0.002, 0.002, 0.001, 1, 0.05, 0.3, 0.3],
    minima: [[1, 1]],
  },
  {
    id: 'saddle',
    // a saddle at the origin between two minima at (0, ±1): 0.5x² − 0.5y² + 0.25y⁴
    f: (x, y) => 0.5 * x * x - 0.5 * y * y + 0.25 * y ** 4,
    grad: (x, y) => [x, -y + y ** 3],
    view: [-2, 2, -1.6, 1.6],
    start: [-1.8, 0.01],
    lr: [0.1, 0.03, 0.03, 0.5, 0.02, 0.05, 0.05],
    minima: [[0, 1], [0, -1]],
  },
  {
    id: 'twowell',
    // a tilted double well: a local minimum near x = +0.960 and the global one near x = −1.036
    f: (x, y) => (x * x - 1) ** 2 + 0.3 * x + 0.5 * y * y,
    grad: (x, y) => [4 * x * (x * x - 1) + 0.3, y],
    view: [-2, 2, -1.5, 1.5],
    start: [1.8, 1.2],
    lr: [0.02, 0.01, 0.01, 0.4, 0.02, 0.05, 0.05],
    minima: [[-1.0356, 0], [0.9602, 0]],
  },
  {
    id: 'beale',
    f: (x, y) => (1.5 - x + x * y) ** 2 + (2.25 - x + x * y * y) ** 2 + (2.625 - x + x * y ** 3) ** 2,
    grad: (x, y) => {
      const a = 1.5 - x + x * y;
      const b = 2.25 - x + x * y * y;
      const c = 2.625 - x + x * y ** 3;
      return [
        2 * a * (y - 1) + 2 * b * (y * y - 1) + 2 * c * (y ** 3 - 1),
        2 * a * x + 4 * b * x * y + 6 * c * x * y * y,
      ];
    },
    view: [-4.5, 4.5, -4.5, 4.5],
    start: [0.7, 1.4],
    lr: [0.01, 0.002, 0.002, 0.5, 0.02, 0.1, 0.1],
    minima: [[3, 0.5]],
  },
];

export const FUNCTION_IDS = FUNCTIONS.map((f) => f.id);
export const fnById = (id) => FUNCTIONS.find((f) => f.id === id) || FUNCTIONS[0];

/** AdamW's decoupled weight decay here (torch's default 0.01 would leave it on Adam's path). */
export const ADAMW_DECAY = 0.1;
export const MOMENTUM = 0.9;

/**
 * The seven optimizers: `kind` and `options` are what the engine's `new Optimizer(kind,
 * options)` gets (torch.optim's defaults otherwise: Adam betas (0.9, 0.999), eps 1e-8; RMSprop
 * alpha 0.99, eps 1e-8; AdaGrad eps 1e-10).
 */
export const OPTIMIZERS = [
  { id: 'sgd', name: 'SGD', kind: 'sgd', options: {} },
  { id: 'momentum', name: 'Momentum', kind: 'sgd', options: { momentum: MOMENTUM } },
  { id: 'nesterov', name: 'Nesterov', kind: 'sgd', options: { momentum: MOMENTUM, nesterov: true } },
  { id: 'adagrad', name: 'AdaGrad', kind: 'adagrad', options: {} },
  { id: 'rmsprop', name: 'RMSprop', kind: 'rmsprop', options: {} },
  { id: 'adam', name: 'Adam', kind: 'adam', options: {} },
  { id: 'adamw', name: 'AdamW', kind: 'adamw', options: { weightDecay: ADAMW_DECAY } },
];
export const OPT_IDS = OPTIMIZERS.map((o) => o.id);
export const COLORS = ['#57606a', '#1f6feb', '#8250df', '#9a6700', '#1a7f37', '#d1242f', '#bf3989'];

export const MAX_STEPS = 300;
export const LR_MIN = 1e-6;
export const LR_MAX = 10;
/** A path stops (diverged) once a coordinate leaves this bound or the gradient is not finite. */
export const BLOWUP = 1e6;

/** The engine options of optimizer `o` with learning rate `lr`. */
export function engineOptions(o, lr) {
  return { ...o.options, lr };
}

/**
 * Step every optimizer `steps` times from `start` on function `fn` with the engine (`dl`: the
 * initialized wasm module, with `Tensor` and `Optimizer`). Each path: `{id, pts: [[x, y], ...]
 * (pts[t] = θ after t steps, f32 as the engine holds it), grads: [[gx, gy], ...] (grads[t] is
 * the gradient at pts[t]: the one step t+1 uses), diverged: step or null, error}`.
 */
export function runPaths(dl, fn, start, lrs, steps = MAX_STEPS) {
  return OPTIMIZERS.map((o, i) => runOne(dl, fn, start, o, lrs[i], steps));
}

export function runOne(dl, fn, start, o, lr, steps = MAX_STEPS) {
  const pts = [Array.from(Float32Array.from(start))];
  const grads = [];
  let diverged = null;
  let error = null;
  const p = new dl.Tensor(Float32Array.from(start), [2]);
  let opt = null;
  try {
    opt = new dl.Optimizer(o.kind, engineOptions(o, lr));
    for (let t = 0; t < steps; t++) {
      const [x, y] = pts[t];
      const g = fn.grad(x, y);
      grads.push(g);
      const g32 = Float32Array.from(g);
      if (!g32.every(Number.isFinite)) {
        diverged = t + 1; // step t+1 cannot be taken: as below, pts.length === diverged
        break;
      }
      const gt = new dl.Tensor(g32, [2]);
      try {
        opt.step(p, gt, 0);
      } finally {
        gt.free();
      }
      const next = Array.from(p.toArray());
      if (!next.every((v) => Number.isFinite(v) && Math.abs(v) < BLOWUP)) {
        diverged = t + 1;
        break;
      }
      pts.push(next);
    }
    if (diverged === null) grads.push(fn.grad(...pts[pts.length - 1]));
  } catch (e) {
    error = e;
  } finally {
    p.free();
    opt?.free();
  }
  return { id: o.id, pts, grads, diverged, error };
}

/**
 * The numbers of optimizer `o`'s update rule at step t (1-based: the step from pts[t-1] to
 * pts[t]), from the path's gradients: the same arithmetic as src/nn/optim.rs in float64 (for
 * the display; the path itself is the engine's). Returns {g, state: {name: [x, y]}, upd, next}
 * where `next` is θ_t as this arithmetic predicts it (the test compares it with the engine).
 */
export function ruleState(o, lr, path, t) {
  const b1 = 0.9;
  const b2 = 0.999;
  const st = { buf: [0, 0], sum: [0, 0], sq: [0, 0], m: [0, 0], v: [0, 0] };
  let out = null;
  for (let k = 1; k <= t && k <= path.grads.length && k <= path.pts.length; k++) {
    const th = path.pts[k - 1];
    const g = path.grads[k - 1];
    const r = { g, theta: th, state: {}, upd: [0, 0], next: [0, 0] };
    for (let i = 0; i < 2; i++) {
      let u;
      switch (o.id) {
        case 'sgd':
          u = lr * g[i];
          break;
        case 'momentum':
        case 'nesterov':
          st.buf[i] = k === 1 ? g[i] : MOMENTUM * st.buf[i] + g[i];
          u = lr * (o.id === 'nesterov' ? g[i] + MOMENTUM * st.buf[i] : st.buf[i]);
          break;
        case 'adagrad':
          st.sum[i] += g[i] * g[i];
          u = (lr * g[i]) / (Math.sqrt(st.sum[i]) + 1e-10);
          break;
        case 'rmsprop':
          st.sq[i] = 0.99 * st.sq[i] + 0.01 * g[i] * g[i];
          u = (lr * g[i]) / (Math.sqrt(st.sq[i]) + 1e-8);
          break;
        default: {
          // adam, adamw
          st.m[i] = b1 * st.m[i] + (1 - b1) * g[i];
          st.v[i] = b2 * st.v[i] + (1 - b2) * g[i] * g[i];
          const mh = st.m[i] / (1 - b1 ** k);
          const denom = Math.sqrt(st.v[i]) / Math.sqrt(1 - b2 ** k) + 1e-8;
          u = (lr * mh) / denom;
        }
      }
      r.upd[i] = u;
      const decayed = o.id === 'adamw' ? th[i] * (1 - lr * ADAMW_DECAY) : th[i];
      r.next[i] = decayed - u;
    }
    if (o.id === 'momentum' || o.id === 'nesterov') r.state.buf = [...st.buf];
    if (o.id === 'adagrad') r.state.sum = [...st.sum];
    if (o.id === 'rmsprop') r.state.sq = [...st.sq];
    if (o.id === 'adam' || o.id === 'adamw') {
      r.state.m = [...st.m];
      r.state.v = [...st.v];
      r.state.mhat = st.m.map((m) => m / (1 - b1 ** k));
      r.state.vhat = st.v.map((v) => v / (1 - b2 ** k));
    }
    out = r;
  }
  return out;
}

/** Contour levels: `n` values log-spaced between fmin + span·1e-4 and fmax (span = fmax − fmin). */
export function logLevels(fmin, fmax, n = 18) {
  const span = fmax - fmin;
  if (!(span > 0) || !Number.isFinite(span)) return [];
  const lo = Math.log10(span * 1e-4);
  const hi = Math.log10(span);
  return Array.from({ length: n }, (_, k) => fmin + 10 ** (lo + ((hi - lo) * k) / (n - 1)));
}

/** f sampled on an nx × ny grid over the view (row-major, y from view[2] upwards). */
export function sampleGrid(fn, nx, ny) {
  const [x0, x1, y0, y1] = fn.view;
  const values = new Float64Array(nx * ny);
  for (let j = 0; j < ny; j++) {
    const y = y0 + ((y1 - y0) * j) / (ny - 1);
    for (let i = 0; i < nx; i++) values[j * nx + i] = fn.f(x0 + ((x1 - x0) * i) / (nx - 1), y);
  }
  return values;
}

const roundTo = (v, d) => Number(v.toFixed(d));

/**
 * The page state from a parsed hash (every value checked; anything unreadable falls back to its
 * default): {fn, start: [x, y], lrs: [7], t, hidden: Set of optimizer ids}.
 */
export function stateFromHash(h) {
  const fn = fnById(h.f);
  const start = [...fn.start];
  const s = String(h.start ?? '').split(',').map(Number);
  if (s.length === 2 && s.every(Number.isFinite)) {
    const [x0, x1, y0, y1] = fn.view;
    start[0] = Math.min(x1, Math.max(x0, s[0]));
    start[1] = Math.min(y1, Math.max(y0, s[1]));
  }
  const lrs = [...fn.lr];
  const given = String(h.lr ?? '').split(',');
  given.forEach((v, i) => {
    const n = v === '' ? NaN : Number(v);
    if (i < lrs.length && Number.isFinite(n) && n >= LR_MIN && n <= LR_MAX) lrs[i] = n;
  });
  const tn = Number(h.t);
  const t = h.t !== undefined && h.t !== '' && Number.isInteger(tn) ? Math.min(MAX_STEPS, Math.max(0, tn)) : 60;
  const hidden = new Set(String(h.hide ?? '').split(',').filter((id) => OPT_IDS.includes(id)));
  return { fn, start, lrs, t, hidden };
}

/** The hash keys of a state (null removes a key: defaults are left out of the link). */
export function stateToHash(s) {
  const isDefaultLr = s.lrs.every((v, i) => v === s.fn.lr[i]);
  return {
    f: s.fn.id,
    start: s.start.map((v) => roundTo(v, 3)).join(','),
    lr: isDefaultLr ? null : s.lrs.map((v) => String(v)).join(','),
    t: String(s.t),
    hide: s.hidden.size ? [...s.hidden].join(',') : null,
  };
}

/** Format a number for the rule cards: 4 significant digits, exponent for tiny/huge values. */
export function fmt(v) {
  if (!Number.isFinite(v)) return String(v);
  if (v === 0) return '0';
  const a = Math.abs(v);
  if (a < 1e-3 || a >= 1e5) return v.toExponential(2).replace('e', 'e');
  return Number(v.toPrecision(4)).toString();
}
