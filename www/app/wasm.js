//! One memoized init of the wasm build (www/pkg/, made by wasm-pack --target web): every lab
//! calls `ready()` and gets the same initialized module; the .wasm is fetched and compiled once.
//! What it resolves to is the checking facade (`./api.js`, the documented API: same names as
//! the package, every argument checked in JS before the generated glue sees it), never the raw
//! bindings.
//!
//! Two builds of the same crate (README, "Build"): www/pkg/ (SIMD128, the default and the golden
//! reference) and www/pkg-relaxed/ (relaxed SIMD: the multiply-adds are `f32x4.relaxed_madd`,
//! fused where the CPU has FMA). Their JS glue is the same file (the build checks it), so one
//! glue (../pkg/dlplay.js, which api.js imports) is initialized with the .wasm this engine runs
//! best: the relaxed one where `WebAssembly.validate` accepts a relaxed-SIMD opcode, else the
//! default one, and the default one again if the relaxed one fails to load.

import { codedError } from './errors.js';

const API = new URL('./api.js', import.meta.url);
const PKG = new URL('../pkg/dlplay.js', import.meta.url);
const RELAXED_WASM = new URL('../pkg-relaxed/dlplay_bg.wasm', import.meta.url);
let p;
let chosen = null;

/**
 * The smallest module using relaxed SIMD: `(func (result v128) (local v128)
 * (f32x4.relaxed_madd (local.get 0) (local.get 0) (local.get 0)))`.
 */
export const RELAXED_PROBE = Uint8Array.of(
  0x00, 0x61, 0x73, 0x6d, 0x01, 0x00, 0x00, 0x00, // "\0asm", version 1
  0x01, 0x05, 0x01, 0x60, 0x00, 0x01, 0x7b, // type section: () -> v128
  0x03, 0x02, 0x01, 0x00, // function section: one function of type 0
  0x0a, 0x0f, 0x01, 0x0d, 0x01, 0x01, 0x7b, // code section: one body of 13 bytes, one v128 local
  0x20, 0x00, 0x20, 0x00, 0x20, 0x00, // local.get 0, three times
  0xfd, 0x85, 0x02, // f32x4.relaxed_madd (0xfd 0x105)
  0x0b, // end
);

/**
 * Whether this engine runs relaxed SIMD (Chromium 114+, Node 22+, Node 20 with
 * --experimental-wasm-relaxed-simd; Firefox and Safari keep it behind a flag and get the default
 * build): `validate(RELAXED_PROBE)`, false when WebAssembly is missing or throws. `validate`
 * may be passed (tests).
 */
export function relaxedSimdSupported(validate = globalThis.WebAssembly?.validate) {
  try {
    return typeof validate === 'function' && validate.call(globalThis.WebAssembly, RELAXED_PROBE) === true;
  } catch {
    return false;
  }
}

/**
 * Which build `ready()` loaded: null before, else {kind: 'relaxed' | 'simd128', wasm (URL
 * string), fallback (the relaxed load's error message when the default one replaced it)}.
 */
export const loadedBuild = () => chosen;

/**
 * Initialize the package `m` (the facade, whose default export is the glue's init) with the
 * relaxed .wasm when `relaxed` (default: the engine has relaxed SIMD), falling back to the
 * default .wasm if that fails (a failed init leaves the glue uninitialized, so it can retry).
 */
export async function initBest(m, relaxed = relaxedSimdSupported()) {
  let fallback = null;
  chosen = null;
  if (relaxed) {
    try {
      await m.default({ module_or_path: RELAXED_WASM });
      chosen = { kind: 'relaxed', wasm: RELAXED_WASM.href, fallback };
      return;
    } catch (err) {
      // not built, or refused: the glue stays uninitialized, so the default .wasm can still load
      fallback = err && err.message ? err.message : String(err);
      console.warn(`dlplay: the relaxed-SIMD build did not load (${fallback}); using the SIMD128 build`);
    }
  }
  await m.default();
  chosen = { kind: 'simd128', wasm: new URL('../pkg/dlplay_bg.wasm', import.meta.url).href, fallback };
}

/**
 * Resolve to the namespace of the facade (app/api.js: GoldenSuite, Tensor, conv2d, ...) once the
 * module is initialized.
 * Rejects with an Error whose `code` is 'wasm_missing' when pkg/ was never built, or
 * 'wasm_load' (with vars.detail) when it is there but fails to load or instantiate.
 */
export function ready() {
  return (p ??= import(API.href)
    .then((m) => initBest(m).then(() => m))
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
