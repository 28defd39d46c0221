// Unit tests of www/labs/train.model.js (the training lab's schema, URL-hash codec and presets)
// against the real Rust schema: the built package's trainSchema() (www/pkg, made by
// .ci/build.sh). Skipped, with a message, only when www/pkg has not been built.
import test from 'node:test';
import assert from 'node:assert/strict';
import { parseHash, formatHash } from '../../www/app/state.js';
import { createModel, FIELDS, WHY, AB } from '../../www/labs/train.model.js';
import { loadApi, skipUnlessBuilt } from './load.mjs';

const skip = skipUnlessBuilt('pkg', '(the tests need the real trainSchema())');

let dl;
let model;
test.before(async () => {
  if (skip) return;
  dl = await loadApi(); // the checked API, as the pages use it
  model = createModel(dl.trainSchema());
});

/** The page's defaults before the schema existed (train.js's FIELDS): a link leaves out every
 * value equal to these, so they must never change, or old links would open other runs. */
const OLD_DEFAULTS = {
  seed: 1, dataset: 'circle', classes: 2, points: 500, noise: 0, trainRatio: 50, batchSize: 10,
  features: ['x1', 'x2'], normalizeInputs: false, hidden: [4, 2], activation: 'tanh', batchNorm: false,
  dropout: 0, init: 'xavier_uniform', initScale: 0.5, loss: 'auto', labelSmoothing: 0, focalGamma: 2,
  focalAlpha: 0.25, optimizer: 'sgd', lr: 0.03, momentum: 0.9, l1: 0, l2: 0, weightDecay: 0,
  schedule: 'constant', stepEvery: 50, stepGamma: 0.5, cosineEpochs: 200, warmup: 0, clipNorm: 0,
  earlyStopping: 0, customPoints: [], extraPoints: [],
};
const ALL_FEATURES = ['x1', 'x2', 'x1^2', 'x2^2', 'x1*x2', 'sin_x1', 'sin_x2'];

/** A config's hash-coded fields only (what a link carries). */
const fields = (cfg) => Object.fromEntries(FIELDS.map(([k]) => [k, cfg[k]]));
const decode = (hash) => model.decodeState(parseHash(`#${hash}`));
/** The hash the page writes for a state (null values removed, as writeState does). */
const encode = (state) => formatHash(model.encodeState(state));

test('the defaults of every hash-coded field are the ones old links assume', { skip }, () => {
  assert.deepEqual(fields(model.defaults), OLD_DEFAULTS);
  assert.deepEqual(fields(decode('').a), OLD_DEFAULTS);
  assert.deepEqual(model.features, ALL_FEATURES, 'feature order = network rows and the feat= order');
  assert.deepEqual(model.datasets, ['circle', 'xor', 'gauss', 'spiral', 'moons', 'blobs', 'plane', 'reg_gauss']);
});

test('a config survives the hash round trip, B overrides and page flags included', { skip }, () => {
  const a = {
    ...structuredClone(model.defaults), seed: 77, dataset: 'custom', features: ['x1', 'x1*x2', 'sin_x2'],
    hidden: [], activation: 'gelu', normalizeInputs: true, lr: 0.003, l1: 0.001, initScale: 2,
    customPoints: [[1.5, -2.25, 0], [0.1234, 3.5, 1], [-4, 4, 2], [2, 2, 1]], extraPoints: [[0.5, 0.5, 2]],
  };
  const state = {
    a, b: { hidden: [16, 16, 16], optimizer: 'adam', batchNorm: true }, why: null, abId: 'capacity', abOn: true,
    showTest: true, discretize: true, speed: '25', until: 300, playing: true, logY: true, keepLr: false,
  };
  const hash = encode(state);
  const back = decode(hash);
  assert.deepEqual(back, state);
  assert.equal(encode(back), hash, 'writing the decoded state gives the same link');
  // the A-only state: defaults are left out of the link, the seed is always written
  assert.equal(encode({ ...state, a: structuredClone(model.defaults), b: {}, abOn: false, abId: null, showTest: false, discretize: false, speed: '1', until: 0, playing: false, logY: false, keepLr: true }), 'seed=1');
});

test('old links (today\'s keys and values) decode to the same configs as before', { skip }, () => {
  const cases = [
    ['data=xor&feat=x1,x2,x1*x2&hidden=6,4&seed=5&noise=10&until=40&play=1',
      { dataset: 'xor', features: ['x1', 'x2', 'x1*x2'], hidden: [6, 4], seed: 5, noise: 10 }, {}, { until: 40, playing: true }],
    ['seed=3&data=spiral&k=3&n=300&ratio=70&batch=20&act=relu&opt=adam&lr=0.01&init=kaiming_uniform&drop=0.3&bn=1&norm=1',
      { seed: 3, dataset: 'spiral', classes: 3, points: 300, trainRatio: 70, batchSize: 20, activation: 'relu', optimizer: 'adam', lr: 0.01, init: 'kaiming_uniform', dropout: 0.3, batchNorm: true, normalizeInputs: true }, {}, {}],
    ['loss=focal&fg=1&fa=-1&ls=0.1&sched=step&every=25&gamma=0.3&tmax=500&warm=10&clip=0.5&es=20&wd=0.001&mom=0.95&iscale=3&l2=0.003',
      { loss: 'focal', focalGamma: 1, focalAlpha: -1, labelSmoothing: 0.1, schedule: 'step', stepEvery: 25, stepGamma: 0.3, cosineEpochs: 500, warmup: 10, clipNorm: 0.5, earlyStopping: 20, weightDecay: 0.001, momentum: 0.95, initScale: 3, l2: 0.003 }, {}, {}],
    // the lr preset after "show the fix": A diverges, B has the cure
    ['lang=en&seed=1&data=plane&lr=1&b.lr=0.03&ab=1&why=lr_too_high&play=1',
      { dataset: 'plane', lr: 1 }, { lr: 0.03 }, { abOn: true, abId: null, why: 'lr_too_high', playing: true }],
    ['hidden=-&data=custom&pts=1.5,0,0;3.913,0.832,1;-1.236,-0.9,0;0.418,3.978,1&add=0.5,-0.25,1&test=1&disc=1&speed=5',
      { hidden: [], dataset: 'custom', customPoints: [[1.5, 0, 0], [3.913, 0.832, 1], [-1.236, -0.9, 0], [0.418, 3.978, 1]], extraPoints: [[0.5, -0.25, 1]] }, {}, { showTest: true, discretize: true, speed: '5' }],
    // a preset link without config keys: the preset's values (all features, in the schema's order)
    ['lang=zh&ab=l1_l2&until=150&play=1',
      { dataset: 'xor', features: ALL_FEATURES, hidden: [8, 8], l1: 0.003 }, { l1: 0, l2: 0.003 }, { abOn: true, abId: 'l1_l2', until: 150, playing: true }],
    ['why=dead_relus', { activation: 'relu', hidden: [8, 8], optimizer: 'momentum', lr: 0.3 }, {}, { why: 'dead_relus' }],
  ];
  const page = { why: null, abId: null, abOn: false, showTest: false, discretize: false, speed: '1', until: 0, playing: false, logY: false, keepLr: true };
  for (const [hash, a, b, flags] of cases) {
    const s = decode(hash);
    assert.deepEqual(fields(s.a), { ...OLD_DEFAULTS, ...a }, hash);
    assert.deepEqual(s.b, b, hash);
    const { a: _a, b: _b, ...rest } = s;
    assert.deepEqual(rest, { ...page, ...flags }, hash);
    // written back, an old link keeps its config keys and values (only the order may change)
    const again = parseHash(`#${encode(s)}`);
    for (const [k, v] of Object.entries(parseHash(`#${hash}`))) {
      if (k !== 'lang' && !(k === 'ab' && v === '1' && s.abId)) assert.equal(again[k], v, `${hash}: ${k}`);
    }
  }
});

test('malformed or unknown values fall back to the defaults; numbers are clamped to the schema ranges', { skip }, () => {
  const d = model.defaults;
  const s = decode('lr=abc&data=nope&act=swish&opt=&init=42&sched=linear&loss=hinge&feat=bogus,x9&seed=x&drop=&k=0&noise=80&ratio=5&batch=0&n=999999&mom=2');
  assert.equal(s.a.lr, d.lr);
  assert.equal(s.a.dataset, d.dataset);
  assert.equal(s.a.activation, d.activation);
  assert.equal(s.a.optimizer, d.optimizer);
  assert.equal(s.a.init, d.init);
  assert.equal(s.a.schedule, d.schedule);
  assert.equal(s.a.loss, d.loss);
  assert.deepEqual(s.a.features, d.features);
  assert.equal(s.a.seed, d.seed);
  assert.equal(s.a.dropout, d.dropout);
  const r = model.limits.ranges;
  assert.equal(s.a.classes, r.classes[0]);
  assert.equal(s.a.noise, r.noise[1]);
  assert.equal(s.a.trainRatio, r.trainRatio[0]);
  assert.equal(s.a.batchSize, r.batchSize[0]);
  assert.equal(s.a.points, r.points[1]);
  assert.equal(s.a.momentum, r.momentum[1]);
  // lists keep what the schema knows, in its order; the network stays within the limits
  assert.deepEqual(decode('feat=sin_x2,x9,x1,x1').a.features, ['x1', 'sin_x2']);
  const { maxLayers, maxUnits } = model.limits;
  const h = decode(`hidden=${Array(maxLayers + 3).fill('3').join(',')}`).a.hidden;
  assert.equal(h.length, maxLayers);
  assert.deepEqual(decode(`hidden=0,x,${maxUnits + 5},2`).a.hidden, [1, maxUnits, 2]);
  assert.deepEqual(decode('pts=1,2;3,4,5;a,b,c;6,7,8,9').a.customPoints, [[3, 4, 5]]);
  assert.deepEqual(decode('b.lr=nan&b.act=nope').b, { lr: d.lr, activation: d.activation });
  const page = decode('speed=7&until=-3&why=nope&ab=nope');
  assert.equal(page.speed, '1');
  assert.equal(page.until, 0);
  assert.equal(page.why, null);
  assert.equal(page.abId, null);
  assert.equal(page.abOn, true, 'ab=<anything but 0> turns A/B on, as before');
});

test('presets only use keys and names the schema knows, and each builds a Trainer', { skip }, () => {
  const keys = new Set(FIELDS.map(([k]) => k));
  const check = (where, set) => {
    for (const [k, v] of Object.entries(model.presetValues(set))) {
      assert.ok(keys.has(k) && k in model.defaults, `${where}: unknown key ${k}`);
      if (k in model.names) assert.ok(model.names[k].includes(v), `${where}: ${k}=${v} is not in the schema`);
      if (k === 'features') for (const f of v) assert.ok(model.features.includes(f), `${where}: feature ${f}`);
      if (k === 'hidden') assert.ok(v.length <= model.limits.maxLayers && v.every((u) => u >= 1 && u <= model.limits.maxUnits), `${where}: hidden ${v}`);
      const range = model.limits.ranges[k];
      if (range) assert.ok(v >= range[0] && v <= range[1], `${where}: ${k}=${v} outside ${range}`);
    }
  };
  const build = (where, cfg) => {
    let t;
    try {
      t = new dl.Trainer(model.trainerConfig(cfg));
    } catch (err) {
      assert.fail(`${where}: the Trainer refuses the preset: ${err.message}`);
    } finally {
      t?.free();
    }
  };
  // each preset as [name, values of A, values B changes]
  const presets = [...WHY.map((w) => [`why ${w.id}`, w.set, w.fix]), ...AB.map((p) => [`ab ${p.id}`, p.set, p.b])];
  assert.equal(presets.length, 12);
  for (const [where, set, b] of presets) {
    check(where, set);
    check(`${where} (B)`, b);
    const a = { ...structuredClone(model.defaults), ...model.presetValues(set) };
    build(where, a);
    build(`${where} (B)`, { ...a, ...model.presetValues(b) });
  }
});

test('the Trainer reads the page\'s config keys: its filled-in config equals the page\'s', { skip }, () => {
  const s = decode('data=custom&pts=1,1,0;-1,-1,1;2,-2,0;-2,2,1;3,3,1&add=0.5,0.5,0&feat=x1,sin_x2&hidden=3&opt=adamw&wd=0.01&ratio=80&seed=9');
  const t = new dl.Trainer(model.trainerConfig(s.a));
  try {
    const cfg = t.config();
    for (const [k] of FIELDS) assert.deepEqual(cfg[k], s.a[k], k);
  } finally {
    t.free();
  }
  // custom points go to the Trainer only with the custom dataset
  assert.deepEqual(model.trainerConfig({ ...s.a, dataset: 'circle' }).customPoints, []);
});

test('classes and regression follow the schema\'s dataset tasks and the custom labels', { skip }, () => {
  const cfg = (over) => ({ ...structuredClone(model.defaults), ...over });
  for (const { name, task } of model.schema.datasets) {
    if (task === 'custom') continue;
    const k = model.classesOf(cfg({ dataset: name, classes: 4 }));
    assert.equal(k, { binary: 2, multiclass: 4, regression: 0 }[task], name);
    assert.equal(model.isRegression(cfg({ dataset: name })), task === 'regression', name);
  }
  const custom = (labels) => model.classesOf(cfg({ dataset: model.customName, customPoints: labels.map((l, i) => [i, i, l]) }));
  assert.equal(custom([0, 1, 2, 1]), 3);
  assert.equal(custom([-1, 1, 1, -1]), 2);
  assert.equal(custom([0.5, 1.25, 2, 3]), 0);
  assert.equal(custom([]), 2);
});

test('issue 10 (defect 2): a link opens at one epoch per frame, not "fastest"; speed=max is kept', { skip }, () => {
  assert.equal(decode('why=lr_too_high&play=1').speed, '1');
  assert.equal(decode('ab=sgd_adam&play=1').speed, '1');
  const fast = decode('speed=max&play=1');
  assert.equal(fast.speed, 'max');
  assert.match(encode(fast), /(^|&)speed=max(&|$)/);
  assert.doesNotMatch(encode(decode('play=1')), /speed=/);
  // the log loss axis is a page flag of the link
  assert.equal(decode('logy=1').logY, true);
  assert.match(encode(decode('logy=1')), /(^|&)logy=1(&|$)/);
});
