//! The interview drill's memory and order (pure: the storage is passed in, Node tests it):
//! per-topic progress kept in localStorage with a simple spaced-repetition order (a topic
//! answered wrong is due again after one other question, a right one after 2, 4, 8... questions),
//! the choice of the next question, and the mock interview (10 questions of 10 different topics
//! fixed by one seed, a time limit, the score and the topics to review).
import { rng } from './drill.gen.js';

export const STORE_KEY = 'dlplay.drill.v1';
export const MOCK_KEY = 'dlplay.drill.mock.v1';
export const MOCK_SIZE = 10;
/** The mock interview's time limit (seconds): about a minute and a half per question. */
export const MOCK_SECONDS = 15 * 60;
const MAX_GAP = 64;

export const emptyProgress = () => ({ v: 1, clock: 0, topics: {} });

function readJson(storage, key) {
  try {
    const v = JSON.parse(storage?.getItem(key) ?? 'null');
    return v && typeof v === 'object' && !Array.isArray(v) ? v : null;
  } catch {
    return null; // storage off (private mode) or a value someone edited by hand
  }
}

function writeJson(storage, key, v) {
  try {
    storage?.setItem(key, JSON.stringify(v));
    return true;
  } catch {
    return false; // full or disabled: the page still works, it just forgets
  }
}

const count = (v) => (Number.isInteger(v) && v >= 0 && v < 1e9 ? v : 0);

/** The saved progress, cleaned: unknown topics and malformed counts are dropped. */
export function loadProgress(storage, topicIds) {
  const raw = readJson(storage, STORE_KEY);
  const p = emptyProgress();
  if (!raw || raw.v !== 1) return p;
  p.clock = count(raw.clock);
  for (const id of topicIds) {
    const tp = raw.topics?.[id];
    if (!tp || typeof tp !== 'object') continue;
    p.topics[id] = { right: count(tp.right), wrong: count(tp.wrong), streak: count(tp.streak), due: count(tp.due) };
  }
  return p;
}

export const saveProgress = (storage, p) => writeJson(storage, STORE_KEY, p);

export function resetProgress(storage) {
  try {
    storage?.removeItem(STORE_KEY);
  } catch {
    // nothing saved to remove
  }
  return emptyProgress();
}

/** Records an answer to a question of `topic`: a new progress object (the old one is untouched). */
export function record(p, topic, right) {
  const clock = p.clock + 1;
  const old = p.topics[topic] ?? { right: 0, wrong: 0, streak: 0, due: 0 };
  const streak = right ? old.streak + 1 : 0;
  const gap = right ? Math.min(MAX_GAP, 2 ** streak) : 1;
  const tp = {
    right: old.right + (right ? 1 : 0),
    wrong: old.wrong + (right ? 0 : 1),
    streak,
    due: clock + gap,
  };
  return { ...p, clock, topics: { ...p.topics, [topic]: tp } };
}

/**
 * The topic to ask next among `topics` (ids): the most overdue first (never-asked topics are due
 * at 0), ties broken by `seed`; `avoid` (the topic just asked) only when it is the sole choice.
 */
export function nextTopic(p, topics, seed, avoid = null) {
  const pool = topics.length > 1 ? topics.filter((t) => t !== avoid) : topics;
  if (!pool.length) return null;
  const due = (t) => p.topics[t]?.due ?? 0;
  const min = Math.min(...pool.map(due));
  const best = pool.filter((t) => due(t) === min);
  return best[Math.floor(rng(seed)() * best.length)];
}

/** The generator of `topic` to use for `seed` (its list from drill.gen.js `generatorsOf`). */
export const pickGenerator = (ids, seed) => ids[Math.floor(rng(seed ^ 0x5bd1e995)() * ids.length)];

/** A new seed for the next question, from the current one (deterministic, never 0). */
export const nextSeed = (seed) => (Math.floor(rng(seed + 0x9e37)() * 999999) + 1);

/**
 * The mock interview of `seed`: MOCK_SIZE `[generatorId, seed]` of different topics among
 * `topics` (all 25 by default), a numeric and a conceptual question mixed.
 */
export function mockPlan(seed, generators, topics) {
  const R = rng(seed);
  const ids = R.shuffle(topics).slice(0, MOCK_SIZE);
  return ids.map((topic, i) => {
    const gens = generators.filter((g) => g.topic === topic).map((g) => g.id);
    const numeric = gens.filter((g) => !g.endsWith('.mc'));
    const pool = i % 3 === 2 || !numeric.length ? gens.filter((g) => g.endsWith('.mc')) : numeric;
    return [R.pick(pool.length ? pool : gens), R.int(1, 999999)];
  });
}

/** The score of a mock interview: `{right, total, review: [topic ids answered wrong or skipped]}`. */
export function mockScore(plan, results, topicOf) {
  const right = results.filter((r) => r === 'right').length;
  const review = [];
  plan.forEach(([gen], i) => {
    if (results[i] !== 'right') {
      const t = topicOf(gen);
      if (!review.includes(t)) review.push(t);
    }
  });
  return { right, total: plan.length, review };
}

/** The saved mock interview (`{seed, start, results}`) or null. */
export function loadMock(storage) {
  const m = readJson(storage, MOCK_KEY);
  if (!m || !Number.isInteger(m.seed) || !Array.isArray(m.results) || !Number.isFinite(m.start)) return null;
  return { seed: m.seed, start: m.start, results: m.results.slice(0, MOCK_SIZE).map((r) => (['right', 'wrong', 'skipped'].includes(r) ? r : 'skipped')) };
}
export const saveMock = (storage, m) => writeJson(storage, MOCK_KEY, m);
export function clearMock(storage) {
  try {
    storage?.removeItem(MOCK_KEY);
  } catch {
    // nothing saved
  }
}
