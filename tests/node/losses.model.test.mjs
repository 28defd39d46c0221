// The losses lab's pure module (www/labs/losses.model.js): the naive f32 softmax overflows where
// the stable form does not, two-class softmax = sigmoid of the difference, the one-weight
// logistic surface (CE convex, MSE not), parameter checks with their message keys, and the hash
// state (bad values fall back to defaults and are listed).
import test from 'node:test';
import assert from 'node:assert/strict';

const M = await import(new URL('../../www/labs/losses.model.js', import.meta.url).href);

test('naive f32 softmax overflows at logits 1000, the stable form does not', () => {
  const n = M.naiveSoftmaxF32([1000, 999, 998]);
  assert.ok(n.exps.every((v) => v === Infinity));
  assert.ok(n.probs.every(Number.isNaN));
  const s = M.stableParts([1000, 999, 998]);
  const e = [1, Math.exp(-1), Math.exp(-2)];
  const z = e[0] + e[1] + e[2];
  s.probs.forEach((p, i) => assert.ok(Math.abs(p - e[i] / z) < 1e-15));
  // f32 overflows past ~88.7: 88 is finite, 89 is not
  assert.ok(Number.isFinite(M.naiveSoftmaxF32([88, 0]).sum));
  assert.equal(M.naiveSoftmaxF32([89, 0]).sum, Infinity);
  // temperature divides first
  assert.ok(Number.isFinite(M.naiveSoftmaxF32([1000, 0], 20).sum));
});

test('two classes: softmax equals the sigmoid of the difference', () => {
  for (const [a, b] of [[0, 0], [3, -1], [-20, 15], [700, 690]]) {
    const r = M.twoClass(a, b);
    assert.ok(Math.abs(r.softmax - r.sigmoidDiff) < 1e-12, `${a}, ${b}`);
  }
  assert.equal(M.sigmoid(-800), 0);
  assert.equal(M.sigmoid(800), 1);
});

test('one-weight logistic model: CE is convex in w, MSE is not', () => {
  const s = M.logisticSurface(M.linspace(-8, 8, 161));
  assert.ok(s.ceMinCurvature >= 0, s.ceMinCurvature);
  assert.ok(s.mseMinCurvature < 0, s.mseMinCurvature);
  assert.ok(s.ce.every(Number.isFinite) && s.mse.every(Number.isFinite));
  // at w = 0 every p is 0.5: CE = ln 2, MSE = 0.25
  const i = s.ws.findIndex((w) => Math.abs(w) < 1e-12);
  assert.ok(Math.abs(s.ce[i] - Math.LN2) < 1e-12 && Math.abs(s.mse[i] - 0.25) < 1e-12);
});

test('parameter checks: each bad value names its rule', () => {
  const bad = [['z', 'abc', 'losses.err_number'], ['z', 'Infinity', 'losses.err_number'], ['z', '1e39', 'losses.err_logit'],
    ['T', '0', 'losses.err_T'], ['T', '-1', 'losses.err_T'], ['T', '50', 'losses.err_T_range'], ['gamma', '-0.5', 'losses.err_gamma'],
    ['eps', '1', 'losses.err_eps'], ['eps', '-0.1', 'losses.err_eps'], ['alpha', '1.01', 'losses.err_alpha'], ['alpha', '', 'losses.err_number']];
  for (const [name, v, key] of bad) assert.equal(M.checkParam(name, v).error, key, `${name}=${v}`);
  for (const [name, v] of [['z', '-1000'], ['T', '0.05'], ['gamma', '0'], ['eps', '0.99'], ['alpha', '1']]) assert.equal(M.checkParam(name, v).value, Number(v));
  assert.deepEqual(M.parseLogits('1, 2;3  4').values, [1, 2, 3, 4]);
  assert.equal(M.parseLogits('1').error, 'losses.err_count');
  assert.equal(M.parseLogits('1, x').error, 'losses.err_number');
});

test('hash state: good values kept, bad ones replaced by defaults and listed', () => {
  const { S, ignored } = M.stateFromHash({ z: '1000,999,998', T: '2', gamma: '-1', eps: '1', alpha: '0.5', cursor: '1e-320', ex: '3', pos: '12', aon: '1' });
  assert.equal(S.z, '1000,999,998');
  assert.equal(S.T, 2);
  assert.equal(S.gamma, M.DEFAULTS.gamma);
  assert.equal(S.eps, M.DEFAULTS.eps);
  assert.equal(S.alpha, 0.5);
  assert.equal(S.cursor, M.DEFAULTS.cursor);
  assert.equal(S.ex, 3);
  assert.equal(S.aon, 1);
  assert.deepEqual(ignored.map(([k]) => k).sort(), ['cursor', 'eps', 'gamma', 'pos']);
  const back = M.stateFromHash(Object.fromEntries(Object.entries(M.stateToHash(S)).map(([k, v]) => [k, String(v)])));
  assert.deepEqual(back.S, S);
  assert.deepEqual(back.ignored, []);
});

test('experiments: each has its runs with epochs; KD has one teacher first and two students', () => {
  for (const exp of M.EXPERIMENTS) {
    const runs = M.experimentRuns(exp, M.DEFAULTS);
    assert.ok(runs.length >= 2 && runs.every((r) => r.epochs > 0 && r.opts.seed === 1), exp);
  }
  const kd = M.experimentRuns('kd', { ...M.DEFAULTS, kdT: 3, kdAlpha: 0.7 });
  assert.equal(kd[0].role, 'teacher');
  assert.deepEqual(kd.filter((r) => r.student).map((r) => [r.opts.temperature, r.opts.alpha]), [[3, 1], [3, 0.7]]);
  assert.equal(M.fmt(NaN), 'NaN');
  assert.equal(M.fmt(Infinity), '∞');
  assert.equal(M.fmt(-0.5), '−0.5');
});
