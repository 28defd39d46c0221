//! Where the resize lab opens a result it cannot show whole at a telling zoom (issue 10, defect
//! 5: "Fit" shows a x4 output at 25–41 %, where nearest and bilinear look the same): the zoom at
//! which a method's effect on single pixels shows, and the busiest part of the picture (the most
//! edges), where nearest's blocks and bilinear's blur differ most. `detailZoom` and
//! `busiestPoint` are pure (Node tests them); `interestingPoint` reads a bitmap.

/** Side (px) of the copy of the input the busiest point is looked for in. */
const PROBE = 192;

/**
 * The zoom (output pixels to CSS pixels) at which one input pixel covers at least 4 CSS pixels,
 * never below 1 (pixel-true): x4 -> 1, x3 -> 2, x2 -> 2, x1.5 -> 3; a shrunk output -> 1.
 */
export function detailZoom(s) {
  if (!(s > 0)) return 1;
  return s >= 1 ? Math.max(1, Math.ceil(4 / s - 1e-9)) : 1;
}

/**
 * The centre (x, y) of the win x win window of a w x h luma image (row-major, any numbers) with
 * the most edge energy (|dx| + |dy| of neighbours), kept a window's half away from the borders
 * when the image allows; ties go to the one nearest the centre.
 */
export function busiestPoint(luma, w, h, win) {
  const ww = Math.max(1, Math.min(w, Math.round(win)));
  const wh = Math.max(1, Math.min(h, Math.round(win)));
  // summed-area table of the edge energy
  const W = w + 1;
  const sat = new Float64Array(W * (h + 1));
  for (let y = 0; y < h; y++) {
    let row = 0;
    for (let x = 0; x < w; x++) {
      const v = luma[y * w + x];
      const gx = x + 1 < w ? Math.abs(luma[y * w + x + 1] - v) : 0;
      const gy = y + 1 < h ? Math.abs(luma[(y + 1) * w + x] - v) : 0;
      row += gx + gy;
      sat[(y + 1) * W + x + 1] = sat[y * W + x + 1] + row;
    }
  }
  let best = -1;
  let bx = Math.floor(w / 2);
  let by = Math.floor(h / 2);
  let bd = Infinity;
  for (let y0 = 0; y0 + wh <= h; y0++) {
    for (let x0 = 0; x0 + ww <= w; x0++) {
      const e = sat[(y0 + wh) * W + x0 + ww] - sat[y0 * W + x0 + ww] - sat[(y0 + wh) * W + x0] + sat[y0 * W + x0];
      const cx = x0 + ww / 2;
      const cy = y0 + wh / 2;
      const d = (cx - w / 2) ** 2 + (cy - h / 2) ** 2;
      if (e > best * (1 + 1e-9) || (Math.abs(e - best) <= best * 1e-9 && d < bd)) {
        best = e;
        bx = cx;
        by = cy;
        bd = d;
      }
    }
  }
  return { x: bx, y: by };
}

/**
 * The busiest point of `bitmap` (an input of srcW x srcH pixels) for a window of `win` input
 * pixels, in input pixels; the centre when the bitmap cannot be read.
 */
export function interestingPoint(bitmap, srcW, srcH, win) {
  const k = Math.min(1, PROBE / Math.max(srcW, srcH));
  const w = Math.max(1, Math.round(srcW * k));
  const h = Math.max(1, Math.round(srcH * k));
  try {
    const c = new OffscreenCanvas(w, h);
    const g = c.getContext('2d', { willReadFrequently: true });
    g.imageSmoothingQuality = 'high';
    g.drawImage(bitmap, 0, 0, w, h);
    const d = g.getImageData(0, 0, w, h).data;
    const luma = new Float32Array(w * h);
    for (let i = 0; i < w * h; i++) {
      const a = d[4 * i + 3] / 255;
      luma[i] = (0.299 * d[4 * i] + 0.587 * d[4 * i + 1] + 0.114 * d[4 * i + 2]) * a;
    }
    const p = busiestPoint(luma, w, h, win * k);
    return { x: Math.min(srcW - 1, p.x / k), y: Math.min(srcH - 1, p.y / k) };
  } catch {
    return { x: srcW / 2, y: srcH / 2 };
  }
}
