//! One memoized init of the wasm build (www/pkg/, made by wasm-pack --target web): every lab
//! calls `ready()` and gets the same initialized module; the .wasm is fetched and compiled once.
//! What it resolves to is the checking facade (`./api.js`, the documented API: same names as
//! the package, every argument checked in JS before the generated glue sees it), never the raw
//! bindings.

import { codedError } from './errors.js';

const API = new URL('./api.js', import.meta.url);
const PKG = new URL('../pkg/dlplay.js', import.meta.url);
let p;

/**
 * Resolve to the namespace of the facade (app/api.js: GoldenSuite, Tensor, conv2d, ...) once the
 * module is initialized.
 * Rejects with an Error whose `code` is 'wasm_missing' when pkg/ was never built, or
 * 'wasm_load' (with vars.detail) when it is there but fails to load or instantiate.
 */
export function ready() {
  return (p ??= import(API.href)
    .then((m) => m.default().then(() => m))
    .catch(async (err) => {
      p = undefined; // let a later call try again (e.g. after the build finishes)
      throw await explain(err);
    }));
}

async function explain(err) {
  let missing = false;
  try {
    missing = (await fetch(PKG, { method: 'HEAD', cache: 'no-store' })).status === 404;
  } catch {
    // the server itself is gone: report the original error
  }
  const detail = err && err.message ? err.message : String(err);
  const e = missing
    ? codedError('wasm_missing', { detail }, "wasm build missing: run the README's serve command (pkg/dlplay.js was not found)")
    : codedError('wasm_load', { detail }, `The wasm module failed to load: ${detail}`);
  e.cause = err;
  return e;
}
