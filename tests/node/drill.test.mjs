// The interview drill (www/labs/drill.*.js) against closed forms written here:
// - every generator, 200 seeds each: the answer (an engine export's result) equals the
//   textbook formula computed in float64 from the question's parameters; the last solution step
//   shows the answer; the checker accepts the answer and its equivalent forms, refuses a
//   perturbed one, and names each planted mistake when given its value; no text says NaN or
//   undefined; both languages are filled in;
// - multiple-choice questions: the right option is the bank's, no distractor equals it;
// - every topic of the home page's list has generators (a numeric one where the cheat-sheet has
//   numbers) and bank questions;
// - the answer parser's forms, the spaced-repetition order and the mock interview's plan.
// The engine tests are skipped, with a message, only when www/pkg has not been built.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { existsSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { GENERATORS, generate, generatorsOf, rng } from '../../www/labs/drill.gen.js';
import { BANK } from '../../www/labs/drill.bank.js';
import {
  check, answerText, equivalentForms, perturbed, parseNumber, parseShape, parseChoice, parseOrder, fmt,
} from '../../www/labs/drill.check.js';
import {
  emptyProgress, record, nextTopic, mockPlan, mockScore, loadProgress, saveProgress, MOCK_SIZE,
} from '../../www/labs/drill.progress.js';
import { TOPICS } from '../../www/app/topics.js';
import { parseHash } from '../../www/app/state.js';
import * as normModel from '../../www/labs/norm.model.js';
import * as lossesModel from '../../www/labs/losses.model.js';
import * as evalModel from '../../www/labs/eval.model.js';
import * as archModel from '../../www/labs/arch.model.js';
import { loadApi as engine, skipUnlessBuilt } from './load.mjs'; // engine(): the checked API, as the pages use it

const skip = skipUnlessBuilt();

const SEEDS = 200;

// ---- closed forms (float64), one per numeric generator, from q.params ------------------------

const sum = (a) => a.reduce((x, y) => x + y, 0);
const softmax = (z) => {
  const m = Math.max(...z);
  const e = z.map((v) => Math.exp(v - m));
  const s = sum(e);
  return e.map((v) => v / s);
};
const sigmoid = (x) => 1 / (1 + Math.exp(-x));
// Abramowitz-Stegun 7.1.26 (|error| < 1.5e-7)
function erf(x) {
  const s = Math.sign(x);
  const a = Math.abs(x);
  const t = 1 / (1 + 0.3275911 * a);
  const y = 1 - ((((1.061405429 * t - 1.453152027) * t + 1.421413741) * t - 0.284496736) * t + 0.254829592) * t * Math.exp(-a * a);
  return s * y;
}
const Phi = (x) => 0.5 * (1 + erf(x / Math.SQRT2));
const phi = (x) => Math.exp(-x * x / 2) / Math.sqrt(2 * Math.PI);
const ACT = {
  sigmoid: [sigmoid, (x) => sigmoid(x) * (1 - sigmoid(x))],
  tanh: [Math.tanh, (x) => 1 - Math.tanh(x) ** 2],
  gelu: [(x) => x * Phi(x), (x) => Phi(x) + x * phi(x)],
  silu: [(x) => x * sigmoid(x), (x) => sigmoid(x) * (1 + x * (1 - sigmoid(x)))],
  elu: [(x) => (x > 0 ? x : Math.exp(x) - 1), (x) => (x > 0 ? 1 : Math.exp(x))],
  leaky_relu: [(x) => (x > 0 ? x : 0.01 * x), (x) => (x > 0 ? 1 : 0.01)],
};

const CLOSED = {
  'bn.normalize': ({ x, k }) => {
    const m = sum(x) / x.length;
    const v = sum(x.map((a) => (a - m) ** 2)) / x.length;
    return (x[k] - m) / Math.sqrt(v + 1e-5);
  },
  'bn.running': ({ x, mom }) => {
    const m = sum(x) / x.length;
    return (1 - mom) + mom * sum(x.map((a) => (a - m) ** 2)) / (x.length - 1);
  },
  'dil.effk': ({ k, d }) => d * (k - 1) + 1,
  'dil.rf': ({ ds }) => 1 + 2 * sum(ds),
  'interp.bilinear': ({ v, s, i, j }) => {
    const src = (o) => Math.min(1, Math.max(0, (o + 0.5) / s - 0.5));
    const [y, x] = [src(i), src(j)];
    return (v[0] * (1 - x) + v[1] * x) * (1 - y) + (v[2] * (1 - x) + v[3] * x) * y;
  },
  'interp.srcx': ({ n, o, x }) => (x + 0.5) * n / o - 0.5,
  'focal.value': ({ p, y, alpha, gamma }) => {
    const pt = y ? p : 1 - p;
    const at = y ? alpha : 1 - alpha;
    return -at * (1 - pt) ** gamma * Math.log(pt);
  },
  'dws.cost': ({ cIn, cOut, k, h, what }) => (k * k * cIn + cIn * cOut) * (what === 'macs' ? h * h : 1),
  'dws.order': ({ cIn, cOut, k, names }) => {
    const b = Math.max(1, Math.floor(cOut / 4));
    const P = { standard: k * k * cIn * cOut, separable: k * k * cIn + cIn * cOut, bottleneck: cIn * b + k * k * b * b + b * cOut };
    return names.map((_, i) => i).sort((a, c) => P[names[a]] - P[names[c]]);
  },
  'drop.scale': ({ p, v }) => v / (1 - p),
  'kd.loss': ({ s, t, T }) => {
    const pt = softmax(t.map((v) => v / T));
    const ps = softmax(s.map((v) => v / T));
    return T * T * sum(pt.map((a, i) => a * Math.log(a / ps[i])));
  },
  'kd.soft': ({ t, T }) => Math.max(...softmax(t.map((v) => v / T))),
  'c1x1.params': ({ cIn, cOut, h, what }) => (what === 'params' ? cIn * cOut + cOut : h * h * cIn * cOut),
  'c1x1.bottleneck': ({ c }) => c * (c / 4) * 2 + 9 * (c / 4) ** 2,
  'fuse.params': ({ c, cOut, k, mode }) => k * k * (mode === 'concat' ? 2 * c : c) * cOut + cOut,
  'ws.params': ({ cIn, cOut, k }) => k * k * cIn * cOut + cOut,
  'rf.stack': ({ layers }) => {
    let r = 1;
    let j = 1;
    for (const l of layers) {
      r += (l.k - 1) * j;
      j *= l.s;
    }
    return r;
  },
  'rf.outshape': ({ h, layer: { k, s, p, d, out } }) => {
    const o = Math.floor((h + 2 * p - d * (k - 1) - 1) / s) + 1;
    return [out, o, o];
  },
  'rf.pool': ({ h, k, s, p, ceil }) => {
    let o = (ceil ? Math.ceil : Math.floor)((h + 2 * p - k) / s) + 1;
    if (ceil && (o - 1) * s >= h + p) o -= 1; // torch: the last window must start inside
    return o;
  },
  'opt.adam': ({ th, g, lr }) => {
    let m = 0;
    let v = 0;
    let x = th;
    g.forEach((gv, i) => {
      m = 0.9 * m + 0.1 * gv;
      v = 0.999 * v + 0.001 * gv * gv;
      x -= lr * (m / (1 - 0.9 ** (i + 1))) / (Math.sqrt(v / (1 - 0.999 ** (i + 1))) + 1e-8);
    });
    return x;
  },
  'opt.momentum': ({ th, g, lr, mu }) => {
    let b = 0;
    let x = th;
    g.forEach((gv, i) => {
      b = i === 0 ? gv : mu * b + gv;
      x -= lr * b;
    });
    return x;
  },
  'init.bound': ({ kind, fi, fo }) => {
    const std = kind.startsWith('xavier') ? Math.sqrt(2 / (fi + fo)) : Math.sqrt(2 / fi);
    return kind.endsWith('uniform') ? std * Math.sqrt(3) : std;
  },
  'tt.lr': ({ sched, base, warm, T, every, gamma, t }) => {
    const f = sched === 'cosine' ? 0.5 * (1 + Math.cos(Math.PI * Math.min(t, T) / T)) : gamma ** Math.floor(t / every);
    return base * f * (t < warm ? (t + 1) / (warm + 1) : 1);
  },
  'tcn.rf': ({ k, n, per }) => 1 + (k - 1) * per * (2 ** n - 1),
  'act.value': ({ name, x, deriv }) => ACT[name][deriv ? 1 : 0](x),
  'roc.auc': ({ labels, scores }) => {
    let w = 0;
    let n = 0;
    labels.forEach((a, i) => labels.forEach((b, j) => {
      if (a === 1 && b === 0) {
        n++;
        w += scores[i] > scores[j] ? 1 : scores[i] === scores[j] ? 0.5 : 0;
      }
    }));
    return w / n;
  },
  'reg.grad': ({ kind, w, lam }) => (kind === 'l1' ? lam * Math.sign(w) : lam * w),
  'reg.sgdwd': ({ w, g, lr, wd }) => w - lr * (g + wd * w),
  'ls.target': ({ C, eps, which }) => (which === 'true' ? 1 - eps + eps / C : eps / C),
  'ls.loss': ({ z, y, eps }) => {
    const lp = softmax(z).map(Math.log);
    return (1 - eps) * -lp[y] + eps * -sum(lp) / z.length;
  },
  'nf.count': ({ shape: [n, c, h, w], kind, g, what }) => {
    const t = { batch: [c, n * h * w, 2 * c], layer: [n, c * h * w, 2 * c * h * w], instance: [n * c, h * w, 0], group: [n * g, (c / g) * h * w, 2 * c] }[kind];
    return t[['stats', 'perStat', 'params'].indexOf(what)];
  },
  'fpn.size': ({ H, W, l }) => [H, W].map((v) => {
    for (let i = 0; i < l; i++) v = Math.ceil(v / 2);
    return v;
  }),
  'sm.temp': ({ z, T, i }) => softmax(z.map((v) => v / T))[i],
  'sm.twoclass': ({ a, b }) => sigmoid(a - b),
  'focal.ratio': ({ p, y, alpha, gamma }) => (y ? alpha : 1 - alpha) * (1 - (y ? p : 1 - p)) ** gamma,
  'roc.tpr': ({ labels, scores, t, which }) => {
    const want = which === 'tpr' ? 1 : 0;
    return labels.filter((l, k) => l === want && scores[k] >= t).length / labels.filter((l) => l === want).length;
  },
  'rnn.params': ({ cell, x, h }) => {
    const g = { rnn: 1, lstm: 4, gru: 3 }[cell];
    return g * h * (x + h) + 2 * g * h;
  },
  'tt.clip': ({ a, b, m }) => {
    const norm = Math.hypot(...a, ...b);
    return a[0] * Math.min(1, m / (norm + 1e-6));
  },
  'cm.ce': ({ z, y }) => -Math.log(softmax(z)[y]),
  'cm.grad': ({ p, y, loss }) => (loss === 'bce' ? p - y : 2 * (p - y) * p * (1 - p)),
  'drop.eval': ({ v }) => v,
  'fuse.counts': ({ c, co, h, what }) => ({ concat: 2 * c * co * h * h, add: c * co * h * h, adds: c * h * h })[what],
  'ws.macs': ({ cIn, cOut, k, h, what }) => (what === 'macs' ? k * k * cIn * cOut * h * h : h * h),
  'init.conv': ({ kind, cIn, cOut, k }) => {
    const fi = cIn * k * k;
    const fo = cOut * k * k;
    const std = kind.startsWith('xavier') ? Math.sqrt(2 / (fi + fo)) : Math.sqrt(2 / fi);
    return kind.endsWith('uniform') ? std * Math.sqrt(3) : std;
  },
  'act.chain': ({ name, x, n }) => ACT[name][1](x) ** n,
  'nf.gn': ({ x, G, ch }) => {
    const per = 4 / G;
    const first = Math.floor(ch / per) * per * 2;
    const grp = x.slice(first, first + 2 * per);
    const m = sum(grp) / grp.length;
    const v = sum(grp.map((a) => (a - m) ** 2)) / grp.length;
    return (x[2 * ch] - m) / Math.sqrt(v + 1e-5);
  },
  'fpn.rf': ({ l }) => 2 ** (l + 1) - 1,
  'uo.params': ({ sizes }) => sum(sizes.slice(1).map((b, i) => sizes[i] * b + b)),
  'nc.quad': ({ a, lr, w0 }) => w0 * (1 - lr * a) ** 3,
  'nc.scale': ({ kind, g, lr }) => 1 - lr * (kind === 'sgd' ? g : g / (Math.abs(g) + 1e-8)),
};

// f32 kernels against float64 closed forms
const close = (got, want) => Math.abs(got - want) <= 1e-5 + 2e-5 * Math.abs(want);

const texts = (o) => [o.en, o.zh];
function assertText(o, where, numbers = true) {
  assert.ok(o && typeof o.en === 'string' && typeof o.zh === 'string' && o.en && o.zh, `${where}: en and zh`);
  // generated texts never show a broken number (the bank's prose may speak of NaN)
  if (numbers) for (const s of texts(o)) assert.doesNotMatch(s, /NaN|undefined|\[object|Infinity/, `${where}: ${s}`);
}

test('every topic of the home page has generators, bank questions and numeric generators (two or more where the cheat-sheet has formulas)', () => {
  assert.equal(TOPICS.length, 25);
  for (const tp of TOPICS) {
    const gens = generatorsOf(tp.id);
    assert.ok(gens.includes(`${tp.id}.mc`), `${tp.id}: a multiple-choice generator`);
    assert.ok(BANK[tp.id]?.length >= 1, `${tp.id}: bank questions`);
    // every topic has a numeric generator; all but the two conceptual ones at least two
    const want = tp.id === 'under-overfitting' ? 1 : 2;
    assert.ok(gens.filter((g) => !g.endsWith('.mc')).length >= want, `${tp.id}: ${want} numeric generators`);
  }
  for (const g of GENERATORS) assert.ok(TOPICS.some((tp) => tp.id === g.topic), `${g.id}: a topic of the list`);
  for (const id of GENERATORS.map((g) => g.id).filter((id) => !id.endsWith('.mc'))) assert.ok(CLOSED[id], `${id}: a closed form in this test`);
});

test(`every generator, ${SEEDS} seeds: the engine's answer equals the closed form; the checker accepts its forms, refuses a perturbed one, names each planted mistake`, { skip }, async () => {
  const dl = await engine();
  let questions = 0;
  let mistakes = 0;
  for (const { id } of GENERATORS) {
    for (let seed = 1; seed <= SEEDS; seed++) {
      const q = generate(id, seed, dl);
      const where = `${id} seed ${seed}`;
      questions++;
      const gen = q.type !== 'choice';
      assertText(q.prompt, `${where} prompt`, gen);
      assert.ok(q.solution.length >= 1, `${where}: a solution`);
      q.solution.forEach((s, i) => assertText(s, `${where} step ${i + 1}`, gen));
      // reproducible from (id, seed)
      assert.deepEqual(generate(id, seed, dl).answer, q.answer, `${where}: the same question twice`);
      if (q.type === 'number') {
        assert.ok(Number.isFinite(q.answer), `${where}: finite answer`);
        const want = CLOSED[id](q.params);
        assert.ok(close(q.answer, want), `${where}: engine ${q.answer} vs closed form ${want}`);
        const last = q.solution.at(-1);
        for (const s of texts(last)) {
          assert.ok(s.includes(fmt(q.answer)) || s.includes(String(q.answer)), `${where}: last step "${s}" shows ${fmt(q.answer)}`);
        }
      } else if (q.type === 'shape' || q.type === 'order') {
        assert.deepEqual(q.answer, CLOSED[id](q.params), `${where}: closed form`);
        const shown = q.type === 'shape' ? q.answer.join('×') : answerText(q);
        for (const s of texts(q.solution.at(-1))) assert.ok(s.includes(shown), `${where}: last step "${s}" shows ${shown}`);
      } else {
        const item = BANK[q.topic][q.params.item];
        assert.deepEqual(q.choices[q.answer].text, item.right.t, `${where}: the right option is the bank's`);
        q.choices.forEach((c, i) => {
          assertText(c.text, `${where} option ${i}`, false);
          assertText(c.why, `${where} why ${i}`, false);
          if (i !== q.answer) {
            assert.notEqual(c.text.en, item.right.t.en, `${where}: a distractor equals the answer`);
            assert.notEqual(c.text.zh, item.right.t.zh, `${where}: a distractor equals the answer (zh)`);
          }
        });
        assert.equal(new Set(q.choices.map((c) => c.text.en)).size, q.choices.length, `${where}: distinct options`);
      }
      assert.equal(check(q, answerText(q)).status, 'right', `${where}: answer ${answerText(q)}`);
      for (const f of equivalentForms(q)) assert.equal(check(q, f).status, 'right', `${where}: equivalent form ${f} of ${answerText(q)}`);
      const bad = check(q, perturbed(q));
      assert.equal(bad.status, 'wrong', `${where}: perturbed ${perturbed(q)} of ${answerText(q)}`);
      for (const m of q.mistakes) {
        mistakes++;
        const v = check(q, answerText(q, m.value));
        assert.equal(v.status, 'wrong', `${where}: a mistake is not the answer`);
        assert.equal(v.mistake, m, `${where}: mistake ${JSON.stringify(m.value)} named`);
        assertText(m.why, `${where} mistake`, gen);
      }
    }
  }
  assert.equal(questions, GENERATORS.length * SEEDS);
  assert.ok(mistakes > GENERATORS.length * SEEDS, `planted mistakes checked: ${mistakes}`);
});

test('the answer parser reads the usual ways of writing a number, a shape, a choice and an ordering', () => {
  for (const [s, v] of [['0.75', 0.75], ['.75', 0.75], ['3/4', 0.75], ['75%', 0.75], ['7.5e-1', 0.75], ['≈ 0.75', 0.75],
    ['0,75', 0.75], ['1,234,567', 1234567], ['1.2M', 1.2e6], ['−0.5', -0.5], ['-1/2', -0.5], ['３/４', 0.75], ['12k', 12000]]) {
    assert.ok(Math.abs(parseNumber(s) - v) < 1e-12, `${s} -> ${parseNumber(s)}`);
  }
  for (const s of ['', 'abc', '1/0', '1..2', '3/4/5', 'NaN', 'Infinity', '1e999']) assert.equal(parseNumber(s), null, s);
  for (const s of ['64×16×16', '64x16x16', '(64, 16, 16)', '[64,16,16]', '64 * 16 * 16', '64 16 16']) assert.deepEqual(parseShape(s), [64, 16, 16], s);
  for (const s of ['', '64×a', '1.5x2']) assert.equal(parseShape(s), null, s);
  assert.equal(parseChoice('b', 4), 1);
  assert.equal(parseChoice('(C)', 4), 2);
  assert.equal(parseChoice('4', 4), 3);
  assert.equal(parseChoice('E', 4), null);
  assert.deepEqual(parseOrder('B < C < A', 3), [1, 2, 0]);
  assert.deepEqual(parseOrder('bca', 3), [1, 2, 0]);
  assert.deepEqual(parseOrder('2 3 1', 3), [1, 2, 0]);
  assert.equal(parseOrder('BB', 3), null);
  assert.equal(parseOrder('BCAD', 3), null);
});

test('spaced repetition: a wrong topic comes back after one question, right ones after 2, 4, 8...', () => {
  const ids = ['a', 'b', 'c'];
  let p = emptyProgress();
  p = record(p, 'a', false); // clock 1, a due 2
  p = record(p, 'b', true); // clock 2, b due 4
  assert.equal(nextTopic(p, ids, 1), 'c', 'a never-asked topic first (due 0)');
  p = record(p, 'c', true); // clock 3, c due 5
  assert.equal(nextTopic(p, ids, 1), 'a', 'the wrong one is the most overdue');
  p = record(p, 'a', true); // clock 4: a due 6
  p = record(p, 'a', true); // clock 5: a streak 2, due 9
  assert.equal(p.topics.a.due, 9);
  assert.equal(nextTopic(p, ids, 7, 'b'), 'c', 'avoid repeats the topic just asked when there is another');
  assert.equal(nextTopic(p, ['a'], 7, 'a'), 'a');
  const mem = new Map();
  const storage = { getItem: (k) => mem.get(k) ?? null, setItem: (k, v) => mem.set(k, String(v)), removeItem: (k) => mem.delete(k) };
  saveProgress(storage, p);
  assert.deepEqual(loadProgress(storage, ids), p);
  mem.set('dlplay.drill.v1', '{"v":1,"clock":-3,"topics":{"a":{"right":"x","wrong":2},"zz":{}}}');
  assert.deepEqual(loadProgress(storage, ids), { v: 1, clock: 0, topics: { a: { right: 0, wrong: 2, streak: 0, due: 0 } } });
  mem.set('dlplay.drill.v1', 'not json');
  assert.deepEqual(loadProgress(storage, ids), emptyProgress());
});

test('a mock interview: 10 questions of 10 different topics, fixed by its seed, scored with the topics to review', () => {
  const ids = TOPICS.map((tp) => tp.id);
  for (let seed = 1; seed <= 50; seed++) {
    const plan = mockPlan(seed, GENERATORS, ids);
    assert.equal(plan.length, MOCK_SIZE);
    const topics = plan.map(([g]) => GENERATORS.find((x) => x.id === g).topic);
    assert.equal(new Set(topics).size, MOCK_SIZE, 'different topics');
    assert.ok(plan.some(([g]) => g.endsWith('.mc')) && plan.some(([g]) => !g.endsWith('.mc')), 'mixed kinds');
    assert.deepEqual(mockPlan(seed, GENERATORS, ids), plan, 'reproducible');
  }
  const plan = mockPlan(3, GENERATORS, ids);
  const topicOf = (g) => GENERATORS.find((x) => x.id === g).topic;
  const results = plan.map((_, i) => (i % 3 ? 'right' : 'wrong'));
  const sc = mockScore(plan, results, topicOf);
  assert.equal(sc.right, 6);
  assert.equal(sc.total, 10);
  assert.deepEqual(sc.review, [0, 3, 6, 9].map((i) => topicOf(plan[i][0])));
});

test('the seeded generator is deterministic and uniform enough to reach every option', () => {
  const a = rng(42);
  const b = rng(42);
  for (let i = 0; i < 100; i++) assert.equal(a(), b());
  const seen = new Set();
  const r = rng(7);
  for (let i = 0; i < 200; i++) seen.add(r.int(1, 6));
  assert.deepEqual([...seen].sort(), [1, 2, 3, 4, 5, 6]);
});

// The labs whose state modules read a link's keys: each returns the state and the keys it could
// not use (a link with an unusable key would open the lab somewhere else than the question).
const LAB_STATE = {
  'norm.html': (h) => { const r = normModel.stateFromHash(h); return { S: r.state, bad: r.bad }; },
  'losses.html': (h) => { const r = lossesModel.stateFromHash(h); return { S: r.S, bad: r.ignored.map(([k]) => k) }; },
  'eval.html': (h) => { const r = evalModel.stateFromHash(h); return { S: r.state, bad: r.ignored.map(([k]) => k) }; },
  'arch.html': (h) => { const r = archModel.stateFromHash(h); return { S: r.S, bad: r.ignored.map(([k]) => k) }; },
};
const same = (a, b) => (a === b || (a.trim() !== '' && b.trim() !== '' && a.split(',').every((x, i) => Number(x) === Number(b.split(',')[i])) && a.split(',').length === b.split(',').length));

test('lab links: an existing page, keys its state module accepts, the question\'s values in the state; numeric questions of the norm/losses/eval/arch topics open that lab', { skip }, async () => {
  const dl = await engine();
  const www = fileURLToPath(new URL('../../www/', import.meta.url));
  const pageOf = new Map(TOPICS.map((tp) => [tp.id, tp.lab ? tp.lab.split('#')[0] : null]));
  const seen = {};
  for (const { id, topic } of GENERATORS) {
    for (let seed = 1; seed <= 60; seed++) {
      const q = generate(id, seed, dl);
      const where = `${id} seed ${seed}`;
      if (!q.lab) continue;
      const [page, hash = ''] = q.lab.split('#');
      assert.ok(existsSync(`${www}${page}`), `${where}: ${page} exists`);
      const h = parseHash(`#${hash}`);
      assert.equal(h.malformed.length, 0, `${where}: ${q.lab} parses`);
      if (h.topic !== undefined) {
        assert.equal(h.topic, topic, `${where}: the topic view of its own topic`);
        assert.equal(pageOf.get(topic), page, `${where}: the topic view is on ${page}`);
      }
      const read = LAB_STATE[page];
      if (!read) continue;
      const { S, bad } = read(h);
      assert.deepEqual(bad, [], `${where}: ${q.lab}: keys the lab ignores`);
      for (const [k, v] of Object.entries(h)) {
        if (k === 'topic') continue;
        assert.ok(k in S, `${where}: ${k} is a key of ${page}`);
        const got = Array.isArray(S[k]) ? S[k].join(',') : String(S[k]);
        assert.ok(same(got, v), `${where}: ${page} reads ${k}=${v} as ${got}`);
      }
      seen[id] = page;
    }
  }
  // every numeric generator of a topic whose lab is one of these pages links it (in its state)
  for (const { id, topic } of GENERATORS) {
    const page = pageOf.get(topic);
    if (id.endsWith('.mc') || !LAB_STATE[page]) continue;
    assert.equal(seen[id], page, `${id}: links ${page}`);
  }
  // and the values are the question's: a few spot checks against q.params
  const one = (id, seed) => { const q = generate(id, seed, dl); return { q, h: parseHash(`#${q.lab.split('#')[1]}`) }; };
  for (let seed = 1; seed <= 30; seed++) {
    let { q, h } = one('focal.value', seed);
    assert.deepEqual([Number(h.gamma), Number(h.alpha), h.aon], [q.params.gamma, q.params.alpha, '1']);
    ({ q, h } = one('tcn.rf', seed));
    const dils = h.dil.split(',').map(Number);
    assert.equal(1 + (q.params.k - 1) * sum(dils), q.answer, `tcn.rf seed ${seed}: the linked stack has the question's receptive field`);
    assert.equal(archModel.tcnRf(Number(h.k), dils), q.answer);
    ({ q, h } = one('nf.count', seed));
    assert.equal(h.norm, { batch: 'bn', layer: 'ln', instance: 'in', group: 'gn' }[q.params.kind]);
    if (q.params.kind === 'group') assert.equal(Number(h.g), q.params.g, `nf.count seed ${seed}: the group count`);
    ({ q, h } = one('roc.tpr', seed));
    assert.equal(Number(h.thr), q.params.t);
    ({ q, h } = one('fuse.counts', seed));
    assert.deepEqual([Number(h.ch), Number(h.co)], [q.params.c, q.params.co]);
    ({ q, h } = one('nf.gn', seed));
    assert.deepEqual([h.norm, Number(h.g)], ['gn', q.params.G]);
    ({ q, h } = one('drop.scale', seed));
    assert.equal(Number(h.kd), q.params.p);
  }
});
