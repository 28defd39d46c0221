// The two wasm builds in the browser (www/app/wasm.js): Chromium runs relaxed SIMD, so the page
// and the workers load www/pkg-relaxed/'s .wasm (never the default one), report the relaxed build
// (simdKind) and compute with it (a conv agrees with the scalar reference within the golden
// tolerance); a relaxed .wasm that fails to compile gives way to the SIMD128 build; an engine
// that refuses the probe gets the SIMD128 build without ever fetching the relaxed one.
import assert from 'node:assert/strict';

const RELAXED = /\/pkg-relaxed\/dlplay_bg\.wasm$/;
const DEFAULT = /\/pkg\/dlplay_bg\.wasm$/;

/** Every .wasm the page and its workers request, in order. */
function recordWasm(page) {
  const seen = [];
  page.context().on('request', (req) => {
    if (req.url().endsWith('.wasm')) seen.push(new URL(req.url()).pathname);
  });
  return seen;
}

/** Open the activation lab (it loads the wasm at start) and ask app/wasm.js what it loaded. */
async function loadedOn(page, base) {
  await page.goto(`${base}activations.html#lang=en`);
  return page.evaluate(async () => {
    const w = await import('./app/wasm.js');
    const dl = await w.ready();
    // the build computes: a 3x3 conv on 4 channels against the scalar reference kernel
    const n = 4 * 17 * 19;
    const xs = Float32Array.from({ length: n }, (_, i) => Math.sin(i * 0.37));
    const ws = Float32Array.from({ length: 4 * 4 * 9 }, (_, i) => Math.cos(i * 0.11));
    const x = new dl.Tensor(xs, [1, 4, 17, 19]);
    const wt = new dl.Tensor(ws, [4, 4, 3, 3]);
    const fast = dl.conv2d(x, wt, undefined, { padding: 1 });
    const ref = dl.Tensor.zeros(fast.shape);
    dl.conv2dReferenceInto(x, wt, undefined, ref, { padding: 1 });
    const a = fast.toArray();
    const b = ref.toArray();
    let maxErr = 0;
    for (let i = 0; i < a.length; i++) maxErr = Math.max(maxErr, Math.abs(a[i] - b[i]) / (1 + Math.abs(b[i])));
    for (const t of [x, wt, fast, ref]) t.free();
    return { supported: w.relaxedSimdSupported(), build: w.loadedBuild(), kind: dl.simdKind(), maxErr, len: a.length };
  });
}

export default [
  {
    name: 'Chromium gets the relaxed-SIMD build: detected, loaded, reported, and it computes right',
    async run({ page, base }) {
      const wasm = recordWasm(page);
      const r = await loadedOn(page, base);
      assert.equal(r.supported, true, 'Chromium validates the relaxed-SIMD probe');
      assert.equal(r.build.kind, 'relaxed');
      assert.match(r.build.wasm, RELAXED);
      assert.equal(r.build.fallback, null);
      assert.equal(r.kind, 'wasm relaxed-simd', 'the loaded module itself says it is the relaxed build');
      assert.ok(r.len > 0 && r.maxErr < 1e-5, `conv vs scalar reference: max mixed error ${r.maxErr}`);
      assert.ok(wasm.some((u) => RELAXED.test(u)), `requests: ${wasm}`);
      assert.ok(!wasm.some((u) => DEFAULT.test(u)), `the default .wasm was fetched too: ${wasm}`);
    },
  },
  {
    name: 'a worker (the resize lab\'s) loads the relaxed-SIMD build too',
    async run({ page, base }) {
      const wasm = recordWasm(page);
      await page.goto(`${base}resize.html#lang=en`); // the page itself loads no wasm: its worker does
      await page.waitForFunction(() => ['idle', 'error'].includes(document.body.dataset.lab), null, { timeout: 60000 });
      assert.equal(await page.evaluate(() => document.body.dataset.lab), 'idle');
      assert.ok(wasm.some((u) => RELAXED.test(u)), `requests: ${wasm}`);
      assert.ok(!wasm.some((u) => DEFAULT.test(u)), `the default .wasm was fetched: ${wasm}`);
    },
  },
  {
    name: 'a relaxed .wasm that fails to compile gives way to the SIMD128 build',
    async run({ page, base }) {
      const wasm = recordWasm(page);
      await page.route('**/pkg-relaxed/dlplay_bg.wasm', (route) =>
        route.fulfill({ status: 200, contentType: 'application/wasm', body: Buffer.from('not a wasm module') }));
      const r = await loadedOn(page, base);
      assert.equal(r.supported, true);
      assert.equal(r.build.kind, 'simd128');
      assert.match(r.build.wasm, DEFAULT);
      assert.ok(r.build.fallback, 'the reason the relaxed build was dropped is kept');
      assert.equal(r.kind, 'wasm simd128');
      assert.ok(r.maxErr < 1e-5, `conv vs scalar reference: max mixed error ${r.maxErr}`);
      assert.ok(wasm.some((u) => RELAXED.test(u)) && wasm.some((u) => DEFAULT.test(u)), `requests: ${wasm}`);
      assert.equal(await page.evaluate(() => document.body.dataset.lab === 'error'), false, 'the page did not fail');
    },
  },
  {
    name: 'an engine without relaxed SIMD gets the SIMD128 build and never fetches the relaxed one',
    async run({ page, base }) {
      const wasm = recordWasm(page);
      // the page's engine refuses the probe (as Firefox and Safari do today); other modules validate
      await page.addInitScript(() => {
        const validate = WebAssembly.validate;
        WebAssembly.validate = (bytes) => (bytes.length < 64 ? false : validate(bytes));
      });
      const r = await loadedOn(page, base);
      assert.equal(r.supported, false);
      assert.equal(r.build.kind, 'simd128');
      assert.equal(r.build.fallback, null);
      assert.equal(r.kind, 'wasm simd128');
      assert.ok(!wasm.some((u) => RELAXED.test(u)), `the relaxed .wasm was fetched: ${wasm}`);
      assert.ok(wasm.some((u) => DEFAULT.test(u)), `requests: ${wasm}`);
    },
  },
  {
    name: 'the self-test page names the build that runs its cases: SIMD128 with the reason when the relaxed one failed',
    async run({ page, base }) {
      await page.route('**/pkg-relaxed/dlplay_bg.wasm', (route) =>
        route.fulfill({ status: 200, contentType: 'application/wasm', body: Buffer.from('not a wasm module') }));
      await page.goto(`${base}selftest.html#lang=en`);
      const build = page.locator('#build');
      await build.waitFor({ state: 'visible', timeout: 60000 });
      assert.equal(await build.getAttribute('data-build'), 'simd128');
      assert.match(await build.textContent(), /^Build: SIMD128 \(pkg\/\); the relaxed-SIMD build did not load \(.+\)\.$/);
    },
  },
];
