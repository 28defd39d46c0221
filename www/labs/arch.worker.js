//! The architecture lab's worker: the long runs, off the page's thread.
//!
//! Messages in:  seq {id, configs: [{model, ...SeqTrainer config}], steps} | residual {id, options} |
//!               fpn {id, options} | stop {id}
//! Messages out: ready {version} | seqFrame {id, runs: [{model, losses (new), inputGrad, steps,
//!               error}], done} with, when done, each run's {evalLoss, baseline, params, rf, probe} |
//!               residual {id, runs} | fpn {id, result} | error {id, job, error} | fatal {error}
//! A job carries the page's id; a newer job replaces an older one of the same kind (the page
//! ignores frames of ids it no longer waits for). Errors travel as `errorToJSON` objects.
import { ready } from '../app/wasm.js';
import { errorToJSON } from '../app/errors.js';

const CHUNK_MS = 40; // training time between two frames
let dl = null;
let seqJob = 0; // the id of the sequence job running; a new one stops the old

const post = (msg) => self.postMessage(msg);
const nextTurn = () => new Promise((res) => setTimeout(res, 0));

async function runSeq({ id, configs, steps }) {
  seqJob = id;
  const runs = configs.map((cfg) => {
    try {
      const tr = new dl.SeqTrainer(cfg);
      return { model: cfg.model, tr, info: tr.info(), error: null, done: 0 };
    } catch (err) {
      return { model: cfg.model, tr: null, info: null, error: errorToJSON(err), done: steps };
    }
  });
  let per = 5;
  try {
    while (runs.some((r) => r.tr && r.done < steps && !r.error)) {
      if (seqJob !== id) return;
      const t0 = performance.now();
      const frame = runs.map((r) => {
        if (!r.tr || r.error || r.done >= steps) return { model: r.model, losses: [], inputGrad: null, steps: r.done, error: r.error };
        const n = Math.min(per, steps - r.done);
        try {
          const out = r.tr.step(n);
          r.done += n;
          return { model: r.model, losses: out.losses, inputGrad: out.inputGrad, gradNorms: out.gradNorms, clipped: out.clipped, steps: r.done, error: null };
        } catch (err) {
          r.error = errorToJSON(err);
          return { model: r.model, losses: [], inputGrad: null, steps: r.done, error: r.error };
        }
      });
      const dt = performance.now() - t0;
      per = Math.max(1, Math.min(200, Math.round((per * CHUNK_MS) / Math.max(1, dt))));
      post({ type: 'seqFrame', id, runs: frame, done: false });
      await nextTurn();
    }
    const last = runs.map((r) => {
      const out = { model: r.model, losses: [], inputGrad: null, steps: r.done, error: r.error, info: r.info };
      if (r.tr && !r.error) {
        try {
          out.evalLoss = r.tr.evaluate(8);
          out.probe = r.model === 'tcn' ? null : r.tr.probe();
        } catch (err) {
          out.error = errorToJSON(err);
        }
      }
      return out;
    });
    if (seqJob === id) post({ type: 'seqFrame', id, runs: last, done: true });
  } finally {
    for (const r of runs) r.tr?.free();
  }
}

self.onmessage = async (e) => {
  const m = e.data;
  try {
    dl ??= await ready();
  } catch (err) {
    post({ type: 'fatal', error: errorToJSON(err) });
    return;
  }
  try {
    if (m.type === 'seq') await runSeq(m);
    else if (m.type === 'stop') seqJob = -1;
    else if (m.type === 'residual') post({ type: 'residual', id: m.id, runs: dl.archResidual(m.options) });
    else if (m.type === 'fpn') post({ type: 'fpn', id: m.id, result: dl.archFpnExperiment(m.options) });
  } catch (err) {
    post({ type: 'error', id: m.id, job: m.type, error: errorToJSON(err) });
  }
};

ready().then((mod) => {
  dl = mod;
  post({ type: 'ready', version: mod.version() });
}, (err) => post({ type: 'fatal', error: errorToJSON(err) }));
