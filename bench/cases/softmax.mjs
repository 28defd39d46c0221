// Softmax along the last axis of [256, 1000] (a classifier's logits for a batch), op time:
// ours (f32 SIMD128 exp, softmaxInto a reused Tensor, input already in wasm memory) vs TF.js's
// wasm backend (tf.softmax; dataSync() inside the timed call to force completion, as the conv
// rows do; the time without it is printed too). Wall time is the best median of three
// alternating rounds; CPU time (process.cpuUsage, not counting time spent waiting for the
// machine) is the best single call of 15 alternating pairs. Numeric agreement: the largest
// |ours - TF| and |ours - f64 reference| (computed here in JS).
import { interleaved, cpuRatio } from '../lib.mjs';

const ROWS = 256, COLS = 1000;

export default async function softmax({ dl, memory, tf, row, lcg }) {
  const rnd = lcg(11);
  const xData = Float32Array.from({ length: ROWS * COLS }, () => (rnd() * 2 - 1) * 8);
  const x = new dl.Tensor(xData, [ROWS, COLS]);
  const out = dl.Tensor.zeros([ROWS, COLS]);
  const xt = tf.tensor2d(xData, [ROWS, COLS]);
  const ours = () => dl.softmaxInto(x, 1, out);
  const peer = () => { const y = tf.softmax(xt); y.dataSync(); y.dispose(); };
  const peerOp = () => tf.softmax(xt).dispose();
  const [tOurs, tPeer, tPeerOp] = interleaved([ours, peer, peerOp]);
  const cpu = cpuRatio(ours, peer);

  // Agreement: ours vs TF.js and vs an f64 softmax of the same f32 inputs.
  ours();
  const y = new Float32Array(memory.buffer, out.ptr(), out.len).slice();
  const t = tf.softmax(xt);
  const ty = t.dataSync();
  t.dispose();
  let dTf = 0, dRef = 0;
  for (let r = 0; r < ROWS; r++) {
    let m = -Infinity;
    for (let c = 0; c < COLS; c++) m = Math.max(m, xData[r * COLS + c]);
    let s = 0;
    for (let c = 0; c < COLS; c++) s += Math.exp(xData[r * COLS + c] - m);
    for (let c = 0; c < COLS; c++) {
      const i = r * COLS + c;
      dTf = Math.max(dTf, Math.abs(y[i] - ty[i]));
      dRef = Math.max(dRef, Math.abs(y[i] - Math.exp(xData[i] - m) / s));
    }
  }
  row(`softmax [${ROWS},${COLS}], last axis`, tOurs, tPeer,
    `${cpu.note}; TF w/o dataSync ${tPeerOp.toFixed(3)} ms; max|ours-TF| ${dTf.toExponential(1)}, max|ours-f64| ${dRef.toExponential(1)}`,
    cpu.ratio);
  if (!(dTf < 1e-5 && dRef < 1e-5)) throw new Error(`softmax: ours and the peers disagree (${dTf}, ${dRef})`);

  // The same with log-softmax (TF.js: tf.logSoftmax).
  const lours = () => dl.logSoftmaxInto(x, 1, out);
  const lpeer = () => { const y2 = tf.logSoftmax(xt); y2.dataSync(); y2.dispose(); };
  const [lo, lp] = interleaved([lours, lpeer]);
  const lcpu = cpuRatio(lours, lpeer);
  lours();
  const ly = new Float32Array(memory.buffer, out.ptr(), out.len).slice();
  const lt = tf.logSoftmax(xt);
  const lty = lt.dataSync();
  lt.dispose();
  let dl2 = 0;
  for (let i = 0; i < ly.length; i++) dl2 = Math.max(dl2, Math.abs(ly[i] - lty[i]) / (1 + Math.abs(lty[i])));
  row(`log-softmax [${ROWS},${COLS}], last axis`, lo, lp, `${lcpu.note}; max mixed |ours-TF| ${dl2.toExponential(1)}`, lcpu.ratio);
  if (!(dl2 < 1e-5)) throw new Error(`log-softmax: ours and TF.js disagree by ${dl2}`);
  x.free(); out.free(); xt.dispose();
}
