// Topic views (www/app/topicview.js): every topic with a lab opens its lab at the answer. For each
// one: the header shows the question and the answer (en; one topic also in zh), the highlighted
// panel is the one topics.js names and it is in the viewport, the breadcrumb links point at the
// topic list (that topic's card) and at the previous/next topic with a lab, and the first "try
// this" step changes what its watched element says (a number, a control's value, a read-out).
// Also: the home page links each topic to its view and `at=` brings the card back into view, a
// neighbour on the same page switches the view without a reload, and a phone has no sideways scroll.
import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';

const { VIEW_TOPICS, topicHref, neighbours } = await import(new URL('../../www/app/topics.js', import.meta.url).href);
const strings = Object.fromEntries(['en', 'zh'].map((l) => [l, JSON.parse(readFileSync(new URL(`../../www/i18n/${l}.json`, import.meta.url), 'utf8'))]));
const LONG = { timeout: 45000 };

/** The text of a watched element, or its value for a form control. */
const readWatch = (page, sel) => page.evaluate((s) => {
  const el = document.querySelector(s);
  if (!el) return '';
  if (el.type === 'checkbox') return String(el.checked);
  return ['INPUT', 'SELECT', 'TEXTAREA'].includes(el.tagName) ? el.value : el.textContent.trim();
}, sel);

async function waitWatch(page, sel, not = null) {
  await page.waitForFunction(([s, old]) => {
    const el = document.querySelector(s);
    if (!el) return false;
    const v = el.type === 'checkbox' ? String(el.checked)
      : ['INPUT', 'SELECT', 'TEXTAREA'].includes(el.tagName) ? el.value : el.textContent.trim();
    return v !== '' && v !== old && !/…$/.test(v) && !['–', '—'].includes(v); // placeholders before the lab draws
  }, [sel, not], LONG);
  return readWatch(page, sel);
}

async function panelInView(page) {
  await page.waitForFunction(() => {
    const p = document.querySelector('.topic-focus');
    if (!p) return false;
    const r = p.getBoundingClientRect();
    return r.top < innerHeight - 40 && r.bottom > 40;
  }, null, { timeout: 10000 });
}

const abs = (base, href) => new URL(href, base).href;

const perTopic = VIEW_TOPICS.map((tp) => ({
  name: `topic view ${tp.id}: header, highlighted panel in view, breadcrumb, a step changes what it says`,
  timeout: 90000,
  async run({ page, base }) {
    await page.goto(`${base}${topicHref(tp)}&lang=en`);
    await page.waitForSelector('#topic-view', LONG);
    assert.equal(await page.textContent('#topic-q'), strings.en[`topic.${tp.id}.q`]);
    assert.equal(await page.textContent('#topic-a'), strings.en[`topic.${tp.id}.a`]);
    assert.equal(await page.$$eval('.topic-step-btn', (bs) => bs.length), tp.view.steps.length);
    assert.equal(await page.getAttribute('.topic-focus', 'data-topic-panel'), tp.view.panel, 'the highlighted panel');
    assert.equal(await page.$$eval('.topic-focus', (xs) => xs.length), 1);

    // breadcrumb: the topic list at this topic's card, the neighbours' topic views
    const here = page.url();
    assert.equal(abs(here, await page.getAttribute('.topic-all', 'href')), abs(base, `index.html#at=${tp.id}&lang=en`));
    const { prev, next } = neighbours(tp.id);
    for (const [cls, nb] of [['.topic-prev', prev], ['.topic-next', next]]) {
      if (!nb) {
        assert.equal(await page.$(`.topic-crumbs ${cls}`), null, `${cls} at the end of the list`);
        continue;
      }
      const href = await page.getAttribute(`.topic-crumbs ${cls}`, 'href');
      assert.equal(abs(here, href), abs(base, `${topicHref(nb)}&lang=en`), `${cls} -> ${nb.id}`);
    }

    // the lab has drawn what the first step changes; the panel is in view once it has settled
    const step = tp.view.steps[0];
    const before = await waitWatch(page, step.watch);
    await panelInView(page);

    // the step: one click, one control changed (the hash says which), the watched text changes
    await page.click('.topic-step[data-step="1"] .topic-step-btn');
    const after = await waitWatch(page, step.watch, before);
    assert.notEqual(after, before, `${step.watch}: "${before}" -> "${after}"`);
    // the hash holds the step's values (a lab leaves a value out when it is its default)
    const h = Object.fromEntries(new URL(page.url()).hash.slice(1).split('&').map((p) => p.split('=').map(decodeURIComponent)));
    for (const [k, v] of Object.entries(step.set)) {
      if (v === null || !(k in h)) assert.ok(!(k in h), `${k} removed`);
      else assert.equal(h[k], String(v), `${k} in the hash`);
    }
    assert.equal(h.topic, tp.id, 'the step keeps the topic view');
    assert.ok(await page.isVisible('.topic-step[data-step="1"] .topic-done'), 'the step is marked as applied');
    assert.ok(await page.isVisible('#topic-view'));
  },
}));

export default [
  ...perTopic,
  {
    name: 'every try-this step of every topic, in order, changes what it says it changes',
    timeout: 300000,
    async run({ page, base }) {
      for (const tp of VIEW_TOPICS) {
        await page.goto('about:blank');
        await page.goto(`${base}${topicHref(tp)}&lang=en`);
        await page.waitForSelector('#topic-view', LONG);
        await waitWatch(page, tp.view.steps[0].watch);
        for (const [i, step] of tp.view.steps.entries()) {
          const before = await waitWatch(page, step.watch);
          await page.click(`.topic-step[data-step="${i + 1}"] .topic-step-btn`);
          const after = await waitWatch(page, step.watch, before).catch(() => readWatch(page, step.watch));
          assert.notEqual(after, before, `${tp.id} step ${i + 1}: ${step.watch} stayed "${before}"`);
        }
      }
    },
  },
  {
    name: 'topic view in Chinese: question and answer from zh.json, and they follow the language switch',
    timeout: 60000,
    async run({ page, base }) {
      const tp = VIEW_TOPICS.find((x) => x.id === 'depthwise-separable');
      await page.goto(`${base}${topicHref(tp)}&lang=zh`);
      await page.waitForSelector('#topic-view', LONG);
      assert.equal(await page.textContent('#topic-q'), strings.zh['topic.depthwise-separable.q']);
      assert.equal(await page.textContent('#topic-a'), strings.zh['topic.depthwise-separable.a']);
      assert.equal(await page.textContent('.topic-try-h'), strings.zh['topicview.try']);
      await page.click('[data-lang-choice="en"]');
      await page.waitForFunction((q) => document.querySelector('#topic-q')?.textContent === q, strings.en['topic.depthwise-separable.q']);
      assert.match(await page.getAttribute('.topic-next', 'href'), /lang=en/);
    },
  },
  {
    name: 'topic views: home links open them; "All topics" returns to the card; a neighbour on the same page switches the view',
    timeout: 90000,
    async run({ page, base }) {
      await page.goto(`${base}index.html#lang=en`);
      await page.waitForSelector('#topics li.has-lab h3 a');
      const links = await page.$$eval('#topics li.has-lab', (lis) => lis.map((li) => [li.dataset.topic, li.querySelector('h3 a').getAttribute('href')]));
      assert.deepEqual(links, VIEW_TOPICS.map((tp) => [tp.id, `${topicHref(tp)}&lang=en`]));

      // weight-sharing -> next is receptive-field, also on conv.html: the hash changes, the view follows
      // (conv1x1's next is add-vs-concat, on arch.html since issue 14)
      await page.goto(`${base}${topicHref(VIEW_TOPICS.find((x) => x.id === 'weight-sharing'))}&lang=en`);
      await page.waitForSelector('#topic-view[data-topic="weight-sharing"]', LONG);
      await page.waitForFunction(() => document.body.dataset.convReady === '1', null, LONG);
      await page.evaluate(() => { window.__sameDocument = true; });
      await page.click('.topic-next');
      await page.waitForSelector('#topic-view[data-topic="receptive-field"]', LONG);
      assert.equal(await page.evaluate(() => window.__sameDocument), true, 'no reload');
      assert.equal(await page.getAttribute('.topic-focus', 'data-topic-panel'), 'cell');
      assert.equal(await page.$$eval('#topic-view', (xs) => xs.length), 1, 'one header');
      await panelInView(page);
      await page.waitForFunction(() => /preset=three3/.test(location.hash));

      // keyboard: the steps are buttons reachable with Tab from the header
      await page.focus('#topic-q');
      await page.keyboard.press('Tab');
      await page.keyboard.press('Tab');
      const focused = await page.evaluate(() => document.activeElement?.className || '');
      assert.match(focused, /topic-step-btn/, `Tab from the question reaches the first step: ${focused}`);

      // "All topics" -> the home page with that topic's card in view and focused
      await page.click('.topic-all');
      await page.waitForSelector('#topics li.topic-here');
      assert.equal(await page.getAttribute('#topics li.topic-here', 'data-topic'), 'receptive-field');
      await page.waitForFunction(() => document.activeElement?.closest('li')?.dataset.topic === 'receptive-field');
      const inView = await page.evaluate(() => {
        const r = document.querySelector('#topics li.topic-here').getBoundingClientRect();
        return r.top >= 0 && r.bottom <= innerHeight;
      });
      assert.ok(inView, 'the card is in view');
    },
  },
  {
    name: 'topic views on a phone (390x844): no sideways scroll, the question on the first screen and the panel starting on it',
    timeout: 120000,
    async run({ newPage, base }) {
      const page = await newPage({ viewport: { width: 390, height: 844 }, isMobile: true, hasTouch: true });
      for (const id of ['depthwise-separable', 'dropout', 'optimizers', 'interpolation', 'l1-vs-l2']) {
        const tp = VIEW_TOPICS.find((x) => x.id === id);
        await page.goto(`${base}${topicHref(tp)}&lang=en`);
        await page.waitForSelector('#topic-view', LONG);
        await page.waitForTimeout(800);
        const m = await page.evaluate(() => ({
          overflow: document.documentElement.scrollWidth - innerWidth,
          q: document.querySelector('#topic-q').getBoundingClientRect().top,
        }));
        assert.ok(m.overflow <= 0, `${id}: ${m.overflow}px of sideways scroll`);
        assert.ok(m.q >= 0 && m.q < 400, `${id}: question at ${m.q}px`);
        await panelInView(page);
      }
    },
  },
];
