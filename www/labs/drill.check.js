//! The interview drill's answer checking (pure: Node tests it): reading what a person typed
//! (a number as a decimal, a fraction, a percentage, scientific notation or with k/M/G; a shape
//! written with ×, x, * or commas, with or without brackets; a choice as a letter or a number;
//! an ordering as letters), comparing it with the question's answer within its tolerance, and
//! naming the common mistake a wrong answer matches.

/** Number formatting for prompts and solutions: up to `digits` significant digits, no trailing zeros. */
export function fmt(x, digits = 4) {
  if (typeof x !== 'number') return String(x);
  if (!Number.isFinite(x)) return String(x);
  if (Number.isInteger(x) && Math.abs(x) < 1e15) return String(x);
  const a = Math.abs(x);
  if (a !== 0 && (a < 1e-4 || a >= 1e9)) return x.toExponential(digits - 1).replace(/\.?0+e/, 'e');
  const s = x.toPrecision(digits);
  return String(Number(s));
}

/** A count with thin separators for reading (1 234 567): display only, never parsed back. */
export function fmtInt(n) {
  return String(n).replace(/\B(?=(\d{3})+(?!\d))/g, ',');
}

const MINUS = /[\u2212\u2012\u2013\u2014\uFE63\uFF0D]/g;

/** Normalizes full-width digits and punctuation a Chinese keyboard types, and the minus signs. */
function normalize(text) {
  return String(text)
    .replace(/[\uFF10-\uFF19]/g, (c) => String.fromCharCode(c.charCodeAt(0) - 0xFF10 + 48))
    .replace(/\uFF0E|\u3002/g, '.').replace(/\uFF0F/g, '/').replace(/\uFF05/g, '%')
    .replace(/\uFF0C|\u3001/g, ',').replace(/\uFF08/g, '(').replace(/\uFF09/g, ')')
    .replace(/\uFF3B/g, '[').replace(/\uFF3D/g, ']')
    .replace(MINUS, '-')
    .trim();
}

const SUFFIX = { k: 1e3, K: 1e3, M: 1e6, G: 1e9, B: 1e9 };

/**
 * A number from `text`, or null: `0.75`, `.75`, `3/4`, `75%`, `7.5e-1`, `-1.2`, `1,234,567`,
 * `1.2M`, `≈ 0.75`, `0,75` (decimal comma, when it is not a thousands separator).
 */
export function parseNumber(text) {
  let s = normalize(text).replace(/^(≈|~|=|about)\s*/i, '').replace(/\s+/g, '');
  if (!s) return null;
  let scale = 1;
  if (s.endsWith('%')) {
    scale = 0.01;
    s = s.slice(0, -1);
  } else if (/[0-9.][kKMGB]$/.test(s)) {
    scale = SUFFIX[s.at(-1)];
    s = s.slice(0, -1);
  }
  if (/^[-+]?\d{1,3}(,\d{3})+(\.\d+)?$/.test(s)) s = s.replace(/,/g, '');
  else if (/^[-+]?\d*,\d+$/.test(s)) s = s.replace(',', '.');
  const frac = /^([-+]?(?:\d+\.?\d*|\.\d+)(?:e[-+]?\d+)?)\/([-+]?(?:\d+\.?\d*|\.\d+)(?:e[-+]?\d+)?)$/i.exec(s);
  let v;
  if (frac) {
    const d = Number(frac[2]);
    if (d === 0) return null;
    v = Number(frac[1]) / d;
  } else if (/^[-+]?(?:\d+\.?\d*|\.\d+)(?:e[-+]?\d+)?$/i.test(s)) {
    v = Number(s);
  } else {
    return null;
  }
  v *= scale;
  return Number.isFinite(v) ? v : null;
}

/** A shape from `text`, or null: `3×32×32`, `3x32x32`, `(3, 32, 32)`, `[3,32,32]`, `3 * 32 * 32`. */
export function parseShape(text) {
  const s = normalize(text).replace(/^[[(]\s*|\s*[\])]$/g, '');
  if (!s) return null;
  const parts = s.split(/\s*[×xX*,]\s*|\s+/).filter((p) => p !== '');
  if (!parts.length || !parts.every((p) => /^\d+$/.test(p))) return null;
  return parts.map(Number);
}

const LETTERS = 'ABCDEFGH';

/** A choice index from `text` (`B`, `b`, `2`, `(b)`), or null. */
export function parseChoice(text, n) {
  const s = normalize(text).replace(/[().\s]/g, '').toUpperCase();
  if (/^[A-H]$/.test(s)) {
    const i = LETTERS.indexOf(s);
    return i < n ? i : null;
  }
  if (/^\d$/.test(s)) {
    const i = Number(s) - 1;
    return i >= 0 && i < n ? i : null;
  }
  return null;
}

/** An ordering from `text` (`BCA`, `B < C < A`, `b, c, a`, `2 3 1`) as indices, or null. */
export function parseOrder(text, n) {
  const s = normalize(text).toUpperCase();
  let items = s.match(/[A-H]/g);
  if (!items || /\d/.test(s)) {
    const nums = s.match(/\d+/g);
    if (!nums || /[A-H]/.test(s)) return null;
    items = nums.map((d) => LETTERS[Number(d) - 1] ?? '?');
  }
  const idx = items.map((c) => LETTERS.indexOf(c));
  if (idx.length !== n || idx.some((i) => i < 0 || i >= n) || new Set(idx).size !== n) return null;
  return idx;
}

/** `letters([2, 0, 1])` = "CAB". */
export const letters = (idx) => idx.map((i) => LETTERS[i]).join('');
export const letter = (i) => LETTERS[i];

/** True when `x` is within the tolerance `{abs, rel}` of `a`. */
export function near(x, a, tol = {}) {
  const abs = tol.abs ?? 0;
  const rel = tol.rel ?? 1e-9;
  return Math.abs(x - a) <= Math.max(abs, rel * Math.abs(a)) + 1e-12;
}

const sameShape = (a, b) => a.length === b.length && a.every((v, i) => v === b[i]);

function matches(q, value, target) {
  switch (q.type) {
    case 'number': return near(value, target, q.tol);
    case 'shape': return sameShape(value, target);
    case 'choice': return value === target;
    case 'order': return sameShape(value, target);
    default: return false;
  }
}

function parse(q, text) {
  switch (q.type) {
    case 'number': return parseNumber(text);
    case 'shape': return parseShape(text);
    case 'choice': return parseChoice(text, q.choices.length);
    case 'order': return parseOrder(text, q.items.length);
    default: return null;
  }
}

/**
 * The verdict on `text` for question `q`: `{status: 'right' | 'wrong' | 'unreadable', value,
 * mistake}`; `mistake` is the first of `q.mistakes` (`{value, why}`) the answer matches when it
 * is wrong. A choice can be given as its index (a number) instead of text.
 */
export function check(q, text) {
  const value = typeof text === 'number' && q.type === 'choice' ? text : parse(q, text);
  if (value === null || value === undefined) return { status: 'unreadable', value: null, mistake: null };
  if (matches(q, value, q.answer)) return { status: 'right', value, mistake: null };
  const mistake = (q.mistakes || []).find((m) => matches(q, value, m.value)) || null;
  return { status: 'wrong', value, mistake };
}

/** The answer of `q` as a person would type it (what the page shows and the tests submit). */
export function answerText(q, value = q.answer) {
  switch (q.type) {
    case 'number': return fmt(value, 6);
    case 'shape': return value.join('×');
    case 'choice': return letter(value);
    case 'order': return letters(value);
    default: return String(value);
  }
}

/** Other ways to write the answer the checker must accept (the tests submit each). */
export function equivalentForms(q) {
  const a = q.answer;
  switch (q.type) {
    case 'number': {
      const out = [String(a), fmt(a, 8), `≈ ${fmt(a, 7)}`];
      if (Math.abs(a) < 10 && a !== 0) out.push(`${fmt(a * 100, 8)}%`);
      if (q.fraction) out.push(q.fraction);
      if (Number.isInteger(a) && Math.abs(a) >= 1000) out.push(fmtInt(a));
      if (a < 0) out.push(`\u2212${fmt(-a, 8)}`);
      return out;
    }
    case 'shape': return [a.join('x'), a.join(' × '), `(${a.join(', ')})`, `[${a.join(',')}]`, a.join('*')];
    case 'choice': return [letter(a).toLowerCase(), String(a + 1), `(${letter(a)})`];
    case 'order': return [letters(a).split('').join(' < '), letters(a).toLowerCase().split('').join(', '), a.map((i) => i + 1).join(' ')];
    default: return [];
  }
}

/** A wrong answer near the right one (the tests check the checker refuses it). */
export function perturbed(q) {
  const a = q.answer;
  switch (q.type) {
    case 'number': {
      const d = Math.max((q.tol?.abs ?? 0) * 20, Math.abs(a) * Math.max(0.05, (q.tol?.rel ?? 0) * 20), 1e-3);
      return fmt(a + d, 8);
    }
    case 'shape': return a.map((v, i) => (i === a.length - 1 ? v + 1 : v)).join('x');
    case 'choice': return letter((a + 1) % q.choices.length);
    case 'order': return letters([...a.slice(1), a[0]]);
    default: return '';
  }
}
