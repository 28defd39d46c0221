//! Page state in the URL hash, as `#key=value&key=value` (values URI-encoded), so a link
//! reproduces what the page shows: the language, a lab's knobs, its random seed.

/** `decodeURIComponent`, or null for a malformed escape (`%`, `%E0%A4%A`) instead of a throw. */
function decode(text) {
  try {
    return decodeURIComponent(text);
  } catch {
    return null;
  }
}

/**
 * Parse a hash string (default: the current one) into a plain object of strings. A part with a
 * malformed percent escape is left out (a hand-edited or cut link must never stop a page from
 * starting; the other parts still apply), and its raw text is listed in the non-enumerable
 * `malformed` property so a page can say what it ignored.
 */
export function parseHash(hash = location.hash) {
  const out = {};
  const malformed = [];
  for (const part of hash.replace(/^#/, '').split('&')) {
    if (!part) continue;
    const eq = part.indexOf('=');
    const key = decode(eq < 0 ? part : part.slice(0, eq));
    const value = eq < 0 ? '' : decode(part.slice(eq + 1));
    if (key === null || value === null) malformed.push(part);
    else out[key] = value;
  }
  Object.defineProperty(out, 'malformed', { value: malformed, enumerable: false });
  return out;
}

/** The parts of the hash the page was opened with that could not be read (see `parseHash`): kept
 * from load time, because the page rewrites its hash (without them) as soon as it saves state. */
export const malformedAtLoad = typeof location === 'undefined' ? [] : parseHash(location.hash).malformed;

/** Format an object as a hash string (without the '#'); null/undefined values are left out. */
export function formatHash(obj) {
  return Object.entries(obj)
    .filter(([, v]) => v !== null && v !== undefined)
    .map(([k, v]) => `${encodeURIComponent(k)}=${encodeURIComponent(String(v))}`)
    .join('&');
}

/** Read the current hash as an object. */
export function readState() {
  return parseHash(location.hash);
}

/**
 * Merge `changes` into the hash (a null value removes the key). Uses replaceState by default so
 * dragging a slider does not flood the history; pass {push: true} for a step worth going back to.
 * Does not fire `hashchange` (history API), so a page never reacts to its own writes.
 */
export function writeState(changes, { push = false } = {}) {
  const next = { ...readState(), ...changes };
  for (const [k, v] of Object.entries(next)) if (v === null || v === undefined) delete next[k];
  const s = formatHash(next);
  const url = `${location.pathname}${location.search}${s ? '#' + s : ''}`;
  if (url === `${location.pathname}${location.search}${location.hash}`) return;
  history[push ? 'pushState' : 'replaceState'](history.state, '', url);
}

/** Call `fn(state)` when the user edits the hash or follows a link to another hash. */
export function onStateChange(fn) {
  const h = () => fn(readState());
  addEventListener('hashchange', h);
  return () => removeEventListener('hashchange', h);
}

/** Typed getters with a default for values that are missing or malformed. */
export function num(state, key, fallback, { min = -Infinity, max = Infinity } = {}) {
  const v = Number(state[key]);
  return key in state && state[key] !== '' && Number.isFinite(v) ? Math.min(max, Math.max(min, v)) : fallback;
}

export function pick(state, key, allowed, fallback) {
  return allowed.includes(state[key]) ? state[key] : fallback;
}
