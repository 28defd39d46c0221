//! zh + en strings: load i18n/<lang>.json, translate with t(key, vars), fill `[data-i18n]`
//! elements, and switch language from a toggle. The choice lives in the URL hash (`#lang=zh`);
//! without one, it follows navigator.language (zh* -> zh, anything else -> en).
import { readState, writeState, malformedAtLoad } from './state.js';

export const LANGS = ['en', 'zh'];
const HTML_LANG = { en: 'en', zh: 'zh-CN' };
const cache = new Map();
let lang = 'en';
let strings = {};

export function currentLang() {
  return lang;
}

/** The language asked for by the hash, else the browser's. */
export function preferredLang() {
  const fromHash = readState().lang;
  if (LANGS.includes(fromHash)) return fromHash;
  return (navigator.language || '').toLowerCase().startsWith('zh') ? 'zh' : 'en';
}

async function load(l) {
  if (!cache.has(l)) {
    const p = fetch(new URL(`../i18n/${l}.json`, import.meta.url)).then((r) => {
      if (!r.ok) throw new Error(`i18n/${l}.json answered HTTP ${r.status}`);
      return r.json();
    });
    cache.set(l, p);
    p.catch(() => cache.delete(l));
  }
  return cache.get(l);
}

/** Translate `key`, replacing `{name}` with vars.name. A missing key shows as the key itself. */
export function t(key, vars = {}) {
  const s = strings[key];
  if (s === undefined) {
    console.warn(`i18n: no "${key}" in ${lang}.json`);
    return key;
  }
  return s.replace(/\{(\w+)\}/g, (m, name) => (name in vars ? String(vars[name]) : m));
}

export function has(key) {
  return key in strings;
}

/**
 * Fill every `[data-i18n="key"]` element's text under `root`, and attributes named in
 * `data-i18n-attr="aria-label:key;title:key"`.
 */
export function apply(root = document) {
  for (const el of root.querySelectorAll('[data-i18n]')) el.textContent = t(el.dataset.i18n);
  for (const el of root.querySelectorAll('[data-i18n-attr]')) {
    for (const pair of el.dataset.i18nAttr.split(';')) {
      const [attr, key] = pair.split(':').map((s) => s.trim());
      if (attr && key) el.setAttribute(attr, t(key));
    }
  }
  for (const el of root.querySelectorAll('[data-lang-choice]')) {
    el.setAttribute('aria-pressed', String(el.dataset.langChoice === lang));
  }
}

/**
 * Switch to `l`: load its strings, set <html lang>, refill the page, record it in the hash and
 * fire a `langchange` event on document (detail: {lang}) so pages re-render their dynamic text.
 */
export async function setLang(l) {
  if (!LANGS.includes(l)) l = 'en';
  strings = await load(l);
  lang = l;
  document.documentElement.lang = HTML_LANG[l];
  const title = document.querySelector('title[data-i18n]');
  if (title) document.title = t(title.dataset.i18n);
  apply();
  writeState({ lang: l });
  document.dispatchEvent(new CustomEvent('langchange', { detail: { lang: l } }));
}

/**
 * Start i18n for a page: pick the language, load it, wire every `[data-lang-choice]` button and
 * follow hash edits. A failed load falls back to English and then to an error thrown to the page.
 */
export async function initI18n() {
  for (const btn of document.querySelectorAll('[data-lang-choice]')) {
    btn.addEventListener('click', () => setLang(btn.dataset.langChoice));
  }
  addEventListener('hashchange', () => {
    const l = readState().lang;
    if (LANGS.includes(l) && l !== lang) setLang(l);
  });
  const asked = readState().lang; // (setLang writes the language in effect into the hash)
  const want = preferredLang();
  try {
    await setLang(want);
  } catch (err) {
    if (want === 'en') throw err;
    console.warn(`i18n: ${want} failed (${err.message}); using en`);
    await setLang('en');
  }
  noteMalformedHash();
  if (asked !== undefined && !LANGS.includes(asked)) {
    langIgnored = [['lang', asked]];
    noteIgnoredHash([]);
  }
  return lang;
}

/** A link whose hash has malformed escapes still opens the page; this says what was ignored. */
function noteMalformedHash() {
  const parts = malformedAtLoad;
  if (!parts.length || document.querySelector('.hash-note')) return;
  const p = document.createElement('p');
  p.className = 'hint hash-note';
  p.setAttribute('role', 'status');
  p.textContent = t('hash.malformed', { parts: parts.join(', ') });
  document.querySelector('main')?.prepend(p);
}

/** The link's `lang` when it named no language of the site (listed in every ignored-values note). */
let langIgnored = [];

/** A value shown in a note, cut short (a link may carry a very long one). */
const shortValue = (v) => (v.length > 60 ? `${v.slice(0, 57)}…` : v);

/**
 * Say which values of the link the page could not use and replaced ([[key, value], ...], after
 * an unknown `lang`, which initI18n notes itself; nothing when there are none). One note per page, replaced by the next call (a page that follows hash
 * edits calls it again); as text, never markup: the values come from whoever wrote the link.
 */
export function noteIgnoredHash(pagePairs) {
  const pairs = [...langIgnored, ...pagePairs];
  let p = document.querySelector('.hash-ignored');
  if (!pairs.length) {
    p?.remove();
    return;
  }
  if (!p) {
    p = document.createElement('p');
    p.className = 'hint hash-ignored';
    p.setAttribute('role', 'status');
    document.querySelector('main')?.prepend(p);
  }
  const shown = pairs.slice(0, 6).map(([k, v]) => `${shortValue(k)}=${shortValue(v)}`);
  if (pairs.length > 6) shown.push(`+${pairs.length - 6}`);
  p.textContent = t('hash.ignored', { parts: shown.join(', ') });
}

/** Link to another page of the site carrying the current language along. */
export function withLang(href) {
  const [path, hash = ''] = href.split('#');
  const rest = hash.split('&').filter((p) => p && !p.startsWith('lang='));
  return `${path}#${[...rest, `lang=${lang}`].join('&')}`;
}

/**
 * A readable message for an error: its translated code when there is one, else its text. Errors
 * from Rust carry `{code, vars}` (src/error.rs): lists in vars read "a, b, c" as in the English
 * message, and `vars.what` is translated when `error.what.<value>` exists.
 */
export function describeError(err) {
  if (err && err.code && has(`error.${err.code}`)) {
    const vars = {};
    for (const [k, v] of Object.entries(err.vars || {})) vars[k] = Array.isArray(v) ? v.join(', ') : v;
    if (typeof vars.what === 'string' && has(`error.what.${vars.what}`)) vars.what = t(`error.what.${vars.what}`);
    return t(`error.${err.code}`, vars);
  }
  return (err && err.message) || String(err);
}

/** Show an error in the page (in `[data-error]` or at the top of <main>), never console-only. */
export function showError(err, container = document.querySelector('[data-error]')) {
  let box = container;
  if (!box) {
    box = document.createElement('div');
    document.querySelector('main')?.prepend(box) ?? document.body.prepend(box);
  }
  box.hidden = false;
  box.className = 'error-box';
  box.setAttribute('role', 'alert');
  box.replaceChildren();
  const h = document.createElement('strong');
  h.textContent = has('error.title') ? t('error.title') : 'Error';
  const p = document.createElement('p');
  p.textContent = describeError(err);
  box.append(h, p);
  return box;
}
