//! Self-test: run every case of every golden file (www/golden/, listed in its index.json; the
//! build copies tests/golden/ and tests/golden_engine/ there) through the wasm build: a kernel
//! file through GoldenSuite, an engine file (GoldenEngineSuite.isEngineFile) through
//! GoldenEngineSuite, a few milliseconds at a time so the progress bar moves, then show the
//! summary, a per-op table grouped by file, any failures and any op whose kernel is not
//! implemented yet (counted apart, never as passed). The outcome is also published on
//! `window.__selftest` and `document.body.dataset.selftest` ('done' | 'error') for the e2e tests.
import { ready, loadedBuild } from '../app/wasm.js';
import { codedError } from '../app/errors.js';
import { initI18n, t, withLang, showError, describeError } from '../app/i18n.js';

const GOLDEN = new URL('../golden/', import.meta.url);
const SLICE_MS = 12; // run cases for about this long between two paints

const $ = (id) => document.getElementById(id);
const st = {
  phase: 'start', // start | wasm | golden | running | done | error
  done: 0,
  total: 0,
  passed: 0,
  failed: 0,
  notImpl: 0, // engine cases whose op has no kernel yet: neither passed nor failed
  ops: new Map(), // op -> {file, cases, passed, failed, notImpl, worst, tolMin, tolMax, modes:Set}
  failures: [], // {id, op, message, max_err, tol, tol_mode}
  files: [], // {name, kind: 'kernel' | 'engine', seed, count, len, versions, passed, failed, notImpl}
  notes: [],
  elapsedMs: null,
  error: null,
  build: null, // loadedBuild(): {kind: 'relaxed' | 'simd128', wasm, fallback}
};

const yieldToBrowser = () =>
  globalThis.scheduler?.yield ? globalThis.scheduler.yield() : new Promise((r) => setTimeout(r, 0));

/** Small numbers in exponent form, the rest with 3 significant digits; NaN stays visible. */
function fmt(x) {
  if (typeof x !== 'number') return String(x);
  if (Number.isNaN(x)) return 'NaN';
  if (x === 0) return '0';
  const a = Math.abs(x);
  if (a >= 1e-2 && a < 1e6) return String(Number(x.toPrecision(3)));
  // 9.00e-6 -> 9e-6, 1.50e-4 -> 1.5e-4
  return x.toExponential(2).replace(/\.?0+e/, 'e').replace('e+', 'e');
}

/**
 * serde-wasm-bindgen turns JSON maps (e.g. a header held as serde_json::Value) into JS Maps unless
 * the Rust side uses its json_compatible serializer; accept both shapes.
 */
function plain(x) {
  if (x instanceof Map) return Object.fromEntries([...x].map(([k, v]) => [k, plain(v)]));
  if (Array.isArray(x)) return x.map(plain);
  if (typeof x === 'bigint') return Number(x);
  if (x && typeof x === 'object') return Object.fromEntries(Object.entries(x).map(([k, v]) => [k, plain(v)]));
  return x;
}

async function fetchOk(url) {
  let res;
  try {
    res = await fetch(url, { cache: 'no-cache' });
  } catch (err) {
    throw codedError('golden_missing', { url: url.pathname, status: err.message });
  }
  if (!res.ok) throw codedError('golden_missing', { url: url.pathname, status: `HTTP ${res.status}` });
  return res;
}

/** Load golden/index.json and every file it names into a GoldenSuite or a GoldenEngineSuite. */
async function loadSuites({ GoldenSuite, GoldenEngineSuite }) {
  const index = await (await fetchOk(new URL('index.json', GOLDEN))).json().catch((err) => {
    throw codedError('golden_bad', { name: 'golden/index.json', detail: err.message });
  });
  if (!Array.isArray(index) || !index.every((n) => typeof n === 'string')) {
    throw codedError('golden_bad', { name: 'golden/index.json', detail: 'expected a JSON array of file names' });
  }
  if (index.length === 0) throw codedError('no_files', {});
  const suites = [];
  for (const name of index) {
    const text = await (await fetchOk(new URL(name, GOLDEN))).text();
    let suite;
    const kind = GoldenEngineSuite.isEngineFile(text) ? 'engine' : 'kernel';
    try {
      suite = kind === 'engine' ? new GoldenEngineSuite(text) : new GoldenSuite(text);
    } catch (err) {
      throw codedError('golden_bad', { name, detail: err.message || String(err) });
    }
    // ids and ops on the JS side too, so a case that throws can still be named
    let cases = [];
    try {
      cases = JSON.parse(text).cases.map((c) => ({ id: c.id, op: c.op }));
    } catch {
      // GoldenSuite accepted it; naming falls back to the index
    }
    const header = plain(suite.header());
    const len = Number(suite.len());
    const file = { name, kind, seed: header.seed, count: header.count, len, versions: header.versions || {}, passed: 0, failed: 0, notImpl: 0 };
    st.files.push(file);
    if (header.count !== len) st.notes.push({ name, expected: header.count, actual: len });
    suites.push({ file, suite, len, cases });
    st.total += len;
  }
  return suites;
}

function record(r, file) {
  let o = st.ops.get(r.op);
  if (!o) {
    o = { file: file.name, cases: 0, passed: 0, failed: 0, notImpl: 0, worst: 0, tolMin: Infinity, tolMax: -Infinity, modes: new Set() };
    st.ops.set(r.op, o);
  }
  o.cases++;
  if (r.notImplemented === true) {
    // no kernel for this op yet: listed apart, never as passed (nor as a failure of a kernel)
    o.notImpl++;
    file.notImpl++;
    st.notImpl++;
    return;
  }
  const err = Number(r.max_err);
  if (Number.isNaN(err)) o.worst = NaN; // a NaN result stays visible as the worst
  else if (err > o.worst) o.worst = err;
  const tol = Number(r.tol);
  if (Number.isFinite(tol)) {
    o.tolMin = Math.min(o.tolMin, tol);
    o.tolMax = Math.max(o.tolMax, tol);
  }
  if (r.tol_mode) o.modes.add(r.tol_mode);
  if (r.passed === true) {
    o.passed++;
    file.passed++;
    st.passed++;
  } else {
    o.failed++;
    file.failed++;
    st.failed++;
    st.failures.push(r);
  }
}

async function runAll(suites) {
  const t0 = performance.now();
  for (const { file, suite, len, cases } of suites) {
    const { name } = file;
    try {
      let i = 0;
      while (i < len) {
        const slice = performance.now() + SLICE_MS;
        do {
          let r;
          try {
            r = plain(suite.run(i));
          } catch (err) {
            const c = cases[i] || { id: `${name}#${i}`, op: '?' };
            r = { id: c.id, op: c.op, passed: false, max_err: NaN, tol: NaN, tol_mode: '', thrown: err.message || String(err) };
          }
          record(r, file);
          i++;
          st.done++;
        } while (i < len && performance.now() < slice);
        renderProgress();
        await yieldToBrowser();
      }
    } finally {
      suite.free();
    }
  }
  st.elapsedMs = Math.round(performance.now() - t0);
}

function renderProgress() {
  const p = $('progress');
  p.max = Math.max(1, st.total);
  p.value = st.done;
  const key = { start: null, wasm: 'selftest.loading_wasm', golden: 'selftest.loading_golden' }[st.phase];
  $('progress-text').textContent = key
    ? t(key)
    : st.phase === 'error'
      ? ''
      : t('selftest.running', { done: st.done, total: st.total });
  if (st.phase === 'done') $('progress-text').textContent = `${st.done} / ${st.total}`;
}

/**
 * Which of the two wasm builds ran the cases (README, "Two wasm builds"): the relaxed-SIMD one
 * rounds its multiply-adds once where the CPU fuses them, so its numbers may differ from the
 * SIMD128 build's in the last bits; both are held to the same tolerances.
 */
function renderBuild() {
  const el = $('build');
  const b = st.build;
  el.hidden = !b;
  if (!b) return;
  el.dataset.build = b.kind;
  el.textContent = b.kind === 'relaxed'
    ? t('selftest.build_relaxed')
    : b.fallback
      ? t('selftest.build_fallback', { reason: b.fallback })
      : t('selftest.build_simd128');
}

function tolText(o) {
  if (!Number.isFinite(o.tolMin)) return '—';
  const range = o.tolMin === o.tolMax ? fmt(o.tolMin) : `${fmt(o.tolMin)} – ${fmt(o.tolMax)}`;
  return `${range} (${[...o.modes].join(', ')})`;
}

/**
 * The summary line, in the runners' words (`cargo test` prints the same): with more than one file
 * the passed count is spelled out per file, e.g. `golden: 318 + 194 = 512 passed, 0 failed, 0 not
 * implemented yet`.
 */
function summaryLine(files, passed, failed, notImpl) {
  const sum = files.length > 1 ? `${files.map((f) => f.passed).join(' + ')} = ` : '';
  return `golden: ${sum}${passed} passed, ${failed} failed, ${notImpl} not implemented yet`;
}

function groupRow(f) {
  const tr = document.createElement('tr');
  tr.className = 'group';
  const th = document.createElement('th');
  th.scope = 'rowgroup';
  th.colSpan = 6;
  th.textContent = t(`selftest.group.${f.kind}`, { name: f.name, passed: f.passed, count: f.len });
  tr.append(th);
  return tr;
}

function renderResults() {
  const ok = st.failed === 0;
  const summary = $('summary');
  summary.hidden = false;
  summary.textContent = summaryLine(st.files, st.passed, st.failed, st.notImpl);
  summary.className = `summary ${ok ? 'ok' : 'bad'}`;
  const verdict = $('verdict');
  verdict.hidden = false;
  verdict.className = `verdict ${ok ? 'ok' : 'bad'}`;
  verdict.textContent = !ok
    ? t('selftest.some_failed', { failed: st.failed })
    : st.notImpl
      ? t('selftest.all_implemented_passed', { count: st.notImpl })
      : t('selftest.all_passed');
  $('elapsed').textContent = t('selftest.finished', { ms: st.elapsedMs });

  const rows = [];
  for (const f of st.files) {
    if (st.files.length > 1) rows.push(groupRow(f));
    for (const [op, o] of st.ops) if (o.file === f.name) rows.push(opRow(op, o));
  }
  $('ops-table').tBodies[0].replaceChildren(...rows);
  $('ops-panel').hidden = false;
  renderNotImplemented();
  renderFailures();
}

function opRow(op, o) {
  const tr = document.createElement('tr');
  tr.dataset.op = op;
  if (o.failed) tr.className = 'failed';
  else if (o.notImpl) tr.className = 'not-impl';
  const cells = [
    [op, 'op'],
    [o.cases, 'num'],
    [o.passed, 'num'],
    [o.failed, 'num'],
    [o.notImpl && !o.passed && !o.failed ? t('selftest.not_implemented_short') : fmt(o.worst), 'num'],
    [tolText(o), ''],
  ];
  for (const [text, cls] of cells) {
    const td = document.createElement('td');
    // let long op names break after '_' on narrow screens
    String(text).split(/(?<=_)/).forEach((part, k) => {
      if (k) td.append(document.createElement('wbr'));
      td.append(part);
    });
    if (cls) td.className = cls;
    tr.append(td);
  }
  const modes = [...o.modes].filter((m) => m === 'mixed' || m === 'abs');
  if (modes.length) tr.lastChild.title = modes.map((m) => t(`selftest.tol.${m}`)).join('\n');
  return tr;
}

/** Ops waiting for a kernel, with their case counts: apart from the failures, never as passed. */
function renderNotImplemented() {
  const items = [...st.ops].filter(([, o]) => o.notImpl).map(([op, o]) => {
    const li = document.createElement('li');
    const code = document.createElement('code');
    code.textContent = op;
    li.append(code, ` ${t('selftest.not_implemented_line', { count: o.notImpl, name: o.file })}`);
    return li;
  });
  $('notimpl').replaceChildren(...items);
  $('notimpl-panel').hidden = items.length === 0;
}

function renderFailures() {
  const items = st.failures.map((f) => {
    const li = document.createElement('li');
    const code = document.createElement('code');
    code.textContent = f.id;
    const detail = f.thrown
      ? t('selftest.run_threw', { detail: f.thrown })
      : `${f.message || ''}${f.message ? '; ' : ''}max_err ${fmt(Number(f.max_err))}, tol ${fmt(Number(f.tol))} (${f.tol_mode})`;
    li.append(code, ` (${f.op}): ${detail}`);
    return li;
  });
  if (!items.length) {
    const li = document.createElement('li');
    li.textContent = t('selftest.no_failures');
    items.push(li);
  }
  $('failures').replaceChildren(...items);
  $('failures-panel').hidden = st.failed === 0;
}

function renderFiles() {
  const items = st.files.map((f) => {
    const li = document.createElement('li');
    const versions = Object.entries(f.versions).map(([k, v]) => `${k} ${v}`).join(', ');
    li.textContent = t(`selftest.file_line.${f.kind}`, { name: f.name, seed: f.seed, count: f.count, versions });
    return li;
  });
  for (const n of st.notes) {
    const li = document.createElement('li');
    li.className = 'error-text';
    li.textContent = t('selftest.count_mismatch', n);
    items.push(li);
  }
  $('files').replaceChildren(...items);
  $('files-panel').hidden = items.length === 0;
}

function render() {
  for (const a of document.querySelectorAll('a[data-keep-lang]')) {
    a.href = withLang(a.getAttribute('href').split('#')[0]);
  }
  renderProgress();
  renderBuild();
  renderFiles();
  if (st.phase === 'done') renderResults();
  if (st.phase === 'error') {
    $('progress-panel').hidden = true;
    showError(st.error);
  }
}

function publish() {
  const ops = {};
  for (const [op, o] of st.ops) {
    ops[op] = {
      cases: o.cases,
      passed: o.passed,
      failed: o.failed,
      worst_max_err: o.worst,
      tol_min: o.tolMin,
      tol_max: o.tolMax,
      tol_modes: [...o.modes],
      not_implemented: o.notImpl,
      file: o.file,
    };
  }
  window.__selftest = {
    done: true,
    build: st.build ? st.build.kind : null,
    passed: st.passed,
    failed: st.failed,
    not_implemented: st.notImpl,
    not_implemented_ops: [...st.ops].filter(([, o]) => o.notImpl).map(([op]) => op),
    total: st.total,
    summary: summaryLine(st.files, st.passed, st.failed, st.notImpl),
    elapsed_ms: st.elapsedMs,
    ops,
    failures: st.failures.map((f) => ({ id: f.id, op: f.op, message: f.thrown || f.message, max_err: f.max_err, tol: f.tol })),
    files: st.files.map(({ name, kind, seed, count, len, passed, failed, notImpl }) => ({
      name,
      kind,
      seed,
      count,
      len,
      passed,
      failed,
      not_implemented: notImpl,
    })),
  };
  document.body.dataset.selftest = 'done';
}

async function main() {
  document.addEventListener('langchange', render);
  await initI18n();
  st.phase = 'wasm';
  renderProgress();
  const wasm = await ready();
  st.build = loadedBuild();
  renderBuild();
  for (const name of ['GoldenSuite', 'GoldenEngineSuite']) {
    if (typeof wasm[name] !== 'function') {
      throw codedError('wasm_load', { detail: `the build has no ${name} export; rebuild pkg/` });
    }
  }
  st.phase = 'golden';
  renderProgress();
  const suites = await loadSuites(wasm);
  st.phase = 'running';
  renderFiles();
  await runAll(suites);
  st.phase = 'done';
  render();
  publish();
}

main().catch((err) => {
  st.phase = 'error';
  st.error = err;
  // keep the error readable even if i18n itself failed to load
  const message = describeError(err);
  console.error(`self-test: ${message}`);
  window.__selftest = { done: false, error: message, passed: st.passed, failed: st.failed, not_implemented: st.notImpl, total: st.total };
  try {
    render();
  } catch {
    showError(err);
  }
  document.body.dataset.selftest = 'error';
});
