// Training throughput (examples per second), ours vs two peers, same network, data, batch size and
// optimizer:
//  * TensorFlow Playground's default: 2 inputs, hidden 4-2, tanh, one sigmoid output, binary
//    cross-entropy, SGD lr 0.03, batch 10, 500 points (250 for training) on the circle set;
//  * a bigger one: 6 hidden layers x 16, ReLU, Adam lr 0.003, batch 10, on the spiral set.
// Ours: Trainer.fit (shuffle, mini-batches, forward, loss, backward, update; no evaluation) and
// Trainer.step (the same plus full train/test loss and accuracy after every epoch, as the lab runs).
// Peer 1, TF.js: model.fit (shuffles, one call for several epochs) and a trainOnBatch loop over
// batches prepared beforehand (no shuffling: the kindest setting for the peer); the faster one.
// Peer 2, plain JS (`PlainTrainer` below): a hand-written trainer of the same net, from the same
// initial weights, over the same mini-batches in the same order, in f32 arithmetic as ours; the
// bench first checks that it lands on our weights (after one mini-batch, and after whole epochs),
// then times both. Target (issue 16): ours >= 3x the plain-JS trainer in CPU time.
import { timeAsync, cpuRatio, interleaved } from '../lib.mjs';

const fmtRate = (r) => (r >= 1e6 ? `${(r / 1e6).toFixed(2)}M` : r >= 1e3 ? `${(r / 1e3).toFixed(1)}k` : r.toFixed(0));

/** A Trainer's training points (`points()`: x1, x2, label, is-test per point) as [x1/x2 pairs, labels]. */
function trainingPoints(trainer) {
  const pts = trainer.points();
  const xs = [];
  const ys = [];
  for (let i = 0; i < pts.length; i += 4) {
    if (pts[i + 3] === 0) {
      xs.push(pts[i], pts[i + 1]);
      ys.push(pts[i + 2]);
    }
  }
  return [xs, ys];
}

/** The largest one-step difference the bench and tests accept between ours and the plain peer. */
export const ONE_STEP_TOL = 1e-6;

/**
 * Our Trainer and the plain trainer on `cfg` restricted to one mini-batch per epoch (2 x batch
 * points, half for training), after one `fit(1)` each: `{ours, peer, before, diff}`.
 */
export function oneStep(dl, cfg) {
  const c = { ...cfg, points: 2 * cfg.batchSize, trainRatio: 50 };
  const ours = new dl.Trainer(c);
  const peer = PlainTrainer.from(ours);
  if (peer.n !== cfg.batchSize) throw new Error(`one-step set has ${peer.n} training points, want ${cfg.batchSize}`);
  const before = paramDiff(ours, peer);
  ours.fit(1);
  peer.fit(1);
  const diff = paramDiff(ours, peer);
  return { ours, peer, before, diff };
}

/** `epochs` epochs of ours and the plain trainer on `cfg`: the largest parameter difference. */
export function epochsDiff(dl, cfg, epochs) {
  const ours = new dl.Trainer(cfg);
  const peer = PlainTrainer.from(ours);
  ours.fit(epochs);
  peer.fit(epochs);
  const d = paramDiff(ours, peer);
  ours.free();
  return d;
}

async function compare({ dl, tf, time, row }, name, cfg, tfLayers, tfOptimizer, epochsOurs, epochsTf) {
  const tfl = await import('@tensorflow/tfjs-layers');
  const trainer = new dl.Trainer(cfg);
  const info = trainer.info();
  const n = info.train_points;
  // the same training points for TF.js
  const [xs, ys] = trainingPoints(trainer);
  // ours
  const msFit = time(() => trainer.fit(epochsOurs), { warmup: 3, reps: 15 }) / epochsOurs;
  const stepper = new dl.Trainer(cfg);
  const msStep = time(() => stepper.step(epochsOurs), { warmup: 3, reps: 15 }) / epochsOurs;
  trainer.free();
  stepper.free();

  // TF.js
  const model = tfl.sequential();
  tfLayers.forEach((l, i) => model.add(tfl.layers.dense({ ...l, ...(i === 0 ? { inputShape: [2] } : {}) })));
  model.compile({ optimizer: tfOptimizer(), loss: 'binaryCrossentropy' });
  const X = tf.tensor2d(xs, [n, 2]);
  const Y = tf.tensor2d(ys, [n, 1]);
  const bs = cfg.batchSize;
  const batches = [];
  for (let s = 0; s < n; s += bs) {
    const e = Math.min(n, s + bs);
    batches.push([tf.slice(X, [s, 0], [e - s, 2]), tf.slice(Y, [s, 0], [e - s, 1])]);
  }
  const msTfFit = (await timeAsync(() => model.fit(X, Y, { batchSize: bs, epochs: epochsTf, shuffle: true, verbose: 0 }))) / epochsTf;
  const msTfBatch = (await timeAsync(async () => {
    for (let e = 0; e < epochsTf; e++) for (const [bx, by] of batches) await model.trainOnBatch(bx, by);
  })) / epochsTf;
  const peer = Math.min(msTfFit, msTfBatch);
  const peerHow = msTfFit <= msTfBatch ? 'model.fit' : 'trainOnBatch';
  for (const [bx, by] of batches) tf.dispose([bx, by]);
  tf.dispose([X, Y]);
  model.dispose();

  const rate = (ms) => fmtRate((n / ms) * 1000);
  row(`train ${name}: one epoch, fit (${n} examples)`, msFit, peer,
    `ours ${rate(msFit)} ex/s vs TF.js ${rate(peer)} ex/s (${peerHow}; fit ${rate(msTfFit)}, trainOnBatch ${rate(msTfBatch)})`);
  row(`train ${name}: one epoch + train/test eval (lab step)`, msStep, peer, `ours ${rate(msStep)} ex/s with ${info.train_points + info.test_points} points evaluated per epoch`);

  // plain JS: the same trainer first (same weights after one mini-batch and after whole epochs)
  const one = oneStep(dl, cfg);
  one.ours.free();
  const ep1 = epochsDiff(dl, cfg, 1);
  const ep5 = epochsDiff(dl, cfg, 5);
  const ok = one.before.maxAbs === 0 && one.diff.maxAbs <= ONE_STEP_TOL;
  console.log(`train ${name}: plain-JS peer check, max |weight difference| to ours after one mini-batch ` +
    `${one.diff.maxAbs.toExponential(2)} (${ok ? `ok, <= ${ONE_STEP_TOL}` : `FAIL: above ${ONE_STEP_TOL} (or different start), the peer is not our trainer`}), ` +
    `after 1 epoch ${ep1.maxAbs.toExponential(2)}, after 5 epochs ${ep5.maxAbs.toExponential(2)} (${ep5.worst})`);
  // then the clock: each trainer trains on from its own state, `epochsOurs` epochs per call
  const a = new dl.Trainer(cfg);
  const p = PlainTrainer.from(a);
  const fitOurs = () => a.fit(epochsOurs);
  const fitPlain = () => p.fit(epochsOurs);
  const [msOurs, msPlain] = interleaved([fitOurs, fitPlain], { warmup: 3, reps: 11 }).map((ms) => ms / epochsOurs);
  const cpu = cpuRatio(fitOurs, fitPlain);
  a.free();
  const speed = 1 / cpu.ratio;
  row(`train ${name}: one epoch, fit vs plain JS`, msOurs, msPlain,
    `ours ${rate(msOurs)} ex/s vs plain JS ${rate(msPlain)} ex/s; ${cpu.note}: ours ${speed.toFixed(2)}x the plain-JS trainer ` +
    `(target >= 3x${speed >= 3 ? ', met' : ', NOT met'})`, cpu.ratio);
}

export default async function train(ctx) {
  const { tf } = ctx;
  await compare(ctx, 'Playground default 2-4-2-1 tanh SGD',
    { dataset: 'circle', points: 500, trainRatio: 50, hidden: [4, 2], activation: 'tanh', optimizer: 'sgd', lr: 0.03, batchSize: 10, loss: 'bce', seed: 1 },
    [{ units: 4, activation: 'tanh' }, { units: 2, activation: 'tanh' }, { units: 1, activation: 'sigmoid' }],
    () => tf.train.sgd(0.03), 40, 2);
  await compare(ctx, '6x16 ReLU Adam',
    { dataset: 'spiral', points: 500, trainRatio: 50, hidden: [16, 16, 16, 16, 16, 16], activation: 'relu', optimizer: 'adam', lr: 0.003, batchSize: 10, loss: 'bce', seed: 1 },
    [...Array(6)].map(() => ({ units: 16, activation: 'relu' })).concat([{ units: 1, activation: 'sigmoid' }]),
    () => tf.train.adam(0.003), 8, 2);
}

// ---- the plain-JavaScript peer ------------------------------------------------------------
// A hand-written trainer of the same MLP as our `Trainer` (dense layers, tanh or ReLU, one
// sigmoid logit, mean binary cross-entropy, SGD or Adam), written to be fast in plain JS: flat
// Float32Array buffers allocated once, no allocation in the training loop, the layer loops
// written out. It starts from our Trainer's weights (`paramInfo`/`getParam`), takes its training
// points (`points`), and draws the same mini-batches in the same order: our shuffle is
// xoshiro256** (SplitMix64-seeded, `src/rng.rs`) feeding a Fisher-Yates pass over the training
// indices once per epoch (`nn::data::shuffle`), reproduced here on 32-bit halves. The arithmetic
// is f32 where ours is (Math.fround on every product and sum that ours rounds), so one step from
// the same weights lands on the same weights to within an ulp or two of tanh/exp.

const TWO32 = 4294967296;
const TWO53 = 9007199254740992;

/** Our `Rng` (xoshiro256** seeded through SplitMix64) on 32-bit halves: no BigInt per draw. */
export class Xoshiro {
  constructor(seed) {
    let z = BigInt.asUintN(64, BigInt(seed));
    const M = (1n << 64n) - 1n;
    const s = new Uint32Array(8); // [hi0, lo0, hi1, lo1, ...]
    for (let k = 0; k < 4; k++) {
      z = (z + 0x9e3779b97f4a7c15n) & M;
      let x = z;
      x = ((x ^ (x >> 30n)) * 0xbf58476d1ce4e5b9n) & M;
      x = ((x ^ (x >> 27n)) * 0x94d049bb133111ebn) & M;
      x ^= x >> 31n;
      s[2 * k] = Number(x >> 32n);
      s[2 * k + 1] = Number(x & 0xffffffffn);
    }
    this.s = s;
  }

  /** Uniform in [0, 1) from the top 53 bits of the next output (`Rng::uniform`). */
  uniform() {
    const s = this.s;
    const h0 = s[0], l0 = s[1], h1 = s[2], l1 = s[3], h2 = s[4], l2 = s[5], h3 = s[6], l3 = s[7];
    // r = rotl(s1 * 5, 7) * 9
    let p = l1 * 5;
    let lo = p >>> 0;
    let hi = (Math.imul(h1, 5) + Math.floor(p / TWO32)) >>> 0;
    const rh = ((hi << 7) | (lo >>> 25)) >>> 0;
    const rl = ((lo << 7) | (hi >>> 25)) >>> 0;
    p = rl * 9;
    lo = p >>> 0;
    hi = (Math.imul(rh, 9) + Math.floor(p / TWO32)) >>> 0;
    // t = s1 << 17
    const th = ((h1 << 17) | (l1 >>> 15)) >>> 0;
    const tl = (l1 << 17) >>> 0;
    const n2h = (h2 ^ h0) >>> 0, n2l = (l2 ^ l0) >>> 0;
    const n3h = (h3 ^ h1) >>> 0, n3l = (l3 ^ l1) >>> 0;
    s[2] = h1 ^ n2h; s[3] = l1 ^ n2l;
    s[0] = h0 ^ n3h; s[1] = l0 ^ n3l;
    s[4] = n2h ^ th; s[5] = n2l ^ tl;
    // s3 = rotl(s3, 45) = rotl(swap halves, 13)
    s[6] = ((n3l << 13) | (n3h >>> 19)) >>> 0;
    s[7] = ((n3h << 13) | (n3l >>> 19)) >>> 0;
    return (hi * 2097152 + (lo >>> 11)) / TWO53;
  }

  /** Uniform integer in [0, n) (`Rng::below`). */
  below(n) {
    return Math.floor(this.uniform() * n) % n;
  }
}

const fr = Math.fround;

export class PlainTrainer {
  /**
   * `sizes`: units per layer, inputs first, one output; `act`: 'tanh' or 'relu'; `optimizer`:
   * 'sgd' or 'adam'; `x`: `[n, sizes[0]]` training features; `y`: `n` labels 0/1; `weights` and
   * `biases`: per layer `[out, in]` and `[out]`; `seed`: the run's seed (the shuffle stream).
   */
  constructor({ sizes, act, optimizer, lr, batchSize, x, y, weights, biases, seed }) {
    if (sizes[sizes.length - 1] !== 1) throw new Error('the plain trainer has one sigmoid output');
    if (act !== 'tanh' && act !== 'relu') throw new Error(`activation ${act} is not implemented`);
    if (optimizer !== 'sgd' && optimizer !== 'adam') throw new Error(`optimizer ${optimizer} is not implemented`);
    this.sizes = sizes;
    this.relu = act === 'relu';
    this.adam = optimizer === 'adam';
    this.lr = lr;
    this.lr32 = fr(lr);
    this.n = y.length;
    this.bs = Math.min(batchSize, this.n);
    this.x = Float32Array.from(x);
    this.y = Float32Array.from(y);
    this.L = sizes.length - 1;
    const bs = this.bs;
    this.W = []; this.b = []; this.gW = []; this.gb = [];
    this.mW = []; this.vW = []; this.mb = []; this.vb = [];
    // a[l]: output of layer l for the batch ([bs, sizes[l]]; a[0] = the inputs);
    // d[l]: gradient with respect to layer l's pre-activation (l >= 1)
    this.a = [new Float32Array(bs * sizes[0])];
    this.d = [null];
    this.dx = [null];
    for (let l = 1; l <= this.L; l++) {
      const ni = sizes[l - 1], no = sizes[l];
      if (weights[l - 1].length !== no * ni || biases[l - 1].length !== no) throw new Error(`layer ${l}: wrong parameter sizes`);
      this.W.push(Float32Array.from(weights[l - 1]));
      this.b.push(Float32Array.from(biases[l - 1]));
      this.gW.push(new Float32Array(no * ni));
      this.gb.push(new Float32Array(no));
      this.mW.push(new Float32Array(no * ni)); this.vW.push(new Float32Array(no * ni));
      this.mb.push(new Float32Array(no)); this.vb.push(new Float32Array(no));
      this.a.push(new Float32Array(bs * no));
      this.d.push(new Float32Array(bs * no));
      this.dx.push(new Float32Array(bs * ni));
    }
    this.yb = new Float32Array(bs);
    this.perm = new Int32Array(this.n);
    this.rng = new Xoshiro(((seed >>> 0) * 256 + 3)); // our trainer's shuffle stream: (seed << 8) | 3
    this.t = 0; // Adam's step count
    this.iterations = 0;
  }

  /**
   * The peer of our `Trainer` `t`: its weights, training points and
   * seed. Throws when the run uses something this trainer does not do.
   */
  static from(t) {
    const info = t.info();
    const conf = t.config();
    if (info.features.join() !== 'x1,x2' || conf.normalizeInputs || conf.batchNorm || conf.dropout > 0 || info.classes !== 2)
      throw new Error('the plain trainer takes raw x1, x2 and two classes, without batch norm or dropout');
    if (conf.loss !== 'bce' && conf.loss !== 'auto') throw new Error(`loss ${conf.loss} is not implemented`);
    if (conf.l1 || conf.l2 || conf.weightDecay || conf.clipNorm || conf.labelSmoothing || conf.schedule !== 'constant' || conf.warmup)
      throw new Error('the plain trainer has no penalties, decay, clipping, smoothing or schedule');
    const sizes = info.layer_sizes;
    const names = t.paramInfo().map((p) => p.name);
    const L = sizes.length - 1;
    const prefix = (l) => (l === L ? 'out' : `layers.${l - 1}`);
    const want = [];
    for (let l = 1; l <= L; l++) want.push(`${prefix(l)}.weight`, `${prefix(l)}.bias`);
    if (names.join() !== want.join()) throw new Error(`unexpected parameters ${names.join()}`);
    const [x, y] = trainingPoints(t);
    const weights = [];
    const biases = [];
    for (let l = 1; l <= L; l++) {
      weights.push(t.getParam(`${prefix(l)}.weight`));
      biases.push(t.getParam(`${prefix(l)}.bias`));
    }
    return new PlainTrainer({
      sizes, act: conf.activation, optimizer: conf.optimizer, lr: conf.lr, batchSize: conf.batchSize,
      x, y, weights, biases, seed: conf.seed,
    });
  }

  /**
   * Trains `epochs` epochs, as our `fit`: stops at the first non-finite batch loss and returns it
   * (null when none). Like ours it looks at the loss only for that: a batch whose logits are all
   * finite has a finite BCE loss, so its value is computed only when some logit is not.
   */
  fit(epochs) {
    for (let e = 0; e < epochs; e++) {
      const bad = this.epoch();
      if (bad !== null) return bad;
    }
    return null;
  }

  /** One epoch: shuffle, then one update per mini-batch; the first non-finite loss, or null. */
  epoch() {
    const { n, bs, perm, rng } = this;
    for (let i = 0; i < n; i++) perm[i] = i;
    for (let i = n - 1; i >= 1; i--) {
      const j = rng.below(i + 1);
      const v = perm[i];
      perm[i] = perm[j];
      perm[j] = v;
    }
    for (let start = 0; start < n; start += bs) {
      const bad = this.batch(start, Math.min(n, start + bs));
      if (bad !== null) return bad;
    }
    return null;
  }

  /**
   * Forward, loss gradient, backward and update on the training rows `perm[start..end]`; null,
   * or the mean loss when it is not finite (then nothing is updated).
   */
  batch(start, end) {
    const { sizes, L, W, b, gW, gb, a, d, dx, perm, x, y, yb, relu } = this;
    const nb = end - start;
    const nin = sizes[0];
    const a0 = a[0];
    for (let r = 0; r < nb; r++) {
      const i = perm[start + r];
      for (let k = 0; k < nin; k++) a0[r * nin + k] = x[i * nin + k];
      yb[r] = y[i];
    }
    // forward: a[l] = act(a[l-1] W^T + b), the last layer without activation (the logits)
    const act = relu ? ACT_RELU : ACT_TANH;
    for (let l = 1; l <= L; l++) denseForward(W[l - 1], b[l - 1], a[l - 1], a[l], nb, sizes[l - 1], sizes[l], l === L ? ACT_NONE : act);
    // the gradient of the mean BCE with logits, (sigmoid(z) - y) / n
    if (!bceGrad(a[L], yb, d[L], nb)) return bceLoss(a[L], yb, nb);
    // backward
    for (let l = L; l >= 1; l--) {
      const ni = sizes[l - 1], no = sizes[l];
      denseGrads(gW[l - 1], gb[l - 1], a[l - 1], d[l], nb, ni, no);
      if (l > 1) {
        // through the weights, then the previous layer's activation
        denseDx(W[l - 1], d[l], dx[l], nb, ni, no);
        actBackward(a[l - 1], dx[l], d[l - 1], nb * ni, act);
      }
    }
    // update
    if (this.adam) {
      this.t += 1;
      const t = this.t;
      const ss = fr(this.lr / (1 - Math.pow(0.9, t)));
      const bc2 = fr(Math.sqrt(1 - Math.pow(0.999, t)));
      for (let l = 0; l < L; l++) {
        adamStep(W[l], gW[l], this.mW[l], this.vW[l], ss, bc2);
        adamStep(b[l], gb[l], this.mb[l], this.vb[l], ss, bc2);
      }
    } else {
      const lr = this.lr32;
      for (let l = 0; l < L; l++) {
        const w = W[l], gw = gW[l], bb = b[l], g = gb[l];
        for (let k = 0; k < w.length; k++) w[k] -= fr(lr * gw[k]);
        for (let k = 0; k < bb.length; k++) bb[k] -= fr(lr * g[k]);
      }
    }
    this.iterations++;
    return null;
  }

  /** Parameters by our names (`layers.{i}.weight`, ..., `out.bias`): copies. */
  params() {
    const out = {};
    for (let l = 1; l <= this.L; l++) {
      const p = l === this.L ? 'out' : `layers.${l - 1}`;
      out[`${p}.weight`] = this.W[l - 1].slice();
      out[`${p}.bias`] = this.b[l - 1].slice();
    }
    return out;
  }
}

const ACT_NONE = 0, ACT_TANH = 1, ACT_RELU = 2;

/** `out[r, o] = act(b[o] + sum_k w[o, k] inp[r, k])`, the sum in f32 from k = 0 up (as ours). */
function denseForward(w, bias, inp, out, nb, ni, no, act) {
  for (let r = 0; r < nb; r++) {
    const xo = r * ni, yo = r * no;
    for (let o = 0; o < no; o++) {
      const wo = o * ni;
      let s = fr(w[wo] * inp[xo]);
      for (let k = 1; k < ni; k++) s = fr(s + fr(w[wo + k] * inp[xo + k]));
      const z = fr(bias[o] + s);
      out[yo + o] = act === ACT_NONE ? z : act === ACT_RELU ? (z > 0 ? z : 0) : Math.tanh(z);
    }
  }
}

/** `dz = (sigmoid(z) - t) / n`; false when some logit is not finite. */
function bceGrad(z, t, dz, nb) {
  const inv = 1 / nb;
  let finite = true;
  for (let r = 0; r < nb; r++) {
    const zr = z[r];
    if (!(zr - zr === 0)) finite = false;
    dz[r] = (fr(1 / (1 + Math.exp(-zr))) - t[r]) * inv;
  }
  return finite;
}

/** Mean BCE of logits `z` against targets `t`. */
function bceLoss(z, t, nb) {
  let loss = 0;
  for (let r = 0; r < nb; r++) {
    const zr = z[r], tr = t[r];
    const l = Math.log1p(Math.exp(-Math.abs(zr)));
    loss -= tr * (Math.min(zr, 0) - l) + (1 - tr) * (Math.min(-zr, 0) - l);
  }
  return loss / nb;
}

/** `gw = dy^T inp`, `gb = sum_r dy`, accumulated over the rows in order (as ours). */
function denseGrads(gw, gb, inp, dy, nb, ni, no) {
  gw.fill(0);
  gb.fill(0);
  for (let r = 0; r < nb; r++) {
    const xo = r * ni, yo = r * no;
    for (let o = 0; o < no; o++) {
      const dv = dy[yo + o];
      gb[o] += dv;
      const wo = o * ni;
      for (let k = 0; k < ni; k++) gw[wo + k] += fr(dv * inp[xo + k]);
    }
  }
}

/** `dx = dy W` (`[nb, ni]`), summed over the outputs in order (as ours). */
function denseDx(w, dy, dx, nb, ni, no) {
  dx.fill(0, 0, nb * ni);
  for (let r = 0; r < nb; r++) {
    const xo = r * ni, yo = r * no;
    for (let o = 0; o < no; o++) {
      const dv = dy[yo + o];
      const wo = o * ni;
      for (let k = 0; k < ni; k++) dx[xo + k] += fr(dv * w[wo + k]);
    }
  }
}

/** `dpre = da * f'(pre)` given the activation's output `a` (tanh: 1 - a^2; ReLU: a > 0). */
function actBackward(a, da, dpre, m, act) {
  if (act === ACT_RELU) {
    for (let k = 0; k < m; k++) dpre[k] = a[k] > 0 ? da[k] : 0;
  } else {
    for (let k = 0; k < m; k++) {
      const av = a[k];
      dpre[k] = fr(da[k] * fr(1 - fr(av * av)));
    }
  }
}

const B1 = fr(0.9), B2 = fr(0.999), OMB1 = fr(1 - B1), OMB2 = fr(1 - B2), EPS = fr(1e-8);

/** torch's Adam on one tensor (betas 0.9, 0.999, eps 1e-8), f32 as ours. */
function adamStep(p, g, m, v, ss, bc2) {
  for (let k = 0; k < p.length; k++) {
    const gk = g[k];
    const mk = fr(fr(B1 * m[k]) + fr(OMB1 * gk));
    const vk = fr(fr(B2 * v[k]) + fr(fr(OMB2 * gk) * gk));
    m[k] = mk;
    v[k] = vk;
    const denom = fr(fr(Math.sqrt(vk) / bc2) + EPS);
    p[k] -= fr(fr(ss * mk) / denom);
  }
}

/**
 * Largest |difference| between our Trainer's parameters and the plain trainer's (after the same
 * training): `{maxAbs, worst}` with the name of the worst parameter.
 */
export function paramDiff(t, peer) {
  const mine = peer.params();
  let maxAbs = 0;
  let worst = '';
  for (const { name } of t.paramInfo()) {
    const a = t.getParam(name);
    const b = mine[name];
    if (!b || a.length !== b.length) throw new Error(`parameter ${name} differs in shape`);
    for (let i = 0; i < a.length; i++) {
      const e = Math.abs(a[i] - b[i]);
      if (!(e <= maxAbs)) {
        maxAbs = e;
        worst = name;
      }
    }
  }
  return { maxAbs, worst };
}
