// Unit tests of the URL-hash codec in www/app/state.js (pure functions only; no location needed).
import test from 'node:test';
import assert from 'node:assert/strict';
import { parseHash, formatHash, num, pick } from '../../www/app/state.js';

test('hash round trip keeps keys and values with reserved characters', () => {
  const o = { lang: 'zh', stack: 'c3,d2;p2', q: 'a&b=c #d', empty: '' };
  assert.deepEqual(parseHash('#' + formatHash(o)), o);
});

test('null and undefined are left out, a key without = reads as empty', () => {
  assert.equal(formatHash({ a: 1, b: null, c: undefined }), 'a=1');
  assert.deepEqual(parseHash('#x&y=2'), { x: '', y: '2' });
});

test('typed getters clamp, and fall back on missing or malformed values', () => {
  assert.equal(num({ lr: '0.3' }, 'lr', 1), 0.3);
  assert.equal(num({ lr: 'abc' }, 'lr', 1), 1);
  assert.equal(num({ lr: '' }, 'lr', 1), 1);
  assert.equal(num({}, 'lr', 1), 1);
  assert.equal(num({ k: '99' }, 'k', 2, { min: 2, max: 6 }), 6);
  assert.equal(pick({ m: 'x' }, 'm', ['a', 'b'], 'a'), 'a');
  assert.equal(pick({ m: 'b' }, 'm', ['a', 'b'], 'a'), 'b');
});

test('a malformed percent escape drops only its own part, and is reported', () => {
  for (const hash of ['#%', '#lang=%E0%A4%A', '#lang=zh&%zz=1&seed=7', '#a=%']) {
    const o = parseHash(hash);
    assert.ok(o.malformed.length === 1, `${hash}: ${o.malformed}`);
    assert.ok(!Object.keys(o).includes('malformed'), 'the report is not a hash key');
  }
  const o = parseHash('#lang=zh&%zz=1&seed=7');
  assert.deepEqual(o, { lang: 'zh', seed: '7' });
  assert.deepEqual(o.malformed, ['%zz=1']);
  assert.deepEqual(parseHash('#lang=en').malformed, []);
});
