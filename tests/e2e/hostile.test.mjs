// Hostile input, page by page (issue 9, "pages locked down"): URL hashes carrying HTML and script
// (`<img src=x onerror=alert(1)>`, `"><script>…`, `javascript:` values in every key the page
// reads), very long hashes and absurd numbers (1e309, -0, 2**53, NaN, ...) in every numeric hash
// key; truncated and mislabelled files where a page takes files; absurd numbers typed in every
// numeric field. For each: no dialog opens, nothing uncaught escapes (the harness fails on console
// errors and page errors, CSP violations included), no markup from the input appears in the page,
// a message is shown where the input was refused (or, for a clamped field, the field shows the
// value in effect), and afterwards a normal action still gives its normal result.
import { readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import assert from 'node:assert/strict';
import { FIELDS } from '../../www/labs/train.model.js';

const XSS = [
  '<img src=x onerror=alert(1)>',
  '"><script>alert(2)</script>',
  'javascript:alert(3)',
  "'><svg/onload=alert(4)>",
];
const NUMS = ['1e309', '-1e309', '-0', String(2 ** 53), 'NaN', '1e-320', '-1', 'Infinity', '0x10'];
/** The ones that differ most, for fields whose every change recomputes a lot (the conv lab). */
const NUMS_SHORT = ['1e309', '-0', String(2 ** 53), 'NaN', '-1'];
const LONG = 'A'.repeat(4000);

/** What each page reads from its hash: its keys, and how a number goes into each numeric one. */
const N = (n) => n;
const PAGES = {
  'index.html': {
    keys: ['lang'],
    numeric: {},
    ready: () => document.querySelectorAll('#topics li.topic').length > 0,
  },
  'resize.html': {
    keys: ['lang', 'src', 'size', 's', 'lock', 'm', 'conv', 'q', 'b', 'v', 'px', 'py', 'pk', 'ch', 'sp', 'z', 'cx', 'cy'],
    numeric: { s: N, px: N, py: N, sp: N, z: N, cx: N, cy: N, size: (n) => `${n}x${n}` },
    ready: () => document.body.dataset.lab === 'idle' && window.__resizeLab?.result,
  },
  'conv.html': {
    keys: ['lang', 'stack', 'preset', 'cell', 'seed', 'draws', 'show', 'cmp', 'img', 'slide', 'fk', 'fw', 'pool', 'dx', 'dy'],
    numeric: {
      seed: N, draws: N, dx: N, dy: N, cell: (n) => `${n},${n}`, slide: (n) => `${n},${n},${n},${n}`,
      fw: (n) => Array(9).fill(n).join(','), stack: (n) => `c${n}.${n}.${n}.${n}.${n}.1_m${n}.2.0`,
    },
    ready: () => document.body.dataset.convReady === '1',
  },
  'train.html': {
    keys: ['lang', 'why', 'ab', 'test', 'disc', 'speed', 'until', 'play', ...FIELDS.map(([, h]) => h), ...FIELDS.map(([, h]) => `b.${h}`)],
    numeric: {
      until: N,
      ...Object.fromEntries(FIELDS.filter(([, , type]) => ['int', 'num', 'ints', 'points'].includes(type)).flatMap(([, h, type]) => {
        const f = type === 'ints' ? (n) => `${n},${n}` : type === 'points' ? (n) => `${n},${n},1;0,0,${n}` : N;
        return [[h, f], [`b.${h}`, f]];
      })),
    },
    ready: () => ['paused', 'playing', 'done', 'stopped'].includes(document.body.dataset.trainState),
  },
  'optim.html': {
    keys: ['lang', 'topic', 'f', 'start', 'lr', 't', 'hide'],
    numeric: { t: N, start: (n) => `${n},${n}`, lr: (n) => Array(7).fill(n).join(',') },
    ready: () => document.body.dataset.optimReady === '1',
  },
  'norm.html': {
    keys: ['lang', 'topic', 'norm', 'g', 'n', 'layer', 'sel', 'seed', 'opt', 'lr', 'ep', 'mom', 'be', 'bl', 'blr', 'ch', 'sn'],
    numeric: { g: N, n: N, sel: N, seed: N, lr: N, ep: N, mom: N, be: N, bl: N, blr: N, ch: N },
    ready: () => document.body.dataset.normReady === '1',
  },
  'eval.html': {
    keys: ['lang', 'topic', 'data', 'seed', 'a', 'b', 'ep', 'pos', 'thr', 'lam', 'rho', 'orth', 'k', 'kd'],
    numeric: { seed: N, ep: N, pos: N, thr: N, lam: N, rho: N, orth: N, k: N, kd: N },
    ready: () => document.body.dataset.evalReady === '1',
  },
  'activations.html': {
    keys: ['lang', 'topic', 'x', 'init'],
    numeric: { x: N },
    ready: () => document.body.dataset.activReady === '1',
  },
  'drill.html': {
    keys: ['lang', 'q', 'seed', 'topics', 'mode', 'mock', 'i'],
    numeric: { seed: N, mock: N, i: N },
    ready: () => document.body.dataset.drillReady === '1',
  },
  'losses.html': {
    keys: ['lang', 'topic', 'z', 'T', 'gamma', 'alpha', 'aon', 'eps', 'kdT', 'kdAlpha', 'seed', 'ex', 'pos', 'cursor'],
    numeric: { z: (n) => `${n},${n}`, T: N, gamma: N, alpha: N, aon: N, eps: N, kdT: N, kdAlpha: N, seed: N, ex: N, pos: N, cursor: N },
    ready: () => document.body.dataset.lossesReady === '1',
  },
  'arch.html': {
    keys: ['lang', 'topic', 'task', 'lag', 'len', 'models', 'hid', 'lr', 'clip', 'bptt', 'steps', 'k', 'dil', 'cell', 'ct', 'img', 'ch', 'co', 'top', 'up', 'depth', 'seed'],
    numeric: {
      lag: N, len: N, hid: N, lr: N, clip: N, bptt: N, steps: N, k: N, ct: N, ch: N, co: N, top: N, depth: N, seed: N,
      dil: (n) => `${n},${n}`,
    },
    ready: () => document.body.dataset.archReady === '1',
  },
  'selftest.html': {
    keys: ['lang'],
    numeric: {},
    ready: () => ['done', 'error'].includes(document.body.dataset.selftest),
  },
};

/** `#k=v&...` with every key set to `value` (URI-encoded, as a link would carry it). */
const hashOf = (entries) => `#${entries.map(([k, v]) => `${encodeURIComponent(k)}=${encodeURIComponent(v)}`).join('&')}`;

/** Fail on any dialog (alert, confirm, prompt, beforeunload): the payloads' alert() must never run. */
function noDialogs(page) {
  const seen = [];
  page.on('dialog', (d) => {
    seen.push(`${d.type()}: ${d.message()}`);
    d.dismiss().catch(() => {});
  });
  return seen;
}

/** Nothing from a payload became markup: no img[src=x], inline script, on* attribute or javascript: link. */
async function assertClean(page, what) {
  const bad = await page.evaluate(() => {
    const out = [];
    for (const el of document.querySelectorAll('*')) {
      for (const a of el.attributes) {
        if (/^on/i.test(a.name)) out.push(`<${el.tagName} ${a.name}>`);
        if (/^\s*javascript:/i.test(a.value)) out.push(`<${el.tagName} ${a.name}="${a.value}">`);
      }
    }
    for (const s of document.querySelectorAll('script:not([src])')) out.push(`inline script ${s.textContent.slice(0, 40)}`);
    for (const el of document.querySelectorAll('img[src="x"], svg svg')) out.push(el.outerHTML.slice(0, 60));
    return out;
  });
  assert.deepEqual(bad, [], `${what}: markup from the input in the page`);
}

async function openAt(page, base, file, hash) {
  await page.goto('about:blank');
  await page.goto(`${base}${file}${hash}`);
  await page.waitForFunction(PAGES[file].ready, null, { timeout: 60000, polling: 100 }).catch(async (err) => {
    const shown = await page.evaluate(() => document.querySelector('[data-error]:not([hidden]), .error-box:not([hidden])')?.textContent || '').catch(() => '?');
    throw new Error(`${file}${hash.slice(0, 200)}: the page did not start (${err.message}) ${shown}`);
  });
  const error = await page.evaluate(() => [...document.querySelectorAll('[data-error]:not([hidden])')].map((e) => e.textContent).join(' '));
  assert.equal(error, '', `${file}${hash.slice(0, 120)}: the page shows an error`);
}

/** Hostile hashes for `file`: HTML/script in every key, a long one, each absurd number in every numeric key. */
function hostileHashes(file) {
  const { keys, numeric } = PAGES[file];
  const list = XSS.map((x) => hashOf(keys.map((k) => [k, x])));
  list.push(hashOf([...keys.map((k) => [k, LONG]), ['junk', 'x'.repeat(100000)]]));
  for (const n of NUMS) {
    const num = Object.entries(numeric).map(([k, f]) => [k, f(n)]);
    if (num.length) list.push(hashOf([['lang', 'en'], ...num]));
  }
  return list;
}

/** The hash tests of one page, then `works` (a normal action with its normal result). */
function hashTest(file, works, timeout = 120000) {
  return {
    name: `${file}: HTML/script, javascript:, long and absurd-number hashes open a working page; no dialog, no markup`,
    timeout,
    async run({ page, base, out }) {
      const dialogs = noDialogs(page);
      for (const [i, hash] of hostileHashes(file).entries()) {
        await openAt(page, base, file, hash);
        await assertClean(page, `${file}${hash.slice(0, 80)}`);
        if (i === 0) await page.screenshot({ path: join(out, `hostile-${file.replace('.html', '')}.png`) });
        // the values the page could not use are named in a note (as text): every page for lang,
        // the resize lab for all its keys (the conv and training labs fall back silently for theirs)
        const note = await page.evaluate(() => document.querySelector('.hash-ignored')?.textContent ?? '');
        const lang = new URLSearchParams(hash.slice(1)).get('lang');
        if (!['en', 'zh'].includes(lang)) assert.match(note, /\blang=/, `${file}${hash.slice(0, 80)}: no note for lang`);
        if (file === 'resize.html') {
          const want = lang === 'en' ? ['s'] : ['lang', 'src', 'm', 'conv', 'q', 'b', '+12'];
          for (const k of want) assert.ok(note.includes(k.startsWith('+') ? k : `${k}=`), `${file}${hash.slice(0, 80)}: the note does not name ${k}: ${note}`);
        }
      }
      // the same payload arriving by a hash change on a running page (a followed link)
      for (const x of XSS.slice(0, 2)) {
        await page.evaluate((h) => { location.hash = h; }, hashOf(PAGES[file].keys.map((k) => [k, x])));
        await page.waitForTimeout(300);
        await page.waitForFunction(PAGES[file].ready, null, { timeout: 60000, polling: 100 });
        await assertClean(page, `${file} after a hash change to ${x}`);
      }
      assert.deepEqual(dialogs, [], 'dialogs opened');
      await works(page, base);
      assert.deepEqual(dialogs, [], 'dialogs opened');
    },
  };
}

// ---- files -------------------------------------------------------------------------------------

const FIX = join(import.meta.dirname ?? new URL('.', import.meta.url).pathname, 'fixtures');
const GOOD_PNG = readFileSync(join(FIX, 'input_64x48.png'));
const CHELSEA = readFileSync(new URL('../../www/samples/chelsea.png', import.meta.url));

/** A PNG signature and IHDR claiming w x h, and nothing else. */
function pngHeaderOnly(w, h) {
  const png = Buffer.alloc(45);
  Buffer.from([137, 80, 78, 71, 13, 10, 26, 10]).copy(png, 0);
  png.writeUInt32BE(13, 8);
  png.write('IHDR', 12, 'latin1');
  png.writeUInt32BE(w, 16);
  png.writeUInt32BE(h, 20);
  png[24] = 8;
  png[25] = 6;
  png.write('IEND', 37, 'latin1');
  return png;
}

/** Files no image page may accept, by name: [name, bytes, what]. */
const BAD_IMAGES = [
  ['notes.png', Buffer.from('these are my notes, <img src=x onerror=alert(1)>\n'), 'a text file named .png'],
  ['<img src=x onerror=alert(5)>.png', Buffer.from('GIF89a junk'), 'a file whose name is markup, with a broken GIF header'],
  ['half.png', CHELSEA.subarray(0, CHELSEA.length >> 1), 'a PNG cut in half'],
  ['empty.png', Buffer.alloc(0), 'a 0-byte file'],
  ['huge.png', pngHeaderOnly(100000, 100000), 'a PNG header declaring 100000 x 100000'],
  ['wide.png', pngHeaderOnly(4294967295, 1), 'a PNG header declaring 4294967295 x 1'],
];

// ---- numbers typed in fields ---------------------------------------------------------------------

/** Type `text` into the number field `sel` as a person would, then leave it (Tab fires change). */
async function typeInto(page, sel, text, leave = 'Tab') {
  await page.click(sel, { clickCount: 3 });
  await page.keyboard.press('Control+A');
  await page.keyboard.press('Backspace');
  await page.keyboard.type(text);
  if (leave) await page.keyboard.press(leave);
}

/** A field's shown value must be a number within [min, max] (what a clamped field shows). */
async function assertInRange(page, sel, min, max, what) {
  const v = await page.inputValue(sel);
  assert.ok(v !== '' && Number(v) >= min && Number(v) <= max, `${what}: ${sel} shows "${v}", not a number in [${min}, ${max}]`);
}

// ---- the pages -----------------------------------------------------------------------------------

const resizeIdle = (page, want = {}) => page.waitForFunction((w) => {
  const lab = window.__resizeLab;
  if (!lab || document.body.dataset.lab !== 'idle' || !lab.result) return false;
  return Object.entries(w).every(([k, v]) => (k.startsWith('src') ? lab.source?.[k.slice(3).toLowerCase()] === v : lab.result[k] === v));
}, want, { timeout: 60000, polling: 50 });

/** Close the resize lab's notice if it is open. */
const closeNotice = (page) => page.evaluate(() => {
  if (!document.getElementById('notice').hidden) document.getElementById('notice-close').click();
});

const resizeNotice = (page) => page.evaluate(() => {
  const n = document.getElementById('notice');
  return n.hidden ? null : { code: n.dataset.code, text: document.getElementById('notice-text').textContent };
});

async function resizeWorks(page, base) {
  await openAt(page, base, 'resize.html', '#lang=en&v=single&m=opencv&s=1.5');
  await resizeIdle(page, { w: 677, h: 450, method: 'opencv' });
}

const convWorks = async (page, base) => {
  await openAt(page, base, 'conv.html', '#lang=en&preset=three3');
  assert.equal(await page.isVisible('#stack-error'), false, 'the three-3x3 preset is a valid stack');
};

const trainWorks = async (page, base) => {
  await openAt(page, base, 'train.html', '#lang=en&data=xor&feat=x1,x2,x1*x2&hidden=6,4&seed=5&until=10&play=1');
  await page.waitForFunction(() => document.body.dataset.trainState === 'paused' && document.body.dataset.trainEpoch === '10', null, { timeout: 60000 });
  const t = await page.evaluate(() => window.__train.runs[0].history);
  assert.equal(t.length, 11, 'ten epochs trained');
  assert.ok(t.every((row) => row.every(Number.isFinite)), 'finite losses');
};

export default [
  {
    name: 'every page of www/ has its hostile-hash test here (a new page cannot be forgotten)',
    async run() {
      const pages = readdirSync(new URL('../../www/', import.meta.url)).filter((f) => f.endsWith('.html')).sort();
      assert.deepEqual(Object.keys(PAGES).sort(), pages);
    },
  },
  hashTest('index.html', async (page, base) => {
    await openAt(page, base, 'index.html', '#lang=zh');
    assert.equal(await page.evaluate(() => document.documentElement.lang), 'zh-CN');
    assert.ok(await page.evaluate(() => document.querySelectorAll('#topics li.topic').length) >= 25);
  }),
  hashTest('resize.html', resizeWorks),
  hashTest('conv.html', convWorks),
  hashTest('train.html', trainWorks, 180000),
  hashTest('optim.html', async (page, base) => {
    // a normal action: one step forward moves the step counter and the rule cards follow it
    await openAt(page, base, 'optim.html', '#lang=en&f=ravine&t=5');
    assert.equal(await page.textContent('#t-out'), '5');
    await page.click('#step');
    await page.waitForFunction(() => document.getElementById('t-out').textContent === '6', null, { timeout: 10000 });
    assert.match(await page.textContent('#rules-t'), /\b6$/);
  }),
  hashTest('eval.html', async (page, base) => {
    // a normal action: a logistic regression on the two Gaussians trains 10 epochs; its AUC is a
    // number in [0.9, 1] and the confusion matrix counts every test row
    await openAt(page, base, 'eval.html', '#lang=en&data=gauss&ep=10&b=none');
    await page.waitForFunction(() => document.body.dataset.evalFit === 'done', null, { timeout: 60000 });
    const auc = Number(await page.textContent('#auc-trap'));
    assert.ok(auc >= 0.9 && auc <= 1, `AUC ${auc}`);
    const cells = await page.$$eval('#cm output', (xs) => xs.map((x) => Number(x.textContent)));
    assert.equal(cells.reduce((a, b) => a + b, 0), 120, `${cells}`);
  }),
  hashTest('activations.html', async (page, base) => {
    // a normal action: the cursor at x = 0 reads sigmoid(0) = 0.5 with slope 0.25 from the engine
    await openAt(page, base, 'activations.html', '#lang=en&x=0');
    const text = await page.evaluate(() => document.querySelector('[data-act="sigmoid"]')?.textContent ?? '');
    assert.match(text, /f = 0\.5\b/, text);
    assert.match(text, /0\.25\b/, text);
  }),
  hashTest('norm.html', async (page, base) => {
    // a normal action: BN on a batch of 2 shares each channel's mean over N·H·W = 2·8·8 = 128 values
    await openAt(page, base, 'norm.html', '#lang=en&norm=bn&n=2&ep=1');
    await page.waitForFunction(() => (document.body.dataset.cubeKey || '').startsWith('bn:4:2:conv1:'), null, { timeout: 60000 });
    assert.equal(await page.textContent('#cube-count'), '128');
    await page.click('#norm-seg [data-norm="in"]');
    await page.waitForFunction(() => document.getElementById('cube-count').textContent === '64', null, { timeout: 10000 });
  }),
  hashTest('drill.html', async (page, base) => {
    // a normal action: the effective size of a dilated kernel, answered right, is judged right
    await openAt(page, base, 'drill.html', '#lang=en&q=dil.effk&seed=5');
    const q = await page.evaluate(() => window.__drill.question);
    assert.equal(q.answer, q.params.d * (q.params.k - 1) + 1);
    await page.fill('#q-answer', String(q.answer));
    await page.press('#q-answer', 'Enter');
    await page.waitForFunction(() => document.body.dataset.verdict === 'right', null, { timeout: 10000 });
  }),
  hashTest('losses.html', async (page, base) => {
    // a normal action: logits 1000, 999, 998 give the stable softmax e^0, e^-1, e^-2 over their sum
    await openAt(page, base, 'losses.html', '#lang=en&z=1000,999,998');
    const first = await page.$eval('#sm-table tbody tr td:nth-child(5)', (td) => td.textContent);
    assert.equal(first, '0.665241');
  }),
  {
    name: 'losses.html: absurd numbers typed in every number field get a message at the field; the lab keeps working',
    timeout: 120000,
    async run({ page, base }) {
      const dialogs = noDialogs(page);
      await openAt(page, base, 'losses.html', '#lang=en');
      for (const n of NUMS) {
        await typeInto(page, '#logits', `${n}, 1`);
        const ok = Number.isFinite(Number(n)) && Math.abs(Number(n)) <= 1e6;
        assert.equal(await page.isVisible('#logits-msg'), !ok, `logits ${n}`);
        for (const [sel, msg] of [['#T', '#t-msg'], ['#gamma', '#focal-msg'], ['#alpha', '#focal-msg'], ['#eps', '#eps-msg'], ['#kdT', '#kd-msg'], ['#kdAlpha', '#kd-msg'], ['#ex', '#kd-msg']]) {
          await typeInto(page, sel, n);
          const invalid = (await page.getAttribute(sel, 'aria-invalid')) === 'true';
          if (invalid) assert.equal(await page.isVisible(msg), true, `${sel}=${n}: marked invalid without a message`);
        }
        await assertClean(page, `losses.html typed ${n}`);
      }
      await page.fill('#logits', '2, 1');
      await page.press('#logits', 'Tab');
      assert.equal(await page.$$eval('#sm-table tbody tr', (r) => r.length), 2);
      assert.deepEqual(dialogs, []);
    },
  },
  hashTest('arch.html', async (page, base) => {
    // a normal action: a TCN with k = 3 and dilations 1, 2 sees 1 + (1 + 2)·2 = 7 steps
    await openAt(page, base, 'arch.html', '#lang=en&k=3&dil=1,2');
    assert.match(await page.textContent('#tcn-rf'), /= 7 steps/);
    await page.click('#tcn-add');
    await page.waitForFunction(() => /= 15 steps/.test(document.getElementById('tcn-rf').textContent), null, { timeout: 10000 });
  }),
  hashTest('selftest.html', async (page, base) => {
    await openAt(page, base, 'selftest.html', '#lang=en');
    const r = await page.evaluate(() => window.__selftest);
    const engine = (r.files || []).find((f) => f.kind === 'engine');
    assert.ok(
      r.done && r.failed === 0 && r.not_implemented === 0 && r.passed === r.total && r.passed > 500 && engine?.passed === engine?.count,
      `self-test: ${JSON.stringify({ done: r.done, passed: r.passed, failed: r.failed, not_implemented: r.not_implemented, total: r.total, engine })}`,
    );
  }),
  {
    name: 'resize.html: truncated, mislabelled, empty and huge-header files are refused with a message; the lab keeps working',
    timeout: 90000,
    async run({ page, base }) {
      const dialogs = noDialogs(page);
      await resizeWorks(page, base);
      for (const [name, buffer, what] of BAD_IMAGES) {
        await closeNotice(page);
        await page.setInputFiles('#file', { name, mimeType: 'image/png', buffer });
        await page.waitForFunction(() => !document.getElementById('notice').hidden || window.__resizeLab.source.w !== 451, null, { timeout: 30000 });
        await resizeIdle(page);
        const n = await resizeNotice(page);
        const src = await page.evaluate(() => window.__resizeLab.source);
        if (what === 'a PNG cut in half' && !n) {
          // the browser's decoder may show what arrived of a progressive file: then it is an image
          assert.deepEqual([src.w, src.h], [451, 300], `${what}: loaded at its size`);
          await openAt(page, base, 'resize.html', '#lang=en&v=single&m=opencv&s=1.5');
          continue;
        }
        assert.ok(n, `${what}: no message`);
        assert.ok(['not_image', 'pixel_limit', 'too_wide'].includes(n.code), `${what}: notice ${n.code}: ${n.text}`);
        assert.equal(src.name, 'chelsea.png', `${what}: the previous input stays`);
        if (name.startsWith('<img')) assert.ok(n.text.includes(name), 'the file name shows as text');
        await assertClean(page, what);
      }
      // afterwards: a good file, a normal resize
      await page.setInputFiles('#file', { name: 'ok.png', mimeType: 'image/png', buffer: GOOD_PNG });
      await resizeIdle(page, { srcW: 64, srcH: 48, w: 96, h: 72 });
      assert.equal(await resizeNotice(page), null, 'a good file clears the message');
      assert.deepEqual(dialogs, []);
    },
  },
  {
    name: 'resize.html: absurd numbers typed in the scale, width and height fields are refused or clamped with a message',
    timeout: 120000,
    async run({ page, base }) {
      const dialogs = noDialogs(page);
      await resizeWorks(page, base);
      for (const n of NUMS) {
        await closeNotice(page);
        await typeInto(page, '#scale', n);
        await page.waitForTimeout(100);
        await resizeIdle(page);
        const msg = await resizeNotice(page);
        assert.ok(msg, `scale "${n}": no message`);
        assert.ok(['bad_scale', 'scale_range'].includes(msg.code), `scale "${n}": ${msg.code} ${msg.text}`);
        // (the field drops what cannot be part of a number as it is typed: 0x10 arrives as 010)
        if (msg.code === 'scale_range') assert.match(msg.text, /^×[\de.+-]+ is outside 0\.1–8: using ×(0\.1|8)\.$/);
        else assert.match(msg.text, /^The scale factor must be a number from 0\.1 to 8; it stays ×[\d.]+\.$/);
        await assertInRange(page, '#scale', 0.1, 8, `scale "${n}"`);
        const r = await page.evaluate(() => window.__resizeLab.result);
        const s = Number(await page.inputValue('#scale'));
        assert.deepEqual([r.w, r.h], [Math.max(1, Math.round(451 * s)), Math.max(1, Math.round(300 * s))], `scale "${n}": the result matches the field`);
      }
      await page.uncheck('#lock');
      for (const n of NUMS) {
        for (const [wText, hText] of [[n, '100'], ['100', n]]) {
          await closeNotice(page);
          await typeInto(page, '#out-w', wText, null);
          await typeInto(page, '#out-h', hText, null);
          await page.click('#apply-size');
          await page.waitForTimeout(100);
          await resizeIdle(page);
          const msg = await resizeNotice(page);
          const r = await page.evaluate(() => window.__resizeLab.result);
          if (!msg) {
            // a number that is a fine size after all (0x10 is 16, 1e-320 is refused): it ran
            assert.deepEqual([String(r.w), String(r.h)], [await page.inputValue('#out-w'), await page.inputValue('#out-h')]);
            continue;
          }
          assert.ok(['bad_size', 'pixel_limit', 'too_wide'].includes(msg.code), `size "${wText} x ${hText}": ${msg.code} ${msg.text}`);
          assert.doesNotMatch(msg.text, /undefined|NaN|\{\w+\}/, `size "${wText} x ${hText}": ${msg.text}`);
          await assertInRange(page, '#out-w', 1, 32767, `size "${wText} x ${hText}"`);
        }
      }
      await page.click('[data-scale="2"]');
      await resizeIdle(page, { w: 902, h: 600 });
      assert.equal(await resizeNotice(page), null);
      assert.deepEqual(dialogs, []);
    },
  },
  {
    name: 'conv.html: bad image files are refused with a message; absurd numbers in every number field are clamped or named at their layer',
    timeout: 120000,
    async run({ page, base, out }) {
      const dialogs = noDialogs(page);
      await convWorks(page, base);
      for (const [name, buffer, what] of BAD_IMAGES) {
        const before = await page.evaluate(() => Number(document.body.dataset.imageError || 0));
        await page.setInputFiles('#file', { name, mimeType: 'image/png', buffer });
        await page.waitForFunction((b) => Number(document.body.dataset.imageError || 0) > b || document.body.dataset.convReady !== '1', before, { timeout: 30000 })
          .catch(() => { throw new Error(`${what}: no message`); });
        await page.waitForFunction(() => document.body.dataset.convReady === '1');
        assert.equal(await page.isVisible('#image-error'), true, `${what}: the message is shown`);
        if (name.startsWith('<img')) assert.ok((await page.textContent('#image-error')).includes(name), 'the file name shows as text');
        await assertClean(page, what);
      }
      // the lab's own number fields (clamped to their ranges) and the first layer's fields
      const fields = [['#draws', 1, 32], ['#seed', 0, 999999], ['#sl-s', 1, 3], ['#sl-p', 0, 3], ['#sl-d', 1, 3], ['#fm-dx', -32, 32], ['#fm-dy', -32, 32]];
      for (const n of NUMS_SHORT) {
        for (const [sel, min, max] of fields) {
          if (!(await page.isVisible(sel))) await page.locator(sel).scrollIntoViewIfNeeded();
          await typeInto(page, sel, n);
          await assertInRange(page, sel, min, max, `"${n}"`);
        }
        for (const f of ['k', 's', 'p']) {
          const sel = `#layers li.layer:first-child input[data-field="${f}"]`;
          await typeInto(page, sel, n);
          await page.waitForTimeout(50);
          const v = Number(await page.inputValue(sel));
          const stackError = await page.isVisible('#stack-error');
          assert.ok(stackError || (Number.isInteger(v) && v >= 0 && v <= 512), `layer 1 ${f} = "${n}": no message and the field shows ${v}`);
          await typeInto(page, sel, f === 'p' ? '1' : f === 'k' ? '3' : '1');
        }
      }
      // the feature-map kernel's weights: any finite number is a weight, the rest is refused as 0
      for (const n of NUMS_SHORT) {
        const sel = '#fm-weights input >> nth=4';
        await typeInto(page, sel, n);
        await page.waitForTimeout(50);
        const v = await page.inputValue(sel);
        assert.ok(v !== '' && Number.isFinite(Number(v)), `weight "${n}": the field shows "${v}"`);
        const canvasOk = await page.evaluate(() => [...document.querySelectorAll('canvas')].every((c) => c.width >= 0));
        assert.ok(canvasOk);
      }
      await assertClean(page, 'conv numbers');
      await page.locator('#fm-weights').scrollIntoViewIfNeeded();
      await page.screenshot({ path: join(out, 'hostile-conv-fields.png') });
      await convWorks(page, base);
      assert.deepEqual(dialogs, []);
    },
  },
  {
    name: 'train.html: junk CSVs are refused with a message (markup in a cell stays text); absurd seeds are clamped; training still works',
    timeout: 120000,
    async run({ page, base }) {
      const dialogs = noDialogs(page);
      await openAt(page, base, 'train.html', '#lang=en');
      const junk = [
        ['binary.csv', Buffer.from(Array.from({ length: 4096 }, (_, i) => (i * 97 + 13) & 255))],
        ['empty.csv', Buffer.alloc(0)],
        ['header.csv', Buffer.from('x1,x2,label\n')],
        ['xss.csv', Buffer.from('x1,x2,label\n1,2,0\n<img src=x onerror=alert(6)>,"><script>alert(7)</script>,1\n')],
        ['numbers.csv', Buffer.from(`x1,x2,label\n1e309,2,0\n-0,NaN,1\n${2 ** 53},1,1\n`)],
        ['labels.csv', Buffer.from('x1,x2,label\n1,2,9007199254740992\n3,4,-1\n')],
        ['wide.csv', Buffer.from(`${'1,'.repeat(50000)}1\n`)],
      ];
      for (const [name, buffer] of junk) {
        // (the test hides the last message, so each file has to show its own)
        await page.evaluate(() => {
          const el = document.getElementById('csv-error');
          el.hidden = true;
          el.textContent = '';
        });
        await page.setInputFiles('#csv', { name, mimeType: 'text/csv', buffer });
        await page.waitForSelector('#csv-error:not([hidden])', { timeout: 30000 }).catch(() => { throw new Error(`${name}: no message`); });
        const text = await page.textContent('#csv-error');
        assert.ok(text.trim().length > 10, `${name}: message "${text}"`);
        await assertClean(page, name);
      }
      for (const n of NUMS) {
        await typeInto(page, '#seed', n);
        await page.waitForTimeout(100);
        await assertInRange(page, '#seed', 0, 4294967295, `seed "${n}"`);
        assert.ok(Number.isInteger(Number(await page.inputValue('#seed'))), `seed "${n}" is a whole number`);
      }
      await trainWorks(page, base);
      assert.deepEqual(dialogs, []);
    },
  },
];
