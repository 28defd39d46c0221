// The shared modules in www/app/ that labs build on: URL-hash state, i18n helpers, canvas, plot.
import assert from 'node:assert/strict';

export default [
  {
    name: 'every page starts from a link with malformed percent escapes, and says what it ignored',
    timeout: 90000,
    async run({ page, base }) {
      const ready = {
        'index.html': () => document.querySelectorAll('main a').length > 5,
        'selftest.html': () => document.body.textContent.includes('golden'),
        'resize.html': () => Boolean(window.__resizeLab?.result),
        'conv.html': () => Boolean(window.__convLab),
        'train.html': () => ['paused', 'playing'].includes(document.body.dataset.trainState),
      };
      for (const [file, started] of Object.entries(ready)) {
        await page.goto(`${base}${file}#lang=zh&%E0%A4%A&seed=%`);
        await page.waitForFunction(() => document.documentElement.lang === 'zh-CN', null, { timeout: 30000 });
        await page.waitForFunction(started, null, { timeout: 60000, polling: 100 });
        const note = await page.textContent('.hash-note');
        assert.match(note, /已忽略：%E0%A4%A, seed=%/, `${file}: ${note}`);
      }
    },
  },
  {
    name: 'state.js: hash parse/format/write round-trips',
    async run({ page, base }) {
      await page.goto(`${base}index.html#lang=en`);
      await page.waitForFunction(() => document.documentElement.lang === 'en');
      const r = await page.evaluate(async () => {
        const s = await import('./app/state.js');
        const parsed = s.parseHash('#a=1&b=x%20y%26z&c');
        const formatted = s.formatHash({ k: 'v w', n: 3, gone: null });
        s.writeState({ seed: 7, mode: 'bilinear' });
        const afterWrite = location.hash;
        s.writeState({ mode: null });
        const afterRemove = location.hash;
        const st = s.readState();
        return {
          parsed, formatted, afterWrite, afterRemove,
          seed: s.num(st, 'seed', 0), clamped: s.num({ x: '99' }, 'x', 1, { max: 10 }),
          bad: s.num({ x: 'abc' }, 'x', 5), empty: s.num({ x: '' }, 'x', 5),
          pick: s.pick({ m: 'zz' }, 'm', ['a', 'b'], 'a'),
        };
      });
      assert.deepEqual(r.parsed, { a: '1', b: 'x y&z', c: '' });
      assert.equal(r.formatted, 'k=v%20w&n=3');
      assert.equal(r.afterWrite, '#lang=en&seed=7&mode=bilinear');
      assert.equal(r.afterRemove, '#lang=en&seed=7');
      assert.equal(r.seed, 7);
      assert.equal(r.clamped, 10);
      assert.equal(r.bad, 5);
      assert.equal(r.empty, 5);
      assert.equal(r.pick, 'a');
    },
  },
  {
    name: 'i18n.js: t() with variables, links keep the language',
    async run({ page, base }) {
      await page.goto(`${base}index.html#lang=zh`);
      await page.waitForFunction(() => document.documentElement.lang === 'zh-CN');
      const r = await page.evaluate(async () => {
        const i = await import('./app/i18n.js');
        return {
          lang: i.currentLang(),
          ready: i.t('home.labs_ready', { ready: 2, total: 25 }),
          link: i.withLang('labs/resize.html#mode=x&lang=en'),
        };
      });
      assert.equal(r.lang, 'zh');
      assert.equal(r.ready, '已完成 2 / 25 个实验');
      assert.equal(r.link, 'labs/resize.html#mode=x&lang=zh');
    },
  },
  {
    name: 'i18n.js: describeError shows Rust errors by code: English = the Rust message, Chinese filled in',
    async run({ page, base }) {
      await page.goto(`${base}index.html#lang=en`);
      await page.waitForFunction(() => document.documentElement.lang === 'en');
      const r = await page.evaluate(async () => {
        const [m, i] = await Promise.all([import('./pkg/dlplay.js'), import('./app/i18n.js')]);
        await m.default();
        const x = new m.Tensor(new Float32Array(16), [1, 1, 4, 4]);
        const w = new m.Tensor(new Float32Array(9), [1, 1, 3, 3]);
        const calls = [
          () => new m.Tensor(new Float32Array(3), [2, 2]), // length_mismatch
          () => m.Tensor.zeros([65536, 65536]), // element_limit
          () => m.conv2d(new m.Tensor(new Float32Array(4), [2, 2]), w), // rank_mismatch
          () => m.conv2d(x, w, new Float32Array([NaN])), // non_finite_value
          () => m.conv2d(x, w, undefined, { dilaton: 2 }), // unknown_option
          () => m.conv2d(x, w, undefined, { stride: 'two' }), // bad_option
          () => m.conv2d(x, w, undefined, 7), // options_not_object
          () => m.convStackPlan([{ type: 'conv', k: 3, out: 4, dilation: 2 }], 3, 8, 8), // unknown_layer_key
          () => m.checkImageSize(30000, 30000, 'output'), // pixel_limit
          () => new m.RgbaImage(0, 4), // image_empty
          () => new m.Optimizer('adamax'), // bad_choice
          () => new m.BatchNorm(0), // out_of_range
          () => m.interpolate(x), // invalid_argument (generic)
          () => m.softmax(x, 9), // shape_error (generic)
        ];
        const errors = calls.map((f) => {
          try {
            f();
          } catch (e) {
            return e;
          }
          return null;
        });
        await i.setLang('en');
        const en = errors.map((e) => ({ code: e.code, message: e.message, shown: i.describeError(e) }));
        await i.setLang('zh');
        const zh = errors.map((e) => i.describeError(e));
        return { en, zh };
      });
      const codes = r.en.map((e) => e.code);
      assert.deepEqual(codes, ['length_mismatch', 'element_limit', 'rank_mismatch', 'non_finite_value',
        'unknown_option', 'bad_option', 'options_not_object', 'unknown_layer_key', 'pixel_limit', 'image_empty',
        'bad_choice', 'out_of_range', 'invalid_argument', 'shape_error']);
      for (const e of r.en) assert.equal(e.shown, e.message, `en text of ${e.code} must be the Rust message`);
      assert.equal(r.zh[0], '形状错误：data 有 3 个值，但它的形状 [2, 2] 需要 4 个');
      assert.equal(r.zh[4], '参数无效：conv2d 没有选项“dilaton”；可用的选项：stride, padding, dilation, groups');
      assert.equal(r.zh[8], '太大：输出图像为 30000×30000（900 MP），上限是 67 MP');
      assert.equal(r.zh[10], '参数无效：optimizer 只能是 sgd, adam, adamw, rmsprop, adagrad 之一，实际是“adamax”');
      for (const [k, text] of r.zh.entries()) assert.match(text, /[\u4e00-\u9fff]/, `zh text of ${codes[k]}: ${text}`);
    },
  },
  {
    name: 'canvas.js + plot.js: crisp pixels, axes, pointer in data units',
    async run({ page, base }) {
      await page.goto(`${base}index.html#lang=en`);
      await page.waitForFunction(() => document.documentElement.lang === 'en');
      const r = await page.evaluate(async () => {
        const c = await import('./app/canvas.js');
        const { Plot, niceTicks } = await import('./app/plot.js');
        // a 2x2 RGBA image comes back byte for byte
        const img = document.createElement('canvas');
        const bytes = new Uint8ClampedArray([255, 0, 0, 255, 0, 255, 0, 255, 0, 0, 255, 255, 9, 9, 9, 255]);
        c.drawRGBA(img, bytes, 2, 2);
        const back = [...img.getContext('2d').getImageData(0, 0, 2, 2).data];
        let sizeError = '';
        try {
          c.drawRGBA(img, bytes, 3, 3);
        } catch (e) {
          sizeError = e.message;
        }
        // a plot with a line from (0,0) to (10,1); pointer events report data coordinates
        const canvas = document.createElement('canvas');
        document.body.append(canvas);
        const seen = [];
        const plot = new Plot(canvas, {
          width: 400, height: 260,
          x: { label: 'threshold', min: 0, max: 10 }, y: { label: 'loss', unit: 'nats', min: 0, max: 1 },
          onPointer: (e) => seen.push(e),
        });
        plot.setSeries([{ type: 'line', xs: [0, 10], ys: [0, 1], label: 'demo' }]);
        const mid = plot.toPixel(5, 0.5);
        const back2 = plot.toData(mid.x, mid.y);
        const rect = canvas.getBoundingClientRect();
        canvas.dispatchEvent(new PointerEvent('pointermove', {
          clientX: rect.left + mid.x, clientY: rect.top + mid.y, pointerId: 1, bubbles: true,
        }));
        // the line passes through the middle of the plot: that pixel is inked
        const dpr = window.devicePixelRatio || 1;
        const px = canvas.getContext('2d').getImageData(Math.round(mid.x * dpr), Math.round(mid.y * dpr), 1, 1).data;
        return {
          back, sizeError, back2, px: [...px], seen: seen.map(({ type, x, y, inside }) => ({ type, x, y, inside })),
          css: [canvas.style.width, canvas.style.height], touch: canvas.style.touchAction,
          ticks: niceTicks(0, 1).ticks,
        };
      });
      assert.deepEqual(r.back, [255, 0, 0, 255, 0, 255, 0, 255, 0, 0, 255, 255, 9, 9, 9, 255]);
      assert.match(r.sizeError, /16 bytes; 3x3 RGBA needs 36/);
      assert.ok(Math.abs(r.back2.x - 5) < 1e-9 && Math.abs(r.back2.y - 0.5) < 1e-9, JSON.stringify(r.back2));
      assert.ok(r.px[3] > 0, `the line should be drawn through the plot's centre, pixel ${r.px}`);
      assert.equal(r.seen.length, 1);
      assert.equal(r.seen[0].type, 'move');
      assert.ok(r.seen[0].inside);
      assert.ok(Math.abs(r.seen[0].x - 5) < 0.1 && Math.abs(r.seen[0].y - 0.5) < 0.01, JSON.stringify(r.seen[0]));
      assert.deepEqual(r.css, ['400px', '260px']);
      assert.equal(r.touch, 'none');
      assert.deepEqual(r.ticks.map((v) => +v.toFixed(6)), [0, 0.2, 0.4, 0.6, 0.8, 1]);
    },
  },
];
