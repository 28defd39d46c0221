//! The convolution lab's feature maps: a classic 3x3 kernel (or the user's own) slid over the
//! gray photo [1, 1, H, W] with padding 1, optionally followed by 2x2 max / average pooling, and
//! the weight-sharing check: the map of the photo shifted by (dx, dy) against the map shifted by
//! the same amount (equal away from the borders for a conv; pooling with stride 2 keeps that only
//! for even shifts).
import { t, describeError } from '../app/i18n.js';
import { drawRGBA } from '../app/canvas.js';
import { clampInt } from './conv.state.js';
import { S, saveState } from './conv.session.js';
import { IMG } from './conv.image.js';
import { regroupedCells, maxDiffInside } from './conv.measure.js';
import { tensor, conv2d, pool2d, shiftTensor, tensorToRgba, imageBytes } from './conv.wasm.js';

const $ = (id) => document.getElementById(id);

const KERNELS = {
  sobel_x: [-1, 0, 1, -2, 0, 2, -1, 0, 1],
  sobel_y: [-1, -2, -1, 0, 0, 0, 1, 2, 1],
  blur: [1, 2, 1, 2, 4, 2, 1, 2, 1].map((v) => v / 16),
  sharpen: [0, -1, 0, -1, 5, -1, 0, -1, 0],
};

function kernelWeights() {
  return S.fm.kernel === 'custom' ? S.fm.custom : KERNELS[S.fm.kernel];
}

/** The nine weight inputs of the current kernel (editing one switches to 'custom'). */
export function renderKernelInputs() {
  const box = $('fm-weights');
  const w = kernelWeights();
  box.replaceChildren(...w.map((v, k) => {
    const inp = document.createElement('input');
    inp.type = 'number';
    inp.step = 'any';
    inp.value = String(Math.round(v * 10000) / 10000);
    inp.setAttribute('aria-label', t('conv.maps.weight', { r: Math.floor(k / 3), c: k % 3 }));
    inp.addEventListener('change', () => {
      const cur = kernelWeights().slice();
      const x = Number(inp.value);
      cur[k] = Number.isFinite(x) ? x : 0;
      inp.value = String(cur[k]); // the weight in effect (an unreadable entry counts as 0)
      S.fm.custom = cur;
      S.fm.kernel = 'custom';
      $('fm-kernel').value = 'custom';
      saveState();
      featureMaps();
    });
    return inp;
  }));
}

/** Draws tensor `x` (channel 0) on canvas `id`; frees what it allocates. */
function showTensor(id, x, mode) {
  const r = tensorToRgba(x, 0, mode);
  const img = r.image;
  drawRGBA($(id), imageBytes(img), img.width, img.height);
  img.free();
  return r;
}

/** Run and draw the maps of the photo and of the shifted photo, and the weight-sharing check. */
export function featureMaps() {
  if (!IMG.gray) return;
  const wv = kernelWeights();
  const signed = wv.some((v) => v < 0);
  const mode = signed ? 'signed' : 'range';
  const w = tensor(Float32Array.from(wv), [1, 1, 3, 3]);
  const tmp = [w];
  const keep = (x) => { tmp.push(x); return x; };
  try {
    const stage = (x) => {
      const y = keep(conv2d(x, w, { padding: 1 }));
      return S.fm.pool === 'none' ? y : keep(pool2d(y, S.fm.pool, 2));
    };
    showTensor('fm-in', IMG.gray, 'range');
    const out = stage(IMG.gray);
    const r = showTensor('fm-out', out, mode);
    const [, , oh, ow] = out.shape;
    $('fm-out-cap').textContent = t(S.fm.pool === 'none' ? 'conv.maps.out_cap' : 'conv.maps.out_cap_pool', {
      h: oh, w: ow, lo: r.lo.toFixed(2), hi: r.hi.toFixed(2), pool: t(`conv.maps.pool_${S.fm.pool}`),
    });
    // Weight sharing: the map of the shifted photo vs the shifted map.
    const { dx, dy } = S.fm;
    const shifted = keep(shiftTensor(IMG.gray, dy, dx));
    const outShifted = stage(shifted);
    showTensor('fm-shift', outShifted, mode);
    $('fm-shift-cap').textContent = t('conv.maps.shift_cap', { dx, dy });
    const stride = S.fm.pool === 'none' ? 1 : 2;
    let check;
    if (dx % stride !== 0 || dy % stride !== 0) {
      // Pooling with stride 2: a shift by an odd number of pixels regroups the windows.
      const { differ, count } = regroupedCells(outShifted.toArray(), out.toArray(), oh, ow, dx, dy, stride);
      check = t('conv.maps.check_pool', { dx, dy, pct: ((100 * differ) / Math.max(1, count)).toFixed(0) });
    } else {
      const back = keep(shiftTensor(out, dy / stride, dx / stride));
      const maxDiff = maxDiffInside(outShifted.toArray(), back.toArray(), oh, ow,
        Math.abs(dx / stride) + 2, Math.abs(dy / stride) + 2);
      check = t(stride === 1 ? 'conv.maps.check_equal' : 'conv.maps.check_equal_pool', {
        dx, dy, diff: maxDiff === 0 ? '0' : maxDiff.toExponential(1),
      });
    }
    $('fm-check').textContent = check;
  } catch (e) {
    $('fm-check').textContent = describeError(e);
  } finally {
    for (const x of tmp) x.free();
  }
}

export function wireMaps() {
  $('fm-kernel').addEventListener('change', () => {
    S.fm.kernel = $('fm-kernel').value;
    saveState();
    renderKernelInputs();
    featureMaps();
  });
  $('fm-pool').addEventListener('change', () => {
    S.fm.pool = $('fm-pool').value;
    saveState();
    featureMaps();
  });
  for (const id of ['fm-dx', 'fm-dy']) {
    $(id).addEventListener('change', () => {
      S.fm.dx = clampInt($('fm-dx').value, -32, 32);
      S.fm.dy = clampInt($('fm-dy').value, -32, 32);
      $('fm-dx').value = String(S.fm.dx); // the values in effect (an entry out of range is clamped)
      $('fm-dy').value = String(S.fm.dy);
      saveState();
      featureMaps();
    });
  }
}
