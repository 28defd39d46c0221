//! The training lab's schema and state, pure (no DOM, no wasm: Node imports it for its tests).
//!
//! The vocabulary (names, defaults, limits, ranges) comes from the Rust schema (`trainSchema()`,
//! its shape is in src/nn/schema.rs): `createModel(schema)` wraps it with what belongs to the
//! page, i.e. the URL-hash codec (each config key's short hash key and its text form), the
//! presets (`WHY`, `AB`), derived facts (`classesOf`, `isRegression`) and the validation of hash
//! values against the schema's names and ranges. A config is the Trainer's options object
//! (camelCase keys); the hash keys are frozen, so every link made before still opens the same run.

/** The hash codec: [config key, hash key, text form]. Order = order of the keys in the URL. */
export const FIELDS = [
  ['seed', 'seed', 'int'],
  ['dataset', 'data', 'name'],
  ['classes', 'k', 'int'],
  ['points', 'n', 'int'],
  ['noise', 'noise', 'num'],
  ['trainRatio', 'ratio', 'num'],
  ['batchSize', 'batch', 'int'],
  ['features', 'feat', 'list'],
  ['normalizeInputs', 'norm', 'bool'],
  ['hidden', 'hidden', 'ints'],
  ['activation', 'act', 'name'],
  ['batchNorm', 'bn', 'bool'],
  ['dropout', 'drop', 'num'],
  ['init', 'init', 'name'],
  ['initScale', 'iscale', 'num'],
  ['loss', 'loss', 'name'],
  ['labelSmoothing', 'ls', 'num'],
  ['focalGamma', 'fg', 'num'],
  ['focalAlpha', 'fa', 'num'],
  ['optimizer', 'opt', 'name'],
  ['lr', 'lr', 'num'],
  ['momentum', 'mom', 'num'],
  ['l1', 'l1', 'num'],
  ['l2', 'l2', 'num'],
  ['weightDecay', 'wd', 'num'],
  ['schedule', 'sched', 'name'],
  ['stepEvery', 'every', 'int'],
  ['stepGamma', 'gamma', 'num'],
  ['cosineEpochs', 'tmax', 'int'],
  ['warmup', 'warm', 'int'],
  ['clipNorm', 'clip', 'num'],
  ['earlyStopping', 'es', 'int'],
  ['customPoints', 'pts', 'points'],
  ['extraPoints', 'add', 'points'],
];

/** Epochs per displayed frame (the speed= hash key; "max" = as many as fit in a frame). */
export const SPEEDS = ['1', '5', '25', 'max'];
/** The speed a page opens at: one epoch per frame, a few dozen per second, so the curves can be
 * watched as they fall ("max" squeezes thousands of epochs into an "L" at x = 0). */
export const DEFAULT_SPEED = '1';

/** "Why isn't it converging?": each sets config A; `fix` is what B changes to cure it. */
export const WHY = [
  { id: 'lr_too_high', set: { dataset: 'plane', lr: 1 }, fix: { lr: 0.03 } },
  { id: 'zero_init', set: { init: 'zeros' }, fix: { init: 'xavier_uniform' } },
  { id: 'sigmoid_deep', set: { activation: 'sigmoid', hidden: [8, 8, 8, 8, 8, 8] }, fix: { activation: 'relu', init: 'kaiming_uniform' } },
  { id: 'no_norm', set: { dataset: 'plane', features: ['x1', 'x2', 'x1^2', 'x2^2', 'x1*x2'], activation: 'relu', lr: 0.1 }, fix: { normalizeInputs: true } },
  { id: 'too_much_reg', set: { l2: 0.3 }, fix: { l2: 0.001 } },
  { id: 'bad_init_scale', set: { hidden: [16, 16, 16, 16], activation: 'relu', init: 'normal', initScale: 3 }, fix: { init: 'kaiming_uniform' } },
  { id: 'dead_relus', set: { activation: 'relu', hidden: [8, 8], optimizer: 'momentum', lr: 0.3 }, fix: { lr: 0.03 } },
];

/** A/B comparisons: `set` for both, `b` for B only. `features: 'all'` = every input feature. */
export const AB = [
  { id: 'bn', set: { activation: 'sigmoid', hidden: [8, 8, 8, 8, 8, 8] }, b: { batchNorm: true } },
  { id: 'l1_l2', set: { dataset: 'xor', features: 'all', hidden: [8, 8], l1: 0.003 }, b: { l1: 0, l2: 0.003 } },
  // logY: Adam's loss falls by decades below SGD's; on a linear axis it lies flat on 0
  { id: 'sgd_adam', set: { dataset: 'spiral', hidden: [16, 16, 16], activation: 'relu', init: 'kaiming_uniform', lr: 0.01 }, b: { optimizer: 'adam' }, logY: true },
  { id: 'dropout', set: { dataset: 'spiral', noise: 40, trainRatio: 20, hidden: [16, 16], activation: 'relu', optimizer: 'adam', lr: 0.01 }, b: { dropout: 0.3 } },
  { id: 'capacity', set: { dataset: 'spiral', noise: 30, trainRatio: 20, hidden: [2], activation: 'relu', optimizer: 'adam', lr: 0.01 }, b: { hidden: [16, 16, 16] } },
];

/** `trainRatio` -> `train_ratio` (the i18n keys and element ids of the page use these). */
export const snakeCase = (key) => key.replace(/[A-Z]/g, (c) => `_${c.toLowerCase()}`);

/** 6 significant digits: how numbers made on the page (clicks, CSV) are kept. */
export const num = (v) => +(+v).toPrecision(6);
export const same = (x, y) => JSON.stringify(x) === JSON.stringify(y);
const clone = (v) => structuredClone(v);

/** A point as the URL keeps it (4 significant digits): the page trains on exactly that. */
export const roundPoint = (p) => p.map((x) => num(+(+x).toPrecision(4)));

function encode(type, v) {
  switch (type) {
    case 'bool': return v ? '1' : '0';
    case 'list': return v.join(',');
    case 'ints': return v.length ? v.join(',') : '-';
    case 'points': return v.map((p) => roundPoint(p).join(',')).join(';');
    default: return String(v);
  }
}

/** The text form of a hash value; undefined when it cannot be read (the caller's default wins). */
function parse(type, s) {
  switch (type) {
    case 'bool': return s === '1' || s === 'true';
    case 'int': { const v = parseInt(s, 10); return Number.isFinite(v) ? v : undefined; }
    case 'num': { const v = Number(s); return s !== '' && Number.isFinite(v) ? v : undefined; }
    case 'list': return s ? s.split(',').filter(Boolean) : [];
    case 'ints': return s === '-' || s === '' ? [] : s.split(',').map((x) => parseInt(x, 10)).filter(Number.isFinite);
    case 'points': return s ? s.split(';').map((r) => r.split(',').map(Number)).filter((p) => p.length === 3 && p.every(Number.isFinite)) : [];
    default: return s;
  }
}

/**
 * The page's view of a Rust schema: the vocabulary plus the codec, presets and derived facts.
 * `schema` is `trainSchema()`'s object (plain data: it crosses postMessage unchanged).
 */
export function createModel(schema) {
  const defaults = Object.freeze(clone(schema.defaults));
  const { limits } = schema;
  const task = Object.fromEntries(schema.datasets.map((d) => [d.name, d.task]));
  /** Generated datasets, in menu order (the custom one only appears once points are loaded). */
  const datasets = schema.datasets.filter((d) => d.task !== 'custom').map((d) => d.name);
  const features = schema.features.map((f) => f.name);
  const featureLabel = Object.fromEntries(schema.features.map((f) => [f.name, f.label]));
  const names = {
    dataset: schema.datasets.map((d) => d.name),
    activation: schema.activations,
    init: schema.inits,
    loss: schema.losses,
    optimizer: schema.optimizers,
    schedule: schema.schedules,
  };
  const isCustom = (name) => task[name] === 'custom';
  /** The name of the dataset of loaded (CSV) points. */
  const customName = schema.datasets.find((d) => d.task === 'custom')?.name ?? 'custom';
  const isMulticlass = (name) => task[name] === 'multiclass';

  /** Classes of a config's data: 0 for a regression; for custom points, what their labels say. */
  function classesOf(cfg) {
    if (isCustom(cfg.dataset)) {
      const pts = cfg.customPoints;
      if (!pts.length) return 2;
      if (pts.some((p) => !Number.isInteger(p[2]))) return 0;
      if (pts.every((p) => p[2] === -1 || p[2] === 1)) return 2;
      return Math.max(2, ...pts.map((p) => p[2] + 1));
    }
    if (task[cfg.dataset] === 'regression') return 0;
    return isMulticlass(cfg.dataset) ? cfg.classes : 2;
  }

  const isRegression = (cfg) => classesOf(cfg) === 0;

  /** A decoded value checked against the schema: unknown names and unreadable values fall back
   * to `fallback`, numbers are clamped into their range, lists keep only what the schema knows. */
  function check(key, type, v, fallback) {
    if (v === undefined) return clone(fallback);
    const range = limits.ranges[key];
    if ((type === 'int' || type === 'num') && range) return Math.min(range[1], Math.max(range[0], v));
    if (type === 'name') return names[key].includes(v) ? v : clone(fallback);
    if (key === 'features') {
      const known = features.filter((f) => v.includes(f)); // schema order, no duplicates
      return known.length ? known : clone(fallback);
    }
    if (key === 'hidden') return v.slice(0, limits.maxLayers).map((u) => Math.min(limits.maxUnits, Math.max(1, u)));
    if (type === 'points') return v.slice(0, limits.maxPoints);
    return v;
  }

  const hashKeys = new Set(FIELDS.map(([, h]) => h));

  /**
   * The page state a hash (parsed into an object of strings) stands for: config A, B's
   * overrides and the page's own keys. A preset (why=, ab=) applies only when the hash has no
   * config keys; once applied, its values are written out and the hash keeps them.
   */
  function decodeState(h) {
    const hasConfig = Object.keys(h).some((k) => hashKeys.has(k) || k.startsWith('b.'));
    const a = clone(defaults);
    const b = {};
    for (const [k, hk, type] of FIELDS) {
      if (hk in h) a[k] = check(k, type, parse(type, h[hk]), defaults[k]);
      if (`b.${hk}` in h) b[k] = check(k, type, parse(type, h[`b.${hk}`]), defaults[k]);
    }
    const why = WHY.some((w) => w.id === h.why) ? h.why : null;
    const abId = AB.some((x) => x.id === h.ab) ? h.ab : null;
    const state = {
      a,
      b,
      why,
      abId,
      abOn: h.ab !== undefined && h.ab !== '0',
      showTest: h.test === '1',
      discretize: h.disc === '1',
      speed: SPEEDS.includes(h.speed) ? h.speed : DEFAULT_SPEED,
      logY: h.logy === '1',
      keepLr: h.keeplr !== '0',
      until: Math.max(0, parse('int', h.until ?? '0') ?? 0),
      playing: h.play === '1',
    };
    if (!hasConfig) {
      const w = WHY.find((x) => x.id === why);
      const ab = AB.find((x) => x.id === abId);
      if (w) Object.assign(state.a, presetValues(w.set));
      if (ab) {
        Object.assign(state.a, presetValues(ab.set));
        state.b = presetValues(ab.b);
      }
    }
    return state;
  }

  /** The hash changes that write `state` out (null removes a key): config keys whose value
   * differs from the default (the seed always), B's overrides, then the page's keys. */
  function encodeState(state) {
    const out = {};
    for (const [, hk] of FIELDS) {
      out[hk] = null;
      out[`b.${hk}`] = null;
    }
    for (const [k, hk, type] of FIELDS) {
      if (k === 'seed' || !same(state.a[k], defaults[k])) out[hk] = encode(type, state.a[k]);
      if (k in state.b) out[`b.${hk}`] = encode(type, state.b[k]);
    }
    out.ab = state.abOn ? state.abId || '1' : null;
    out.why = state.why;
    out.test = state.showTest ? '1' : null;
    out.disc = state.discretize ? '1' : null;
    out.speed = state.speed === DEFAULT_SPEED ? null : state.speed;
    out.logy = state.logY ? '1' : null;
    out.keeplr = state.keepLr === false ? '0' : null;
    out.until = state.until > 0 ? String(state.until) : null;
    out.play = state.playing || state.reachedUntil ? '1' : null;
    return out;
  }

  /** A preset's values as config values (`features: 'all'` spelled out). */
  function presetValues(set) {
    const out = clone(set);
    if (out.features === 'all') out.features = features.slice();
    return out;
  }

  /** The Trainer's options object for a page config (custom points only for custom data). */
  function trainerConfig(cfg) {
    const o = {};
    for (const [k] of FIELDS) o[k] = clone(cfg[k]);
    if (!isCustom(o.dataset)) o.customPoints = [];
    return o;
  }

  /** A small seeded sample of a generated dataset, for its picture in the dataset menu. */
  const previewConfig = (name) => ({
    dataset: name, points: 160, classes: isMulticlass(name) ? 3 : 2, seed: 7, noise: 10, hidden: [1], grid: 8, neuronGrid: 4,
  });

  return {
    schema,
    defaults,
    limits,
    layout: schema.layout,
    datasets,
    features,
    featureLabel,
    names,
    taskOf: (name) => task[name],
    isCustom,
    customName,
    isMulticlass,
    classesOf,
    isRegression,
    decodeState,
    encodeState,
    presetValues,
    trainerConfig,
    previewConfig,
  };
}
