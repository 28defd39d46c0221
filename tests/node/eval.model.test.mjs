// The evaluation lab's pure module (www/labs/eval.model.js): the URL state (bad values clamped or
// replaced and named), configs, the filled-in formulas, the precision identity behind "AP drops
// when positives get rare", the learning-curve reading and the weight histogram.
import test from 'node:test';
import assert from 'node:assert/strict';

const M = await import(new URL('../../www/labs/eval.model.js', import.meta.url).href);

test('state: defaults, round trip, and every bad value clamped or replaced and named', () => {
  const { state, ignored } = M.stateFromHash({});
  assert.deepEqual(state, M.DEFAULTS);
  assert.deepEqual(ignored, []);
  assert.deepEqual(M.stateToHash(state), {}, 'defaults stay out of the hash');
  const s2 = { ...state, data: 'moons', thr: 0.25, k: 64 };
  const back = M.stateFromHash(M.stateToHash(s2)).state;
  assert.deepEqual(back, s2);
  const bad = M.stateFromHash({ thr: '1.5', pos: '-5', k: '0', lam: '-1', data: '<img>', a: 'x', ep: 'NaN', kd: 'Infinity' });
  assert.equal(bad.state.thr, 1, 'a threshold above 1 is clamped to 1');
  assert.equal(bad.state.pos, 0);
  assert.equal(bad.state.k, 1, 'K = 0 becomes 1');
  assert.equal(bad.state.lam, 0, 'lambda < 0 becomes 0');
  assert.equal(bad.state.data, 'cancer');
  assert.equal(bad.state.a, 'lr');
  assert.equal(bad.state.ep, M.DEFAULTS.ep);
  assert.equal(bad.state.kd, M.DEFAULTS.kd);
  assert.deepEqual(bad.ignored.map(([k]) => k).sort(), ['a', 'data', 'ep', 'k', 'kd', 'lam', 'pos', 'thr']);
  for (const v of Object.values(bad.state)) assert.ok(typeof v === 'string' || Number.isFinite(v));
});

test('model configs: logistic regression has no hidden layer; the imbalance is a share', () => {
  const s = { ...M.DEFAULTS, pos: 20, data: 'moons' };
  assert.deepEqual(M.modelConfig(s, 'lr').hidden, []);
  assert.deepEqual(M.modelConfig(s, '16,16').hidden, [16, 16]);
  assert.equal(M.modelConfig(s, '4').posShare, 0.2);
  assert.equal(M.modelConfig(s, '4').data, 'moons');
});

test('formulas carry the live counts and their values; 0/0 shows as a dash', () => {
  const c = { tp: 2, fp: 2, tn: 2, fn: 1, recall: 2 / 3, fpr: 0.5, precision: 0.5, f1: 4 / 7, accuracy: 4 / 7 };
  const f = M.formulas(c);
  assert.equal(f[0].formula, 'TP / (TP + FN) = 2 / (2 + 1)');
  assert.equal(f[3].formula, '2TP / (2TP + FP + FN) = 4 / (4 + 2 + 1)');
  assert.equal(f[4].formula, '(TP + TN) / N = (2 + 2) / 7');
  assert.equal(M.rate(NaN), '—');
  assert.equal(M.rate(0.5), '0.500');
});

test('precision from the rates: fewer positives at the same TPR and FPR, lower precision', () => {
  assert.equal(M.precisionFrom(0.9, 0.1, 50, 50), 0.9);
  assert.ok(M.precisionFrom(0.9, 0.1, 5, 50) < 0.5);
  assert.ok(Number.isNaN(M.precisionFrom(0, 0, 5, 50)));
  assert.equal(M.rocIndexAt([Infinity, 0.9, 0.5, 0.1], 0.5), 2);
  assert.equal(M.rocIndexAt([Infinity, 0.9, 0.5, 0.1], 0.95), 0);
});

test('curve reading: a large gap is variance, two high curves are bias, low and close is good', () => {
  const rows = [
    { train: 0.01, test: 0.4 }, // memorized a small set
    { train: 0.3, test: 0.31 }, // too simple
    { train: 0.02, test: 0.03 }, // fine
    { train: NaN, test: 0.1 },
  ];
  assert.deepEqual(M.diagnose(rows).per, ['variance', 'bias', 'good', 'unknown']);
  assert.equal(M.diagnose([]).last, 'unknown');
});

test('weight histogram: exact and near zeros counted, non-finite values apart, every finite value binned', () => {
  const h = M.weightHistogram([0, 0, 0.0005, -0.0002, 0.5, -1, NaN, Infinity], { bins: 10 });
  assert.equal(h.exact, 2);
  assert.equal(h.near, 4);
  assert.equal(h.nonFinite, 2);
  assert.equal(h.lim, 1);
  assert.equal(h.counts.reduce((a, b) => a + b, 0), 6);
  assert.equal(h.counts[0], 1, '-1 lands in the first bin');
  const empty = M.weightHistogram([]);
  assert.equal(empty.total, 0);
  assert.equal(empty.lim, 1);
});
