// The bench's plain-JavaScript training peer (bench/cases/train.mjs, `PlainTrainer`) is the same
// trainer as ours, so the bench's speed ratio compares like with like:
// - its shuffle generator is our xoshiro256** (checked against a BigInt transcription of src/rng.rs);
// - from our initial weights, one mini-batch lands on our weights to ONE_STEP_TOL, for the
//   Playground net (tanh, SGD) and the 6x16 ReLU Adam net;
// - after whole epochs (same mini-batches in the same order) it still matches, and a peer fed
//   another shuffle stream does not (so the check can fail);
// - it refuses runs it does not implement.
// Needs the built package (www/pkg, .ci/build.sh); skipped with a message otherwise. No timing.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { PlainTrainer, Xoshiro, paramDiff, oneStep, epochsDiff, ONE_STEP_TOL } from '../../bench/cases/train.mjs';
import { loadApi as engine, skipUnlessBuilt } from './load.mjs'; // engine(): the checked API, as the pages use it

const skip = skipUnlessBuilt();

const PLAYGROUND = { dataset: 'circle', points: 500, trainRatio: 50, hidden: [4, 2], activation: 'tanh', optimizer: 'sgd', lr: 0.03, batchSize: 10, loss: 'bce', seed: 1 };
const SPIRAL = { dataset: 'spiral', points: 500, trainRatio: 50, hidden: [16, 16, 16, 16, 16, 16], activation: 'relu', optimizer: 'adam', lr: 0.003, batchSize: 10, loss: 'bce', seed: 1 };

test('the peer draws our xoshiro256** stream', () => {
  const M = (1n << 64n) - 1n;
  const rotl = (x, k) => ((x << BigInt(k)) | (x >> BigInt(64 - k))) & M;
  for (const seed of [0, 3, 259, 2 ** 40 + 3]) {
    // src/rng.rs, transcribed with BigInt
    let z = BigInt(seed);
    const s = [];
    for (let k = 0; k < 4; k++) {
      z = (z + 0x9e3779b97f4a7c15n) & M;
      let x = z;
      x = ((x ^ (x >> 30n)) * 0xbf58476d1ce4e5b9n) & M;
      x = ((x ^ (x >> 27n)) * 0x94d049bb133111ebn) & M;
      s.push(x ^ (x >> 31n));
    }
    const r = new Xoshiro(seed);
    for (let i = 0; i < 2000; i++) {
      const out = (rotl((s[1] * 5n) & M, 7) * 9n) & M;
      const t = (s[1] << 17n) & M;
      s[2] ^= s[0]; s[3] ^= s[1]; s[1] ^= s[2]; s[0] ^= s[3]; s[2] ^= t; s[3] = rotl(s[3], 45);
      assert.equal(r.uniform(), Number(out >> 11n) / 2 ** 53, `seed ${seed}, draw ${i}`);
    }
  }
  const r = new Xoshiro(7);
  for (let i = 0; i < 1000; i++) {
    const k = r.below(13);
    assert.ok(Number.isInteger(k) && k >= 0 && k < 13);
  }
});

// After whole epochs: SGD stays within an ulp or two; Adam divides by sqrt(v), so a gradient that
// is mostly rounding noise (an ulp of our vector exp against Math.exp in the sigmoid) can move a
// weight by a visible fraction of lr: measured 1.3e-5 .. 2.2e-5 after 1 .. 3 epochs.
const EPOCHS_TOL = { sgd: 1e-6, adam: 1e-4 };

for (const [name, cfg] of [['Playground 2-4-2-1 tanh SGD', PLAYGROUND], ['6x16 ReLU Adam', SPIRAL]]) {
  test(`${name}: one mini-batch from our weights lands on our weights`, { skip }, async () => {
    const d = await engine();
    const { ours, peer, before, diff } = oneStep(d, cfg);
    try {
      assert.equal(before.maxAbs, 0, 'the peer starts from our weights');
      assert.equal(ours.epoch, 1);
      assert.equal(peer.iterations, 1, 'one mini-batch');
      assert.ok(diff.maxAbs <= ONE_STEP_TOL, `max |difference| ${diff.maxAbs} (${diff.worst}) > ${ONE_STEP_TOL}`);
      // the step moved the weights far more than the tolerance (the check is not vacuous)
      const fresh = new d.Trainer({ ...cfg, points: 2 * cfg.batchSize, trainRatio: 50 });
      const start = PlainTrainer.from(fresh);
      fresh.free();
      const moved = paramDiff(ours, start).maxAbs;
      assert.ok(moved > 100 * ONE_STEP_TOL, `the step moved the weights by only ${moved}`);
    } finally {
      ours.free();
    }
  });

  test(`${name}: whole epochs follow our mini-batches, and another shuffle does not`, { skip }, async () => {
    const d = await engine();
    const same = epochsDiff(d, cfg, 3);
    const tol = EPOCHS_TOL[cfg.optimizer];
    assert.ok(same.maxAbs <= tol, `after 3 epochs max |difference| ${same.maxAbs} (${same.worst})`);
    const ours = new d.Trainer(cfg);
    const other = PlainTrainer.from(ours);
    other.rng = new Xoshiro(((cfg.seed + 1) >>> 0) * 256 + 3); // the next seed's shuffle stream
    ours.fit(3);
    other.fit(3);
    const off = paramDiff(ours, other).maxAbs;
    ours.free();
    assert.ok(off > 100 * tol, `another batch order is only ${off} away`);
  });
}

test('the peer refuses runs it does not implement', { skip }, async () => {
  const d = await engine();
  for (const extra of [{ batchNorm: true }, { dropout: 0.2 }, { optimizer: 'momentum' }, { activation: 'sigmoid' },
    { l2: 0.01 }, { clipNorm: 1 }, { features: ['x1', 'x2', 'x1*x2'] }, { dataset: 'spiral', classes: 3 }, { loss: 'mse' }]) {
    const t = new d.Trainer({ ...PLAYGROUND, ...extra });
    try {
      assert.throws(() => PlainTrainer.from(t), Error, JSON.stringify(extra));
    } finally {
      t.free();
    }
  }
});
