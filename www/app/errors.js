//! Errors the page can translate. Every error a lab shows carries a stable `code` and the
//! values of its message (`vars`), besides the English `message`: the wasm door throws them that
//! way (`{code: "pixel_limit", vars: {what, w, h, got, max, ...}}`; the codes are listed in
//! src/error.rs), and the page's own checks make them here.
//! `describeError` (app/i18n.js) shows `error.<code>` from the page's language with the vars
//! filled in, and falls back to the English message for a code it does not know.
//! Pure: no DOM, no wasm, so Node's test runner checks it (tests/node/).

/** An Error with a stable code and the values its translations need. */
export function codedError(code, vars = {}, message = `${code}: ${JSON.stringify(vars)}`) {
  const e = new Error(message);
  e.code = code;
  e.vars = vars;
  return e;
}

/** The plain-object form of an error, for postMessage between a worker and its page. */
export function errorToJSON(err) {
  if (err && typeof err === 'object') {
    return { message: err.message || String(err), code: err.code || '', vars: err.vars || {} };
  }
  return { message: String(err), code: '', vars: {} };
}

/** The inverse of `errorToJSON`: an Error again, with its code and vars. */
export function errorFromJSON(o) {
  return o && o.code ? codedError(o.code, o.vars || {}, o.message) : new Error((o && o.message) || String(o));
}
