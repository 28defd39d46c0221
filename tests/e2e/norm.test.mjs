// The normalisation lab (www/norm.html, issue 11): the cube's highlighted set has the size of the
// norm's formula for several norms and tensor shapes, and the engine's own kernel gives the value
// the formula line computes; a group count that does not divide C shows its message; BN on and
// off train and both curves render; a diverging learning rate is reported and never drawn as NaN;
// the batch-size experiment (small budget from the URL) completes with a number in every cell;
// BN with one value per channel is refused with PyTorch's reason; spectral norm's estimate after
// 20 power iterations meets the SVD's largest singular value.
import assert from 'node:assert/strict';

const LONG = { timeout: 120000, polling: 100 };

async function open(page, base, hash) {
  await page.goto(`${base}norm.html#${hash}`);
  await page.waitForFunction(() => document.body.dataset.normReady === '1', null, LONG);
}

/** Sets the hash (the page follows it) and waits until the cube shows that state. */
async function cubeAt(page, { norm, g = 4, n = 4, layer = 'conv1' }) {
  await page.evaluate((h) => { location.hash = h; }, `lang=en&norm=${norm}&g=${g}&n=${n}&layer=${layer}&ep=1`);
  await page.waitForFunction((key) => (document.body.dataset.cubeKey || '').startsWith(key), `${norm}:${g}:${n}:${layer}:`, LONG);
}

const SHAPES = { conv1: [8, 8, 8], conv2: [16, 4, 4], pool: [16, 1, 1], photo: [8, 16, 16] };
function formula(norm, N, [C, H, W], G) {
  return { bn: N * H * W, ln: C * H * W, in: H * W, gn: (C / G) * H * W }[norm];
}

export default [
  {
    name: 'norm: the highlighted set of each norm has the formula\'s size for several shapes; the engine agrees with the formula line',
    timeout: 240000,
    async run({ page, base }) {
      await open(page, base, 'lang=en&ep=1');
      const cases = [];
      for (const [layer, N] of [['conv1', 2], ['conv1', 8], ['conv2', 4], ['pool', 2], ['photo', 2]]) {
        for (const [norm, G] of [['bn', 4], ['ln', 4], ['in', 4], ['gn', 2], ['gn', 4]]) cases.push({ layer, n: N, norm, g: G });
      }
      for (const c of cases) {
        await cubeAt(page, c);
        const want = formula(c.norm, c.n, SHAPES[c.layer], c.g);
        const count = await page.textContent('#cube-count');
        assert.equal(count, String(want), `${JSON.stringify(c)}: highlighted ${count}, formula ${want}`);
        assert.match(await page.textContent('#cube-formula'), new RegExp(`= ${want}$`));
        const stats = await page.textContent('#cube-stats');
        if (c.layer === 'pool' && c.norm === 'in') continue; // one value per group: the engine's own rule
        // y with the trained net's γ, β (1 and 0 after global pooling, where no norm follows)
        const [, gamma, beta, y] = /\)·(-?[\d.e+-]+) \+ (-?[\d.e+-]+) = (-?[\d.e+-]+)/.exec(stats) ?? [];
        const mine = Number(y);
        if (c.layer === 'pool' || (c.layer === 'photo' && c.norm === 'ln')) assert.deepEqual([Number(gamma), Number(beta)], [1, 0], stats);
        else {
          assert.match(stats, /learned by the (BN|LN|IN|GN) layer/);
          assert.ok(Number.isFinite(Number(gamma)) && Number.isFinite(Number(beta)), stats);
        }
        const engine = Number(/gives y = (-?[\d.e+-]+)/.exec(stats)?.[1]);
        assert.ok(Number.isFinite(mine) && Number.isFinite(engine), `${JSON.stringify(c)}: ${stats}`);
        assert.ok(Math.abs(mine - engine) <= 2e-3 * Math.max(1, Math.abs(mine)), `${JSON.stringify(c)}: formula ${mine}, engine ${engine}`);
      }
      // clicking an element of another sample and channel moves the set (LN: that sample's row)
      await cubeAt(page, { norm: 'ln', n: 4 });
      const box = await page.$eval('#cube-grid', (c) => {
        const r = c.getBoundingClientRect();
        const L = window.__norm.cube.layout;
        return { x: r.left + L.left + 3 * (L.cell + L.gap) + 2, y: r.top + L.top + 2 * (L.cellH + L.gap) + 2 };
      });
      await page.mouse.click(box.x, box.y);
      await page.waitForFunction(() => /n=2, c=3/.test(document.querySelector('#cube-stats').textContent), null, LONG);
      assert.equal(await page.textContent('#cube-count'), '512');
    },
  },
  {
    name: 'norm: a group count that does not divide C shows its message, and the lab keeps working',
    timeout: 120000,
    async run({ page, base }) {
      await open(page, base, 'lang=en&norm=gn&g=3&ep=1');
      await page.waitForSelector('#cube-msg:not([hidden])', LONG);
      assert.match(await page.textContent('#cube-msg'), /must divide (the )?8( channels)?[;,] got 3/);
      assert.equal(await page.textContent('#cube-count'), '—');
      await cubeAt(page, { norm: 'gn', g: 4 });
      assert.equal(await page.isHidden('#cube-msg'), true);
      assert.equal(await page.textContent('#cube-count'), '128');
    },
  },
  {
    name: 'norm: BN on and off train side by side and both curves render; the forgotten eval mode is measured',
    timeout: 240000,
    async run({ page, base }) {
      await open(page, base, 'lang=en&ep=1');
      await page.waitForFunction(() => document.body.dataset.abState === 'done', null, LONG);
      const s = await page.evaluate(() => {
        const p = window.__norm.plots;
        return ['ab-loss', 'ab-acc', 'ab-pre', 'ab-grad', 'te-mean', 'te-var'].map((id) => ({ id, drawn: p[id].summary.drawn, labels: p[id].series.map((x) => x.label) }));
      });
      for (const { id, drawn, labels } of s) {
        assert.ok(drawn.length >= 2 && drawn.filter((d) => d > 0).length >= 2, `${id}: drawn ${JSON.stringify(drawn)} ${labels}`);
      }
      const loss = s.find((x) => x.id === 'ab-loss');
      assert.deepEqual(loss.labels, ['with BN', 'without BN']);
      const rows = await page.$$eval('#forgot-table td', (tds) => tds.map((td) => Number(td.textContent)));
      assert.equal(rows.length, 3);
      for (const v of rows) assert.ok(v >= 0 && v <= 1, `${rows}`);
    },
  },
  {
    name: 'norm: a diverging learning rate is reported in the page and no NaN reaches the chart',
    timeout: 240000,
    async run({ page, base }) {
      await open(page, base, 'lang=en&ep=1&lr=50');
      await page.waitForFunction(() => document.body.dataset.abState === 'done', null, LONG);
      assert.match(await page.textContent('#ab-msg'), /(with|without) BN stopped: the training loss .*learning rate is too high/);
      const finite = await page.evaluate(() => window.__norm.plots['ab-loss'].series.every((s) => s.ys.every(Number.isFinite)));
      assert.ok(finite, 'every plotted loss is a number');
      // the lab keeps working: a sane rate trains again
      await page.selectOption('#ab-lr', '0.1');
      await page.waitForFunction(() => document.body.dataset.abState === 'running', null, LONG);
      await page.waitForFunction(() => document.body.dataset.abState === 'done', null, LONG);
      assert.equal((await page.textContent('#ab-msg')).trim(), '');
    },
  },
  {
    name: 'norm: the batch-size experiment completes under each budget and lr rule, a number in every cell',
    timeout: 600000,
    async run({ page, base }) {
      const LONGER = { timeout: 280000, polling: 250 };
      const checkTables = async (pattern) => {
        const cells = await page.$$eval('#bx-table tbody td', (tds) => tds.map((td) => td.textContent));
        assert.equal(cells.length, 25);
        for (const c of cells) assert.match(c, pattern);
        const bn = await page.$$eval('#bx-bn-table tbody td', (tds) => tds.map((td) => td.textContent));
        assert.equal(bn.length, 10);
        for (const c of bn) assert.match(c, pattern);
        const drawn = await page.evaluate(() => window.__norm.plots['bx-plot'].summary.drawn);
        assert.ok(drawn.length >= 5 && drawn.slice(-5).every((d) => d > 0), `drawn ${drawn}`);
        const foot = await page.$$eval('#bx-table tfoot tr', (trs) => trs.map((tr) => [...tr.querySelectorAll('td')].map((td) => Number(td.textContent))));
        return { steps: foot[0], lr: foot[1] };
      };
      // same epochs, fixed lr, one seed (the small-budget path through URL keys): large batches take fewer steps
      await open(page, base, 'lang=en&ep=1&be=1&bl=100&bbud=epochs&blrr=fixed&bsd=1');
      assert.equal(await page.inputValue('#bx-budget'), 'epochs');
      assert.equal(await page.inputValue('#bx-lrrule'), 'fixed');
      await page.click('#bx-run');
      await page.waitForFunction(() => document.body.dataset.bxState === 'done', null, LONGER);
      let foot = await checkTables(/^\d+(\.\d)?%$/);
      assert.deepEqual(foot.lr, [0.01, 0.01, 0.01, 0.01, 0.01]);
      for (let k = 1; k < 5; k++) assert.ok(foot.steps[k] < foot.steps[k - 1], `steps ${foot.steps}`);
      assert.match(await page.textContent('#bx-run-settings'), /1 epoch/);
      // same steps, linear lr, two seeds (chosen in the controls): mean ± sd in every cell
      await page.selectOption('#bx-budget', 'steps');
      await page.selectOption('#bx-lrrule', 'linear');
      await page.selectOption('#bx-seeds', '2');
      assert.match(await page.evaluate(() => location.hash), /bbud=steps/);
      await page.click('#bx-run');
      await page.waitForFunction(() => document.body.dataset.bxState === 'running', null, LONGER);
      await page.waitForFunction(() => document.body.dataset.bxState === 'done', null, LONGER);
      foot = await checkTables(/^\d+(\.\d)? ± \d+(\.\d)?%$/);
      assert.ok(foot.steps.every((v) => v === foot.steps[0] && v > 0), `steps ${foot.steps}`);
      assert.deepEqual(foot.lr, [2, 4, 8, 16, 32].map((b) => Number(((0.01 * b) / 32).toPrecision(3))));
      assert.match(await page.textContent('#bx-run-settings'), /same number of steps/);
    },
  },
  {
    name: 'norm: BN with one value per channel is refused with the reason; spectral norm meets the SVD after 20 iterations',
    timeout: 120000,
    async run({ page, base }) {
      await open(page, base, 'lang=en&ep=1');
      await page.click('#bn1-try');
      const msg = await page.textContent('#bn1-msg');
      assert.match(msg, /more than one value per channel/);
      assert.match(msg, /PyTorch/);
      await page.waitForFunction(() => document.querySelectorAll('#sn-table tbody tr').length === 5, null, LONG);
      const rows = await page.$$eval('#sn-table tbody tr', (trs) => trs.map((tr) => [...tr.cells].map((c) => c.textContent)));
      const svd = Number(rows[4][1]);
      const after20 = Number(rows[3][1]);
      assert.equal(rows[3][0], '20');
      assert.ok(Math.abs(after20 - svd) <= 0.01 * svd, `${after20} vs ${svd}`);
      assert.ok(Number(rows[0][1]) <= svd * (1 + 1e-9));
      const gain = await page.textContent('#sn-gain');
      const [, before, after] = /([\d.]+) before, ([\d.]+) after/.exec(gain).map(Number);
      assert.ok(before <= svd + 1e-3 && after <= 1.0001, gain);
    },
  },
];
