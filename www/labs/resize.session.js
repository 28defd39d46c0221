//! The resize lab's live state, shared by its modules: the knobs `S` (mirrored in the URL hash
//! through resize.state.js's codec) and `lab`, what the page holds besides them: the worker, the
//! viewer, the current input and the results the worker holds for it.
import { readState, writeState } from '../app/state.js';
import { defaultState, applyHash, stateToHash } from './resize.state.js';

/** Page state; everything here except `initialView` is mirrored in the URL hash. */
export const S = defaultState();

export const lab = {
  engine: null, // the Engine (resize.engine.js), made at start
  viewer: null, // the Viewer (resize.viewer.js), made at start
  maxPixels: 64 << 20, // replaced at start by the limit the worker reads from Rust
  source: null, // {id, w, h, format, exact, name, spec, bitmap}
  srcSeq: 0,
  have: {}, // a, b: {key, w, h, method, ms, totalMs, bitmap}; diff: {...}; ins: {key, r, slot}; failed: key
  maxSide: 32767, // replaced at start by the canvas side limit the worker reports
  lastGood: null, // size + method settings of the last result that worked
  lastGoodSrc: 0, // the id of the input lastGood worked on: a revert goes only to settings known
  //                 to work on the input shown now, never to another input's (it may not fit)
  fallbackKey: null, // key A of the last automatic fall-back to the largest size that fits
  blocked: null, // key A (input id, size, method) a trap or Cancel stopped: never retried by itself
  runningA: null, // key A of the resize running now
  pendingLoad: null, // {spec, opts}: the next input to load
  needFit: true, // the next result A fits the viewer to the stage
};

/** Read the hash into S; the values it could not use go onto `rejected` ([key, value] pairs). */
export const loadState = (rejected = []) => applyHash(S, readState(), rejected);

/** Record S (and the viewer's zoom and pan once a result is shown) in the hash. */
export function saveHash() {
  const view = lab.viewer && lab.have.a ? lab.viewer.view : null;
  writeState(stateToHash(S, view));
}

let saveTimer = 0;
/** saveHash after 150 ms without another call (a dragged slider, a pan). */
export function saveHashSoon() {
  clearTimeout(saveTimer);
  saveTimer = setTimeout(saveHash, 150);
}
