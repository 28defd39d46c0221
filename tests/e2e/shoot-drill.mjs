// Screenshots of the interview drill (desktop, phone, zh), for looking at, not a test:
// node tests/e2e/shoot-drill.mjs <port> [outdir]
import { chromium } from 'playwright-core';

const port = process.argv[2] || '8000';
const out = process.argv[3] || '/tmp';
const base = `http://127.0.0.1:${port}/drill.html`;
const browser = await chromium.launch({ executablePath: '/usr/bin/chromium', args: ['--no-sandbox', '--disable-gpu', '--disable-dev-shm-usage'] });
const shots = [
  ['desktop-number', { width: 1280, height: 900 }, '#q=rf.stack&seed=7&lang=en', 'wrong'],
  ['desktop-choice', { width: 1280, height: 900 }, '#q=batchnorm.mc&seed=3&lang=en', 'choice'],
  ['phone', { width: 390, height: 844 }, '#q=interp.bilinear&seed=5&lang=en', 'right'],
  ['zh', { width: 1280, height: 900 }, '#q=focal.value&seed=2&lang=zh', 'wrong'],
  ['phone-zh-mock', { width: 390, height: 844 }, '#mode=mock&mock=42&lang=zh', null],
  ['desktop-gn', { width: 1280, height: 900 }, '#q=nf.gn&seed=3&lang=en', 'wrong'],
  ['phone-zh-chain', { width: 390, height: 844 }, '#q=act.chain&seed=4&lang=zh', 'right'],
  ['zh-nc', { width: 1280, height: 900 }, '#q=nc.quad&seed=9&lang=zh', 'wrong'],
  ['phone-mc-new', { width: 390, height: 844 }, '#q=l1-vs-l2.mc&seed=2&lang=en', 'choice'],
];
for (const [name, viewport, hash, act] of shots) {
  const page = await browser.newPage({ viewport });
  page.on('console', (m) => m.type() === 'error' || m.type() === 'warning' ? console.log(name, m.type(), m.text()) : null);
  page.on('pageerror', (e) => console.log(name, 'pageerror', e.message));
  await page.goto(base + hash);
  await page.waitForFunction(() => document.body.dataset.drillReady === '1', null, { timeout: 60000 });
  if (act === 'right') {
    await page.fill('#q-answer', await page.evaluate(() => window.__drill.answerText()));
    await page.press('#q-answer', 'Enter');
  } else if (act === 'wrong') {
    const m = await page.evaluate(() => { const q = window.__drill.question; return q.mistakes[0] ? JSON.stringify(q.mistakes[0].value) : '1'; });
    await page.fill('#q-answer', String(JSON.parse(m)).replace(/,/g, 'x'));
    await page.press('#q-answer', 'Enter');
  } else if (act === 'choice') {
    await page.click('.drill-choice >> nth=1');
  }
  await page.screenshot({ path: `${out}/drill-${name}.png`, fullPage: true });
  await page.close();
}
await browser.close();

// the mock interview's result (answers: right, then wrong, alternately)
{
  const { answerText, perturbed } = await import('../../www/labs/drill.check.js');
  const b2 = await chromium.launch({ executablePath: '/usr/bin/chromium', args: ['--no-sandbox', '--disable-gpu', '--disable-dev-shm-usage'] });
  for (const [name, viewport, lang] of [['mock-result', { width: 1280, height: 900 }, 'en'], ['mock-result-phone-zh', { width: 390, height: 844 }, 'zh']]) {
    const page = await b2.newPage({ viewport });
    await page.goto(`${base}#mode=mock&mock=7&lang=${lang}`);
    await page.waitForFunction(() => document.body.dataset.drillReady === '1', null, { timeout: 60000 });
    for (let i = 0; i < 10; i++) {
      const q = await page.evaluate(() => window.__drill.question);
      if (q.type === 'choice') await page.click(`.drill-choice[data-choice="${i % 2 ? (q.answer + 1) % q.choices.length : q.answer}"]`);
      else {
        await page.fill('#q-answer', i % 2 ? perturbed(q) : answerText(q));
        await page.press('#q-answer', 'Enter');
      }
      await page.click('#q-next');
    }
    await page.waitForFunction(() => document.body.dataset.mockDone === '1');
    await page.screenshot({ path: `${out}/drill-${name}.png`, fullPage: true });
    await page.close();
  }
  await b2.close();
}
