// The training lab: a URL trains a reproducible curve, presets explain failures, CSV errors name
// their line, clicks add points, A/B runs compare two settings, and the layout fits a phone.
import { join } from 'node:path';
import assert from 'node:assert/strict';

const LONG = { timeout: 60000, polling: 100 };
const SEL = { timeout: 60000 };

/** Opens the lab and waits until the worker has delivered a first frame. */
async function openLab(page, base, hash) {
  await page.goto(`${base}train.html#${hash}`);
  await page.waitForFunction(() => ['paused', 'playing'].includes(document.body.dataset.trainState), null, LONG);
}

/** Waits until the run has paused at `epoch` (the URL's until=) and returns what the page shows. */
async function runUntil(page, epoch) {
  await page.waitForFunction(
    (e) => document.body.dataset.trainState === 'paused' && document.body.dataset.trainEpoch === String(e),
    epoch,
    LONG,
  );
  return page.evaluate(() => window.__train);
}

async function noHorizontalScroll(page) {
  const { scroll, inner } = await page.evaluate(() => ({ scroll: document.documentElement.scrollWidth, inner: innerWidth }));
  assert.ok(scroll <= inner, `page is ${scroll}px wide in a ${inner}px viewport`);
}

/** Uploads `text` as a CSV file and returns the error message the page shows for it. */
async function csvError(page, text) {
  await page.setInputFiles('#csv', { name: 'bad.csv', mimeType: 'text/csv', buffer: Buffer.from(text) });
  await page.waitForSelector('#csv-error:not([hidden])', SEL);
  return page.textContent('#csv-error');
}

const CSV_BAD = 'x1,x2,label\n1,2,0\n3,4,1\n5,6,0\n7,8,1\n\na,b\n';

export default [
  {
    name: 'a URL trains: the loss falls, and reloading it reproduces the same curve',
    timeout: 90000,
    async run({ page, base }) {
      const hash = 'lang=en&data=xor&feat=x1,x2,x1*x2&hidden=6,4&seed=5&noise=10&until=40&play=1';
      await openLab(page, base, hash);
      const first = await runUntil(page, 40);
      const rows = first.runs[0].history;
      assert.equal(rows.length, 41, 'one history row per epoch plus the start');
      assert.deepEqual(rows.map((r) => r[0]), Array.from({ length: 41 }, (_, i) => i), 'epochs 0..40 in order');
      const [start, end] = [rows[0], rows[40]];
      assert.ok(end[1] < start[1] * 0.5, `training loss fell: ${start[1]} -> ${end[1]}`);
      assert.ok(end[2] < start[2] * 0.5, `test loss fell: ${start[2]} -> ${end[2]}`);
      assert.equal(first.runs[0].metrics.status, 'training');
      const url = page.url();
      assert.match(url, /data=xor/);
      assert.match(url, /until=40/);
      await page.reload();
      const second = await runUntil(page, 40);
      assert.deepEqual(second.runs[0].history, rows, 'the same URL trains the same curve');
      // a different seed is a different run
      await page.goto(`${base}train.html#${hash.replace('seed=5', 'seed=6')}`);
      const other = await runUntil(page, 40);
      assert.notDeepEqual(other.runs[0].history[1], rows[1]);
    },
  },
  {
    name: 'the "learning rate too high" preset diverges and the diagnosis names the cause',
    timeout: 60000,
    async run({ page, base }) {
      await openLab(page, base, 'lang=en');
      await page.click('[data-why="lr_too_high"]');
      await page.waitForSelector('#diagnosis .diag-stop', SEL);
      const diag = page.locator('#diagnosis .diag-stop');
      assert.equal(await diag.getAttribute('data-cause'), 'lr_too_high');
      const text = await diag.textContent();
      assert.match(text, /learning rate 1 is too high/);
      assert.match(text, /Training stopped/);
      const state = await page.evaluate(() => window.__train);
      assert.equal(state.runs[0].metrics.status, 'diverged');
      assert.equal(state.playing, false, 'a diverged run stops playing');
      assert.ok(await page.isVisible('#why-card'), 'the explanation is shown');
      assert.match(await page.textContent('#why-card'), /overshoots|longer than the valley/);
      assert.match(page.url(), /why=lr_too_high/);
      assert.match(page.url(), /lr=1(&|$)/);
      // the fix runs beside it: B keeps training
      await page.click('#apply-fix');
      await page.waitForFunction(() => window.__train.runs.length === 2 && window.__train.runs[1].metrics?.epoch >= 5, null, LONG);
      const ab = await page.evaluate(() => window.__train.runs.map((r) => r.metrics.status));
      assert.deepEqual(ab, ['diverged', 'training']);
      assert.match(page.url(), /b\.lr=0\.03/);
    },
  },
  {
    name: 'all-zero init: the health check reports the symmetry',
    timeout: 60000,
    async run({ page, base }) {
      await openLab(page, base, 'lang=en&init=zeros&until=40&play=1');
      await runUntil(page, 40);
      await page.waitForSelector('#diagnosis li[data-hint="symmetry"]', SEL);
      assert.match(await page.textContent('#diagnosis'), /exactly the same weights/);
    },
  },
  {
    name: 'a malformed CSV shows a message with the line number; a good one becomes the data',
    timeout: 60000,
    async run({ page, base }) {
      await openLab(page, base, 'lang=en');
      const msg = await csvError(page, CSV_BAD);
      assert.match(msg, /line 7: expected 3 comma-separated numbers x1,x2,label, got 'a,b'/);
      const good = 'x1,x2,label\n' + Array.from({ length: 30 }, (_, i) => {
        const a = (i / 30) * 2 * Math.PI;
        const r = i % 2 ? 4 : 1.5;
        return `${(r * Math.cos(a)).toFixed(3)},${(r * Math.sin(a)).toFixed(3)},${i % 2}`;
      }).join('\n');
      await page.setInputFiles('#csv', { name: 'rings.csv', mimeType: 'text/csv', buffer: Buffer.from(good) });
      await page.waitForSelector('#csv-error[hidden]', { ...SEL, state: 'attached' });
      await page.waitForSelector('[data-dataset="custom"][aria-checked="true"]', SEL);
      await page.waitForFunction(() => window.__train.runs[0]?.metrics && document.body.dataset.trainState === 'paused', null, LONG);
      assert.match(page.url(), /data=custom/);
      assert.match(page.url(), /pts=/);
      // reload: the points come back from the URL
      await page.reload();
      await page.waitForSelector('[data-dataset="custom"][aria-checked="true"]', SEL);
    },
  },
  {
    name: 'zh: Rust\'s CSV error shows in Chinese with its line number and text',
    timeout: 60000,
    async run({ page, base }) {
      await openLab(page, base, 'lang=zh');
      const msg = await csvError(page, CSV_BAD);
      // error.csv_fields in zh, filled with the line and the line's text from Rust's vars
      assert.match(msg, /第 7 行应是 3 个用逗号分隔的数 x1,x2,label，实际是“a,b”/);
      assert.doesNotMatch(msg, /expected|parse error/);
    },
  },
  {
    name: 'clicking the output plot adds a point of the chosen class, kept in the URL',
    timeout: 60000,
    async run({ page, base }) {
      await openLab(page, base, 'lang=en&data=gauss');
      await page.click('#add-class button:first-child');
      const plot = page.locator('#boundaries canvas').first();
      const box = await plot.boundingBox();
      await plot.click({ position: { x: box.width * 0.8, y: box.height * 0.2 } });
      await page.waitForFunction(() => /add=/.test(location.hash), null, LONG);
      const add = decodeURIComponent(page.url().split('add=')[1].split('&')[0]).split(',').map(Number);
      assert.equal(add.length, 3);
      assert.ok(add[0] > 0 && add[1] > 0, `the point lands top right: ${add}`);
      assert.equal(add[2], 0, 'class 0 was chosen');
    },
  },
  {
    name: 'A/B: L1 leaves more near-zero weights than L2 on the same data and seed',
    timeout: 90000,
    async run({ page, base }) {
      await openLab(page, base, 'lang=en&ab=l1_l2&until=150&play=1');
      await page.waitForFunction(() => {
        const r = window.__train?.runs;
        return document.body.dataset.trainState === 'paused' && r?.length === 2 && r.every((x) => x.metrics?.epoch === 150 && x.health);
      }, null, LONG);
      const runs = await page.evaluate(() => window.__train.runs);
      const [l1, l2] = runs.map((r) => r.health.near_zero_weights);
      assert.ok(l1 > l2 + 0.2, `near-zero share: L1 ${l1} vs L2 ${l2}`);
      assert.match(await page.textContent('#ab-table'), /Weights with \|w\| < 0\.01/);
      assert.equal(await page.locator('#boundaries canvas').count(), 2, 'two decision boundaries side by side');
    },
  },
  {
    name: 'every control writes its hash key (the same keys as ever) and the Trainer accepts the value',
    timeout: 90000,
    async run({ page, base }) {
      await openLab(page, base, 'lang=en&until=3&play=1');
      await runUntil(page, 3);
      const hash = () => page.evaluate(() => Object.fromEntries(new URLSearchParams(location.hash.slice(1))));
      /** Changes a control, then checks the hash and that the restarted run trains without error. */
      async function change(what, act, expect) {
        await act();
        const h = await hash();
        for (const [k, v] of Object.entries(expect)) assert.equal(h[k], v, `${what}: ${k} in ${JSON.stringify(h)}`);
        // the restart empties the history: 4 rows (epochs 0..3) again means the new run got there
        await page.waitForFunction(() => {
          const r = window.__train.runs[0];
          return r?.error || (document.body.dataset.trainState === 'paused' && r?.metrics?.epoch === 3 && r.history.length === 4);
        }, null, LONG);
        const run = (await page.evaluate(() => window.__train.runs))[0];
        assert.equal(run.error, null, `${what}: the Trainer refused the config`);
      }
      const select = (id, v) => () => page.selectOption(`#${id}`, v);
      const slide = (id, v) => () => page.$eval(`#${id}`, (el, x) => {
        el.value = x;
        el.dispatchEvent(new Event('change'));
      }, v);
      /** [what, action, hash keys it must write] in order; each builds on the ones before */
      const steps = [
        ['optimizer', select('opt-optimizer', 'momentum'), { opt: 'momentum' }],
        ['momentum', select('opt-momentum', '0.5'), { mom: '0.5' }],
        ['init', select('opt-init', 'uniform'), { init: 'uniform' }],
        ['init scale', select('opt-init_scale', '0.1'), { iscale: '0.1' }],
        ['schedule', select('opt-schedule', 'step'), { sched: 'step' }],
        ['step every', select('opt-step_every', '25'), { every: '25' }],
        ['step gamma', select('opt-step_gamma', '0.3'), { gamma: '0.3' }],
        ['loss', select('opt-loss', 'focal'), { loss: 'focal' }],
        ['focal gamma', select('opt-focal_gamma', '1'), { fg: '1' }],
        ['focal alpha', select('opt-focal_alpha', '0.75'), { fa: '0.75' }],
        ['dropout', select('opt-dropout', '0.2'), { drop: '0.2' }],
        ['warmup', select('opt-warmup', '5'), { warm: '5' }],
        ['clip', select('opt-clip_norm', '1'), { clip: '1' }],
        ['label smoothing', select('opt-label_smoothing', '0.1'), { ls: '0.1' }],
        ['weight decay', select('opt-weight_decay', '0.001'), { wd: '0.001' }],
        ['early stopping', select('opt-early_stopping', '10'), { es: '10' }],
        ['batch norm', () => page.check('#opt-batch_norm'), { bn: '1' }],
        ['normalize', () => page.check('#opt-normalize_inputs'), { norm: '1' }],
        ['learning rate', select('lr', '0.1'), { lr: '0.1' }],
        ['activation', select('act', 'elu'), { act: 'elu' }],
        ['regularization', select('reg', 'l1'), { l1: '0.003' }],
        ['ratio', slide('ratio', '70'), { ratio: '70' }],
        ['noise', slide('noise', '15'), { noise: '15' }],
        ['batch', slide('batch', '20'), { batch: '20' }],
        ['points', slide('points', '300'), { n: '300' }],
        ['feature', () => page.click('[data-feature="sin_x1"]'), { feat: 'x1,x2,sin_x1' }],
        ['layer', () => page.click('#add-layer'), { hidden: '4,2,2' }],
        ['unit', () => page.click('#network .layer-head >> nth=2 >> button >> nth=0'), { hidden: '4,2,3' }],
        ['dataset', () => page.click('[data-dataset="spiral"]'), { data: 'spiral' }],
        ['classes', slide('classes', '4'), { k: '4' }],
      ];
      for (const [what, act, expect] of steps) await change(what, act, expect);
      // a regression drops a classification loss rather than fail
      await change('regression', () => page.click('[data-dataset="plane"]'), { data: 'plane' });
      assert.equal((await hash()).loss, undefined, 'focal loss dropped for a regression');
      const before = (await page.evaluate(() => window.__train.runs))[0].history;
      await page.reload();
      const after = (await runUntil(page, 3)).runs[0].history;
      assert.deepEqual(after, before, 'the link reproduces the run');
    },
  },
  {
    name: 'screenshots: desktop 1280 and phone 375x812 in Chinese, no horizontal scroll',
    timeout: 90000,
    async run({ page, newPage, base, out }) {
      await openLab(page, base, 'lang=en&data=spiral&k=3&hidden=8,8&act=relu&opt=adam&lr=0.01&until=100&play=1');
      await runUntil(page, 100);
      await noHorizontalScroll(page);
      await page.screenshot({ path: join(out, 'train-desktop.png'), fullPage: true });
      const phone = await newPage({ viewport: { width: 375, height: 812 }, deviceScaleFactor: 2, isMobile: true, hasTouch: true });
      await openLab(phone, base, 'lang=zh&why=dead_relus&until=60&play=1');
      await runUntil(phone, 60);
      assert.equal(await phone.textContent('h1'), '训练实验：看着一个神经网络学习');
      await noHorizontalScroll(phone);
      await phone.screenshot({ path: join(out, 'train-phone.png'), fullPage: true });
      await phone.screenshot({ path: join(out, 'train-phone-top.png') });
    },
  },
];
