// LSTM training throughput in time steps per second (sequence steps x batch per second), ours vs
// TF.js tf.layers.lstm on its wasm backend in the same Node run (issue 14): one-layer LSTM,
// hidden 32, sequence 50, batch 16, 2 inputs (the adding problem), a linear head on the last
// step, MSE, Adam. Ours: SeqTrainer.step (draws a batch, forward, BPTT, Adam; no clipping).
// TF.js: model.trainOnBatch on one batch prepared beforehand (the kindest setting for the peer).
import * as tfl from '@tensorflow/tfjs-layers';
import { timeAsync } from '../lib.mjs';

const T = 50;
const N = 16;
const H = 32;
const I = 2;

export default async function lstm({ dl, tf, time, row, lcg }) {
  const steps = 4;
  const tr = new dl.SeqTrainer({ model: 'lstm', task: 'adding', length: T, batch: N, hidden: H, lr: 0.001, clip: 0, seed: 1 });
  const ours = time(() => tr.step(steps), { warmup: 1, reps: 7 }) / steps;
  tr.free();

  const model = tfl.sequential();
  // glorotUniform for the recurrent kernel: the default orthogonal initializer needs tf.linalg (QR), whose
  // chained-op methods this build of tfjs-core does not register (rMat.flatten); init does not change the timing.
  model.add(tfl.layers.lstm({ units: H, inputShape: [T, I], recurrentInitializer: 'glorotUniform' }));
  model.add(tfl.layers.dense({ units: 1 }));
  model.compile({ optimizer: tf.train.adam(0.001), loss: 'meanSquaredError' });
  const r = lcg(3);
  const x = tf.tensor3d(Float32Array.from({ length: N * T * I }, () => r()), [N, T, I]);
  const y = tf.tensor2d(Float32Array.from({ length: N }, () => r()), [N, 1]);
  const peer = (await timeAsync(async () => {
    for (let s = 0; s < steps; s++) await model.trainOnBatch(x, y);
  })) / steps;
  tf.dispose([x, y]);
  model.dispose();
  const rate = (ms) => `${((T * N) / ms * 1000 / 1000).toFixed(1)}k`;
  row(`LSTM train step (H ${H}, T ${T}, batch ${N})`, ours, peer, `ours ${rate(ours)} time steps/s vs TF.js ${rate(peer)} (trainOnBatch)`);
}
