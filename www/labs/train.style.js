//! The training lab's colours and number formats, shared by the controls (dataset pictures,
//! class buttons) and the rendering (heatmaps, points, curves, histograms).

/** Class colours, in class order (the Playground's orange and blue first). */
export const COLORS = ['#f59322', '#0877bd', '#2ca02c', '#9467bd', '#d62728', '#17becf'];
export const NEG = [245, 147, 34];
export const MID = [232, 234, 235];
export const POS = [8, 119, 189];

export const rgb = ([r, g, b]) => `rgb(${r | 0} ${g | 0} ${b | 0})`;
export const mix = (a, b, s) => [a[0] + (b[0] - a[0]) * s, a[1] + (b[1] - a[1]) * s, a[2] + (b[2] - a[2]) * s];
const hex = (h) => [1, 3, 5].map((i) => parseInt(h.slice(i, i + 2), 16));
export const CLASS_RGB = COLORS.map(hex);

/** v in [-1, 1] -> orange .. light gray .. blue (the Playground's scale). */
export function divergent(v) {
  const x = Math.max(-1, Math.min(1, Number.isFinite(v) ? v : 0));
  return x < 0 ? mix(MID, NEG, -x) : mix(MID, POS, x);
}

/** A loss (or any small statistic): 3 decimals, exponent form when tiny or huge. */
export function fmtLoss(v) {
  if (!Number.isFinite(v)) return Number.isNaN(v) ? 'NaN' : v > 0 ? '∞' : '−∞';
  if (v !== 0 && (Math.abs(v) >= 1e4 || Math.abs(v) < 1e-3)) return v.toExponential(2);
  return v.toFixed(3);
}

/** The largest |v[i]| over n values from `from` (1 when all are 0 or not finite). */
export function maxAbs(v, from, n) {
  let m = 0;
  for (let i = from; i < from + n; i++) if (Number.isFinite(v[i])) m = Math.max(m, Math.abs(v[i]));
  return m || 1;
}

/** Fills an RGBA buffer with `divergent(values[offset + c] / scale)` per cell. */
export function paintDivergent(data, values, offset, cells, scale) {
  for (let c = 0; c < cells; c++) {
    const col = divergent(values[offset + c] / scale);
    data[c * 4] = col[0];
    data[c * 4 + 1] = col[1];
    data[c * 4 + 2] = col[2];
    data[c * 4 + 3] = 255;
  }
}
