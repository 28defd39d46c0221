//! Grouped bar charts and the reliability diagram of the losses lab, on canvas: a y axis with
//! ticks and a title, category labels under the bars, a legend strip above the bars (never over
//! them). Non-finite values draw no bar and are labelled "NaN"/"∞" at the bar's foot, so a bad
//! number is said, not drawn.
import { fitCanvas } from '../app/canvas.js';
import { niceTicks, formatTick, PALETTE } from '../app/plot.js';

function fontOf(canvas) {
  return getComputedStyle(canvas).fontFamily || 'sans-serif';
}

/**
 * drawBars(canvas, {width, height, categories: [str], groups: [{label, values, color}],
 * yLabel, yMax?}): one bar per group in each category.
 */
export function drawBars(canvas, o) {
  const { width, height } = o;
  const ctx = fitCanvas(canvas, width, height);
  const font = fontOf(canvas);
  ctx.clearRect(0, 0, width, height);
  ctx.font = `12px ${font}`;
  const legendH = o.groups.length > 1 ? 18 * Math.ceil(o.groups.length / Math.max(1, Math.floor((width - 60) / 150))) : 0;
  const m = { left: 50, right: 10, top: 10 + legendH, bottom: 36 };
  const pw = width - m.left - m.right;
  const ph = height - m.top - m.bottom;
  let hi = o.yMax ?? 0;
  if (o.yMax === undefined) for (const g of o.groups) for (const v of g.values) if (Number.isFinite(v)) hi = Math.max(hi, v);
  if (!(hi > 0)) hi = 1;
  const { ticks, step } = niceTicks(0, hi, 4);
  const top = o.yMax ?? Math.max(hi, ticks[ticks.length - 1] || hi);
  const py = (v) => m.top + ph - (v / top) * ph;
  ctx.strokeStyle = '#d8dee4';
  ctx.fillStyle = '#57606a';
  ctx.textAlign = 'right';
  ctx.textBaseline = 'middle';
  for (const tk of ticks) {
    if (tk > top + 1e-12) continue;
    ctx.beginPath();
    ctx.moveTo(m.left, Math.round(py(tk)) + 0.5);
    ctx.lineTo(m.left + pw, Math.round(py(tk)) + 0.5);
    ctx.stroke();
    ctx.fillText(formatTick(tk, step), m.left - 6, py(tk));
  }
  ctx.save();
  ctx.translate(12, m.top + ph / 2);
  ctx.rotate(-Math.PI / 2);
  ctx.textAlign = 'center';
  ctx.fillText(o.yLabel || '', 0, 0);
  ctx.restore();
  const nc = o.categories.length;
  const ng = o.groups.length;
  const cw = pw / Math.max(1, nc);
  const bw = Math.max(2, (cw * 0.8) / Math.max(1, ng));
  ctx.textAlign = 'center';
  ctx.textBaseline = 'top';
  const bars = [];
  o.categories.forEach((c, i) => {
    const x0 = m.left + i * cw + cw * 0.1;
    o.groups.forEach((g, j) => {
      const v = g.values[i];
      const x = x0 + j * bw;
      ctx.fillStyle = g.color || PALETTE[j % PALETTE.length];
      if (Number.isFinite(v)) {
        const y = py(Math.min(Math.max(v, 0), top));
        ctx.fillRect(x, y, bw - 1, m.top + ph - y);
        bars.push({ category: i, group: j, value: v });
      } else {
        ctx.fillStyle = '#d1242f';
        ctx.textBaseline = 'bottom';
        ctx.fillText(Number.isNaN(v) ? 'NaN' : '∞', x + bw / 2, m.top + ph - 2);
        ctx.textBaseline = 'top';
      }
    });
    ctx.fillStyle = '#57606a';
    ctx.fillText(String(c), m.left + i * cw + cw / 2, m.top + ph + 5);
  });
  ctx.strokeStyle = '#1f2328';
  ctx.beginPath();
  ctx.moveTo(m.left + 0.5, m.top);
  ctx.lineTo(m.left + 0.5, m.top + ph + 0.5);
  ctx.lineTo(m.left + pw, m.top + ph + 0.5);
  ctx.stroke();
  if (o.xLabel) {
    ctx.fillStyle = '#57606a';
    ctx.fillText(o.xLabel, m.left + pw / 2, height - 14);
  }
  if (legendH) {
    let x = m.left;
    let y = 4;
    ctx.textAlign = 'left';
    ctx.textBaseline = 'top';
    o.groups.forEach((g, j) => {
      const w = 20 + ctx.measureText(g.label).width + 14;
      if (x > m.left && x + w > width - m.right) {
        x = m.left;
        y += 18;
      }
      ctx.fillStyle = g.color || PALETTE[j % PALETTE.length];
      ctx.fillRect(x, y + 2, 12, 10);
      ctx.fillStyle = '#1f2328';
      ctx.fillText(g.label, x + 16, y);
      x += w;
    });
  }
  canvas.dataset.bars = String(bars.length);
  return { bars };
}

/**
 * The reliability diagram of one or more runs: accuracy per confidence bin (bars, one group per
 * run) against the diagonal of perfect calibration.
 */
export function drawReliability(canvas, { width, height, runs, xLabel, yLabel }) {
  const ctx = fitCanvas(canvas, width, height);
  const font = fontOf(canvas);
  ctx.clearRect(0, 0, width, height);
  ctx.font = `12px ${font}`;
  const legendH = runs.length ? 18 : 0;
  const m = { left: 50, right: 10, top: 10 + legendH, bottom: 40 };
  const pw = width - m.left - m.right;
  const ph = height - m.top - m.bottom;
  const px = (v) => m.left + v * pw;
  const py = (v) => m.top + ph - v * ph;
  ctx.strokeStyle = '#d8dee4';
  ctx.fillStyle = '#57606a';
  for (let k = 0; k <= 5; k++) {
    const v = k / 5;
    ctx.beginPath();
    ctx.moveTo(m.left, py(v) + 0.5);
    ctx.lineTo(m.left + pw, py(v) + 0.5);
    ctx.stroke();
    ctx.textAlign = 'right';
    ctx.textBaseline = 'middle';
    ctx.fillText(v.toFixed(1), m.left - 6, py(v));
    ctx.textAlign = 'center';
    ctx.textBaseline = 'top';
    ctx.fillText(v.toFixed(1), px(v), m.top + ph + 5);
  }
  let nbars = 0;
  runs.forEach((r, j) => {
    const bins = r.bins;
    const w = pw / bins.length / runs.length;
    ctx.fillStyle = r.color || PALETTE[j % PALETTE.length];
    ctx.globalAlpha = 0.8;
    bins.forEach((b, i) => {
      if (!b.count) return;
      const x = px(b.lo) + j * w;
      ctx.fillRect(x + 1, py(b.accuracy), w - 2, m.top + ph - py(b.accuracy));
      nbars++;
    });
    ctx.globalAlpha = 1;
  });
  ctx.strokeStyle = '#1f2328';
  ctx.setLineDash([5, 4]);
  ctx.beginPath();
  ctx.moveTo(px(0), py(0));
  ctx.lineTo(px(1), py(1));
  ctx.stroke();
  ctx.setLineDash([]);
  ctx.beginPath();
  ctx.moveTo(m.left + 0.5, m.top);
  ctx.lineTo(m.left + 0.5, m.top + ph + 0.5);
  ctx.lineTo(m.left + pw, m.top + ph + 0.5);
  ctx.stroke();
  ctx.fillStyle = '#57606a';
  ctx.textAlign = 'center';
  ctx.textBaseline = 'bottom';
  ctx.fillText(xLabel, m.left + pw / 2, height - 2);
  ctx.save();
  ctx.translate(12, m.top + ph / 2);
  ctx.rotate(-Math.PI / 2);
  ctx.textBaseline = 'middle';
  ctx.fillText(yLabel, 0, 0);
  ctx.restore();
  let x = m.left;
  ctx.textAlign = 'left';
  ctx.textBaseline = 'top';
  runs.forEach((r, j) => {
    ctx.fillStyle = r.color || PALETTE[j % PALETTE.length];
    ctx.fillRect(x, 6, 12, 10);
    ctx.fillStyle = '#1f2328';
    ctx.fillText(r.label, x + 16, 4);
    x += 20 + ctx.measureText(r.label).width + 14;
  });
  canvas.dataset.bars = String(nbars);
}

/** An 8x8 digit (values in [0, 1]) drawn as gray squares, ink dark. */
export function drawDigit(canvas, pixels, size = 96) {
  const ctx = fitCanvas(canvas, size, size);
  const s = size / 8;
  for (let i = 0; i < 64; i++) {
    const v = Math.max(0, Math.min(1, pixels[i] ?? 0));
    const g = Math.round(255 * (1 - v));
    ctx.fillStyle = `rgb(${g},${g},${g})`;
    ctx.fillRect((i % 8) * s, Math.floor(i / 8) * s, Math.ceil(s), Math.ceil(s));
  }
}
