//! Interview drill (www/drill.html, issue 15): practice questions on the 25 topics with answers
//! computed by the engine (drill.gen.js), checked by drill.check.js, ordered by a small spaced
//! repetition kept in localStorage (drill.progress.js), and a timed mock interview of 10 mixed
//! questions. This module only renders and wires events. URL hash: `q` (generator) and `seed`
//! reproduce a question; `topics` (comma-separated ids, absent = all); `mode=mock` with `mock`
//! (the interview's seed) and `i` (its question, 0-based).
//! Keyboard: Enter checks, N (outside the answer box, or once answered) goes to the next question,
//! A-D pick a choice. Test hooks: `window.__drill` and `document.body.dataset.drillReady`.
import { initI18n, showError, t, withLang, currentLang } from '../app/i18n.js';
import { readState, writeState, onStateChange } from '../app/state.js';
import { ready } from '../app/wasm.js';
import { TOPICS } from '../app/topics.js';
import { GENERATORS, generate, generatorsOf } from './drill.gen.js';
import { check, answerText, fmt, letter } from './drill.check.js';
import {
  loadProgress, saveProgress, resetProgress, record, nextTopic, pickGenerator, nextSeed,
  mockPlan, mockScore, loadMock, saveMock, clearMock, MOCK_SIZE, MOCK_SECONDS,
} from './drill.progress.js';

const $ = (id) => document.getElementById(id);
const IDS = TOPICS.map((tp) => tp.id);
const GEN_IDS = new Set(GENERATORS.map((g) => g.id));
const topicOf = (gen) => GENERATORS.find((g) => g.id === gen)?.topic;
const store = (() => {
  try {
    return window.localStorage;
  } catch {
    return null;
  }
})();

let dl = null;
let progress = loadProgress(store, IDS);
let selected = [...IDS];
let mode = 'practice';
let q = null; // the question shown
let verdict = null; // {status, mistake} once answered (or shown)
let mock = null; // {seed, start, results, plan, i}
let timer = null;

const tx = (o) => (o && typeof o === 'object' ? o[currentLang()] ?? o.en : String(o ?? ''));
const topicTitle = (id) => t(`topic.${id}.title`);
const randomSeed = () => {
  const a = new Uint32Array(1);
  crypto.getRandomValues(a);
  return (a[0] % 999999) + 1;
};
const seedOf = (v) => {
  const n = Number(v);
  return Number.isInteger(n) && n >= 1 && n <= 999999 ? n : null;
};

// ---- state -----------------------------------------------------------------------------------

function readSelected(h) {
  if (!h.topics) return [...IDS];
  const list = h.topics.split(',').filter((id) => IDS.includes(id));
  return list.length ? [...new Set(list)] : [...IDS];
}

function topicsHash() {
  return selected.length === IDS.length ? null : selected.join(',');
}

/** A fresh practice question: the most overdue selected topic, one of its generators. */
function freshPractice(seed = randomSeed(), avoid = null) {
  const topic = nextTopic(progress, selected, seed, avoid) ?? IDS[0];
  return [pickGenerator(generatorsOf(topic), seed), seed];
}

function show(gen, seed) {
  try {
    q = generate(gen, seed, dl);
  } catch (err) {
    showError(err);
    return;
  }
  verdict = null;
  render();
}

function fromHash() {
  const h = readState();
  selected = readSelected(h);
  mode = h.mode === 'mock' ? 'mock' : 'practice';
  if (mode === 'mock') {
    const seed = seedOf(h.mock) ?? randomSeed();
    const saved = loadMock(store);
    const base = saved && saved.seed === seed ? saved : { seed, start: Date.now(), results: [] };
    mock = { ...base, plan: mockPlan(seed, GENERATORS, IDS) };
    saveMock(store, { seed: mock.seed, start: mock.start, results: mock.results });
    const i = Math.min(MOCK_SIZE, Math.max(0, Math.floor(Number(h.i)) || 0));
    mock.i = Math.max(i, Math.min(mock.results.length, MOCK_SIZE));
    writeState({ mode: 'mock', mock: seed, i: mock.i, q: null, seed: null });
    if (mock.i >= MOCK_SIZE || timeLeft() <= 0) return finishMock();
    const [gen, s] = mock.plan[mock.i];
    startTimer();
    return show(gen, s);
  }
  stopTimer();
  mock = null;
  let gen = GEN_IDS.has(h.q) ? h.q : null;
  let seed = seedOf(h.seed);
  if (!gen || !seed) [gen, seed] = freshPractice(seed ?? randomSeed());
  writeState({ q: gen, seed, topics: topicsHash(), mode: null, mock: null, i: null });
  show(gen, seed);
}

// ---- rendering -------------------------------------------------------------------------------

const HINT = { number: 'drill.hint_number', shape: 'drill.hint_shape', choice: 'drill.hint_choice', order: 'drill.hint_order' };

function render() {
  if (!q) return;
  document.body.dataset.q = q.id;
  document.body.dataset.qType = q.type;
  $('q-topic').textContent = `${IDS.indexOf(q.topic) + 1} · ${topicTitle(q.topic)}`;
  $('q-prompt').textContent = tx(q.prompt);
  const items = $('q-items');
  items.hidden = q.type !== 'order';
  items.replaceChildren(...(q.items || []).map((it, i) => {
    const li = document.createElement('li');
    const b = document.createElement('b');
    b.textContent = `${letter(i)}. `;
    li.append(b, tx(it));
    return li;
  }));
  const choices = $('q-choices');
  choices.hidden = q.type !== 'choice';
  choices.replaceChildren(...(q.choices || []).map((c, i) => {
    const b = document.createElement('button');
    b.type = 'button';
    b.className = 'drill-choice';
    b.dataset.choice = String(i);
    const k = document.createElement('b');
    k.textContent = letter(i);
    const s = document.createElement('span');
    s.textContent = tx(c.text);
    b.append(k, s);
    b.addEventListener('click', () => answer(i));
    return b;
  }));
  $('q-form').hidden = q.type === 'choice';
  $('q-hint').textContent = t(HINT[q.type]) + (q.type === 'number' ? ` ${tolText()}` : '');
  $('q-share').href = withLang(`drill.html#q=${encodeURIComponent(q.id)}&seed=${q.seed}`);
  renderVerdict();
  renderMockBar();
  renderProgress();
}

function tolText() {
  const a = q.tol?.abs ?? 0;
  const r = q.tol?.rel ?? 0;
  if (a === 0 && r <= 1e-6) return t('drill.tol_exact');
  const abs = Math.max(a, r * Math.abs(q.answer));
  return t('drill.tol', { tol: fmt(abs, 2) });
}

function renderVerdict() {
  const box = $('q-verdict');
  const sol = $('q-solution');
  const input = $('q-answer');
  const done = verdict && verdict.status !== 'unreadable';
  input.disabled = !!done;
  $('q-submit').disabled = !!done;
  $('q-show').disabled = !!done;
  for (const b of $('q-choices').querySelectorAll('button')) {
    b.disabled = !!done;
    const i = Number(b.dataset.choice);
    b.classList.toggle('is-right', !!done && i === q.answer);
    b.classList.toggle('is-wrong', !!done && verdict.value === i && i !== q.answer);
  }
  if (!verdict) {
    box.hidden = true;
    sol.hidden = true;
    document.body.dataset.verdict = '';
    return;
  }
  box.hidden = false;
  document.body.dataset.verdict = verdict.status;
  box.className = `drill-verdict verdict-${verdict.status}`;
  const parts = [];
  const p = (text, cls) => {
    const el = document.createElement('p');
    if (cls) el.className = cls;
    el.textContent = text;
    parts.push(el);
  };
  if (verdict.status === 'unreadable') {
    p(t(`drill.unreadable_${q.type}`));
  } else {
    p(t(verdict.status === 'right' ? 'drill.right' : verdict.status === 'shown' ? 'drill.shown' : 'drill.wrong'), 'drill-verdict-head');
    if (verdict.status !== 'right') p(t('drill.answer_was', { answer: answerText(q) }), 'mono');
    if (verdict.mistake) {
      const el = document.createElement('p');
      el.className = 'drill-mistake';
      el.id = 'q-mistake';
      const b = document.createElement('strong');
      b.textContent = `${q.type === 'choice' ? t('drill.why_not', { letter: letter(verdict.value) }) : t('drill.mistake')} `;
      el.append(b, tx(verdict.mistake.why));
      parts.push(el);
    }
  }
  box.replaceChildren(...parts);
  sol.hidden = !done;
  if (done) {
    $('q-steps').hidden = q.type === 'choice'; // a choice's explanation is its options' reasons
    $('q-steps').replaceChildren(...q.solution.map((s) => {
      const li = document.createElement('li');
      li.textContent = tx(s);
      return li;
    }));
    const whys = $('q-whys');
    whys.hidden = q.type !== 'choice';
    whys.replaceChildren(...(q.choices || []).map((c, i) => {
      const li = document.createElement('li');
      li.className = i === q.answer ? 'why-right' : 'why-wrong';
      const b = document.createElement('b');
      b.textContent = `${letter(i)}: `;
      li.append(b, tx(c.why));
      return li;
    }));
    const lab = $('q-lab');
    lab.hidden = !q.lab;
    if (q.lab) lab.href = withLang(q.lab);
  }
}

function renderMockBar() {
  const bar = $('mock-bar');
  bar.hidden = !mock;
  $('mode-practice').setAttribute('aria-pressed', String(mode === 'practice'));
  $('mode-mock').setAttribute('aria-pressed', String(mode === 'mock'));
  if (!mock) return;
  $('mock-pos').textContent = t('drill.mock_pos', { i: Math.min(mock.i + 1, MOCK_SIZE), n: MOCK_SIZE });
  const right = mock.results.filter((r) => r === 'right').length;
  $('mock-score').textContent = t('drill.mock_score_now', { right });
  renderClock();
}

function renderClock() {
  if (!mock) return;
  const s = Math.max(0, Math.ceil(timeLeft()));
  $('mock-time').textContent = `${Math.floor(s / 60)}:${String(s % 60).padStart(2, '0')}`;
}

function renderProgress() {
  const tbody = $('progress-table').tBodies[0];
  const rows = IDS.filter((id) => progress.topics[id]).map((id) => {
    const tp = progress.topics[id];
    const tr = document.createElement('tr');
    const name = document.createElement('td');
    const a = document.createElement('a');
    a.href = withLang(`drill.html#topics=${id}`);
    a.textContent = topicTitle(id);
    name.append(a);
    const due = tp.due - progress.clock;
    tr.append(name, ...[tp.right, tp.wrong, due <= 0 ? t('drill.due_now') : t('drill.due_in', { n: due })].map((v) => {
      const td = document.createElement('td');
      td.className = 'num';
      td.textContent = String(v);
      return td;
    }));
    tr.dataset.topic = id;
    return tr;
  });
  if (!rows.length) {
    const tr = document.createElement('tr');
    const td = document.createElement('td');
    td.colSpan = 4;
    td.className = 'muted';
    td.textContent = t('drill.progress_empty');
    tr.append(td);
    rows.push(tr);
  }
  tbody.replaceChildren(...rows);
}

function renderTopics() {
  const list = $('topic-list');
  list.replaceChildren(...IDS.map((id, i) => {
    const li = document.createElement('li');
    const label = document.createElement('label');
    const cb = document.createElement('input');
    cb.type = 'checkbox';
    cb.value = id;
    cb.checked = selected.includes(id);
    cb.addEventListener('change', () => {
      const on = [...list.querySelectorAll('input:checked')].map((x) => x.value);
      setTopics(on.length ? on : [id]);
    });
    label.append(cb, ` ${i + 1}. ${topicTitle(id)}`);
    li.append(label);
    return li;
  }));
  $('topics-summary').textContent = selected.length === IDS.length
    ? t('drill.topics_all', { n: IDS.length })
    : selected.length === 1 ? topicTitle(selected[0]) : t('drill.topics_some', { n: selected.length, total: IDS.length });
}

function setTopics(list) {
  selected = list;
  renderTopics();
  if (mode !== 'practice') return;
  if (!selected.includes(q?.topic)) {
    const [gen, seed] = freshPractice();
    writeState({ q: gen, seed, topics: topicsHash() });
    show(gen, seed);
  } else {
    writeState({ topics: topicsHash() });
  }
}

// ---- answering --------------------------------------------------------------------------------

function answer(input) {
  if (!q || (verdict && verdict.status !== 'unreadable')) return;
  const v = check(q, input);
  verdict = v;
  if (v.status !== 'unreadable') commit(v.status === 'right');
  renderVerdict();
  renderMockBar();
  renderProgress();
  if (v.status !== 'unreadable') $('q-next').focus();
}

function commit(right) {
  progress = record(progress, q.topic, right);
  saveProgress(store, progress);
  if (mock && mock.i < MOCK_SIZE) {
    mock.results[mock.i] = right ? 'right' : 'wrong';
    saveMock(store, { seed: mock.seed, start: mock.start, results: mock.results });
  }
}

function reveal() {
  if (!q || (verdict && verdict.status !== 'unreadable')) return;
  verdict = { status: 'shown', value: null, mistake: null };
  commit(false);
  renderVerdict();
  renderMockBar();
  renderProgress();
  $('q-next').focus();
}

function next() {
  if (mode === 'mock' && mock) {
    if (!verdict || verdict.status === 'unreadable') {
      mock.results[mock.i] = 'skipped';
      saveMock(store, { seed: mock.seed, start: mock.start, results: mock.results });
    }
    mock.i += 1;
    writeState({ i: mock.i }, { push: true });
    if (mock.i >= MOCK_SIZE) return finishMock();
    const [gen, s] = mock.plan[mock.i];
    show(gen, s);
  } else {
    const [gen, seed] = freshPractice(q ? nextSeed(q.seed) : randomSeed(), q?.topic);
    writeState({ q: gen, seed }, { push: true });
    show(gen, seed);
  }
  $('q-answer').value = '';
  if (!$('q-form').hidden) $('q-answer').focus({ preventScroll: true });
}

// ---- mock interview ---------------------------------------------------------------------------

const timeLeft = () => (mock ? MOCK_SECONDS - (Date.now() - mock.start) / 1000 : 0);

function startTimer() {
  stopTimer();
  timer = setInterval(() => {
    renderClock();
    if (mock && timeLeft() <= 0) finishMock();
  }, 1000);
}
function stopTimer() {
  if (timer) clearInterval(timer);
  timer = null;
}

function startMock() {
  const seed = randomSeed();
  clearMock(store);
  writeState({ mode: 'mock', mock: seed, i: 0, q: null, seed: null }, { push: true });
  fromHash();
}

function finishMock() {
  stopTimer();
  for (let i = 0; i < MOCK_SIZE; i++) mock.results[i] ??= 'skipped';
  saveMock(store, { seed: mock.seed, start: mock.start, results: mock.results });
  const sc = mockScore(mock.plan, mock.results, topicOf);
  const secs = Math.min(MOCK_SECONDS, Math.round((Date.now() - mock.start) / 1000));
  $('card').hidden = true;
  $('mock-result').hidden = false;
  document.body.dataset.mockDone = '1';
  $('mock-final').textContent = t('drill.mock_final', { right: sc.right, total: sc.total });
  $('mock-elapsed').textContent = t('drill.mock_elapsed', { m: Math.floor(secs / 60), s: String(secs % 60).padStart(2, '0') });
  const ul = $('mock-review');
  ul.replaceChildren(...(sc.review.length ? sc.review : [null]).map((id) => {
    const li = document.createElement('li');
    if (!id) {
      li.textContent = t('drill.mock_none');
      return li;
    }
    const a = document.createElement('a');
    a.href = withLang(`drill.html#topics=${id}`);
    a.textContent = topicTitle(id);
    a.dataset.topic = id;
    li.append(a);
    return li;
  }));
  renderMockBar();
  renderProgress();
}

function toPractice() {
  stopTimer();
  mock = null;
  $('card').hidden = false;
  $('mock-result').hidden = true;
  delete document.body.dataset.mockDone;
  writeState({ mode: null, mock: null, i: null }, { push: true });
  fromHash();
}

// ---- wiring -----------------------------------------------------------------------------------

function wire() {
  $('q-form').addEventListener('submit', (e) => {
    e.preventDefault();
    answer($('q-answer').value);
  });
  $('q-show').addEventListener('click', reveal);
  $('q-next').addEventListener('click', next);
  $('mode-practice').addEventListener('click', () => mode !== 'practice' && toPractice());
  $('mode-mock').addEventListener('click', () => mode !== 'mock' && startMock());
  $('mock-again').addEventListener('click', startMock);
  $('mock-practice').addEventListener('click', toPractice);
  $('topics-all').addEventListener('click', () => setTopics([...IDS]));
  $('topics-none').addEventListener('click', () => setTopics([q?.topic ?? IDS[0]]));
  $('reset').addEventListener('click', () => {
    progress = resetProgress(store);
    $('reset-out').textContent = t('drill.reset_done');
    renderProgress();
  });
  document.addEventListener('keydown', (e) => {
    if (e.ctrlKey || e.metaKey || e.altKey) return;
    const typing = e.target instanceof HTMLInputElement && e.target.type === 'text' && !e.target.disabled;
    const answered = verdict && verdict.status !== 'unreadable';
    if ((e.key === 'n' || e.key === 'N') && (!typing || answered) && !$('card').hidden) {
      e.preventDefault();
      next();
    } else if (!typing && q?.type === 'choice' && !answered && /^[a-hA-H]$/.test(e.key)) {
      const i = e.key.toUpperCase().charCodeAt(0) - 65;
      if (i < q.choices.length) answer(i);
    }
  });
  onStateChange(() => {
    $('card').hidden = false;
    $('mock-result').hidden = true;
    delete document.body.dataset.mockDone;
    $('q-answer').value = '';
    fromHash();
    renderTopics();
  });
  document.addEventListener('langchange', () => {
    renderTopics();
    render();
    if (mock && mock.i >= MOCK_SIZE) finishMock();
  });
}

async function main() {
  await initI18n();
  dl = await ready();
  wire();
  fromHash();
  renderTopics();
  document.body.dataset.drillReady = '1';
  window.__drill = {
    get question() {
      return q;
    },
    answerText: () => (q ? answerText(q) : null),
    get progress() {
      return progress;
    },
    get mock() {
      return mock && { seed: mock.seed, i: mock.i, results: [...mock.results], plan: mock.plan };
    },
  };
}

main().catch((err) => showError(err));
