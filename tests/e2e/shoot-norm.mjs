// Screenshots of the normalisation lab (desktop, phone, zh) for a person to look at:
// node tests/e2e/shoot-norm.mjs <port> [outdir]  (with `python3 -m http.server <port> -d www` running)
import { chromium } from 'playwright-core';

const port = process.argv[2] || '8000';
const out = process.argv[3] || '/tmp';
const browser = await chromium.launch({ executablePath: '/usr/bin/chromium', args: ['--no-sandbox', '--disable-gpu', '--disable-dev-shm-usage'] });
const shots = [
  ['desktop', { width: 1280, height: 900 }, '#lang=en&ep=2&be=1&bl=150&bsd=2'],
  ['phone', { width: 390, height: 844 }, '#lang=en&ep=2&norm=gn&g=2&layer=photo'],
  ['zh', { width: 1280, height: 900 }, '#lang=zh&ep=2&norm=ln&be=1&bl=150&bbud=steps&blrr=linear&layer=photo'],
];
for (const [name, viewport, hash] of shots) {
  const page = await browser.newPage({ viewport });
  page.on('console', (m) => (m.type() === 'error' || m.type() === 'warning') && console.log(name, m.type(), m.text()));
  page.on('pageerror', (e) => console.log(name, 'pageerror', e.message));
  await page.goto(`http://127.0.0.1:${port}/norm.html${hash}`);
  await page.waitForFunction(() => document.body.dataset.normReady === '1', null, { timeout: 60000 });
  await page.waitForFunction(() => document.body.dataset.abState === 'done', null, { timeout: 120000 });
  if (name !== 'phone') {
    await page.click('#bx-run');
    await page.waitForFunction(() => document.body.dataset.bxState === 'done', null, { timeout: 180000 });
    await page.click('#sweep-run');
    await page.waitForFunction(() => document.body.dataset.sweepState === 'done', null, { timeout: 180000 });
  }
  await page.click('#bn1-try');
  await page.waitForTimeout(500);
  await page.screenshot({ path: `${out}/norm-${name}.png`, fullPage: true });
  // the panels this round changed, one by one (easier to read than the whole page)
  for (const sel of ['[data-topic-panel="cube"]', '#ab-pre', '[data-topic-panel="batch"]']) {
    const el = await page.$(sel);
    const tag = sel.replace(/[^a-z]+/g, '-').replace(/^-|-$/g, '');
    if (el) await el.screenshot({ path: `${out}/norm-${name}-${tag}.png` });
  }
  await page.close();
}
await browser.close();
