//! The losses lab's worker: owns the `LossRun`s of one experiment (CE vs MSE, the imbalanced
//! task, label smoothing, distillation), trains them one epoch at a time in turn and posts each
//! epoch's metrics, then a report per run. The page never freezes; a new `run` message (or
//! `stop`) ends the experiment in progress (its generation number no longer matches).
//!
//! Messages in:  run {gen, exp, runs: [{label, opts, epochs, role?, student?}]} | stop |
//!               soft {index, temps} (the teacher's softened outputs for test example `index`) |
//!               scale {temps} (KD gradient norm vs T, with and without T²)
//! Messages out: ready | epoch {gen, exp, run, metrics} | report {gen, exp, run, report} |
//!               phase {gen, exp, run} | done {gen, exp} | soft {index, temps, soft} |
//!               scale {scale} | fail {gen, exp, run, error}
import { ready } from '../app/wasm.js';
import { errorToJSON } from '../app/errors.js';

let dl = null;
let csv = null;
let gen = 0;
let teacher = null; // the last KD experiment's teacher (LossRun), for `soft`
let scaleRun = null; // a student with that teacher adopted, for `scale`
const post = (m) => self.postMessage(m);
const tick = () => new Promise((r) => setTimeout(r, 0));

async function init() {
  dl = await ready();
  const r = await fetch(new URL('../samples/digits.csv', import.meta.url));
  if (!r.ok) throw new Error(`samples/digits.csv answered HTTP ${r.status}`);
  csv = await r.text();
}

async function run(msg) {
  const my = msg.gen;
  gen = my;
  const made = [];
  try {
    let t = null;
    for (let i = 0; i < msg.runs.length; i++) {
      const spec = msg.runs[i];
      post({ type: 'phase', gen: my, exp: msg.exp, run: i });
      let h;
      try {
        h = new dl.LossRun(csv, spec.opts);
      } catch (err) {
        post({ type: 'fail', gen: my, exp: msg.exp, run: i, error: errorToJSON(err) });
        continue;
      }
      made.push(h);
      if (spec.student && t) h.adoptTeacher(t);
      for (let e = 0; e < spec.epochs; e++) {
        await tick();
        if (gen !== my) return;
        post({ type: 'epoch', gen: my, exp: msg.exp, run: i, metrics: h.epoch() });
      }
      post({ type: 'report', gen: my, exp: msg.exp, run: i, report: h.report(10) });
      if (spec.role === 'teacher') t = h;
    }
    if (msg.exp === 'kd' && t) {
      teacher?.free();
      scaleRun?.free();
      teacher = t;
      made.splice(made.indexOf(t), 1);
      scaleRun = new dl.LossRun(csv, { ...msg.runs[1].opts, loss: 'kd', alpha: 1 });
      scaleRun.adoptTeacher(teacher);
    }
    post({ type: 'done', gen: my, exp: msg.exp });
  } catch (err) {
    post({ type: 'fail', gen: my, exp: msg.exp, run: -1, error: errorToJSON(err) });
  } finally {
    for (const h of made) h.free();
  }
}

self.onmessage = async (ev) => {
  const msg = ev.data;
  try {
    if (!dl) await init();
    if (msg.type === 'run') await run(msg);
    else if (msg.type === 'stop') gen = -1;
    else if (msg.type === 'soft') {
      if (!teacher) return post({ type: 'soft', soft: null });
      const n = teacher.testSize;
      const index = Math.min(Math.max(0, msg.index | 0), n - 1);
      post({ type: 'soft', index, temps: msg.temps, soft: teacher.softTargets(index, msg.temps), n });
    } else if (msg.type === 'scale') {
      if (!scaleRun) return post({ type: 'scale', scale: null });
      post({ type: 'scale', scale: scaleRun.gradScale(msg.temps) });
    }
  } catch (err) {
    post({ type: 'fail', gen: msg.gen ?? gen, exp: msg.exp ?? '', run: -1, error: errorToJSON(err) });
  }
};

post({ type: 'ready' });
