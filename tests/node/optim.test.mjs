// The optimizer explorer (www/labs/optim.model.js) against the engine it claims to show:
// - its paths equal stepping the built package's `Optimizer` by hand (www/pkg, made by
//   .ci/build.sh), step for step and bit for bit, for every kind on every function;
// - the update-rule numbers the page prints (`ruleState`, float64) predict each engine step
//   (f32) to 1e-4 relative;
// - the JS gradients of the 2-D functions equal central finite differences;
// - the hash codec survives bad input.
// The engine tests are skipped, with a message, only when www/pkg has not been built.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import {
  FUNCTIONS, OPTIMIZERS, OPT_IDS, runPaths, ruleState, stateFromHash, stateToHash, logLevels, engineOptions, MAX_STEPS,
} from '../../www/labs/optim.model.js';
import { lcg } from './kit.mjs';
import { loadApi as engine, skipUnlessBuilt } from './load.mjs'; // engine(): the checked API, as the pages use it

const skip = skipUnlessBuilt();

const STEPS = 12;

test("the explorer shows exactly the engine's optimizers (trainSchema)", { skip }, async () => {
  const dl = await engine();
  assert.deepEqual(dl.trainSchema().optimizers, OPT_IDS);
});

test('every path equals the engine Optimizer stepped by hand', { skip }, async () => {
  const dl = await engine();
  for (const fn of FUNCTIONS) {
    const paths = runPaths(dl, fn, fn.start, fn.lr, STEPS);
    OPTIMIZERS.forEach((o, i) => {
      const path = paths[i];
      assert.equal(path.error, null, `${fn.id}/${o.id}: ${path.error}`);
      assert.equal(path.diverged, null, `${fn.id}/${o.id} diverged in ${STEPS} steps at its default lr`);
      // by hand: one Optimizer, one 2-element Tensor, the gradient of the current point
      const opt = new dl.Optimizer(o.kind, engineOptions(o, fn.lr[i]));
      const p = new dl.Tensor(Float32Array.from(fn.start), [2]);
      for (let t = 1; t <= STEPS; t++) {
        const [x, y] = p.toArray();
        opt.step(p, new dl.Tensor(Float32Array.from(fn.grad(x, y)), [2]), 0);
        assert.deepEqual(path.pts[t], Array.from(p.toArray()), `${fn.id}/${o.id} step ${t}`);
      }
      assert.equal(path.pts.length, STEPS + 1);
    });
  }
});

test('the printed update rule predicts every engine step (1e-4 relative)', { skip }, async () => {
  const dl = await engine();
  for (const fn of FUNCTIONS) {
    const paths = runPaths(dl, fn, fn.start, fn.lr, STEPS);
    OPTIMIZERS.forEach((o, i) => {
      for (let t = 1; t <= STEPS; t++) {
        const r = ruleState(o, fn.lr[i], paths[i], t);
        for (let k = 0; k < 2; k++) {
          const want = paths[i].pts[t][k];
          const tol = 1e-4 * Math.max(1, Math.abs(want), Math.abs(paths[i].pts[t - 1][k]));
          assert.ok(Math.abs(r.next[k] - want) <= tol, `${fn.id}/${o.id} step ${t}[${k}]: rule ${r.next[k]} vs engine ${want}`);
        }
      }
    });
  }
});

test('a diverging path stops and says where, without throwing', { skip }, async () => {
  const dl = await engine();
  const fn = FUNCTIONS.find((f) => f.id === 'rosenbrock');
  const [sgd] = runPaths(dl, fn, fn.start, [0.1, ...fn.lr.slice(1)], MAX_STEPS);
  assert.equal(sgd.error, null);
  assert.ok(sgd.diverged !== null && sgd.diverged < 20, `diverged at ${sgd.diverged}`);
  assert.equal(sgd.pts.length, sgd.diverged);
});

test('analytic gradients equal central finite differences', () => {
  const rnd = lcg(13);
  for (const fn of FUNCTIONS) {
    const [x0, x1, y0, y1] = fn.view;
    for (let k = 0; k < 50; k++) {
      const x = x0 + (x1 - x0) * rnd();
      const y = y0 + (y1 - y0) * rnd();
      const h = 1e-5;
      const fd = [(fn.f(x + h, y) - fn.f(x - h, y)) / (2 * h), (fn.f(x, y + h) - fn.f(x, y - h)) / (2 * h)];
      const g = fn.grad(x, y);
      for (let i = 0; i < 2; i++) {
        // float64 central differences: error ~ h² f''' + eps |f| / h
        const tol = 1e-6 * Math.max(1, Math.abs(fn.f(x, y)), Math.abs(g[i]));
        assert.ok(Math.abs(g[i] - fd[i]) <= tol, `${fn.id} at (${x}, ${y}) d${i}: ${g[i]} vs ${fd[i]}`);
      }
    }
    // the marked minima are stationary points
    for (const m of fn.minima) for (const gi of fn.grad(...m)) assert.ok(Math.abs(gi) < 2e-3, `${fn.id} minimum ${m}: ${gi}`);
  }
});

test('the hash codec round-trips and survives bad input', () => {
  const s = stateFromHash({ f: 'beale', start: '1.5,-2', lr: '0.1,,x,-1,1e9,0.002', t: '42', hide: 'sgd,nope' });
  assert.equal(s.fn.id, 'beale');
  assert.deepEqual(s.start, [1.5, -2]);
  assert.deepEqual(s.lrs, [0.1, s.fn.lr[1], s.fn.lr[2], s.fn.lr[3], s.fn.lr[4], 0.002, s.fn.lr[6]]);
  assert.equal(s.t, 42);
  assert.deepEqual([...s.hidden], ['sgd']);
  const back = stateFromHash(stateToHash(s));
  assert.deepEqual({ ...back, fn: back.fn.id }, { ...s, fn: s.fn.id });
  for (const h of [{}, { f: 'nope', start: 'a,b', t: '-5' }, { start: '1e999,0', t: '1e9', lr: '%%' }, { f: '__proto__', t: '2.5' }]) {
    const d = stateFromHash(h);
    assert.ok(FUNCTIONS.includes(d.fn));
    assert.ok(d.start.every(Number.isFinite));
    assert.ok(d.t >= 0 && d.t <= MAX_STEPS && Number.isInteger(d.t));
    assert.ok(d.lrs.every((v) => v > 0 && Number.isFinite(v)));
  }
  // start is clamped into the view
  assert.deepEqual(stateFromHash({ f: 'ravine', start: '100,-100' }).start, [4, -1.6]);
});

test('contour levels are log-spaced above the minimum', () => {
  const l = logLevels(2, 1002, 5);
  assert.equal(l.length, 5);
  const d = l.map((v) => v - 2);
  assert.ok(Math.abs(d[0] - 0.1) < 1e-9 && Math.abs(d[4] - 1000) < 1e-9);
  for (let k = 1; k < 5; k++) assert.ok(Math.abs(d[k] / d[k - 1] - 10) < 1e-9);
  assert.deepEqual(logLevels(1, 1), []);
});
