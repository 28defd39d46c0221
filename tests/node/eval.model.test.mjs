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

test('elastic-net ball: every drawn point is on the level set through the optimum; logistic scales lambda by 1/4', () => {
  for (const [w, a] of [[[0.7, -0.2], 0.5], [[0, 1.3], 0.2], [[-0.4, 0.4], 0.9]]) {
    const b = M.elasticBall(w, a, 64);
    const f = (x, y) => a * (Math.abs(x) + Math.abs(y)) + ((1 - a) / 2) * (x * x + y * y);
    assert.ok(Math.abs(b.c - f(w[0], w[1])) < 1e-12);
    b.xs.forEach((x, i) => assert.ok(Math.abs(f(x, b.ys[i]) - b.c) < 1e-9, `point ${i}`));
    // it lies between the L1 diamond and the L2 circle of the same axis intercept
    const r = b.xs[0];
    b.xs.forEach((x, i) => {
      const y = b.ys[i];
      assert.ok(Math.abs(x) + Math.abs(y) >= r - 1e-9 && Math.hypot(x, y) <= r + 1e-9);
    });
  }
  assert.deepEqual(M.geoLambda({ gm: 'lin', lam: 0.3 }), { lambda: 0.3, lambdaMax: 2 });
  assert.deepEqual(M.geoLambda({ gm: 'log', lam: 0.4 }), { lambda: 0.1, lambdaMax: 0.5 });
  assert.equal(M.stateFromHash({ gm: 'log' }).state.gm, 'log');
  assert.deepEqual(M.stateFromHash({ gm: 'probit' }).ignored, [['gm', 'probit']]);
});

test('imbalance: seeded subsamples keep round(share·P) positives and every negative; stats over reps', () => {
  const labels = Uint8Array.from([1, 0, 1, 1, 0, 0, 1, 1, 0, 1]);
  const scores = Float32Array.from([0.9, 0.1, 0.8, 0.4, 0.5, 0.2, 0.7, 0.3, 0.6, 0.95]);
  const a = M.keepPositives(labels, scores, 0.5, 3);
  assert.equal(a.kept, 3);
  assert.equal(a.labels.filter((v) => v === 1).length, 3);
  assert.equal(a.labels.filter((v) => v === 0).length, 4);
  assert.deepEqual(M.keepPositives(labels, scores, 0.5, 3), a, 'same seed, same subsample');
  // every kept pair (label, score) is one of the original rows
  a.labels.forEach((l, i) => assert.ok([...labels].some((m, j) => m === l && Math.abs(scores[j] - a.scores[i]) < 1e-7)));
  const seen = new Set();
  for (let s = 1; s <= 10; s++) seen.add(Array.from(M.keepPositives(labels, scores, 0.5, s).scores).join());
  assert.ok(seen.size > 1, 'different seeds, different subsamples');
  // a metric counting positives: mean = kept, sd = 0; a throwing metric: all undefined
  const st = M.subsampleStats(labels, scores, 0.5, 10, (l) => ({ auc: l.filter((v) => v === 1).length, ap: 1 }));
  assert.equal(st.auc.mean, 3);
  assert.equal(st.auc.sd, 0);
  assert.equal(st.auc.n, 10);
  const none = M.subsampleStats(labels, scores, 0, 4, () => { throw new Error('no positive'); });
  assert.equal(none.undefinedCount, 4);
  assert.ok(Number.isNaN(none.auc.mean));
});
