//! The convolution lab's measurements on plain arrays, pure (no DOM, no wasm; Node tests them):
//! how concentrated an effective receptive field is, and how far the map of a shifted photo is
//! from the shifted map (the weight-sharing check). Maps are row-major Float32Array / Array of
//! oh x ow values (channel 0 of [1, C, oh, ow]).

/**
 * The Chebyshev radius around (cy, cx) that holds half the mass of `erf`, a crop of the photo
 * covering rows win.r0..win.r1 - 1 and cols win.c0..win.c1 - 1 (row-major, non-negative).
 * 0 for an empty field.
 */
export function halfMassRadius(erf, win, cy, cx) {
  const ww = win.c1 - win.c0;
  const dist = [];
  let total = 0;
  for (let y = win.r0; y < win.r1; y++) {
    for (let x = win.c0; x < win.c1; x++) {
      const v = erf[(y - win.r0) * ww + (x - win.c0)];
      if (v > 0) {
        dist.push([Math.max(Math.abs(y - cy), Math.abs(x - cx)), v]);
        total += v;
      }
    }
  }
  dist.sort((a, b) => a[0] - b[0]);
  let acc = 0;
  for (const [d, v] of dist) {
    acc += v;
    if (acc >= total / 2) return d;
  }
  return 0;
}

/**
 * For a shift the pooling stride does not divide: how many cells of `a` (the map of the photo
 * shifted by dx, dy) differ by more than 1e-6 from `b` (the map of the photo) moved by the shift
 * rounded to map cells, away from a border of |shift|/stride + 2 cells: {differ, count}.
 */
export function regroupedCells(a, b, oh, ow, dx, dy, stride) {
  let differ = 0;
  let count = 0;
  const mx = Math.ceil(Math.abs(dx) / stride) + 2;
  const my = Math.ceil(Math.abs(dy) / stride) + 2;
  for (let i = my; i < oh - my; i++) {
    for (let j = mx; j < ow - mx; j++) {
      const si = i - Math.round(dy / stride);
      const sj = j - Math.round(dx / stride);
      count++;
      if (Math.abs(a[i * ow + j] - b[si * ow + sj]) > 1e-6) differ++;
    }
  }
  return { differ, count };
}

/** The largest |a - b| over the cells at least mx columns and my rows away from the border. */
export function maxDiffInside(a, b, oh, ow, mx, my) {
  let maxDiff = 0;
  for (let i = my; i < oh - my; i++) {
    for (let j = mx; j < ow - mx; j++) maxDiff = Math.max(maxDiff, Math.abs(a[i * ow + j] - b[i * ow + j]));
  }
  return maxDiff;
}
