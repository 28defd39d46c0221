// Unit tests of the pure helpers of www/labs/resize.formula.js: `fmt` (the inspector's numbers)
// and `methodKind` (which arithmetic a method's formula shows). The formula lines themselves are
// built straight into DOM elements there, so Node cannot read them (see the e2e resize tests).
import test from 'node:test';
import assert from 'node:assert/strict';
import { fmt, methodKind } from '../../www/labs/resize.formula.js';

const back = (s) => Number(s.replace('−', '-'));

test('fmt keeps at most d decimals, drops trailing zeros and reads back within half a unit', () => {
  let s = 7;
  for (let k = 0; k < 2000; k++) {
    s = (Math.imul(s, 1664525) + 1013904223) >>> 0;
    const v = ((s / 2 ** 32) - 0.5) * 10 ** ((k % 9) - 3);
    for (const d of [0, 1, 2, 4, 6]) {
      const text = fmt(v, d);
      assert.ok(Math.abs(back(text) - v) <= 0.5 * 10 ** -d + 1e-12 * Math.abs(v), `${v} d=${d}: ${text}`);
      const frac = text.split('.')[1] ?? '';
      assert.ok(frac.length <= d, `${text} has more than ${d} decimals`);
      assert.ok(!frac.endsWith('0'), `${text} ends in a zero`);
      assert.ok(!text.includes('-'), `${text}: the minus sign is U+2212`);
      assert.equal(text.startsWith('−'), back(text) < 0, text);
    }
  }
});

test('fmt: integers as they are, no negative zero, non-finite values spelled out', () => {
  assert.equal(fmt(451), '451');
  assert.equal(fmt(-3), '−3');
  assert.equal(fmt(-0), '0');
  assert.equal(fmt(-0.00001), '0', 'rounds to zero without a sign');
  assert.equal(fmt(0.1 + 0.2), '0.3');
  assert.equal(fmt(2 / 3, 6), '0.666667');
  assert.equal(fmt(NaN), 'NaN');
  assert.equal(fmt(-Infinity), '-Infinity');
});

test('methodKind groups the methods by the arithmetic their formula shows', () => {
  assert.equal(methodKind('nearest'), 'nearest');
  assert.equal(methodKind('bilinear'), 'bilinear');
  assert.equal(methodKind('bilinear_align_corners'), 'bilinear');
  assert.equal(methodKind('opencv'), 'opencv');
  assert.equal(methodKind('pillow'), 'pillow');
  for (const other of ['browser', 'canvas', '', undefined]) assert.equal(methodKind(other), 'browser');
});
