// Issue 10: the pure helpers behind the fixed defects: whole-level ticks of the |A − B| legend and
// its colour scale, the log axis's ticks and values (0, NaN, Infinity), the segment clipping that
// keeps a blow-up off the canvas's far coordinates, and the plural key of "1 level".
import test from 'node:test';
import assert from 'node:assert/strict';
import { integerTicks, logTicks, formatLogTick, clipSegment, axisValue, diffScale, DIFF_MIN_RANGE } from '../../www/app/plot.js';
import { pluralKey } from '../../www/app/i18n.js';

test('integer ticks never repeat a label and never step below 1 (the "0 0 0 0 0 1 1 1 1 1" legend)', () => {
  assert.deepEqual(integerTicks(0, 1, 10).ticks, [0, 1]);
  assert.deepEqual(integerTicks(0, 3, 8).ticks, [0, 1, 2, 3]);
  for (let hi = 1; hi <= 300; hi++) {
    for (const n of [2, 5, 10]) {
      const { ticks, step } = integerTicks(0, hi, n);
      const labels = ticks.map(String);
      assert.equal(new Set(labels).size, labels.length, `0..${hi} n=${n}: ${labels}`);
      assert.ok(ticks.every(Number.isInteger) && step >= 1, `0..${hi}: ${ticks}`);
      assert.ok(ticks[0] === 0 && ticks.at(-1) <= hi && ticks.at(-1) + step > hi, `covers 0..${hi}: ${ticks}`);
    }
  }
  assert.deepEqual(integerTicks(0.2, 0.8).ticks, []);
  assert.deepEqual(integerTicks(NaN, 3).ticks, []);
});

test('the |A − B| colour scale spans at least DIFF_MIN_RANGE levels unless stretched', () => {
  assert.equal(DIFF_MIN_RANGE, 16);
  assert.equal(diffScale(1, false), 16);
  assert.equal(diffScale(0, false), 16);
  assert.equal(diffScale(200, false), 200);
  assert.equal(diffScale(1, true), 1);
  assert.equal(diffScale(0, true), 1, 'identical images: all dark, no division by 0');
  assert.equal(diffScale(NaN, true), 1);
});

test('log ticks: decades inside the range, or 1-2-5 steps within one decade', () => {
  assert.deepEqual(logTicks(0.001, 10), [0.001, 0.01, 0.1, 1, 10]);
  assert.deepEqual(logTicks(0.2, 0.9), [0.2, 0.5]);
  assert.ok(logTicks(1e-8, 1e8, 5).length <= 6);
  for (const [lo, hi] of [[0, 1], [-1, 1], [1, 1], [1, Infinity], [NaN, 1]]) assert.deepEqual(logTicks(lo, hi), [], `${lo}..${hi}`);
  assert.deepEqual([1e-5, 0.01, 0.5, 1, 20, 1000, 2e6, 2.14e11].map(formatLogTick), ['1e-5', '0.01', '0.5', '1', '20', '1000', '2e6', '2.14e11']);
});

test('axis values: 0 and negatives lie below a log axis, Infinity above, NaN is a gap', () => {
  assert.equal(axisValue(100, true), 2);
  assert.equal(axisValue(0, true), -Infinity);
  assert.equal(axisValue(-3, true), -Infinity);
  assert.equal(axisValue(Infinity, true), Infinity);
  assert.ok(Number.isNaN(axisValue(NaN, true)));
  assert.ok(Number.isNaN(axisValue(undefined, false)));
  assert.equal(axisValue(-3, false), -3);
});

test('clipping a segment to the plot: a 2e11 blow-up becomes a short visible piece', () => {
  const box = { left: 50, right: 350, top: 10, bottom: 110 };
  // epoch 0 at loss 0.8 -> epoch 1 at 2.1e11, on an axis 0..3.4 (100 px): far above the top
  const py = (v) => 110 - (v / 3.4) * 100;
  const seg = clipSegment(50, py(0.8), 110, py(2.1e11), box);
  assert.ok(seg, 'the start of the blow-up is on the plot');
  assert.ok(seg.every(Number.isFinite));
  assert.equal(seg[3], 10, 'it leaves through the top edge');
  assert.ok(seg[0] === 50 && seg[2] >= 50 && seg[2] < 51);
  assert.equal(clipSegment(0, 0, 10, 0, box), null, 'outside');
  assert.deepEqual(clipSegment(60, 20, 70, 30, box), [60, 20, 70, 30], 'inside: unchanged');
});

test('plural keys: "1 level" in English, one form in Chinese', () => {
  const en = new Set(['resize.diff_stats', 'resize.diff_stats_one', 'train.hidden_layers', 'train.hidden_layers_one']);
  const zh = new Set(['resize.diff_stats', 'train.hidden_layers']);
  assert.equal(pluralKey('resize.diff_stats', 1, (k) => en.has(k)), 'resize.diff_stats_one');
  assert.equal(pluralKey('resize.diff_stats', 0, (k) => en.has(k)), 'resize.diff_stats');
  assert.equal(pluralKey('resize.diff_stats', 2, (k) => en.has(k)), 'resize.diff_stats');
  assert.equal(pluralKey('train.hidden_layers', '1', (k) => en.has(k)), 'train.hidden_layers_one');
  assert.equal(pluralKey('train.hidden_layers', 1, (k) => zh.has(k)), 'train.hidden_layers');
});
