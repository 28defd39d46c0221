// Unit tests of www/labs/conv.measure.js: the effective receptive field's half-mass radius and the
// weight-sharing comparisons, on maps built here with known shifts and known differences.
import test from 'node:test';
import assert from 'node:assert/strict';
import { halfMassRadius, regroupedCells, maxDiffInside } from '../../www/labs/conv.measure.js';
import { lcg } from './kit.mjs';

/** A seeded oh x ow map of values in [0, 1). */
function randomMap(oh, ow, seed) {
  const rand = lcg(seed);
  return Float32Array.from({ length: oh * ow }, rand);
}

/** `m` moved by (di, dj) cells, zeros shifted in. */
function shifted(m, oh, ow, di, dj) {
  const out = new Float32Array(oh * ow);
  for (let i = 0; i < oh; i++) {
    for (let j = 0; j < ow; j++) {
      const si = i - di;
      const sj = j - dj;
      if (si >= 0 && sj >= 0 && si < oh && sj < ow) out[i * ow + j] = m[si * ow + sj];
    }
  }
  return out;
}

test('half-mass radius: a point has 0; a uniform square the smallest square holding half of it', () => {
  const win = { r0: 10, r1: 31, c0: 100, c1: 121 }; // 21 x 21 crop, centre (20, 110)
  const n = 21 * 21;
  const point = new Float32Array(n);
  point[10 * 21 + 10] = 1;
  assert.equal(halfMassRadius(point, win, 20, 110), 0);
  assert.equal(halfMassRadius(new Float32Array(n), win, 20, 110), 0, 'an empty field');
  for (const R of [1, 3, 6, 10]) {
    const erf = new Float32Array(n);
    for (let y = 10 - R; y <= 10 + R; y++) for (let x = 10 - R; x <= 10 + R; x++) erf[y * 21 + x] = 0.25;
    const side = 2 * R + 1;
    let want = 0;
    while ((2 * want + 1) ** 2 < (side * side) / 2) want++;
    assert.equal(halfMassRadius(erf, win, 20, 110), want, `square of side ${side}`);
  }
  // The radius is measured from the given centre: mass on one side moves it out.
  const side = new Float32Array(n);
  side[10 * 21 + 20] = 1;
  assert.equal(halfMassRadius(side, win, 20, 110), 10);
});

test('a map shifted by whole cells regroups nothing; a changed inner cell is counted', () => {
  const oh = 20;
  const ow = 30;
  const b = randomMap(oh, ow, 5);
  for (const [dx, dy, stride] of [[3, 1, 2], [-5, 2, 2], [1, -3, 2], [2, 4, 1]]) {
    const a = shifted(b, oh, ow, Math.round(dy / stride), Math.round(dx / stride));
    const { differ, count } = regroupedCells(a, b, oh, ow, dx, dy, stride);
    const mx = Math.ceil(Math.abs(dx) / stride) + 2;
    const my = Math.ceil(Math.abs(dy) / stride) + 2;
    assert.equal(count, (oh - 2 * my) * (ow - 2 * mx), `${dx},${dy}`);
    assert.equal(differ, 0, `${dx},${dy}`);
    a[10 * ow + 15] += 0.5;
    a[0] += 0.5; // in the border: not compared
    assert.equal(regroupedCells(a, b, oh, ow, dx, dy, stride).differ, 1, `${dx},${dy}`);
  }
});

test('the largest difference ignores the border and sees every inner cell', () => {
  const oh = 12;
  const ow = 9;
  const a = randomMap(oh, ow, 9);
  const b = Float32Array.from(a);
  assert.equal(maxDiffInside(a, b, oh, ow, 2, 3), 0);
  b[0] = 100; // corner
  b[(oh - 1) * ow + 4] = 100; // last row
  assert.equal(maxDiffInside(a, b, oh, ow, 2, 3), 0);
  for (const [i, j, d] of [[3, 2, 0.25], [8, 6, 0.5], [5, 4, 0.125]]) {
    const c = Float32Array.from(a);
    c[i * ow + j] -= d;
    assert.ok(Math.abs(maxDiffInside(a, c, oh, ow, 2, 3) - d) < 1e-6, `(${i}, ${j})`);
  }
});
