//! The evaluation lab's worker: owns the wasm models and does the long loops, so the page never
//! freezes. Jobs (each tagged with the page's generation `gen`; a newer job cancels an older one
//! between chunks):
//!   fit {gen, configs: [A, B|null], epochs}   trains A and B (EvalModel) one epoch at a time and
//!       sends a frame after each: per run the metrics and the test labels and scores, the
//!       ROC and precision-recall curves, the three AUC readings (trapezoid, pair count, Mann-Whitney
//!       U) and a sample of pairs to draw; a run whose curves are undefined (a class with no
//!       example after subsampling) carries the error instead, as {message, code, vars}.
//!   ensemble {gen, config, epochs, k, grid, shown}  trains a dropout net in the training engine
//!       (Trainer) and measures its thinned sub-networks (dropoutEnsemble).
//!   zeros {gen, configs, epochs}   trains the training lab's net under L1, L2 and elastic net and
//!       sends each one's weights.
//!       When positives are subsampled (posShare < 1), after the last frame each model is
//!       trained again on the whole test set (training does not depend on posShare: same seed,
//!       same net) and ROC AUC and AP are averaged over 50 seeded subsamples of its positives:
//!       imbalance {gen, runs: [stats A, stats B|null]} (mean, sd, range; see subsampleStats).
//!   curves {gen, config, sizes, hiddens, epochs}   a learning curve (train/test loss against the
//!       training-set size) and a validation curve (against hidden units), row by row.
//! Messages out: ready | frame {gen, epoch, runs, done} | ensemble {gen, ...} | zeros {gen, runs} |
//!   curve {gen, kind, row} | curvesDone {gen} | jobError {gen, job, error} | fatal {message, code, vars}
import { ready } from '../app/wasm.js';
import { errorToJSON } from '../app/errors.js';
import { subsampleStats } from './eval.model.js';

const CSV_URL = new URL('../samples/breast_cancer.csv', import.meta.url);
const PAIRS_DRAWN = 300;
const EPOCHS_PER_FRAME = 1; // the curves follow every epoch
const IMBALANCE_REPS = 50; // seeded subsamples of the positives averaged by the imbalance readout

let dl = null;
let csv = null;
const gens = {}; // the latest generation per job type: an older job stops between chunks
const post = (msg) => self.postMessage(msg);
const tick = () => new Promise((r) => setTimeout(r, 0));

async function loadCsv() {
  if (csv) return csv;
  const r = await fetch(CSV_URL);
  if (!r.ok) throw new Error(`samples/breast_cancer.csv: HTTP ${r.status}`);
  csv = await r.text();
  return csv;
}

/** Everything the page draws of one model: curves and readings, or the error that explains why not. */
function readout(m) {
  const labels = m.testLabels();
  const scores = m.testScores();
  const out = { metrics: m.metrics(), info: m.info(), history: m.history(), labels, scores, error: null };
  try {
    const roc = dl.rocCurve(labels, scores, false);
    const pr = dl.prCurve(labels, scores);
    const mw = dl.mannWhitneyU(labels, scores);
    const pc = dl.pairCount(labels, scores);
    const pairs = dl.samplePairs(labels, scores, PAIRS_DRAWN, 7);
    out.roc = { fpr: Array.from(roc.fpr), tpr: Array.from(roc.tpr), thresholds: Array.from(roc.thresholds), auc: roc.auc };
    Object.assign(out, { pr, mw, pc, pairs });
  } catch (err) {
    out.error = errorToJSON(err);
  }
  return out;
}

async function fit({ gen: g, configs, epochs }) {
  const text = configs.some((c) => c && c.data === 'cancer') ? await loadCsv() : null;
  const models = configs.map((c) => {
    if (!c) return null;
    try {
      return { m: new dl.EvalModel(c, text), error: null };
    } catch (err) {
      return { m: null, error: errorToJSON(err) };
    }
  });
  try {
    let epoch = 0;
    for (;;) {
      const runs = models.map((r) => (!r ? null : r.m ? readout(r.m) : { error: r.error, fatal: true }));
      post({ type: 'frame', gen: g, epoch, runs, done: epoch >= epochs });
      if (epoch >= epochs) {
        if (configs.some((c) => c && c.posShare < 1)) await imbalance(g, configs, epochs, text);
        break;
      }
      await tick();
      if (g !== gens.fit) return;
      const n = Math.min(EPOCHS_PER_FRAME, epochs - epoch);
      for (const r of models) r?.m?.step(n);
      epoch += n;
    }
  } finally {
    for (const r of models) r?.m?.free();
  }
}

/** ROC AUC and AP averaged over seeded subsamples of the positives of each model's full test set. */
async function imbalance(g, configs, epochs, text) {
  const metric = (labels, scores) => ({
    auc: dl.rocCurve(labels, scores, false).auc,
    ap: dl.prCurve(labels, scores).averagePrecision,
  });
  const runs = [];
  for (const c of configs) {
    if (!c) {
      runs.push(null);
      continue;
    }
    let m = null;
    try {
      m = new dl.EvalModel({ ...c, posShare: 1 }, text);
      // one epoch per step call, as the fit loop does (the chunking of step changes the run)
      for (let done = 0; done < epochs; done += EPOCHS_PER_FRAME) {
        m.step(EPOCHS_PER_FRAME);
        if (done % 20 === 0) {
          await tick();
          if (g !== gens.fit) return;
        }
      }
      const labels = m.testLabels();
      const scores = m.testScores();
      const st = subsampleStats(labels, scores, c.posShare, IMBALANCE_REPS, metric);
      st.full = metric(labels, scores);
      runs.push(st);
    } catch (err) {
      runs.push({ error: errorToJSON(err) });
    } finally {
      m?.free();
    }
  }
  post({ type: 'imbalance', gen: g, runs });
}

async function ensemble({ gen: g, config, epochs, k, grid, shown }) {
  const t = new dl.Trainer(config);
  try {
    let done = 0;
    while (done < epochs) {
      const n = Math.min(50, epochs - done);
      t.step(n);
      done += n;
      await tick();
      if (g !== gens.ensemble) return;
    }
    const e = dl.dropoutEnsemble(t, k, grid, shown, 11);
    post({ type: 'ensemble', gen: g, result: e, metrics: t.metrics(), points: t.points(), info: t.info() });
  } finally {
    t.free();
  }
}

async function zeros({ gen: g, configs, epochs }) {
  const runs = [];
  for (const c of configs) {
    const t = new dl.Trainer(c);
    try {
      let done = 0;
      while (done < epochs) {
        const n = Math.min(50, epochs - done);
        t.step(n);
        done += n;
        await tick();
        if (g !== gens.zeros) return;
      }
      runs.push({ weights: t.weights(), metrics: t.metrics() });
    } finally {
      t.free();
    }
  }
  post({ type: 'zeros', gen: g, runs });
}

async function curves({ gen: g, config, sizes, hiddens, epochs }) {
  const text = config.data === 'cancer' ? await loadCsv() : null;
  const one = async (cfg) => {
    const m = new dl.EvalModel(cfg, text);
    try {
      let done = 0;
      while (done < epochs) {
        const n = Math.min(50, epochs - done);
        m.step(n);
        done += n;
        await tick();
        if (g !== gens.curves) return null;
      }
      const x = m.metrics();
      return { train: x.trainLoss, test: x.testLoss, trainAcc: x.trainAcc, testAcc: x.testAcc, rows: m.info().trainRows };
    } finally {
      m.free();
    }
  };
  for (const size of sizes) {
    const r = await one({ ...config, trainSize: size });
    if (!r) return;
    post({ type: 'curve', gen: g, kind: 'size', row: { size: r.rows, ...r } });
  }
  for (const h of hiddens) {
    const r = await one({ ...config, hidden: h ? [h] : [] });
    if (!r) return;
    post({ type: 'curve', gen: g, kind: 'hidden', row: { hidden: h, ...r } });
  }
  post({ type: 'curvesDone', gen: g });
}

const JOBS = { fit, ensemble, zeros, curves };

self.onmessage = async (e) => {
  const msg = e.data;
  try {
    if (msg.type === 'init') {
      dl = await ready();
      post({ type: 'ready', version: dl.version() });
      return;
    }
    const job = JOBS[msg.type];
    if (!job) return;
    gens[msg.type] = msg.gen;
    await job(msg);
  } catch (err) {
    post({ type: 'jobError', gen: msg.gen, job: msg.type, error: errorToJSON(err) });
  }
};
