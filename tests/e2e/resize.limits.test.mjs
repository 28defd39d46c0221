// The resize lab never loops on a size limit (issue 9, "pages that never fail to start"; issue 10,
// defect 1). A new image whose output at the current factor is over a limit (64 Mi pixels from
// Rust, or 32,767 px a side for a canvas) used to send the job loop round "refused -> revert to the
// last good settings -> refused" forever, because the last good factor was the same one. Now the
// page shows the limit and falls back to the largest size allowed, in the page's language.
// Test images are PNGs made here (one flat colour plus a few marks: they compress to a few KB).
import { deflateSync } from 'node:zlib';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import assert from 'node:assert/strict';

const strings = {
  en: JSON.parse(readFileSync(new URL('../../www/i18n/en.json', import.meta.url), 'utf8')),
  zh: JSON.parse(readFileSync(new URL('../../www/i18n/zh.json', import.meta.url), 'utf8')),
};
const MAX_PIXELS = 64 * 1024 * 1024;
const MAX_SIDE = 32767;

const CRC = new Int32Array(256).map((_, n) => {
  let c = n;
  for (let k = 0; k < 8; k++) c = c & 1 ? 0xedb88320 ^ (c >>> 1) : c >>> 1;
  return c;
});
function crc32(buf) {
  let c = -1;
  for (const b of buf) c = CRC[(c ^ b) & 255] ^ (c >>> 8);
  return (c ^ -1) >>> 0;
}
function chunk(type, data) {
  const out = Buffer.alloc(12 + data.length);
  out.writeUInt32BE(data.length, 0);
  out.write(type, 4, 'latin1');
  data.copy(out, 8);
  out.writeUInt32BE(crc32(out.subarray(4, 8 + data.length)), 8 + data.length);
  return out;
}

/** A w x h RGB PNG: grey, with a red first column so the picture has something in it. */
export function bigPng(w, h) {
  const row = 1 + w * 3;
  const raw = Buffer.alloc(row * h, 128);
  for (let y = 0; y < h; y++) {
    raw[y * row] = 0; // filter: none
    raw[y * row + 1] = 255;
    raw[y * row + 2] = 0;
    raw[y * row + 3] = 0;
  }
  const ihdr = Buffer.alloc(13);
  ihdr.writeUInt32BE(w, 0);
  ihdr.writeUInt32BE(h, 4);
  ihdr[8] = 8;
  ihdr[9] = 2; // RGB
  return Buffer.concat([
    Buffer.from([137, 80, 78, 71, 13, 10, 26, 10]),
    chunk('IHDR', ihdr),
    chunk('IDAT', deflateSync(raw, { level: 1 })),
    chunk('IEND', Buffer.alloc(0)),
  ]);
}

/** Wait until the lab is idle with input `srcW x srcH` loaded and a result for it; a page that
 * loops never gets there (it stays busy), so the timeout is the regression's failure. */
async function waitSettled(page, srcW, srcH, timeout = 40000) {
  await page.waitForFunction(([sw, sh]) => {
    const lab = window.__resizeLab;
    if (!lab || document.body.dataset.lab !== 'idle') return false;
    const s = lab.source;
    return s && s.w === sw && s.h === sh && lab.result && lab.state.pick !== null;
  }, [srcW, srcH], { timeout, polling: 100 }).catch(async (err) => {
    const seen = await page.evaluate(() => JSON.stringify({
      lab: document.body.dataset.lab, result: window.__resizeLab?.result, source: window.__resizeLab?.source,
      notice: document.getElementById('notice').hidden ? '' : document.getElementById('notice-text').textContent,
      hash: location.hash,
    })).catch(() => '?');
    throw new Error(`${err.message}: the lab never settled (a loop?); it shows ${seen}`);
  });
  // settled means settled: nothing runs any more a moment later
  await page.waitForTimeout(300);
  assert.equal(await page.evaluate(() => document.body.dataset.lab), 'idle', 'the lab started work again by itself');
}

async function openLab(page, base, hash) {
  await page.goto(`${base}resize.html${hash}`);
  await waitSettled(page, 451, 300);
}

async function load(page, name, png, w, h) {
  await page.setInputFiles('#file', { name, mimeType: 'image/png', buffer: png });
  await waitSettled(page, w, h);
}

const notice = (page) => page.evaluate(() => {
  const n = document.getElementById('notice');
  return n.hidden ? null : { code: n.dataset.code, text: document.getElementById('notice-text').textContent };
});

/** The result must be the largest that fits: inside both limits, and one step more would not be. */
function assertLargest(r, src, s) {
  assert.ok(r.w * r.h <= MAX_PIXELS && r.w <= MAX_SIDE && r.h <= MAX_SIDE, `${r.w}x${r.h} fits the limits`);
  const next = { w: Math.round(src.w * (s + 0.001)), h: Math.round(src.h * (s + 0.001)) };
  assert.ok(next.w * next.h > MAX_PIXELS || next.w > MAX_SIDE || next.h > MAX_SIDE, `x${s} + 0.001 (${next.w}x${next.h}) would not fit`);
}

export default [
  {
    name: 'x3, then a 4032x3024 photo: the limit message and the largest factor that fits (issue 10 defect 1), and no loop',
    timeout: 120000,
    async run({ page, base, out }) {
      await openLab(page, base, '#lang=en&v=single&m=nearest&s=3');
      assert.deepEqual(await page.evaluate(() => window.__resizeLab.result), { w: 1353, h: 900, method: 'nearest' });
      await load(page, 'phone.png', bigPng(4032, 3024), 4032, 3024);
      const st = await page.evaluate(() => window.__resizeLab.state);
      assert.equal(st.sizeMode, 'scale');
      assert.equal(st.s, 2.346, 'sqrt(64 Mi / 12.2 MP) = 2.3460, rounded down');
      const r = await page.evaluate(() => window.__resizeLab.result);
      assert.deepEqual(r, { w: 9459, h: 7094, method: 'nearest' });
      assertLargest(r, { w: 4032, h: 3024 }, st.s);
      const n = await notice(page);
      assert.equal(n.code, 'size_fallback');
      assert.equal(n.text, 'This image at ×3 would be 12096 × 9072 = 109.7 MP, over the 67.1 MP limit. '
        + 'Showing the largest size allowed instead: ×2.346 (9459 × 7094, 67.1 MP).');
      assert.equal(await page.inputValue('#scale'), '2.346', 'the scale box shows the factor in effect');
      assert.match(await page.evaluate(() => location.hash), /(^#|&)s=2\.346(&|$)/, 'and the link records it');
      await page.screenshot({ path: join(out, 'resize-fallback-en.png') });

      // the lab keeps working: a too-large factor typed now reverts to the last good one (this
      // input's), and a normal factor runs and clears the message
      await page.fill('#scale', '4');
      await page.press('#scale', 'Enter');
      await waitSettled(page, 4032, 3024);
      assert.equal((await notice(page)).code, 'pixel_limit');
      assert.equal(await page.evaluate(() => window.__resizeLab.state.s), 2.346);
      await page.click('[data-scale="0.5"]');
      await waitSettled(page, 4032, 3024);
      assert.deepEqual(await page.evaluate(() => window.__resizeLab.result), { w: 2016, h: 1512, method: 'nearest' });
      assert.equal(await notice(page), null, 'a working request clears the message');
    },
  },
  {
    name: 'x8, then a 1920x1080 photo: falls back to x5.688, message in Chinese',
    timeout: 120000,
    async run({ page, base, out }) {
      await openLab(page, base, '#lang=zh&v=single&m=nearest&s=8');
      await load(page, 'hd.png', bigPng(1920, 1080), 1920, 1080);
      const st = await page.evaluate(() => window.__resizeLab.state);
      const r = await page.evaluate(() => window.__resizeLab.result);
      assert.equal(st.s, 5.688);
      assert.deepEqual(r, { w: 10921, h: 6143, method: 'nearest' });
      assertLargest(r, { w: 1920, h: 1080 }, st.s);
      const n = await notice(page);
      assert.equal(n.code, 'size_fallback');
      assert.equal(n.text, '这张图片在 ×8 时输出将是 15360 × 8640 = 132.7 MP，超过 67.1 MP 的上限。'
        + '已改用允许的最大尺寸：×5.688（10921 × 6143，67.1 MP）。');
      await page.screenshot({ path: join(out, 'resize-fallback-zh.png') });
      // switching the language re-renders the message
      await page.click('[data-lang-choice="en"]');
      await page.waitForFunction(() => document.documentElement.lang === 'en');
      assert.match((await notice(page)).text, /^This image at ×8 would be 15360 × 8640 = 132\.7 MP/);
    },
  },
  {
    name: 'phone (375x812, zh): the fall-back message fits without horizontal scroll',
    timeout: 90000,
    async run({ newPage, base, out }) {
      const phone = await newPage({ viewport: { width: 375, height: 812 }, deviceScaleFactor: 2, isMobile: true, hasTouch: true });
      await openLab(phone, base, '#lang=zh&v=single&m=nearest&s=8');
      await load(phone, 'hd.png', bigPng(1920, 1080), 1920, 1080);
      assert.equal((await notice(phone)).code, 'size_fallback');
      const { scroll, inner } = await phone.evaluate(() => ({ scroll: document.documentElement.scrollWidth, inner: innerWidth }));
      assert.ok(scroll <= inner, `page is ${scroll}px wide in a ${inner}px viewport`);
      await phone.locator('#notice').scrollIntoViewIfNeeded();
      await phone.screenshot({ path: join(out, 'resize-fallback-phone-zh.png') });
    },
  },
  {
    name: 'default x2: a photo over 16.8 MP and one wider than 16,383 px fall back (pixel limit, canvas side limit)',
    timeout: 150000,
    async run({ page, base, out }) {
      await openLab(page, base, '#lang=en&v=single&m=nearest');
      await load(page, 'big.png', bigPng(4800, 3600), 4800, 3600);
      let st = await page.evaluate(() => window.__resizeLab.state);
      let r = await page.evaluate(() => window.__resizeLab.result);
      assert.equal(st.s, 1.97);
      assertLargest(r, { w: 4800, h: 3600 }, st.s);
      assert.equal((await notice(page)).code, 'size_fallback');

      // a panorama: 20000 x 600 at x2 is 40000 px wide (12 MP is under the pixel limit)
      await page.click('[data-scale="2"]'); // from x1.97 of the last photo: x2 is refused, reverted
      await waitSettled(page, 4800, 3600);
      await load(page, 'pano.png', bigPng(20000, 600), 20000, 600);
      st = await page.evaluate(() => window.__resizeLab.state);
      r = await page.evaluate(() => window.__resizeLab.result);
      assert.equal(st.s, 1.638);
      assert.deepEqual(r, { w: 32760, h: 983, method: 'nearest' });
      assertLargest(r, { w: 20000, h: 600 }, st.s);
      const n = await notice(page);
      assert.equal(n.code, 'size_fallback');
      assert.equal(n.text, 'This image at ×1.97 would be 39400 × 1182 = 46.6 MP, longer than the 32767 px a browser can show on a side. '
        + 'Showing the largest size allowed instead: ×1.638 (32760 × 983, 32.2 MP).');
      await page.screenshot({ path: join(out, 'resize-fallback-wide.png') });
    },
  },
  {
    name: 'Cancel during the first resize of a new photo stops it: not run again by itself, and a new setting runs',
    timeout: 120000,
    async run({ page, base }) {
      await openLab(page, base, '#lang=en&v=single&m=pillow&s=2');
      // x2 of 4032 x 3024 is 48.8 MP, under the limit; Pillow-exact (scalar) takes a while
      await page.setInputFiles('#file', { name: 'phone.png', mimeType: 'image/png', buffer: bigPng(4032, 3024) });
      await page.waitForFunction(() => !document.getElementById('busy').hidden
        && /8064 × 6048/.test(document.getElementById('busy-text').textContent), null, { timeout: 40000, polling: 20 });
      await page.click('#cancel');
      await page.waitForFunction(() => document.body.dataset.lab === 'idle' && window.__resizeLab.source.w === 4032
        && !document.getElementById('notice').hidden, null, { timeout: 40000 });
      const n = await notice(page);
      assert.equal(n.code, 'cancelled_stopped', 'nothing worked on this photo yet: it stays stopped');
      assert.equal(n.text, 'Cancelled. Change the size or method to run it again.');
      await page.waitForTimeout(1000);
      assert.equal(await page.evaluate(() => document.body.dataset.lab), 'idle', 'the cancelled resize did not start again');
      // a new setting runs, and clears nothing it should not
      await page.click('[data-scale="0.5"]');
      await page.waitForFunction(() => window.__resizeLab.result?.w === 2016 && document.body.dataset.lab === 'idle', null, { timeout: 40000 });
      assert.deepEqual(await page.evaluate(() => window.__resizeLab.result), { w: 2016, h: 1512, method: 'pillow' });
    },
  },
  {
    name: 'a link asking for 999999 x 999999 opens with the largest size of that shape that fits, and says so',
    timeout: 60000,
    async run({ page, base }) {
      await page.goto(`${base}resize.html#lang=en&v=single&m=nearest&size=999999x999999`);
      await waitSettled(page, 451, 300);
      const st = await page.evaluate(() => window.__resizeLab.state);
      const r = await page.evaluate(() => window.__resizeLab.result);
      assert.equal(st.sizeMode, 'size');
      assert.equal(r.w, r.h, 'the shape asked for (square)');
      assert.ok(r.w * r.h <= MAX_PIXELS && (r.w + 1) * (r.h + 1) > MAX_PIXELS, `${r.w}x${r.h} is the largest square that fits`);
      const n = await notice(page);
      assert.equal(n.code, 'size_fallback');
      assert.equal(n.text, 'An output of 999999 × 999999 = 999998 MP is over the 67.1 MP limit and longer than the 32767 px a browser can show on a side. '
        + `Showing the largest size allowed instead: ${r.w} × ${r.h} (${(r.w * r.h / 1e6).toFixed(1)} MP).`);
    },
  },
];
