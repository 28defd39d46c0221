//! The cube of the normalisation lab: an isometric N × C × (H·W) block with the columns of the
//! highlighted set filled (the classic figure of the Group Norm paper), and the unfolded tensor
//! (a row per sample, a column per channel, each cell the H × W map) where every element can be
//! picked.
import { fitCanvas } from '../app/canvas.js';
import { unravel } from './norm.model.js';

const HI = '#1f6feb';

/** Diverging colour (blue < 0 < red) for v in [-1, 1]. */
function diverging(v) {
  const t = Math.max(-1, Math.min(1, v));
  const a = Math.abs(t);
  const [r, g, b] = t < 0 ? [33, 102, 172] : [178, 24, 43];
  const mix = (c) => Math.round(255 + (c - 255) * a);
  return `rgb(${mix(r)} ${mix(g)} ${mix(b)})`;
}

/** The isometric block: `mask` over [N, C, H, W] decides which (n, c) columns are filled. */
export function drawIso(canvas, shape, mask, width) {
  const [N, C, H, W] = shape;
  const size = Math.min(260, width);
  const ctx = fitCanvas(canvas, size, size * 0.8);
  const ink = getComputedStyle(canvas).getPropertyValue('--plot-ink').trim() || '#1f2328';
  ctx.clearRect(0, 0, size, size * 0.8);
  const cw = (size * 0.42) / N; // per sample, along x
  const dd = (size * 0.32) / C; // per channel, along the depth diagonal
  const hh = size * 0.42; // H·W, vertical
  const x0 = size * 0.24;
  const y0 = size * 0.72;
  const P = (n, c, z) => [x0 + n * cw + c * dd * 0.8, y0 - z * hh - c * dd * 0.55];
  const filled = (n, c) => mask[((n * C + c) * H) * W] === 1;
  const quad = (pts, fill, stroke) => {
    ctx.beginPath();
    pts.forEach(([x, y], i) => (i ? ctx.lineTo(x, y) : ctx.moveTo(x, y)));
    ctx.closePath();
    if (fill) {
      ctx.fillStyle = fill;
      ctx.fill();
    }
    ctx.strokeStyle = stroke;
    ctx.lineWidth = 0.6;
    ctx.stroke();
  };
  // back to front: far channels first, then samples left to right
  for (let c = C - 1; c >= 0; c--) {
    for (let n = 0; n < N; n++) {
      const on = filled(n, c);
      const fill = on ? 'rgb(31 111 235 / 0.85)' : null;
      const stroke = on ? '#0b3d91' : 'rgb(120 130 140 / 0.35)';
      if (!on && c > 0 && n < N - 1) continue; // hidden inner edges stay out of the way
      quad([P(n, c, 0), P(n + 1, c, 0), P(n + 1, c, 1), P(n, c, 1)], fill, stroke); // front
      quad([P(n + 1, c, 0), P(n + 1, c + 1, 0), P(n + 1, c + 1, 1), P(n + 1, c, 1)], on ? 'rgb(20 80 190 / 0.9)' : null, stroke); // side
      quad([P(n, c, 1), P(n + 1, c, 1), P(n + 1, c + 1, 1), P(n, c + 1, 1)], on ? 'rgb(90 150 245 / 0.9)' : null, stroke); // top
    }
  }
  // the outer box and the axis names
  ctx.strokeStyle = ink;
  ctx.lineWidth = 1.2;
  const edge = (a, b) => {
    ctx.beginPath();
    ctx.moveTo(...a);
    ctx.lineTo(...b);
    ctx.stroke();
  };
  edge(P(0, 0, 0), P(N, 0, 0));
  edge(P(0, 0, 0), P(0, 0, 1));
  edge(P(N, 0, 0), P(N, 0, 1));
  edge(P(0, 0, 1), P(N, 0, 1));
  edge(P(N, 0, 0), P(N, C, 0));
  edge(P(N, 0, 1), P(N, C, 1));
  edge(P(0, 0, 1), P(0, C, 1));
  edge(P(0, C, 1), P(N, C, 1));
  edge(P(N, C, 0), P(N, C, 1));
  ctx.fillStyle = ink;
  ctx.font = '12px sans-serif';
  ctx.textAlign = 'center';
  const [bx, by] = P(N / 2, 0, 0);
  ctx.fillText(`N = ${N}`, bx, by + 15);
  const [cx, cy] = P(N, C / 2, 0);
  ctx.textAlign = 'left';
  ctx.fillText(`C = ${C}`, cx + 6, cy + 8);
  const [hx, hy] = P(0, 0, 0.5);
  ctx.textAlign = 'right';
  // two lines, so a large H·W (the photo's 256) still fits left of the block
  ctx.fillText('H·W', hx - 4, hy - 7);
  ctx.fillText(`= ${H * W}`, hx - 4, hy + 7);
  ctx.fillStyle = HI;
}

/**
 * The unfolded tensor. Returns the layout, so a pointer position maps back to an element
 * (`pick`). `images` {data [N, side²], side, photo?} are drawn at the left of each row.
 */
export function drawGrid(canvas, shape, values, mask, sel, width, images) {
  const [N, C, H, W] = shape;
  const label = 22;
  const thumb = images ? 26 : 0;
  const gap = 3;
  const avail = Math.max(120, width) - label - thumb - 6;
  const px = Math.max(4, Math.min(Math.floor((avail - gap * (C - 1)) / (C * W)), H * W === 1 ? 22 : 8));
  const cell = W * px;
  const cellH = H * px;
  const w = label + thumb + 6 + C * cell + (C - 1) * gap;
  const h = 16 + N * cellH + (N - 1) * gap;
  const ctx = fitCanvas(canvas, w, h);
  const ink = getComputedStyle(canvas).getPropertyValue('--plot-ink').trim() || '#1f2328';
  ctx.clearRect(0, 0, w, h);
  let amax = 0;
  for (const v of values) if (Number.isFinite(v)) amax = Math.max(amax, Math.abs(v));
  amax ||= 1;
  const left = label + thumb + 6;
  const L = { left, top: 16, cell, cellH, px, gap, shape, w, h };
  ctx.font = '10px sans-serif';
  ctx.fillStyle = ink;
  ctx.textAlign = 'center';
  for (let c = 0; c < C; c++) ctx.fillText(`c${c}`, left + c * (cell + gap) + cell / 2, 11);
  ctx.textAlign = 'right';
  for (let n = 0; n < N; n++) {
    const top = 16 + n * (cellH + gap);
    ctx.fillStyle = ink;
    ctx.fillText(`n${n}`, label - 2, top + cellH / 2 + 3);
    if (images) {
      // digits: ink (high values) dark; a photo tile: as the photo looks
      const side = images.side;
      const px2 = images.photo ? 1 : 0;
      const s = Math.min(thumb - 2, cellH) / side;
      for (let k = 0; k < side * side; k++) {
        const v = images.data[n * side * side + k];
        const g = Math.round(px2 ? 255 * v : 255 - 255 * v);
        ctx.fillStyle = `rgb(${g} ${g} ${g})`;
        ctx.fillRect(label + 2 + (k % side) * s, top + Math.floor(k / side) * s, Math.ceil(s), Math.ceil(s));
      }
    }
    for (let c = 0; c < C; c++) {
      const cl = left + c * (cell + gap);
      for (let y = 0; y < H; y++) {
        for (let x = 0; x < W; x++) {
          const i = ((n * C + c) * H + y) * W + x;
          ctx.fillStyle = diverging(values[i] / amax);
          ctx.fillRect(cl + x * px, top + y * px, px, px);
          if (!mask[i]) {
            ctx.fillStyle = 'rgb(255 255 255 / 0.78)';
            ctx.fillRect(cl + x * px, top + y * px, px, px);
          }
        }
      }
      const on = mask[(n * C + c) * H * W];
      ctx.strokeStyle = on ? HI : 'rgb(140 150 160 / 0.6)';
      ctx.lineWidth = on ? 2 : 1;
      ctx.strokeRect(cl + 0.5, top + 0.5, cell - 1, cellH - 1);
    }
  }
  if (sel !== null && sel >= 0 && sel < values.length) {
    const [n, c, y, x] = unravel(sel, shape);
    ctx.strokeStyle = '#000';
    ctx.lineWidth = 2;
    ctx.strokeRect(left + c * (cell + gap) + x * px - 1, 16 + n * (cellH + gap) + y * px - 1, px + 2, px + 2);
    ctx.strokeStyle = '#fff';
    ctx.lineWidth = 1;
    ctx.strokeRect(left + c * (cell + gap) + x * px, 16 + n * (cellH + gap) + y * px, px, px);
  }
  return L;
}

/** The element under (x, y) in CSS pixels of the grid, or -1. */
export function pick(L, x, y) {
  const [N, C, H, W] = L.shape;
  const c = Math.floor((x - L.left) / (L.cell + L.gap));
  const n = Math.floor((y - L.top) / (L.cellH + L.gap));
  if (c < 0 || c >= C || n < 0 || n >= N) return -1;
  const xx = Math.floor((x - L.left - c * (L.cell + L.gap)) / L.px);
  const yy = Math.floor((y - L.top - n * (L.cellH + L.gap)) / L.px);
  if (xx < 0 || xx >= W || yy < 0 || yy >= H) return -1;
  return ((n * C + c) * H + yy) * W + xx;
}
