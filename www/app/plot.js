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

function axisTitle(ax) {
  return ax.unit ? `${ax.label} (${ax.unit})` : ax.label || '';
}

/**
 * new Plot(canvas, {width, height, x: {label, unit, min, max}, y: {...}, onPointer})
 * Series: {type: 'line'|'scatter', xs, ys, color?, label?, radius?, width?, dash?} (dash: a
 * canvas setLineDash pattern such as [6, 4]).
 * Missing axis min/max are taken from the data and widened to the nearest ticks.
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

  #range(axis, key) {
    const ax = this.opts[axis];
    let lo = ax.min;
    let hi = ax.max;
    if (lo === undefined || hi === undefined) {
      let dlo = Infinity;
      let dhi = -Infinity;
      for (const s of this.series) {
        for (const v of s[key]) {
          if (Number.isFinite(v)) {
            dlo = Math.min(dlo, v);
            dhi = Math.max(dhi, v);
          }
        }
      }
      if (!Number.isFinite(dlo)) [dlo, dhi] = [0, 1];
      if (dlo === dhi) [dlo, dhi] = [dlo - 0.5, dhi + 0.5];
      const { step } = niceTicks(dlo, dhi);
      lo ??= Math.floor(dlo / step) * step;
      hi ??= Math.ceil(dhi / step) * step;
    }
    return [lo, hi];
  }

  #layout() {
    const { width, height } = this.opts;
    const m = this.margin;
    const [x0, x1] = this.#range('x', 'xs');
    const [y0, y1] = this.#range('y', 'ys');
    const pw = Math.max(1, width - m.left - m.right);
    const ph = Math.max(1, height - m.top - m.bottom);
    return {
      x0, x1, y0, y1,
      px: (x) => m.left + ((x - x0) / (x1 - x0)) * pw,
      py: (y) => m.top + ph - ((y - y0) / (y1 - y0)) * ph,
      dx: (px) => x0 + ((px - m.left) / pw) * (x1 - x0),
      dy: (py) => y0 + ((m.top + ph - py) / ph) * (y1 - y0),
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
    const L = this.#layout();
    const style = getComputedStyle(this.canvas);
    const font = style.fontFamily || 'sans-serif';
    const ink = style.getPropertyValue('--plot-ink').trim() || '#1f2328';
    const faint = style.getPropertyValue('--plot-grid').trim() || '#d8dee4';
    ctx.clearRect(0, 0, width, height);

    // grid and tick labels
    ctx.font = `12px ${font}`;
    ctx.lineWidth = 1;
    const xt = niceTicks(L.x0, L.x1, Math.max(2, Math.floor(L.pw / 70)));
    const yt = niceTicks(L.y0, L.y1, Math.max(2, Math.floor(L.ph / 45)));
    ctx.strokeStyle = faint;
    ctx.fillStyle = ink;
    ctx.textAlign = 'center';
    ctx.textBaseline = 'top';
    for (const v of xt.ticks) {
      const x = Math.round(L.px(v)) + 0.5;
      ctx.beginPath();
      ctx.moveTo(x, m.top);
      ctx.lineTo(x, m.top + L.ph);
      ctx.stroke();
      ctx.fillText(formatTick(v, xt.step), x, m.top + L.ph + 5);
    }
    ctx.textAlign = 'right';
    ctx.textBaseline = 'middle';
    for (const v of yt.ticks) {
      const y = Math.round(L.py(v)) + 0.5;
      ctx.beginPath();
      ctx.moveTo(m.left, y);
      ctx.lineTo(m.left + L.pw, y);
      ctx.stroke();
      ctx.fillText(formatTick(v, yt.step), m.left - 6, y);
    }

    // axes
    ctx.strokeStyle = ink;
    ctx.beginPath();
    ctx.moveTo(m.left + 0.5, m.top);
    ctx.lineTo(m.left + 0.5, m.top + L.ph + 0.5);
    ctx.lineTo(m.left + L.pw, m.top + L.ph + 0.5);
    ctx.stroke();

    // axis titles
    ctx.textAlign = 'center';
    ctx.textBaseline = 'bottom';
    ctx.fillText(axisTitle(this.opts.x), m.left + L.pw / 2, height - 2);
    ctx.save();
    ctx.translate(12, m.top + L.ph / 2);
    ctx.rotate(-Math.PI / 2);
    ctx.textBaseline = 'middle';
    ctx.fillText(axisTitle(this.opts.y), 0, 0);
    ctx.restore();

    // series, clipped to the plot area
    ctx.save();
    ctx.beginPath();
    ctx.rect(m.left, m.top, L.pw, L.ph);
    ctx.clip();
    this.series.forEach((s, i) => {
      const color = s.color || PALETTE[i % PALETTE.length];
      ctx.strokeStyle = color;
      ctx.fillStyle = color;
      if (s.type === 'scatter') {
        const r = s.radius ?? 3;
        for (let k = 0; k < s.xs.length; k++) {
          ctx.beginPath();
          ctx.arc(L.px(s.xs[k]), L.py(s.ys[k]), r, 0, 2 * Math.PI);
          ctx.fill();
        }
      } else {
        ctx.lineWidth = s.width ?? 2;
        ctx.setLineDash(s.dash || []);
        ctx.beginPath();
        let pen = false;
        for (let k = 0; k < s.xs.length; k++) {
          const ok = Number.isFinite(s.xs[k]) && Number.isFinite(s.ys[k]);
          if (ok) ctx[pen ? 'lineTo' : 'moveTo'](L.px(s.xs[k]), L.py(s.ys[k]));
          pen = ok;
        }
        ctx.stroke();
        ctx.setLineDash([]);
      }
    });
    if (this.crosshair) {
      ctx.strokeStyle = ink;
      ctx.setLineDash([4, 4]);
      ctx.lineWidth = 1;
      const x = L.px(this.crosshair.x);
      const y = L.py(this.crosshair.y);
      ctx.beginPath();
      ctx.moveTo(x, m.top);
      ctx.lineTo(x, m.top + L.ph);
      ctx.moveTo(m.left, y);
      ctx.lineTo(m.left + L.pw, y);
      ctx.stroke();
      ctx.setLineDash([]);
    }
    ctx.restore();

    // legend, top right
    const labelled = this.series.map((s, i) => [s, i]).filter(([s]) => s.label);
    if (labelled.length) {
      const w = Math.max(...labelled.map(([s]) => ctx.measureText(s.label).width)) + 34;
      ctx.fillStyle = 'rgb(255 255 255 / 0.85)';
      ctx.fillRect(m.left + L.pw - w - 2, m.top + 1, w, labelled.length * 16 + 4);
      ctx.textAlign = 'right';
      ctx.textBaseline = 'middle';
      labelled.forEach(([s, i], row) => {
        const y = m.top + 10 + row * 16;
        const x = m.left + L.pw - 6;
        ctx.fillStyle = ink;
        ctx.fillText(s.label, x - 20, y);
        ctx.fillStyle = s.color || PALETTE[i % PALETTE.length];
        ctx.fillRect(x - 14, y - 2, 14, 4);
      });
    }
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
