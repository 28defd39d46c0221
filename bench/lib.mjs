// Shared bench harness: our wasm build (www/pkg, the page's own bytes) and TF.js's wasm backend
// (XNNPACK + SIMD, one thread) loaded side by side in one Node process.
import { readFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import path from 'node:path';

const root = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '..');

export async function loadOurs() {
  const dl = await import(path.join(root, 'www/pkg/dlplay.js'));
  const bytes = readFileSync(path.join(root, 'www/pkg/dlplay_bg.wasm'));
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

const rows = [];
/** Records one comparison: ratio = ours / peer (below 1 means we are faster). */
export function row(name, ours, peer, note = '') {
  rows.push({ name, ours, peer, note });
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
