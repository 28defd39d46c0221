// Both wasm builds against the reference vectors: www/pkg/ (SIMD128, the default and the golden
// reference) and www/pkg-relaxed/ (relaxed SIMD: F4::mul_add is f32x4.relaxed_madd, fused on an
// FMA CPU, so its results differ in the last bits and only the golden tolerance holds). Every
// kernel case (tests/golden/) passes in each build; every engine case (tests/golden_engine/)
// passes in the relaxed build (the default build's engine run is golden_engine.test.mjs). The
// page loads the relaxed .wasm with the default build's JS glue, so the two glues must be the
// same file. Node 20 runs relaxed SIMD only behind a V8 flag: it is switched on here, before any
// module is compiled. Skipped, with a message, only when a build is missing.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { execFileSync } from 'node:child_process';
import { readdirSync, readFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import v8 from 'node:v8';
import { relaxedSimdSupported } from '../../www/app/wasm.js';
import { built, loadPkg, pkgPath, runGoldenSuite, skipUnlessBuilt, wasmBytes } from './load.mjs';

const FLAG = '--experimental-wasm-relaxed-simd';
if (!relaxedSimdSupported() && execFileSync(process.execPath, ['--v8-options'], { encoding: 'utf8' }).includes(FLAG)) {
  v8.setFlagsFromString(FLAG);
}

const BUILDS = [
  { dir: 'pkg', kind: 'wasm simd128', engine: false },
  { dir: 'pkg-relaxed', kind: 'wasm relaxed-simd', engine: true },
];

/** The JSON texts of a folder of case files. */
function caseFiles(sub) {
  const dir = fileURLToPath(new URL(`../${sub}/`, import.meta.url));
  const files = readdirSync(dir).filter((f) => f.endsWith('.json')).sort();
  assert.ok(files.length > 0, `no case files in tests/${sub}/`);
  return files.map((f) => ({ name: `${sub}/${f}`, text: readFileSync(`${dir}${f}`, 'utf8') }));
}

for (const b of BUILDS) {
  let skip = skipUnlessBuilt(b.dir);
  if (!skip && b.dir === 'pkg-relaxed' && !relaxedSimdSupported()) skip = `this Node (${process.version}) cannot run relaxed SIMD`;

  test(`${b.dir}: reports its build (simdKind "${b.kind}")`, { skip }, async () => {
    assert.equal((await loadPkg(b.dir)).simdKind(), b.kind);
  });

  const kinds = [['kernel', 'golden', 'GoldenSuite'], ...(b.engine ? [['engine', 'golden_engine', 'GoldenEngineSuite']] : [])];
  for (const [kind, sub, Suite] of kinds) {
    test(`${b.dir}: every ${kind} case passes`, { skip }, async () => {
      const pkg = await loadPkg(b.dir);
      for (const f of caseFiles(sub)) {
        const r = runGoldenSuite(new pkg[Suite](f.text));
        assert.deepEqual(r.bad, [], `${b.dir} ${f.name}: cases that did not pass`);
        assert.equal(r.passed, r.declared, `${b.dir} ${f.name}: passed vs the header's count`);
      }
    });
  }
}

test('the two builds share one JS glue (the page loads pkg-relaxed/*.wasm through pkg/dlplay.js)', {
  skip: built('pkg') && built('pkg-relaxed') ? false : 'a build is missing: run `bash .ci/build.sh` first',
}, () => {
  assert.equal(readFileSync(pkgPath('pkg-relaxed', 'dlplay.js'), 'utf8'), readFileSync(pkgPath('pkg', 'dlplay.js'), 'utf8'));
  assert.notDeepEqual(wasmBytes('pkg-relaxed'), wasmBytes('pkg'));
});
