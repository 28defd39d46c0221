// Shared bench harness: our wasm build (www/pkg, the page's own bytes; or www/pkg-relaxed, the
// relaxed-SIMD build) and TF.js's wasm backend (XNNPACK + SIMD, one thread) loaded side by side
// in one Node process.
import { readFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import path from 'node:path';

const root = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '..');

/** The build in www/<dir>/ (each package is its own module, so both builds can be loaded at once). */
export async function loadOurs(dir = 'pkg') {
  const dl = await import(path.join(root, 'www', dir, 'dlplay.js'));
  const bytes = readFileSync(path.join(root, 'www', dir, 'dlplay_bg.wasm'));
  const exports = dl.initSync({ module: bytes });
  return { dl, memory: exports.memory };
}

export async function loadTf() {
  const tf = await import('@tensorflow/tfjs-core');
  const wasm = await import('@tensorflow/tfjs-backend-wasm');
  wasm.setWasmPaths(path.join(root, 'node_modules/@tensorflow/tfjs-backend-wasm/dist') + '/');
  wasm.setThreadsCount(1);
  tf.env().set('WASM_HAS_MULTITHREAD_SUPPORT', false);
  await tf.setBackend('wasm');
  await tf.ready();
  if (tf.getBackend() !== 'wasm') throw new Error(`TF.js backend is ${tf.getBackend()}, expected wasm`);
  return tf;
}

/** Median wall time in ms of `fn` over `reps` runs after `warmup` runs. */
/** Median ms of an async `fn` after `warmup` runs (a TF.js layers call that returns a promise). */
export async function timeAsync(fn, { warmup = 2, reps = 7 } = {}) {
  for (let i = 0; i < warmup; i++) await fn();
  const t = [];
  for (let i = 0; i < reps; i++) {
    const t0 = performance.now();
    await fn();
    t.push(performance.now() - t0);
  }
  t.sort((a, b) => a - b);
  return t[Math.floor(t.length / 2)];
}

export function time(fn, { warmup = 3, reps = 15 } = {}) {
  for (let i = 0; i < warmup; i++) fn();
  const t = [];
  for (let i = 0; i < reps; i++) {
    const t0 = performance.now();
    fn();
    t.push(performance.now() - t0);
  }
  t.sort((a, b) => a - b);
  return t[Math.floor(t.length / 2)];
}

/**
 * The machine is shared: times every function of `fns` alternately, three rounds, and keeps each
 * one's best median, so a burst of load from elsewhere does not land on one side only.
 */
export function interleaved(fns, reps = { warmup: 3, reps: 15 }, rounds = 3) {
  const best = fns.map(() => Infinity);
  for (let r = 0; r < rounds; r++) fns.forEach((fn, i) => { best[i] = Math.min(best[i], time(fn, reps)); });
  return best;
}

/** Process CPU time (user + system) of one call of `fn`, in ms. */
function cpuMs(fn) {
  const c0 = process.cpuUsage();
  fn();
  const c = process.cpuUsage(c0);
  return (c.user + c.system) / 1000;
}

/**
 * CPU-time ratio of `a` to `b`: the best single call of each over `n` alternating pairs (CPU
 * time does not count the time this process waits while other work runs on the machine).
 * Returns `{ratio, note}`.
 */
export function cpuRatio(a, b, n = 15) {
  let ta = Infinity;
  let tb = Infinity;
  for (let i = 0; i < n; i++) {
    ta = Math.min(ta, cpuMs(a));
    tb = Math.min(tb, cpuMs(b));
  }
  const ratio = ta / tb;
  return { ratio, note: `CPU-time ratio ${ratio.toFixed(3)} (${ta.toFixed(2)} vs ${tb.toFixed(2)} ms)` };
}

const rows = [];
/**
 * Records one comparison: ratio = ours / peer (below 1 means we are faster); `cpu` is the
 * CPU-time ratio when the case measured one.
 */
export function row(name, ours, peer, note = '', cpu = undefined) {
  rows.push({ name, ours, peer, note, cpu });
  const ratio = peer > 0 ? ours / peer : NaN;
  const speed = ratio > 0 ? (1 / ratio).toFixed(1) + 'x' : '-';
  console.log(
    `${name.padEnd(52)} ours ${ours.toFixed(2).padStart(8)} ms   peer ${peer.toFixed(2).padStart(8)} ms   ratio ${ratio.toFixed(3)} (${speed} as fast)  ${note}`
  );
}
export const results = rows;

/** Deterministic pseudo-random bytes / floats for inputs. */
export function lcg(seed = 1) {
  let s = seed >>> 0;
  return () => ((s = (Math.imul(s, 1664525) + 1013904223) >>> 0) / 4294967296);
}
