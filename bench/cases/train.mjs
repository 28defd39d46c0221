// Training throughput (examples per second), ours vs TF.js tf.layers on its wasm backend, same
// network, data, batch size and optimizer:
//  * TensorFlow Playground's default: 2 inputs, hidden 4-2, tanh, one sigmoid output, binary
//    cross-entropy, SGD lr 0.03, batch 10, 500 points (250 for training) on the circle set;
//  * a bigger one: 6 hidden layers x 16, ReLU, Adam lr 0.003, batch 10, on the spiral set.
// Ours: Trainer.fit (shuffle, mini-batches, forward, loss, backward, update; no evaluation) and
// Trainer.step (the same plus full train/test loss and accuracy after every epoch, as the lab runs).
// TF.js: model.fit (shuffles, one call for several epochs) and a trainOnBatch loop over batches
// prepared beforehand (no shuffling: the kindest setting for the peer); the faster one is the peer.
import * as tfl from '@tensorflow/tfjs-layers';
import { timeAsync } from '../lib.mjs';

const fmtRate = (r) => (r >= 1e6 ? `${(r / 1e6).toFixed(2)}M` : r >= 1e3 ? `${(r / 1e3).toFixed(1)}k` : r.toFixed(0));

async function compare({ dl, tf, time, row }, name, cfg, tfLayers, tfOptimizer, epochsOurs, epochsTf) {
  const trainer = new dl.Trainer(cfg);
  const info = trainer.info();
  const n = info.train_points;
  // the same training points for TF.js
  const pts = trainer.points();
  const xs = [];
  const ys = [];
  for (let i = 0; i < pts.length; i += 4) {
    if (pts[i + 3] === 0) {
      xs.push(pts[i], pts[i + 1]);
      ys.push(pts[i + 2]);
    }
  }
  // ours
  const msFit = time(() => trainer.fit(epochsOurs), { warmup: 3, reps: 15 }) / epochsOurs;
  const stepper = new dl.Trainer(cfg);
  const msStep = time(() => stepper.step(epochsOurs), { warmup: 3, reps: 15 }) / epochsOurs;
  trainer.free();
  stepper.free();

  // TF.js
  const model = tfl.sequential();
  tfLayers.forEach((l, i) => model.add(tfl.layers.dense({ ...l, ...(i === 0 ? { inputShape: [2] } : {}) })));
  model.compile({ optimizer: tfOptimizer(), loss: 'binaryCrossentropy' });
  const X = tf.tensor2d(xs, [n, 2]);
  const Y = tf.tensor2d(ys, [n, 1]);
  const bs = cfg.batchSize;
  const batches = [];
  for (let s = 0; s < n; s += bs) {
    const e = Math.min(n, s + bs);
    batches.push([tf.slice(X, [s, 0], [e - s, 2]), tf.slice(Y, [s, 0], [e - s, 1])]);
  }
  const msTfFit = (await timeAsync(() => model.fit(X, Y, { batchSize: bs, epochs: epochsTf, shuffle: true, verbose: 0 }))) / epochsTf;
  const msTfBatch = (await timeAsync(async () => {
    for (let e = 0; e < epochsTf; e++) for (const [bx, by] of batches) await model.trainOnBatch(bx, by);
  })) / epochsTf;
  const peer = Math.min(msTfFit, msTfBatch);
  const peerHow = msTfFit <= msTfBatch ? 'model.fit' : 'trainOnBatch';
  for (const [bx, by] of batches) tf.dispose([bx, by]);
  tf.dispose([X, Y]);
  model.dispose();

  const rate = (ms) => fmtRate((n / ms) * 1000);
  row(`train ${name}: one epoch, fit (${n} examples)`, msFit, peer,
    `ours ${rate(msFit)} ex/s vs TF.js ${rate(peer)} ex/s (${peerHow}; fit ${rate(msTfFit)}, trainOnBatch ${rate(msTfBatch)})`);
  row(`train ${name}: one epoch + train/test eval (lab step)`, msStep, peer, `ours ${rate(msStep)} ex/s with ${info.train_points + info.test_points} points evaluated per epoch`);
}

export default async function train(ctx) {
  const { tf } = ctx;
  await compare(ctx, 'Playground default 2-4-2-1 tanh SGD',
    { dataset: 'circle', points: 500, trainRatio: 50, hidden: [4, 2], activation: 'tanh', optimizer: 'sgd', lr: 0.03, batchSize: 10, loss: 'bce', seed: 1 },
    [{ units: 4, activation: 'tanh' }, { units: 2, activation: 'tanh' }, { units: 1, activation: 'sigmoid' }],
    () => tf.train.sgd(0.03), 40, 2);
  await compare(ctx, '6x16 ReLU Adam',
    { dataset: 'spiral', points: 500, trainRatio: 50, hidden: [16, 16, 16, 16, 16, 16], activation: 'relu', optimizer: 'adam', lr: 0.003, batchSize: 10, loss: 'bce', seed: 1 },
    [...Array(6)].map(() => ({ units: 16, activation: 'relu' })).concat([{ units: 1, activation: 'sigmoid' }]),
    () => tf.train.adam(0.003), 8, 2);
}
