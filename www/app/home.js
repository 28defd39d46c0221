//! Home page: the cheat-sheet's topics in order, each linking to its topic view (app/topicview.js:
//! the lab with the topic's preset, its question and answer) once the lab exists. `at=<id>` in
//! the hash (a topic view's "All topics" link) brings that topic's card into view and focuses it.
import { TOPICS, topicHref } from './topics.js';
import { initI18n, t, withLang, showError } from './i18n.js';
import { readState, writeState } from './state.js';

const list = document.getElementById('topics');
const compactBtn = document.getElementById('home-compact');
const labsBtn = document.getElementById('home-labs-only');

/** The list's view, from the hash: compact=1 (titles only, one line each), labs=1 (only topics
 * with a lab). A phone shows all 25 described topics in ~6,000 px; compact fits a few screens. */
function applyView() {
  const h = readState();
  const compact = h.compact === '1';
  const labsOnly = h.labs === '1';
  list.classList.toggle('compact', compact);
  list.classList.toggle('labs-only', labsOnly);
  compactBtn.setAttribute('aria-pressed', String(compact));
  labsBtn.setAttribute('aria-pressed', String(labsOnly));
}

function toggle(key) {
  const on = readState()[key] === '1';
  writeState({ [key]: on ? null : '1' });
  applyView();
}
compactBtn.addEventListener('click', () => toggle('compact'));
labsBtn.addEventListener('click', () => toggle('labs'));
addEventListener('hashchange', applyView);
applyView();

function render() {
  const items = TOPICS.map((topic, i) => {
    const li = document.createElement('li');
    li.className = 'topic';
    li.dataset.topic = topic.id;
    const num = document.createElement('span');
    num.className = 'topic-num';
    num.textContent = String(i + 1);
    num.setAttribute('aria-hidden', 'true');
    const h = document.createElement('h3');
    if (topic.lab) {
      const a = document.createElement('a');
      a.href = withLang(topicHref(topic));
      a.textContent = t(`topic.${topic.id}.title`);
      h.append(a);
    } else {
      h.textContent = t(`topic.${topic.id}.title`);
    }
    const p = document.createElement('p');
    p.textContent = t(`topic.${topic.id}.desc`);
    const status = document.createElement('span');
    status.className = topic.lab ? 'badge badge-ready' : 'badge';
    status.textContent = t(topic.lab ? 'home.lab_open' : 'home.lab_pending');
    if (topic.lab) li.classList.add('has-lab');
    li.append(num, h, p, status);
    for (const x of topic.also ?? []) {
      const a = document.createElement('a');
      a.className = 'topic-also';
      a.href = withLang(x.href);
      a.textContent = t(x.label);
      li.append(' ', a);
    }
    const practice = document.createElement('a');
    practice.className = 'topic-practice';
    practice.href = withLang(`drill.html#topics=${encodeURIComponent(topic.id)}`);
    practice.textContent = t('drill.practice');
    practice.setAttribute('aria-label', `${t('drill.practice')}: ${t(`topic.${topic.id}.title`)}`);
    li.append(practice);
    return li;
  });
  list.replaceChildren(...items);
  const ready = TOPICS.filter((x) => x.lab).length;
  document.getElementById('labs-ready').textContent = t('home.labs_ready', { ready, total: TOPICS.length });
  for (const a of document.querySelectorAll('a[data-keep-lang]')) {
    a.href = withLang(a.getAttribute('href').split('#')[0]);
  }
  showAt();
}

/** Bring the card named by `at=` into view (once per id), mark it and focus its link. */
let shownAt = null;
function showAt() {
  const id = readState().at;
  for (const li of list.querySelectorAll('.topic-here')) li.classList.remove('topic-here');
  const li = id ? [...list.children].find((x) => x.dataset.topic === id) : null;
  if (!li) return;
  li.classList.add('topic-here');
  if (shownAt === id) return;
  shownAt = id;
  li.scrollIntoView({ block: 'center' });
  li.querySelector('a')?.focus({ preventScroll: true });
}
addEventListener('hashchange', showAt);

document.addEventListener('langchange', render);
initI18n().catch((err) => showError(err));
