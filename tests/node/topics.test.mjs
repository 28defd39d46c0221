// The topic table (www/app/topics.js): every topic with a lab has a topic view (a panel the lab's
// page marks, two or three steps that each change the hash, every string in en and zh), links
// that differ per topic, and neighbours in cheat-sheet order.
import test from 'node:test';
import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';

const www = new URL('../../www/', import.meta.url);
const { TOPICS, VIEW_TOPICS, topicHref, topicPage, neighbours, topicNumber } = await import(new URL('app/topics.js', www).href);
const { stepHash, topicFor } = await import(new URL('app/topicview.js', www).href);
const { parseHash } = await import(new URL('app/state.js', www).href);
const i18n = Object.fromEntries(['en', 'zh'].map((l) => [l, JSON.parse(readFileSync(new URL(`i18n/${l}.json`, www), 'utf8'))]));

test('every topic with a lab has a view: a panel and two or three steps with a hash change and a watched element', () => {
  assert.equal(VIEW_TOPICS.length, TOPICS.filter((tp) => tp.lab).length);
  assert.ok(VIEW_TOPICS.length >= 14, `${VIEW_TOPICS.length} topics with a lab`);
  for (const tp of VIEW_TOPICS) {
    assert.ok(tp.view, `${tp.id}: no view`);
    assert.match(tp.view.panel, /^[a-z][a-z0-9-]*$/, `${tp.id}: panel id`);
    assert.ok(tp.view.steps.length >= 2 && tp.view.steps.length <= 3, `${tp.id}: ${tp.view.steps.length} steps`);
    for (const [i, s] of tp.view.steps.entries()) {
      assert.ok(Object.keys(s.set).length >= 1, `${tp.id} step ${i + 1}: sets nothing`);
      assert.ok(!('topic' in s.set) && !('lang' in s.set), `${tp.id} step ${i + 1}: must not change topic or lang`);
      assert.equal(typeof s.watch, 'string', `${tp.id} step ${i + 1}: watch`);
    }
  }
  for (const tp of TOPICS.filter((x) => !x.lab)) assert.equal(tp.view, undefined, `${tp.id}: a view without a lab`);
});

test("each view's panel is marked in its lab's page, exactly once", () => {
  for (const tp of VIEW_TOPICS) {
    const html = readFileSync(new URL(topicPage(tp), www), 'utf8');
    const n = html.split(`data-topic-panel="${tp.view.panel}"`).length - 1;
    assert.equal(n, 1, `${tp.id}: ${topicPage(tp)} marks data-topic-panel="${tp.view.panel}" ${n} times`);
    assert.match(html, /<script type="module" src="app\/topicview\.js"><\/script>/, `${topicPage(tp)} loads app/topicview.js`);
  }
});

test('question, answer, every step and the view chrome have text in en and zh', () => {
  for (const lang of ['en', 'zh']) {
    const s = i18n[lang];
    for (const k of ['nav', 'all', 'prev', 'next', 'eyebrow', 'try', 'done', 'rest']) assert.ok(s[`topicview.${k}`], `${lang}: topicview.${k}`);
    for (const tp of VIEW_TOPICS) {
      const keys = ['q', 'a', ...tp.view.steps.flatMap((_, i) => [`try${i + 1}`, `look${i + 1}`])];
      for (const k of keys) {
        const v = s[`topic.${tp.id}.${k}`];
        assert.ok(typeof v === 'string' && v.trim().length > 3, `${lang}: topic.${tp.id}.${k}`);
      }
      // no key for a step that does not exist (a leftover would be a step without a button)
      assert.equal(s[`topic.${tp.id}.try${tp.view.steps.length + 1}`], undefined, `${lang}: topic.${tp.id}: extra step text`);
      // two or three sentences, not an essay
      assert.ok(s[`topic.${tp.id}.a`].length < 520, `${lang}: topic.${tp.id}.a is ${s[`topic.${tp.id}.a`].length} chars`);
    }
  }
});

test("the depthwise-separable answer has the cheat-sheet's numbers: 108 vs 27 + 12 = 39", () => {
  for (const lang of ['en', 'zh']) {
    const a = i18n[lang]['topic.depthwise-separable.a'];
    for (const n of ['3·3·3·4 = 108', '3·3·3 = 27', '3·4 = 12', '39']) assert.ok(a.includes(n), `${lang}: "${n}" in ${a}`);
  }
});

test('topic links: the lab preset keys plus topic=<id>; topics 5 and 8 no longer share one', () => {
  const hrefs = VIEW_TOPICS.map(topicHref);
  assert.equal(new Set(hrefs).size, hrefs.length, 'every topic view has its own link');
  for (const tp of VIEW_TOPICS) {
    const href = topicHref(tp);
    const [page, hash] = href.split('#');
    assert.equal(page, topicPage(tp));
    const h = parseHash(`#${hash}`);
    assert.equal(h.topic, tp.id);
    const preset = parseHash(`#${tp.lab.split('#')[1] ?? ''}`);
    for (const [k, v] of Object.entries(preset)) assert.equal(h[k], v, `${tp.id}: keeps ${k}`);
    assert.equal(topicFor(h, page), tp, `${tp.id}: the view finds itself`);
    assert.equal(topicFor(h, 'index.html'), null, `${tp.id}: no view on another page`);
  }
  const five = VIEW_TOPICS.find((tp) => tp.id === 'depthwise-separable');
  const eight = VIEW_TOPICS.find((tp) => tp.id === 'conv1x1');
  assert.notEqual(topicHref(five), topicHref(eight));
  assert.notEqual(five.view.panel, eight.view.panel);
  assert.equal(VIEW_TOPICS.find((tp) => tp.id === 'weight-sharing').view.panel, 'maps');
});

test('every step changes the hash it is applied to, and null removes a key', () => {
  for (const tp of VIEW_TOPICS) {
    const start = parseHash(`#${topicHref(tp).split('#')[1]}&lang=en`);
    for (const [i, s] of tp.view.steps.entries()) {
      const next = parseHash(`#${stepHash(start, s.set)}`);
      assert.equal(next.topic, tp.id, `${tp.id} step ${i + 1} keeps the topic`);
      assert.equal(next.lang, 'en', `${tp.id} step ${i + 1} keeps the language`);
      for (const [k, v] of Object.entries(s.set)) assert.equal(next[k], v === null ? undefined : String(v));
    }
  }
  assert.equal(stepHash({ a: '1', 'b.bn': '1', topic: 'x' }, { 'b.bn': null }), 'a=1&topic=x');
});

test('neighbours: previous and next topic with a lab, in cheat-sheet order', () => {
  const ids = VIEW_TOPICS.map((tp) => tp.id);
  ids.forEach((id, i) => {
    const { prev, next } = neighbours(id);
    assert.equal(prev?.id ?? null, ids[i - 1] ?? null, `${id} prev`);
    assert.equal(next?.id ?? null, ids[i + 1] ?? null, `${id} next`);
    if (prev) assert.ok(topicNumber(prev.id) < topicNumber(id));
  });
  assert.deepEqual(neighbours('no-such-topic'), { prev: null, next: null });
});

test('try-this steps wait for the lab: ready only once the page marks its first state drawn', async () => {
  const { labReady } = await import(new URL('app/topicview.js', www).href);
  assert.equal(labReady({}), false);
  assert.equal(labReady({ trainState: 'loading' }), false);
  assert.equal(labReady({ lab: 'busy' }), false);
  for (const ds of [{ convReady: '1' }, { trainState: 'paused' }, { trainState: 'playing' }, { optimReady: '1' }, { activReady: '1' }, { normReady: '1' }, { lab: 'idle' }, { lossesReady: '1' }, { evalReady: '1' }]) {
    assert.equal(labReady(ds), true, JSON.stringify(ds));
  }
});

test('topics 1 and 22 open the normalization lab; topic 16 links it, and every "also" link has text in en and zh', () => {
  for (const id of ['batchnorm', 'norm-family']) assert.equal(topicPage(TOPICS.find((tp) => tp.id === id)), 'norm.html', id);
  const tricks = TOPICS.find((tp) => tp.id === 'training-tricks');
  assert.ok(tricks.also?.some((x) => x.href.startsWith('norm.html#topic=batchnorm')), "topic 16's batch-norm A/B links the lab");
  for (const tp of TOPICS) {
    assert.equal(tp.view?.more, undefined, `${tp.id}: one kind of extra link ("also"), not view.more`);
    for (const x of tp.also ?? []) {
      for (const lang of ['en', 'zh']) assert.ok(i18n[lang][x.label]?.length > 3, `${lang}: ${x.label}`);
    }
  }
});

test('topics 4, 7, 21, 24, 25 open the outputs-and-losses lab, each at its own panel', () => {
  const want = { 'focal-loss': 'focal', distillation: 'kd', 'label-smoothing': 'smoothing', 'softmax-sigmoid': 'softmax', 'ce-vs-mse': 'ce-mse' };
  for (const [id, panel] of Object.entries(want)) {
    const tp = TOPICS.find((x) => x.id === id);
    assert.equal(topicPage(tp), 'losses.html', id);
    assert.equal(tp.view.panel, panel, id);
    assert.equal(topicNumber(id), { 'focal-loss': 4, distillation: 7, 'label-smoothing': 21, 'softmax-sigmoid': 24, 'ce-vs-mse': 25 }[id]);
  }
});

test('issue 13: topics 6, 12, 19, 20 open the evaluation lab at their own panel; the training lab presets stay linked', () => {
  const want = { dropout: 'ensemble', 'under-overfitting': 'curves', 'roc-auc': 'roc', 'l1-vs-l2': 'geometry' };
  for (const [id, panel] of Object.entries(want)) {
    const tp = VIEW_TOPICS.find((x) => x.id === id);
    assert.ok(tp, `${id} has a lab`);
    assert.equal(topicPage(tp), 'eval.html', `${id} opens the evaluation lab`);
    assert.equal(tp.view.panel, panel);
    assert.equal(topicNumber(id), { dropout: 6, 'under-overfitting': 12, 'roc-auc': 19, 'l1-vs-l2': 20 }[id]);
  }
  const also = { dropout: 'train.html#ab=dropout&play=1', 'under-overfitting': 'train.html#ab=capacity&play=1', 'l1-vs-l2': 'train.html#ab=l1_l2&play=1' };
  for (const [id, href] of Object.entries(also)) {
    const tp = TOPICS.find((x) => x.id === id);
    assert.deepEqual(tp.also.map((x) => x.href), [href], `${id} keeps its training-lab preset`);
    for (const lang of ['en', 'zh']) assert.ok(i18n[lang][tp.also[0].label], `${lang}: ${tp.also[0].label}`);
  }
  // every also link points at a page that exists, with a preset the training lab knows
  for (const tp of TOPICS) {
    for (const x of tp.also ?? []) {
      const page = x.href.split('#')[0];
      assert.ok(readFileSync(new URL(page, www), 'utf8').length > 0, `${tp.id}: ${page}`);
    }
  }
});

test('topics 9, 17 and 23 open the architecture lab at their own panels', () => {
  const want = { 'add-vs-concat': 'fuse', 'temporal-modules': 'temporal', 'fpn-small-objects': 'fpn' };
  for (const [id, panel] of Object.entries(want)) {
    const tp = VIEW_TOPICS.find((x) => x.id === id);
    assert.ok(tp, `${id} has a view`);
    assert.equal(topicPage(tp), 'arch.html');
    assert.equal(tp.view.panel, panel);
  }
  assert.deepEqual(['add-vs-concat', 'temporal-modules', 'fpn-small-objects'].map(topicNumber), [9, 17, 23]);
});
