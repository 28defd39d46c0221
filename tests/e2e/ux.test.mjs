// Issue 10, the defects a new user hits (2, 3, 4, 6 and the smaller ones of 8): readable
// training curves (a watchable default speed, a log loss axis, a diverged run drawn clipped and
// marked, legends beside the data), the |A − B| legend's ticks, scale and plural, the conv lab's
// border cells, singular/plural texts, the learning rate changed mid-run, the optimizer beside
// the training controls, a touch-friendly paste hint and a compact home page.
import { join } from 'node:path';
import assert from 'node:assert/strict';

const LONG = { timeout: 60000, polling: 100 };
const { TOPICS } = await import(new URL('../../www/app/topics.js', import.meta.url).href);
const PHONE = { viewport: { width: 390, height: 844 }, deviceScaleFactor: 2, isMobile: true, hasTouch: true };

async function openTrain(page, base, hash) {
  await page.goto(`${base}train.html#${hash}`);
  await page.waitForFunction(() => ['paused', 'playing'].includes(document.body.dataset.trainState), null, LONG);
}

async function pausedAt(page, epoch) {
  await page.waitForFunction(
    (e) => document.body.dataset.trainState === 'paused' && document.body.dataset.trainEpoch === String(e),
    epoch,
    LONG,
  );
}

/** What the loss plot drew last (Plot.summary, via the page's test hook). */
const lossPlot = (page) => page.evaluate(() => window.__train.lossPlot);

const overlap = (a, b) => a.left < b.left + b.width && b.left < a.left + a.width
  && a.top < b.top + b.height && b.top < a.top + a.height;

async function openConv(page, base, hash) {
  await page.goto(`${base}conv.html#${hash}`);
  await page.waitForFunction(() => document.body.dataset.convReady === '1', null, LONG);
}

async function openResize(page, base, hash) {
  await page.goto(`${base}resize.html#${hash}`);
  await page.waitForFunction(() => window.__resizeLab?.diff, null, LONG);
}

export default [
  {
    name: 'defect 2: training starts at a watchable speed; "fastest" stays a choice; no home link forces it',
    timeout: 60000,
    async run({ page, base }) {
      for (const tp of TOPICS) if (tp.lab) assert.doesNotMatch(tp.lab, /speed=max/, `${tp.id}: ${tp.lab}`);
      await openTrain(page, base, 'lang=en&play=1');
      assert.notEqual(await page.inputValue('#speed'), 'max', 'the default speed is not "fastest"');
      const values = await page.$$eval('#speed option', (os) => os.map((o) => o.value));
      assert.ok(values.includes('max'), `"fastest" is still offered: ${values}`);
      await page.waitForTimeout(2000);
      const epoch = await page.evaluate(() => window.__train.epoch);
      // a few dozen epochs per second: seen learning, not an "L" at x = 0
      assert.ok(epoch >= 10 && epoch <= 400, `epochs after 2 s: ${epoch}`);
      // a topic link opens at the same speed
      const link = TOPICS.find((tp) => tp.id === 'optimizers').lab;
      await openTrain(page, base, `${link.split('#')[1]}&lang=en`);
      assert.notEqual(await page.inputValue('#speed'), 'max');
    },
  },
  {
    name: 'defect 2: the loss axis has a log scale (kept in the URL) that survives 0, NaN and Infinity',
    timeout: 90000,
    async run({ page, base }) {
      await openTrain(page, base, 'lang=en&ab=sgd_adam&until=150&play=1');
      await pausedAt(page, 150);
      await page.check('#loss-log');
      await page.waitForFunction(() => window.__train.lossPlot?.log === true, null, LONG);
      assert.match(page.url(), /logy=1/);
      const s = await lossPlot(page);
      const losses = (await page.evaluate(() => window.__train.runs)).flatMap((r) => r.history.flatMap((row) => [row[1], row[2]]));
      const lo = Math.min(...losses.filter((v) => v > 0));
      assert.ok(s.y[0] <= lo && s.y[0] > 0, `log axis from ${s.y[0]} covers the smallest loss ${lo}`);
      assert.ok(s.drawn.every((n) => n > 10), `every curve is drawn: ${s.drawn}`);
      await page.reload();
      await page.waitForFunction(() => window.__train.lossPlot?.log === true, null, LONG);
      assert.ok(await page.isChecked('#loss-log'));
      // the Plot itself: 0 (below a log axis), NaN (a gap) and Infinity (above) are drawn or marked
      const r = await page.evaluate(async () => {
        const { Plot } = await import('./app/plot.js');
        const c = document.createElement('canvas');
        document.body.append(c);
        const p = new Plot(c, { width: 300, height: 200, x: { label: 'x' }, y: { label: 'y', log: true } });
        p.setSeries([{ type: 'line', xs: [0, 1, 2, 3, 4, 5], ys: [1, 0.1, 0, NaN, Infinity, 0.01], label: 'a' }]);
        const a = p.summary;
        p.setSeries([{ type: 'line', xs: [0, 1], ys: [0, 0] }]);
        const b = p.summary;
        p.opts.y.log = false;
        p.setSeries([{ type: 'line', xs: [0, 1, 2], ys: [NaN, Infinity, -Infinity] }]);
        return { a, b, c: p.summary };
      });
      assert.ok(r.a.drawn[0] >= 2 && r.a.marks >= 2, JSON.stringify(r.a));
      assert.ok(r.a.y[0] > 0 && r.a.y[0] <= 0.01 && r.a.y[1] >= 1, JSON.stringify(r.a.y));
      assert.ok(r.b.y[0] > 0 && Number.isFinite(r.b.y[1]), `all zeros on a log axis: ${JSON.stringify(r.b)}`);
      assert.ok(Number.isFinite(r.c.y[0]) && Number.isFinite(r.c.y[1]), JSON.stringify(r.c));
    },
  },
  {
    name: 'defect 3: a diverged run draws its blow-up (clipped, marked) on axes reset for the run',
    timeout: 90000,
    async run({ page, base, out }) {
      await openTrain(page, base, 'lang=en&speed=max&until=3000&play=1');
      await pausedAt(page, 3000);
      assert.ok((await lossPlot(page)).x[1] >= 3000);
      await page.click('[data-why="lr_too_high"]');
      await page.waitForSelector('#diagnosis .diag-stop', LONG);
      await page.waitForFunction(() => window.__train.lossPlot && window.__train.lossPlot.x[1] <= 10, null, LONG);
      const s = await lossPlot(page);
      assert.ok(s.x[1] <= 10, `the x axis is this run's: ${s.x}`);
      assert.ok(s.drawn.length >= 2 && s.drawn.every((n) => n >= 1), `both curves drawn: ${s.drawn}`);
      assert.ok(s.marks >= 1, 'the escape is marked at the top edge');
      assert.match(s.markLabel, /↑ \d(\.\d+)?e1\d/, `the blow-up's value: ${s.markLabel}`);
      // ink in the plot area (the line going up), not an empty frame
      const inked = await page.evaluate((box) => {
        const c = document.getElementById('loss-plot');
        const k = c.width / c.getBoundingClientRect().width;
        const d = c.getContext('2d').getImageData(Math.round((box.left + 2) * k), Math.round((box.top + 2) * k),
          Math.round((box.width / 4) * k), Math.round((box.height - 4) * k)).data;
        let n = 0;
        for (let i = 3; i < d.length; i += 4) if (d[i] > 200) n++;
        return n;
      }, s.plot);
      assert.ok(inked > 20, `pixels drawn near the start: ${inked}`);
      await page.locator('.col-out').screenshot({ path: join(out, 'ux-diverged.png') });
    },
  },
  {
    name: 'defect 8: the loss legend never covers the curves (dying-ReLU preset, A/B)',
    timeout: 90000,
    async run({ page, base, out }) {
      await openTrain(page, base, 'lang=en&why=dead_relus&until=200&play=1');
      await pausedAt(page, 200);
      let s = await lossPlot(page);
      assert.ok(s.legend, 'there is a legend');
      assert.ok(!overlap(s.legend, s.plot), `legend ${JSON.stringify(s.legend)} vs plot ${JSON.stringify(s.plot)}`);
      await page.click('#apply-fix');
      await page.waitForFunction(() => window.__train.runs.length === 2 && window.__train.runs[1].metrics?.epoch >= 20, null, LONG);
      s = await lossPlot(page);
      assert.ok(!overlap(s.legend, s.plot), `A/B: legend ${JSON.stringify(s.legend)} vs plot ${JSON.stringify(s.plot)}`);
      await page.locator('.col-out').screenshot({ path: join(out, 'ux-legend.png') });
    },
  },
  {
    name: 'defect 8: "1 hidden layer" (singular) in English, and the counts in Chinese',
    timeout: 60000,
    async run({ page, base }) {
      // (a new hash on the same page is a hashchange, not a load: wait for the text to follow)
      const layers = async (hash, want) => {
        await openTrain(page, base, hash);
        await page.waitForFunction((w) => document.getElementById('layers-count').textContent === w, want, LONG)
          .catch(async () => assert.equal(await page.textContent('#layers-count'), want));
      };
      await layers('lang=en&hidden=4', '1 hidden layer');
      await layers('lang=en&hidden=4,4', '2 hidden layers');
      await layers('lang=zh&hidden=4', '1 个隐藏层');
    },
  },
  {
    name: 'defect 8: a new learning rate mid-run can keep the weights (and the epoch count)',
    timeout: 90000,
    async run({ page, base }) {
      await openTrain(page, base, 'lang=en&until=100&play=1');
      await pausedAt(page, 100);
      assert.ok(await page.isVisible('#lr-keep'), 'the choice is shown beside the learning rate');
      await page.check('#lr-keep');
      await page.selectOption('#lr', '0.1');
      await page.waitForFunction(() => window.__train.lrChanges?.length === 1, null, LONG);
      const st = await page.evaluate(() => ({ epoch: window.__train.epoch, changes: window.__train.lrChanges, hist: window.__train.runs[0].history.length }));
      assert.equal(st.epoch, 100, 'the run goes on from where it was');
      assert.equal(st.hist, 101, 'its history is kept');
      assert.deepEqual(st.changes, [{ epoch: 100, lr: 0.1 }]);
      await page.click('#play');
      await page.waitForFunction(() => window.__train.epoch >= 120, null, LONG);
      const rows = (await page.evaluate(() => window.__train.runs[0].history));
      assert.ok(Math.abs(rows[110][5] - 0.1) < 1e-6, `lr after the change: ${rows[110][5]}`);
      assert.ok(Math.abs(rows[50][5] - 0.03) < 1e-6, `lr before: ${rows[50][5]}`);
      // unticked, a new learning rate restarts the run as before
      await page.uncheck('#lr-keep');
      await page.selectOption('#lr', '0.01');
      await page.waitForFunction(() => window.__train.epoch < 50, null, LONG);
      // a diverged run has nothing to keep: a new rate restarts it, even with the box ticked
      await openTrain(page, base, 'lang=en&why=lr_too_high&play=1');
      await page.waitForSelector('#diagnosis .diag-stop', LONG);
      assert.ok(await page.isChecked('#lr-keep'));
      await page.selectOption('#lr', '0.03');
      await page.waitForFunction(() => window.__train.runs[0]?.metrics?.status === 'training' && window.__train.epoch === 0, null, LONG);
      await page.click('#play');
      await page.waitForFunction(() => window.__train.runs[0]?.metrics?.status === 'training' && window.__train.epoch >= 5, null, LONG);
    },
  },
  {
    name: 'defect 8: the optimizer sits with the training controls and shows its update rule',
    timeout: 60000,
    async run({ page, base }) {
      await openTrain(page, base, 'lang=en');
      const opt = await page.locator('#opt-optimizer').boundingBox();
      const lr = await page.locator('#lr').boundingBox();
      assert.ok(Math.abs(opt.y - lr.y) < 300, `optimizer at y=${opt.y}, learning rate at y=${lr.y}`);
      assert.match(await page.textContent('#opt-rule'), /w ← w − η/);
      await page.selectOption('#opt-optimizer', 'adam');
      await page.waitForFunction(() => /v̂/.test(document.getElementById('opt-rule').textContent));
      // a new hash on the same page is a hashchange, not a load: wait for the rule to follow
      await openTrain(page, base, 'lang=zh&opt=rmsprop');
      await page.waitForFunction(() => /RMSprop/.test(document.getElementById('opt-rule').textContent), null, LONG)
        .catch(() => {});
      assert.match(await page.textContent('#opt-rule'), /RMSprop/);
      assert.match(await page.textContent('#opt-rule'), /[\u4e00-\u9fff]/);
    },
  },
  {
    name: 'defect 4: |A − B| legend: integer ticks without repeats, a minimum scale with a stretch toggle, "1 level"',
    timeout: 90000,
    async run({ page, base, out }) {
      await openResize(page, base, 'lang=en&src=photo&s=2&m=opencv&b=bilinear&v=diff');
      assert.equal((await page.evaluate(() => window.__resizeLab.diff)).max, 1);
      const legend = page.locator('#legend');
      await page.waitForFunction(() => document.getElementById('legend').dataset.ticks);
      const ticks = (await legend.getAttribute('data-ticks')).split(' ');
      assert.equal(new Set(ticks).size, ticks.length, `no repeated tick labels: ${ticks}`);
      assert.ok(ticks.every((v) => /^\d+$/.test(v)), `integer ticks: ${ticks}`);
      assert.ok(Number(await legend.getAttribute('data-scale')) >= 8, 'one level does not fill the colour scale');
      assert.match(await page.textContent('#diff-stats'), /^Largest difference 1 level, /);
      await page.screenshot({ path: join(out, 'ux-diff-1level.png') });
      await page.check('#diff-stretch');
      await page.waitForFunction(() => document.getElementById('legend').dataset.scale === '1', null, LONG);
      const t2 = (await legend.getAttribute('data-ticks')).split(' ');
      assert.deepEqual(t2, ['0', '1']);
      await openResize(page, base, 'lang=zh&src=photo&s=2&m=opencv&b=bilinear&v=diff');
      await page.reload();
      await page.waitForFunction(() => window.__resizeLab?.diff, null, LONG);
      assert.match(await page.textContent('#diff-stats'), /^最大差值 1 级/);
    },
  },
  {
    name: 'defect 6: a border cell whose field lies in padding shows its box and an empty support',
    timeout: 60000,
    async run({ page, base, out }) {
      await openConv(page, base, 'lang=en&stack=c3.1.1.1.16.1_c1.1.1.1.16.1&cell=0,0');
      await page.waitForFunction(() => document.getElementById('ro-r').textContent !== '–', null, LONG);
      assert.ok(await page.isHidden('#image-error'), `no error: ${await page.textContent('#image-error')}`);
      assert.equal(await page.textContent('#ro-r'), '3');
      assert.equal(await page.textContent('#ro-rows'), '-2..0');
      // the box touches pixel (0, 0), yet no pixel can change the cell: its layer 2 reads padding
      assert.equal(await page.textContent('#ro-clip'), 'rows 0..0, cols 0..0');
      assert.equal(await page.textContent('#ro-support'), '0 of 1 pixel (1 hole)');
      assert.match(await page.textContent('#erf-caption'), /empty/);
      await page.screenshot({ path: join(out, 'ux-conv-border.png') });
      // a cell on the image: red is the formula box's part on the image, as the caption says
      await openConv(page, base, 'lang=en&stack=c3.1.1.1.16.1_c1.1.1.1.16.1&cell=1,1');
      await page.waitForFunction(() => document.getElementById('ro-cell').textContent === '(1, 1)', null, LONG);
      assert.equal(await page.textContent('#ro-clip'), 'rows 0..1, cols 0..1');
      assert.equal(await page.textContent('#ro-support'), '4 of 4 pixels (0 holes)');
    },
  },
  {
    name: 'defect 8: on a touch phone the paste hint does not say Ctrl+V',
    timeout: 60000,
    async run({ newPage, base }) {
      const phone = await newPage(PHONE);
      await phone.goto(`${base}resize.html#lang=en`);
      await phone.waitForFunction(() => window.__resizeLab?.result, null, LONG);
      const visible = await phone.evaluate(() => [...document.querySelectorAll('.drop-hint, [data-i18n^="resize.drop_hint"]')]
        .filter((el) => el.offsetParent !== null).map((el) => el.textContent).join(' '));
      assert.ok(visible.length > 10, `a hint is shown: "${visible}"`);
      assert.doesNotMatch(visible, /Ctrl/);
    },
  },
  {
    name: 'defect 8: the home page has a compact view and a filter for topics with a lab',
    timeout: 60000,
    async run({ newPage, base, out }) {
      const phone = await newPage(PHONE);
      await phone.goto(`${base}index.html#lang=en`);
      await phone.waitForFunction(() => document.querySelectorAll('#topics li.topic').length === 25);
      const full = await phone.evaluate(() => document.documentElement.scrollHeight);
      await phone.click('#home-compact');
      const compact = await phone.evaluate(() => document.documentElement.scrollHeight);
      assert.ok(compact < full * 0.6 && compact < 3000, `compact view: ${full} -> ${compact} px`);
      await phone.click('#home-labs-only');
      const shown = await phone.$$eval('#topics li.topic', (lis) => lis.filter((li) => li.offsetParent !== null).map((li) => li.dataset.topic));
      assert.deepEqual(shown, TOPICS.filter((tp) => tp.lab).map((tp) => tp.id));
      assert.match(phone.url(), /compact=1/);
      assert.match(phone.url(), /labs=1/);
      await phone.screenshot({ path: join(out, 'ux-home-phone-compact.png'), fullPage: true });
      await phone.reload();
      await phone.waitForFunction(() => document.querySelectorAll('#topics li.topic').length === 25);
      assert.equal(await phone.getAttribute('#home-compact', 'aria-pressed'), 'true');
    },
  },
];
