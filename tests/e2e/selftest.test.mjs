// The self-test page: every golden case, the kernels' (tests/golden/, GoldenSuite) and the training
// engine's (tests/golden_engine/, GoldenEngineSuite), runs through the wasm build in the browser
// and passes; per-op counts match the files' headers, and nothing is "not implemented yet".
import { existsSync, readFileSync, readdirSync } from 'node:fs';
import { join } from 'node:path';
import assert from 'node:assert/strict';

/** The golden files the page will run (www/golden/index.json) and their header counts and kinds. */
function goldenOnDisk(root) {
  const dir = join(root, 'www', 'golden');
  const indexPath = join(dir, 'index.json');
  assert.ok(existsSync(indexPath), 'www/golden/index.json is missing: the build copies tests/golden/ there');
  const names = JSON.parse(readFileSync(indexPath, 'utf8'));
  // a stale copy would test the wrong vectors: every committed file must be listed
  const engineNames = new Set();
  for (const sub of ['golden', 'golden_engine']) {
    for (const f of readdirSync(join(root, 'tests', sub)).filter((n) => n.endsWith('.json'))) {
      assert.ok(names.includes(f), `www/golden/index.json does not list tests/${sub}/${f}: rerun the build's copy step`);
      assert.equal(readFileSync(join(dir, f), 'utf8'), readFileSync(join(root, 'tests', sub, f), 'utf8'), `www/golden/${f} is stale`);
      if (sub === 'golden_engine') engineNames.add(f);
    }
  }
  assert.ok(engineNames.size > 0, 'no engine case file in tests/golden_engine/');
  const files = names.map((name) => {
    const { header, cases } = JSON.parse(readFileSync(join(dir, name), 'utf8'));
    assert.equal(cases.length, header.count, `${name}: header.count vs cases`);
    // per-op counts from the cases themselves, checked against the header
    const ops = {};
    for (const c of cases) ops[c.op] = (ops[c.op] || 0) + 1;
    assert.deepEqual(ops, header.ops, `${name}: header.ops vs cases`);
    return { name, kind: engineNames.has(name) ? 'engine' : 'kernel', count: header.count, ops };
  });
  return files;
}

async function runSelftest(page, base, hash) {
  await page.goto(`${base}selftest.html${hash}`);
  await page.waitForFunction(() => ['done', 'error'].includes(document.body.dataset.selftest), null, {
    timeout: 120000,
    polling: 250,
  });
  const result = await page.evaluate(() => window.__selftest);
  if (!result.done) throw new Error(`self-test page reported an error: ${result.error}`);
  return result;
}

export default [
  {
    name: 'every golden case passes in the browser',
    timeout: 150000,
    async run({ page, base, root, out }) {
      const files = goldenOnDisk(root);
      const expected = files.reduce((n, f) => n + f.count, 0);
      const r = await runSelftest(page, base, '#lang=en');
      const failures = (r.failures || []).slice(0, 10).map((f) => `${f.id}: ${f.message}`).join('\n');
      assert.equal(r.failed, 0, `failing cases:\n${failures}`);
      assert.equal(r.not_implemented, 0, `not implemented yet: ${(r.not_implemented_ops || []).join(', ')}`);
      assert.equal(r.passed, expected, 'passed vs the headers\' counts on disk');
      assert.equal(r.total, expected, 'total');
      // both kinds ran, each file through its own suite, every case of it passed
      assert.deepEqual(
        r.files.map((f) => [f.name, f.kind, f.passed, f.failed, f.not_implemented]),
        files.map((f) => [f.name, f.kind, f.count, 0, 0]),
        'files: name, kind, passed, failed, not implemented',
      );
      assert.ok(files.some((f) => f.kind === 'engine') && files.some((f) => f.kind === 'kernel'), 'both kinds of file');
      // per-op counts agree with the cases on disk: every op of every file, engine ops included
      const ops = {};
      for (const f of files) {
        for (const [op, n] of Object.entries(f.ops)) {
          assert.equal(ops[op], undefined, `op ${op} is in two files`);
          ops[op] = n;
          assert.equal(r.ops[op]?.cases, n, `cases of op ${op}`);
          assert.equal(r.ops[op]?.passed, n, `passed cases of op ${op}`);
          assert.equal(r.ops[op]?.not_implemented, 0, `not implemented cases of op ${op}`);
          assert.equal(r.ops[op]?.file, f.name, `file of op ${op}`);
        }
      }
      assert.deepEqual(Object.keys(r.ops).sort(), Object.keys(ops).sort(), 'ops on the page vs on disk');
      const sum = `${files.map((f) => f.count).join(' + ')} = ${expected}`;
      const line = `golden: ${sum} passed, 0 failed, 0 not implemented yet`;
      const summary = (await page.locator('#summary').textContent()).trim();
      assert.equal(summary, line, 'summary line');
      assert.equal(r.summary, line, '__selftest.summary');
      // the build that ran the cases is named on the page (Chromium runs relaxed SIMD)
      assert.equal(r.build, 'relaxed', '__selftest.build');
      const build = page.locator('#build');
      assert.equal(await build.getAttribute('data-build'), 'relaxed');
      assert.match(await build.textContent(), /^Build: relaxed SIMD \(pkg-relaxed\/\)/);
      // one table row per op (with its counts), under one group row per file
      const rows = await page.locator('#ops-table tbody tr[data-op]').evaluateAll((trs) =>
        trs.map((tr) => [tr.dataset.op, ...[...tr.cells].slice(1, 4).map((td) => Number(td.textContent))]),
      );
      assert.deepEqual(
        rows.sort(),
        Object.entries(ops).map(([op, n]) => [op, n, n, 0]).sort(),
        'table rows: op, cases, passed, failed',
      );
      assert.equal(await page.locator('#ops-table tbody tr.group').count(), files.length, 'one group row per file');
      assert.equal(await page.locator('#notimpl-panel').isHidden(), true, 'no "not implemented yet" panel');
      await page.screenshot({ path: join(out, 'selftest.png'), fullPage: true });
    },
  },
  {
    // every engine op has a kernel today, so the facade is patched in this page only: the cases of
    // two ops come back as the wasm reports an op without a kernel (notImplemented, passed false)
    name: 'an engine op without a kernel is listed apart, never as passed nor as failed',
    timeout: 150000,
    async run({ newPage, base, root, out }) {
      const files = goldenOnDisk(root);
      const engine = files.find((f) => f.kind === 'engine');
      const missing = ['sigma_exact', 'kd_loss_backward'];
      const n = missing.reduce((k, op) => k + engine.ops[op], 0);
      const expected = files.reduce((k, f) => k + f.count, 0);
      const page = await newPage();
      await page.route('**/app/api.js', async (route) => {
        const res = await route.fetch();
        const patch = `
const runEngineCase = GoldenEngineSuite.prototype.run;
GoldenEngineSuite.prototype.run = function (i) {
  const r = runEngineCase.call(this, i);
  return ${JSON.stringify(missing)}.includes(r.op)
    ? { ...r, passed: false, max_err: Infinity, message: 'not implemented yet', notImplemented: true }
    : r;
};`;
        await route.fulfill({ response: res, body: (await res.text()) + patch });
      });
      const r = await runSelftest(page, base, '#lang=en');
      assert.equal(r.failed, 0);
      assert.equal(r.not_implemented, n);
      assert.equal(r.passed, expected - n, 'not-implemented cases are not passed');
      assert.deepEqual([...r.not_implemented_ops].sort(), [...missing].sort());
      for (const op of missing) {
        assert.deepEqual([r.ops[op].cases, r.ops[op].passed, r.ops[op].failed, r.ops[op].not_implemented], [engine.ops[op], 0, 0, engine.ops[op]], op);
      }
      // per file (kernel files, then the engine's), as the page spells it out
      const perFile = files.map((f) => (f.kind === 'engine' ? f.count - n : f.count)).join(' + ');
      assert.equal(
        (await page.locator('#summary').textContent()).trim(),
        `golden: ${perFile} = ${expected - n} passed, 0 failed, ${n} not implemented yet`,
      );
      assert.equal(await page.locator('#notimpl-panel').isVisible(), true, 'the "not implemented yet" panel');
      const listed = await page.locator('#notimpl li code').allTextContents();
      assert.deepEqual(listed.sort(), [...missing].sort());
      assert.equal(await page.locator('#failures-panel').isHidden(), true, 'not listed as failures');
      assert.equal(await page.locator('#ops-table tr.not-impl').count(), missing.length);
      assert.match(await page.locator('#verdict').textContent(), new RegExp(`${n} case\\(s\\) are not implemented yet`));
      await page.locator('#notimpl-panel').screenshot({ path: join(out, 'selftest-not-implemented.png') });
    },
  },
  {
    name: 'Chinese page on a phone (375x812), same result, no horizontal scroll',
    timeout: 150000,
    async run({ newPage, base, out }) {
      const page = await newPage({ viewport: { width: 375, height: 812 }, isMobile: true, hasTouch: true });
      const r = await runSelftest(page, base, '#lang=zh');
      const { scroll, inner } = await page.evaluate(() => ({
        scroll: document.documentElement.scrollWidth,
        inner: window.innerWidth,
      }));
      assert.ok(scroll <= inner, `page is ${scroll}px wide in a ${inner}px viewport`);
      await page.screenshot({ path: join(out, 'selftest-phone-zh.png'), fullPage: true });
      assert.equal(r.failed, 0);
      assert.equal(await page.evaluate(() => document.documentElement.lang), 'zh-CN');
      const heading = await page.locator('h1').textContent();
      const zh = JSON.parse(readFileSync(new URL('../../www/i18n/zh.json', import.meta.url), 'utf8'));
      assert.equal(heading, zh['selftest.heading']);
      assert.equal(r.not_implemented, 0);
      assert.ok(r.files.some((f) => f.kind === 'engine' && f.passed === f.count && f.count > 0), 'engine cases ran');
      assert.match((await page.locator('#summary').textContent()).trim(), /^golden: \d+( \+ \d+)+ = \d+ passed, 0 failed, 0 not implemented yet$/);
      const group = await page.locator('#ops-table tbody tr.group').last().textContent();
      assert.ok(group.startsWith(zh['selftest.group.engine'].split(' — ')[0]), `engine group row in Chinese: ${group}`);
    },
  },
];
