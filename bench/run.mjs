// Runs every bench case (bench/cases/*.mjs, or those named on the command line) in one Node
// process, ours and the peers side by side, and prints medians and ratios.
//
// The relaxed-SIMD build (www/pkg-relaxed, the one the page loads where the engine has relaxed
// SIMD) runs the cases of RELAXED_CASES a second time, its rows marked "[relaxed]", when this
// Node runs relaxed SIMD. Node 20 needs --experimental-wasm-relaxed-simd for that: without it,
// this script re-runs itself with the flag. BENCH_RELAXED=0: no relaxed rows; BENCH_RELAXED=all:
// every case on both builds.
import { execFileSync, spawnSync } from 'node:child_process';
import { existsSync, readdirSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import path from 'node:path';
import { loadOurs, loadTf, time, row, lcg } from './lib.mjs';
import { relaxedSimdSupported } from '../www/app/wasm.js';

const here = path.dirname(fileURLToPath(import.meta.url));
const FLAG = '--experimental-wasm-relaxed-simd';
/** The cases whose kernels use F4::mul_add (conv's blocks, exp's polynomial). */
const RELAXED_CASES = ['conv', 'softmax', 'sigmoid'];
const relaxedMode = process.env.BENCH_RELAXED ?? '1';
const relaxedBuilt = existsSync(path.join(here, '..', 'www/pkg-relaxed/dlplay_bg.wasm'));

if (relaxedMode !== '0' && relaxedBuilt && !relaxedSimdSupported() && !process.execArgv.includes(FLAG)
  && execFileSync(process.execPath, ['--v8-options'], { encoding: 'utf8' }).includes(FLAG)) {
  const r = spawnSync(process.execPath, [FLAG, ...process.execArgv, fileURLToPath(import.meta.url), ...process.argv.slice(2)], { stdio: 'inherit' });
  process.exit(r.status ?? 1);
}

const only = process.argv.slice(2);
const files = readdirSync(path.join(here, 'cases'))
  .filter((f) => f.endsWith('.mjs'))
  .filter((f) => only.length === 0 || only.some((o) => f.startsWith(o)))
  .sort();
const ours = await loadOurs();
const relaxed = relaxedMode !== '0' && relaxedBuilt && relaxedSimdSupported() ? await loadOurs('pkg-relaxed') : null;
const tf = await loadTf();
console.log(`node ${process.version}, dlplay ${ours.dl.version()}, TF.js ${tf.version_core} (${tf.getBackend()}, 1 thread)`);
const why = relaxedMode === '0' ? 'BENCH_RELAXED=0' : !relaxedBuilt ? 'www/pkg-relaxed is not built' : 'this Node cannot run relaxed SIMD';
console.log(relaxed ? `builds: ${ours.dl.simdKind()}, and ${relaxed.dl.simdKind()} for ${relaxedMode === 'all' ? 'every case' : RELAXED_CASES.join(', ')} (rows marked [relaxed])`
  : `build: ${ours.dl.simdKind()} (no relaxed-SIMD rows: ${why})`);
const relaxedRow = (name, ...rest) => row(`${name} [relaxed]`, ...rest);
for (const f of files) {
  console.log(`\n## ${f}`);
  const mod = await import(path.join(here, 'cases', f));
  await mod.default({ dl: ours.dl, memory: ours.memory, tf, time, row, lcg });
  if (relaxed && (relaxedMode === 'all' || RELAXED_CASES.some((c) => f.startsWith(c)))) {
    console.log(`\n## ${f}, ${relaxed.dl.simdKind()}`);
    await mod.default({ dl: relaxed.dl, memory: relaxed.memory, tf, time, row: relaxedRow, lcg });
  }
}
