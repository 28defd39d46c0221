// Our own fuzz test of the JS API (issue 9): a seeded, time-bounded fuzzer that calls every
// export of the built package through the checked API (www/app/api.js) with generated
// arguments, and fails on any trap (a WebAssembly.RuntimeError, or a message with
// 'unreachable', 'panicked', 'memory access out of bounds', 'recursive use', 'null pointer
// passed to rust'), on a call that runs longer than the per-call limit, on an error that is
// neither the facade's nor a coded Rust error (something reached the glue unchecked), and on
// NaN in an output computed from moderate finite inputs where the reference library gives a
// number. It also fails when a raw export has no entry in the facade's table (so a new export
// cannot be forgotten), when the module does not work after the run, and when an export of the
// facade's table had no accepted call in the run (every call refused: its success path, where a
// trap or a NaN would be, was never reached; the report's `ok` column counts accepted calls, and
// a new export needs a recipe in fuzz.worker.mjs if the table's arguments are never valid).
// The run is seeded and its calls do not depend on time, so a slower machine only cuts the run
// shorter: every export has accepted calls within the first 20,000 calls (DLPLAY_FUZZ_MIN_CALLS)
// of seeds 1, 2 and 3.
//
// The engine runs in a worker (fuzz.worker.mjs) so a call that takes too long can be stopped:
// the worker is terminated, the call recorded as a trap cause, and a new worker goes on with
// the rest of the time. After a trap the worker re-instantiates the module and goes on, so
// one run counts every trap cause.
//
// Environment: DLPLAY_FUZZ_SECONDS (default 25), DLPLAY_FUZZ_SEED (default 1),
// DLPLAY_FUZZ_MIN_CALLS (default 20000: the run goes on past the seconds until it made that
// many calls, up to seconds + 25), DLPLAY_FUZZ_CALL_MS (default 10000: the per-call limit;
// legal work near the limits, e.g. a 30 MP resize or 2^28 zeros growing memory to 1 GiB, takes
// a few seconds, and 3-5x that on a loaded 2-core machine: the limit catches unbounded work),
// DLPLAY_FUZZ_REPORT_ONLY=1 (print the report, never fail: for local exploration only).
// The longer run of the README: DLPLAY_FUZZ_SECONDS=600 DLPLAY_FUZZ_SEED=7 node --test tests/node/fuzz.test.mjs
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { Worker } from 'node:worker_threads';
import { skipUnlessBuilt } from './load.mjs';

const skip = skipUnlessBuilt();

const env = process.env;
const SECONDS = Number(env.DLPLAY_FUZZ_SECONDS || 25);
const SEED = Number(env.DLPLAY_FUZZ_SEED || 1);
const MIN_CALLS = Number(env.DLPLAY_FUZZ_MIN_CALLS || 20000);
const CALL_MS = Number(env.DLPLAY_FUZZ_CALL_MS || 10000);
const REPORT_ONLY = env.DLPLAY_FUZZ_REPORT_ONLY === '1';

/** Every raw export: functions, classes with their static and prototype members. */
function rawExports(raw) {
  const out = [];
  for (const [name, v] of Object.entries(raw)) {
    if (name === 'default' || name === 'initSync') continue;
    if (typeof v !== 'function') {
      out.push(name);
      continue;
    }
    if (!/^class\b/.test(Function.prototype.toString.call(v))) {
      out.push(name);
      continue;
    }
    for (const k of Object.getOwnPropertyNames(v)) {
      if (!['length', 'name', 'prototype', '__wrap'].includes(k)) out.push(`${name}.${k}`);
    }
    for (const k of Object.getOwnPropertyNames(v.prototype)) {
      if (k === 'constructor' || k === '__destroy_into_raw') continue;
      const d = Object.getOwnPropertyDescriptor(v.prototype, k);
      if (d.get) out.push(`${name}#get ${k}`);
      if (d.set) out.push(`${name}#set ${k}`);
      if (typeof d.value === 'function') out.push(`${name}#${k}`);
    }
    out.push(`new ${name}`);
  }
  return out;
}

/** Whether the facade's table covers a raw export key made by rawExports. */
function covered(SPEC, key) {
  const m = /^(new )?(\w+)(?:([.#])(get |set )?(\w+))?$/.exec(key);
  if (!m) return false;
  const [, isNew, name, sep, acc, member] = m;
  if (!sep) return isNew ? name in SPEC.classes : name in SPEC.functions;
  const c = SPEC.classes[name];
  if (!c) return false;
  if (sep === '.') return member in (c.static || {});
  if (member === 'free') return true; // every class's free(): checked generically
  if (acc === 'get ') return (c.get || []).includes(member);
  if (acc === 'set ') return member in (c.set || {});
  return member in (c.methods || {});
}

function runWorker(workerData) {
  return new Promise((resolve) => {
    const w = new Worker(new URL('./fuzz.worker.mjs', import.meta.url), { workerData });
    const flags = new Int32Array(workerData.sab, 0, 2);
    const started = new Float64Array(workerData.sab, 8, 1);
    const desc = new Uint8Array(workerData.sab, 16);
    let last = null;
    let settled = false;
    const settle = (v) => {
      if (settled) return;
      settled = true;
      clearInterval(timer);
      resolve(v);
    };
    const timer = setInterval(() => {
      if (Atomics.load(flags, 0) === 1 && Date.now() - started[0] > CALL_MS) {
        const call = new TextDecoder().decode(desc.slice(0, flags[1]));
        w.terminate();
        settle({ last, slow: call });
      }
    }, 100);
    w.on('message', (m) => {
      last = m;
      if (m.type === 'done') settle({ last });
    });
    w.on('error', (e) => settle({ last, error: e }));
    w.on('exit', () => settle({ last, error: last?.type === 'done' ? undefined : new Error('the fuzz worker exited early') }));
  });
}

/** Adds the counts of one worker's snapshot into the run's totals. */
function merge(total, s) {
  if (!s) return;
  total.calls += s.calls;
  total.traps += s.traps;
  total.instances += s.instances;
  for (const [k, v] of Object.entries(s.stats)) {
    const t = (total.stats[k] ??= { calls: 0, ok: 0, errors: 0, traps: 0, ms: 0, msgs: {} });
    t.calls += v.calls;
    t.ok += v.ok;
    t.errors += v.errors;
    t.traps += v.traps;
    t.ms += v.ms || 0;
    for (const [m, n] of Object.entries(v.msgs)) t.msgs[m] = (t.msgs[m] || 0) + n;
  }
  for (const kind of ['trapCauses', 'nans', 'unchecked']) {
    for (const [k, v] of Object.entries(s[kind])) {
      const t = (total[kind][k] ??= { ...v, count: 0 });
      t.count += v.count;
    }
  }
  if (s.health) total.health = s.health;
}

/**
 * Exports that legitimately cannot succeed with generated input, each with the reason; the
 * assertion that every export has an accepted call skips them. Empty: every export has valid
 * calls (a recipe's, or the table's arguments). Keep it short: an entry here is a success path
 * the fuzzer never reaches.
 */
const NEVER_ACCEPTED = {};

/** Every key the worker counts calls under, made from the facade's table as fuzz.worker.mjs does. */
function specKeys(SPEC) {
  const keys = Object.keys(SPEC.functions);
  for (const [C, c] of Object.entries(SPEC.classes)) {
    keys.push(`new ${C}`, `${C}#free`);
    for (const m of Object.keys(c.static || {})) keys.push(`${C}.${m}`);
    for (const m of Object.keys(c.methods || {})) keys.push(`${C}#${m}`);
    for (const g of c.get || []) keys.push(`${C}#${g}`);
    for (const m of Object.keys(c.set || {})) keys.push(`${C}#${m}`); // a setter counts with its getter
  }
  return [...new Set(keys)].sort();
}
const neverAccepted = (SPEC, total) => specKeys(SPEC).filter((k) => !(total.stats[k]?.ok > 0) && !(k in NEVER_ACCEPTED));

function report(total, seconds, SPEC) {
  const lines = [];
  lines.push(`fuzz: seed ${SEED}, ${seconds.toFixed(1)} s, ${total.calls} calls, ${total.traps} traps, ${Object.keys(total.trapCauses).length} trap causes, ` +
    `${Object.keys(total.nans).length} NaN outputs, ${Object.keys(total.unchecked).length} unchecked errors, ${total.workers} workers, ${total.instances} instances`);
  lines.push('export                          calls     ok  errors  traps     ms  distinct errors (first few)');
  for (const [k, v] of Object.entries(total.stats).sort((a, b) => a[0].localeCompare(b[0]))) {
    const msgs = Object.entries(v.msgs).sort((a, b) => b[1] - a[1]);
    const first = msgs.slice(0, 3).map(([m, n]) => `${n}x ${m.slice(0, 70)}`).join(' | ');
    lines.push(`${k.padEnd(30)} ${String(v.calls).padStart(6)} ${String(v.ok).padStart(6)} ${String(v.errors).padStart(7)} ${String(v.traps).padStart(6)} ${String(Math.round(v.ms)).padStart(6)}  ${String(msgs.length).padStart(3)}: ${first}`);
  }
  const list = (title, o) => {
    const e = Object.entries(o);
    if (!e.length) return;
    lines.push(`${title} (${e.length}):`);
    for (const [k, v] of e.sort((a, b) => b[1].count - a[1].count)) {
      lines.push(`  ${v.count}x ${k}`);
      lines.push(`      repro: ${v.repro}`);
      if (v.message) lines.push(`      message: ${v.message.split('\n').slice(0, 2).join(' / ')}`);
    }
  };
  list('TRAP CAUSES', total.trapCauses);
  list('NaN FROM FINITE INPUTS', total.nans);
  list('UNCHECKED ERRORS (neither the facade nor a coded Rust error)', total.unchecked);
  if (total.health) lines.push(`after the run: ${total.health.ok ? 'ok' : 'BROKEN'}: ${total.health.notes.join('; ')}`);
  const none = neverAccepted(SPEC, total);
  const keys = specKeys(SPEC);
  const least = keys.filter((k) => !(k in NEVER_ACCEPTED)).map((k) => [k, total.stats[k]?.ok || 0]).sort((a, b) => a[1] - b[1]).slice(0, 5);
  lines.push(`accepted calls: ${keys.length - none.length - Object.keys(NEVER_ACCEPTED).length} of ${keys.length} exports have some (fewest: ${least.map(([k, n]) => `${k} ${n}`).join(', ')})` +
    `${none.length ? `; NONE ACCEPTED (${none.length}): ${none.join(', ')}` : ''}`);
  return lines.join('\n');
}

test('every raw export has an entry in the facade table (a new export cannot be forgotten)', { skip }, async () => {
  const raw = await import('../../www/pkg/dlplay.js');
  const { SPEC, makeApi } = await import('../../www/app/api.js');
  const missing = rawExports(raw).filter((k) => !covered(SPEC, k));
  assert.deepEqual(missing, [], `add these to SPEC in www/app/api.js: ${missing.join(', ')}`);
  assert.deepEqual(makeApi(raw).stale, [], 'SPEC entries the package no longer has');
});

test(`fuzz the checked API: >= ${MIN_CALLS} calls, 0 traps, every export accepted at least once`, { skip, timeout: (SECONDS + 120) * 1000 }, async () => {
  const { SPEC } = await import('../../www/app/api.js');
  const t0 = Date.now();
  const endAt = t0 + SECONDS * 1000;
  const hardEndAt = endAt + 25 * 1000;
  const total = { calls: 0, traps: 0, instances: 0, workers: 0, stats: {}, trapCauses: {}, nans: {}, unchecked: {}, health: null };
  const tame = [];
  for (let gen = 0; ; gen++) {
    const sab = new SharedArrayBuffer(16 + 4096);
    total.workers++;
    const r = await runWorker({ seed: SEED * 1000 + gen, endAt, hardEndAt, minCalls: Math.max(0, MIN_CALLS - total.calls), sab, tame, gen });
    merge(total, r.last);
    if (r.slow) {
      const [key, repro] = r.slow.split('\u0001');
      const cause = `${key}: a call ran longer than ${CALL_MS} ms (stopped)`;
      const c = (total.trapCauses[cause] ??= { count: 0, key, repro, message: `over ${CALL_MS} ms` });
      c.count++;
      total.traps++;
      total.calls++;
      tame.push(key);
      // go on: past the end, the next worker makes no calls and only checks the module after the run
      if (gen < 50) continue;
    } else if (r.error) {
      total.unchecked[`worker: ${r.error.message}`] = { count: 1, key: 'worker', repro: String(r.error.stack).slice(0, 500), message: r.error.message };
    }
    break;
  }
  const text = report(total, (Date.now() - t0) / 1000, SPEC);
  console.log(text);
  if (REPORT_ONLY) return;
  assert.ok(total.calls >= MIN_CALLS, `only ${total.calls} calls (at least ${MIN_CALLS} needed)`);
  assert.equal(Object.keys(total.trapCauses).length, 0, `${total.traps} traps, causes:\n${Object.entries(total.trapCauses).map(([k, v]) => `${k}\n    ${v.repro}`).join('\n')}`);
  assert.deepEqual(Object.keys(total.nans), [], 'NaN from moderate finite inputs');
  assert.deepEqual(Object.keys(total.unchecked), [], 'errors that are neither the facade\'s nor coded Rust errors');
  assert.ok(total.health?.ok, `the module after the run: ${total.health ? total.health.notes.join('; ') : 'not checked'}`);
  assert.deepEqual(neverAccepted(SPEC, total), [], 'exports whose every call was refused (their success path was never fuzzed): give them a recipe in fuzz.worker.mjs');
  assert.deepEqual(Object.keys(NEVER_ACCEPTED).filter((k) => !specKeys(SPEC).includes(k)), [], 'NEVER_ACCEPTED entries that are not exports');
});
