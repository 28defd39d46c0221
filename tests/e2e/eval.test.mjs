// The evaluation lab (issue 13), used as a person would, with the "Done when" checks: for a fixed
// seed the three AUC readings agree to 1e-6 and equal the ROC code's (rocCurve, run here in Node
// on the page's own test labels and scores) and a pair count done here; the confusion-matrix counts
// at a threshold equal a count done here; the L1 path reaches an exact zero at the lambda this test
// computes in closed form (|z_j|, z = X'y/n, from the page's own samples) for an orthogonal design;
// the sub-network average approaches the full (scaled) net as K grows. Also: the imbalance slider
// (AUC barely moves, AP drops), bad input (threshold > 1, no positive left, K = 0, lambda < 0:
// messages, nothing NaN shown, the lab keeps working), learning curves, the URL, a phone and zh.
import assert from 'node:assert/strict';
import { readFileSync, writeFileSync, mkdirSync } from 'node:fs';

const api = await import(new URL('../../www/app/api.js', import.meta.url).href);
api.initSync({ module: readFileSync(new URL('../../www/pkg/dlplay_bg.wasm', import.meta.url)) });
const strings = Object.fromEntries(['en', 'zh'].map((l) => [l, JSON.parse(readFileSync(new URL(`../../www/i18n/${l}.json`, import.meta.url), 'utf8'))]));
const LONG = { timeout: 90000 };
const numbers = {}; // measured values, written to out/eval-numbers.json for the closing note

const done = (page, flag) => page.waitForFunction((f) => ['done', 'error'].includes(document.body.dataset[f]), flag, LONG);
/** Waits for a fit started after `hash` was set, then returns run A's readout (arrays as Arrays). */
async function fitA(page) {
  await done(page, 'evalFit');
  return page.evaluate(() => {
    const r = window.__eval.view.frame.runs[0];
    return {
      labels: Array.from(r.labels), scores: Array.from(r.scores), error: r.error,
      roc: r.roc, ap: r.pr?.averagePrecision, prev: r.pr?.prevalence, pc: r.pc, mw: r.mw,
    };
  });
}
async function go(page, base, hash) {
  await page.goto(`${base}eval.html#${hash}`);
  await page.waitForFunction(() => document.body.dataset.evalReady === '1', null, LONG);
}
async function setHash(page, hash) {
  await page.evaluate((h) => {
    document.body.dataset.evalFit = 'stale';
    document.body.dataset.evalEns = document.body.dataset.evalEns === 'running' ? 'running' : 'stale';
    location.hash = h;
  }, hash);
}

/** P(s+ > s-) + P(s+ = s-)/2 over every pair, counted here. */
function pairAuc(labels, scores) {
  let num = 0;
  let den = 0;
  for (let i = 0; i < labels.length; i++) {
    if (labels[i] !== 1) continue;
    for (let j = 0; j < labels.length; j++) {
      if (labels[j] !== 0) continue;
      den++;
      num += scores[i] > scores[j] ? 1 : scores[i] === scores[j] ? 0.5 : 0;
    }
  }
  return num / den;
}

export default [
  {
    name: 'ROC: for a fixed seed the three AUC readings agree to 1e-6 and equal the ROC code and a pair count done here',
    timeout: 120000,
    async run({ page, base }) {
      for (const hash of ['lang=en&seed=3&ep=30', 'lang=en&data=moons&seed=3&ep=30', 'lang=en&data=circle&a=16&seed=5&ep=20']) {
        await go(page, base, hash);
        const a = await fitA(page);
        assert.equal(a.error, null, hash);
        const roc = api.rocCurve(new Uint8Array(a.labels), new Float32Array(a.scores), true).auc;
        const pairs = pairAuc(a.labels, new Float32Array(a.scores));
        assert.ok(Math.abs(pairs - roc) < 1e-12, `${hash}: pairs ${pairs} vs ROC ${roc}`);
        for (const [what, v] of [['trapezoid', a.roc.auc], ['pairs', a.pc.auc], ['Mann-Whitney', a.mw.auc]]) {
          assert.ok(Math.abs(v - roc) < 1e-6, `${hash}: ${what} ${v} vs the ROC code's ${roc}`);
        }
        // what the page shows, to 6 decimals
        for (const id of ['auc-trap', 'auc-pairs', 'auc-u']) {
          const shown = Number(await page.textContent(`#${id}`));
          assert.ok(Math.abs(shown - roc) <= 5.1e-7, `${hash}: #${id} shows ${shown}, ROC ${roc}`);
        }
        numbers[hash] = { auc_trapezoid: a.roc.auc, auc_pairs: a.pc.auc, auc_mann_whitney: a.mw.auc, auc_roc_code: roc, ap: a.ap };
        // the sampled pairs are drawn: as many points as pairs
        const drawn = await page.evaluate(() => {
          const r = window.__eval.view.frame.runs[0];
          return r.pairs.length / 2;
        });
        assert.equal(drawn, 300);
      }
    },
  },
  {
    name: 'class imbalance: keeping 10% of the positives barely moves the ROC AUC while the average precision drops',
    timeout: 120000,
    async run({ page, base }) {
      await go(page, base, 'lang=en&data=moons&seed=1&ep=40');
      const full = await fitA(page);
      await setHash(page, 'lang=en&data=moons&seed=1&ep=40&pos=10');
      await page.waitForFunction(() => window.__eval.S().pos === 10, null, LONG);
      const rare = await fitA(page);
      const np = rare.labels.filter((l) => l === 1).length;
      assert.ok(np === 6, `${np} positives kept of 60`);
      assert.ok(Math.abs(rare.roc.auc - full.roc.auc) < 0.05, `AUC ${full.roc.auc} -> ${rare.roc.auc}`);
      assert.ok(rare.ap < full.ap - 0.05, `AP ${full.ap} -> ${rare.ap}`);
      assert.ok(rare.prev < full.prev / 5);
      numbers.imbalance = { data: 'moons, logistic regression, seed 1, 40 epochs', full: { auc: full.roc.auc, ap: full.ap, prevalence: full.prev }, tenth: { auc: rare.roc.auc, ap: rare.ap, prevalence: rare.prev } };
      // the page says why, with the numbers of this threshold
      assert.match(await page.textContent('#why-numbers'), /precision = /);
      assert.equal(await page.textContent('#ap-a'), rare.ap.toFixed(4));
    },
  },
  {
    name: 'class imbalance, averaged: 50 seeded subsamples of the positives on breast cancer; the mean AP drops while the mean AUC stays, recomputed here',
    timeout: 150000,
    async run({ page, base }) {
      await go(page, base, 'lang=en&seed=1&ep=30&b=none');
      const full = await fitA(page);
      assert.equal(await page.evaluate(() => document.body.dataset.evalImb), 'all');
      await setHash(page, 'lang=en&seed=1&ep=30&b=none&pos=10');
      await page.waitForFunction(() => window.__eval.S().pos === 10, null, LONG);
      await fitA(page);
      await page.waitForFunction(() => document.body.dataset.evalImb === 'done', null, LONG);
      const im = await page.evaluate(() => window.__eval.view.imbalance);
      const a = im[0];
      assert.equal(im[1], null, 'no model B');
      assert.equal(a.reps, 50);
      assert.equal(a.positives, full.labels.filter((l) => l === 1).length, 'the twin has the whole test set');
      assert.equal(a.kept, Math.round(a.positives * 0.1));
      // the twin is the same net: its full-set AUC and AP are the ones shown at 100%
      assert.ok(Math.abs(a.full.auc - full.roc.auc) < 1e-12 && Math.abs(a.full.ap - full.ap) < 1e-12, JSON.stringify(a.full));
      // recompute every subsample here (same seeded subsampling, the ROC/PR code in Node)
      const M = await import(new URL('../../www/labs/eval.model.js', import.meta.url).href);
      const mine = M.subsampleStats(Uint8Array.from(full.labels), Float32Array.from(full.scores), 0.1, 50, (l, s) => ({
        auc: api.rocCurve(l, s, false).auc, ap: api.prCurve(l, s).averagePrecision,
      }));
      assert.ok(Math.abs(mine.auc.mean - a.auc.mean) < 1e-12 && Math.abs(mine.ap.mean - a.ap.mean) < 1e-12, `${JSON.stringify(mine)} vs ${JSON.stringify(a)}`);
      assert.equal(a.auc.n, 50);
      assert.ok(Math.abs(a.auc.mean - full.roc.auc) < 0.02, `mean AUC ${a.auc.mean} vs ${full.roc.auc}`);
      assert.ok(a.ap.mean < full.ap - 0.01, `mean AP ${a.ap.mean} vs ${full.ap}`);
      assert.ok(a.ap.sd > 0, 'subsamples differ');
      assert.equal(await page.textContent('#ap-avg-a'), `${a.ap.mean.toFixed(4)} ± ${a.ap.sd.toFixed(4)}`);
      assert.match(await page.textContent('#imb-note'), /50 seeded subsamples/);
      numbers.imbalanceAveraged = { data: 'breast cancer, logistic regression, seed 1, 30 epochs, 10% of positives, 50 subsamples', full: a.full, auc: a.auc, ap: a.ap, kept: a.kept, positives: a.positives };
    },
  },
  {
    name: 'the confusion-matrix counts at a threshold equal a count done in the test; the formulas carry them',
    timeout: 90000,
    async run({ page, base }) {
      await go(page, base, 'lang=en&data=moons&seed=2&ep=20&thr=0.37');
      const a = await fitA(page);
      const s = new Float32Array(a.scores);
      for (const thr of [0.37, 0.5, 0.81, 0, 1]) {
        if (thr !== 0.37) {
          // the slider, as a person moves it
          await page.$eval('#thr', (el, v) => {
            el.value = String(v);
            el.dispatchEvent(new Event('input', { bubbles: true }));
          }, thr);
        }
        const want = { tp: 0, fp: 0, tn: 0, fn: 0 };
        a.labels.forEach((l, i) => {
          const p = s[i] >= thr;
          want[l === 1 ? (p ? 'tp' : 'fn') : (p ? 'fp' : 'tn')]++;
        });
        const got = Object.fromEntries(await Promise.all(['tp', 'fp', 'tn', 'fn'].map(async (k) => [k, Number(await page.textContent(`#cm-${k}`))])));
        assert.deepEqual(got, want, `threshold ${thr}`);
        // model B at the same threshold, counted here from B's own scores
        const b = await page.evaluate(() => {
          const r = window.__eval.view.frame.runs[1];
          return { labels: Array.from(r.labels), scores: Array.from(r.scores) };
        });
        const sb = new Float32Array(b.scores);
        const wantB = { tp: 0, fp: 0, tn: 0, fn: 0 };
        b.labels.forEach((l, i) => {
          const p = sb[i] >= thr;
          wantB[l === 1 ? (p ? 'tp' : 'fn') : (p ? 'fp' : 'tn')]++;
        });
        const gotB = Object.fromEntries(await Promise.all(['tp', 'fp', 'tn', 'fn'].map(async (k) => [k, Number(await page.textContent(`#cm-b-${k}`))])));
        assert.deepEqual(gotB, wantB, `model B at threshold ${thr}`);
        assert.ok(!/NaN|undefined/.test(await page.textContent('#rates-b')));
        const text = await page.textContent('#formulas');
        assert.ok(text.includes(`TP / (TP + FN) = ${want.tp} / (${want.tp} + ${want.fn})`), text);
        assert.ok(!/NaN|undefined/.test(text), text);
        const h = new URL(page.url()).hash;
        if (thr !== 0.5) assert.match(h, new RegExp(`thr=${thr}`), 'the threshold is in the URL');
      }
      // reload: the same link gives the same counts
      await page.$eval('#thr', (el) => {
        el.value = '0.63';
        el.dispatchEvent(new Event('input', { bubbles: true }));
      });
      const before = await page.textContent('#cm');
      await page.reload();
      await fitA(page);
      assert.equal(await page.textContent('#cm'), before);
    },
  },
  {
    name: 'L1 path: an exact zero weight from the lambda computed here in closed form for the orthogonal design; L2 never zero',
    timeout: 90000,
    async run({ page, base }) {
      await go(page, base, 'lang=en&lam=0.05&seed=4');
      const g = await page.evaluate(() => window.__eval.view.geo);
      const n = g.samples.length;
      const G = [[0, 0], [0, 0]];
      const z = [0, 0];
      for (const [x1, x2, y] of g.samples) {
        const x = [x1, x2];
        for (let i = 0; i < 2; i++) {
          z[i] += (x[i] * y) / n;
          for (let j = 0; j < 2; j++) G[i][j] += (x[i] * x[j]) / n;
        }
      }
      assert.ok(Math.abs(G[0][0] - 1) < 1e-9 && Math.abs(G[1][1] - 1) < 1e-9 && Math.abs(G[0][1]) < 1e-9, `X'X/n = ${JSON.stringify(G)}`);
      numbers.l1 = { z };
      for (const j of [0, 1]) {
        const lamZero = Math.abs(z[j]); // lasso with X'X/n = I: w_j = sign(z_j) max(|z_j| - lambda, 0)
        if (lamZero > 2) continue; // beyond the slider's range
        await setHash(page, `lang=en&seed=4&lam=${lamZero * (1 + 1e-6)}`);
        await page.waitForFunction((l) => Math.abs(window.__eval.view.geo?.lambda - l) < 1e-12, lamZero * (1 + 1e-6));
        let geo = await page.evaluate(() => window.__eval.view.geo);
        assert.equal(geo.l1[j], 0, `w${j + 1} is exactly 0 just above lambda = |z| = ${lamZero}`);
        assert.equal(await page.textContent(`#l1-w${j + 1}`), '0 (exact)');
        assert.notEqual(geo.l2[j], 0, 'L2 does not zero it');
        const below = lamZero * (1 - 1e-3);
        await setHash(page, `lang=en&seed=4&lam=${below}`);
        await page.waitForFunction((l) => Math.abs(window.__eval.view.geo?.lambda - l) < 1e-12, below);
        geo = await page.evaluate(() => window.__eval.view.geo);
        assert.ok(Math.abs(geo.l1[j] - Math.sign(z[j]) * (lamZero - below)) < 1e-9, `w${j + 1} = ${geo.l1[j]} just below`);
        assert.notEqual(geo.l1[j], 0);
        // along the drawn path: zero from the first grid lambda >= |z_j| on, nonzero before
        geo.lambdas.forEach((l, k) => {
          if (l > lamZero * (1 + 1e-9)) assert.equal(geo.pathL1[k][j], 0, `path at ${l}`);
          if (l < lamZero * (1 - 1e-9)) assert.notEqual(geo.pathL1[k][j], 0, `path at ${l}`);
          assert.notEqual(geo.pathL2[k][j], 0);
        });
        assert.ok(Math.abs(geo.l1ZeroAt[j] - lamZero) < 1e-9, `solver's zero at ${geo.l1ZeroAt[j]}`);
        numbers.l1[`w${j + 1}_zero_at`] = lamZero;
      }
      // the training lab's nets under L1 / L2 / elastic net: three histograms with their zero counts
      await done(page, 'evalZeros');
      const caps = await page.$$eval('#zeros figcaption', (xs) => xs.map((x) => ({ near: Number(x.dataset.near), exact: Number(x.dataset.exact) })));
      assert.equal(caps.length, 3);
      assert.ok(caps[0].near > caps[1].near, `L1 has more near-zero weights than L2: ${JSON.stringify(caps)}`);
      numbers.zeros = caps;
    },
  },
  {
    name: 'L1 path, logistic regression: both weights exactly 0 from lambda = max|dL/dw(0)| computed here, KKT holds at the shown optimum; elastic net drawn',
    timeout: 90000,
    async run({ page, base }) {
      await go(page, base, 'lang=en&gm=log&seed=4&rho=0.5&orth=0');
      assert.equal(await page.inputValue('#geo-model'), 'log');
      let g = await page.evaluate(() => window.__eval.view.geo);
      assert.ok(g.samples.every((v) => v[2] === 0 || v[2] === 1), 'labels are 0/1');
      const n = g.samples.length;
      const sig = (m) => 1 / (1 + Math.exp(-m));
      const grad = (w) => {
        const gr = [0, 0];
        for (const [x1, x2, y] of g.samples) {
          const e = sig(w[0] * x1 + w[1] * x2) - y;
          gr[0] += (e * x1) / n;
          gr[1] += (e * x2) / n;
        }
        return gr;
      };
      const g0 = grad([0, 0]);
      const lamZero = Math.max(Math.abs(g0[0]), Math.abs(g0[1])); // both zero iff lambda >= ||dL/dw(0)||_inf
      assert.ok(lamZero < 0.5, `in the slider's range: ${lamZero}`);
      const kkt = (w, lam) => Math.max(...[0, 1].map((j) => {
        const gj = grad(w)[j];
        return w[j] === 0 ? Math.max(0, Math.abs(gj) - lam) : Math.abs(gj + lam * Math.sign(w[j]));
      }));
      // the slider's value is 4·lambda for logistic regression
      const above = lamZero * (1 + 1e-6);
      await setHash(page, `lang=en&gm=log&seed=4&rho=0.5&orth=0&lam=${4 * above}`);
      await page.waitForFunction((l) => Math.abs(window.__eval.view.geo?.lambda - l) < 1e-12, above);
      g = await page.evaluate(() => window.__eval.view.geo);
      assert.deepEqual(g.l1, [0, 0]);
      assert.equal(await page.textContent('#l1-w1'), '0 (exact)');
      assert.equal(await page.textContent('#l1-w2'), '0 (exact)');
      const below = lamZero * (1 - 1e-2);
      await setHash(page, `lang=en&gm=log&seed=4&rho=0.5&orth=0&lam=${4 * below}`);
      await page.waitForFunction((l) => Math.abs(window.__eval.view.geo?.lambda - l) < 1e-12, below);
      g = await page.evaluate(() => window.__eval.view.geo);
      assert.ok(g.l1.some((w) => w !== 0), `not both zero below: ${g.l1}`);
      assert.ok(kkt(g.l1, below) < 1e-8, `KKT at ${g.l1}: ${kkt(g.l1, below)}`);
      // the path has a lambda with exactly one exact zero, and KKT holds along it
      assert.ok(g.pathL1.some((w) => (w[0] === 0) !== (w[1] === 0)), 'one weight exactly 0, the other not');
      g.lambdas.forEach((l, k) => assert.ok(kkt(g.pathL1[k], l) < 1e-8, `KKT on the path at ${l}`));
      numbers.l1Logistic = { lamBothZero: lamZero, zeroAt: g.l1ZeroAt, l1Below: g.l1 };
      // the elastic net: legend key, weights in the table, the path plotted beside L1 and L2
      assert.ok(await page.isVisible('#geo-panel .k-el'));
      assert.match(await page.textContent('#el-w1'), /^-?\d/);
      assert.equal(g.pathElastic.length, g.lambdas.length);
      assert.match(await page.textContent('#zero-at'), /max\|∂L\/∂wⱼ/);
    },
  },
  {
    name: 'dropout: the average of K thinned sub-networks approaches the full (scaled) net as K grows',
    timeout: 120000,
    async run({ page, base }) {
      await go(page, base, 'lang=en&k=4&seed=1');
      await done(page, 'evalEns');
      const r4 = await page.evaluate(() => window.__eval.view.ens.result);
      assert.equal(r4.k, 4);
      assert.deepEqual(r4.ks, [1, 2, 4, 8, 16, 32, 64, 128, 256]);
      const first = r4.gapGeo[0];
      const last = r4.gapGeo[r4.gapGeo.length - 1];
      assert.ok(last < first / 5, `gap ${first} at K=1, ${last} at K=256`);
      assert.ok(r4.gapArith[r4.gapArith.length - 1] < r4.gapArith[0] / 3, `${r4.gapArith}`);
      assert.equal(await page.$$eval('#subnets canvas', (xs) => xs.length), 6);
      const shown4 = await page.textContent('#gap-now');
      await page.evaluate(() => { document.body.dataset.evalEns = 'stale'; location.hash = 'lang=en&k=128&seed=1'; });
      await done(page, 'evalEns');
      const r128 = await page.evaluate(() => window.__eval.view.ens.result);
      assert.equal(r128.k, 128);
      assert.ok(r128.gapGeoK < r4.gapGeoK / 3, `gap at K=4 ${r4.gapGeoK}, at K=128 ${r128.gapGeoK}`);
      assert.notEqual(await page.textContent('#gap-now'), shown4);
      numbers.dropout = { p: r4.p, k: r4.ks, gap_mean_logit: r4.gapGeo, gap_mean_probability: r4.gapArith };
    },
  },
  {
    name: 'bad input: threshold outside [0, 1], no positive left, K = 0, lambda < 0: messages, nothing NaN shown, the lab keeps working',
    timeout: 120000,
    async run({ page, base }) {
      await go(page, base, 'lang=en&data=gauss&ep=5&thr=1.5&k=0&lam=-1&pos=0');
      await done(page, 'evalFit');
      const note = await page.textContent('.hash-ignored');
      for (const k of ['thr=1.5', 'k=0', 'lam=-1']) assert.ok(note.includes(k), `the note names ${k}: ${note}`);
      assert.equal(await page.inputValue('#thr'), '1');
      assert.equal(await page.textContent('#k-out'), '1');
      assert.equal(await page.textContent('#lam-out'), '0.00');
      // no positive in the test set: AUC is undefined, and the page says so (as scikit-learn does)
      assert.ok(await page.isVisible('#roc-error'));
      assert.match(await page.textContent('#roc-error'), /undefined/);
      assert.equal(await page.textContent('#auc-trap'), '—');
      const outputs = await page.$$eval('output', (xs) => xs.map((x) => x.textContent));
      assert.ok(outputs.every((v) => !/NaN|undefined|Infinity/.test(v)), outputs.join(' | '));
      const drawnNaN = await page.evaluate(() => [...document.querySelectorAll('#roc-panel canvas')].length);
      assert.ok(drawnNaN > 0);
      // the lab keeps working: positives back, curves and numbers back
      await setHash(page, 'lang=en&data=gauss&ep=5&pos=50');
      await page.waitForFunction(() => window.__eval.S().pos === 50, null, LONG);
      const a = await fitA(page);
      assert.equal(a.error, null);
      assert.ok(await page.isHidden('#roc-error'));
      assert.ok(Number(await page.textContent('#auc-trap')) > 0.9);
      // the engine refuses the same bad values through the API, with messages
      assert.throws(() => api.confusionAt(new Uint8Array([0, 1]), new Float32Array([0.2, 0.8]), 1.5), /threshold must be in 0..=1/);
      assert.throws(() => api.rocCurve(new Uint8Array([0, 0]), new Float32Array([0.2, 0.8])), /AUC is undefined/);
      assert.throws(() => api.regPath({ lambda: -1 }), /lambda/);
    },
  },
  {
    name: 'learning and validation curves: measured per size and width with a fixed seed, regions labelled from the gap',
    timeout: 180000,
    async run({ page, base }) {
      await go(page, base, 'lang=en&data=moons&b=16,16');
      await done(page, 'evalCurves');
      const c = await page.evaluate(() => window.__eval.view.curves);
      assert.deepEqual(c.size.map((r) => r.size), [8, 16, 32, 64, 128, 280]);
      assert.deepEqual(c.hidden.map((r) => r.hidden), [0, 2, 4, 8, 16, 32, 64]);
      const small = c.size[0];
      const all = c.size[c.size.length - 1];
      assert.ok(small.test - small.train > all.test - all.train + 0.1, `gap at 8 rows ${small.test - small.train}, at 280 ${all.test - all.train}`);
      assert.ok(c.hidden[0].train > 2 * c.hidden[4].train, 'logistic regression cannot fit the moons: high bias');
      const verdict = await page.textContent('#lc-verdict');
      assert.ok(['good', 'bias', 'variance'].some((k) => verdict === strings.en[`eval.verdict_${k}`]), verdict);
      assert.equal(Number(await page.textContent('#lc-gap')).toFixed(4), (all.test - all.train).toFixed(4));
      // the validation curve over epochs: one point per epoch of A's and B's history (epoch 0 too)
      await done(page, 'evalFit');
      const epochs = await page.evaluate(() => window.__eval.view.frame.runs.map((r) => r.history.length));
      assert.deepEqual(epochs, [41, 41]);
      numbers.curves = { size: c.size.map((r) => [r.size, r.train, r.test]), hidden: c.hidden.map((r) => [r.hidden, r.train, r.test]), verdict };
    },
  },
  {
    name: 'topics 6, 12, 19, 20 open this lab; the home page links topic 19 here and keeps the training-lab presets of 6, 12, 20',
    timeout: 90000,
    async run({ page, base }) {
      await page.goto(`${base}index.html#lang=en`);
      await page.waitForSelector('#topics li.has-lab h3 a');
      const href = (id) => page.getAttribute(`#topics li[data-topic="${id}"] h3 a`, 'href');
      assert.match(await href('roc-auc'), /^eval\.html#data=moons&thr=0\.3&topic=roc-auc/);
      for (const [id, preset] of [['dropout', 'ab=dropout'], ['under-overfitting', 'ab=capacity'], ['l1-vs-l2', 'ab=l1_l2']]) {
        assert.match(await href(id), /^eval\.html#/);
        const also = await page.getAttribute(`#topics li[data-topic="${id}"] a.topic-also`, 'href');
        assert.ok(also.startsWith(`train.html#${preset}&play=1`), `${id}: ${also}`);
      }
      // the also-link is clickable (above the card-wide link of the title)
      await page.click('#topics li[data-topic="dropout"] a.topic-also');
      await page.waitForURL(/train\.html#ab=dropout/);
      await go(page, base, 'topic=l1-vs-l2&lam=0.5&lang=en');
      await page.waitForSelector('#topic-view');
      assert.equal(await page.getAttribute('.topic-focus', 'data-topic-panel'), 'geometry');
      assert.match(await page.getAttribute('#topic-view a.topic-also', 'href'), /^train\.html#ab=l1_l2&play=1/);
    },
  },
  {
    name: 'phone (390x844) and Chinese: no sideways scroll, strings from zh.json, plots inside the screen',
    timeout: 120000,
    async run({ newPage, base, out }) {
      const page = await newPage({ viewport: { width: 390, height: 844 }, isMobile: true, hasTouch: true });
      await go(page, base, 'lang=zh&ep=10');
      await done(page, 'evalFit');
      assert.equal(await page.textContent('#roc-h'), strings.zh['eval.roc_h']);
      assert.equal(await page.textContent('#geo-h'), strings.zh['eval.geo_h']);
      const m = await page.evaluate(() => ({
        overflow: document.documentElement.scrollWidth - innerWidth,
        widest: Math.max(...[...document.querySelectorAll('canvas')].map((c) => c.getBoundingClientRect().right)),
      }));
      assert.ok(m.overflow <= 0, `${m.overflow}px of sideways scroll`);
      assert.ok(m.widest <= 390, `a canvas reaches ${m.widest}px`);
      await page.screenshot({ path: `${out}/eval-phone-zh.png` });
      mkdirSync(out, { recursive: true });
      writeFileSync(`${out}/eval-numbers.json`, JSON.stringify(numbers, null, 1));
    },
  },
];
