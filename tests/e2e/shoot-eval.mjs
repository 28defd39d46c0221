// Screenshots of the evaluation lab (desktop 1280x900, phone 390x844, zh) for a person to look at:
// node tests/e2e/shoot-eval.mjs [port]   (serves www/ itself; PNGs go to tests/e2e/out/)
import { spawn } from 'node:child_process';
import { mkdirSync } from 'node:fs';
import { chromium } from 'playwright-core';

const port = Number(process.argv[2]) || 20000 + Math.floor(Math.random() * 30000);
const out = new URL('./out/', import.meta.url).pathname;
mkdirSync(out, { recursive: true });
const server = spawn('python3', ['-m', 'http.server', String(port), '-d', 'www', '--bind', '127.0.0.1'], { stdio: 'ignore' });
await new Promise((r) => setTimeout(r, 800));
const browser = await chromium.launch({ executablePath: '/usr/bin/chromium', args: ['--no-sandbox', '--disable-gpu', '--disable-dev-shm-usage'] });
const shots = [
  ['eval-desktop', { width: 1280, height: 900 }, 'eval.html#lang=en&pos=10', false],
  ['eval-phone', { width: 390, height: 844 }, 'eval.html#lang=en&gm=log&lam=0.6', true],
  ['eval-zh', { width: 1280, height: 900 }, 'eval.html#lang=zh&pos=20&thr=0.3&gm=log&orth=0&rho=0.5&lam=0.4', false],
];
try {
  for (const [name, viewport, hash, mobile] of shots) {
    const page = await browser.newPage({ viewport, isMobile: mobile, hasTouch: mobile });
    page.on('console', (m) => { if (m.type() === 'error' || m.type() === 'warning') console.log(name, m.type(), m.text()); });
    page.on('pageerror', (e) => console.log(name, 'pageerror', e.message));
    await page.goto(`http://127.0.0.1:${port}/${hash}`);
    await page.waitForFunction(() => ['evalFit', 'evalEns', 'evalCurves', 'evalZeros'].every((k) => ['done', 'error'].includes(document.body.dataset[k])) && ['done', 'all'].includes(document.body.dataset.evalImb), null, { timeout: 120000 });
    await page.waitForTimeout(300);
    await page.screenshot({ path: `${out}${name}.png`, fullPage: true });
    for (const id of ['roc-panel', 'geo-panel']) await page.locator(`#${id}`).screenshot({ path: `${out}${name}-${id}.png` });
    console.log(name, await page.evaluate(() => ({ w: document.documentElement.scrollWidth, h: document.documentElement.scrollHeight })));
    await page.close();
  }
} finally {
  await browser.close();
  server.kill();
}
