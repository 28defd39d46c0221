// Screenshots of the two explorers (desktop 1366x800 and phone 390x844, en and zh) into
// tests/e2e/out/, for a person to look at. Usage: node tests/e2e/shoot-explore.mjs BASE_URL [page...]
// (BASE_URL: a server of www/, e.g. python3 -m http.server 8000 -d www).
import { mkdirSync } from 'node:fs';
import { chromium } from 'playwright-core';

const base = process.argv[2] || 'http://127.0.0.1:8000/';
const pages = process.argv.slice(3).length ? process.argv.slice(3) : ['optim', 'activations'];
const out = new URL('./out/', import.meta.url).pathname;
mkdirSync(out, { recursive: true });
const browser = await chromium.launch({
  executablePath: '/usr/bin/chromium',
  args: ['--no-sandbox', '--disable-gpu', '--disable-dev-shm-usage'],
});
const views = { desktop: { width: 1366, height: 800 }, phone: { width: 390, height: 844, isMobile: true, hasTouch: true, deviceScaleFactor: 2 } };
for (const name of pages) {
  for (const [vn, v] of Object.entries(views)) {
    for (const lang of ['en', 'zh']) {
      const { isMobile, hasTouch, deviceScaleFactor, ...viewport } = v;
      const ctx = await browser.newContext({ viewport, isMobile, hasTouch, deviceScaleFactor });
      const page = await ctx.newPage();
      const errors = [];
      page.on('console', (m) => m.type() === 'error' && errors.push(m.text()));
      page.on('pageerror', (e) => errors.push(e.message));
      const hash = name === 'optim' ? `#lang=${lang}&t=60` : `#lang=${lang}&x=1.5`;
      await page.goto(`${base}${name}.html${hash}`);
      await page.waitForFunction(() => document.body.dataset.optimReady || document.body.dataset.activReady, null, { timeout: 20000 }).catch(() => errors.push('not ready'));
      await page.waitForTimeout(300);
      const file = `${out}explore-${name}-${vn}-${lang}.png`;
      await page.screenshot({ path: file, fullPage: true });
      console.log(file, errors.length ? `ERRORS: ${errors.join(' | ')}` : 'ok');
      await ctx.close();
    }
  }
}
await browser.close();
