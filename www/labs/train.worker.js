//! The training lab's worker: owns the wasm Trainer(s) (one, or two in A/B mode), trains while
//! playing and sends frames to the page. A frame carries each run's metrics, its new history rows
//! and copies of the heatmap/histogram buffers (read through zero-copy views into wasm memory,
//! then transferred). The next frame is only computed once the page has drawn the previous one
//! (`ack`), so training never outruns the display and the page never queues stale frames.
//!
//! Configs are the Trainer's options objects (camelCase keys, built by train.model.js); the
//! Rust schema (`trainSchema()`) goes to the page with `ready`, so both sides use one vocabulary.
//!
//! Messages in:  init | load {gen, configs, play, until, speed} | play | pause | step {epochs} | reset |
//!               setLr {run, lr} |
//!               addPoint {x1, x2, label} | parseCsv {text} | previews {names} | ack | speed {speed} |
//!               until {until} | featureMaps {features, grid, domain, key}
//! Messages out: ready {version, schema} | frame {gen, runs, playing, reason} | loadError {run, error} |
//!               csv {points, classes} | csvError {error, name} | addError {error} | previews {sets} |
//!               featureMaps {key, values: Float32Array features x grid²} | fatal {message, code, vars}
//! Errors travel as `errorToJSON` objects {message, code, vars}; the page shows them with
//! `describeError`, so a Rust error reads in the page's language.
import { ready } from '../app/wasm.js';
import { errorToJSON } from '../app/errors.js';
import { createModel } from './train.model.js';

const TRAIN_BUDGET_MS = 12; // training time per turn at speed "max"
const HEALTH_EVERY = 6; // frames between two health readings while playing

let dl = null;
let model = null;
let runs = []; // {trainer, sent, info, error}
let configs = [];
let playing = false;
let looping = false;
let until = 0;
let speed = 'max';
let acked = true;
let pendingFrame = false;
let frameNo = 0;
let msPerEpoch = 1;
let gen = 0; // the page's run generation, echoed in every frame

const post = (msg, transfer = []) => self.postMessage(msg, transfer);

/** A copy of `len` f32 values at `ptr` in wasm memory (fresh view: memory may have grown). */
function copyF32(ptr, len) {
  return new Float32Array(new Float32Array(dl.wasmMemory().buffer, ptr, len));
}

function freeRuns() {
  for (const r of runs) r.trainer?.free();
  runs = [];
}

function build() {
  freeRuns();
  frameNo = 0;
  runs = configs.map((cfg, i) => {
    try {
      const trainer = new dl.Trainer(cfg);
      return { trainer, sent: 0, info: trainer.info(), error: null, points: true };
    } catch (err) {
      const error = errorToJSON(err); // {message, code, vars}: the page shows it in its language
      post({ type: 'loadError', run: i, error });
      return { trainer: null, sent: 0, info: null, error };
    }
  });
}

function epochOf() {
  return Math.min(...runs.filter((r) => r.trainer).map((r) => r.trainer.epoch));
}

function allStopped() {
  return runs.every((r) => !r.trainer || r.trainer.status !== 'training');
}

/** Builds and posts one frame (only when the page has drawn the previous one, unless forced). */
function sendFrame(force = false, reason = '') {
  if (!acked && !force) {
    pendingFrame = true;
    return;
  }
  pendingFrame = false;
  acked = false;
  frameNo++;
  const transfer = [];
  const withHealth = !playing || frameNo % HEALTH_EVERY === 1;
  const out = runs.map((r) => {
    const t = r.trainer;
    if (!t) return { error: r.error };
    t.computeHeatmaps();
    t.computeHistograms();
    const rows = copyF32(t.historyPtr() + r.sent * 4, t.historyLen() - r.sent);
    const fromRow = r.sent;
    r.sent = t.historyLen();
    const boundary = copyF32(t.boundaryPtr(), t.boundaryLen());
    const neurons = copyF32(t.neuronsPtr(), t.neuronsLen());
    const hist = copyF32(t.histPtr(), t.histLen());
    const weights = t.weights();
    transfer.push(rows.buffer, boundary.buffer, neurons.buffer, hist.buffer, weights.buffer);
    const frame = {
      metrics: t.metrics(),
      info: r.info,
      rows,
      fromRow,
      boundary,
      neurons,
      hist,
      weights,
      health: withHealth ? t.health() : null,
    };
    if (r.points) {
      frame.points = t.points();
      transfer.push(frame.points.buffer);
      r.points = false;
    }
    return frame;
  });
  post({ type: 'frame', gen, runs: out, playing, reason }, transfer);
}

function stepAll(n) {
  for (const r of runs) if (r.trainer && r.trainer.status === 'training') r.trainer.step(n);
}

const nextTurn = () => new Promise((res) => setTimeout(res, 0));

/** Trains while playing: a slice of epochs per turn, a frame whenever the page is ready. */
async function loop() {
  if (looping) return;
  looping = true;
  try {
    while (playing) {
      if (speed !== 'max' && !acked) {
        // fixed epochs per displayed frame: wait for the page
        await nextTurn();
        continue;
      }
      let n = speed === 'max' ? Math.max(1, Math.min(2000, Math.floor(TRAIN_BUDGET_MS / msPerEpoch))) : Number(speed);
      const epoch = epochOf();
      if (until > 0) n = Math.min(n, until - epoch);
      if (n > 0) {
        const t0 = performance.now();
        stepAll(n);
        const per = (performance.now() - t0) / n;
        msPerEpoch = 0.7 * msPerEpoch + 0.3 * Math.max(per, 0.01);
      }
      let reason = '';
      if (until > 0 && epochOf() >= until) reason = 'until';
      else if (allStopped()) reason = 'stopped';
      if (reason) {
        playing = false;
        sendFrame(true, reason);
        break;
      }
      sendFrame();
      await nextTurn();
    }
  } catch (err) {
    playing = false;
    post({ type: 'fatal', ...errorToJSON(err) });
  } finally {
    looping = false;
  }
}

/** Small previews of every dataset for the picker: [x1, x2, label, isTest] rows. */
function previews(names) {
  const sets = {};
  for (const name of names) {
    let t = null;
    try {
      t = new dl.Trainer(model.previewConfig(name));
      sets[name] = t.points();
    } finally {
      t?.free();
    }
  }
  return sets;
}

async function handle(msg) {
  switch (msg.type) {
    case 'init': {
      dl = await ready();
      const schema = dl.trainSchema();
      model = createModel(schema);
      post({ type: 'ready', version: dl.version(), schema });
      break;
    }
    case 'load':
      configs = msg.configs;
      gen = msg.gen ?? gen;
      until = msg.until || 0;
      speed = msg.speed || speed;
      playing = false;
      build();
      if (msg.play && !allStopped()) {
        playing = true;
        sendFrame(true);
        loop();
      } else {
        sendFrame(true);
      }
      break;
    case 'play':
      if (allStopped()) {
        sendFrame(true, 'stopped');
        break;
      }
      if (until > 0 && epochOf() >= until) until = 0; // playing on past the stop epoch
      playing = true;
      loop();
      break;
    case 'pause':
      playing = false;
      sendFrame(true);
      break;
    case 'step':
      playing = false;
      stepAll(msg.epochs || 1);
      sendFrame(true);
      break;
    case 'reset':
      playing = false;
      build();
      sendFrame(true);
      break;
    case 'setLr': {
      // keep the weights: the running model learns at the new rate from its next epoch
      const r = runs[msg.run];
      if (r?.trainer) {
        try {
          r.trainer.setLr(msg.lr);
        } catch (err) {
          post({ type: 'loadError', run: msg.run, error: errorToJSON(err) });
        }
      }
      if (!playing) sendFrame(true);
      break;
    }
    case 'until':
      until = msg.until || 0;
      break;
    case 'speed':
      speed = msg.speed;
      break;
    case 'addPoint': {
      let error = null;
      for (const r of runs) {
        if (!r.trainer) continue;
        try {
          r.trainer.addPoint(msg.x1, msg.x2, msg.label);
          r.points = true;
          r.info = r.trainer.info();
        } catch (err) {
          error = errorToJSON(err);
        }
      }
      if (error) post({ type: 'addError', error });
      if (!playing) sendFrame(true);
      break;
    }
    case 'parseCsv':
      try {
        const r = dl.parsePointsCsv(msg.text);
        post({ type: 'csv', points: r.points, classes: r.classes, name: msg.name });
      } catch (err) {
        post({ type: 'csvError', error: errorToJSON(err), name: msg.name });
      }
      break;
    case 'previews':
      post({ type: 'previews', sets: previews(msg.names) });
      break;
    case 'featureMaps': {
      const values = dl.featureMaps(msg.features, msg.grid, msg.domain);
      post({ type: 'featureMaps', key: msg.key, values }, [values.buffer]);
      break;
    }
    case 'ack':
      acked = true;
      if (pendingFrame && !playing) sendFrame();
      break;
    default:
      throw new Error(`unknown message ${msg.type}`);
  }
}

self.onmessage = (e) => {
  handle(e.data).catch((err) => post({ type: 'fatal', ...errorToJSON(err) }));
};
