// conv2d, op time: ours (SIMD128 direct kernels, NCHW, input/weights already in wasm memory,
// output written into a reused Tensor) vs TF.js's wasm backend (XNNPACK, SIMD, one thread,
// NHWC; tensors made outside the timed loop, dataSync() inside to force completion).
// Every shape is also checked: ours and TF.js must agree (after the NCHW/NHWC transpose).

const N = 1, C = 32, H = 128, W = 128;

/** NCHW -> NHWC copy (to feed TF.js the same numbers). */
function nchwToNhwc(x, c, h, w) {
  const y = new Float32Array(x.length);
  for (let ci = 0; ci < c; ci++) for (let i = 0; i < h * w; i++) y[i * c + ci] = x[ci * h * w + i];
  return y;
}

/** OIHW -> HWIO (TF.js conv2d filter). */
function oihwToHwio(wt, o, ci, kh, kw) {
  const y = new Float32Array(wt.length);
  for (let a = 0; a < o; a++)
    for (let b = 0; b < ci; b++)
      for (let u = 0; u < kh; u++)
        for (let v = 0; v < kw; v++) y[((u * kw + v) * ci + b) * o + a] = wt[((a * ci + b) * kh + u) * kw + v];
  return y;
}

/** Depthwise [C,1,kh,kw] -> TF.js [kh,kw,C,1]. */
function dwToTf(wt, c, kh, kw) {
  const y = new Float32Array(wt.length);
  for (let a = 0; a < c; a++) for (let t = 0; t < kh * kw; t++) y[t * c + a] = wt[a * kh * kw + t];
  return y;
}

function maxDiff(oursNchw, tfNhwc, c, hw) {
  let m = 0;
  for (let ci = 0; ci < c; ci++)
    for (let i = 0; i < hw; i++) m = Math.max(m, Math.abs(oursNchw[ci * hw + i] - tfNhwc[i * c + ci]));
  return m;
}

export default async function conv({ dl, memory, tf, time, row, lcg }) {
  const rnd = lcg(3);
  const rand = (n) => Float32Array.from({ length: n }, () => rnd() * 2 - 1);
  console.log(`ours: ${dl.simdKind()}; input [${N},${C},${H},${W}] (TF.js: NHWC)`);
  const xData = rand(N * C * H * W);
  const x = new dl.Tensor(xData, [N, C, H, W]);
  const xt = tf.tensor4d(nchwToNhwc(xData, C, H, W), [N, H, W, C]);
  const reps = { warmup: 3, reps: 15 };

  // The machine is shared: time both sides alternately, three rounds, and keep each side's
  // best median, so a burst of load from elsewhere does not land on one side only.
  const ROUNDS = 3;
  const interleaved = (fns) => {
    const best = fns.map(() => Infinity);
    for (let r = 0; r < ROUNDS; r++) fns.forEach((fn, i) => { best[i] = Math.min(best[i], time(fn, reps)); });
    return best;
  };
  // Process CPU time of one call, best of several alternating runs: unlike wall time it does not
  // count the time this process waits while the other builds on the machine run.
  const cpu = (fn) => {
    const c0 = process.cpuUsage();
    fn();
    const c = process.cpuUsage(c0);
    return (c.user + c.system) / 1000;
  };
  const cpuRatio = (a, b, n = 15) => {
    let ta = Infinity;
    let tb = Infinity;
    for (let i = 0; i < n; i++) {
      ta = Math.min(ta, cpu(a));
      tb = Math.min(tb, cpu(b));
    }
    return `CPU-time ratio ${(ta / tb).toFixed(3)} (${ta.toFixed(2)} vs ${tb.toFixed(2)} ms)`;
  };

  /** Our op: conv2dInto a reused output. Returns {run, read(), shape, free()}. */
  function oursOp(wt, ws, opts) {
    const w = new dl.Tensor(wt, ws);
    const probe = dl.conv2d(x, w, undefined, opts); // allocating call, only to learn the shape
    const out = dl.Tensor.zeros(probe.shape);
    probe.free();
    return {
      run: () => dl.conv2dInto(x, w, undefined, out, opts),
      read: () => new Float32Array(memory.buffer, out.ptr(), out.len).slice(),
      shape: out.shape,
      free: () => { w.free(); out.free(); },
    };
  }

  /** Times ours and a TF.js op side by side: [ours ms, TF ms, TF ms without dataSync, ours y, TF y, shape]. */
  function both(wt, ws, opts, op) {
    const o = oursOp(wt, ws, opts);
    const tfFull = () => {
      const y = op();
      y.dataSync();
      y.dispose();
    };
    const [ours, peer, peerOp] = interleaved([o.run, tfFull, () => op().dispose()]);
    const cpuNote = cpuRatio(o.run, tfFull);
    const y = o.read();
    const shape = o.shape;
    o.free();
    const t = op();
    const ty = t.dataSync().slice();
    t.dispose();
    return [ours, peer, peerOp, y, ty, shape, cpuNote];
  }

  const dense = (name, { stride = 1, dilation = 1, cout = C, k = 3 }) => {
    const pad = k === 1 ? 0 : dilation * ((k - 1) / 2);
    const wt = rand(cout * C * k * k);
    const wtf = tf.tensor4d(oihwToHwio(wt, cout, C, k, k), [k, k, C, cout]);
    const padding = pad === 0 ? 'valid' : [[0, 0], [pad, pad], [pad, pad], [0, 0]];
    const [ours, peer, peerOp, y, ty, shape, cpuNote] = both(wt, [cout, C, k, k], { stride, padding: pad, dilation },
      () => tf.conv2d(xt, wtf, stride, padding, 'NHWC', dilation));
    wtf.dispose();
    const d = maxDiff(y, ty, cout, shape[2] * shape[3]);
    row(name, ours, peer, `${cpuNote}; TF w/o dataSync ${peerOp.toFixed(2)} ms; max|ours-TF| ${d.toExponential(1)}`);
    if (!(d < 1e-3)) throw new Error(`${name}: ours and TF.js disagree by ${d}`);
  };

  dense('conv 3x3 32->32 128x128, dilation 1', { dilation: 1 });
  dense('conv 3x3 32->32 128x128, dilation 2', { dilation: 2 });
  dense('conv 3x3 32->32 128x128, dilation 4', { dilation: 4 });
  dense('conv 3x3 32->32 128x128, stride 2', { stride: 2 });

  // Depthwise 3x3 on 32 channels.
  {
    const wt = rand(C * 9);
    const wtf = tf.tensor4d(dwToTf(wt, C, 3, 3), [3, 3, C, 1]);
    const [ours, peer, peerOp, y, ty, shape, cpuNote] = both(wt, [C, 1, 3, 3], { padding: 1, groups: C },
      () => tf.depthwiseConv2d(xt, wtf, 1, [[0, 0], [1, 1], [1, 1], [0, 0]], 'NHWC'));
    wtf.dispose();
    const d = maxDiff(y, ty, C, shape[2] * shape[3]);
    row('depthwise 3x3 on 32 channels, 128x128', ours, peer,
      `${cpuNote}; TF w/o dataSync ${peerOp.toFixed(2)} ms; max|ours-TF| ${d.toExponential(1)}`);
    if (!(d < 1e-3)) throw new Error(`depthwise: ours and TF.js disagree by ${d}`);
  }

  dense('pointwise 1x1 32->64, 128x128', { k: 1, cout: 64 });

  // Stride 2 with dilation 2: TF.js refuses the combination, so its only route is the dilated
  // conv at stride 1 followed by a strided slice (4x the work, then a copy).
  {
    const wt = rand(C * C * 9);
    const wtf = tf.tensor4d(oihwToHwio(wt, C, C, 3, 3), [3, 3, C, C]);
    const pads = [[0, 0], [2, 2], [2, 2], [0, 0]];
    let refusal = 'accepted?!';
    try {
      tf.conv2d(xt, wtf, 2, pads, 'NHWC', 2).dispose();
    } catch (e) {
      refusal = `TF.js refuses it ("${String(e.message).slice(0, 60)}...")`;
    }
    const workaround = () => tf.tidy(() =>
      tf.stridedSlice(tf.conv2d(xt, wtf, 1, pads, 'NHWC', 2), [0, 0, 0, 0], [N, H, W, C], [1, 2, 2, 1]));
    const [ours, peer, , y, ty, shape, cpuNote] = both(wt, [C, C, 3, 3], { stride: 2, padding: 2, dilation: 2 }, workaround);
    wtf.dispose();
    const d = maxDiff(y, ty, C, shape[2] * shape[3]);
    row('conv 3x3 stride 2 + dilation 2 (TF.js: conv d2 + slice)', ours, peer,
      `${refusal}; ${cpuNote}; max|ours-TF| ${d.toExponential(1)}`);
    if (!(d < 1e-3)) throw new Error(`stride+dilation: ours and TF.js disagree by ${d}`);
  }

  // What SIMD buys: the scalar reference kernel on the first shape.
  {
    const wt = rand(C * C * 9);
    const w = new dl.Tensor(wt, [C, C, 3, 3]);
    const out = dl.Tensor.zeros([N, C, H, W]);
    const opts = { padding: 1 };
    const simd = time(() => dl.conv2dInto(x, w, undefined, out, opts), reps);
    const scalar = time(() => dl.conv2dReferenceInto(x, w, undefined, out, opts), { warmup: 1, reps: 5 });
    // (one round each: this row compares our two kernels, not us with a peer)
    row('conv 3x3 32->32 128x128: SIMD vs our scalar reference', simd, scalar, '(peer = our scalar kernel)');
    w.free();
    out.free();
  }

  xt.dispose();
  x.free();
}
