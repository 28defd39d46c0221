// The normalisation lab's batch-size experiment run in Node with the page's own code
// (www/labs/norm.exp.js, expPlan) and wasm bytes, printing the table the page shows.
// Not a timing bench: it measures test error. Usage:
//   node bench/norm-batch.mjs [budget=epochs|steps] [lrRule=fixed|linear] [seeds=2] [epochs=3] [lr=0.01] [limit=0] [seed=1]
import { readFileSync } from 'node:fs';
import { loadOurs } from './lib.mjs';
import { expPlan, EXP_NORMS, EXP_BATCHES } from '../www/labs/norm.model.js';
import { runCell } from '../www/labs/norm.exp.js';

const args = Object.fromEntries(process.argv.slice(2).map((a) => a.split('=')));
const o = {
  budget: args.budget ?? 'epochs', lrRule: args.lrRule ?? 'fixed', seeds: Number(args.seeds ?? 2),
  epochs: Number(args.epochs ?? 3), lr: Number(args.lr ?? 0.01), limit: Number(args.limit ?? 0), seed: Number(args.seed ?? 1),
};
const { dl } = await loadOurs();
const csv = readFileSync(new URL('../www/samples/digits.csv', import.meta.url), 'utf8');
const probe = new dl.ConvTrainer({ norm: 'none', seed: o.seed, trainLimit: o.limit }, csv);
const trainCount = probe.info().trainCount;
probe.free();
const plan = expPlan({ ...o, trainCount });
const t0 = Date.now();
const cells = [];
for (const c of plan) {
  const cell = await runCell(dl, csv, c, { limit: o.limit });
  cells.push(cell);
  console.error(`${cell.norm} b=${cell.b} lr=${cell.lr} steps=${cell.steps}: ${cell.runs.map((r) => (100 * r.testErr).toFixed(1)).join(' ')} (${((Date.now() - t0) / 1000).toFixed(0)} s)`);
}
const f = (s) => (Number.isFinite(s.mean) ? `${(100 * s.mean).toFixed(1)} ± ${(100 * s.sd).toFixed(1)}%` : 'diverged');
console.log(`settings: ${JSON.stringify({ ...o, trainCount })}; test error, mean ± sd over ${o.seeds} seed(s)`);
console.log(`| norm \\ batch | ${EXP_BATCHES.join(' | ')} |`);
console.log(`|---|${EXP_BATCHES.map(() => '---').join('|')}|`);
for (const n of EXP_NORMS) console.log(`| ${n} | ${EXP_BATCHES.map((b) => f(cells.find((c) => c.norm === n && c.b === b).testErr)).join(' | ')} |`);
console.log(`| BN train mode | ${EXP_BATCHES.map((b) => f(cells.find((c) => c.norm === 'bn' && c.b === b).trainModeErr)).join(' | ')} |`);
console.log(`| steps | ${EXP_BATCHES.map((b) => cells.find((c) => c.b === b).steps).join(' | ')} |`);
console.log(`| lr | ${EXP_BATCHES.map((b) => cells.find((c) => c.b === b).lr).join(' | ')} |`);
console.log(`wall ${((Date.now() - t0) / 1000).toFixed(0)} s`);
