// The resize lab (www/resize.html): a real PNG uploaded through the file chooser comes out of the
// OpenCV-exact and Pillow-exact modes byte for byte as real cv2 and Pillow made it (fixtures from
// tests/e2e/fixtures/make_fixtures.py); a non-image file and an over-limit size give a message and
// keep the previous image; the inspector's filled-in formula ends in the pixel on the canvas; the
// URL hash reproduces the page; desktop and phone screenshots.
import { createHash } from 'node:crypto';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import assert from 'node:assert/strict';
import { decodePng, encodePng } from '../../www/app/png.js';

const FIX = join(import.meta.dirname ?? new URL('.', import.meta.url).pathname, 'fixtures');
const INPUT = join(FIX, 'input_64x48.png');
const strings = {
  en: JSON.parse(readFileSync(new URL('../../www/i18n/en.json', import.meta.url), 'utf8')),
  zh: JSON.parse(readFileSync(new URL('../../www/i18n/zh.json', import.meta.url), 'utf8')),
};

async function fixture(name) {
  return decodePng(new Uint8Array(readFileSync(join(FIX, name))));
}

async function openLab(page, base, hash = '#lang=en') {
  await page.goto(`${base}resize.html${hash}`);
  await waitIdle(page);
}

/** Wait until the lab has nothing left to do (and, if given, shows result w x h of `method`). */
async function waitIdle(page, want = {}, timeout = 60000) {
  await page.waitForFunction((w) => {
    const lab = window.__resizeLab;
    if (document.body.dataset.lab === 'error') return true;
    if (!lab || document.body.dataset.lab !== 'idle' || !lab.result) return false;
    const r = lab.result;
    const s = lab.source;
    return (w.w === undefined || r.w === w.w) && (w.h === undefined || r.h === w.h)
      && (w.method === undefined || r.method === w.method)
      && (w.srcW === undefined || (s && s.w === w.srcW && s.h === w.srcH));
  }, want, { timeout, polling: 50 }).catch(async (err) => {
    const seen = await page.evaluate(() => JSON.stringify({
      lab: document.body.dataset.lab, result: window.__resizeLab?.result, source: window.__resizeLab?.source,
      notice: document.getElementById('notice')?.hidden ? '' : document.getElementById('notice-text')?.textContent,
      hash: location.hash,
    })).catch(() => '?');
    throw new Error(`${err.message}\n  waiting for ${JSON.stringify(want)}, the page shows ${seen}`);
  });
  const err = await page.evaluate(() => (document.body.dataset.lab === 'error' ? document.querySelector('[data-error]').textContent : ''));
  if (err) throw new Error(`the lab shows an error: ${err}`);
}

async function uploadInput(page) {
  await page.setInputFiles('#file', INPUT);
  await waitIdle(page, { srcW: 64, srcH: 48 });
}

async function setMethod(page, m) {
  await page.selectOption('#method', m);
}

/** Click Download and decode the PNG the page hands over. */
async function downloadPng(page) {
  const [dl] = await Promise.all([page.waitForEvent('download'), page.click('#download')]);
  const path = await dl.path();
  return { name: dl.suggestedFilename(), png: await decodePng(new Uint8Array(readFileSync(path))) };
}

function countDiff(a, b) {
  assert.equal(a.width, b.width, 'width');
  assert.equal(a.height, b.height, 'height');
  let bytes = 0;
  let first = -1;
  for (let i = 0; i < a.rgba.length; i++) {
    if (a.rgba[i] !== b.rgba[i]) {
      bytes++;
      if (first < 0) first = i;
    }
  }
  const px = first >> 2;
  return { bytes, where: first < 0 ? '' : `first at pixel (${px % a.width}, ${Math.floor(px / a.width)}) channel ${first & 3}: ${a.rgba[first]} vs ${b.rgba[first]}` };
}

/** RGBA of the viewer's first pane at the centre of output pixel (x, y), as drawn on the canvas. */
function canvasPixel(page, x, y) {
  return page.evaluate(([x, y]) => {
    const v = window.__resizeLab.viewer;
    const c = document.querySelector('#stage canvas');
    const p = v.screenOf(x, y);
    const dpr = c.width / c.clientWidth;
    return [...c.getContext('2d').getImageData(Math.floor(p.x * dpr), Math.floor(p.y * dpr), 1, 1).data];
  }, [x, y]);
}

/** Type an output size W x H (unlocked) and apply it; wait for the notice it raises. */
async function askSizeForNotice(page, w, h) {
  await page.uncheck('#lock');
  await page.fill('#out-w', String(w));
  await page.fill('#out-h', String(h));
  await page.click('#apply-size');
  await page.waitForFunction(() => !document.getElementById('notice').hidden);
  await waitIdle(page);
}

async function noticeCode(page) {
  return page.evaluate(() => {
    const n = document.getElementById('notice');
    return n.hidden ? '' : n.dataset.code;
  });
}

async function checkNoOverflow(page) {
  const { scroll, inner } = await page.evaluate(() => ({ scroll: document.documentElement.scrollWidth, inner: window.innerWidth }));
  assert.ok(scroll <= inner, `page is ${scroll}px wide in a ${inner}px viewport (horizontal scroll)`);
}

/** The inspector's final value and pixel, and what the canvas shows at that pixel. */
async function inspectorVsCanvas(page) {
  const ins = await page.evaluate(() => {
    const o = document.getElementById('ins-value');
    return { x: +o.dataset.x, y: +o.dataset.y, rgba: o.dataset.rgba.split(',').map(Number), method: o.dataset.method,
      final: +document.getElementById('ins-final')?.textContent, channel: document.getElementById('ins-final')?.dataset.channel };
  });
  return { ins, canvas: await canvasPixel(page, ins.x, ins.y) };
}

export default [
  {
    name: 'www/app/png.js reads the fixtures as Pillow does and round-trips RGBA with alpha',
    async run() {
      const { files } = JSON.parse(readFileSync(join(FIX, 'fixtures.json'), 'utf8'));
      assert.ok(Object.keys(files).length >= 5);
      for (const [name, want] of Object.entries(files)) {
        const png = await fixture(name);
        assert.equal(png.width, want.width, name);
        assert.equal(png.height, want.height, name);
        assert.equal(createHash('sha256').update(png.rgba).digest('hex'), want.rgba_sha256, `${name}: RGBA bytes vs Pillow's`);
      }
      // every byte value in every channel, translucent pixels included, survives encode -> decode
      const w = 67;
      const h = 45;
      const rgba = new Uint8ClampedArray(w * h * 4);
      let seed = 12345;
      for (let i = 0; i < rgba.length; i++) {
        seed = (seed * 1103515245 + 12345) >>> 0;
        rgba[i] = i < 1024 ? i & 255 : seed >>> 24;
      }
      const blob = await encodePng(rgba, w, h);
      const back = await decodePng(new Uint8Array(await blob.arrayBuffer()));
      assert.equal(back.width, w);
      assert.equal(back.height, h);
      assert.deepEqual([...back.rgba], [...rgba]);
      await assert.rejects(decodePng(new TextEncoder().encode('not a png at all')), /not a PNG/);
    },
  },
  {
    name: 'uploaded PNG, 2x and 37x29: OpenCV and Pillow modes match real cv2 and Pillow byte for byte',
    timeout: 120000,
    async run({ page, base }) {
      await openLab(page, base, '#lang=en&v=single');
      await uploadInput(page);
      const src = await page.evaluate(() => window.__resizeLab.source);
      assert.deepEqual(src, { w: 64, h: 48, format: 'PNG', exact: true, name: 'input_64x48.png' });
      assert.equal(await page.evaluate(() => window.__resizeLab.state.src), 'own');

      for (const m of ['opencv', 'pillow']) {
        await setMethod(page, m);
        await page.click('[data-scale="2"]');
        await waitIdle(page, { w: 128, h: 96, method: m });
        const { name, png } = await downloadPng(page);
        assert.equal(name, `input_64x48-${m}-128x96.png`);
        const ref = await fixture(`${m}_128x96.png`);
        const d = countDiff(png, ref);
        assert.equal(d.bytes, 0, `${m} 2x: ${d.bytes} bytes differ from the fixture, ${d.where}`);

        // the canvas shows the same pixels (checked where they are opaque: a canvas premultiplies)
        let checked = 0;
        for (let i = 0; i < 40; i++) {
          const x = (i * 37) % 128;
          const y = (i * 23 + 5) % 96;
          const k = (y * 128 + x) * 4;
          if (ref.rgba[k + 3] !== 255) continue;
          const got = await canvasPixel(page, x, y);
          assert.deepEqual(got, [...ref.rgba.subarray(k, k + 4)], `${m}: canvas pixel (${x}, ${y})`);
          checked++;
        }
        assert.ok(checked >= 20, `only ${checked} opaque pixels checked`);
      }

      // explicit width x height, a non-integer shrink: Pillow antialiases, OpenCV does not
      await page.uncheck('#lock');
      await page.fill('#out-w', '37');
      await page.fill('#out-h', '29');
      await page.click('#apply-size');
      await waitIdle(page, { w: 37, h: 29, method: 'pillow' });
      assert.match(await page.evaluate(() => location.hash), /size=37x29/);
      for (const m of ['pillow', 'opencv']) {
        await setMethod(page, m);
        await waitIdle(page, { w: 37, h: 29, method: m });
        const { png } = await downloadPng(page);
        const d = countDiff(png, await fixture(`${m}_37x29.png`));
        assert.equal(d.bytes, 0, `${m} 37x29: ${d.bytes} bytes differ from the fixture, ${d.where}`);
      }
    },
  },
  {
    name: 'a non-image file (chooser, drop) and an over-limit size give a message; the previous image stays',
    timeout: 90000,
    async run({ page, base }) {
      await openLab(page, base, '#lang=en&v=single&m=opencv');
      await uploadInput(page);
      await page.click('[data-scale="2"]');
      await waitIdle(page, { w: 128, h: 96, method: 'opencv' });
      const before = await canvasPixel(page, 10, 10);

      // a text file renamed .png, through the file chooser
      await page.setInputFiles('#file', { name: 'notes.png', mimeType: 'image/png', buffer: Buffer.from('these are my notes, not a picture\n') });
      await page.waitForFunction(() => !document.getElementById('notice').hidden);
      await waitIdle(page);
      assert.equal(await noticeCode(page), 'not_image');
      const text = await page.textContent('#notice-text');
      assert.match(text, /“notes\.png” is not an image this browser can decode/);
      assert.match(text, /The previous image is still shown\./);
      assert.deepEqual(await page.evaluate(() => window.__resizeLab.source), { w: 64, h: 48, format: 'PNG', exact: true, name: 'input_64x48.png' });
      assert.deepEqual(await page.evaluate(() => window.__resizeLab.result), { w: 128, h: 96, method: 'opencv' });
      assert.deepEqual(await canvasPixel(page, 10, 10), before, 'the canvas still shows the previous result');

      // the same by drag and drop (an empty file this time)
      await page.click('#notice-close');
      await page.evaluate(() => {
        const dt = new DataTransfer();
        dt.items.add(new File([new Uint8Array(0)], 'empty.jpg', { type: 'image/jpeg' }));
        for (const type of ['dragenter', 'dragover', 'drop']) {
          document.body.dispatchEvent(new DragEvent(type, { dataTransfer: dt, bubbles: true, cancelable: true }));
        }
      });
      await page.waitForFunction(() => !document.getElementById('notice').hidden);
      await waitIdle(page);
      assert.equal(await noticeCode(page), 'not_image');
      assert.match(await page.textContent('#notice-text'), /“empty\.jpg” is not an image/);
      assert.equal(await page.isHidden('#drop-overlay'), true, 'drop overlay hidden again');

      // W x H = 10000 x 10000 is 100 MP: over the 64 Mi-pixel limit
      await page.click('#notice-close');
      await askSizeForNotice(page, 10000, 10000);
      assert.equal(await noticeCode(page), 'pixel_limit', 'the refusal comes from Rust (its code)');
      const big = await page.textContent('#notice-text');
      assert.match(big, /10000 × 10000 = 100 MP; the limit is 67\.1 MP \(67,108,864 pixels\)/);
      assert.match(big, /The previous image is still shown\./);
      assert.deepEqual(await page.evaluate(() => window.__resizeLab.result), { w: 128, h: 96, method: 'opencv' });
      assert.equal(await page.inputValue('#out-w'), '128', 'the size fields show the size still in effect');
      assert.deepEqual(await canvasPixel(page, 10, 10), before);

      // and the lab keeps working: a valid size after the failures
      await page.click('[data-scale="1.5"]');
      await waitIdle(page, { w: 96, h: 72, method: 'opencv' });
      assert.equal(await noticeCode(page), '', 'a working request clears the message');
    },
  },
  {
    name: 'zh: Rust\'s pixel-limit error (output and input) shows in Chinese with its numbers',
    timeout: 90000,
    async run({ page, base, out }) {
      await openLab(page, base, '#lang=zh&v=single&m=opencv');
      await uploadInput(page);
      // 9000 x 9000 = 81 MP: Rust's checkImageSize refuses it with {what: 'output', w, h, got, max}
      await askSizeForNotice(page, 9000, 9000);
      assert.equal(await noticeCode(page), 'pixel_limit');
      const text = await page.textContent('#notice-text');
      const fill = (key, vars) => strings.zh[key].replace(/\{(\w+)\}/g, (m, k) => String(vars[k]));
      const limit = { limit: '67.1', limit_px: '67,108,864' };
      assert.equal(text, `${fill('resize.err.too_large', { w: 9000, h: 9000, mp: '81', ...limit })} ${strings.zh['resize.err.kept']}`);
      assert.match(text, /输出将是 9000 × 9000 = 81 MP；上限是 67\.1 MP/);
      await page.screenshot({ path: join(out, 'resize-zh-limit.png') });

      // an input over the limit: a PNG whose header says 12000 x 6000 (72 MP) is refused by the
      // same Rust check before anything is inflated
      const png = Buffer.alloc(45);
      Buffer.from([137, 80, 78, 71, 13, 10, 26, 10]).copy(png, 0);
      png.writeUInt32BE(13, 8);
      png.write('IHDR', 12, 'latin1');
      png.writeUInt32BE(12000, 16);
      png.writeUInt32BE(6000, 20);
      png[24] = 8; // bit depth
      png[25] = 6; // RGBA
      png.write('IEND', 37, 'latin1');
      await page.click('#notice-close');
      await page.setInputFiles('#file', { name: 'huge.png', mimeType: 'image/png', buffer: png });
      await page.waitForFunction(() => !document.getElementById('notice').hidden);
      await waitIdle(page);
      assert.equal(await noticeCode(page), 'pixel_limit');
      assert.equal(
        await page.textContent('#notice-text'),
        `${fill('resize.err.input_too_large', { w: 12000, h: 6000, mp: '72', ...limit })} ${strings.zh['resize.err.kept']}`,
      );
      assert.deepEqual(await page.evaluate(() => window.__resizeLab.source), { w: 64, h: 48, format: 'PNG', exact: true, name: 'input_64x48.png' });

      // any coded Rust error through the page's describeError, in the page's language (zh)
      const shown = await page.evaluate(async () => {
        const [m, i18n] = await Promise.all([import('./pkg/dlplay.js'), import('./app/i18n.js')]);
        await m.default();
        try {
          new m.Tensor(new Float32Array(3), [2, 2]);
        } catch (e) {
          return { code: e.code, vars: e.vars, text: i18n.describeError(e) };
        }
        return null;
      });
      assert.equal(shown.code, 'length_mismatch');
      assert.deepEqual(shown.vars, { name: 'data', len: 3, shape: [2, 2], need: 4 });
      assert.equal(shown.text, fill('error.length_mismatch', { name: 'data', len: 3, shape: '2, 2', need: 4 }));
      assert.match(shown.text, /^形状错误：data 有 3 个值/);
    },
  },
  {
    name: 'a pasted image loads; 8x of it is fine, a 40 MP result runs in the worker',
    timeout: 120000,
    async run({ page, base }) {
      await openLab(page, base, '#lang=en&v=single&m=opencv');
      const bytes = [...readFileSync(INPUT)];
      await page.evaluate((b) => {
        const dt = new DataTransfer();
        dt.items.add(new File([new Uint8Array(b)], 'clip.png', { type: 'image/png' }));
        document.dispatchEvent(new ClipboardEvent('paste', { clipboardData: dt, bubbles: true, cancelable: true }));
      }, bytes);
      await waitIdle(page, { srcW: 64, srcH: 48 });
      await page.click('[data-scale="8"]');
      await waitIdle(page, { w: 512, h: 384, method: 'opencv' });
      // 8000 x 5000 = 40 MP: the page stays responsive while the worker runs
      await page.uncheck('#lock');
      await page.fill('#out-w', '8000');
      await page.fill('#out-h', '5000');
      await page.click('#apply-size');
      assert.equal(await page.evaluate(() => 1 + 1), 2);
      await waitIdle(page, { w: 8000, h: 5000, method: 'opencv' }, 100000);
      assert.equal(await noticeCode(page), '');
      const timing = await page.textContent('#timing');
      assert.match(timing, /OpenCV: 64 × 48 → 8000 × 5000 \(40 MP\) in [\d.]+ ms = [\d.]+ MP\/s/);
    },
  },
  {
    name: 'inspector: the filled-in formula ends in the pixel on the canvas, for every method; arrows move it',
    timeout: 120000,
    async run({ page, base }) {
      await openLab(page, base, '#lang=en&src=photo&s=2.5&v=single');
      const methods = [
        ['bilinear', 'half', 'bilinear'],
        ['bilinear', 'corners', 'bilinear_align_corners'],
        ['opencv', null, 'opencv'],
        ['pillow', null, 'pillow'],
        ['nearest', null, 'nearest'],
        ['browser', null, 'browser-high'],
      ];
      await page.click('#zoom-in'); // bigger pixels, easier to hit
      await page.click('#zoom-in');
      const canvasEl = page.locator('#stage canvas');
      const box = await canvasEl.boundingBox();
      let k = 0;
      for (const [m, conv, id] of methods) {
        await setMethod(page, m);
        if (conv) await page.check(`input[name="conv"][value="${conv}"]`);
        await waitIdle(page, { method: id });
        await canvasEl.click({ position: { x: box.width * (0.3 + 0.07 * k), y: box.height * (0.35 + 0.05 * k) } });
        k++;
        await waitIdle(page);
        const { ins, canvas } = await inspectorVsCanvas(page);
        assert.equal(ins.method, id);
        assert.deepEqual(ins.rgba, canvas, `${id}: inspector value vs canvas at (${ins.x}, ${ins.y})`);
        const state = await page.evaluate(() => window.__resizeLab.state.pick);
        assert.deepEqual(state, { x: ins.x, y: ins.y }, 'the clicked pixel is the inspected one');
        if (id !== 'browser-high') {
          assert.equal(ins.channel, 'R');
          assert.equal(ins.final, ins.rgba[0], `${id}: the formula's last line is the R value`);
          const lines = await page.textContent('#ins-formula');
          if (id.startsWith('bilinear')) assert.match(lines, /f\(x, y₁\) = f\(x₁, y₁\)·\(x₂ − x\)\/\(x₂ − x₁\) \+ f\(x₂, y₁\)·\(x − x₁\)\/\(x₂ − x₁\)/);
          if (id === 'opencv') assert.match(lines, />> 4 = \d+/);
          // channel G: the formula ends in the G value
          await page.click('#inspector [data-channel="1"]');
          assert.equal(+(await page.textContent('#ins-final')), ins.rgba[1], `${id}: G`);
          await page.click('#inspector [data-channel="0"]');
        }
        // arrow keys move the inspected pixel; the value follows the canvas
        await canvasEl.focus();
        await page.keyboard.press('ArrowRight');
        await page.keyboard.press('ArrowDown');
        await waitIdle(page);
        await page.waitForFunction(([x, y]) => {
          const o = document.getElementById('ins-value');
          return +o.dataset.x === x && +o.dataset.y === y;
        }, [ins.x + 1, ins.y + 1]);
        const moved = await inspectorVsCanvas(page);
        assert.deepEqual(moved.ins.rgba, moved.canvas, `${id}: after the arrow keys`);
      }
    },
  },
  {
    name: 'test chart: |A − B| heatmap with a legend; OpenCV aliases where Pillow antialiases',
    timeout: 90000,
    async run({ page, base, out }) {
      await openLab(page, base, '#lang=en&src=chart&s=0.5&m=opencv&b=pillow&v=diff');
      await page.waitForFunction(() => window.__resizeLab.diff);
      const d = await page.evaluate(() => window.__resizeLab.diff);
      assert.ok(d.max > 50, `OpenCV vs Pillow on a shrunk zone plate should differ a lot, max ${d.max}`);
      assert.ok(await page.isVisible('#legend'));
      assert.match(await page.textContent('#diff-stats'), /^Largest difference \d+ levels, mean [\d.]+; [\d,]+ of 49,152 pixels differ/);
      await page.screenshot({ path: join(out, 'resize-diff.png') });
      await page.selectOption('#compare', 'opencv');
      await page.waitForFunction(() => window.__resizeLab.diff && window.__resizeLab.compare.method === 'opencv');
      await waitIdle(page);
      assert.equal((await page.evaluate(() => window.__resizeLab.diff)).max, 0, 'a method against itself');
      assert.match(await page.textContent('#diff-stats'), /0 of 49,152 pixels differ/);
    },
  },
  {
    name: 'state lives in the hash: a reload shows the same picture, method, view and pixel',
    timeout: 90000,
    async run({ page, base }) {
      await openLab(page, base, '#lang=en');
      await page.click('[data-sample="chart"]');
      await waitIdle(page, { srcW: 512, srcH: 384 });
      await setMethod(page, 'bilinear');
      await page.check('input[name="conv"][value="corners"]');
      await page.fill('#scale', '1.5');
      await page.press('#scale', 'Enter');
      await page.click('[data-view="side"]');
      await page.selectOption('#compare', 'pillow');
      await waitIdle(page, { w: 768, h: 576, method: 'bilinear_align_corners' });
      await page.locator('#stage canvas').first().focus();
      await page.keyboard.press('ArrowLeft');
      await waitIdle(page);
      const pickBefore = await page.evaluate(() => window.__resizeLab.state.pick);
      await page.waitForTimeout(300); // the hash is written a moment after the last change
      const hash = await page.evaluate(() => location.hash);
      for (const part of ['src=chart', 's=1.5', 'm=bilinear', 'conv=corners', 'v=side', 'b=pillow', `px=${pickBefore.x}`, `py=${pickBefore.y}`]) {
        assert.ok(hash.includes(part), `hash ${hash} has ${part}`);
      }
      await page.reload();
      await waitIdle(page, { w: 768, h: 576, method: 'bilinear_align_corners' });
      const st = await page.evaluate(() => window.__resizeLab.state);
      assert.equal(st.src, 'chart');
      assert.equal(st.v, 'side');
      assert.equal(st.b, 'pillow');
      assert.deepEqual(st.pick, pickBefore);
      assert.equal(await page.inputValue('#method'), 'bilinear');
      assert.equal(await page.isChecked('input[name="conv"][value="corners"]'), true);
      assert.equal(await page.inputValue('#scale'), '1.5');
      assert.equal(await page.locator('#stage canvas').count(), 2, 'side by side: two panes');
      const ins = await page.evaluate(() => document.getElementById('ins-value').dataset);
      assert.equal(+ins.x, pickBefore.x);
      assert.equal(+ins.y, pickBefore.y);
      // an own image is not in the link: the page says so and shows the sample photo
      await page.goto(`${base}resize.html#lang=en&src=own&s=2`);
      await waitIdle(page, { srcW: 451, srcH: 300 });
      assert.equal(await noticeCode(page), 'own_not_in_link');
    },
  },
  {
    name: 'screenshots: desktop 1280 (en) and phone 375x812 (zh) without horizontal scroll',
    timeout: 90000,
    async run({ page, newPage, base, out }) {
      await openLab(page, base, '#lang=en');
      assert.equal(await page.textContent('h1'), strings.en['resize.heading']);
      await page.screenshot({ path: join(out, 'resize-desktop.png'), fullPage: true });
      await page.screenshot({ path: join(out, 'resize-desktop-top.png') });

      const phone = await newPage({ viewport: { width: 375, height: 812 }, deviceScaleFactor: 2, isMobile: true, hasTouch: true });
      await openLab(phone, base, '#lang=zh');
      assert.equal(await phone.textContent('h1'), strings.zh['resize.heading']);
      await checkNoOverflow(phone);
      // a tap picks a pixel on a phone too (zoomed in: a shrunk view is smoothed for display)
      await phone.click('#zoom-1');
      await phone.click('#zoom-in');
      const box = await phone.locator('#stage canvas').boundingBox();
      await phone.tap('#stage canvas', { position: { x: box.width * 0.6, y: box.height * 0.5 } });
      await waitIdle(phone);
      const { ins, canvas } = await inspectorVsCanvas(phone);
      assert.deepEqual(ins.rgba, canvas, 'phone: inspector vs canvas after a tap');
      assert.equal(ins.method, 'nearest', 'a tap right of the split line inspects B');
      await checkNoOverflow(phone);
      await phone.screenshot({ path: join(out, 'resize-phone.png') });
      await phone.screenshot({ path: join(out, 'resize-phone-full.png'), fullPage: true });
      for (const v of ['side', 'diff']) {
        await phone.click(`[data-view="${v}"]`);
        await waitIdle(phone);
        await checkNoOverflow(phone);
      }
      await phone.locator('.viewer-col').screenshot({ path: join(out, 'resize-phone-diff.png') });
    },
  },
  {
    name: 'home page: topic 3 links to the lab (its topic view)',
    async run({ page, base }) {
      await page.goto(`${base}index.html#lang=en`);
      await page.waitForFunction(() => document.querySelectorAll('#topics li.topic').length > 0);
      const href = await page.getAttribute('li[data-topic="interpolation"] h3 a', 'href');
      assert.match(href, /^resize\.html#(.+&)?topic=interpolation&lang=en$/);
      const linked = await page.$$eval('#topics h3 a', (as) => as.map((a) => a.closest('li').dataset.topic));
      assert.ok(linked.includes('interpolation'), `linked topics: ${linked}`);
      await page.click('li[data-topic="interpolation"] h3 a');
      await waitIdle(page);
      assert.equal(await page.textContent('h1'), strings.en['resize.heading']);
    },
  },
];
