// Screenshots of the losses lab (desktop 1280x900, phone 390x844, zh) for a person to look at:
// `node tests/e2e/shoot-losses.mjs <port> [outdir] [--run]` against a server of www/ on <port>.
// With --run, the four experiments are trained first (slow) so the plots hold their results.
import { chromium } from 'playwright-core';

const port = process.argv[2] || '8000';
const out = process.argv[3] || '/tmp/shots';
const run = process.argv.includes('--run');
const browser = await chromium.launch({ executablePath: '/usr/bin/chromium', args: ['--no-sandbox', '--disable-gpu', '--disable-dev-shm-usage'] });
for (const [name, vp, lang] of [['desktop', { width: 1280, height: 900 }, 'en'], ['phone', { width: 390, height: 844 }, 'en'], ['zh', { width: 1280, height: 900 }, 'zh']]) {
  const page = await browser.newPage({ viewport: vp });
  page.on('console', (m) => { if (m.type() === 'error') console.log(name, 'console:', m.text()); });
  page.on('pageerror', (e) => console.log(name, 'pageerror:', e.message));
  await page.goto(`http://localhost:${port}/losses.html#lang=${lang}`);
  await page.waitForFunction(() => document.body.dataset.lossesReady === '1', null, { timeout: 60000 });
  if (run && name !== 'phone') {
    for (const [exp, btn] of [['cemse', '#run-cemse'], ['imbalance', '#run-imb'], ['smooth', '#run-smooth'], ['kd', '#run-kd']]) {
      await page.click(btn);
      await page.waitForFunction((e) => window.__losses.results[e]?.done, exp, { timeout: 600000 });
    }
    await page.waitForTimeout(500);
  }
  await page.screenshot({ path: `${out}/losses-${name}.png`, fullPage: true });
  await page.close();
}
await browser.close();
