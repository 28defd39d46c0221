//! A small line/scatter plot on canvas: axes with "nice" ticks and labels, axis titles with units,
//! an optional legend and crosshair, and pointer events (mouse, pen and touch alike) reported in
//! data coordinates.
import { fitCanvas, pointerPos } from './canvas.js';

export const PALETTE = ['#1f6feb', '#d1242f', '#1a7f37', '#9a6700', '#8250df', '#bf3989'];

/** Tick values covering [lo, hi] with a step of 1, 2 or 5 times a power of ten (about n ticks). */
export function niceTicks(lo, hi, n = 5) {
  if (!(hi > lo)) return { ticks: [lo], step: 0 };
  if (!Number.isFinite(hi - lo)) return { ticks: [], step: 0 }; // an infinite range has no scale
  const raw = (hi - lo) / Math.max(1, n);
  const mag = 10 ** Math.floor(Math.log10(raw));
  const f = raw / mag;
  const step = (f < 1.5 ? 1 : f < 3 ? 2 : f < 7 ? 5 : 10) * mag;
  // Ticks are k * step for whole k (not a running sum, which stops moving once the step is
  // below the spacing of floats at lo, e.g. [1e16, 1e16 + 4]); such a range gets its ends.
  const k0 = Math.ceil(lo / step - 1e-9);
  const k1 = Math.floor(hi / step + 1e-9);
  if (!(k1 - k0 <= 4 * n + 4) || lo + step === lo) return { ticks: [lo, hi], step: 0 };
  const ticks = [];
  for (let k = k0; k <= k1; k++) {
    const v = k * step;
    ticks.push(Math.abs(v) < step * 1e-9 ? 0 : v);
  }
  return { ticks, step };
}

/** Label for tick value v on an axis whose ticks are `step` apart. */
export function formatTick(v, step) {
  if (v === 0) return '0';
  const a = Math.abs(v);
  if (a >= 1e5 || (step > 0 && step < 1e-4)) {
    // significant digits down to the step: 1.5e-5 with step 5e-6 -> "1.5e-5"
    const digits = step > 0 ? Math.floor(Math.log10(a)) - Math.floor(Math.log10(step)) : 2;
    return v.toExponential(Math.max(0, Math.min(6, digits)));
  }
  const decimals = step > 0 ? Math.max(0, -Math.floor(Math.log10(step) + 1e-9)) : 2;
  return v.toFixed(Math.min(decimals, 10));
}

/**
 * Integer ticks for [lo, hi] (counts, levels): never a fractional step, so labels never repeat
 * ("0 0 0 1 1 1" for a range of one level); about n ticks.
 */
export function integerTicks(lo, hi, n = 5) {
  const a = Math.ceil(lo);
  const b = Math.floor(hi);
  if (!(b >= a) || !Number.isFinite(b - a)) return { ticks: [], step: 0 };
  if (a === b) return { ticks: [a], step: 1 };
  const nt = niceTicks(a, b, n);
  if (nt.step >= 1) return nt;
  const ticks = [];
  for (let v = a; v <= b; v++) ticks.push(v);
  return { ticks, step: 1 };
}

/** Levels the |A − B| colour scale spans at least: a difference of a level or two (rounding
 * between two exact pipelines) stays dark instead of lighting up the whole image. */
export const DIFF_MIN_RANGE = 16;

/** The difference the brightest colour stands for: the largest one when stretched (at least 1),
 * else at least DIFF_MIN_RANGE levels. */
export function diffScale(max, stretch) {
  const m = Number.isFinite(max) && max > 0 ? Math.ceil(max) : 0;
  return stretch ? Math.max(1, m) : Math.max(DIFF_MIN_RANGE, m);
}

/**
 * Ticks of a log10 axis over [lo, hi] (both > 0): the powers of ten inside, thinned to about n;
 * when the range holds fewer than two of them, 1-2-5 steps within the decade(s).
 */
export function logTicks(lo, hi, n = 5) {
  if (!(lo > 0) || !(hi > lo) || !Number.isFinite(hi)) return [];
  const e0 = Math.ceil(Math.log10(lo) - 1e-9);
  const e1 = Math.floor(Math.log10(hi) + 1e-9);
  const out = [];
  if (e1 - e0 >= 1) {
    const every = Math.max(1, Math.ceil((e1 - e0 + 1) / Math.max(2, n)));
    for (let e = e0; e <= e1; e++) if ((e - e0) % every === 0) out.push(10 ** e);
    return out;
  }
  for (let e = e0 - 1; e <= e1; e++) {
    for (const m of [1, 2, 5]) {
      const v = m * 10 ** e;
      if (v >= lo * (1 - 1e-9) && v <= hi * (1 + 1e-9)) out.push(+v.toPrecision(12));
    }
  }
  return out.length ? out : [lo, hi];
}

/** Label of a log-axis tick: 0.001 .. 1000 as decimals, the rest as 1e-5, 2e6. */
export function formatLogTick(v) {
  if (!(v > 0) || !Number.isFinite(v)) return String(v);
  const e = Math.floor(Math.log10(v) + 1e-9);
  if (e >= -3 && e <= 3) return String(+v.toPrecision(6));
  const m = +(v / 10 ** e).toPrecision(3);
  return `${m}e${e}`;
}

/**
 * The part of the segment (x0, y0)-(x1, y1) inside the rectangle [left, right] x [top, bottom]
 * (Liang-Barsky), or null. Works on any finite coordinates, however far out (a blow-up to 1e11 is
 * a pixel coordinate near -1e13: the canvas must only ever see the clipped part).
 */
export function clipSegment(x0, y0, x1, y1, { left, right, top, bottom }) {
  let t0 = 0;
  let t1 = 1;
  const dx = x1 - x0;
  const dy = y1 - y0;
  for (const [p, q] of [[-dx, x0 - left], [dx, right - x0], [-dy, y0 - top], [dy, bottom - y0]]) {
    if (p === 0) {
      if (q < 0) return null;
    } else {
      const r = q / p;
      if (p < 0) {
        if (r > t1) return null;
        if (r > t0) t0 = r;
      } else {
        if (r < t0) return null;
        if (r < t1) t1 = r;
      }
    }
  }
  return [x0 + t0 * dx, y0 + t0 * dy, x0 + t1 * dx, y0 + t1 * dy];
}

/**
 * A data value on an axis as a coordinate: log10 on a log axis (0 and negatives -> -Infinity,
 * i.e. below any range), the value itself on a linear one; NaN stays NaN (a gap).
 */
export function axisValue(v, log) {
  if (typeof v !== 'number' || Number.isNaN(v)) return NaN;
  if (!log) return v;
  if (v === Infinity) return Infinity;
  return v > 0 ? Math.log10(v) : -Infinity;
}

/**
 * The values of series `s` along `key` ('xs' or 'ys'): a band's ys are its lo and hi together.
 */
export function seriesValues(s, key) {
  if (key === 'ys' && s.type === 'band') return [...(s.lo || []), ...(s.hi || [])];
  return s[key] || [];
}

/**
 * The runs of a band {xs, lo, hi}: index lists of consecutive points where x is finite and both
 * edges are numbers (NaN or a missing value breaks the band; ±Infinity stays in the run and is
 * clamped to the edge when drawn; on a log axis 0 and negatives lie below it). A point whose
 * lo > hi has its edges swapped. Runs of one point are kept (drawn as a short bar).
 */
export function bandRuns(xs, lo, hi, log = false) {
  const runs = [];
  let run = [];
  const n = Math.min(xs?.length ?? 0, lo?.length ?? 0, hi?.length ?? 0);
  for (let k = 0; k < n; k++) {
    const ok = Number.isFinite(xs[k]) && !Number.isNaN(axisValue(lo[k], log)) && !Number.isNaN(axisValue(hi[k], log));
    if (ok) run.push(k);
    else if (run.length) {
      runs.push(run);
      run = [];
    }
  }
  if (run.length) runs.push(run);
  return runs;
}

function axisTitle(ax) {
  return ax.unit ? `${ax.label} (${ax.unit})` : ax.label || '';
}

/**
 * new Plot(canvas, {width, height, x: {label, unit, min, max, categories}, y: {..., log}, onPointer})
 * `x.categories`: labels for x = 0, 1, ... (a category axis: one tick per category).
 * Series: {type: 'line'|'scatter', xs, ys, color?, label?, radius?, width?, dash?} (dash: a
 * canvas setLineDash pattern such as [6, 4]), or a filled band {type: 'band', xs, lo, hi, color?,
 * label?, alpha?} (the area between lo and hi; NaN breaks it, ±Infinity is clamped to the edge;
 * see bandRuns). Draw bands before the lines that go over them.
 * Missing axis min/max are taken from the data and widened to the nearest ticks. `y.log`: a
 * log10 axis (min/max are then data values > 0); 0 and negative values lie below it, +Infinity
 * above it, NaN is a gap. A point outside the y range is marked on the edge with a triangle (the
 * largest one above is labelled with its value) and the line runs to it dashed: a blow-up shows
 * where it leaves the plot instead of vanishing.
 * The legend sits in a strip above the plot area, never over the data. `vlines: [{x, color}]`
 * draws dotted vertical guides (e.g. the epochs where a setting changed).
 * After each draw, `summary` says what was drawn (ranges, plot and legend boxes, visible
 * segments per series, marked points), for tests and screen readers alike.
 * onPointer({type: 'down'|'move'|'up', x, y, inside}) gets data coordinates; while it is set the
 * canvas takes touch gestures for itself (touch-action: none) so dragging on a phone works.
 */
export class Plot {
  constructor(canvas, opts = {}) {
    this.canvas = canvas;
    this.opts = { width: 480, height: 300, x: {}, y: {}, ...opts };
    this.series = [];
    this.crosshair = null;
    this.margin = { left: 58, right: 14, top: 14, bottom: 44 };
    this.summary = null;
    this.resize(this.opts.width, this.opts.height);
    if (opts.onPointer) this.#listen(opts.onPointer);
  }

  resize(width, height) {
    this.opts.width = width;
    this.opts.height = height;
    this.ctx = fitCanvas(this.canvas, width, height);
    this.draw();
  }

  setSeries(series) {
    this.series = series;
    this.draw();
  }

  /** Draw a vertical + horizontal guide through data point (x, y); null to hide. */
  setCrosshair(pt) {
    this.crosshair = pt;
    this.draw();
  }

  /** [lo, hi] of an axis in axis coordinates (log10 of the values on a log axis). */
  #range(axis, key) {
    const ax = this.opts[axis];
    const log = !!ax.log;
    let lo = ax.min === undefined ? undefined : axisValue(ax.min, log);
    let hi = ax.max === undefined ? undefined : axisValue(ax.max, log);
    if (!Number.isFinite(lo)) lo = undefined;
    if (!Number.isFinite(hi)) hi = undefined;
    if (lo === undefined || hi === undefined) {
      let dlo = Infinity;
      let dhi = -Infinity;
      for (const s of this.series) {
        for (const raw of seriesValues(s, key)) {
          const v = axisValue(raw, log);
          if (Number.isFinite(v)) {
            dlo = Math.min(dlo, v);
            dhi = Math.max(dhi, v);
          }
        }
      }
      if (lo !== undefined) dhi = Math.max(dhi, lo);
      if (hi !== undefined) dlo = Math.min(dlo, hi);
      if (!Number.isFinite(dlo) || !Number.isFinite(dhi)) [dlo, dhi] = log ? [-1, 0] : [0, 1];
      if (log) {
        lo ??= Math.floor(dlo + 1e-9);
        hi ??= Math.ceil(dhi - 1e-9);
        if (hi <= lo) hi = lo + 1;
      } else {
        if (dlo === dhi) [dlo, dhi] = [dlo - 0.5, dhi + 0.5];
        const { step } = niceTicks(dlo, dhi);
        lo ??= step > 0 ? Math.floor(dlo / step) * step : dlo;
        hi ??= step > 0 ? Math.ceil(dhi / step) * step : dhi;
      }
    }
    if (!(hi > lo)) hi = lo + 1;
    return [lo, hi];
  }

  /** The legend's items laid out in rows of the strip above the plot: [{s, i, x, row}], rows. */
  #legendLayout(ctx) {
    const labelled = this.series.map((s, i) => ({ s, i })).filter(({ s }) => s.label);
    if (!labelled.length) return { items: [], rows: 0 };
    const { width } = this.opts;
    const m = this.margin;
    let x = m.left;
    let row = 0;
    const items = labelled.map((it) => {
      const w = 20 + ctx.measureText(it.s.label).width + 14;
      if (x > m.left && x + w > width - m.right) {
        x = m.left;
        row++;
      }
      const out = { ...it, x, row, w };
      x += w;
      return out;
    });
    return { items, rows: row + 1 };
  }

  #layout(legendRows = this.legendRows ?? 0) {
    const { width, height } = this.opts;
    const m = this.margin;
    const top = m.top + legendRows * 16;
    const [x0, x1] = this.#range('x', 'xs');
    const [y0, y1] = this.#range('y', 'ys');
    const pw = Math.max(1, width - m.left - m.right);
    const ph = Math.max(1, height - top - m.bottom);
    const ylog = !!this.opts.y.log;
    return {
      x0, x1, y0, y1, top, ylog,
      px: (x) => m.left + ((x - x0) / (x1 - x0)) * pw,
      /** y in axis coordinates (already log10 on a log axis) -> pixels */
      pa: (a) => top + ph - ((a - y0) / (y1 - y0)) * ph,
      py: (y) => top + ph - ((axisValue(y, ylog) - y0) / (y1 - y0)) * ph,
      dx: (px) => x0 + ((px - m.left) / pw) * (x1 - x0),
      dy: (py) => {
        const a = y0 + ((top + ph - py) / ph) * (y1 - y0);
        return ylog ? 10 ** a : a;
      },
      pw, ph,
    };
  }

  /** Data coordinates -> CSS pixels on the canvas, and back. */
  toPixel(x, y) {
    const L = this.#layout();
    return { x: L.px(x), y: L.py(y) };
  }

  toData(px, py) {
    const L = this.#layout();
    return { x: L.dx(px), y: L.dy(py) };
  }

  draw() {
    const { ctx } = this;
    const { width, height } = this.opts;
    const m = this.margin;
    const style = getComputedStyle(this.canvas);
    const font = style.fontFamily || 'sans-serif';
    const ink = style.getPropertyValue('--plot-ink').trim() || '#1f2328';
    const faint = style.getPropertyValue('--plot-grid').trim() || '#d8dee4';
    ctx.clearRect(0, 0, width, height);
    ctx.font = `12px ${font}`;
    const legend = this.#legendLayout(ctx);
    this.legendRows = legend.rows;
    const L = this.#layout(legend.rows);
    const top = L.top;
    const bottom = top + L.ph;
    const right = m.left + L.pw;

    // grid and tick labels
    ctx.lineWidth = 1;
    const xt = niceTicks(L.x0, L.x1, Math.max(2, Math.floor(L.pw / 70)));
    const nY = Math.max(2, Math.floor(L.ph / (L.ylog ? 26 : 45)));
    const yTicks = L.ylog
      ? logTicks(10 ** L.y0, 10 ** L.y1, nY).map((v) => [Math.log10(v), formatLogTick(v)])
      : (() => {
        const yt = niceTicks(L.y0, L.y1, nY);
        return yt.ticks.map((v) => [v, formatTick(v, yt.step)]);
      })();
    ctx.strokeStyle = faint;
    ctx.fillStyle = ink;
    ctx.textAlign = 'center';
    ctx.textBaseline = 'top';
    // x.categories: one labelled tick per category at x = 0, 1, ... (no fractional ticks)
    const cats = Array.isArray(this.opts.x.categories) ? this.opts.x.categories : null;
    const xTicks = cats
      ? cats.map((c, i) => [i, String(c)]).filter(([i]) => i >= L.x0 && i <= L.x1)
      : xt.ticks.map((v) => [v, formatTick(v, xt.step)]);
    for (const [v, label] of xTicks) {
      const x = Math.round(L.px(v)) + 0.5;
      ctx.beginPath();
      ctx.moveTo(x, top);
      ctx.lineTo(x, bottom);
      ctx.stroke();
      ctx.fillText(label, x, bottom + 5);
    }
    ctx.textAlign = 'right';
    ctx.textBaseline = 'middle';
    for (const [a, label] of yTicks) {
      const y = Math.round(L.pa(a)) + 0.5;
      ctx.beginPath();
      ctx.moveTo(m.left, y);
      ctx.lineTo(right, y);
      ctx.stroke();
      ctx.fillText(label, m.left - 6, y);
    }

    // axes
    ctx.strokeStyle = ink;
    ctx.beginPath();
    ctx.moveTo(m.left + 0.5, top);
    ctx.lineTo(m.left + 0.5, bottom + 0.5);
    ctx.lineTo(right, bottom + 0.5);
    ctx.stroke();

    // axis titles
    ctx.textAlign = 'center';
    ctx.textBaseline = 'bottom';
    ctx.fillText(axisTitle(this.opts.x), m.left + L.pw / 2, height - 2);
    ctx.save();
    ctx.translate(12, top + L.ph / 2);
    ctx.rotate(-Math.PI / 2);
    ctx.textBaseline = 'middle';
    ctx.fillText(axisTitle(this.opts.y), 0, 0);
    ctx.restore();

    // series: segments clipped in double precision first (the canvas never sees a coordinate
    // far outside), then to the plot area; points beyond the y range are marked at the edge
    const box = { left: m.left, right, top, bottom };
    const far = 1e9; // pixels: where +-Infinity is placed before clipping
    const pix = (s, k) => {
      const x = s.xs[k];
      const a = axisValue(s.ys[k], L.ylog);
      if (!Number.isFinite(x) || Number.isNaN(a)) return null;
      const y = a === Infinity ? top - far : a === -Infinity ? bottom + far : L.pa(a);
      return [L.px(x), Math.max(top - far, Math.min(bottom + far, y))];
    };
    const drawn = [];
    const marks = [];
    ctx.save();
    ctx.beginPath();
    ctx.rect(m.left, top, L.pw, L.ph);
    ctx.clip();
    this.series.forEach((s, i) => {
      const color = s.color || PALETTE[i % PALETTE.length];
      ctx.strokeStyle = color;
      ctx.fillStyle = color;
      let visible = 0;
      if (s.type === 'band') {
        const clampY = (raw) => {
          const a = axisValue(raw, L.ylog);
          const y = a === Infinity ? top - far : a === -Infinity ? bottom + far : L.pa(a);
          return Math.max(top - 2, Math.min(bottom + 2, y));
        };
        ctx.globalAlpha = s.alpha ?? 0.25;
        for (const run of bandRuns(s.xs, s.lo, s.hi, L.ylog)) {
          const pts = run.map((k) => {
            const [a, b] = [clampY(s.lo[k]), clampY(s.hi[k])];
            return [L.px(s.xs[k]), Math.min(a, b), Math.max(a, b)];
          });
          ctx.beginPath();
          if (pts.length === 1) {
            const [x, y0, y1] = pts[0];
            ctx.rect(x - 1.5, y0, 3, Math.max(1, y1 - y0));
          } else {
            pts.forEach(([x, y0], j) => (j ? ctx.lineTo(x, y0) : ctx.moveTo(x, y0)));
            for (let j = pts.length - 1; j >= 0; j--) ctx.lineTo(pts[j][0], pts[j][2]);
            ctx.closePath();
          }
          ctx.fill();
          visible += pts.filter(([x, y0, y1]) => x >= m.left - 0.5 && x <= right + 0.5 && y1 >= top && y0 <= bottom).length;
        }
        ctx.globalAlpha = 1;
      } else if (s.type === 'scatter') {
        const r = s.radius ?? 3;
        for (let k = 0; k < s.xs.length; k++) {
          const p = pix(s, k);
          if (!p) continue;
          if (p[1] < top || p[1] > bottom) {
            marks.push({ x: p[0], up: p[1] < top, v: s.ys[k], color });
            continue;
          }
          ctx.beginPath();
          ctx.arc(p[0], p[1], r, 0, 2 * Math.PI);
          ctx.fill();
          visible++;
        }
      } else {
        ctx.lineWidth = s.width ?? 2;
        ctx.setLineDash(s.dash || []);
        ctx.beginPath();
        const off = []; // segments to or from a point beyond the y range: drawn dashed to the edge
        const edge = (p) => [p[0], Math.max(top, Math.min(bottom, p[1]))];
        const outside = (p) => p[1] < top || p[1] > bottom;
        let prev = null;
        let at = null; // where the pen is
        for (let k = 0; k < s.xs.length; k++) {
          const p = pix(s, k);
          if (p && outside(p)) marks.push({ x: p[0], up: p[1] < top, v: s.ys[k], color });
          if (p && prev) {
            if (outside(p) || outside(prev)) {
              // same side: nothing between them is on the plot; else the segment's clipped part
              // and a dashed run along it to the marked point at the edge
              const sameSide = (p[1] < top && prev[1] < top) || (p[1] > bottom && prev[1] > bottom);
              if (!sameSide) {
                const seg = clipSegment(prev[0], prev[1], p[0], p[1], box);
                const [a, b] = [edge(prev), edge(p)];
                off.push([a[0], a[1], b[0], b[1]]);
                if (seg) visible++;
              }
            } else {
              const seg = clipSegment(prev[0], prev[1], p[0], p[1], box);
              if (seg) {
                if (!at || at[0] !== seg[0] || at[1] !== seg[1]) ctx.moveTo(seg[0], seg[1]);
                ctx.lineTo(seg[2], seg[3]);
                at = [seg[2], seg[3]];
                visible++;
              }
            }
          } else if (p && !outside(p) && (k === s.xs.length - 1 || !pix(s, k + 1))) {
            // a lone point (first of a run with nothing after it): a dot, so it is seen
            ctx.moveTo(p[0] + 1, p[1]);
            ctx.arc(p[0], p[1], 1, 0, 2 * Math.PI);
            visible++;
          }
          prev = p;
        }
        ctx.stroke();
        if (off.length) {
          ctx.setLineDash([3, 3]);
          ctx.beginPath();
          for (const [a, b, c, d] of off) {
            ctx.moveTo(a, b);
            ctx.lineTo(c, d);
          }
          ctx.stroke();
        }
        ctx.setLineDash([]);
      }
      drawn.push(visible);
    });
    // vertical guides at x values (opts.vlines: [{x, color?}]), e.g. where a setting changed
    for (const v of this.opts.vlines || []) {
      if (!(v.x >= L.x0 && v.x <= L.x1)) continue;
      const x = Math.round(L.px(v.x)) + 0.5;
      ctx.strokeStyle = v.color || '#8250df';
      ctx.lineWidth = 1;
      ctx.setLineDash([2, 3]);
      ctx.beginPath();
      ctx.moveTo(x, top);
      ctx.lineTo(x, bottom);
      ctx.stroke();
      ctx.setLineDash([]);
    }
    if (this.crosshair) {
      ctx.strokeStyle = ink;
      ctx.setLineDash([4, 4]);
      ctx.lineWidth = 1;
      const x = L.px(this.crosshair.x);
      const y = L.py(this.crosshair.y);
      ctx.beginPath();
      ctx.moveTo(x, top);
      ctx.lineTo(x, bottom);
      ctx.moveTo(m.left, y);
      ctx.lineTo(right, y);
      ctx.stroke();
      ctx.setLineDash([]);
    }
    ctx.restore();

    // out-of-range marks: a triangle on the edge at the point's x; the largest value labelled
    const shown = marks.filter((mk) => mk.x >= m.left - 0.5 && mk.x <= right + 0.5);
    for (const mk of shown) {
      const y = mk.up ? top : bottom;
      const d = mk.up ? 1 : -1;
      ctx.fillStyle = mk.color;
      ctx.beginPath();
      ctx.moveTo(mk.x, y - 5 * d);
      ctx.lineTo(mk.x - 4, y + 2 * d);
      ctx.lineTo(mk.x + 4, y + 2 * d);
      ctx.closePath();
      ctx.fill();
    }
    const ups = shown.filter((mk) => mk.up);
    let markLabel = '';
    if (ups.length) {
      const big = ups.reduce((a, b) => (!(a.v >= b.v) ? b : a));
      const value = Number.isFinite(big.v) ? `${big.v < 0 ? '−' : ''}${formatLogTick(Math.abs(big.v))}` : String(big.v);
      markLabel = `↑ ${value}`;
      ctx.font = `11px ${font}`;
      ctx.fillStyle = ink;
      ctx.textBaseline = 'top';
      const tw = ctx.measureText(markLabel).width;
      const left = big.x + 7 + tw <= right ? big.x + 7 : big.x - 7 - tw;
      ctx.textAlign = 'left';
      ctx.fillText(markLabel, Math.max(m.left + 2, left), top + 3);
      ctx.font = `12px ${font}`;
    }

    // legend: a strip above the plot area
    let legendBox = null;
    if (legend.items.length) {
      ctx.textAlign = 'left';
      ctx.textBaseline = 'middle';
      for (const it of legend.items) {
        const y = m.top - 2 + it.row * 16 + 6;
        ctx.strokeStyle = it.s.color || PALETTE[it.i % PALETTE.length];
        ctx.lineWidth = it.s.type === 'band' ? 9 : 3;
        ctx.globalAlpha = it.s.type === 'band' ? (it.s.alpha ?? 0.25) : 1;
        ctx.setLineDash(it.s.dash || []);
        ctx.beginPath();
        ctx.moveTo(it.x, y);
        ctx.lineTo(it.x + 16, y);
        ctx.stroke();
        ctx.setLineDash([]);
        ctx.globalAlpha = 1;
        ctx.fillStyle = ink;
        ctx.fillText(it.s.label, it.x + 20, y);
      }
      const lx1 = Math.max(...legend.items.map((it) => it.x + it.w));
      legendBox = { left: m.left, top: m.top - 4, width: lx1 - m.left, height: legend.rows * 16 };
    }
    this.summary = {
      x: [L.x0, L.x1],
      y: L.ylog ? [10 ** L.y0, 10 ** L.y1] : [L.y0, L.y1],
      log: L.ylog,
      plot: { left: m.left, top, width: L.pw, height: L.ph },
      legend: legendBox,
      drawn,
      marks: shown.length,
      markLabel,
      xTicks: xTicks.map(([, label]) => label),
    };
  }
  #listen(cb) {
    const c = this.canvas;
    c.style.touchAction = 'none';
    const report = (type, ev) => {
      const p = pointerPos(c, ev);
      const d = this.toData(p.x, p.y);
      const m = this.margin;
      const inside = p.x >= m.left && p.x <= this.opts.width - m.right
        && p.y >= m.top && p.y <= this.opts.height - m.bottom;
      cb({ type, x: d.x, y: d.y, inside, event: ev });
    };
    c.addEventListener('pointerdown', (ev) => {
      c.setPointerCapture(ev.pointerId);
      report('down', ev);
    });
    c.addEventListener('pointermove', (ev) => report('move', ev));
    c.addEventListener('pointerup', (ev) => report('up', ev));
    c.addEventListener('pointercancel', (ev) => report('up', ev));
  }
}
