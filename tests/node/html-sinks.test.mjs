// No text ever reaches the page as HTML or code (issue 9, "pages locked down"): every page module
// builds DOM nodes and sets textContent. This greps www/ (our own modules and pages; www/pkg is
// wasm-bindgen's generated glue) for the sinks that parse HTML or run strings as code, and for
// link targets set from script, and fails on any use that is not in the audited list below. A new
// use needs a look (is anything user-controlled in it: a file name, a CSV cell, the URL hash, an
// i18n string filled with user values?) and, if it is a fixed string, a line here saying why.
import test from 'node:test';
import assert from 'node:assert/strict';
import { readdirSync, readFileSync, statSync } from 'node:fs';
import { join, relative } from 'node:path';

const ROOT = join(import.meta.dirname ?? new URL('.', import.meta.url).pathname, '..', '..');
const WWW = join(ROOT, 'www');
const SKIP = new Set(['pkg', 'pkg-relaxed', 'golden', 'samples']); // pkg-relaxed: the same generated glue

const SINKS = [
  ['innerHTML / outerHTML', /\.(inner|outer)HTML\b/],
  ['insertAdjacentHTML', /insertAdjacentHTML/],
  ['document.write', /document\.write/],
  ['srcdoc', /srcdoc/i],
  ['createContextualFragment', /createContextualFragment/],
  ['DOMParser', /DOMParser/],
  ['new Function', /\bnew\s+Function\b|\bFunction\s*\(/],
  ['eval', /\beval\s*\(/],
  ['string timer', /\bset(Timeout|Interval)\s*\(\s*['"`]/],
  ['on* attribute', /setAttribute\(\s*['"`]on/i],
  ['javascript: URL', /javascript:/i],
  ['link or source set from script', /\.(href|src|action|formAction)\s*=(?!=)|setAttribute\(\s*['"`](href|src|action|formaction)['"`]/],
];

/** Audited uses: [file, trimmed line (or a RegExp for it), why it is safe]. */
const AUDITED = [
  ['www/labs/train.render.js', "box.innerHTML = '';", 'clears the legend box (a fixed empty string)'],
  [/./, /\.href = withLang\(/, "withLang(path) of a link's own static href or a topic's fixed lab path: the path, its fixed hash, and lang from LANGS only"],
  ['www/labs/resize.jobs.js', 'a.href = url;', 'the blob: URL of the PNG the worker encoded (URL.createObjectURL), for a download'],
  // not a sink: the resize lab's state field and the worker's input image are called `src`
  [/resize\.(jobs|js|state|worker)/, /^(S|st)\.src = /, 'a state field named src, not an element attribute'],
];

function* files(dir) {
  for (const name of readdirSync(dir)) {
    const p = join(dir, name);
    if (statSync(p).isDirectory()) {
      if (!SKIP.has(name)) yield* files(p);
    } else if (/\.(m?js|html)$/.test(name)) {
      yield p;
    }
  }
}

const matches = (pat, s) => (pat instanceof RegExp ? pat.test(s) : pat === s);

test('www/ has no HTML or code sink outside the audited list', () => {
  const found = [];
  let scanned = 0;
  for (const p of files(WWW)) {
    scanned++;
    const file = relative(ROOT, p).split('\\').join('/');
    readFileSync(p, 'utf8').split('\n').forEach((text, i) => {
      const line = text.trim();
      if (line.startsWith('//') || line.startsWith('*') || line.startsWith('/*')) return; // comments
      for (const [what, re] of SINKS) {
        if (!re.test(line)) continue;
        if (AUDITED.some(([f, l]) => matches(f, file) && matches(l, line))) continue;
        found.push(`${file}:${i + 1}: ${what}: ${line}`);
      }
    });
  }
  assert.ok(scanned > 20, `scanned ${scanned} files`);
  assert.deepEqual(found, [], 'new HTML/code sinks: build DOM nodes and use textContent, or audit and list them here');
});

test('the sink patterns catch what they are meant to', () => {
  const hit = (s) => SINKS.filter(([, re]) => re.test(s)).map(([w]) => w);
  assert.deepEqual(hit('el.innerHTML = name;'), ['innerHTML / outerHTML']);
  assert.deepEqual(hit("el.insertAdjacentHTML('beforeend', x)"), ['insertAdjacentHTML']);
  assert.deepEqual(hit("el.setAttribute('onclick', x)"), ['on* attribute']);
  assert.deepEqual(hit('a.href = cell;'), ['link or source set from script']);
  assert.deepEqual(hit('img.src = url'), ['link or source set from script']);
  assert.deepEqual(hit('setTimeout("go()", 1)'), ['string timer']);
  assert.deepEqual(hit('const f = new Function(code)'), ['new Function']);
  assert.deepEqual(hit('if (a.href === b) x = 1;'), []);
  assert.deepEqual(hit('el.textContent = name;'), []);
});
