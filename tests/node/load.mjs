// The built wasm packages as the Node tests load them, in one place: www/pkg/ (SIMD128, the
// default build) and www/pkg-relaxed/ (relaxed SIMD), both made by .ci/build.sh. A test that
// needs a build is skipped, with a message, only when that build is missing (`skipUnlessBuilt`).
// bench/lib.mjs `loadOurs` is the bench's counterpart.
import { existsSync, readFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';

const WWW = new URL('../../www/', import.meta.url);

/** The URL of `file` in www/<dir>/ (the folder itself when `file` is empty). */
export const pkgUrl = (dir = 'pkg', file = '') => new URL(`${dir}/${file}`, WWW);

/** The file path of `file` in www/<dir>/. */
export const pkgPath = (dir = 'pkg', file = '') => fileURLToPath(pkgUrl(dir, file));

/** Whether www/<dir>/ holds a build: its JS glue and its .wasm. */
export const built = (dir = 'pkg') =>
  existsSync(pkgPath(dir, 'dlplay.js')) && existsSync(pkgPath(dir, 'dlplay_bg.wasm'));

/** The `skip` option of a test that needs www/<dir>/: false when built, else why (plus `why`). */
export const skipUnlessBuilt = (dir = 'pkg', why = '') =>
  built(dir) ? false : `www/${dir} is missing: run \`bash .ci/build.sh\` first${why ? ` ${why}` : ''}`;

/** The bytes of www/<dir>/dlplay_bg.wasm. */
export const wasmBytes = (dir = 'pkg') => readFileSync(pkgPath(dir, 'dlplay_bg.wasm'));

const pkgs = new Map();
/**
 * The generated package www/<dir>/dlplay.js (the raw bindings, internal), initialized with its
 * own .wasm once per process; each folder is its own module, so both builds can be loaded at once.
 */
export function loadPkg(dir = 'pkg') {
  if (!pkgs.has(dir)) {
    pkgs.set(dir, (async () => {
      const dl = await import(pkgUrl(dir, 'dlplay.js').href);
      await dl.default({ module_or_path: wasmBytes(dir) });
      return dl;
    })());
  }
  return pkgs.get(dir);
}

let api;
/** The checked API (www/app/api.js, as the pages use it) over www/pkg/, initialized once. */
export function loadApi() {
  return (api ??= (async () => {
    const dl = await import('../../www/app/api.js');
    await dl.default({ module_or_path: wasmBytes() });
    return dl;
  })());
}

/**
 * Runs every case of a GoldenSuite or GoldenEngineSuite and frees it; returns {passed, declared
 * (the header's count), bad: ['id: message']}.
 */
export function runGoldenSuite(suite) {
  const declared = Number(suite.header().count);
  let passed = 0;
  const bad = [];
  for (let i = 0; i < suite.len(); i++) {
    const r = suite.run(i);
    if (r.passed) passed++;
    else bad.push(`${r.id}: ${r.notImplemented ? 'not implemented yet' : r.message}`);
  }
  suite.free();
  return { passed, declared, bad };
}
