// Issue 10, defects 5 and 7: results and receptive fields shown at a size where the point shows.
// Resize lab: a x4 result opens pixel-true (nearest and bilinear visibly differ), a click on a
// zoomed-out view zooms in at the click point, the inspector sits beside the image on a wide
// screen and comes into view on a phone, x2 / x3 / x4 buttons. Conv lab: a magnified view of the
// picked cell whose drawn box matches the readout's r / jump / start pixel for pixel, with the
// holes of a dilated stack marked, the ERF coloured as its colour scale says, and r / jump /
// start explained beside the readout. Screenshots (desktop 1366x800, phone 390x844, en and zh).
import { join } from 'node:path';
import assert from 'node:assert/strict';

const LONG = { timeout: 60000, polling: 100 };
const DESKTOP = { viewport: { width: 1366, height: 800 } };
const PHONE = { viewport: { width: 390, height: 844 }, deviceScaleFactor: 2, isMobile: true, hasTouch: true };

/** Wait until the resize lab is idle with result A of `want` ({w, method}) and its inspection. */
async function resizeIdle(page, want = {}) {
  await page.waitForFunction((w) => {
    const lab = window.__resizeLab;
    const r = lab?.result;
    return document.body.dataset.lab === 'idle' && r && (w.w === undefined || r.w === w.w)
      && (w.method === undefined || r.method === w.method) && document.getElementById('ins-value');
  }, want, LONG);
}

async function openResize(page, base, hash, want) {
  await page.goto(`${base}resize.html#${hash}`);
  await resizeIdle(page, want);
}

/** Keep the first pane's pixels as drawn now (device pixels, RGBA) in the page, as `name`. */
function paneBytes(page, name) {
  return page.evaluate((k) => {
    window.__resizeLab.viewer.drawNow();
    const c = document.querySelector('#stage canvas');
    window.__captures = { ...window.__captures, [k]: c.getContext('2d').getImageData(0, 0, c.width, c.height).data };
  }, name);
}

/** Mean absolute difference per RGB channel of two captures of the same size. */
function meanAbsDiff(page, a, b) {
  return page.evaluate(([ka, kb]) => {
    const x = window.__captures[ka];
    const y = window.__captures[kb];
    if (x.length !== y.length) throw new Error(`captures of ${x.length} and ${y.length} bytes`);
    let s = 0;
    for (let i = 0; i < x.length; i += 4) s += Math.abs(x[i] - y[i]) + Math.abs(x[i + 1] - y[i + 1]) + Math.abs(x[i + 2] - y[i + 2]);
    return s / ((x.length / 4) * 3);
  }, [a, b]);
}

const inViewport = (page, sel) => page.evaluate((s) => {
  const r = document.querySelector(s).getBoundingClientRect();
  return { top: r.top, bottom: r.bottom, left: r.left, right: r.right, h: innerHeight, w: innerWidth,
    shown: r.height > 0 && r.top >= 0 && r.bottom <= innerHeight };
}, sel);

async function noHorizontalScroll(page) {
  const { scroll, inner } = await page.evaluate(() => ({ scroll: document.documentElement.scrollWidth, inner: innerWidth }));
  assert.ok(scroll <= inner, `page is ${scroll}px wide in a ${inner}px viewport (horizontal scroll)`);
}

/** Click (or tap) pane 0 at CSS position p and wait for the inspection of the pixel under it. */
async function pickAt(page, p, tap = false) {
  const canvas = page.locator('#stage canvas').first();
  const px = await page.evaluate(([x, y]) => window.__resizeLab.viewer.pixelAt(x, y), [p.x, p.y]);
  if (tap) await canvas.tap({ position: p });
  else await canvas.click({ position: p });
  await page.waitForFunction(() => document.body.dataset.lab === 'idle', null, LONG);
  return px;
}

async function openConv(page, base, hash) {
  await page.goto(`${base}conv.html#${hash}`);
  await page.waitForFunction(() => document.body.dataset.convReady === '1'
    && document.getElementById('ro-r').textContent !== '–', null, LONG);
}

/**
 * What the conv lab's magnified view drew: the device-pixel extent of the box colour, the
 * crop's origin and scale, the colours at the centres of the image pixels of the box, the colour
 * bar's pixels. Everything read back from the canvases.
 */
function readLoupe(page) {
  return page.evaluate(() => {
    const c = document.getElementById('loupe');
    const d = c.dataset;
    const g = c.getContext('2d').getImageData(0, 0, c.width, c.height).data;
    const S = +d.scale;
    const ox = +d.ox;
    const oy = +d.oy;
    const x0 = +d.x0;
    const y0 = +d.y0;
    const box = [255, 45, 85];
    let minX = Infinity; let maxX = -1; let minY = Infinity; let maxY = -1;
    for (let y = 0; y < c.height; y++) {
      for (let x = 0; x < c.width; x++) {
        const k = (y * c.width + x) * 4;
        if (g[k] === box[0] && g[k + 1] === box[1] && g[k + 2] === box[2] && g[k + 3] === 255) {
          minX = Math.min(minX, x); maxX = Math.max(maxX, x); minY = Math.min(minY, y); maxY = Math.max(maxY, y);
        }
      }
    }
    const at = (ix, iy) => {
      const x = ox + (ix - x0) * S + Math.floor(S / 2);
      const y = oy + (iy - y0) * S + Math.floor(S / 2);
      const k = (y * c.width + x) * 4;
      return [g[k], g[k + 1], g[k + 2]];
    };
    const cell = window.__convLab.cell();
    const { win, erf, support } = cell.maps;
    const ww = win.c1 - win.c0;
    const pixels = [];
    for (let y = win.r0; y < win.r1; y++) {
      for (let x = win.c0; x < win.c1; x++) {
        const k = (y - win.r0) * ww + (x - win.c0);
        pixels.push({ x, y, erf: erf[k], support: support[k], rgb: at(x, y) });
      }
    }
    const bar = document.getElementById('loupe-scale');
    const bd = bar.dataset;
    const bg = bar.getContext('2d').getImageData(0, 0, bar.width, bar.height).data;
    const barAt = (v) => {
      const x = Math.round(+bd.x0 + Math.sqrt(v) * (+bd.x1 - +bd.x0 - 1)); // a square-root scale
      const k = (Math.round(+bd.y) * bar.width + x) * 4;
      return [bg[k], bg[k + 1], bg[k + 2]];
    };
    return {
      extent: { minX, maxX, minY, maxY }, S, ox, oy, x0, y0, pixels, ticks: bd.ticks,
      barColours: pixels.map((p) => barAt(p.erf)), hole: d.holeRgb.split(',').map(Number),
    };
  });
}

const text = (page, sel) => page.locator(sel).textContent();

export default [
  {
    name: 'defect 5: a x4 result opens pixel-true where nearest and bilinear differ; ×2 ×3 ×4 buttons',
    timeout: 120000,
    async run({ newPage, base, out }) {
      const page = await newPage(DESKTOP);
      await openResize(page, base, 'lang=en&src=photo&s=4&m=nearest', { w: 1804, method: 'nearest' });
      const view = await page.evaluate(() => window.__resizeLab.viewer.view);
      assert.ok(view.z >= 1, `a x4 result opens at ${Math.round(view.z * 100)}%, not pixel-true`);
      // the picked (interesting) point is in the middle part of the pane
      const where = await page.evaluate(() => {
        const lab = window.__resizeLab;
        const p = lab.state.pick;
        const s = lab.viewer.paneSize();
        return { at: lab.viewer.screenOf(p.x, p.y), s };
      });
      assert.ok(where.at.x > where.s.w * 0.2 && where.at.x < where.s.w * 0.8
        && where.at.y > where.s.h * 0.2 && where.at.y < where.s.h * 0.8, `the picked pixel is in view: ${JSON.stringify(where)}`);
      await page.waitForTimeout(100);
      await paneBytes(page, 'n1');
      await page.selectOption('#method', 'bilinear');
      await resizeIdle(page, { w: 1804, method: 'bilinear' });
      await paneBytes(page, 'b1');
      await page.screenshot({ path: join(out, 'defect5-resize-x4-open-desktop-en.png') });
      await page.click('#zoom-fit');
      await paneBytes(page, 'b2');
      await page.selectOption('#method', 'nearest');
      await resizeIdle(page, { w: 1804, method: 'nearest' });
      await paneBytes(page, 'n2');
      const open = await meanAbsDiff(page, 'n1', 'b1');
      const fit = await meanAbsDiff(page, 'n2', 'b2');
      assert.ok(open > 2 * fit && open > 1, `nearest vs bilinear, mean |difference| on screen: ${open.toFixed(2)} as opened, ${fit.toFixed(2)} at Fit`);
      // x2, x3, x4 buttons set the factor and show which one is on
      // (beside the result, and among the size presets)
      for (const [s, w, sel] of [[3, 1353, 'data-quick-scale'], [2, 902, 'data-scale'], [4, 1804, 'data-quick-scale']]) {
        await page.click(`[${sel}="${s}"]`);
        await resizeIdle(page, { w });
        for (const attr of ['data-quick-scale', 'data-scale']) {
          assert.equal(await page.getAttribute(`[${attr}="${s}"]`, 'aria-pressed'), 'true', `×${s} is pressed`);
          assert.equal(await page.locator(`[${attr}][aria-pressed="true"]`).count(), 1);
        }
      }
    },
  },
  {
    name: 'defect 5: a click zooms a shrunk view in at the click point; the inspector is in view (desktop, phone, zh)',
    timeout: 150000,
    async run({ newPage, base, out }) {
      const page = await newPage(DESKTOP);
      await openResize(page, base, 'lang=en&src=photo&s=4&m=bilinear&b=nearest', { w: 1804 });
      await page.click('#zoom-fit');
      assert.ok((await page.evaluate(() => window.__resizeLab.viewer.view.z)) < 1);
      const s = await page.evaluate(() => window.__resizeLab.viewer.paneSize());
      const p = { x: Math.round(s.w * 0.45), y: Math.round(s.h * 0.4) };
      const px = await pickAt(page, p);
      const after = await page.evaluate((q) => ({ z: window.__resizeLab.viewer.view.z,
        at: window.__resizeLab.viewer.screenOf(q.x, q.y), pick: window.__resizeLab.state.pick }), px);
      assert.deepEqual(after.pick, px, 'the clicked pixel is picked');
      assert.ok(after.z >= 1, `a click on a shrunk view opens a pixel-true crop (zoom ${after.z})`);
      assert.ok(Math.abs(after.at.x - p.x) <= after.z && Math.abs(after.at.y - p.y) <= after.z,
        `the clicked pixel stays under the pointer: ${JSON.stringify(after.at)} vs ${JSON.stringify(p)}`);
      await page.waitForFunction((q) => document.getElementById('ins-value')?.dataset.x === String(q.x), px, LONG);
      const ins = await inViewport(page, '#ins-value');
      const stage = await inViewport(page, '#stage canvas');
      assert.ok(ins.shown, `the inspector's value is on screen after a click: ${JSON.stringify(ins)}`);
      const seen = (Math.min(stage.bottom, stage.h) - Math.max(stage.top, 0)) / (stage.bottom - stage.top);
      assert.ok(seen >= 0.8, `…and so is (most of) the image: ${JSON.stringify(stage)}`);
      assert.ok(ins.left >= stage.right - 1, 'on a wide screen the inspector sits beside the image');
      await page.screenshot({ path: join(out, 'defect5-resize-x4-click-desktop-en.png') });
      await noHorizontalScroll(page);

      for (const lang of ['en', 'zh']) {
        const phone = await newPage(PHONE);
        await openResize(phone, base, `lang=${lang}&src=photo&s=4&m=bilinear`, { w: 1804 });
        await noHorizontalScroll(phone);
        await phone.locator('#stage').scrollIntoViewIfNeeded();
        const ps = await phone.evaluate(() => window.__resizeLab.viewer.paneSize());
        const tapped = await pickAt(phone, { x: Math.round(ps.w * 0.6), y: Math.round(ps.h * 0.55) }, true);
        await phone.waitForFunction((q) => document.getElementById('ins-value')?.dataset.x === String(q.x), tapped, LONG);
        await phone.waitForTimeout(700); // a smooth scroll, if any
        const pin = await inViewport(phone, '#ins-value');
        assert.ok(pin.shown, `${lang} phone: the inspector's value is on screen after a tap: ${JSON.stringify(pin)}`);
        const st = await inViewport(phone, '#stage canvas');
        const part = (Math.min(st.bottom, st.h) - Math.max(st.top, 0)) / (st.bottom - st.top);
        assert.ok(part >= 0.5, `${lang} phone: …and most of the image too: ${JSON.stringify(st)}`);
        assert.ok((await phone.evaluate(() => window.__resizeLab.viewer.view.z)) >= 1);
        await noHorizontalScroll(phone);
        await phone.screenshot({ path: join(out, `defect5-resize-x4-tap-phone-${lang}.png`) });
      }
      const zh = await newPage(DESKTOP);
      await openResize(zh, base, 'lang=zh&src=photo&s=4&m=bilinear', { w: 1804 });
      const zs = await zh.evaluate(() => window.__resizeLab.viewer.paneSize());
      await pickAt(zh, { x: Math.round(zs.w * 0.55), y: Math.round(zs.h * 0.5) });
      assert.ok((await inViewport(zh, '#ins-value')).shown);
      await zh.screenshot({ path: join(out, 'defect5-resize-x4-click-desktop-zh.png') });
    },
  },
  {
    name: 'defect 7: a magnified view beside the readout: its box is r/jump/start pixel for pixel, holes and ERF with a colour scale',
    timeout: 120000,
    async run({ newPage, base, out }) {
      const page = await newPage(DESKTOP);
      for (const [preset, wantHoles] of [['gridding', true], ['dilated', false], ['resnet', false]]) {
        await openConv(page, base, `lang=en&preset=${preset}`);
        const r = +(await text(page, '#ro-r'));
        const jump = +(await text(page, '#ro-jump'));
        const start = +(await text(page, '#ro-start'));
        const [row, col] = /\((\d+), (\d+)\)/.exec(await text(page, '#ro-cell')).slice(1).map(Number);
        const r0 = start + row * jump;
        const c0 = start + col * jump;
        const L = await readLoupe(page);
        // the box colour covers exactly the box's pixels (r0..r0+r-1, c0..c0+r-1), nothing more
        assert.deepEqual(L.extent, {
          minX: L.ox + (c0 - L.x0) * L.S, maxX: L.ox + (c0 + r - L.x0) * L.S - 1,
          minY: L.oy + (r0 - L.y0) * L.S, maxY: L.oy + (r0 + r - L.y0) * L.S - 1,
        }, `${preset}: the drawn box vs r=${r}, jump=${jump}, start=${start}, cell (${row}, ${col})`);
        assert.ok(L.S >= 4, `${preset}: magnified (${L.S} device px per image pixel)`);
        // holes: every pixel of the box on the image that cannot change the cell is marked
        const holes = Number(/\(([\d,]+) holes?\)/.exec(await text(page, '#ro-support'))[1].replace(/,/g, ''));
        const inner = L.pixels.filter((p) => p.x > c0 && p.x < c0 + r - 1 && p.y > r0 && p.y < r0 + r - 1);
        const marked = inner.filter((p) => p.rgb.every((v, i) => v === L.hole[i]));
        const innerHoles = inner.filter((p) => !p.support);
        assert.equal(marked.length, innerHoles.length, `${preset}: hole marks vs holes`);
        assert.equal(holes > 0, wantHoles, `${preset}: ${holes} holes`);
        assert.equal(Number(await page.getAttribute('#loupe', 'data-holes')), holes, `${preset}: holes drawn vs the readout`);
        // ERF: each support pixel has the colour the colour scale gives its value
        for (const [k, p] of L.pixels.entries()) {
          if (!p.support || p.x === c0 || p.y === r0 || p.x === c0 + r - 1 || p.y === r0 + r - 1) continue;
          const bar = L.barColours[k];
          assert.ok(p.rgb.every((v, i) => Math.abs(v - bar[i]) <= 12), `${preset}: ERF ${p.erf.toFixed(3)} at (${p.y}, ${p.x}) drawn ${p.rgb}, the scale says ${bar}`);
        }
        assert.equal(L.ticks, '0 0.05 0.25 0.5 1');
        assert.match(await text(page, '#loupe-scale-caption'), /relative|max/i);
      }
      // beside the photo and the readout, with r / jump / start explained there
      const rect = (sel) => page.locator(sel).boundingBox();
      const photo = await rect('#photo');
      const loupe = await rect('#loupe');
      assert.ok(loupe.x >= photo.x + photo.width - 1 && loupe.y < photo.y + photo.height, 'the magnified view is beside the photo');
      const why = await text(page, '#ro-r-why');
      assert.match(why, /\b11\b/); // the last preset: ResNet stem, r 11, jump 4, start −5
      assert.match(await text(page, '#ro-jump-why'), /\b4\b/);
      assert.match(await text(page, '#ro-start-why'), /−5|-5/);
      const wr = await rect('#ro-r-why');
      const table = await rect('#table-panel');
      assert.ok(wr.x >= photo.x + photo.width - 1 && wr.y < table.y, 'the explanation is beside the readout, above the table');
      await page.locator('#cell-panel').scrollIntoViewIfNeeded();
      await page.screenshot({ path: join(out, 'defect7-conv-loupe-desktop-en.png') });
      await openConv(page, base, 'lang=zh&preset=gridding');
      assert.match(await text(page, '#ro-r-why'), /[\u4e00-\u9fff]/);
      assert.match(await text(page, '#loupe-scale-caption'), /[\u4e00-\u9fff]/);
      await page.locator('#cell-panel').scrollIntoViewIfNeeded();
      await page.screenshot({ path: join(out, 'defect7-conv-loupe-desktop-zh.png') });
      for (const lang of ['en', 'zh']) {
        const phone = await newPage(PHONE);
        await openConv(phone, base, `lang=${lang}&preset=gridding`);
        await noHorizontalScroll(phone);
        const pl = await phone.locator('#loupe').boundingBox();
        assert.ok(pl.width > 200 && pl.x >= 0 && pl.x + pl.width <= 390, `phone: the magnified view fits: ${JSON.stringify(pl)}`);
        await phone.locator('#loupe').scrollIntoViewIfNeeded();
        await phone.screenshot({ path: join(out, `defect7-conv-loupe-phone-${lang}.png`) });
      }
    },
  },
];
