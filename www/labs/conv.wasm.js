//! The convolution lab's only door to the wasm build: every export of the checked API (app/api.js) the lab
//! calls, and every option key it passes, is named here once (when the exports are renamed, this
//! is the file to edit). Tensors are NCHW f32 handles (`Tensor`), images RGBA8 handles
//! (`RgbaImage`); whoever receives one frees it.
import { ready } from '../app/wasm.js';

let dl = null;

/** Initialize the wasm module (memoized in app/wasm.js). */
export async function loadWasm() {
  dl = await ready();
}

export const wasmLoaded = () => dl !== null;

/**
 * A view of `img`'s RGBA bytes in wasm memory. Make a new one after every call into wasm
 * (memory growth detaches old views), and copy it to keep it.
 */
export const imageBytes = (img) => new Uint8ClampedArray(dl.wasmMemory().buffer, img.ptr(), img.byteLength);

/** RGBA bytes (w*h*4, row-major) into a new RgbaImage handle. */
export const rgbaImage = (rgba, w, h) => dl.RgbaImage.fromRgba(rgba, w, h);

/** RgbaImage -> Tensor [1, 3, H, W] (or [1, 1, H, W] when `gray`), values in [0, 1]. */
export const imageToTensor = (img, gray) => dl.imageToTensor(img, gray);

/** A Tensor of `data` (Float32Array) with `shape`, e.g. [1, 1, 3, 3]. */
export const tensor = (data, shape) => new dl.Tensor(data, shape);

/** [N, C, H, W] conv [O, C/g, k, k] -> [N, O, H', W'], no bias; opts: {stride, padding, dilation}. */
export const conv2d = (x, w, opts) => dl.conv2d(x, w, undefined, opts);

/** 2x2 (or k x k) pooling with stride k: [N, C, H, W] -> [N, C, H/k, W/k]. */
export const pool2d = (x, kind, k) =>
  (kind === 'max' ? dl.maxPool2d(x, { kernelSize: k }) : dl.avgPool2d(x, { kernelSize: k }));

/** `x` moved by (dy, dx) pixels, zeros shifted in. */
export const shiftTensor = (x, dy, dx) => dl.shiftTensor(x, dy, dx);

/** Channel `ch` of a Tensor as an RgbaImage: {image, lo, hi}; mode 'signed' or 'range'. */
export const tensorToRgba = (x, ch, mode) => dl.tensorToRgba(x, ch, mode);

/**
 * Every map's shape, receptive field (r, jump, start) and cost for input [1, c, h, w]:
 * {rows: [{c, h, w, r, jump, start, params, macs}], error: {layer, message} | null}.
 */
export const stackPlan = (stack, c, h, w) => dl.convStackPlan(stack, c, h, w);

/** For cell (i, j) of the last map: {win, support, erf} over the receptive-field crop. */
export const cellMaps = (stack, input, i, j, seed, draws) => dl.convCellMaps(stack, input, i, j, seed, draws);

/** The standard / separable / bottleneck cost of one conv: [{name, params, macs, parts}]. */
export const convAlternatives = (cin, cout, k, h, w) => dl.convAlternatives(cin, cout, k, h, w);
