//! Topic views: a lab page opened with `topic=<id>` in its hash (the home page's links) starts at
//! the answer. A short header (the cheat-sheet question, its answer, two or three "try this"
//! steps, a breadcrumb to the topic list and to the previous/next topic with a lab) is put just
//! before the lab's block that holds the topic's panel; that panel (the element marked
//! `data-topic-panel="<name>"` in the page) is highlighted and scrolled into view with the header.
//! The rest of the lab stays where it is, above and below.
//!
//! Everything topic-specific is data: app/topics.js (`view`: panel, steps) and i18n
//! (`topic.<id>.q|a|tryN|lookN`). A step merges its `set` into the hash and assigns it, so the lab
//! follows as it follows any edited link (every lab reloads its state on `hashchange`), and Back
//! undoes it. The lab's own keys keep working: this module only reads `topic`.
//! Loaded by each lab page with its own <script type="module">; no lab module imports it.
import { TOPICS, topicHref, topicPage, neighbours, topicNumber } from './topics.js';
import { t, has, withLang } from './i18n.js';
import { readState, formatHash } from './state.js';

const PAGE = (typeof location === 'undefined' ? '' : location.pathname.split('/').pop()) || 'index.html';

/** The topic a hash asks for, when it has a view on this page (else null). */
export function topicFor(state, page = PAGE) {
  const tp = TOPICS.find((x) => x.id === state.topic);
  return tp && tp.view && topicPage(tp) === page ? tp : null;
}

/** The hash a step leads to: the current keys with the step's `set` merged in (null removes). */
export function stepHash(state, set) {
  const next = { ...state };
  for (const [k, v] of Object.entries(set)) {
    if (v === null || v === undefined) delete next[k];
    else next[k] = String(v);
  }
  return formatHash(next);
}

/**
 * Whether the lab has started (its first state drawn): the steps stay disabled until then, since
 * a lab may not follow a hash change before its wasm and first picture are loaded. Each lab marks
 * its body when it is ready (the same hooks its tests wait for).
 */
export function labReady(ds) {
  return ds.convReady === '1' || ['paused', 'playing'].includes(ds.trainState) || ds.optimReady === '1'
    || ds.activReady === '1' || ds.normReady === '1' || ds.lab === 'idle'
    || ds.lossesReady === '1' || ds.evalReady === '1' || ds.archReady === '1';
}
let ready = false;
function watchReady() {
  const check = () => {
    if (ready || !labReady(document.body.dataset)) return;
    ready = true;
    mo.disconnect();
    for (const b of document.querySelectorAll('.topic-step-btn')) b.disabled = false;
  };
  const mo = new MutationObserver(check);
  mo.observe(document.body, { attributes: true });
  check();
}

let current = null; // the topic shown
let header = null;
let panel = null;
let settle = null; // stops re-scrolling as the lab lays itself out

const el = (tag, cls, text) => {
  const e = document.createElement(tag);
  if (cls) e.className = cls;
  if (text !== undefined) e.textContent = text;
  return e;
};

function crumbLink(tp, dir) {
  const a = el('a', `topic-${dir}`);
  const n = topicNumber(tp.id);
  const title = t(`topic.${tp.id}.title`);
  a.href = withLang(topicHref(tp));
  a.dataset.topicLink = tp.id;
  a.setAttribute('aria-label', t(`topicview.${dir}`, { n, title }));
  a.title = t(`topicview.${dir}`, { n, title });
  const arrow = el('span', 'topic-arrow', dir === 'prev' ? '←' : '→');
  arrow.setAttribute('aria-hidden', 'true');
  const label = el('span', 'topic-crumb-label');
  label.append(el('span', 'topic-crumb-num', `${n}.`), ' ', el('span', 'topic-crumb-title', title));
  if (dir === 'prev') a.append(arrow, ' ', label);
  else a.append(label, ' ', arrow);
  return a;
}

function buildHeader(tp) {
  const box = el('section', 'topic-view');
  box.id = 'topic-view';
  box.dataset.topic = tp.id;
  box.setAttribute('aria-labelledby', 'topic-q');

  const nav = el('nav', 'topic-crumbs');
  nav.setAttribute('aria-label', t('topicview.nav'));
  const all = el('a', 'topic-all', t('topicview.all'));
  all.href = withLang(`index.html#at=${encodeURIComponent(tp.id)}`);
  const { prev, next } = neighbours(tp.id);
  nav.append(all);
  if (prev) nav.append(crumbLink(prev, 'prev'));
  if (next) nav.append(crumbLink(next, 'next'));
  const drill = el('a', 'topic-drill', t('drill.test_yourself'));
  drill.href = withLang(`drill.html#topics=${encodeURIComponent(tp.id)}`);
  nav.append(drill);

  const eyebrow = el('p', 'topic-eyebrow', t('topicview.eyebrow', { n: topicNumber(tp.id), title: t(`topic.${tp.id}.title`) }));
  const q = el('h2', 'topic-q', t(`topic.${tp.id}.q`));
  q.id = 'topic-q';
  q.tabIndex = -1;
  const a = el('p', 'topic-a', t(`topic.${tp.id}.a`));
  a.id = 'topic-a';

  const tryH = el('h3', 'topic-try-h', t('topicview.try'));
  tryH.id = 'topic-try-h';
  const ol = el('ol', 'topic-steps');
  ol.setAttribute('aria-labelledby', 'topic-try-h');
  tp.view.steps.forEach((step, i) => {
    const li = el('li', 'topic-step');
    li.dataset.step = String(i + 1);
    const btn = el('button', 'btn btn-small topic-step-btn', t(`topic.${tp.id}.try${i + 1}`));
    btn.type = 'button';
    btn.disabled = !ready;
    btn.setAttribute('aria-describedby', `topic-look-${i + 1}`);
    const look = el('span', 'topic-look', t(`topic.${tp.id}.look${i + 1}`));
    look.id = `topic-look-${i + 1}`;
    const done = el('span', 'topic-done', t('topicview.done'));
    done.hidden = true;
    done.setAttribute('role', 'status');
    btn.addEventListener('click', () => {
      for (const d of ol.querySelectorAll('.topic-done')) d.hidden = true;
      for (const x of ol.querySelectorAll('.topic-step')) x.classList.remove('applied');
      li.classList.add('applied');
      done.hidden = false;
      location.hash = stepHash(readState(), step.set);
    });
    li.append(btn, ' ', look, ' ', done);
    ol.append(li);
  });
  const rest = el('p', 'topic-rest hint', t('topicview.rest'));
  box.append(nav, eyebrow, q, a, tryH, ol, rest);
  // more links for the topic (e.g. the training lab's A/B preset of a topic shown elsewhere)
  for (const x of tp.also ?? []) {
    const link = el('a', 'topic-also', t(x.label));
    link.href = withLang(x.href);
    link.dataset.keepLang = '';
    box.append(el('p', 'topic-also-row hint'));
    box.lastChild.append(link);
  }
  return box;
}

/** The block of <main> (its direct child) that holds `node`, or null. */
function topLevel(node) {
  const main = document.querySelector('main');
  let n = node;
  while (n && n.parentElement !== main) n = n.parentElement;
  return n;
}

/** Scroll so the header's top is at the top, unless that leaves the panel below the viewport's
 * lower eighth (a phone, a long answer): then just far enough for the panel's top to show. */
function scrollToTopic() {
  if (!header || !panel) return;
  const y0 = scrollY;
  const head = header.getBoundingClientRect().top + y0 - 8;
  const pan = panel.getBoundingClientRect().top + y0;
  const y = Math.max(head, pan - innerHeight * 0.88);
  scrollTo({ top: Math.max(0, y), behavior: 'instant' });
}

/** Keep the view on the topic while the lab lays itself out (images, wasm, runs), until the
 * reader scrolls, types or clicks, or a few seconds have passed. */
function holdScroll() {
  settle?.();
  const ro = new ResizeObserver(() => scrollToTopic());
  ro.observe(document.body);
  const stop = () => {
    ro.disconnect();
    clearTimeout(timer);
    for (const ev of ['wheel', 'touchstart', 'keydown', 'pointerdown']) removeEventListener(ev, stop, true);
    settle = null;
  };
  const timer = setTimeout(stop, 6000);
  for (const ev of ['wheel', 'touchstart', 'keydown', 'pointerdown']) addEventListener(ev, stop, true);
  settle = stop;
}

function clear() {
  settle?.();
  header?.remove();
  panel?.classList.remove('topic-focus');
  document.body.classList.remove('has-topic-view');
  delete document.body.dataset.topic;
  header = null;
  panel = null;
  current = null;
}

/** Show the view the hash asks for (or remove it); `scroll` on a new topic. */
export function render({ scroll = true } = {}) {
  if (!has('topicview.try')) return; // strings not loaded yet: langchange will call again
  const tp = topicFor(readState());
  if (!tp) {
    clear();
    return;
  }
  const target = document.querySelector(`[data-topic-panel="${tp.view.panel}"]`);
  if (!target) {
    clear();
    return;
  }
  const fresh = tp.id !== current;
  const box = buildHeader(tp);
  if (header && !fresh) {
    // same topic (a language change): replace the text in place, keep the scroll and the steps
    const applied = header.querySelector('.topic-step.applied')?.dataset.step;
    header.replaceWith(box);
    if (applied) box.querySelector(`.topic-step[data-step="${applied}"]`)?.classList.add('applied');
    header = box;
    return;
  }
  clear();
  const block = topLevel(target) ?? target;
  block.before(box);
  header = box;
  panel = target;
  current = tp.id;
  panel.classList.add('topic-focus');
  document.body.classList.add('has-topic-view');
  document.body.dataset.topic = tp.id;
  if (scroll && fresh) {
    scrollToTopic();
    holdScroll();
    box.querySelector('#topic-q').focus({ preventScroll: true });
  }
}

/** The header's "Drill" link: the interview drill filtered to the topics whose lab is this page
 * (every lab page loads this module; a page with no topic gets no link). */
export function drillLink(page = PAGE) {
  const ids = TOPICS.filter((tp) => topicPage(tp) === page).map((tp) => tp.id);
  const nav = document.querySelector('.header-nav');
  if (!ids.length || !nav || !has('drill.nav')) return;
  let a = document.getElementById('nav-drill');
  if (!a) {
    a = el('a', 'nav-drill');
    a.id = 'nav-drill';
    const toggle = nav.querySelector('.lang-toggle');
    if (toggle) toggle.before(a);
    else nav.append(a);
  }
  a.textContent = t('drill.nav');
  a.title = t('drill.test_yourself');
  a.href = withLang(`drill.html#topics=${ids.join(',')}`);
}

if (typeof document !== 'undefined') {
  watchReady();
  document.addEventListener('langchange', () => {
    render();
    drillLink();
  });
  addEventListener('hashchange', () => {
    const tp = topicFor(readState());
    if ((tp?.id ?? null) !== current) render();
  });
  render();
}
