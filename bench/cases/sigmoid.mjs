// Element-wise sigmoid on 4M floats, op time: ours (f32 SIMD128 exp and divide, sigmoidInto a
// reused Tensor) vs TF.js's wasm backend (tf.sigmoid; dataSync() inside the timed call, the time
// without it printed too), plus tanh (ours: activationInto 'tanh'; TF.js: tf.tanh). Wall time is
// the best median of three alternating rounds; CPU time the best single call of 15 alternating
// pairs. Agreement: the largest |ours - TF| and |ours - f64 formula|.
import { interleaved, cpuRatio } from '../lib.mjs';

const N = 1 << 22;

export default async function sigmoid({ dl, memory, tf, row, lcg }) {
  const rnd = lcg(13);
  const xData = Float32Array.from({ length: N }, () => (rnd() * 2 - 1) * 12);
  const x = new dl.Tensor(xData, [N]);
  const out = dl.Tensor.zeros([N]);
  const xt = tf.tensor1d(xData);
  const reps = { warmup: 2, reps: 9 };
  const read = () => new Float32Array(memory.buffer, out.ptr(), out.len).slice();

  const cases = [
    ['sigmoid', () => dl.sigmoidInto(x, out), (t) => tf.sigmoid(t), (v) => 1 / (1 + Math.exp(-v))],
    ['tanh', () => dl.activationInto(x, 'tanh', out), (t) => tf.tanh(t), Math.tanh],
  ];
  for (const [name, ours, op, exact] of cases) {
    const peer = () => { const y = op(xt); y.dataSync(); y.dispose(); };
    const peerOp = () => op(xt).dispose();
    const [tOurs, tPeer, tPeerOp] = interleaved([ours, peer, peerOp], reps);
    const cpu = cpuRatio(ours, peer, 9);
    ours();
    const y = read();
    const t = op(xt);
    const ty = t.dataSync();
    t.dispose();
    let dTf = 0, dRef = 0;
    for (let i = 0; i < N; i++) {
      dTf = Math.max(dTf, Math.abs(y[i] - ty[i]));
      dRef = Math.max(dRef, Math.abs(y[i] - exact(xData[i])));
    }
    row(`${name}, ${N / (1 << 20)}M floats`, tOurs, tPeer,
      `${cpu.note}; TF w/o dataSync ${tPeerOp.toFixed(2)} ms; max|ours-TF| ${dTf.toExponential(1)}, max|ours-f64| ${dRef.toExponential(1)}`,
      cpu.ratio);
    if (!(dTf < 1e-5 && dRef < 1e-6)) throw new Error(`${name}: ours and the peers disagree (${dTf}, ${dRef})`);
  }
  x.free(); out.free(); xt.dispose();
}
