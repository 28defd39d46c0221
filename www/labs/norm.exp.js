//! One cell of the normalisation lab's batch-size experiment, shared by the worker
//! (norm.worker.js) and the measuring script (bench/norm-batch.mjs): a digits convnet with one
//! norm trained for the cell's steps at its batch size and learning rate, once per seed.
import { ENGINE_NORM, meanSd } from './norm.model.js';

const MAX_CALL = 1000;

/**
 * Trains `cell` ({norm, b, lr, steps, seeds}) with `dl` (the wasm module) on `csv`; `between`
 * is awaited between chunks of steps and may return false to stop (then null is returned).
 * Returns the cell with per-seed test errors (eval mode; BN also in train mode at batch b) and
 * their mean and spread.
 */
export async function runCell(dl, csv, cell, { limit = 0, between = async () => true } = {}) {
  const runs = [];
  for (const seed of cell.seeds) {
    const t = new dl.ConvTrainer({ norm: ENGINE_NORM[cell.norm], batch: cell.b, seed, optimizer: 'adam', lr: cell.lr, trainLimit: limit }, csv);
    try {
      while (t.steps < cell.steps && t.status === 'training') {
        t.trainSteps(Math.min(MAX_CALL, cell.steps - t.steps));
        if (!(await between())) return null;
      }
      const ok = t.status === 'training';
      const ev = t.evaluate();
      runs.push({
        seed, status: t.status, message: t.message, steps: t.steps, epoch: t.epoch,
        testErr: ok ? 1 - ev.testAcc : NaN,
        trainModeErr: ok && cell.norm === 'bn' ? 1 - t.evaluateTrainMode(cell.b).accuracy : NaN,
      });
    } finally {
      t.free();
    }
  }
  const bad = runs.find((r) => r.status !== 'training');
  return {
    ...cell, runs,
    status: bad ? bad.status : 'training', message: bad ? bad.message : '',
    testErr: meanSd(runs.map((r) => r.testErr)),
    trainModeErr: meanSd(runs.map((r) => r.trainModeErr)),
  };
}
