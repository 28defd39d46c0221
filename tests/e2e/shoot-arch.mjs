// Screenshots of the architecture lab (desktop, phone, zh) after training and the FPN run:
// node tests/e2e/shoot-arch.mjs [port]   (serves www/ itself). PNGs go to tests/e2e/out/.
import { spawn } from 'node:child_process';
import { mkdirSync } from 'node:fs';
import { join } from 'node:path';
import { chromium } from 'playwright-core';

const port = Number(process.argv[2]) || 20000 + Math.floor(Math.random() * 30000);
const root = join(import.meta.dirname, '..', '..');
const out = join(root, 'tests', 'e2e', 'out');
mkdirSync(out, { recursive: true });
const server = spawn('python3', ['-m', 'http.server', String(port), '-d', join(root, 'www'), '--bind', '127.0.0.1'], { stdio: 'ignore' });
await new Promise((r) => setTimeout(r, 800));
const browser = await chromium.launch({ executablePath: '/usr/bin/chromium', args: ['--no-sandbox', '--disable-gpu', '--disable-dev-shm-usage'] });
try {
  for (const [name, viewport, hash] of [
    ['desktop', { width: 1280, height: 900 }, '#lang=en&steps=150'],
    ['phone', { width: 390, height: 844 }, '#lang=en&steps=100'],
    ['zh', { width: 1280, height: 900 }, '#lang=zh&steps=100&img=photo'],
  ]) {
    const page = await browser.newPage({ viewport });
    page.on('console', (m) => m.type() === 'error' && console.log(name, 'console:', m.text()));
    page.on('pageerror', (e) => console.log(name, 'pageerror:', e.message));
    await page.goto(`http://127.0.0.1:${port}/arch.html${hash}`);
    await page.waitForFunction(() => document.body.dataset.archReady === '1', null, { timeout: 60000 });
    await page.click('#seq-run');
    await page.click('#res-run');
    await page.click('#fpn-run');
    await page.waitForFunction(() => window.__arch.seq?.done && window.__arch.fpn && window.__arch.residual, null, { timeout: 240000 });
    await page.screenshot({ path: join(out, `arch-${name}.png`), fullPage: true });
    console.log(name, 'ok');
    await page.close();
  }
} finally {
  await browser.close();
  server.kill();
}
