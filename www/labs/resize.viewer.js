//! The resize lab's image viewer: one or two panes that draw ImageBitmaps with crisp pixels at any
//! zoom, pan by dragging, zoom with the wheel, a pinch or the keyboard, pick a pixel by click or
//! tap (arrow keys move it), and compare two images side by side or with a split slider.
//!
//! Coordinates: an image pixel (x, y) covers [x, x+1) x [y, y+1); the pane's centre shows image
//! point (cx, cy) and one image pixel is `z` CSS pixels wide. Drawing works in device pixels.

const MIN_Z = 1 / 64;
const MAX_Z = 256;
const CLICK_SLOP = 6; // CSS px a pointer may move and still count as a click or tap

export class Viewer {
  /**
   * root: an element to fill; opts: {onPick({x, y}), onMove(dx, dy), onChange(), labels(),
   * detailZoom()}. labels() -> {a, b, diff}: the text shown in each pane's corner; detailZoom()
   * -> the zoom a click on a shrunk view opens (at least 1: pixel-true).
   */
  constructor(root, opts) {
    this.root = root;
    this.opts = opts;
    this.mode = 'single';
    this.images = { a: null, b: null, diff: null, w: 0, h: 0 };
    this.pick = null;
    this.split = 0.5;
    this.z = 1;
    this.cx = 0;
    this.cy = 0;
    this.panes = [];
    this.pointers = new Map();
    this.gesture = null;
    this.frame = 0;
    this.ro = new ResizeObserver(() => this.#sizeCanvases());
    this.#build();
  }

  #build() {
    for (const p of this.panes) this.ro.unobserve(p.canvas);
    this.root.replaceChildren();
    this.root.dataset.mode = this.mode;
    const count = this.mode === 'side' ? 2 : 1;
    this.panes = [];
    for (let i = 0; i < count; i++) {
      const pane = document.createElement('div');
      pane.className = 'viewer-pane';
      const canvas = document.createElement('canvas');
      canvas.tabIndex = 0;
      canvas.className = 'viewer-canvas';
      canvas.setAttribute('role', 'img');
      const label = document.createElement('span');
      label.className = 'pane-label';
      const label2 = document.createElement('span');
      label2.className = 'pane-label right';
      pane.append(canvas, label, label2);
      this.root.append(pane);
      const entry = { pane, canvas, label, label2, which: this.mode === 'diff' ? 'diff' : i === 0 ? 'a' : 'b' };
      this.panes.push(entry);
      this.#listen(entry);
      this.ro.observe(canvas);
    }
    this.#sizeCanvases();
  }

  setMode(mode) {
    if (mode === this.mode) return;
    this.mode = mode;
    this.#build();
  }

  /** Bitmaps of the output size w x h (any may be null while it is being made). */
  setImages(images) {
    const { w: ow, h: oh } = this.images;
    this.images = { ...this.images, ...images };
    const { w, h } = this.images;
    if (ow && oh && (ow !== w || oh !== h)) {
      // keep the same part of the picture in view when the output size changes
      this.cx *= w / ow;
      this.cy *= h / oh;
      this.z = clamp(this.z * (ow / w), MIN_Z, MAX_Z);
    }
    this.draw();
  }

  setPick(p) {
    this.pick = p;
    this.draw();
  }

  setSplit(f) {
    this.split = clamp(f, 0, 1);
    this.draw();
  }

  get view() {
    return { z: this.z, cx: this.cx, cy: this.cy };
  }

  setView({ z, cx, cy }) {
    if (Number.isFinite(z)) this.z = clamp(z, MIN_Z, MAX_Z);
    if (Number.isFinite(cx)) this.cx = cx;
    if (Number.isFinite(cy)) this.cy = cy;
    this.draw();
  }

  /** CSS size of the first pane. */
  paneSize() {
    const c = this.panes[0]?.canvas;
    return { w: c?.clientWidth || 300, h: c?.clientHeight || 200 };
  }

  /** The zoom at which the whole image fits the pane (whole-number when it is enlarged). */
  fitZoom() {
    const { w, h } = this.images;
    if (!w || !h) return 1;
    const s = this.paneSize();
    const z = Math.min(s.w / w, s.h / h);
    return clamp(z >= 1 ? Math.floor(z) : z, MIN_Z, MAX_Z);
  }

  /**
   * A new result: the whole image if it fits at zoom `z` or more, else a crop at zoom `z`
   * centred on output pixel `p` (where one can see what the method did to single pixels).
   */
  open(z, p) {
    if (this.fitZoom() >= z || !p) {
      this.fit();
      return;
    }
    this.setView({ z, cx: p.x + 0.5, cy: p.y + 0.5 });
    this.opts.onChange?.();
  }

  /** Whole image in view: whole-number zoom when it is enlarged, fractional when it is shrunk. */
  fit() {
    const { w, h } = this.images;
    if (!w || !h) return;
    this.z = this.fitZoom();
    this.cx = w / 2;
    this.cy = h / 2;
    this.draw();
    this.opts.onChange?.();
  }

  /** Zoom by `factor` keeping the image point under CSS position (sx, sy) of a pane in place. */
  zoomAt(factor, sx, sy) {
    const s = this.paneSize();
    sx ??= s.w / 2;
    sy ??= s.h / 2;
    const nz = clamp(this.z * factor, MIN_Z, MAX_Z);
    const ix = this.cx + (sx - s.w / 2) / this.z;
    const iy = this.cy + (sy - s.h / 2) / this.z;
    this.z = nz;
    this.cx = ix - (sx - s.w / 2) / nz;
    this.cy = iy - (sy - s.h / 2) / nz;
    this.draw();
    this.opts.onChange?.();
  }

  /** Zoom to a whole-number factor in a direction (+1 in, -1 out); 1:1 when dir is 0. */
  step(dir) {
    if (dir === 0) return this.zoomAt(1 / this.z);
    const levels = [1 / 16, 1 / 8, 1 / 4, 1 / 2, 1, 2, 3, 4, 6, 8, 12, 16, 24, 32, 48, 64, 96, 128, 192, 256];
    const next = dir > 0 ? levels.find((l) => l > this.z * 1.001) : [...levels].reverse().find((l) => l < this.z / 1.001);
    if (next) this.zoomAt(next / this.z);
  }

  /** Pan so that pixel p is inside the pane (used when arrow keys move the pick). */
  reveal(p) {
    const s = this.paneSize();
    const hw = s.w / 2 / this.z;
    const hh = s.h / 2 / this.z;
    const margin = Math.min(2, hw / 2);
    if (p.x < this.cx - hw + margin) this.cx = p.x - margin + hw;
    if (p.x + 1 > this.cx + hw - margin) this.cx = p.x + 1 + margin - hw;
    if (p.y < this.cy - hh + margin) this.cy = p.y - margin + hh;
    if (p.y + 1 > this.cy + hh - margin) this.cy = p.y + 1 + margin - hh;
    this.draw();
  }

  /** Image pixel under CSS position (sx, sy) of a pane, or null outside the image. */
  pixelAt(sx, sy) {
    const s = this.paneSize();
    const x = Math.floor(this.cx + (sx - s.w / 2) / this.z);
    const y = Math.floor(this.cy + (sy - s.h / 2) / this.z);
    const { w, h } = this.images;
    return x >= 0 && y >= 0 && x < w && y < h ? { x, y } : null;
  }

  /** CSS position (in pane 0) of the centre of image pixel (x, y); for tests and tooltips. */
  screenOf(x, y) {
    const s = this.paneSize();
    return { x: s.w / 2 + (x + 0.5 - this.cx) * this.z, y: s.h / 2 + (y + 0.5 - this.cy) * this.z };
  }

  #sizeCanvases() {
    const dpr = window.devicePixelRatio || 1;
    for (const { canvas } of this.panes) {
      const w = Math.max(1, Math.round(canvas.clientWidth * dpr));
      const h = Math.max(1, Math.round(canvas.clientHeight * dpr));
      if (canvas.width !== w || canvas.height !== h) {
        canvas.width = w;
        canvas.height = h;
      }
    }
    this.drawNow();
  }

  draw() {
    if (this.frame) return;
    this.frame = requestAnimationFrame(() => {
      this.frame = 0;
      this.drawNow();
    });
  }

  drawNow() {
    if (this.frame) {
      cancelAnimationFrame(this.frame);
      this.frame = 0;
    }
    const labels = this.opts.labels?.() || {};
    for (const p of this.panes) {
      if (this.mode === 'split') {
        this.#drawPane(p, this.images.a, this.images.b);
        p.label.textContent = labels.a || '';
        p.label2.textContent = labels.b || '';
        p.label2.hidden = false;
      } else {
        this.#drawPane(p, this.images[p.which]);
        p.label.textContent = labels[p.which] || '';
        p.label2.hidden = true;
      }
      p.canvas.setAttribute('aria-label', p.label.textContent + (this.mode === 'split' ? ` | ${p.label2.textContent}` : ''));
    }
  }

  #drawPane({ canvas }, bmp, bmpRight = null) {
    const ctx = canvas.getContext('2d');
    const dpr = canvas.width / Math.max(1, canvas.clientWidth);
    const W = canvas.width;
    const H = canvas.height;
    ctx.setTransform(1, 0, 0, 1, 0, 0);
    ctx.fillStyle = '#e4e8ec';
    ctx.fillRect(0, 0, W, H);
    const { w, h } = this.images;
    if (!w || !h) return;
    const zd = this.z * dpr;
    const ox = W / 2 - this.cx * zd;
    const oy = H / 2 - this.cy * zd;
    // transparent pixels show a checkerboard, only inside the image
    const ix0 = Math.max(0, ox);
    const iy0 = Math.max(0, oy);
    const ix1 = Math.min(W, ox + w * zd);
    const iy1 = Math.min(H, oy + h * zd);
    if (ix1 <= ix0 || iy1 <= iy0) return;
    ctx.save();
    ctx.beginPath();
    ctx.rect(ix0, iy0, ix1 - ix0, iy1 - iy0);
    ctx.clip();
    ctx.fillStyle = checker(ctx, Math.round(8 * dpr));
    ctx.fillRect(ix0, iy0, ix1 - ix0, iy1 - iy0);
    ctx.restore();

    const x0 = clamp(Math.floor(-ox / zd), 0, w);
    const y0 = clamp(Math.floor(-oy / zd), 0, h);
    const x1 = clamp(Math.ceil((W - ox) / zd), 0, w);
    const y1 = clamp(Math.ceil((H - oy) / zd), 0, h);
    const blit = (b) => {
      if (!b || x1 <= x0 || y1 <= y0) return;
      // shrunk views are smoothed (else the viewer itself would alias); enlarged ones are crisp
      ctx.imageSmoothingEnabled = this.z < 1;
      ctx.imageSmoothingQuality = 'high';
      ctx.drawImage(b, x0, y0, x1 - x0, y1 - y0, ox + x0 * zd, oy + y0 * zd, (x1 - x0) * zd, (y1 - y0) * zd);
    };
    const splitX = Math.round(W * this.split);
    if (bmpRight !== null || this.mode === 'split') {
      ctx.save();
      ctx.beginPath();
      ctx.rect(0, 0, splitX, H);
      ctx.clip();
      blit(bmp);
      ctx.restore();
      ctx.save();
      ctx.beginPath();
      ctx.rect(splitX, 0, W - splitX, H);
      ctx.clip();
      blit(bmpRight);
      ctx.restore();
    } else {
      blit(bmp);
    }

    // pixel grid once pixels are big enough to tell apart
    if (zd >= 16) {
      ctx.strokeStyle = 'rgb(0 0 0 / 0.18)';
      ctx.lineWidth = 1;
      ctx.beginPath();
      for (let x = x0; x <= x1; x++) {
        const sx = Math.round(ox + x * zd) + 0.5;
        ctx.moveTo(sx, Math.max(0, oy));
        ctx.lineTo(sx, Math.min(H, oy + h * zd));
      }
      for (let y = y0; y <= y1; y++) {
        const sy = Math.round(oy + y * zd) + 0.5;
        ctx.moveTo(Math.max(0, ox), sy);
        ctx.lineTo(Math.min(W, ox + w * zd), sy);
      }
      ctx.stroke();
    }

    if (this.mode === 'split') {
      ctx.fillStyle = '#fff';
      ctx.fillRect(splitX - Math.round(dpr), 0, Math.max(2, Math.round(2 * dpr)), H);
      const r = 14 * dpr;
      // the handle sits low on the line, clear of the picked pixel (a new result centres it)
      const hy = Math.max(H / 2, H - r - 12 * dpr);
      ctx.beginPath();
      ctx.arc(splitX, hy, r, 0, 2 * Math.PI);
      ctx.fillStyle = '#fff';
      ctx.fill();
      ctx.strokeStyle = '#0b5cd5';
      ctx.lineWidth = 2 * dpr;
      ctx.stroke();
      ctx.fillStyle = '#0b5cd5';
      ctx.beginPath();
      ctx.moveTo(splitX - 9 * dpr, hy);
      ctx.lineTo(splitX - 3 * dpr, hy - 5 * dpr);
      ctx.lineTo(splitX - 3 * dpr, hy + 5 * dpr);
      ctx.moveTo(splitX + 9 * dpr, hy);
      ctx.lineTo(splitX + 3 * dpr, hy - 5 * dpr);
      ctx.lineTo(splitX + 3 * dpr, hy + 5 * dpr);
      ctx.fill();
    }
    if (this.pick) {
      const px = ox + this.pick.x * zd;
      const py = oy + this.pick.y * zd;
      ctx.lineWidth = Math.max(1, Math.round(dpr));
      const lw = ctx.lineWidth;
      if (zd >= 6) {
        // a frame around (never over) the pixel, dark then light so it shows on any colour
        ctx.strokeStyle = '#000';
        ctx.strokeRect(px - lw / 2, py - lw / 2, zd + lw, zd + lw);
        ctx.strokeStyle = '#fff';
        ctx.strokeRect(px - lw * 1.5, py - lw * 1.5, zd + 3 * lw, zd + 3 * lw);
      } else {
        const gap = 4 * dpr;
        const len = 14 * dpr;
        const cx = px + zd / 2;
        const cy = py + zd / 2;
        for (const [color, width] of [['#fff', 3 * lw], ['#000', lw]]) {
          ctx.strokeStyle = color;
          ctx.lineWidth = width;
          ctx.beginPath();
          ctx.moveTo(cx - gap - len, cy);
          ctx.lineTo(cx - gap, cy);
          ctx.moveTo(cx + gap, cy);
          ctx.lineTo(cx + gap + len, cy);
          ctx.moveTo(cx, cy - gap - len);
          ctx.lineTo(cx, cy - gap);
          ctx.moveTo(cx, cy + gap);
          ctx.lineTo(cx, cy + gap + len);
          ctx.stroke();
        }
      }
    }
  }

  #listen(entry) {
    const { canvas } = entry;
    canvas.style.touchAction = 'none';
    const pos = (ev) => {
      const r = canvas.getBoundingClientRect();
      return { x: ev.clientX - r.left, y: ev.clientY - r.top };
    };
    canvas.addEventListener('pointerdown', (ev) => {
      if (ev.button !== undefined && ev.button > 0) return;
      canvas.setPointerCapture(ev.pointerId);
      const p = pos(ev);
      this.pointers.set(ev.pointerId, p);
      if (this.pointers.size === 1) {
        const nearSplit = this.mode === 'split'
          && Math.abs(p.x - canvas.clientWidth * this.split) < (ev.pointerType === 'touch' ? 24 : 14);
        this.gesture = { kind: nearSplit ? 'split' : 'press', start: p, cx: this.cx, cy: this.cy };
      } else if (this.pointers.size === 2) {
        const [a, b] = [...this.pointers.values()];
        this.gesture = { kind: 'pinch', dist: Math.hypot(a.x - b.x, a.y - b.y) || 1, z: this.z };
      }
    });
    canvas.addEventListener('pointermove', (ev) => {
      if (!this.pointers.has(ev.pointerId) || !this.gesture) return;
      const p = pos(ev);
      this.pointers.set(ev.pointerId, p);
      const g = this.gesture;
      if (g.kind === 'split') {
        this.setSplit(p.x / canvas.clientWidth);
        this.opts.onChange?.();
      } else if (g.kind === 'press' || g.kind === 'pan') {
        const dx = p.x - g.start.x;
        const dy = p.y - g.start.y;
        if (g.kind === 'press' && Math.hypot(dx, dy) > CLICK_SLOP) g.kind = 'pan';
        if (g.kind === 'pan') {
          this.cx = g.cx - dx / this.z;
          this.cy = g.cy - dy / this.z;
          this.draw();
        }
      } else if (g.kind === 'pinch' && this.pointers.size === 2) {
        const [a, b] = [...this.pointers.values()];
        const dist = Math.hypot(a.x - b.x, a.y - b.y) || 1;
        const target = clamp(g.z * (dist / g.dist), MIN_Z, MAX_Z);
        this.zoomAt(target / this.z, (a.x + b.x) / 2, (a.y + b.y) / 2);
      }
    });
    const end = (ev) => {
      if (!this.pointers.has(ev.pointerId)) return;
      const g = this.gesture;
      const p = pos(ev);
      this.pointers.delete(ev.pointerId);
      if (ev.type === 'pointerup' && g?.kind === 'press' && this.pointers.size === 0) {
        const px = this.pixelAt(p.x, p.y);
        // which image was under the pointer: the pane's, or the side of the split line
        let which = entry.which === 'b' ? 'b' : 'a';
        if (this.mode === 'split') which = p.x > canvas.clientWidth * this.split ? 'b' : 'a';
        if (px) {
          // a shrunk view hides what a method does to single pixels: a click on one opens a
          // pixel-true crop at the click point (the picked pixel stays under the pointer)
          const dz = this.opts.detailZoom?.() ?? 1;
          if (this.z < 1) this.zoomAt(Math.max(1, dz) / this.z, p.x, p.y);
          this.opts.onPick?.(px, which);
        }
      }
      if (g?.kind === 'pan') this.opts.onChange?.();
      if (this.pointers.size === 0) this.gesture = null;
      else if (g?.kind === 'pinch') this.gesture = { kind: 'pinched' }; // lifting one finger does not pan
    };
    canvas.addEventListener('pointerup', end);
    canvas.addEventListener('pointercancel', end);
    canvas.addEventListener('wheel', (ev) => {
      ev.preventDefault();
      const p = pos(ev);
      const dy = ev.deltaMode === 1 ? ev.deltaY * 16 : ev.deltaY;
      this.zoomAt(Math.exp(-dy * 0.0015), p.x, p.y);
    }, { passive: false });
    canvas.addEventListener('keydown', (ev) => {
      const k = ev.key;
      const n = ev.shiftKey ? 10 : 1;
      const moves = { ArrowLeft: [-n, 0], ArrowRight: [n, 0], ArrowUp: [0, -n], ArrowDown: [0, n] };
      if (moves[k]) {
        ev.preventDefault();
        this.opts.onMove?.(...moves[k]);
      } else if (k === '+' || k === '=') {
        ev.preventDefault();
        this.step(1);
      } else if (k === '-' || k === '_') {
        ev.preventDefault();
        this.step(-1);
      } else if (k === '0') {
        ev.preventDefault();
        this.fit();
      } else if (k === '1') {
        ev.preventDefault();
        this.step(0);
      }
    });
  }
}

const checkers = new WeakMap();
function checker(ctx, cell) {
  let byCell = checkers.get(ctx);
  if (!byCell) checkers.set(ctx, (byCell = new Map()));
  if (!byCell.has(cell)) {
    const c = new OffscreenCanvas(cell * 2, cell * 2);
    const g = c.getContext('2d');
    g.fillStyle = '#ffffff';
    g.fillRect(0, 0, cell * 2, cell * 2);
    g.fillStyle = '#d5d9de';
    g.fillRect(0, 0, cell, cell);
    g.fillRect(cell, cell, cell, cell);
    byCell.set(cell, ctx.createPattern(c, 'repeat'));
  }
  return byCell.get(cell);
}

function clamp(v, lo, hi) {
  return Math.min(hi, Math.max(lo, v));
}
