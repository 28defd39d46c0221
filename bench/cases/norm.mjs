// The normalisation lab's speed (issue 11), ours vs TF.js on its wasm backend in the same run:
//  * training throughput (examples per second) of the digits convnet: conv 3x3 8 -> BN -> ReLU ->
//    max-pool 2 -> conv 3x3 16 -> BN -> ReLU -> global average pool -> linear 10, batch 32, Adam
//    lr 0.01, one epoch over the 1,438 training images of scikit-learn's digits. Ours:
//    ConvTrainer.trainEpochs(1) (shuffle, batches, forward, cross-entropy, backward, update).
//    TF.js: the same model in tf.layers (NHWC, softmax + categorical cross-entropy), model.fit for
//    one epoch and a trainOnBatch loop over batches prepared beforehand; the faster one is the peer
//    (TF.js's wasm backend lacks the conv filter gradient: see shimConv2dFilterGrad).
//    Target: ours at least 5x TF.js's examples per second.
//  * forward normalisation of a 1x32x128x128 tensor: batch norm with given statistics (ours:
//    BatchNorm.forward in eval mode; TF.js: tf.batchNorm), instance norm (moments per sample and
//    channel, then normalize; TF.js: tf.moments over H, W + arithmetic) and group norm with 8
//    groups (TF.js: reshape to [1, H, W, 8, 4], moments over H, W and the group's channels).
//    Target: ratio (ours / TF.js time) at most 0.5.
import { readFileSync } from 'node:fs';
import * as tfl from '@tensorflow/tfjs-layers';
import { timeAsync } from '../lib.mjs';

const rate = (n, ms) => `${((n / ms) * 1000).toFixed(0)} ex/s`;

/**
 * TF.js 4.22's wasm backend has no Conv2DBackpropFilter kernel (training any conv2d fails with
 * "Kernel 'Conv2DBackpropFilter' not registered for backend 'wasm'"). Its Conv3DBackpropFilterV2
 * kernel is there: the 2-D filter gradient is that kernel on a depth-1 volume (reshapes only), so
 * the peer trains on its own wasm kernels.
 */
function shimConv2dFilterGrad(tf) {
  if (tf.getKernel('Conv2DBackpropFilter', 'wasm')) return;
  tf.registerKernel({
    kernelName: 'Conv2DBackpropFilter',
    backendName: 'wasm',
    kernelFunc: ({ inputs, attrs }) => {
      const { x, dy } = inputs;
      const { strides, pad, filterShape, dataFormat } = attrs;
      if (dataFormat && dataFormat !== 'NHWC') throw new Error('the shim takes NHWC only');
      const [n, h, w, c] = x.shape;
      const [, oh, ow, co] = dy.shape;
      const [sh, sw] = Array.isArray(strides) ? strides : [strides, strides];
      const x5 = tf.reshape(x, [n, 1, h, w, c]);
      const dy5 = tf.reshape(dy, [n, 1, oh, ow, co]);
      const [kh, kw] = filterShape;
      const g = tf.engine().runKernel('Conv3DBackpropFilterV2', { x: x5, dy: dy5 }, { strides: [1, sh, sw], pad, filterShape: [1, kh, kw, c, co] });
      const out = tf.reshape(g, filterShape);
      tf.dispose([x5, dy5, g]);
      return out;
    },
  });
}

async function training({ dl, tf, time, row }) {
  shimConv2dFilterGrad(tf);
  const csv = readFileSync(new URL('../../www/samples/digits.csv', import.meta.url), 'utf8');
  const cfg = { norm: 'batchNorm', batch: 32, optimizer: 'adam', lr: 0.01, seed: 1 };
  const t = new dl.ConvTrainer(cfg, csv);
  const n = t.info().trainCount;
  const ms = time(() => t.trainEpochs(1), { warmup: 2, reps: 9 });
  const x = t.images(false, 0, n);
  const labels = t.labels(false);
  t.free();

  const model = tfl.sequential();
  model.add(tfl.layers.conv2d({ inputShape: [8, 8, 1], filters: 8, kernelSize: 3, padding: 'same' }));
  model.add(tfl.layers.batchNormalization({ momentum: 0.9, epsilon: 1e-5 }));
  model.add(tfl.layers.reLU());
  model.add(tfl.layers.maxPooling2d({ poolSize: 2 }));
  model.add(tfl.layers.conv2d({ filters: 16, kernelSize: 3, padding: 'same' }));
  model.add(tfl.layers.batchNormalization({ momentum: 0.9, epsilon: 1e-5 }));
  model.add(tfl.layers.reLU());
  model.add(tfl.layers.globalAveragePooling2d({}));
  model.add(tfl.layers.dense({ units: 10, activation: 'softmax' }));
  model.compile({ optimizer: tf.train.adam(0.01), loss: 'categoricalCrossentropy' });
  const X = tf.tensor4d(x, [n, 8, 8, 1]); // C = 1: NCHW and NHWC hold the same values
  const Y = tf.tidy(() => tf.cast(tf.oneHot(tf.tensor1d(Array.from(labels), 'int32'), 10), 'float32'));
  const bs = 32;
  const batches = [];
  for (let s = 0; s < n; s += bs) {
    const e = Math.min(n, s + bs);
    batches.push([tf.slice(X, [s, 0, 0, 0], [e - s, 8, 8, 1]), tf.slice(Y, [s, 0], [e - s, 10])]);
  }
  const msFit = await timeAsync(() => model.fit(X, Y, { batchSize: bs, epochs: 1, shuffle: true, verbose: 0 }), { warmup: 1, reps: 5 });
  const msBatch = await timeAsync(async () => {
    for (const [bx, by] of batches) await model.trainOnBatch(bx, by);
  }, { warmup: 1, reps: 5 });
  const peer = Math.min(msFit, msBatch);
  for (const b of batches) tf.dispose(b);
  tf.dispose([X, Y]);
  model.dispose();
  row(`digits convnet (BN), batch 32: one epoch (${n} images)`, ms, peer,
    `ours ${rate(n, ms)} vs TF.js ${rate(n, peer)} (${msFit <= msBatch ? 'model.fit' : 'trainOnBatch'}; fit ${rate(n, msFit)}, trainOnBatch ${rate(n, msBatch)}); target >= 5x`);
}

function norms({ dl, tf, time, row, lcg }) {
  const [N, C, H, W] = [1, 32, 128, 128];
  const r = lcg(11);
  const data = Float32Array.from({ length: N * C * H * W }, () => r() * 4 - 1);
  const x = new dl.Tensor(data, [N, C, H, W]);
  const xt = tf.tensor4d(data, [N, H, W, C]); // same values, the layout each library uses
  const eps = 1e-5;
  const G = 8;
  const ours = (f) => time(() => f().free(), { warmup: 3, reps: 21 });
  const peer = (f) => time(() => {
    const y = tf.tidy(f);
    y.dataSync();
    y.dispose();
  }, { warmup: 3, reps: 21 });

  const bn = new dl.BatchNorm(C, { eps });
  const mean = tf.tensor1d(Array.from({ length: C }, () => r() - 0.5));
  const variance = tf.tensor1d(Array.from({ length: C }, () => 0.5 + r()));
  row('batch norm forward, given statistics, 1x32x128x128', ours(() => bn.forward(x, false)),
    peer(() => tf.batchNorm(xt, mean, variance, undefined, undefined, eps)), 'TF.js tf.batchNorm; target ratio <= 0.5');
  bn.free();

  row('instance norm forward (moments + normalize), 1x32x128x128', ours(() => dl.instanceNorm(x, { eps })),
    peer(() => {
      const m = tf.moments(xt, [1, 2], true);
      return tf.mul(tf.sub(xt, m.mean), tf.rsqrt(tf.add(m.variance, eps)));
    }), 'TF.js tf.moments over H, W + normalize; target ratio <= 0.5');

  row(`group norm forward (G = ${G}), 1x32x128x128`, ours(() => dl.groupNorm(x, G, { eps })),
    peer(() => {
      const g = tf.reshape(xt, [N, H, W, G, C / G]);
      const m = tf.moments(g, [1, 2, 4], true);
      return tf.reshape(tf.mul(tf.sub(g, m.mean), tf.rsqrt(tf.add(m.variance, eps))), [N, H, W, C]);
    }), 'TF.js reshape + tf.moments + normalize; target ratio <= 0.5');
  x.free();
  tf.dispose([xt, mean, variance]);
}

export default async function norm(ctx) {
  await training(ctx);
  norms(ctx);
}
