// The home page: the 25 topics in both languages, the language toggle, links that all resolve,
// a layout that fits a phone.
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import assert from 'node:assert/strict';

const www = join(import.meta.dirname ?? new URL('.', import.meta.url).pathname, '..', '..', 'www');
const strings = {
  en: JSON.parse(readFileSync(join(www, 'i18n', 'en.json'), 'utf8')),
  zh: JSON.parse(readFileSync(join(www, 'i18n', 'zh.json'), 'utf8')),
};
const { TOPICS } = await import(new URL('../../www/app/topics.js', import.meta.url).href);
const HTML_LANG = { en: 'en', zh: 'zh-CN' };

async function openHome(page, base, hash) {
  await page.goto(`${base}index.html${hash}`);
  await page.waitForFunction(() => document.querySelectorAll('#topics li.topic').length > 0);
}

/** What the page shows: <html lang>, title, topic titles and whether each is a link. */
function snapshot(page) {
  return page.evaluate(() => ({
    lang: document.documentElement.lang,
    title: document.title,
    hash: location.hash,
    topics: [...document.querySelectorAll('#topics li.topic')].map((li) => ({
      id: li.dataset.topic,
      title: li.querySelector('h3').textContent,
      desc: li.querySelector('p').textContent,
      link: li.querySelector('h3 a')?.getAttribute('href') ?? null,
    })),
  }));
}

function checkLanguage(s, lang) {
  const S = strings[lang];
  assert.equal(s.lang, HTML_LANG[lang], '<html lang>');
  assert.equal(s.title, S['home.title'], 'document.title');
  assert.equal(s.topics.length, 25, 'number of topics');
  assert.equal(TOPICS.length, 25, 'topics.js registry');
  s.topics.forEach((tp, i) => {
    assert.equal(tp.id, TOPICS[i].id, `topic ${i + 1} id`);
    assert.equal(tp.title, S[`topic.${tp.id}.title`], `topic ${i + 1} title`);
    assert.equal(tp.desc, S[`topic.${tp.id}.desc`], `topic ${i + 1} description`);
    assert.ok(tp.desc.length > 10, `topic ${i + 1} has a description`);
    // linked exactly when the registry names a lab
    assert.equal(tp.link !== null, TOPICS[i].lab !== null, `topic ${i + 1} link vs registry`);
  });
  assert.match(s.hash, new RegExp(`lang=${lang}`), 'language kept in the hash');
}

async function checkNoOverflow(page) {
  const { scroll, inner } = await page.evaluate(() => ({
    scroll: document.documentElement.scrollWidth,
    inner: window.innerWidth,
  }));
  assert.ok(scroll <= inner, `page is ${scroll}px wide in a ${inner}px viewport (horizontal scroll)`);
}

export default [
  {
    name: 'English: 25 topics, title, lang attribute',
    async run({ page, base, out }) {
      await openHome(page, base, '#lang=en');
      checkLanguage(await snapshot(page), 'en');
      assert.equal(await page.locator('h1').textContent(), strings.en['site.tagline']);
      await page.screenshot({ path: join(out, 'home-en.png'), fullPage: true });
    },
  },
  {
    name: 'Chinese (#lang=zh): 25 topics, title, lang attribute',
    async run({ page, base, out }) {
      await openHome(page, base, '#lang=zh');
      checkLanguage(await snapshot(page), 'zh');
      assert.equal(await page.locator('h1').textContent(), strings.zh['site.tagline']);
      await page.screenshot({ path: join(out, 'home-zh.png'), fullPage: true });
    },
  },
  {
    name: 'toggle switches language, hash keeps it across reload',
    async run({ page, base }) {
      await openHome(page, base, '#lang=en');
      await page.click('[data-lang-choice="zh"]');
      await page.waitForFunction(() => document.documentElement.lang === 'zh-CN');
      checkLanguage(await snapshot(page), 'zh');
      assert.equal(await page.getAttribute('[data-lang-choice="zh"]', 'aria-pressed'), 'true');
      const selftestHref = await page.getAttribute('header a[href^="selftest.html"]', 'href');
      assert.match(selftestHref, /lang=zh/, 'self-test link carries the language');
      await page.reload();
      await page.waitForFunction(() => document.querySelectorAll('#topics li.topic').length === 25);
      checkLanguage(await snapshot(page), 'zh');
      await page.click('[data-lang-choice="en"]');
      await page.waitForFunction(() => document.documentElement.lang === 'en');
      checkLanguage(await snapshot(page), 'en');
      // editing the hash by hand switches too
      await page.evaluate(() => { location.hash = 'lang=zh'; });
      await page.waitForFunction(() => document.documentElement.lang === 'zh-CN');
    },
  },
  {
    name: 'default language follows navigator.language',
    async run({ newPage, base }) {
      const zh = await newPage({ locale: 'zh-CN' });
      await openHome(zh, base, '');
      checkLanguage(await snapshot(zh), 'zh');
      const en = await newPage({ locale: 'de-DE' });
      await openHome(en, base, '');
      checkLanguage(await snapshot(en), 'en');
    },
  },
  {
    name: 'every link resolves (HTTP 200), none leaves the site',
    async run({ page, base }) {
      for (const lang of ['en', 'zh']) {
        await openHome(page, base, `#lang=${lang}`);
        const hrefs = await page.$$eval('a[href]', (as) => as.map((a) => a.href));
        assert.ok(hrefs.length >= 3, `expected links on the page, found ${hrefs.length}`);
        for (const href of new Set(hrefs.map((h) => h.split('#')[0]))) {
          assert.ok(href.startsWith(base), `link leaves the site: ${href}`);
          const res = await page.request.get(href);
          assert.equal(res.status(), 200, `${href} answered ${res.status()}`);
        }
      }
    },
  },
  {
    name: 'phone (375x812): fits without horizontal scroll',
    async run({ newPage, base, out }) {
      const page = await newPage({ viewport: { width: 375, height: 812 }, deviceScaleFactor: 2, isMobile: true, hasTouch: true });
      await openHome(page, base, '#lang=zh');
      checkLanguage(await snapshot(page), 'zh');
      await checkNoOverflow(page);
      await page.screenshot({ path: join(out, 'home-phone.png') });
    },
  },
];
