// The activation explorer's numbers come from the engine (activationCurve, depthGradients in
// src/wasm/explore.rs, loaded from the built package www/pkg); this checks them:
// - f' returned by the engine equals central finite differences of the engine's own f, for every
//   activation, at x in [-6, 6] (h = 1e-2 in float32, away from the kinks at 0 of ReLU, leaky
//   ReLU and ELU; tolerance 2e-4 absolute + 1e-3 relative: float32 rounding of f contributes
//   ~|f| 6e-8 / h <= 4e-5, the h^2 f'''/6 truncation <= 2e-5 for these functions);
// - a few known values (torch's definitions), the coded errors of bad input, and the
//   vanishing gradient the depth plot shows (sigmoid falls by >1e4 over 10 layers; ReLU with
//   Kaiming init does not);
// - the pure helpers of www/labs/activ.model.js (saturation runs, hash codec).
// The engine tests are skipped, with a message, only when www/pkg has not been built.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { ACTIVATIONS, saturatedRuns, stateFromHash, stateToHash, xGrid, SATURATION } from '../../www/labs/activ.model.js';
import { loadApi as engine, skipUnlessBuilt } from './load.mjs'; // engine(): the checked API, as the pages use it

const skip = skipUnlessBuilt();

const KINKED = new Set(['relu', 'leaky_relu', 'elu']);

test("the engine's f' equals central finite differences of its f, every activation", { skip }, async () => {
  const dl = await engine();
  const h = 1e-2;
  const xs = Array.from(xGrid(241)).filter((x) => Math.abs(x) > 3 * h || x === 0);
  for (const name of ACTIVATIONS) {
    const pts = xs.filter((x) => !(KINKED.has(name) && Math.abs(x) <= 3 * h));
    const xp = Float32Array.from(pts, (x) => x + h);
    const xm = Float32Array.from(pts, (x) => x - h);
    const yp = dl.activationCurve(name, xp).y;
    const ym = dl.activationCurve(name, xm).y;
    const { dy } = dl.activationCurve(name, Float32Array.from(pts));
    let worst = 0;
    pts.forEach((x, i) => {
      const fd = (yp[i] - ym[i]) / (xp[i] - xm[i]);
      const err = Math.abs(fd - dy[i]);
      worst = Math.max(worst, err);
      assert.ok(err <= 2e-4 + 1e-3 * Math.abs(dy[i]), `${name} at x = ${x}: f' ${dy[i]} vs finite difference ${fd}`);
    });
    assert.ok(pts.length > 200, `${name}: ${pts.length} points checked`);
  }
});

test('known values (torch.nn definitions)', { skip }, async () => {
  const dl = await engine();
  const at = (name, x) => {
    const r = dl.activationCurve(name, Float32Array.of(x));
    return [r.y[0], r.dy[0]];
  };
  const close = (a, b, what) => assert.ok(Math.abs(a - b) < 1e-6, `${what}: ${a} vs ${b}`);
  close(at('sigmoid', 0)[1], 0.25, "sigmoid'(0)");
  close(at('tanh', 0)[1], 1, "tanh'(0)");
  close(at('gelu', 1)[0], 0.8413447, 'gelu(1) = Phi(1)');
  close(at('silu', 1)[0], 0.7310586, 'silu(1) = sigmoid(1)');
  close(at('elu', -1)[0], Math.exp(-1) - 1, 'elu(-1)');
  close(at('leaky_relu', -2)[0], -0.02, 'leaky_relu(-2)');
  assert.deepEqual(at('relu', 0), [0, 0]); // autograd's choice at the kink
  // options as torch's keywords
  const r = dl.activationCurve('leaky_relu', Float32Array.of(-2), { negativeSlope: 0.2 });
  close(r.y[0], -0.4, 'negativeSlope 0.2');
  // 10k points in one call, lengths match
  const big = dl.activationCurve('tanh', new Float32Array(10000));
  assert.equal(big.y.length, 10000);
  assert.equal(big.dy.length, 10000);
});

test('bad input throws coded errors and the module keeps working', { skip }, async () => {
  const dl = await engine();
  const code = (fn) => {
    try {
      fn();
    } catch (e) {
      return e.code;
    }
    return 'no throw';
  };
  assert.equal(code(() => dl.activationCurve('softsign', Float32Array.of(0))), 'bad_choice');
  assert.equal(code(() => dl.activationCurve('relu', Float32Array.of(0), { slope: 1 })), 'unknown_option');
  assert.equal(code(() => dl.activationCurve('relu', Float32Array.of(0, NaN))), 'non_finite_value');
  assert.equal(code(() => dl.activationCurve('relu', Float32Array.of(0), 5)), 'options_not_object');
  assert.equal(code(() => dl.depthGradients('relu', { maxDepth: 0 })), 'out_of_range');
  assert.equal(code(() => dl.depthGradients('relu', { maxDepth: 33 })), 'out_of_range');
  assert.equal(code(() => dl.depthGradients('relu', { init: 'he' })), 'invalid_argument');
  assert.equal(code(() => dl.depthGradients('nope')), 'bad_choice');
  // a work budget keeps every call short: the largest of each option at once is refused
  assert.equal(code(() => dl.depthGradients('relu', { maxDepth: 32, width: 64, batch: 512, repeats: 16 })), 'out_of_range');
  const t0 = performance.now();
  dl.depthGradients('relu', { maxDepth: 32, width: 16, batch: 64, repeats: 6 }); // ~5.1e7, under the 6e7 budget
  assert.ok(performance.now() - t0 < 5000, 'a call at the budget takes seconds');
  assert.equal(dl.activationCurve('relu', Float32Array.of(2)).y[0], 2);
});

test('depthGradients: the vanishing gradient of sigmoid, not of ReLU with Kaiming init', { skip }, async () => {
  const dl = await engine();
  const sig = dl.depthGradients('sigmoid', { maxDepth: 12 });
  assert.deepEqual(sig.depth, [1, 2, 3, 4, 5, 6, 7, 8, 9, 10, 11, 12]);
  assert.equal(sig.first_rms.length, 12);
  assert.ok(sig.first_rms[10] < 1e-4 * sig.first_rms[0], `sigmoid: ${sig.first_rms[0]} -> ${sig.first_rms[10]}`);
  const relu = dl.depthGradients('relu', { maxDepth: 12, init: 'kaiming_uniform' });
  const ratio = relu.first_rms[10] / relu.first_rms[0];
  assert.ok(ratio > 0.1 && ratio < 10, `relu + kaiming: ratio ${ratio}`);
  // seeded: the same options give the same numbers
  assert.deepEqual(dl.depthGradients('tanh', { maxDepth: 4, seed: 3 }), dl.depthGradients('tanh', { maxDepth: 4, seed: 3 }));
});

test('saturation runs and the hash codec', () => {
  const xs = [-3, -2, -1, 0, 1, 2, 3];
  assert.deepEqual(saturatedRuns(xs, [0, 0.01, 0.5, 1, 0.5, 0.01, 0.2]), [[-3, -1.5], [1.5, 2.5]]);
  assert.deepEqual(saturatedRuns(xs, [1, 1, 1, 1, 1, 1, 1]), []);
  assert.deepEqual(saturatedRuns(xs, [0, 0, 0, 0, 0, 0, 0], SATURATION), [[-3, 3]]);
  assert.deepEqual(stateFromHash({ x: '2.5', init: 'lecun' }), { x: 2.5, init: 'lecun' });
  for (const h of [{}, { x: 'abc', init: '__proto__' }, { x: '1e999' }, { x: '' }]) {
    const s = stateFromHash(h);
    assert.ok(Number.isFinite(s.x) && s.x >= -6 && s.x <= 6);
    assert.equal(s.init, 'xavier_uniform');
  }
  assert.deepEqual(stateFromHash(stateToHash({ x: -0.1234567, init: 'kaiming_uniform' })), { x: -0.123, init: 'kaiming_uniform' });
});

test('the explorer lists exactly the engine activations (trainSchema)', { skip }, async () => {
  const dl = await engine();
  assert.deepEqual(dl.trainSchema().activations, ACTIVATIONS);
});
