//! The convolution lab's live state, shared by its view modules: the knobs `S` (mirrored in the
//! URL hash through conv.state.js's codec) and the plan of the current stack on the current image.
import { readState, writeState } from '../app/state.js';
import { defaultState, applyHash, stateToHash } from './conv.state.js';

export const S = defaultState();

/** The last `stackPlan` result ({rows, error}); null until the first image is in. */
export const lab = { plan: null };

/** Read the hash into S. */
export const loadState = () => applyHash(S, readState());

/** Record S in the hash (replaceState: no history entry, no hashchange). */
export const saveState = () => writeState(stateToHash(S));

/** The last map's row of the plan ({c, h, w, r, jump, start, ...}), or null when the stack breaks. */
export function lastRow() {
  const { plan } = lab;
  return plan && !plan.error && plan.rows.length ? plan.rows[plan.rows.length - 1] : null;
}
