// The resize lab's opening view (issue 10, defect 5): the zoom at which one input pixel covers
// at least 4 CSS pixels (never below 1:1), and the busiest window of a picture.
import test from 'node:test';
import assert from 'node:assert/strict';
import { detailZoom, busiestPoint } from '../../www/labs/resize.focus.js';

test('detailZoom: one input pixel at least 4 CSS px, never below pixel-true', () => {
  assert.equal(detailZoom(4), 1);
  assert.equal(detailZoom(3), 2);
  assert.equal(detailZoom(2), 2);
  assert.equal(detailZoom(1.5), 3);
  assert.equal(detailZoom(8), 1);
  assert.equal(detailZoom(0.5), 1);
  for (const bad of [0, -1, NaN, Infinity * 0]) assert.equal(detailZoom(bad), 1);
});

test('busiestPoint finds the window with the edges, ties go to the centre', () => {
  const w = 40;
  const h = 30;
  const flat = new Float32Array(w * h);
  assert.deepEqual(busiestPoint(flat, w, h, 8), { x: 20, y: 15 });
  // a checkerboard patch at x 28..33, y 4..9 on a flat picture
  const img = new Float32Array(w * h);
  for (let y = 4; y < 10; y++) for (let x = 28; x < 34; x++) img[y * w + x] = (x + y) % 2 ? 255 : 0;
  const p = busiestPoint(img, w, h, 6);
  assert.ok(Math.abs(p.x - 31) <= 1 && Math.abs(p.y - 7) <= 1, JSON.stringify(p));
  // a window bigger than the picture: its centre
  assert.deepEqual(busiestPoint(img, w, h, 100), { x: 20, y: 15 });
});
