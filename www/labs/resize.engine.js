//! The resize lab's worker (resize.worker.js) behind a promise API: `call(type, args,
//! {onProgress})` posts `{id, type, ...args}` and settles with the worker's `{id, ok, result}` or
//! `{id, ok: false, error}` (an Error again, with its `code` and `vars`); `{id, progress}` messages
//! go to onProgress. `restart()` drops the worker (cancel, or after a trap) and rejects what was
//! pending with a coded `cancelled`.
import { codedError } from '../app/errors.js';

export class Engine {
  constructor() {
    this.seq = 0;
    this.pending = new Map();
    this.broken = null;
    this.spawn();
  }

  spawn() {
    this.worker = new Worker(new URL('./resize.worker.js', import.meta.url), { type: 'module' });
    this.worker.onmessage = (e) => {
      const m = e.data;
      const p = this.pending.get(m.id);
      if (!p) return;
      if (m.progress) {
        p.onProgress?.(m.progress);
        return;
      }
      this.pending.delete(m.id);
      if (m.ok) p.resolve(m.result);
      else p.reject(Object.assign(new Error(m.error.message), m.error));
    };
    this.worker.onerror = (e) => {
      e.preventDefault?.();
      this.broken = codedError('worker_failed', { detail: e.message || 'the worker could not start' });
      for (const p of this.pending.values()) p.reject(this.broken);
      this.pending.clear();
    };
  }

  call(type, args = {}, { onProgress } = {}) {
    if (this.broken) return Promise.reject(this.broken);
    const id = ++this.seq;
    return new Promise((resolve, reject) => {
      this.pending.set(id, { resolve, reject, onProgress });
      this.worker.postMessage({ id, type, ...args });
    });
  }

  restart() {
    this.worker.terminate();
    const err = codedError('cancelled');
    for (const p of this.pending.values()) p.reject(err);
    this.pending.clear();
    this.broken = null;
    this.spawn();
  }
}
