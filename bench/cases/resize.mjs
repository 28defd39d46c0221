// Bilinear resize, 512x512 -> 2048x2048: the u8 RGBA path a page uses end to end (bytes in,
// bytes out for a canvas) and the f32 op, ours vs TF.js's wasm backend and a plain JS loop.
// The three exact u8 paths (OpenCV, Pillow, the textbook formula) each get a row with wall time
// and the CPU-time ratio vs TF.js end to end, and their largest difference from TF.js's bytes.
import { cpuRatio } from '../lib.mjs';

/** The straightforward JS a person would write: half-pixel centres, edge clamp, round. */
function jsBilinearRgba(src, w, h, dst, ow, oh) {
  const sx = w / ow, sy = h / oh;
  for (let i = 0; i < oh; i++) {
    let fy = (i + 0.5) * sy - 0.5;
    if (fy < 0) fy = 0;
    const y0 = Math.min(Math.floor(fy), h - 1), y1 = Math.min(y0 + 1, h - 1), ly = fy - y0;
    for (let j = 0; j < ow; j++) {
      let fx = (j + 0.5) * sx - 0.5;
      if (fx < 0) fx = 0;
      const x0 = Math.min(Math.floor(fx), w - 1), x1 = Math.min(x0 + 1, w - 1), lx = fx - x0;
      for (let c = 0; c < 4; c++) {
        const a = src[(y0 * w + x0) * 4 + c], b = src[(y0 * w + x1) * 4 + c];
        const d = src[(y1 * w + x0) * 4 + c], e = src[(y1 * w + x1) * 4 + c];
        const top = a + (b - a) * lx, bot = d + (e - d) * lx;
        dst[(i * ow + j) * 4 + c] = Math.round(top + (bot - top) * ly);
      }
    }
  }
}

export default async function resize({ dl, memory, tf, time, row, lcg }) {
  const [w, h, ow, oh] = [512, 512, 2048, 2048];
  const rnd = lcg(7);
  // A photo-like input: smooth gradients plus noise (content does not change the work).
  const input = new Uint8ClampedArray(w * h * 4);
  for (let i = 0; i < w * h; i++) {
    const x = i % w, y = (i / w) | 0;
    input[i * 4] = (x / 2 + rnd() * 20) | 0;
    input[i * 4 + 1] = (y / 2 + rnd() * 20) | 0;
    input[i * 4 + 2] = ((x + y) / 4) | 0;
    input[i * 4 + 3] = 255;
  }

  // Ours, end to end: copy the canvas bytes into wasm memory, resize into a reused output,
  // hand the canvas a zero-copy Uint8ClampedArray view of the result.
  const src = new dl.RgbaImage(w, h);
  const out = new dl.RgbaImage(ow, oh);
  let view;
  const ours = (method) => () => {
    new Uint8Array(memory.buffer, src.ptr(), src.byteLength).set(input);
    src.resizeInto(out, method);
    view = new Uint8ClampedArray(memory.buffer, out.ptr(), out.byteLength);
  };

  // TF.js, end to end: tensor from the bytes, resizeBilinear (half-pixel), round, clip, cast, read back.
  let tfOut;
  const tfRun = () => {
    tfOut = tf.tidy(() => {
      const t = tf.tensor3d(input, [h, w, 4], 'int32');
      const r = tf.image.resizeBilinear(t, [oh, ow], false, true);
      return tf.cast(tf.clipByValue(tf.round(r), 0, 255), 'int32');
    });
    const data = tfOut.dataSync();
    tfOut.dispose();
    return new Uint8ClampedArray(data);
  };
  const tTf = time(tfRun, { warmup: 2, reps: 9 });

  const jsDst = new Uint8ClampedArray(ow * oh * 4);
  const tJs = time(() => jsBilinearRgba(input, w, h, jsDst, ow, oh), { warmup: 1, reps: 7 });

  // Agreement with TF.js and the plain JS loop (both the float formula): the largest |ours - peer|
  // over every byte, for the bytes `ours(method)` just wrote.
  const tfBytes = tfRun();
  const maxDiffs = () => {
    view = new Uint8ClampedArray(memory.buffer, out.ptr(), out.byteLength);
    let dTf = 0, dJs = 0;
    for (let i = 0; i < view.length; i++) {
      dTf = Math.max(dTf, Math.abs(view[i] - tfBytes[i]));
      dJs = Math.max(dJs, Math.abs(view[i] - jsDst[i]));
    }
    return { dTf, dJs };
  };

  // The three exact u8 paths, each end to end vs TF.js the same way: wall time (median) and the
  // CPU-time ratio (best single call of 9 alternating pairs; the machine is shared).
  const exact = [
    ['opencv', 'OpenCV-exact', 'cv2 INTER_LINEAR, 11-bit fixed point'],
    ['pillow', 'Pillow-exact', 'premultiplied, 22-bit fixed point, 2 passes'],
    ['bilinear', 'textbook f32 formula', "the inspector's arithmetic"],
  ];
  for (const [method, label, what] of exact) {
    const run = ours(method);
    const t = time(run, { warmup: 3, reps: method === 'opencv' ? 21 : 11 });
    const cpu = cpuRatio(run, tfRun, 9);
    run();
    const { dTf, dJs } = maxDiffs();
    row(`RGBA u8 512->2048 ${label}, end to end vs TF.js`, t, tTf,
      `${cpu.note}; max |ours-TF| = ${dTf}; ${what}`, cpu.ratio);
    if (method === 'opencv') row('RGBA u8 512->2048 OpenCV-exact vs plain JS loop', t, tJs, `max |ours-JS| = ${dJs}`);
    // Every path is a bilinear filter of the same photo: off by a few levels at most (Pillow's
    // upscaling triangle is the same tent; the rounding differs).
    if (!(dTf <= 2)) throw new Error(`resize ${method}: ours and TF.js differ by ${dTf} levels`);
  }

  // Pillow on a translucent input (alpha 0..255): the premultiply and the division-based
  // unpremultiply run on every pixel (an opaque step is a copy); TF.js's time is the same bytes.
  const translucent = input.slice();
  for (let i = 3; i < translucent.length; i += 4) translucent[i] = (rnd() * 256) | 0;
  const runT = () => {
    new Uint8Array(memory.buffer, src.ptr(), src.byteLength).set(translucent);
    src.resizeInto(out, 'pillow');
  };
  const tT = time(runT, { warmup: 2, reps: 11 });
  const cpuT = cpuRatio(runT, tfRun, 9);
  row('RGBA u8 512->2048 Pillow-exact, translucent input vs TF.js', tT, tTf, `${cpuT.note}; premultiply + unpremultiply on every pixel`, cpuT.ratio);

  // f32 op only: [1,4,512,512] NCHW (ours) vs [1,512,512,4] NHWC (TF.js), same element count.
  const xf = new Float32Array(w * h * 4).map(() => rnd());
  const x = new dl.Tensor(xf, [1, 4, h, w]);
  const y = dl.Tensor.zeros([1, 4, oh, ow]);
  const tOursF = time(() => dl.interpolateInto(x, y, { mode: 'bilinear' }), { warmup: 3, reps: 15 });
  const xt = tf.tensor4d(xf, [1, h, w, 4]);
  const tTfF = time(() => tf.image.resizeBilinear(xt, [oh, ow], false, true).dispose(), { warmup: 3, reps: 15 });
  row('f32 512x512x4 -> 2048x2048 bilinear, op only', tOursF, tTfF);
  xt.dispose();
  for (const o of [src, out, x, y]) o.free();
}
