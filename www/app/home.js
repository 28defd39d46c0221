//! Home page: the cheat-sheet's topics in order, each linking to its lab once the lab exists.
import { TOPICS } from './topics.js';
import { initI18n, t, withLang, showError } from './i18n.js';

const list = document.getElementById('topics');

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
      a.href = withLang(topic.lab);
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
    return li;
  });
  list.replaceChildren(...items);
  const ready = TOPICS.filter((x) => x.lab).length;
  document.getElementById('labs-ready').textContent = t('home.labs_ready', { ready, total: TOPICS.length });
  for (const a of document.querySelectorAll('a[data-keep-lang]')) {
    a.href = withLang(a.getAttribute('href').split('#')[0]);
  }
}

document.addEventListener('langchange', render);
initI18n().catch((err) => showError(err));
