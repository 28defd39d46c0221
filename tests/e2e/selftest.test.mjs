// The self-test page: every golden case runs through the wasm build in the browser and passes.
import { existsSync, readFileSync, readdirSync } from 'node:fs';
import { join } from 'node:path';
import assert from 'node:assert/strict';

/** The golden files the page will run (www/golden/index.json) and their header counts. */
function goldenOnDisk(root) {
  const dir = join(root, 'www', 'golden');
  const indexPath = join(dir, 'index.json');
  assert.ok(existsSync(indexPath), 'www/golden/index.json is missing: the build copies tests/golden/ there');
  const names = JSON.parse(readFileSync(indexPath, 'utf8'));
  // a stale copy would test the wrong vectors: every committed file must be listed
  for (const f of readdirSync(join(root, 'tests', 'golden')).filter((n) => n.endsWith('.json'))) {
    assert.ok(names.includes(f), `www/golden/index.json does not list tests/golden/${f}: rerun the build's copy step`);
  }
  const files = names.map((name) => {
    const { header, cases } = JSON.parse(readFileSync(join(dir, name), 'utf8'));
    assert.equal(cases.length, header.count, `${name}: header.count vs cases`);
    return { name, count: header.count, ops: header.ops };
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
      assert.equal(r.passed, expected, 'passed vs the headers\' counts on disk');
      assert.equal(r.total, expected, 'total');
      // per-op counts agree with the files' headers
      const ops = {};
      for (const f of files) for (const [op, n] of Object.entries(f.ops)) ops[op] = (ops[op] || 0) + n;
      for (const [op, n] of Object.entries(ops)) {
        assert.equal(r.ops[op]?.cases, n, `cases of op ${op}`);
      }
      const summary = (await page.locator('#summary').textContent()).trim();
      assert.match(summary, /^golden: \d+ passed, 0 failed$/, 'summary line');
      assert.equal(summary, `golden: ${expected} passed, 0 failed`);
      const rows = await page.locator('#ops-table tbody tr').count();
      assert.equal(rows, Object.keys(ops).length, 'one table row per op');
      await page.screenshot({ path: join(out, 'selftest.png'), fullPage: true });
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
      assert.match((await page.locator('#summary').textContent()).trim(), /^golden: \d+ passed, 0 failed$/);
    },
  },
];
