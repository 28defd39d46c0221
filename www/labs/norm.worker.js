//! The normalisation lab's worker: owns the wasm `ConvTrainer`s (digits convnets) and runs the
//! lab's jobs one after another, posting progress as it goes. A new job of the same kind
//! replaces the running one (its `gen` is checked between chunks).
//!
//! Messages in:  init {csv} | cube {seed, layer, n, norm, g, src, key} | ab {gen, seed, opt, lr, epochs, mom} |
//!               sweep {gen, seed, opt, rates, epochs} | batch {gen, seed, epochs, limit, lr, budget, lrRule, seeds} |
//!               spread {seed, ch} | spectral {seed, layer}
//! Messages out: ready {version} | cube {...} | ab {gen, runs, epoch, done} |
//!               sweep {gen, results, done} | batch {gen, plan?, cell, done} | spread {...} |
//!               spectral {...} | error {job, error}
import { ready } from '../app/wasm.js';
import { errorToJSON } from '../app/errors.js';
import { ENGINE_NORM, SPREAD_BATCHES, SN_ITERS, batchSpread, expPlan } from './norm.model.js';
import { runCell } from './norm.exp.js';

let dl = null;
let csv = '';
const gens = { ab: 0, sweep: 0, batch: 0 };
const post = (msg, transfer = []) => self.postMessage(msg, transfer);
const tick = () => new Promise((r) => setTimeout(r, 0));

function copyF32(ptr, len) {
  return new Float32Array(new Float32Array(dl.wasmMemory().buffer, ptr, len));
}

/** A BN digits convnet trained one epoch (the cube's, the spread's and the spectral study's). */
let trained = null;
function trainedNet(seed) {
  if (trained && trained.seed === seed) return trained.t;
  trained?.t.free();
  const t = new dl.ConvTrainer({ norm: 'batchNorm', seed, optimizer: 'adam', lr: 0.01 }, csv);
  t.trainEpochs(2);
  trained = { seed, t };
  return t;
}

function optConfig(opt, lr) {
  return opt === 'adam' ? { optimizer: 'adam', lr } : { optimizer: 'sgd', lr, momentum: 0.9 };
}

/** The cube's nets: one digits convnet per norm (and GN group count), trained two epochs. */
const cubeNets = new Map();
function cubeNet(seed, norm, g) {
  if (norm === 'bn') return trainedNet(seed);
  const key = `${seed}:${norm}:${g}`;
  if (!cubeNets.has(key)) {
    if (cubeNets.size >= 4) {
      const [k, t] = cubeNets.entries().next().value;
      t.free();
      cubeNets.delete(k);
    }
    const t = new dl.ConvTrainer({ norm: ENGINE_NORM[norm], groups: g, seed, optimizer: 'adam', lr: 0.01 }, csv);
    t.trainEpochs(2);
    cubeNets.set(key, t);
  }
  return cubeNets.get(key);
}

/** The photo as N grayscale tiles of PHOTO_TILE² pixels on the digits' scale (0..maxDigit). */
let photo = null;
const PHOTO_TILE = 16;
async function photoTiles(n, maxDigit) {
  if (!photo) {
    const blob = await fetch(new URL('../samples/astronaut.png', import.meta.url)).then((r) => {
      if (!r.ok) throw new Error(`samples/astronaut.png answered HTTP ${r.status}`);
      return r.blob();
    });
    const bmp = await createImageBitmap(blob);
    const side = 4 * PHOTO_TILE; // the photo shrunk to 64×64: tiles are 16×16 pieces of it
    const cv = new OffscreenCanvas(side, side);
    const ctx = cv.getContext('2d');
    ctx.drawImage(bmp, 0, 0, side, side);
    const { data } = ctx.getImageData(0, 0, side, side);
    photo = new Float32Array(side * side);
    for (let i = 0; i < photo.length; i++) photo[i] = (0.299 * data[4 * i] + 0.587 * data[4 * i + 1] + 0.114 * data[4 * i + 2]) / 255;
  }
  const T = PHOTO_TILE;
  const side = 4 * T;
  // tiles along the diagonal first (face, suit, flag...), then the rest, row by row
  const order = [0, 5, 10, 15, 1, 4, 6, 9, 11, 14, 2, 8, 3, 12, 7, 13];
  const out = new Float32Array(n * T * T);
  for (let k = 0; k < n; k++) {
    const tile = order[k % 16];
    const [ty, tx] = [Math.floor(tile / 4) * T, (tile % 4) * T];
    for (let y = 0; y < T; y++) for (let x = 0; x < T; x++) out[(k * T + y) * T + x] = photo[(ty + y) * side + tx + x] * maxDigit;
  }
  return out;
}

/**
 * The cube's tensor: the output of `layer` of the net trained with `norm`, on n test digits, or
 * (src 'photo') the first conv layer of that net run on n tiles of the photo; with the learned γ,
 * β of the norm layer that follows (none after global pooling).
 */
async function cube({ seed, layer, n, norm, g, src, key }) {
  const t = cubeNet(seed, norm, g);
  let shape;
  let values;
  let images;
  if (src === 'photo') {
    const digits = t.images(false, 0, Math.min(64, t.info().testCount));
    const maxDigit = digits.reduce((a, v) => Math.max(a, v), 0) || 1;
    images = await photoTiles(n, maxDigit);
    const w = t.weight(0);
    const x = new dl.Tensor(images, [n, 1, PHOTO_TILE, PHOTO_TILE]);
    const wt = new dl.Tensor(w, Array.from(t.weightShape(0)));
    let y = null;
    try {
      y = dl.conv2d(x, wt, t.bias(0), { padding: 1 });
      shape = Array.from(y.shape);
      values = y.toArray();
    } finally {
      x.free();
      wt.free();
      y?.free();
    }
    for (let i = 0; i < images.length; i++) images[i] /= maxDigit;
    images = { data: images, side: PHOTO_TILE, photo: true };
  } else {
    shape = Array.from(t.capture(layer, false, 0, n, false));
    values = copyF32(t.activationsPtr(), t.activationsLen());
    images = { data: t.images(false, 0, n), side: 8 };
  }
  // LN's γ, β are per element of the digits' 8×8 maps: they do not fit the photo's 16×16 tiles
  const lnPhoto = src === 'photo' && norm === 'ln';
  const affine = (layer === 0 || layer === 4) && !lnPhoto ? { layer: layer + 1, ...t.affine(layer + 1) } : null;
  post({ type: 'cube', key, shape, values, images, affine, lnPhoto, layer, n, norm }, [values.buffer]);
}

function spread({ seed, ch }) {
  const t = trainedNet(seed);
  const count = Math.min(1024, t.info().trainCount);
  const shape = Array.from(t.capture(0, false, 0, count, false));
  const values = copyF32(t.activationsPtr(), t.activationsLen());
  const r = batchSpread(values, shape, ch, SPREAD_BATCHES, 300, seed + 7);
  post({ type: 'spread', ch, count, ...r });
}

function spectral({ seed, layer }) {
  const t = trainedNet(seed);
  const index = { conv1: 0, conv2: 4, linear: 8 }[layer] ?? 4;
  const w = t.weight(index);
  const shape = Array.from(t.weightShape(index));
  const s = dl.spectralStudy(w, shape, SN_ITERS, seed, 2000);
  post({ type: 'spectral', layer, shape, ...s });
}

/** The BN on/off comparison: two runs trained side by side in chunks of steps. */
async function ab({ gen, seed, opt, lr, epochs, mom }) {
  const runs = ['batchNorm', 'none'].map((norm) => {
    const t = new dl.ConvTrainer({ norm, seed, bnMomentum: mom, ...optConfig(opt, lr) }, csv);
    return { norm, t, sent: 0, evals: [{ epoch: 0, ...t.evaluate() }], lastEpoch: 0, probes: [], running: [] };
  });
  const perEpoch = runs[0].t.info().stepsPerEpoch;
  const chunk = Math.max(1, Math.round(perEpoch / 5));
  const total = perEpoch * epochs;
  try {
    for (;;) {
      let busy = false;
      for (const r of runs) {
        if (r.t.status !== 'training' || r.t.steps >= total) continue;
        busy = true;
        // one step at a time so the probes (pre-activation percentiles, gradient norms, BN's
        // batch and running statistics) are read after every step, not once per chunk
        const n = Math.min(chunk, total - r.t.steps);
        for (let k = 0; k < n && r.t.status === 'training'; k++) {
          r.t.trainSteps(1);
          r.probes.push(r.t.probes());
          r.running.push(r.t.runningStats());
        }
        if (r.t.epoch > r.lastEpoch) {
          r.lastEpoch = r.t.epoch;
          r.evals.push({ epoch: r.t.epoch, ...r.t.evaluate() });
        }
      }
      const frame = runs.map((r) => {
        const rows = copyF32(r.t.historyPtr() + r.sent * 4, r.t.historyLen() - r.sent);
        r.sent = r.t.historyLen();
        const { probes, running } = r;
        r.probes = [];
        r.running = [];
        return {
          norm: r.norm, rows, probes, running, evals: r.evals, status: r.t.status, message: r.t.message, steps: r.t.steps,
          forgot: null,
        };
      });
      if (!busy) {
        // a forgotten model.eval(): the BN net's test accuracy in train mode, one image at a time
        // and in batches of 32, against eval mode
        const bn = runs[0].t;
        if (bn.status === 'training') {
          frame[0].forgot = { eval: bn.evaluate().testAcc, one: bn.evaluateTrainMode(1).accuracy, b32: bn.evaluateTrainMode(32).accuracy };
        }
      }
      post({ type: 'ab', gen, runs: frame, total, done: !busy }, frame.map((f) => f.rows.buffer));
      if (!busy) break;
      await tick();
      if (gens.ab !== gen) break;
    }
  } finally {
    for (const r of runs) r.t.free();
  }
}

/** Final test accuracy per learning rate, with and without BN. */
async function sweep({ gen, seed, opt, rates, epochs }) {
  const results = [];
  for (const lr of rates) {
    for (const norm of ['batchNorm', 'none']) {
      const t = new dl.ConvTrainer({ norm, seed, ...optConfig(opt, lr) }, csv);
      try {
        for (let e = 0; e < epochs && t.status === 'training'; e++) {
          t.trainEpochs(1);
          await tick();
          if (gens.sweep !== gen) return;
        }
        const ev = t.evaluate();
        results.push({ lr, norm, testAcc: t.status === 'training' ? ev.testAcc : NaN, status: t.status, message: t.message });
      } finally {
        t.free();
      }
      post({ type: 'sweep', gen, results, done: false });
    }
  }
  post({ type: 'sweep', gen, results, done: true });
}

/**
 * The Group Norm paper's experiment in miniature: test error per norm and batch size, each cell
 * with the budget and learning-rate rule the page chose (expPlan), over one to three seeds.
 */
async function batch({ gen, seed, epochs, limit, lr, budget, lrRule, seeds }) {
  const probe = new dl.ConvTrainer({ norm: 'none', seed, trainLimit: limit }, csv);
  const trainCount = probe.info().trainCount;
  probe.free();
  const plan = expPlan({ epochs, lr, budget, lrRule, seeds, seed, trainCount });
  post({ type: 'batch', gen, plan, trainCount, cell: null, done: false });
  for (const c of plan) {
    const cell = await runCell(dl, csv, c, {
      limit,
      between: async () => {
        await tick();
        return gens.batch === gen;
      },
    });
    if (!cell) return;
    post({ type: 'batch', gen, cell, done: false });
  }
  post({ type: 'batch', gen, cell: null, done: true });
}

const JOBS = { cube, ab, sweep, batch, spread, spectral };
let started = null;

// Quick jobs run at once; the long ones (ab, sweep, batch) yield between chunks, so every job
// makes progress and a newer job of a kind stops the older one (its gen no longer matches).
self.onmessage = (ev) => {
  const msg = ev.data;
  if (msg.type === 'init') {
    csv = msg.csv;
    started = ready().then(
      (m) => {
        dl = m;
        post({ type: 'ready', version: dl.version() });
      },
      (err) => post({ type: 'error', job: 'init', error: errorToJSON(err) }),
    );
    return;
  }
  const job = JOBS[msg.type];
  if (!job || !started) return;
  if (msg.type in gens) gens[msg.type] = msg.gen;
  started.then(async () => {
    if (!dl) return;
    try {
      await job(msg);
    } catch (err) {
      post({ type: 'error', job: msg.type, gen: msg.gen, error: errorToJSON(err) });
    }
  });
};
