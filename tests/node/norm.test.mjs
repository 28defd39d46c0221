// The normalisation lab's pure model (www/labs/norm.model.js): the highlighted set of each norm has
// the formula's size for every element and several shapes, its statistics, the hash state and the
// batch-statistics spread (wider for small batches, centred on the population).
import test from 'node:test';
import assert from 'node:assert/strict';

const m = await import(new URL('../../www/labs/norm.model.js', import.meta.url).href);
const { expPlan, stepsPerEpoch, meanSd, stateFromHash, stateToHash, DEFAULTS, EXP_NORMS, EXP_BATCHES, EXP_REF_BATCH, EXP_STEPS_BATCH } = m;

test('every element\'s set has the formula\'s size: BN N·H·W, LN C·H·W, IN H·W, GN (C/G)·H·W', () => {
  for (const shape of [[2, 8, 8, 8], [4, 16, 4, 4], [3, 6, 2, 5], [1, 16, 1, 1]]) {
    const total = shape.reduce((a, b) => a * b, 1);
    for (const [norm, g] of [['bn', 1], ['ln', 1], ['in', 1], ['gn', 2], ['gn', shape[1]], ['gn', 1]]) {
      const want = m.groupSize(norm, shape, g);
      for (let sel = 0; sel < total; sel += 7) {
        const mask = m.groupMask(norm, shape, sel, g);
        assert.equal(mask.reduce((a, b) => a + b, 0), want, `${norm} G=${g} ${shape} at ${sel}`);
        assert.equal(mask[sel], 1);
      }
    }
  }
  assert.equal(m.sizeFormula('gn', [2, 8, 8, 8], 4), '(C/G)·H·W = (8/4)·8·8');
  assert.deepEqual(m.groupsProblem('gn', 8, 3), { groups: 3, channels: 8 });
  assert.equal(m.groupsProblem('gn', 8, 4), null);
  assert.equal(m.groupsProblem('bn', 8, 3), null);
});

test('masked statistics and the formula give zero mean and unit variance over a set', () => {
  const values = Float32Array.from({ length: 2 * 3 * 2 * 2 }, (_, i) => Math.sin(i) * 3 + i / 10);
  const shape = [2, 3, 2, 2];
  const mask = m.groupMask('in', shape, 5, 1);
  const st = m.maskedStats(values, mask);
  assert.equal(st.count, 4);
  const ys = [...values].filter((_, i) => mask[i]).map((x) => m.normalizeValue(x, st.mean, st.variance, 1, 0, 0));
  const mean = ys.reduce((a, b) => a + b, 0) / ys.length;
  const v = ys.reduce((a, b) => a + (b - mean) ** 2, 0) / ys.length;
  assert.ok(Math.abs(mean) < 1e-6 && Math.abs(v - 1) < 1e-6, `${mean} ${v}`);
  assert.deepEqual(m.unravel(5, shape), [0, 1, 0, 1]);
});

test('hash state: values are checked, defaults are left out of the link', () => {
  const { state, bad } = m.stateFromHash({ norm: 'gn', g: '3', n: '9', lr: 'NaN', seed: '7', be: '2' });
  assert.equal(state.norm, 'gn');
  assert.equal(state.g, 3); // a bad group count is a state the page explains, not a parse error
  assert.equal(state.n, m.DEFAULTS.n);
  assert.equal(state.lr, m.DEFAULTS.lr);
  assert.deepEqual(bad.sort(), ['lr', 'n']);
  const h = m.stateToHash(state);
  assert.equal(h.norm, 'gn');
  assert.equal(h.seed, '7');
  assert.equal(h.lr, null);
});

test('batch statistics: the spread shrinks as the batch grows and centres on the population', () => {
  const rand = m.rng(3);
  const shape = [256, 2, 4, 4];
  const values = Float32Array.from({ length: 256 * 2 * 16 }, () => rand() * 2 - 1 + 0.5);
  const r = m.batchSpread(values, shape, 1, [1, 4, 16, 64], 400, 1);
  assert.equal(r.rows.length, 4);
  const width = (row) => row.mean[4] - row.mean[0];
  for (let i = 1; i < r.rows.length; i++) assert.ok(width(r.rows[i]) < width(r.rows[i - 1]), `b=${r.rows[i].b}`);
  const last = r.rows.at(-1);
  assert.ok(Math.abs(last.mean[2] - r.mean) < 0.05 && Math.abs(last.ratio[2] - 1) < 0.1, JSON.stringify(last));
});

test("the batch-size experiment's plan: every cell's steps and learning rate follow the stated budget and rule", () => {
  const n = 1438;
  assert.equal(stepsPerEpoch(1438, 32), 45); // 44 full batches + a last one of 30
  assert.equal(stepsPerEpoch(33, 32), 1); // a last batch of one image is dropped (BN cannot train on it)
  assert.equal(stepsPerEpoch(34, 32), 2);
  const same = expPlan({ epochs: 3, lr: 0.01, budget: 'epochs', lrRule: 'fixed', seeds: 1, seed: 5, trainCount: n });
  assert.equal(same.length, EXP_NORMS.length * EXP_BATCHES.length);
  for (const c of same) {
    assert.equal(c.lr, 0.01);
    assert.equal(c.steps, 3 * stepsPerEpoch(n, c.b));
    assert.deepEqual(c.seeds, [5]);
  }
  const steps = expPlan({ epochs: 2, lr: 0.02, budget: 'steps', lrRule: 'linear', seeds: 3, seed: 1, trainCount: n });
  for (const c of steps) {
    assert.equal(c.steps, 2 * stepsPerEpoch(n, EXP_STEPS_BATCH));
    assert.ok(Math.abs(c.lr - (0.02 * c.b) / EXP_REF_BATCH) < 1e-12);
    assert.deepEqual(c.seeds, [1, 2, 3]);
  }
  assert.equal(steps.find((c) => c.b === 32).lr, 0.02);
});

test('mean and spread over seeds: sample sd, non-finite values left out, NaN when none is left', () => {
  const s = meanSd([0.1, 0.2, 0.3]);
  assert.ok(Math.abs(s.mean - 0.2) < 1e-12 && Math.abs(s.sd - 0.1) < 1e-12);
  assert.deepEqual([s.n, s.min, s.max], [3, 0.1, 0.3]);
  assert.deepEqual(meanSd([0.4]), { mean: 0.4, sd: 0, n: 1, min: 0.4, max: 0.4 });
  assert.equal(meanSd([NaN, 0.5]).mean, 0.5);
  assert.ok(Number.isNaN(meanSd([NaN]).mean) && Number.isNaN(meanSd([]).sd));
});

test('the batch-size options round-trip through the hash and bad values fall back', () => {
  const { state, bad } = stateFromHash({ bbud: 'steps', blrr: 'linear', bsd: '3' });
  assert.deepEqual([state.bbud, state.blrr, state.bsd, bad.length], ['steps', 'linear', 3, 0]);
  const link = Object.fromEntries(Object.entries(stateToHash(state)).filter(([, v]) => v !== null));
  assert.deepEqual(link, { bbud: 'steps', blrr: 'linear', bsd: '3' });
  assert.deepEqual(stateFromHash(link).state, state);
  const b = stateFromHash({ bbud: 'forever', blrr: 'sqrt', bsd: '9' });
  assert.deepEqual(b.bad.sort(), ['bbud', 'blrr', 'bsd']);
  assert.deepEqual([b.state.bbud, b.state.blrr, b.state.bsd], [DEFAULTS.bbud, DEFAULTS.blrr, DEFAULTS.bsd]);
});
