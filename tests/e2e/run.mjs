// End-to-end tests: serve www/ with python3's http.server on a free localhost port, drive
// /usr/bin/chromium with playwright-core, run every tests/e2e/*.test.mjs.
//
// A test file default-exports an array of {name, timeout?, run(ctx)}; ctx gives
//   page      a fresh page in a fresh context (viewport 1280x900) that records console errors,
//             uncaught exceptions and requests to any host but localhost; each fails the test
//   newPage   (options) -> another such page, e.g. with a phone viewport
//   base      the server's URL, e.g. http://127.0.0.1:41234/
//   root      the repository root; out: tests/e2e/out/ (screenshots go there)
// Usage: node tests/e2e/run.mjs [filter]   (filter: substring of "file: test name")
import { spawn } from 'node:child_process';
import { mkdirSync, readdirSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { fileURLToPath, pathToFileURL } from 'node:url';
import { chromium } from 'playwright-core';

const here = dirname(fileURLToPath(import.meta.url));
const root = join(here, '..', '..');
const out = join(here, 'out');
const filter = process.argv[2] || '';
const CHROMIUM = process.env.CHROMIUM || '/usr/bin/chromium';
const ARGS = [
  '--no-sandbox', '--headless=new', '--disable-gpu', '--disable-dev-shm-usage',
  '--disable-background-networking', '--disable-component-update', '--no-first-run',
  '--disable-sync', '--disable-quic',
];
const LOCAL_HOSTS = new Set(['127.0.0.1', 'localhost', '[::1]']);

let server;
let browser;

function stopServer() {
  if (server && server.exitCode === null && !server.killed) server.kill('SIGTERM');
}
process.on('exit', stopServer);
for (const sig of ['SIGINT', 'SIGTERM']) {
  process.on(sig, () => {
    stopServer();
    process.exit(130);
  });
}

/** Start `python3 -m http.server 0` (the OS picks a free port) and read the port it prints. */
function startServer() {
  return new Promise((resolve, reject) => {
    server = spawn('python3', ['-u', '-m', 'http.server', '0', '--bind', '127.0.0.1', '-d', join(root, 'www')], {
      stdio: ['ignore', 'pipe', 'pipe'],
    });
    let seen = '';
    const timer = setTimeout(() => reject(new Error(`http.server did not start: ${seen}`)), 15000);
    server.stdout.on('data', (d) => {
      seen += d;
      const m = /port (\d+)/.exec(seen);
      if (m) {
        clearTimeout(timer);
        resolve(`http://127.0.0.1:${m[1]}/`);
      }
    });
    server.stderr.on('data', () => {}); // request log: drained, not printed
    server.on('exit', (code) => {
      clearTimeout(timer);
      reject(new Error(`http.server exited with ${code}: ${seen}`));
    });
  });
}

/** A page that collects the problems that fail any test: console errors, page errors, egress. */
async function guardedPage(problems, options = {}) {
  const context = await browser.newContext({ viewport: { width: 1280, height: 900 }, ...options });
  const page = await context.newPage();
  page.on('console', (msg) => {
    if (msg.type() === 'error') problems.push(`console error: ${msg.text()} (${msg.location().url || 'page'})`);
  });
  page.on('pageerror', (err) => problems.push(`uncaught exception: ${err.message}`));
  page.on('request', (req) => {
    const url = new URL(req.url());
    if ((url.protocol === 'http:' || url.protocol === 'https:' || url.protocol === 'ws:' || url.protocol === 'wss:')
      && !LOCAL_HOSTS.has(url.hostname)) {
      problems.push(`request to a non-local host: ${req.url()}`);
    }
  });
  return page;
}

function withTimeout(promise, ms, what) {
  let timer;
  return Promise.race([
    promise.finally(() => clearTimeout(timer)),
    new Promise((_, reject) => {
      timer = setTimeout(() => reject(new Error(`${what} timed out after ${ms} ms`)), ms);
    }),
  ]);
}

async function main() {
  mkdirSync(out, { recursive: true });
  const base = await startServer();
  browser = await chromium.launch({ executablePath: CHROMIUM, args: ARGS, headless: true });
  let passed = 0;
  let failed = 0;
  const files = readdirSync(here).filter((f) => f.endsWith('.test.mjs')).sort();
  for (const file of files) {
    let tests;
    try {
      tests = (await import(pathToFileURL(join(here, file)).href)).default;
    } catch (err) {
      failed++;
      console.log(`FAIL ${file}: could not load: ${err.message}`);
      continue;
    }
    for (const test of tests) {
      const label = `${file.replace(/\.test\.mjs$/, '')}: ${test.name}`;
      if (filter && !label.includes(filter)) continue;
      const problems = [];
      const pages = [];
      const newPage = async (options) => {
        const p = await guardedPage(problems, options);
        pages.push(p);
        return p;
      };
      const t0 = Date.now();
      let error = null;
      try {
        const page = await newPage();
        await withTimeout(test.run({ page, newPage, base, root, out }), test.timeout ?? 60000, label);
      } catch (err) {
        error = err;
      }
      for (const p of pages) await p.context().close().catch(() => {});
      const ms = Date.now() - t0;
      if (!error && problems.length) error = new Error(problems.join('\n  '));
      if (error) {
        failed++;
        console.log(`FAIL ${label} (${ms} ms)\n  ${String(error.message || error).split('\n').join('\n  ')}`);
      } else {
        passed++;
        console.log(`ok   ${label} (${ms} ms)`);
      }
    }
  }
  return { passed, failed };
}

let code = 1;
try {
  const { passed, failed } = await main();
  console.log(`${passed} passed, ${failed} failed`);
  code = failed === 0 && passed > 0 ? 0 : 1;
} catch (err) {
  console.log(`e2e could not run: ${err.stack || err}`);
  console.log('0 passed, 1 failed');
} finally {
  if (browser) await browser.close().catch(() => {});
  stopServer();
}
process.exit(code);
