// The outputs-and-losses lab (losses.html, issue 12) as a person uses it: typed logits give the
// kernel's softmax (1000-logit case included, where the naive f32 column overflows); the CE and
// MSE gradient curves equal their closed forms; the focal curve at γ = 0 is CE; bad input gets a
// message at its control and nothing NaN is drawn; the four live A/B runs complete with the
// numbers the lab claims (CE's first-layer gradient above MSE's, α-CE and focal find the rare
// digit CE misses, ECE for both smoothing settings, three KD student accuracies); the page fits a
// phone in both languages. (Console errors, CSP violations included, fail every test.)
import assert from 'node:assert/strict';

const PHONE = { viewport: { width: 390, height: 844 }, isMobile: true, hasTouch: true };
const LONG = { timeout: 300000 };

async function open(page, base, hash = '#lang=en') {
  await page.goto(`${base}losses.html${hash}`);
  await page.waitForFunction(() => document.body.dataset.lossesReady === '1', null, { timeout: 30000 });
}

async function typeInto(page, sel, text) {
  await page.fill(sel, text);
  await page.press(sel, 'Tab');
}

async function noErrorBox(page) {
  const shown = await page.evaluate(() => {
    const box = document.querySelector('[data-error]');
    return box && !box.hidden ? box.textContent : '';
  });
  assert.equal(shown, '', 'an error box is shown');
}

/** Column `col` of the softmax table as numbers (text "NaN"/"∞" stay text). */
const column = (page, col) => page.$$eval('#sm-table tbody tr', (rows, c) => rows.map((r) => r.children[c].textContent), col);
const num = (s) => Number(String(s).replace('−', '-'));

async function runExp(page, btn, exp) {
  await page.click(btn);
  await page.waitForFunction((e) => window.__losses.results[e]?.done, exp, LONG);
  return page.evaluate((e) => window.__losses.results[e].runs.map((r) => ({
    label: r.label, history: r.history, report: r.report, error: r.error,
  })), exp);
}

export default [
  {
    name: "softmax panel: typed logits give the kernel's numbers; 1000, 999, 998 stays finite while the naive f32 form overflows",
    async run({ page, base }) {
      await open(page, base);
      await typeInto(page, '#logits', '3, -1, 0.5, 2');
      await page.waitForFunction(() => document.querySelectorAll('#sm-table tbody tr').length === 4);
      const kernel = await page.evaluate(() => {
        const dl = window.__losses.dl;
        const x = new dl.Tensor(Float32Array.of(3, -1, 0.5, 2), [1, 4]);
        const y = dl.softmax(x, 1);
        const s = dl.sigmoid(x);
        const out = [Array.from(y.toArray()), Array.from(s.toArray())];
        x.free(); y.free(); s.free();
        return out;
      });
      const shown = (await column(page, 4)).map(num);
      const sig = (await column(page, 7)).map(num);
      kernel[0].forEach((v, i) => assert.ok(Math.abs(shown[i] - v) < 1e-6, `softmax[${i}]: ${shown[i]} vs kernel ${v}`));
      kernel[1].forEach((v, i) => assert.ok(Math.abs(sig[i] - v) < 1e-6, `sigmoid[${i}]: ${sig[i]} vs kernel ${v}`));
      // f64 reference
      const e = [3, -1, 0.5, 2].map((v) => Math.exp(v - 3));
      const z = e.reduce((a, b) => a + b);
      e.forEach((v, i) => assert.ok(Math.abs(shown[i] - v / z) < 1e-6));

      await page.click('#preset-big');
      await page.waitForFunction(() => document.querySelectorAll('#sm-table tbody tr').length === 3);
      const big = (await column(page, 4)).map(num);
      const want = [0, -1, -2].map((v) => Math.exp(v));
      const zs = want.reduce((a, b) => a + b);
      want.forEach((v, i) => assert.ok(Math.abs(big[i] - v / zs) < 1e-6, `1000-case softmax[${i}] = ${big[i]}`));
      assert.ok(big.every(Number.isFinite));
      assert.deepEqual(await column(page, 5), ['∞', '∞', '∞'], 'naive e^z in f32 overflows');
      assert.deepEqual(await column(page, 6), ['NaN', 'NaN', 'NaN'], 'naive softmax in f32 is NaN');
      assert.match(await page.textContent('#sm-naive'), /NaN/);
      const h = new URL(page.url()).hash;
      assert.match(decodeURIComponent(h), /z=1000,999,998/);
      // two classes: softmax = sigmoid of the difference
      await typeInto(page, '#z1', '2.5');
      await typeInto(page, '#z2', '-0.75');
      const two = await page.evaluate(() => window.__losses.two);
      assert.ok(Math.abs(two.softmax - two.sigmoid) < 1e-6, JSON.stringify(two));
      assert.ok(Math.abs(two.sigmoid - 1 / (1 + Math.exp(-3.25))) < 1e-6);
      // temperature: a larger T flattens the softmax
      await typeInto(page, '#T', '5');
      const flat = (await column(page, 4)).map(num);
      assert.ok(flat[0] < big[0] && flat[2] > big[2], `T=5: ${flat} vs ${big}`);
      await noErrorBox(page);
    },
  },
  {
    name: 'CE vs MSE: the gradient curves equal p − 1 and 2(p − 1)p(1 − p); the cursor reads them; CE is convex in w, MSE not',
    async run({ page, base }) {
      await open(page, base, '#lang=en&cursor=0.02');
      const c = await page.evaluate(() => window.__losses.curves);
      for (const p of [0.05, 0.2, 0.5, 0.8, 0.95]) {
        const i = c.ps.findIndex((v) => Math.abs(v - p) < 1e-9);
        assert.ok(i >= 0, `grid has p=${p}`);
        assert.ok(Math.abs(c.ceGrad[i] - (p - 1)) < 1e-5, `CE grad at ${p}: ${c.ceGrad[i]}`);
        assert.ok(Math.abs(c.mseGrad[i] - 2 * (p - 1) * p * (1 - p)) < 1e-5, `MSE grad at ${p}: ${c.mseGrad[i]}`);
        assert.ok(Math.abs(c.ceLoss[i] + Math.log(p)) < 1e-5);
        assert.ok(Math.abs(c.mseLoss[i] - (p - 1) ** 2) < 1e-5);
      }
      const cur = await page.evaluate(() => window.__losses.cursor);
      assert.equal(cur.p, 0.02);
      assert.ok(Math.abs(cur.ceGrad + 0.98) < 1e-5 && Math.abs(cur.mseGrad - 2 * -0.98 * 0.02 * 0.98) < 1e-5);
      assert.match(await page.textContent('#cursor-out'), /−0\.98/);
      const s = await page.evaluate(() => window.__losses.surface);
      assert.ok(s.ceMinCurvature >= 0 && s.mseMinCurvature < 0, `${s.ceMinCurvature} ${s.mseMinCurvature}`);
      // dragging on the gradient plot moves the cursor (and the hash)
      await page.locator('#cm-grad').scrollIntoViewIfNeeded();
      const box = await page.locator('#cm-grad').boundingBox();
      await page.mouse.click(box.x + box.width * 0.75, box.y + box.height / 2);
      const moved = await page.evaluate(() => window.__losses.cursor.p);
      assert.ok(moved > 0.5 && moved < 1, `cursor ${moved}`);
    },
  },
  {
    name: 'focal: at γ = 0 (no α) the curve is CE; γ shrinks the easy examples; α scales it',
    async run({ page, base }) {
      await open(page, base);
      const f = await page.evaluate(() => window.__losses.focal);
      const c = await page.evaluate(() => window.__losses.curves);
      assert.equal(f.alpha, null);
      f.curves[0].loss.forEach((v, i) => assert.ok(Math.abs(v - c.ceLoss[i]) < 1e-5 * (1 + c.ceLoss[i]), `γ=0 at p=${f.ps[i]}: ${v} vs CE ${c.ceLoss[i]}`));
      const i9 = f.ps.findIndex((p) => Math.abs(p - 0.9) < 1e-9);
      assert.ok(Math.abs(f.curves[2].loss[i9] / c.ceLoss[i9] - 0.01) < 1e-4, 'γ=2 keeps 1% at p=0.9');
      await page.check('#aon');
      const a = await page.evaluate(() => window.__losses.focal);
      assert.equal(a.alpha, 0.9);
      assert.ok(Math.abs(a.curves[0].loss[i9] - 0.9 * c.ceLoss[i9]) < 1e-5);
    },
  },
  {
    name: 'bad input: text, ±Infinity, 1e39 logits; γ < 0; ε = 1; T ≤ 0; α > 1 get a message at the control, nothing NaN drawn, the lab keeps working',
    async run({ page, base }) {
      await open(page, base);
      const before = await column(page, 4);
      for (const bad of ['abc, 1', 'Infinity, 2', '-Infinity, 0', '1e39, 0', '1']) {
        await typeInto(page, '#logits', bad);
        assert.equal(await page.isVisible('#logits-msg'), true, `no message for "${bad}"`);
        assert.ok((await page.textContent('#logits-msg')).length > 10);
        assert.deepEqual(await column(page, 4), before, `"${bad}" changed the table`);
      }
      for (const [sel, v, msg] of [['#T', '0', '#t-msg'], ['#T', '-2', '#t-msg'], ['#gamma', '-1', '#focal-msg'], ['#alpha', '1.5', '#focal-msg'], ['#eps', '1', '#eps-msg'], ['#eps', '-0.1', '#eps-msg'], ['#kdT', '0', '#kd-msg'], ['#kdAlpha', '2', '#kd-msg']]) {
        await typeInto(page, sel, v);
        assert.equal(await page.isVisible(msg), true, `no message for ${sel}=${v}`);
        assert.equal(await page.getAttribute(sel, 'aria-invalid'), 'true');
      }
      // the hash never took a bad value; a hand-edited one falls back and is named in a note
      const h = decodeURIComponent(new URL(page.url()).hash);
      assert.doesNotMatch(h, /gamma=-1|eps=1(&|$)|T=0(&|$)/);
      await page.goto(`${base}losses.html#lang=en&gamma=-3&eps=2&T=0&z=a,b`);
      await page.waitForFunction(() => document.body.dataset.lossesReady === '1');
      assert.match(await page.textContent('.hash-ignored'), /gamma=-3/);
      const text = await page.evaluate(() => document.querySelector('main').innerText);
      assert.doesNotMatch(text.replace(/naive[^\n]*/g, ''), /\bNaN\b/, 'NaN shown outside the naive column');
      // still works
      await typeInto(page, '#logits', '1, 2');
      assert.equal(await page.isVisible('#logits-msg'), false);
      assert.equal((await column(page, 4)).length, 2);
      await noErrorBox(page);
    },
  },
  {
    name: 'live CE vs MSE: both runs train; with SGD the first layer gets a larger gradient under CE and CE learns faster',
    timeout: 300000,
    async run({ page, base }) {
      await open(page, base);
      const runs = await runExp(page, '#run-cemse', 'cemse');
      assert.equal(runs.length, 4);
      for (const r of runs) assert.equal(r.error, null, r.label);
      const [ce, mse] = runs;
      assert.ok(ce.history[0].gradNorm > 2 * mse.history[0].gradNorm, `epoch 1 grad: CE ${ce.history[0].gradNorm} MSE ${mse.history[0].gradNorm}`);
      assert.ok(ce.history.at(-1).testAcc > mse.history.at(-1).testAcc, `acc CE ${ce.history.at(-1).testAcc} MSE ${mse.history.at(-1).testAcc}`);
      assert.equal(await page.$$eval('#cemse-table tbody tr', (rs) => rs.length), 4);
    },
  },
  {
    name: 'live imbalance (a digit vs the rest, 1:50): α-CE and focal recall the rare digit better than CE; PR curves and AP reported',
    timeout: 300000,
    async run({ page, base }) {
      await open(page, base);
      const runs = await runExp(page, '#run-imb', 'imbalance');
      const rare = runs.map((r) => r.report.recall[1]);
      assert.ok(rare[1] > rare[0] && rare[2] > rare[0], `rare recall CE ${rare[0]}, α-CE ${rare[1]}, focal ${rare[2]}`);
      for (const r of runs) assert.ok(r.report.pr && r.report.pr.averagePrecision > 0 && r.report.pr.averagePrecision <= 1, `${r.label}: ${JSON.stringify(r.report.pr?.averagePrecision)}`);
      const cells = await page.$$eval('#imb-table tbody tr', (rs) => rs.map((r) => r.children[2].textContent));
      assert.ok(cells.every((c) => /%$/.test(c)), cells.join(' '));
    },
  },
  {
    name: 'live label smoothing: ε = 0 and ε = 0.1 both report ECE, test accuracy and logit norm; smoothing keeps the logits smaller',
    timeout: 300000,
    async run({ page, base }) {
      await open(page, base);
      const runs = await runExp(page, '#run-smooth', 'smooth');
      assert.equal(runs.length, 2);
      for (const r of runs) assert.ok(r.report.reliability.ece >= 0 && r.report.reliability.ece < 1, r.label);
      assert.ok(runs[1].history.at(-1).logitNorm < runs[0].history.at(-1).logitNorm);
      const ece = await page.$$eval('#ls-table tbody tr', (rs) => rs.map((r) => r.children[1].textContent));
      assert.equal(ece.length, 2);
      assert.ok(ece.every((v) => Number.isFinite(Number(v))), ece.join(' '));
      assert.ok(Number(await page.getAttribute('#ls-rel', 'data-bars')) > 0, 'reliability bars drawn');
    },
  },
  {
    name: 'live distillation: teacher, then three students with three accuracies; soft targets at T; T² keeps the gradient scale',
    timeout: 300000,
    async run({ page, base }) {
      await open(page, base, '#lang=en&kdT=4&ex=5');
      const runs = await runExp(page, '#run-kd', 'kd');
      assert.equal(runs.length, 4);
      const accs = await page.$$eval('#kd-table tbody tr', (rs) => rs.map((r) => r.children[3].textContent));
      assert.equal(accs.length, 4);
      assert.ok(accs.every((a) => /^\d+\.\d%$/.test(a)), accs.join(' '));
      assert.ok(runs[0].history.at(-1).testAcc > runs[1].history.at(-1).testAcc, 'the teacher beats the student trained alone');
      await page.waitForFunction(() => window.__losses.soft && window.__losses.scale, null, { timeout: 30000 });
      const soft = await page.evaluate(() => window.__losses.soft);
      assert.equal(soft.probs.length, 2);
      const ent = (p) => -p.reduce((a, v) => a + (v > 0 ? v * Math.log(v) : 0), 0);
      assert.ok(ent(soft.probs[1]) > ent(soft.probs[0]), 'T = 4 is softer than T = 1');
      const sc = await page.evaluate(() => window.__losses.scale);
      const last = sc.temperatures.length - 1;
      assert.ok(sc.withoutT2[last] / sc.withoutT2[0] < 0.05 && sc.withT2[last] / sc.withT2[0] > 0.3, JSON.stringify(sc));
      // changing T redraws the soft targets for the same example
      await typeInto(page, '#kdT', '1');
      await page.waitForFunction(() => window.__losses.soft && Math.abs(window.__losses.soft.probs[1][0] - window.__losses.soft.probs[0][0]) < 1e-12, null, { timeout: 30000 });
    },
  },
  {
    name: 'losses lab on a phone, in zh: no sideways scroll, panels draw',
    async run({ newPage, base }) {
      const page = await newPage(PHONE);
      await open(page, base, '#lang=zh');
      const { scroll, inner } = await page.evaluate(() => ({ scroll: document.documentElement.scrollWidth, inner: innerWidth }));
      assert.ok(scroll <= inner, `page is ${scroll}px wide in a ${inner}px viewport`);
      assert.equal(await page.textContent('#sm-h'), 'softmax 与 sigmoid');
      assert.ok(Number(await page.getAttribute('#sm-bars', 'data-bars')) > 0);
      await noErrorBox(page);
    },
  },
];
