// The architecture lab (arch.html, issue 14), used as a person would: the TCN tree's receptive
// field equals 1 + Σ d_i (k − 1) for random stacks and marks the holes of a gridding stack; the
// add / concat counts equal their closed forms for a few shapes and the identity
// conv1x1(concat(A, B)) = W_A·A + W_B·B holds to float rounding; a seeded LSTM on the adding
// problem beats the constant-prediction baseline within a fixed budget; the FPN experiment
// completes and its table shows numbers; bad input (a lag past the sequence, bad dilations, a
// pyramid level below one pixel) gives a message and nothing NaN; the phone layout has no
// sideways scroll; zh shows Chinese.
import assert from 'node:assert/strict';

const { tcnRf, fuseClosedForm } = await import(new URL('../../www/labs/arch.model.js', import.meta.url).href);

async function open(page, base, hash) {
  await page.goto('about:blank');
  await page.goto(`${base}arch.html${hash}`);
  await page.waitForFunction(() => document.body.dataset.archReady === '1', null, { timeout: 60000 });
}

/** A seeded stream for the random stacks (the test is reproducible). */
function lcg(seed) {
  let s = seed >>> 0;
  return (n) => {
    s = (Math.imul(s, 1664525) + 1013904223) >>> 0;
    return s % n;
  };
}

export default [
  {
    name: 'TCN tree: the receptive field is 1 + Σ d_i (k − 1) for random stacks; 2,2,2 shows holes',
    timeout: 90000,
    async run({ page, base }) {
      await open(page, base, '#lang=en');
      const r = lcg(14);
      for (let i = 0; i < 8; i++) {
        const k = 1 + r(5);
        const dil = Array.from({ length: 1 + r(6) }, () => 1 + r(12));
        await page.evaluate(([kk, dd]) => { location.hash = `lang=en&k=${kk}&dil=${dd.join(',')}`; }, [k, dil]);
        const want = tcnRf(k, dil);
        assert.equal(want, 1 + dil.reduce((a, d) => a + d * (k - 1), 0));
        await page.waitForFunction((w) => window.__arch.tree?.rf === w && document.getElementById('tcn-rf').textContent.includes(`= ${w} steps`), want, { timeout: 10000 });
        // the tree's input row: the first and last step of the span are on a path
        const ends = await page.evaluate(() => { const l = window.__arch.tree.levels[0]; return [l[0], l[l.length - 1], l.length]; });
        assert.deepEqual(ends, [1, 1, want]);
      }
      await page.evaluate(() => { location.hash = 'lang=en&k=3&dil=2,2,2'; });
      await page.waitForFunction(() => window.__arch.tree?.rf === 13, null, { timeout: 10000 });
      const holes = await page.evaluate(() => window.__arch.tree.holes);
      assert.equal(holes, 6, 'only even offsets are reachable: 7 of the 13 steps');
      assert.match(await page.textContent('#tcn-note'), /6 steps inside the span are never seen/);
      // any output step: the tree of step t has max(0, rf − (t + 1)) padding steps; the default
      // is the last step, and the slider moves it
      await page.evaluate(() => { location.hash = 'lang=en&k=2&dil=1,2,4,8&len=20'; });
      await page.waitForFunction(() => window.__arch.tree?.rf === 16 && window.__arch.tree.t === 19, null, { timeout: 10000 });
      assert.equal(await page.evaluate(() => window.__arch.tree.pad), 0);
      for (const step of [0, 5, 15, 19]) {
        await page.fill('#tcn-t', String(step));
        await page.waitForFunction((s) => window.__arch.tree?.t === s, step, { timeout: 10000 });
        const tr = await page.evaluate(() => window.__arch.tree);
        assert.equal(tr.pad, Math.max(0, 16 - (step + 1)), `pad at output step ${step}`);
        assert.equal(tr.rf, 16);
        assert.match(await page.textContent('#tcn-t-out'), new RegExp(`^${step} / 19$`));
        if (tr.pad > 0) assert.match(await page.textContent('#tcn-note'), new RegExp(`${tr.pad} steps of the span lie before the first of the ${step + 1} inputs`));
        assert.match(await page.evaluate(() => location.hash), new RegExp(`ot=${step}(&|$)`));
      }
    },
  },
  {
    name: 'add vs concat: counts equal the closed forms for a few shapes; the table shows them; the identity holds',
    timeout: 60000,
    async run({ page, base }) {
      await open(page, base, '#lang=en&ch=8&co=16');
      const shapes = [[8, 8, 16, 32, 32], [3, 5, 4, 7, 9], [64, 64, 256, 56, 56], [1, 1, 1, 1, 1]];
      const got = await page.evaluate(async (list) => {
        const dl = await (await import('./app/wasm.js')).ready();
        return list.map((s) => dl.archFuseCounts(...s));
      }, shapes);
      for (const [i, s] of shapes.entries()) assert.deepEqual(got[i], fuseClosedForm(...s), `shape ${s}`);
      // the page's table: the fused maps are 8 channels of 32x32 (stride 4 of the 128 px image)
      const rows = await page.$$eval('#fuse-counts tbody tr', (trs) => trs.map((tr) => [...tr.cells].map((c) => c.textContent)));
      assert.equal(rows.length, 4);
      const hw = 32 * 32;
      assert.equal(rows[0][3], (8 * hw).toLocaleString('en-US'));
      assert.equal(rows[1][2], String(8 * 16));
      assert.equal(rows[3][2], String(16 * 16));
      assert.equal(rows[3][3], (16 * 16 * hw).toLocaleString('en-US'));
      const diff = await page.evaluate(() => window.__arch.fuse.maxDiff);
      assert.ok(diff >= 0 && diff < 1e-4, `identity off by ${diff}`);
      const scale = await page.evaluate(() => Math.max(...window.__arch.fuse.concatConv.map(Math.abs)));
      assert.ok(scale > 1e-3, 'the maps are not all zero');
    },
  },
  {
    name: 'sequence training: a seeded LSTM on the adding problem beats the constant baseline within 400 steps',
    timeout: 240000,
    async run({ page, base }) {
      await open(page, base, '#lang=en&task=adding&len=20&models=lstm&hid=16&lr=0.02&clip=1&bptt=0&steps=400&seed=1');
      await page.click('#seq-run');
      await page.waitForFunction(() => window.__arch.seq?.done, null, { timeout: 220000 });
      const run = await page.evaluate(() => window.__arch.seq.runs.lstm);
      assert.equal(run.error, null);
      assert.equal(run.steps, 400);
      assert.ok(Math.abs(run.info.baseline - 1 / 6) < 1e-9);
      assert.ok(run.evalLoss < 0.5 * run.info.baseline, `LSTM held-out loss ${run.evalLoss} vs baseline ${run.info.baseline}`);
      assert.ok(run.losses.every(Number.isFinite));
      assert.match(await page.textContent('#seq-table tbody tr[data-model="lstm"]'), /beats the baseline/);
      // the input gradient reaches every step; the cell card shows the LSTM's gates at t = 0
      assert.equal(run.inputGrad.length, 20);
      assert.ok(run.inputGrad.every((v) => v > 0));
      assert.equal(await page.$$eval('#cell-eq .eq-row', (r) => r.length), 7);
      assert.match(await page.textContent('#cell-eq'), /c_t\s*= f_t ⊙ c_\{t−1\} \+ i_t ⊙ g_t/);
    },
  },
  {
    name: 'FPN: the experiment completes and its recall table renders numbers',
    timeout: 240000,
    async run({ page, base }) {
      await open(page, base, '#lang=en&seed=1&up=nearest');
      const levels = await page.$$eval('#fpn-levels tbody tr', (trs) => trs.map((tr) => [...tr.cells].map((c) => c.textContent.trim())));
      assert.deepEqual(levels.map((r) => r[3]), ['7 px', '15 px', '31 px', '63 px']);
      await page.click('#fpn-run');
      await page.waitForFunction(() => window.__arch.fpn, null, { timeout: 220000 });
      const rows = await page.$$eval('#fpn-table tbody tr', (trs) => trs.map((tr) => [...tr.cells].map((c) => c.textContent)));
      // three heads: the top level upsampled to stride 4, the top level at its own stride 32, P2
      assert.equal(rows.length, 3);
      for (const r of rows) {
        for (const c of r.slice(1, 4)) assert.match(c, /^\d+% \(\d+\/\d+\)$/, c);
        assert.match(r[5], /^\d+\.\d+$/);
      }
      assert.match(rows[1][0], /own stride \(P5, one cell per 32×32 px\)/);
      const runs = await page.evaluate(() => window.__arch.fpn.runs.map((r) => ({ v: r.variant, small: r.small[0], grid: r.grid, stride: r.stride, n: r.example.length })));
      assert.deepEqual(runs.map((r) => [r.v, r.grid, r.stride, r.n]), [['top', 32, 4, 1024], ['grid', 4, 32, 16], ['fpn', 32, 4, 1024]]);
      const [top, grid, fpn] = runs.map((r) => r.small);
      assert.ok(fpn > top && fpn > grid, `small objects found: top upsampled ${top}, top at stride 32 ${grid}, FPN ${fpn}`);
      const verdict = await page.textContent('#fpn-verdict');
      assert.match(verdict, /Measured/);
      // the verdict compares the fair baseline (the top level at its own stride) with P2
      const pcts = await page.evaluate(() => window.__arch.fpn.runs.map((r) => (100 * r.small[0] / r.small[1]).toFixed(0)));
      assert.ok(verdict.includes(`${pcts[1]}% with the top level at its own stride`) && verdict.includes(`${pcts[2]}% on the FPN`), verdict);
      // the recall plot's x axis is a category axis: one tick per size class, no 0.5 steps
      const ticks = await page.evaluate(() => window.__arch.fpnPlot().summary.xTicks);
      assert.deepEqual(ticks, ['small (< 12 px)', 'medium (12–32 px)', 'large (≥ 32 px)']);
    },
  },
  {
    name: 'bad input: a lag past the sequence, bad dilations and a level below one pixel get a message; nothing NaN',
    timeout: 120000,
    async run({ page, base }) {
      await open(page, base, '#lang=en&task=recall&len=10&lag=12&models=gru&steps=20');
      await page.click('#seq-run');
      await page.waitForFunction(() => window.__arch.seq?.done, null, { timeout: 60000 });
      const verdict = await page.textContent('#seq-table tbody tr[data-model="gru"]');
      assert.match(verdict, /lag \(12\) must be shorter than the sequence \(10 steps\)/);
      assert.doesNotMatch(verdict, /NaN/);
      await page.fill('#tcn-dil', '1,0,4');
      await page.dispatchEvent('#tcn-dil', 'change');
      assert.match(await page.textContent('#tcn-note'), /Dilations must be/);
      const msg = await page.evaluate(async () => {
        const dl = await (await import('./app/wasm.js')).ready();
        const t = new dl.Tensor(new Float32Array(40 * 40), [1, 1, 40, 40]);
        try {
          dl.archPyramid(t, 6, 'nearest', 1);
          return 'no error';
        } catch (e) {
          return e.message;
        } finally {
          t.free();
        }
      });
      assert.match(msg, /P6 \(stride 64\) would be smaller than 1 pixel/);
      // the lab keeps working
      await page.evaluate(() => { location.hash = 'lang=en&k=2&dil=1,2,4'; });
      await page.waitForFunction(() => window.__arch.tree?.rf === 8, null, { timeout: 10000 });
      assert.doesNotMatch(await page.textContent('main'), /NaN/);
    },
  },
  {
    name: 'divergence: an RNN at lr 1 without clipping blows up; the page says so, draws no NaN and keeps working',
    timeout: 240000,
    async run({ page, base }) {
      // Adam at lr 1 with no clipping: the loss leaps to hundreds of times the constant baseline
      await open(page, base, '#lang=en&task=sine&len=50&models=rnn&hid=64&lr=1&clip=0&bptt=0&steps=150&seed=1');
      await page.click('#seq-run');
      await page.waitForFunction(() => window.__arch.seq?.done, null, { timeout: 220000 });
      const run = await page.evaluate(() => ({ spike: window.__arch.seq.runs.rnn.spike, n: window.__arch.seq.runs.rnn.losses.length, base: window.__arch.seq.runs.rnn.info?.baseline }));
      assert.ok(run.spike, 'the blow-up was noticed');
      assert.ok(run.spike.ratio > 100 && run.spike.step >= 1 && run.spike.step <= run.n, JSON.stringify(run));
      const warn = await page.textContent('#seq-warn');
      assert.ok(await page.isVisible('#seq-warn'));
      assert.match(warn, new RegExp(`RNN: the loss jumped to [0-9.e+]+ at step ${run.spike.step}, [0-9,]+× the constant baseline`));
      assert.match(warn, /Lower the learning rate or turn on gradient clipping/);
      assert.match(await page.textContent('#seq-table tbody tr[data-model="rnn"]'), new RegExp(`diverged at step ${run.spike.step}`));
      // nothing NaN: the text, and the loss plot drew only finite points
      assert.doesNotMatch(await page.textContent('main'), /NaN|Infinity/);
      const sum = await page.evaluate(() => window.__arch.seqPlot('seq-loss').summary);
      assert.ok([...sum.x, ...sum.y].every(Number.isFinite), JSON.stringify([sum.x, sum.y]));
      assert.ok(sum.y[1] >= run.spike.loss, 'the log axis reaches the spike');
      // the lab keeps working: clipping on and a sane rate trains without a blow-up note
      await page.evaluate(() => { location.hash = 'lang=en&task=sine&len=50&models=rnn&hid=64&lr=0.01&clip=1&bptt=0&steps=60&seed=1'; });
      await page.waitForFunction(() => document.getElementById('seq-lr').value === '0.01', null, { timeout: 10000 });
      await page.click('#seq-run');
      await page.waitForFunction(() => window.__arch.seq?.done && window.__arch.seq.S.lr === 0.01, null, { timeout: 220000 });
      const ok = await page.evaluate(() => window.__arch.seq.runs.rnn);
      assert.equal(ok.error, null);
      assert.equal(ok.spike, null);
      assert.ok(ok.losses.length === 60 && ok.losses.every(Number.isFinite));
      assert.ok(await page.isHidden('#seq-warn'));
      assert.doesNotMatch(await page.textContent('main'), /NaN/);
    },
  },
  {
    name: 'phone: no sideways scroll; zh: the page speaks Chinese',
    timeout: 60000,
    async run({ newPage, base }) {
      const phone = await newPage({ viewport: { width: 390, height: 844 } });
      await open(phone, base, '#lang=en');
      const over = await phone.evaluate(() => document.documentElement.scrollWidth - innerWidth);
      assert.ok(over <= 1, `${over}px of sideways scroll`);
      await open(phone, base, '#lang=zh');
      assert.equal(await phone.textContent('#tcn-h'), '因果膨胀卷积（TCN）：它在时间上的感受野');
      assert.equal(await phone.textContent('#fpn-top option[value="5"]'), 'P5（步长 32）');
      assert.match(await phone.textContent('#tcn-rf'), /步$/);
    },
  },
];
