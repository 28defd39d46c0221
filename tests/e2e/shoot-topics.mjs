// Screenshots of every topic view (the viewport as the reader lands on it, not the full page):
// desktop 1366x800 en and zh, phone 390x844 en (and zh with --all), into tests/e2e/out/, for a
// person to look at. Also reports horizontal overflow and whether the highlighted panel is in view.
// Usage: node tests/e2e/shoot-topics.mjs BASE_URL [topic-id...] [--all]
// (BASE_URL: a server of www/, e.g. python3 -m http.server 8000 -d www).
import { mkdirSync } from 'node:fs';
import { chromium } from 'playwright-core';

const { VIEW_TOPICS, topicHref } = await import(new URL('../../www/app/topics.js', import.meta.url).href);
const args = process.argv.slice(2);
const base = args.find((a) => a.startsWith('http')) || 'http://127.0.0.1:8000/';
const all = args.includes('--all');
const ids = args.filter((a) => !a.startsWith('http') && !a.startsWith('--'));
const topics = ids.length ? VIEW_TOPICS.filter((tp) => ids.includes(tp.id)) : VIEW_TOPICS;
const out = new URL('./out/', import.meta.url).pathname;
mkdirSync(out, { recursive: true });
const browser = await chromium.launch({
  executablePath: '/usr/bin/chromium',
  args: ['--no-sandbox', '--disable-gpu', '--disable-dev-shm-usage'],
});
const shots = [
  ['desktop', 'en', { viewport: { width: 1366, height: 800 } }],
  ['desktop', 'zh', { viewport: { width: 1366, height: 800 } }],
  ['phone', 'en', { viewport: { width: 390, height: 844 }, isMobile: true, hasTouch: true, deviceScaleFactor: 2 }],
];
if (all) shots.push(['phone', 'zh', shots[2][2]]);
for (const tp of topics) {
  for (const [vn, lang, opts] of shots) {
    const ctx = await browser.newContext(opts);
    const page = await ctx.newPage();
    const errors = [];
    page.on('console', (m) => m.type() === 'error' && errors.push(m.text()));
    page.on('pageerror', (e) => errors.push(e.message));
    await page.goto(`${base}${topicHref(tp)}&lang=${lang}`);
    await page.waitForSelector('#topic-view', { timeout: 20000 }).catch(() => errors.push('no topic view'));
    await page.waitForTimeout(2500);
    const info = await page.evaluate(() => {
      const p = document.querySelector('.topic-focus')?.getBoundingClientRect();
      return {
        overflow: document.documentElement.scrollWidth - innerWidth,
        panelInView: p ? p.top < innerHeight && p.bottom > 0 : false,
        panelTop: p ? Math.round(p.top) : null,
      };
    });
    const file = `${out}topic-${tp.id}-${vn}-${lang}.png`;
    await page.screenshot({ path: file });
    console.log(file, JSON.stringify(info), errors.length ? `ERRORS: ${errors.join(' | ')}` : 'ok');
    await ctx.close();
  }
}
await browser.close();
