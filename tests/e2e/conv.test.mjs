// The convolution lab, used as a person would: presets, picking a cell (pointer and keyboard),
// the receptive-field box and r shown vs the formula computed here from the layer parameters
// read out of the editor, impossible stacks, a non-image file, the URL hash, the cost table,
// the step-by-step conv, weight sharing, and screenshots (desktop, phone, Chinese).
import assert from 'node:assert/strict';
import { join } from 'node:path';

async function open(page, base, hash = 'lang=en') {
  await page.goto(`${base}conv.html#${hash}`);
  await page.waitForFunction(() => document.body.dataset.convReady === '1', null, { timeout: 60000 });
}

/** Waits until the cell readout has been redrawn after `action`. */
async function afterUpdate(page, action) {
  const before = await page.evaluate(() => Number(document.body.dataset.cellUpdates || 0));
  await action();
  await page.waitForFunction((n) => Number(document.body.dataset.cellUpdates || 0) > n, before);
}

/** The stack as the editor shows it: [{type, k, s, p, d}] read from the inputs. */
function readEditor(page) {
  return page.$$eval('#layers li.layer', (lis) => lis.map((li) => {
    const v = (f) => {
      const el = li.querySelector(`[data-field="${f}"]`);
      return el ? Number(el.value) : undefined;
    };
    return { type: li.querySelector('select[data-field="type"]').value, k: v('k'), s: v('s'), p: v('p'), d: v('d') ?? 1 };
  }));
}

/** Araujo et al.: r, jump, start after the stack, and every map's length for input n. */
function formula(layers, n) {
  let r = 1;
  let jump = 1;
  let start = 0;
  let len = n;
  for (const l of layers) {
    const d = l.type === 'conv' ? l.d : 1;
    r += (l.k - 1) * d * jump;
    start -= l.p * jump;
    jump *= l.s;
    len = Math.floor((len + 2 * l.p - d * (l.k - 1) - 1) / l.s) + 1;
  }
  return { r, jump, start, len };
}

/** Exact 1-D support of output j: walk every layer's taps back, dropping the padding. */
function support1d(layers, n, j) {
  const lens = [n];
  for (const l of layers) {
    const d = l.type === 'conv' ? l.d : 1;
    lens.push(Math.floor((lens.at(-1) + 2 * l.p - d * (l.k - 1) - 1) / l.s) + 1);
  }
  let cur = new Set([j]);
  for (let li = layers.length - 1; li >= 0; li--) {
    const l = layers[li];
    const d = l.type === 'conv' ? l.d : 1;
    const prev = new Set();
    for (const o of cur) {
      for (let t = 0; t < l.k; t++) {
        const i = o * l.s + t * d - l.p;
        if (i >= 0 && i < lens[li]) prev.add(i);
      }
    }
    cur = prev;
  }
  return cur.size;
}

const text = (page, sel) => page.locator(sel).textContent();

async function readout(page) {
  const cell = /\((\d+), (\d+)\)/.exec(await text(page, '#ro-cell'));
  const range = async (sel) => (await text(page, sel)).split('..').map(Number);
  return {
    cell: cell ? [Number(cell[1]), Number(cell[2])] : null,
    r: Number(await text(page, '#ro-r')),
    jump: Number(await text(page, '#ro-jump')),
    start: Number(await text(page, '#ro-start')),
    rows: await range('#ro-rows'),
    cols: await range('#ro-cols'),
    support: await text(page, '#ro-support'),
  };
}

/** Clicks the centre of cell (i, j) on the last-map canvas of an h x w map. */
async function clickLastMap(page, i, j, h, w) {
  const lm = page.locator('#lastmap');
  await lm.scrollIntoViewIfNeeded();
  // `position` is relative to the padding box (inside the canvas's border).
  const box = await lm.evaluate((el) => ({ width: el.clientWidth, height: el.clientHeight }));
  const position = { x: ((j + 0.5) / w) * box.width, y: ((i + 0.5) / h) * box.height };
  await afterUpdate(page, () => lm.click({ position }));
}

export default [
  {
    name: 'presets: picked cell, box and r shown equal the formula',
    timeout: 90000,
    async run({ page, base }) {
      await open(page, base);
      const n = 512; // the sample photo
      for (const preset of ['three3', 'dilated', 'gridding', 'vgg', 'resnet', 'mobilenet', 'vgg6']) {
        await afterUpdate(page, () => page.click(`button[data-preset="${preset}"]`));
        assert.equal(await page.getAttribute(`button[data-preset="${preset}"]`, 'aria-pressed'), 'true');
        const layers = await readEditor(page);
        const f = formula(layers, n);
        for (const [fy, fx] of [[0.3, 0.7], [0.02, 0.98]]) {
          const want = [Math.floor(fy * f.len), Math.floor(fx * f.len)];
          await clickLastMap(page, want[0], want[1], f.len, f.len);
          const ro = await readout(page);
          assert.deepEqual(ro.cell, want, `${preset}: cell picked on a ${f.len}x${f.len} map`);
          assert.equal(ro.r, f.r, `${preset}: r`);
          assert.equal(ro.jump, f.jump, `${preset}: jump`);
          assert.equal(ro.start, f.start, `${preset}: start`);
          const r0 = f.start + want[0] * f.jump;
          const c0 = f.start + want[1] * f.jump;
          assert.deepEqual(ro.rows, [r0, r0 + f.r - 1], `${preset}: box rows`);
          assert.deepEqual(ro.cols, [c0, c0 + f.r - 1], `${preset}: box cols`);
          // (b) exact support: its size is the product of the 1-D supports.
          const sup = support1d(layers, n, want[0]) * support1d(layers, n, want[1]);
          assert.match(ro.support, new RegExp(`^${sup.toLocaleString('en-US')} of `), `${preset}: support count`);
        }
        // Keyboard: ArrowDown moves one cell, the box by one jump.
        const before = await readout(page);
        await page.focus('#lastmap');
        await afterUpdate(page, () => page.keyboard.press('ArrowUp'));
        const after = await readout(page);
        assert.equal(after.cell[0], before.cell[0] - 1, `${preset}: ArrowUp`);
        assert.deepEqual(after.rows, before.rows.map((v) => v - f.jump), `${preset}: box moved by one jump`);
      }
    },
  },
  {
    name: 'gridding 2-2-2 shows holes, dilated 1-2-4 none; clicking the photo picks the cell under it',
    async run({ page, base }) {
      await open(page, base, 'lang=en&preset=gridding');
      let ro = await readout(page);
      assert.equal(ro.r, 13);
      assert.match(ro.support, /^49 of 169 pixels \(120 holes\)$/);
      await afterUpdate(page, () => page.click('button[data-preset="dilated"]'));
      ro = await readout(page);
      assert.equal(ro.r, 15);
      assert.match(ro.support, /^225 of 225 pixels \(0 holes\)$/);
      // A tap at photo pixel (100, 300) picks the cell whose box is centred there.
      const photo = page.locator('#photo');
      await photo.scrollIntoViewIfNeeded();
      const box = await photo.boundingBox();
      await afterUpdate(page, () => photo.click({ position: { x: (300.5 / 512) * box.width, y: (100.5 / 512) * box.height } }));
      ro = await readout(page);
      const mid = (rng) => (rng[0] + rng[1]) / 2;
      assert.ok(Math.abs(mid(ro.rows) - 100) <= 1 && Math.abs(mid(ro.cols) - 300) <= 1,
        `box centred near (100, 300): rows ${ro.rows}, cols ${ro.cols}`);
    },
  },
  {
    name: 'the non-square sample (451x300): rows and columns follow their own lengths',
    async run({ page, base }) {
      await open(page, base, 'lang=en&preset=resnet&img=chelsea');
      assert.match(await text(page, '#input-line'), /chelsea\.png.*451×300/);
      assert.equal(await page.inputValue('#image-choice'), 'chelsea');
      const layers = await readEditor(page);
      const fr = formula(layers, 300);
      const fc = formula(layers, 451);
      assert.match(await text(page, '#lastmap-caption'), new RegExp(`${fr.len}×${fc.len} cells`));
      const want = [fr.len - 1, fc.len - 1];
      await clickLastMap(page, want[0], want[1], fr.len, fc.len);
      const ro = await readout(page);
      assert.deepEqual(ro.cell, want);
      assert.deepEqual(ro.rows, [fr.start + want[0] * fr.jump, fr.start + want[0] * fr.jump + fr.r - 1]);
      assert.deepEqual(ro.cols, [fc.start + want[1] * fc.jump, fc.start + want[1] * fc.jump + fc.r - 1]);
      // The box hangs over the bottom-right padding; the part on the image is clipped.
      assert.match(await text(page, '#ro-clip'), new RegExp(`rows ${ro.rows[0]}\\.\\.${Math.min(ro.rows[1], 299)}, cols ${ro.cols[0]}\\.\\.${Math.min(ro.cols[1], 450)}`));
    },
  },
  {
    name: 'impossible stacks say why, at the layer that breaks',
    async run({ page, base }) {
      await open(page, base, 'lang=en&preset=three3');
      // Dilation 0 typed into layer 2.
      const d2 = page.locator('#layers li[data-layer="2"] input[data-field="d"]');
      await d2.fill('0');
      await d2.dispatchEvent('change');
      const why = page.locator('#layers li[data-layer="2"] .why');
      await why.waitFor();
      assert.match(await why.textContent(), /Layer 2 cannot run: dilation must be >= 1, got 0/);
      assert.ok(await page.locator('#layers li[data-layer="2"].broken').count());
      assert.ok(await page.locator('#layers li[data-layer="3"].after-break').count());
      assert.match(await text(page, '#layer-table tr.broken'), /dilation must be >= 1, got 0/);
      assert.equal(await page.locator('#layer-table tr.broken').getAttribute('data-layer'), '2');
      assert.equal(await text(page, '#ro-r'), '–', 'no cell is shown for a stack that cannot run');
      assert.equal(await page.locator('#stack-error').isVisible(), true);
      // A dilated kernel wider than the (padded) map it receives: 512 -> 256 -> 128, then span 161.
      await open(page, base, 'lang=en&stack=c3.2.1.1.8.1_c3.2.1.1.8.1_c5.1.1.40.8.1');
      const msg = await page.locator('#layers li[data-layer="3"] .why').textContent();
      assert.match(msg, /^Layer 3 cannot run: cannot run on the 128x128 map it receives: the dilated kernel spans 161 rows \(kernel 5, dilation 40\) but the padded input has only 130/);
      assert.equal(await page.locator('#layers li.broken').count(), 1);
      // Over the lab's limits: the limit is named.
      await open(page, base, 'lang=en&stack=c3.1.1.80.8.1');
      assert.match(await page.locator('#layers li[data-layer="1"] .why').textContent(), /dilation is 80; the lab allows at most 64/);
      await open(page, base, 'lang=en&stack=c3.2.1.1.8.1_c3.2.1.1.8.1_c5.1.1.40.8.1');
      // Fixing it brings the cell back.
      const d3 = page.locator('#layers li[data-layer="3"] input[data-field="d"]');
      await afterUpdate(page, async () => {
        await d3.fill('2');
        await d3.dispatchEvent('change');
      });
      assert.equal(await page.locator('#layers li.broken').count(), 0);
      assert.ok(Number(await text(page, '#ro-r')) > 1);
    },
  },
  {
    name: 'a text file renamed .png gives a clear message and the lab keeps working',
    async run({ page, base }) {
      await open(page, base);
      await page.setInputFiles('#file', { name: 'notes.png', mimeType: 'image/png', buffer: Buffer.from('just some text, not a PNG\n') });
      await page.waitForFunction(() => Number(document.body.dataset.imageError || 0) > 0);
      const err = page.locator('#image-error');
      assert.equal(await err.isVisible(), true);
      assert.match(await err.textContent(), /“notes\.png” could not be read as an image: it is not a PNG, JPEG, GIF, WebP or BMP file/);
      assert.equal(await page.inputValue('#image-choice'), 'astronaut');
      await clickLastMap(page, 100, 200, 512, 512);
      assert.ok(Number(await text(page, '#ro-r')) > 1);
      // A real image (a 3x2 PNG made here) is accepted and becomes the input.
      const png = await page.evaluate(async () => {
        const c = new OffscreenCanvas(40, 30);
        const ctx = c.getContext('2d');
        ctx.fillStyle = '#c33';
        ctx.fillRect(0, 0, 40, 30);
        const b = await c.convertToBlob({ type: 'image/png' });
        return [...new Uint8Array(await b.arrayBuffer())];
      });
      await afterUpdate(page, () => page.setInputFiles('#file', { name: 'red.png', mimeType: 'image/png', buffer: Buffer.from(png) }));
      assert.match(await text(page, '#input-line'), /red\.png.*40×30/);
      assert.equal(await err.isVisible(), false);
    },
  },
  {
    name: 'the URL hash keeps the stack, cell and options across a reload',
    async run({ page, base }) {
      await open(page, base, 'lang=en&preset=resnet');
      await clickLastMap(page, 32, 77, 128, 128);
      await page.check('#show-erf');
      await page.check('#compare');
      const before = await readout(page);
      const hash = await page.evaluate(() => location.hash);
      assert.match(hash, /stack=c7\.2\.3\.1\.64\.1_m3\.2\.1/);
      assert.match(hash, /cell=\d+%2C\d+|cell=\d+,\d+/);
      await page.reload();
      await page.waitForFunction(() => document.body.dataset.convReady === '1');
      assert.deepEqual(await readout(page), before);
      assert.equal(await page.isChecked('#show-erf'), true);
      assert.ok(await page.locator('#layer-table tr.alt').count() > 0, 'comparison rows survive the reload');
    },
  },
  {
    name: 'cost table: 108 vs 27 + 12 = 39 from the same code, and the comparison rows',
    async run({ page, base }) {
      await open(page, base, 'lang=en&preset=vgg');
      assert.match(await text(page, '#cheat-line'), /need 108 weights; depthwise 27 \+ pointwise 12 = 39\./);
      const row1 = await page.$$eval('#layer-table tbody tr[data-layer="1"] td', (tds) => tds.map((t) => t.textContent));
      assert.equal(row1[2], '64×512×512');
      assert.equal(row1[6], (64 * 3 * 9).toLocaleString('en-US'));
      await page.check('#compare');
      const alts = await page.$$eval('#layer-table tr.alt', (trs) => trs.map((tr) => [tr.dataset.alt, tr.children[6].textContent]));
      // Layer 2: 64 -> 64, 3x3: standard 36,864; separable 576 + 4,096; bottleneck 1,024 + 2,304 + 1,024.
      assert.deepEqual(alts.slice(3), [
        ['standard', '36,864'],
        ['separable', '576 + 4,096 = 4,672'],
        ['bottleneck', '1,024 + 2,304 + 1,024 = 4,352'],
      ]);
    },
  },
  {
    name: 'step-by-step conv: each step shows its products and their sum',
    async run({ page, base }) {
      await open(page, base, 'lang=en&slide=2,1,2,0');
      for (let k = 0; k < 4; k++) {
        const line = await text(page, '#sl-sum');
        const m = /^y\[(\d+),(\d+)\] = (.*) = (-?\d+)/.exec(line);
        assert.ok(m, line);
        const terms = m[3].split(' + ').map((tm) => tm.replace(/[()]/g, '').split('·').map(Number));
        assert.equal(terms.length, 9);
        assert.equal(terms.reduce((a, [x, w]) => a + x * w, 0), Number(m[4]), line);
        await page.click('#sl-next');
      }
      // 7x7, padding 1, dilation 2, stride 2: (7 + 2 - 4 - 1) / 2 + 1 = 3.
      assert.match(await page.locator('#sl-output').getAttribute('aria-label'), /output/);
      const impossible = page.locator('#sl-d');
      await page.fill('#sl-p', '0');
      await page.dispatchEvent('#sl-p', 'change');
      await impossible.fill('3');
      await impossible.dispatchEvent('change');
      assert.match(await text(page, '#sl-sum'), /^y\[0,0\]/, 'span 7 fits a 7x7 input exactly');
    },
  },
  {
    name: 'weight sharing: the shifted photo gives the shifted map; odd shifts break pooling',
    async run({ page, base }) {
      await open(page, base, 'lang=en');
      await page.waitForFunction(() => document.getElementById('fm-check').textContent.length > 0);
      assert.match(await text(page, '#fm-check'), /largest difference 0\)/);
      await page.selectOption('#fm-pool', 'max');
      await page.waitForFunction(() => /not shift-equivariant/.test(document.getElementById('fm-check').textContent));
      await page.fill('#fm-dx', '4');
      await page.dispatchEvent('#fm-dx', 'change');
      await page.fill('#fm-dy', '-2');
      await page.dispatchEvent('#fm-dy', 'change');
      await page.waitForFunction(() => /largest difference 0\)/.test(document.getElementById('fm-check').textContent));
    },
  },
  {
    name: 'a malformed link falls back to a working lab',
    async run({ page, base }) {
      // A broken stack, an unknown preset (a name of Object.prototype), bad slide and kernel values.
      await open(page, base, 'lang=en&stack=c3.1_zz&preset=toString&slide=1,2&fk=laplace&cell=a,b');
      assert.equal(await page.getAttribute('button[data-preset="dilated"]', 'aria-pressed'), 'true');
      assert.equal(await page.locator('#layers li.layer').count(), 3);
      assert.equal(await page.inputValue('#fm-kernel'), 'sobel_x');
      const ro = await readout(page);
      assert.equal(ro.r, 15);
      assert.deepEqual(ro.cell, [256, 256], 'the centre cell of the 512x512 map');
    },
  },
  {
    name: 'screenshots: desktop, phone, Chinese; no horizontal scroll on a phone',
    timeout: 90000,
    async run({ page, newPage, base, out }) {
      await open(page, base, 'lang=en&preset=gridding&show=111');
      await page.screenshot({ path: join(out, 'conv-desktop.png'), fullPage: true });
      const phone = await newPage({ viewport: { width: 375, height: 812 }, deviceScaleFactor: 2, isMobile: true, hasTouch: true });
      await open(phone, base, 'lang=en&preset=resnet&show=111');
      const { scroll, inner } = await phone.evaluate(() => ({ scroll: document.documentElement.scrollWidth, inner: window.innerWidth }));
      assert.ok(scroll <= inner, `page is ${scroll}px wide in a ${inner}px viewport`);
      // Tapping works like clicking.
      const photo = phone.locator('#photo');
      const box = await photo.boundingBox();
      await afterUpdate(phone, () => photo.tap({ position: { x: box.width * 0.3, y: box.height * 0.3 } }));
      await phone.screenshot({ path: join(out, 'conv-phone.png'), fullPage: true });
      const zh = await newPage();
      await open(zh, base, 'lang=zh&preset=mobilenet&cmp=1');
      assert.equal(await zh.locator('h1').textContent(), '卷积与感受野');
      await zh.screenshot({ path: join(out, 'conv-zh.png'), fullPage: true });
    },
  },
];
