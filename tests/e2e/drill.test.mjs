// The interview drill (www/drill.html) as a person uses it: questions of several topics and of
// every answer type answered right and wrong (typed with Enter, or a clicked option), the verdict,
// the named common mistake and the worked solution; N for the next question; a question's URL
// reproduces it; a topic filter keeps to its topic; a mock interview runs to its score and its
// topics to review; progress survives a reload and the reset button clears it; the zh page; the
// home page and the topic views link to the drill. (Console errors fail every test.)
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import assert from 'node:assert/strict';
import { answerText, perturbed } from '../../www/labs/drill.check.js';

const www = join(import.meta.dirname ?? new URL('.', import.meta.url).pathname, '..', '..', 'www');
const strings = {
  en: JSON.parse(readFileSync(join(www, 'i18n', 'en.json'), 'utf8')),
  zh: JSON.parse(readFileSync(join(www, 'i18n', 'zh.json'), 'utf8')),
};
const PHONE = { viewport: { width: 390, height: 844 }, isMobile: true, hasTouch: true };

async function open(page, base, hash = '') {
  await page.goto('about:blank');
  await page.goto(`${base}drill.html${hash}`);
  await page.waitForFunction(() => document.body.dataset.drillReady === '1', null, { timeout: 30000 });
}

const question = (page) => page.evaluate(() => window.__drill.question);
const shown = (page) => page.evaluate(() => ({
  verdict: document.body.dataset.verdict,
  text: document.getElementById('q-verdict').textContent,
  mistake: document.getElementById('q-mistake')?.textContent ?? null,
  solutionShown: !document.getElementById('q-solution').hidden,
  steps: [...document.querySelectorAll('#q-steps li')].map((li) => li.textContent),
  whys: [...document.querySelectorAll('#q-whys li')].map((li) => li.textContent),
  inputDisabled: document.getElementById('q-answer').disabled,
}));

/** Answers the question on the page with `text` (typed + Enter) or, for a choice, clicks option `text`. */
async function give(page, q, text) {
  if (q.type === 'choice') {
    await page.click(`.drill-choice[data-choice="${text}"]`);
  } else {
    await page.fill('#q-answer', text);
    await page.press('#q-answer', 'Enter');
  }
  await page.waitForFunction(() => document.body.dataset.verdict, null, { timeout: 10000 });
}

const CASES = [
  ['dil.rf', 11], ['interp.bilinear', 4], ['rf.outshape', 9], ['dws.order', 2], ['batchnorm.mc', 3],
  ['bn.running', 8], ['roc.auc', 6], ['ls.target', 12], ['focal.value', 5], ['opt.adam', 1],
];

export default [
  {
    name: 'questions of ten topics, answered right: verdict "right" and the worked solution ending in the answer',
    timeout: 120000,
    async run({ page, base }) {
      for (const [id, seed] of CASES) {
        await open(page, base, `#lang=en&q=${id}&seed=${seed}`);
        const q = await question(page);
        assert.equal(q.id, id);
        assert.equal(q.seed, seed);
        assert.equal(await page.textContent('#q-prompt'), q.prompt.en);
        await give(page, q, q.type === 'choice' ? String(q.answer) : answerText(q));
        const s = await shown(page);
        assert.equal(s.verdict, 'right', `${id}: ${s.text}`);
        assert.ok(s.text.includes(strings.en['drill.right']), s.text);
        assert.ok(s.solutionShown && s.inputDisabled, `${id}: solution shown, answer locked`);
        if (q.type === 'choice') {
          assert.equal(s.whys.length, q.choices.length, 'every option explained');
        } else {
          assert.equal(s.steps.length, q.solution.length);
          assert.equal(s.steps.at(-1), q.solution.at(-1).en);
        }
        if (q.lab) assert.ok(await page.isVisible('#q-lab'), `${id}: the lab link`);
      }
    },
  },
  {
    name: 'wrong answers: a planted mistake is named, a plain wrong one is not, an unreadable one asks again',
    timeout: 120000,
    async run({ page, base }) {
      for (const [id, seed] of CASES) {
        await open(page, base, `#lang=en&q=${id}&seed=${seed}`);
        const q = await question(page);
        const m = q.mistakes[0];
        if (!m) continue;
        await give(page, q, q.type === 'choice' ? String(m.value) : answerText(q, m.value));
        const s = await shown(page);
        assert.equal(s.verdict, 'wrong', `${id}: ${s.text}`);
        assert.ok(s.text.includes(answerText(q)), `${id}: the verdict gives the answer ${answerText(q)}: ${s.text}`);
        assert.ok(s.mistake && s.mistake.includes(m.why.en), `${id}: mistake named: ${s.mistake}`);
        assert.ok(s.solutionShown, `${id}: solution after a wrong answer`);
      }
      // a perturbed number matches no mistake
      await open(page, base, '#lang=en&q=dil.rf&seed=11');
      let q = await question(page);
      await give(page, q, perturbed(q));
      let s = await shown(page);
      assert.equal(s.verdict, 'wrong');
      assert.equal(s.mistake, null);
      // unreadable: the box stays open, the message says how to write it, the right answer then counts
      await open(page, base, '#lang=en&q=rf.outshape&seed=9');
      q = await question(page);
      await give(page, q, 'sixteen by sixteen');
      s = await shown(page);
      assert.equal(s.verdict, 'unreadable');
      assert.equal(s.text, strings.en['drill.unreadable_shape']);
      assert.ok(!s.inputDisabled && !s.solutionShown);
      await page.fill('#q-answer', q.answer.join(' x '));
      await page.press('#q-answer', 'Enter');
      await page.waitForFunction(() => document.body.dataset.verdict === 'right');
    },
  },
  {
    name: "a question's URL reproduces it; N goes to the next one; the share link and Back work",
    async run({ page, newPage, base }) {
      await open(page, base, '#lang=en&q=sm.temp&seed=77');
      const q1 = await question(page);
      await page.click('#q-show');
      await page.waitForFunction(() => document.body.dataset.verdict === 'shown');
      await page.keyboard.press('n');
      await page.waitForFunction((id) => window.__drill.question.seed !== 77 || window.__drill.question.id !== id, q1.id);
      const q2 = await question(page);
      const hash = await page.evaluate(() => location.hash);
      assert.match(hash, new RegExp(`q=${q2.id.replace('.', '\\.')}&seed=${q2.seed}`));
      const share = await page.getAttribute('#q-share', 'href');
      assert.ok(share.startsWith('drill.html#') && share.includes(`seed=${q2.seed}`), share);
      const other = await newPage();
      await open(other, base, hash);
      const q3 = await question(other);
      assert.deepEqual([q3.id, q3.seed, q3.prompt, q3.answer], [q2.id, q2.seed, q2.prompt, q2.answer]);
      await open(other, base, `#${share.split('#')[1]}`);
      assert.equal((await question(other)).prompt.en, q2.prompt.en);
      await page.goBack();
      await page.waitForFunction(() => window.__drill.question.seed === 77);
      assert.equal(await page.textContent('#q-prompt'), q1.prompt.en);
    },
  },
  {
    name: 'a topic filter keeps every next question to that topic (the home page links each topic so)',
    async run({ page, base }) {
      await open(page, base, '#lang=en&topics=roc-auc');
      for (let i = 0; i < 6; i++) {
        assert.equal((await question(page)).topic, 'roc-auc');
        const seed = (await question(page)).seed;
        await page.click('#q-next');
        await page.waitForFunction((s) => window.__drill.question.seed !== s, seed);
      }
      assert.match(await page.textContent('#topics-summary'), /ROC/);
      await page.goto(`${base}index.html#lang=en`);
      await page.waitForFunction(() => document.querySelectorAll('#topics li.topic .topic-practice').length === 25);
      const href = await page.getAttribute('li[data-topic="focal-loss"] .topic-practice', 'href');
      assert.ok(href.startsWith('drill.html#topics=focal-loss'), href);
      assert.ok((await page.getAttribute('#home-drill', 'href')).startsWith('drill.html'));
      await page.click('li[data-topic="focal-loss"] .topic-practice');
      await page.waitForFunction(() => document.body.dataset.drillReady === '1', null, { timeout: 30000 });
      assert.equal((await question(page)).topic, 'focal-loss');
      // a topic view offers "test yourself" on its topic
      await page.goto(`${base}conv.html#preset=dilated&show=110&topic=dilated-conv&lang=en`);
      await page.waitForSelector('.topic-crumbs .topic-drill');
      assert.equal(await page.getAttribute('.topic-crumbs .topic-drill', 'href'), 'drill.html#topics=dilated-conv&lang=en');
      // every lab's header links the drill on that lab's topics
      assert.equal(await page.getAttribute('#nav-drill', 'href'), 'drill.html#topics=dilated-conv,depthwise-separable,conv1x1,weight-sharing,receptive-field&lang=en');
      await page.goto(`${base}optim.html#lang=zh`);
      await page.waitForSelector('#nav-drill');
      assert.equal(await page.getAttribute('#nav-drill', 'href'), 'drill.html#topics=optimizers&lang=zh');
      await page.click('#nav-drill');
      await page.waitForFunction(() => document.body.dataset.drillReady === '1', null, { timeout: 30000 });
      assert.equal((await question(page)).topic, 'optimizers');
      assert.equal(await page.evaluate(() => document.documentElement.lang), 'zh-CN');
    },
  },
  {
    name: 'lab links: a question of each new lab (norm, losses, eval, arch) opens its lab in the question\'s state',
    timeout: 180000,
    async run({ page, base }) {
      const follow = async (id, seed, ready) => {
        await open(page, base, `#lang=en&q=${id}&seed=${seed}`);
        const q = await question(page);
        await give(page, q, answerText(q));
        assert.ok(await page.isVisible('#q-lab'), `${id}: the lab link`);
        await page.click('#q-lab');
        await page.waitForFunction((k) => document.body.dataset[k] === '1', ready, { timeout: 60000 });
        return q;
      };
      // GroupNorm: the norm lab with GN and the question's group count
      let q = await follow('nf.gn', 3, 'normReady');
      assert.equal(await page.inputValue('#groups'), String(q.params.G));
      assert.equal(await page.getAttribute('#norm-seg button[data-norm="gn"]', 'aria-pressed'), 'true');
      // the cube's formula (once the worker has sent the tensor): (C/G)·H·W with the question's G
      await page.waitForFunction((g) => (document.getElementById('cube-formula').textContent || '').includes(`/${g})·`), q.params.G, { timeout: 60000 });
      // focal loss: the losses lab with the question's γ and α (α on)
      q = await follow('focal.value', 5, 'lossesReady');
      assert.equal(Number(await page.inputValue('#gamma')), q.params.gamma);
      assert.equal(Number(await page.inputValue('#alpha')), q.params.alpha);
      // TPR/FPR at a threshold: the evaluation lab at the question's threshold
      q = await follow('roc.tpr', 7, 'evalReady');
      assert.equal(Number(await page.inputValue('#thr')), q.params.t);
      assert.equal(await page.textContent('#thr-out'), q.params.t.toFixed(2));
      // TCN receptive field: the architecture lab's TCN shows the question's answer
      q = await follow('tcn.rf', 4, 'archReady');
      assert.equal(Number(await page.inputValue('#tcn-k')), q.params.k);
      await page.waitForFunction((r) => (document.getElementById('tcn-rf').textContent || '').includes(`= ${r} `), q.answer, { timeout: 30000 });
      assert.ok(page.url().includes('topic=temporal-modules'), 'the topic view of the question');
    },
  },
  {
    name: 'mock interview: 10 questions of 10 topics, half answered right, completes with score 5/10 and the topics to review',
    timeout: 120000,
    async run({ page, base }) {
      await open(page, base, '#lang=en');
      await page.click('#mode-mock');
      await page.waitForFunction(() => window.__drill.mock && window.__drill.mock.i === 0);
      const topics = [];
      const wrong = [];
      for (let i = 0; i < 10; i++) {
        const q = await question(page);
        topics.push(q.topic);
        assert.equal(await page.textContent('#mock-pos'), `Question ${i + 1} of 10`);
        assert.match(await page.textContent('#mock-time'), /^1[45]:\d\d$/);
        const right = i % 2 === 0;
        if (!right) wrong.push(q.topic);
        await give(page, q, q.type === 'choice' ? String(right ? q.answer : (q.answer + 1) % q.choices.length) : right ? answerText(q) : perturbed(q));
        assert.equal((await shown(page)).verdict, right ? 'right' : 'wrong');
        await page.click('#q-next');
        if (i < 9) await page.waitForFunction((n) => window.__drill.mock.i === n && document.body.dataset.verdict === '', i + 1);
      }
      await page.waitForFunction(() => document.body.dataset.mockDone === '1');
      assert.equal(new Set(topics).size, 10, 'ten different topics');
      assert.equal(await page.textContent('#mock-final'), '5 of 10 right');
      const review = await page.$$eval('#mock-review a', (as) => as.map((a) => a.dataset.topic));
      assert.deepEqual(review, wrong);
      assert.ok(await page.isHidden('#card'));
      // the result survives a reload (the interview is kept in localStorage)
      await page.reload();
      await page.waitForFunction(() => document.body.dataset.mockDone === '1', null, { timeout: 30000 });
      assert.equal(await page.textContent('#mock-final'), '5 of 10 right');
      await page.click('#mock-practice');
      await page.waitForFunction(() => !window.__drill.mock && document.body.dataset.q);
      assert.ok(await page.isVisible('#card'));
    },
  },
  {
    name: 'progress survives a reload, orders the next topic and is cleared by reset',
    async run({ page, base }) {
      await open(page, base, '#lang=en&q=tcn.rf&seed=3');
      const q = await question(page);
      await give(page, q, perturbed(q));
      await open(page, base, '#lang=en&q=kd.soft&seed=4');
      const q2 = await question(page);
      await give(page, q2, answerText(q2));
      await page.reload();
      await page.waitForFunction(() => document.body.dataset.drillReady === '1', null, { timeout: 30000 });
      const rows = await page.$$eval('#progress-table tbody tr', (trs) => trs.map((tr) => [tr.dataset.topic, ...[...tr.cells].slice(1, 3).map((c) => c.textContent)]));
      assert.deepEqual(rows.sort(), [['distillation', '1', '0'], ['temporal-modules', '0', '1']]);
      const p = await page.evaluate(() => window.__drill.progress);
      assert.equal(p.clock, 2);
      await page.click('#reset');
      assert.equal(await page.textContent('#reset-out'), strings.en['drill.reset_done']);
      await page.reload();
      await page.waitForFunction(() => document.body.dataset.drillReady === '1', null, { timeout: 30000 });
      assert.equal(await page.evaluate(() => window.__drill.progress.clock), 0);
      assert.equal(await page.textContent('#progress-table tbody'), strings.en['drill.progress_empty']);
    },
  },
  {
    name: 'zh on a phone: the question, the verdict and the solution in Chinese; the page fits the width',
    async run({ newPage, base }) {
      const page = await newPage(PHONE);
      await open(page, base, '#lang=zh&q=interp.bilinear&seed=4');
      const q = await question(page);
      assert.equal(await page.textContent('#q-prompt'), q.prompt.zh);
      await give(page, q, answerText(q, q.mistakes[0].value));
      const s = await shown(page);
      assert.ok(s.text.includes(strings.zh['drill.wrong']), s.text);
      assert.ok(s.mistake.includes(q.mistakes[0].why.zh), s.mistake);
      assert.equal(s.steps.at(-1), q.solution.at(-1).zh);
      const overflow = await page.evaluate(() => document.documentElement.scrollWidth - document.documentElement.clientWidth);
      assert.ok(overflow <= 0, `horizontal overflow ${overflow}px`);
      // keyboard on a choice: a letter answers it
      await open(page, base, '#lang=zh&q=dropout.mc&seed=2');
      const c = await question(page);
      await page.keyboard.press(String.fromCharCode(97 + c.answer));
      await page.waitForFunction(() => document.body.dataset.verdict === 'right');
    },
  },
];
