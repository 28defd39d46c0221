// Unit tests of the axis-tick helpers in www/app/plot.js (niceTicks, formatTick): ticks cover the
// range with a 1-2-5 step, labels read back as the tick values, and odd ranges (NaN, Infinity,
// zero width, reversed) give an answer instead of an exception or an endless loop.
import test from 'node:test';
import assert from 'node:assert/strict';
import { niceTicks, formatTick, bandRuns, seriesValues } from '../../www/app/plot.js';
import { lcg } from './kit.mjs';

/** Seeded ranges of every scale: [lo, hi] with hi > lo. */
function ranges() {
  const rand = lcg(12345);
  const out = [[0, 1], [-1, 1], [0, 100], [0.001, 0.002], [-5e-7, 5e-7], [1, 1e6], [-3, -2], [0, 0.3], [99.5, 100.5]];
  for (let k = 0; k < 300; k++) {
    const scale = 10 ** Math.floor(rand() * 16 - 8);
    const lo = (rand() * 2 - 1) * scale * 10 ** Math.floor(rand() * 3);
    out.push([lo, lo + scale * (0.05 + rand() * 20)]);
  }
  return out;
}

/** The mantissa of a step: 1, 2 or 5 (up to rounding). */
function mantissa(step) {
  const m = step / 10 ** Math.floor(Math.log10(step) + 1e-12);
  return [1, 2, 5, 10].find((c) => Math.abs(m - c) < 1e-9 * c);
}

test('ticks lie in the range, a 1-2-5 step apart, and leave no gap of a step at either end', () => {
  for (const [lo, hi] of ranges()) {
    for (const n of [2, 5, 8]) {
      const { ticks, step } = niceTicks(lo, hi, n);
      const what = `[${lo}, ${hi}] n=${n}: ${ticks}`;
      assert.ok(step > 0 && mantissa(step), `step ${step} of ${what}`);
      assert.ok(ticks.length >= 1, what);
      const eps = step * 1e-6;
      assert.ok(ticks[0] >= lo - eps && ticks.at(-1) <= hi + eps, `inside: ${what}`);
      assert.ok(ticks[0] - step < lo + eps && ticks.at(-1) + step > hi - eps, `covers: ${what}`);
      for (let i = 1; i < ticks.length; i++) {
        assert.ok(Math.abs(ticks[i] - ticks[i - 1] - step) <= eps, `spacing: ${what}`);
      }
      // About n ticks: the 1-2-5 rounding can at most halve or more than double the count.
      assert.ok(ticks.length >= Math.floor(n / 3) && ticks.length <= 2.5 * n + 2, `count: ${what}`);
    }
  }
});

test('zero is exactly 0 when the range crosses it, never a rounding residue', () => {
  for (const [lo, hi] of [[-0.3, 0.7], [-3e-7, 1e-7], [-1, 2], [-0.1 - 0.2, 0.3]]) {
    const { ticks } = niceTicks(lo, hi);
    assert.ok(ticks.includes(0), `${lo}..${hi}: ${ticks}`);
    assert.ok(ticks.every((v) => v === 0 || Math.abs(v) > 1e-12), `${ticks}`);
  }
});

test('zero-width, reversed, NaN and infinite ranges give a short answer, not an exception', () => {
  for (const [lo, hi] of [[5, 5], [0, 0], [1, 0]]) {
    assert.deepEqual(niceTicks(lo, hi), { ticks: [lo], step: 0 }, `${lo}..${hi}`);
  }
  for (const [lo, hi] of [[NaN, 1], [0, NaN], [NaN, NaN], [0, Infinity], [-Infinity, 0], [-Infinity, Infinity], [-1e308, 1e308]]) {
    const r = niceTicks(lo, hi);
    assert.ok(Array.isArray(r.ticks) && r.ticks.length <= 1, `${lo}..${hi}: ${r.ticks}`);
    for (const v of r.ticks) assert.equal(typeof formatTick(v, r.step), 'string');
  }
});

test('ticks of ranges far from zero end (the step is below the spacing of floats there)', () => {
  const { ticks } = niceTicks(1e16, 1e16 + 4);
  assert.ok(ticks.length >= 1 && ticks.length < 100);
  assert.ok(ticks.every((v) => v >= 1e16 && v <= 1e16 + 4), `${ticks}`);
});

test('labels read back as the tick values, with no more decimals than the step needs', () => {
  for (const [lo, hi] of ranges()) {
    const { ticks, step } = niceTicks(lo, hi);
    const labels = ticks.map((v) => formatTick(v, step));
    ticks.forEach((v, i) => {
      assert.ok(Math.abs(Number(labels[i]) - v) <= step * 1e-6, `${labels[i]} for ${v} (step ${step})`);
    });
    assert.equal(new Set(labels).size, labels.length, `distinct labels: ${labels}`);
    if (step >= 1e-4 && step < 1 && ticks.every((v) => Math.abs(v) < 1e5)) {
      const decimals = Math.round(-Math.log10(step / mantissa(step)));
      for (const l of labels) if (l !== '0') assert.equal(l.split('.')[1]?.length ?? 0, decimals, `${l} for step ${step}`);
    }
  }
  assert.equal(formatTick(0, 0.1), '0');
  assert.equal(formatTick(0.1 + 0.2, 0.1), '0.3');
  assert.equal(typeof formatTick(NaN, 1), 'string');
  assert.equal(typeof formatTick(Infinity, 1), 'string');
});

test('band runs: NaN and missing values break a band, ±Infinity stays (clamped when drawn)', () => {
  assert.deepEqual(bandRuns([0, 1, 2, 3], [0, 0, 0, 0], [1, 1, 1, 1]), [[0, 1, 2, 3]]);
  // a NaN edge, a non-finite x and a missing value each end a run
  assert.deepEqual(bandRuns([0, 1, 2, 3, 4, 5], [0, NaN, 0, 0, 0, 0], [1, 1, 1, 1, 1, 1]), [[0], [2, 3, 4, 5]]);
  assert.deepEqual(bandRuns([0, 1, Infinity, 3, 4], [0, 0, 0, 0, undefined], [1, 1, 1, 1, 1]), [[0, 1], [3]]);
  assert.deepEqual(bandRuns([0, 1, 2], [-Infinity, 0, 0], [Infinity, 1, Infinity]), [[0, 1, 2]]);
  // on a log axis 0 and negatives lie below the axis (kept, like -Infinity), NaN still breaks
  assert.deepEqual(bandRuns([0, 1, 2], [0, -1, NaN], [1, 1, 1], true), [[0, 1]]);
  // lengths that disagree: only the common prefix; nothing at all gives no runs
  assert.deepEqual(bandRuns([0, 1, 2], [0, 0], [1, 1, 1]), [[0, 1]]);
  assert.deepEqual(bandRuns([], [], []), []);
  assert.deepEqual(bandRuns(undefined, null, undefined), []);
  assert.deepEqual(bandRuns([0, 1], [NaN, NaN], [NaN, NaN]), []);
});

test("a band's y values (for the axis range) are its lo and hi edges", () => {
  assert.deepEqual(seriesValues({ type: 'band', xs: [0, 1], lo: [1, 2], hi: [3, 4] }, 'ys'), [1, 2, 3, 4]);
  assert.deepEqual(seriesValues({ type: 'band', xs: [0, 1], lo: [1, 2], hi: [3, 4] }, 'xs'), [0, 1]);
  assert.deepEqual(seriesValues({ type: 'line', xs: [0], ys: [5] }, 'ys'), [5]);
  assert.deepEqual(seriesValues({ type: 'band', xs: [0] }, 'ys'), []);
});
