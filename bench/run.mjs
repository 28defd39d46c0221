// Runs every bench case (bench/cases/*.mjs, or those named on the command line) in one Node
// process, ours and the peers side by side, and prints medians and ratios.
import { readdirSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import path from 'node:path';
import { loadOurs, loadTf, time, row, lcg } from './lib.mjs';

const here = path.dirname(fileURLToPath(import.meta.url));
const only = process.argv.slice(2);
const files = readdirSync(path.join(here, 'cases'))
  .filter((f) => f.endsWith('.mjs'))
  .filter((f) => only.length === 0 || only.some((o) => f.startsWith(o)))
  .sort();
const ours = await loadOurs();
const tf = await loadTf();
console.log(`node ${process.version}, dlplay ${ours.dl.version()}, TF.js ${tf.version_core} (${tf.getBackend()}, 1 thread)`);
for (const f of files) {
  console.log(`\n## ${f}`);
  const mod = await import(path.join(here, 'cases', f));
  await mod.default({ dl: ours.dl, memory: ours.memory, tf, time, row, lcg });
}
