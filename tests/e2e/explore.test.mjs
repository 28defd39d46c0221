// The two explorers as a person uses them: optim.html (optimizer paths) and activations.html
// (activation curves and the gradient at layer 1 against depth). Plots draw, a step changes the
// numbers of the update rules (and they show the engine's point), play advances, dragging on the
// plot moves the start, the surface buttons switch function, the hash reproduces the view,
// hovering reads f and f' from the engine, a bad hash does not break either page, and the pages
// fit a phone in both languages. (Console errors, CSP violations included, fail every test.)
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import assert from 'node:assert/strict';

const www = join(import.meta.dirname ?? new URL('.', import.meta.url).pathname, '..', '..', 'www');
const strings = {
  en: JSON.parse(readFileSync(join(www, 'i18n', 'en.json'), 'utf8')),
  zh: JSON.parse(readFileSync(join(www, 'i18n', 'zh.json'), 'utf8')),
};
const PHONE = { viewport: { width: 390, height: 844 }, isMobile: true, hasTouch: true };

async function openOptim(page, base, hash = '') {
  await page.goto(`${base}optim.html${hash}`);
  await page.waitForFunction(() => document.body.dataset.optimReady === '1', null, { timeout: 20000 });
}

async function openActiv(page, base, hash = '') {
  await page.goto(`${base}activations.html${hash}`);
  await page.waitForFunction(() => document.body.dataset.activReady === '1', null, { timeout: 20000 });
}

/** Pixels of a canvas that are painted, and those close to an RGB colour. */
function inkOf(page, selector, rgb = null) {
  return page.evaluate(([sel, rgb]) => {
    const c = document.querySelector(sel);
    const d = c.getContext('2d').getImageData(0, 0, c.width, c.height).data;
    let painted = 0;
    let colour = 0;
    for (let i = 0; i < d.length; i += 4) {
      if (d[i + 3] > 0) painted++;
      if (rgb && d[i + 3] > 200 && Math.abs(d[i] - rgb[0]) + Math.abs(d[i + 1] - rgb[1]) + Math.abs(d[i + 2] - rgb[2]) < 40) colour++;
    }
    return { painted, colour, total: d.length / 4 };
  }, [selector, rgb]);
}

async function noError(page) {
  const shown = await page.evaluate(() => {
    const box = document.querySelector('[data-error]');
    return box && !box.hidden ? box.textContent : '';
  });
  assert.equal(shown, '', 'an error box is shown');
}

async function noOverflow(page) {
  const { scroll, inner } = await page.evaluate(() => ({ scroll: document.documentElement.scrollWidth, inner: innerWidth }));
  assert.ok(scroll <= inner, `page is ${scroll}px wide in a ${inner}px viewport`);
}

const fmtNum = (v) => (v === 0 ? '0' : Math.abs(v) < 1e-3 || Math.abs(v) >= 1e5 ? v.toExponential(2) : String(Number(v.toPrecision(4))));

export default [
  {
    name: 'optimizer explorer: contours and seven paths draw; a step changes the rule numbers to the engine point',
    async run({ page, base }) {
      await openOptim(page, base, '#f=ravine&t=0');
      await noError(page);
      const ink = await inkOf(page, '#plot', [209, 36, 47]);
      assert.ok(ink.painted > ink.total * 0.05, `plot barely drawn: ${ink.painted} of ${ink.total} pixels`);
      assert.equal(await page.locator('#opt-table tbody tr').count(), 7);
      assert.equal(await page.locator('#rules .rule-card').count(), 7);
      const before = await page.locator('#rules .rule-card[data-opt="adam"]').textContent();
      await page.click('#step');
      await page.waitForFunction(() => document.getElementById('t-out').textContent === '1');
      const after = await page.locator('#rules .rule-card[data-opt="adam"]').textContent();
      assert.notEqual(after, before, 'the Adam card did not change after a step');
      // each card ends in the engine's point after step 1
      const pts = await page.evaluate(() => window.__optim.paths.map((p) => p.pts[1]));
      const ids = ['sgd', 'momentum', 'nesterov', 'adagrad', 'rmsprop', 'adam', 'adamw'];
      for (const [i, id] of ids.entries()) {
        const last = await page.locator(`#rules .rule-card[data-opt="${id}"] li`).last().textContent();
        assert.ok(last.endsWith(`(${fmtNum(pts[i][0])}, ${fmtNum(pts[i][1])})`), `${id}: "${last}" vs engine ${pts[i]}`);
      }
      // a second step changes them again; the hash follows
      await page.click('#step');
      const third = await page.locator('#rules .rule-card[data-opt="adam"]').textContent();
      assert.notEqual(third, after);
      assert.match(await page.evaluate(() => location.hash), /t=2/);
      // play advances, pause stops
      await page.click('#play');
      await page.waitForFunction(() => Number(document.getElementById('t-out').textContent) > 10);
      await page.click('#play');
      const t1 = await page.locator('#t-out').textContent();
      await page.waitForTimeout(200);
      assert.equal(await page.locator('#t-out').textContent(), t1, 'still playing after pause');
      // the slider sets the step
      await page.locator('#t').fill('150');
      await page.waitForFunction(() => document.getElementById('t-out').textContent === '150');
      // a link of the explanation opens its view while playing, and the hash follows it
      await page.click('#play');
      await page.click('a[href^="#f=saddle"]');
      await page.waitForFunction(() => window.__optim.state.fn.id === 'saddle' && window.__optim.state.t === 30);
      await page.waitForTimeout(100);
      const h = await page.evaluate(() => location.hash);
      assert.match(h, /f=saddle/);
      assert.match(h, /t=30/);
      assert.match(h, /lang=en/);
      assert.equal(await page.locator('#t-out').textContent(), '30', 'still playing after following a link');
      // reset goes back to 0
      await page.click('#reset');
      await page.waitForFunction(() => document.getElementById('t-out').textContent === '0');
    },
  },
  {
    name: 'optimizer explorer: dragging on the plot moves the start, and the link reproduces it',
    async run({ page, base }) {
      await openOptim(page, base, '#f=ravine&t=40');
      const target = { x: 2, y: -1 };
      const { from, to } = await page.evaluate((target) => {
        const { plot, state } = window.__optim;
        const r = document.getElementById('plot').getBoundingClientRect();
        const a = plot.toPixel(state.start[0], state.start[1]);
        const b = plot.toPixel(target.x, target.y);
        return { from: { x: r.left + a.x, y: r.top + a.y }, to: { x: r.left + b.x, y: r.top + b.y } };
      }, target);
      await page.mouse.move(from.x, from.y);
      await page.mouse.down();
      await page.mouse.move((from.x + to.x) / 2, (from.y + to.y) / 2, { steps: 4 });
      await page.mouse.move(to.x, to.y, { steps: 4 });
      await page.mouse.up();
      await page.waitForFunction(() => /start=/.test(location.hash) && Math.abs(window.__optim.state.start[0] - 2) < 0.1);
      const s = await page.evaluate(() => ({ start: window.__optim.state.start, p0: window.__optim.paths[0].pts[0], hash: location.hash }));
      assert.ok(Math.abs(s.start[1] + 1) < 0.1, `start y ${s.start[1]}`);
      assert.ok(Math.abs(s.p0[0] - s.start[0]) < 1e-6 && Math.abs(s.p0[1] - s.start[1]) < 1e-6, 'paths start at the new start');
      const m = /start=([^&]+)/.exec(s.hash);
      assert.ok(m, s.hash);
      // the same by keyboard: the start's number inputs (clamped to the view)
      await page.locator('#start-x').fill('-1.5');
      await page.locator('#start-x').press('Enter');
      await page.waitForFunction(() => window.__optim.state.start[0] === -1.5 && window.__optim.paths[0].pts[0][0] === -1.5);
      await page.locator('#start-y').fill('99');
      await page.locator('#start-y').press('Enter');
      await page.waitForFunction(() => window.__optim.state.start[1] === 1.6);
      // another surface, a learning rate, then reload the link: the same view
      await page.click('#fns button[data-fn="rosenbrock"]');
      await page.waitForFunction(() => /f=rosenbrock/.test(location.hash));
      assert.match(await page.locator('#fn-formula').textContent(), /100\(y − x²\)²/);
      const lr = page.locator('#opt-table tbody tr[data-opt="adam"] input[type="number"]');
      await lr.fill('0.02');
      await lr.press('Enter');
      await page.waitForFunction(() => window.__optim.state.lrs[5] === 0.02);
      const link = await page.evaluate(() => location.href);
      const want = await page.evaluate(() => JSON.stringify(window.__optim.paths.map((p) => p.pts[37] ?? null)));
      await page.goto('about:blank');
      await page.goto(link);
      await page.waitForFunction(() => document.body.dataset.optimReady === '1');
      const got = await page.evaluate(() => JSON.stringify(window.__optim.paths.map((p) => p.pts[37] ?? null)));
      assert.equal(got, want, 'the link does not reproduce the paths');
      assert.equal(await page.locator('#opt-table tbody tr[data-opt="adam"] input[type="number"]').inputValue(), '0.02');
    },
  },
  {
    name: 'optimizer explorer: a bad hash falls back to defaults and the page works',
    async run({ page, base }) {
      for (const hash of ['#f=%E0%A4%A&start=abc,1e999&lr=-1,NaN,1e99,,x&t=-4&hide=%3Cscript%3E', '#f=__proto__&t=1e9&start=100,-100', '#lr=' + '9'.repeat(400)]) {
        await openOptim(page, base, hash);
        await noError(page);
        const s = await page.evaluate(() => ({ f: window.__optim.state.fn.id, t: window.__optim.state.t, start: window.__optim.state.start, lrs: window.__optim.state.lrs }));
        assert.ok(['ravine'].includes(s.f), `${hash}: f ${s.f}`);
        assert.ok(s.t >= 0 && s.t <= 300, `${hash}: t ${s.t}`);
        assert.ok(s.start.every(Number.isFinite) && s.lrs.every((v) => v > 0 && v <= 10), `${hash}: ${JSON.stringify(s)}`);
        const ink = await inkOf(page, '#plot');
        assert.ok(ink.painted > ink.total * 0.05, `${hash}: plot not drawn`);
        if (hash.includes('%E0%A4%A')) assert.match(await page.textContent('.hash-note'), /f=%E0%A4%A/, 'the ignored part is named');
        await page.click('#step');
        await page.waitForFunction((t0) => Number(document.getElementById('t-out').textContent) === Math.min(300, t0 + 1), s.t);
      }
    },
  },
  {
    name: 'activation explorer: eight engine curves with shading, a cursor readout, the depth plot',
    async run({ page, base }) {
      await openActiv(page, base, '#x=1');
      await noError(page);
      const cards = page.locator('#acts .act-card');
      assert.equal(await cards.count(), 8);
      for (let i = 0; i < 8; i++) {
        const ink = await inkOf(page, `#acts .act-card:nth-child(${i + 1}) canvas`, [31, 111, 235]);
        assert.ok(ink.colour > 100, `card ${i + 1}: the f curve is not drawn (${ink.colour} blue pixels)`);
      }
      // sigmoid is shaded (saturated tails), ReLU too (x < 0), linear never
      const runs = await page.evaluate(() => Object.fromEntries(window.__activ.cards.map((c) => [c.name, c.plot.runs])));
      assert.equal(runs.linear.length, 0);
      assert.equal(runs.sigmoid.length, 2);
      assert.ok(runs.relu.length === 1 && runs.relu[0][1] <= 0.03, JSON.stringify(runs.relu));
      // hovering the sigmoid plot at x = -2 reads f and f' of the engine there
      const sig = page.locator('#acts .act-card[data-act="sigmoid"]');
      const at = await page.evaluate(() => {
        const c = window.__activ.cards.find((k) => k.name === 'sigmoid');
        const r = c.canvas.getBoundingClientRect();
        const p = c.plot.toPixel(-2, 0.5);
        return { x: r.left + p.x, y: r.top + p.y };
      });
      const before = await sig.locator('.act-readout').textContent();
      await page.mouse.move(at.x, at.y);
      await page.waitForFunction(() => Math.abs(window.__activ.state.x + 2) < 0.05);
      const text = await sig.locator('.act-readout').textContent();
      assert.notEqual(text, before);
      const x = await page.evaluate(() => window.__activ.state.x);
      const f = 1 / (1 + Math.exp(-Math.fround(x)));
      assert.ok(text.includes(`f = ${fmtNum(Math.fround(f))}`) || text.includes(`f = ${fmtNum(f)}`), `${text} vs sigmoid(${x}) = ${f}`);
      await page.waitForFunction(() => /x=-[12]/.test(location.hash));
      // the slider moves the same cursor
      await page.locator('#x').fill('-4');
      await page.waitForFunction(() => window.__activ.state.x === -4);
      assert.match(await sig.locator('.act-readout').textContent(), /x = -4/);
      // the depth plot: 8 lines, the legend beside it (not on it), init changes the numbers
      const ink = await inkOf(page, '#depth');
      assert.ok(ink.painted > ink.total * 0.03, 'depth plot not drawn');
      assert.equal(await page.locator('#depth-legend li').count(), 8);
      const d = await page.evaluate(() => window.__activ.depth);
      assert.ok(d.sigmoid.first_rms[9] < 1e-4 * d.sigmoid.first_rms[0], 'sigmoid does not vanish');
      const legendBefore = await page.locator('#depth-legend').textContent();
      await page.selectOption('#init', 'kaiming_uniform');
      await page.waitForFunction(() => /init=kaiming_uniform/.test(location.hash));
      assert.notEqual(await page.locator('#depth-legend').textContent(), legendBefore);
      const href = await page.locator('#to-train').getAttribute('href');
      assert.match(href, /^train\.html#why=sigmoid_deep&play=1/);
    },
  },
  {
    name: 'activation explorer: a bad hash falls back to defaults',
    async run({ page, base }) {
      for (const hash of ['#x=abc&init=%%', '#x=1e999&init=__proto__&lang=xx', '#x=' + '-'.repeat(300)]) {
        await openActiv(page, base, hash);
        await noError(page);
        const s = await page.evaluate(() => window.__activ.state);
        assert.ok(Number.isFinite(s.x) && s.x >= -6 && s.x <= 6, `${hash}: x ${s.x}`);
        assert.equal(s.init, 'xavier_uniform');
        assert.equal(await page.locator('#acts .act-card').count(), 8);
        if (hash.includes('%%')) assert.match(await page.textContent('.hash-note'), /init=%%/, 'the ignored part is named');
      }
    },
  },
  {
    name: 'both explorers in Chinese on a phone: translated, no horizontal scroll',
    async run({ newPage, base }) {
      const page = await newPage(PHONE);
      await openOptim(page, base, '#lang=zh&t=30');
      assert.equal(await page.locator('h1').textContent(), strings.zh['optim.heading']);
      assert.equal(await page.locator('#rules .rule-card[data-opt="momentum"] .rule-name').textContent(), strings.zh['optim.opt.momentum']);
      await noOverflow(page);
      await openActiv(page, base, '#lang=zh');
      assert.equal(await page.locator('h1').textContent(), strings.zh['activ.heading']);
      await noOverflow(page);
      // the language switch re-labels the dynamic text
      await page.click('[data-lang-choice="en"]');
      await page.waitForFunction((h) => document.querySelector('h1').textContent === h, strings.en['activ.heading']);
      assert.equal(await page.locator('#acts .act-card[data-act="elu"] .act-name').textContent(), strings.en['activ.name.elu']);
    },
  },
];
