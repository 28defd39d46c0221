// Unit tests of www/labs/resize.formula.js, the inspector's text: `fmt` (its numbers),
// `methodKind` (which arithmetic a method's formula shows), and the lines and rows it builds from
// an inspection: filled in with the neighbours and weights of a real `RgbaImage.inspect()` (the
// built package in www/pkg, made by .ci/build.sh) on seeded random images, each line must read
// numbers that are the image's own pixels and that combine, as the line says, into its result
// and then into the pixel of the resized image. Those tests are skipped, with a message, only
// when www/pkg has not been built.
import test from 'node:test';
import assert from 'node:assert/strict';
import {
  fmt, methodKind, sub, sumTerms, premultiplied, coordExpr, centroid, whereLines, tapRows, formulaLines, channelRows,
  CH, MAX_TERMS, MAX_ROWS, MAX_NEIGHBOURS,
} from '../../www/labs/resize.formula.js';
import { lcg } from './kit.mjs';
import { loadApi, skipUnlessBuilt } from './load.mjs';

const back = (s) => Number(s.replace('−', '-'));

test('fmt keeps at most d decimals, drops trailing zeros and reads back within half a unit', () => {
  const rand = lcg(7);
  for (let k = 0; k < 2000; k++) {
    const v = (rand() - 0.5) * 10 ** ((k % 9) - 3);
    for (const d of [0, 1, 2, 4, 6]) {
      const text = fmt(v, d);
      assert.ok(Math.abs(back(text) - v) <= 0.5 * 10 ** -d + 1e-12 * Math.abs(v), `${v} d=${d}: ${text}`);
      const frac = text.split('.')[1] ?? '';
      assert.ok(frac.length <= d, `${text} has more than ${d} decimals`);
      assert.ok(!frac.endsWith('0'), `${text} ends in a zero`);
      assert.ok(!text.includes('-'), `${text}: the minus sign is U+2212`);
      assert.equal(text.startsWith('−'), back(text) < 0, text);
    }
  }
});

test('fmt: integers as they are, no negative zero, non-finite values spelled out', () => {
  assert.equal(fmt(451), '451');
  assert.equal(fmt(-3), '−3');
  assert.equal(fmt(-0), '0');
  assert.equal(fmt(-0.00001), '0', 'rounds to zero without a sign');
  assert.equal(fmt(0.1 + 0.2), '0.3');
  assert.equal(fmt(2 / 3, 6), '0.666667');
  assert.equal(fmt(NaN), 'NaN');
  assert.equal(fmt(-Infinity), '-Infinity');
});

test('methodKind groups the methods by the arithmetic their formula shows', () => {
  assert.equal(methodKind('nearest'), 'nearest');
  assert.equal(methodKind('bilinear'), 'bilinear');
  assert.equal(methodKind('bilinear_align_corners'), 'bilinear');
  assert.equal(methodKind('opencv'), 'opencv');
  assert.equal(methodKind('pillow'), 'pillow');
  for (const other of ['browser', 'canvas', '', undefined]) assert.equal(methodKind(other), 'browser');
});

test('sub, sumTerms and premultiplied', () => {
  assert.equal(sub(1), '₁');
  assert.equal(sub(1203), '₁₂₀₃');
  for (let n = 1; n <= 12; n++) {
    const terms = Array.from({ length: n }, (_, i) => `t${i}`);
    const s = sumTerms(terms);
    if (n <= MAX_TERMS) {
      assert.equal(s.split(' + ').length, n);
      assert.ok(!s.includes('…'));
    } else {
      const parts = s.split(' + ');
      assert.equal(parts.length, MAX_TERMS + 1, 'MAX_TERMS terms and the ellipsis');
      assert.deepEqual(parts.slice(0, MAX_TERMS - 2), terms.slice(0, MAX_TERMS - 2));
      assert.equal(parts[MAX_TERMS - 2], '…');
      assert.deepEqual(parts.slice(-2), terms.slice(-2));
    }
  }
  // Pillow's 8-bit premultiply is round(c·a/255), exactly, for every byte pair; alpha stays
  for (let c = 0; c < 256; c += 3) {
    for (let a = 0; a < 256; a += 5) {
      const p = [c, 255 - c, c >> 1, a];
      assert.equal(premultiplied(p, 0), Math.round((c * a) / 255), `${c}·${a}`);
      assert.equal(premultiplied(p, 1), Math.round(((255 - c) * a) / 255));
      assert.equal(premultiplied(p, 3), a);
    }
  }
});

test('coordExpr: the printed expression evaluates to the value it states', () => {
  const evalExpr = (e) => Function(`return (${e.replaceAll('·', '*').replaceAll('−', '-')});`)();
  for (const method of ['nearest', 'bilinear', 'bilinear_align_corners', 'opencv', 'pillow']) {
    for (const [inN, outN] of [[10, 25], [25, 10], [7, 7], [5, 1], [1, 5]]) {
      for (let i = 0; i < outN; i++) {
        const c = coordExpr(method, i, inN, outN);
        assert.ok(Math.abs(evalExpr(c.expr) - c.raw) < 1e-12, `${method} ${inN}->${outN} @${i}: ${c.expr} vs ${c.raw}`);
        if (c.copy) assert.equal(c.raw, i, 'a same-size axis copies');
      }
    }
  }
});

test('centroid puts the sample between the taps by their weights', () => {
  assert.equal(centroid([[4, 1]]), 0);
  assert.equal(centroid([[4, 0.25], [5, 0.75]]), 0.75);
  assert.equal(centroid([[4, 1024], [5, 1024]]), 0.5, 'integer weights: their share');
  assert.equal(centroid([[0, 0], [1, 0]]), 0, 'all-zero weights do not divide by zero');
});

// ---- the lines, filled in from real inspections -------------------------------------------

const skip = skipUnlessBuilt('pkg', '(the tests need the real inspect())');
let dl;
test.before(async () => {
  if (skip) return;
  dl = await loadApi(); // the checked API, as the pages use it
});

/** A translator that shows the key and its values, so a line's prose says which message it is. */
const tk = (key, vars) => (vars ? `${key} ${JSON.stringify(vars)}` : key);
/** The numbers of a line, in order (a real minus reads as one; subscripts are not digits). */
const nums = (text) => (text.replaceAll('−', '-').match(/-?\d+(?:\.\d+)?/g) || []).map(Number);
/** Half a unit of fmt's last decimal (4 by default): how far a printed number may be off. */
const HALF = 5e-5;

/** A seeded random w x h RGBA image: opaque, or with random alpha. */
function randomImage(w, h, seed, opaque) {
  const rand = lcg(seed);
  const bytes = new Uint8Array(w * h * 4);
  for (let i = 0; i < bytes.length; i++) {
    const v = Math.floor(rand() * 256);
    bytes[i] = opaque && i % 4 === 3 ? 255 : v;
  }
  return { w, h, bytes, px: (x, y) => [...bytes.subarray((y * w + x) * 4, (y * w + x) * 4 + 4)] };
}

const METHODS = ['nearest', 'bilinear', 'bilinear_align_corners', 'opencv', 'pillow'];
const SIZES = [[41, 30], [23, 17], [9, 7], [2, 40]];

/** Every (image, method, size, pixel) case: the inspection as the worker hands it to the page. */
function* inspections() {
  for (const [seed, opaque] of [[3, true], [11, false]]) {
    const src = randomImage(23, 17, seed, opaque);
    const img = dl.RgbaImage.fromRgba(src.bytes, src.w, src.h);
    for (const method of METHODS) {
      for (const [ow, oh] of SIZES) {
        const out = img.resize(ow, oh, method);
        const bytes = out.toBytes();
        out.free();
        for (const [x, y] of [[0, 0], [ow - 1, oh - 1], [ow >> 1, oh >> 2], [(ow * 2) / 3 | 0, (oh * 3) / 4 | 0]]) {
          const pixel = [...bytes.subarray((y * ow + x) * 4, (y * ow + x) * 4 + 4)];
          const ins = { ...img.inspect(ow, oh, method, x, y), x, y, w: ow, h: oh, method, pixel };
          yield { src, opaque, ins, what: `${method} 23x17->${ow}x${oh} @(${x},${y})${opaque ? '' : ' translucent'}` };
        }
      }
    }
    img.free();
  }
}

test('every formula line reads the image\'s own pixels and weights, and its arithmetic holds', { skip }, () => {
  const seen = { nearest: 0, bilinear: 0, opencv: 0, pillow: 0, elided: 0, premul: 0 };
  for (const { src, opaque, ins, what } of inspections()) {
    const kind = methodKind(ins.method);
    assert.deepEqual(ins.value, ins.pixel, `${what}: inspect() ends in the resized image's pixel`);
    const nx = ins.xs.length;
    for (let ch = 0; ch < 4; ch++) {
      const at = `${what} ch ${CH[ch]}`;
      const lines = formulaLines(ins, ch, tk);
      assert.ok(lines.length >= 2, at);
      for (const l of lines) assert.ok(['', 'note', 'sym', 'cont'].includes(l.cls), at);
      const math = lines.filter((l) => l.cls === '' || l.cls === 'cont').map((l) => l.text);
      if (kind === 'nearest') {
        seen.nearest++;
        const [x1, y1, v] = nums(math[0]).slice(-3);
        assert.deepEqual([x1, y1], [ins.xs[0][0], ins.ys[0][0]], at);
        assert.equal(v, src.px(x1, y1)[ch], `${at}: the copied pixel`);
        assert.equal(v, ins.pixel[ch], `${at}: is the output pixel`);
      } else if (kind === 'bilinear') {
        seen.bilinear++;
        const two = (taps) => taps.length === 2 && taps[0][0] !== taps[1][0];
        const rowValues = [];
        if (two(ins.xs)) {
          const [[x1, w1], [x2, w2]] = ins.xs;
          for (let k = 0; k < Math.min(ins.ys.length, MAX_ROWS); k++) {
            const sym = nums(math[2 * k]); // f(xe, yk) = f(x1, yk)·(x2 − xe)/(x2 − x1) + ...
            const [xe] = sym;
            assert.ok(Math.abs((x2 - xe) / (x2 - x1) - w1) <= 2 * HALF, `${at}: (x₂ − x)/(x₂ − x₁) is w₁`);
            assert.ok(Math.abs((xe - x1) / (x2 - x1) - w2) <= 2 * HALF, `${at}: (x − x₁)/(x₂ − x₁) is w₂`);
            const [a, pw1, b, pw2, r] = nums(math[2 * k + 1]); // = a · w1 + b · w2 = r
            const yk = ins.ys[k][0];
            assert.equal(a, src.px(x1, yk)[ch], `${at}: f(x₁, y${sub(k + 1)})`);
            assert.equal(b, src.px(x2, yk)[ch], `${at}: f(x₂, y${sub(k + 1)})`);
            assert.ok(Math.abs(pw1 + pw2 - 1) <= 2 * HALF, `${at}: the weights sum to 1`);
            assert.ok(Math.abs(a * pw1 + b * pw2 - r) <= 255 * 2 * HALF + HALF, `${at}: ${a}·${pw1} + ${b}·${pw2} vs ${r}`);
            rowValues.push(r);
          }
        }
        const last = nums(math[math.length - 1]); // ⌊e + 0.5⌋ = v
        const e = last[0];
        assert.equal(last[2], ins.pixel[ch], `${at}: the rounding ends in the output pixel`);
        assert.ok(Math.abs(e + 0.5 - (ins.pixel[ch] + 0.5)) <= 0.5 + HALF, `${at}: ⌊${e} + 0.5⌋ = ${ins.pixel[ch]}`);
        if (two(ins.ys) && two(ins.xs)) {
          const [r1, pw1, r2, pw2, pe] = nums(math[math.length - 2]); // = r1 · w1 + r2 · w2 = e
          assert.deepEqual([r1, r2], rowValues.slice(0, 2), `${at}: the vertical pass reads the rows above`);
          assert.ok(Math.abs(r1 * pw1 + r2 * pw2 - pe) <= 255 * 2 * HALF + HALF, `${at}: vertical pass`);
          assert.equal(pe, e);
        }
      } else if (kind === 'opencv') {
        seen.opencv++;
        assert.equal(ins.weight_scale, 2048);
        const [[x1, c1], [x2, c2]] = ins.xs;
        assert.equal(c1 + c2, 2048, `${at}: 11-bit weights sum to 2048`);
        const R = [];
        ins.ys.forEach(([yk], k) => {
          const [a, pc1, b, pc2, shift, r] = nums(math[2 * k + 1]); // = (a · c1 + b · c2) >> 4 = r
          assert.deepEqual([a, b], [src.px(x1, yk)[ch], src.px(x2, yk)[ch]], at);
          assert.deepEqual([pc1, pc2, shift], [c1, c2, 4], at);
          assert.equal((a * c1 + b * c2) >> 4, r, `${at}: R${sub(k + 1)}`);
          R.push(r);
        });
        const [b1, r1, s1, b2, r2, s2, two, s3, e] = nums(math[math.length - 1]);
        assert.deepEqual([b1, b2], ins.ys.map(([, b]) => b), at);
        assert.deepEqual([r1, r2], R, `${at}: the vertical pass reads R₁ and R₂`);
        assert.deepEqual([s1, s2, two, s3], [16, 16, 2, 2], at);
        assert.equal(((b1 * r1) >> 16) + ((b2 * r2) >> 16) + 2 >> 2, e, `${at}: the vertical pass`);
        assert.equal(Math.min(255, Math.max(0, e)), ins.pixel[ch], `${at}: saturated, the output pixel`);
      } else if (kind === 'pillow') {
        seen.pillow++;
        const premul = !opaque && ch < 3 && ins.neighbours.some((p) => p[3] !== 255);
        assert.equal(lines[0].text, premul ? 'resize.ins.pillow_premul' : 'resize.ins.pillow_sum', at);
        if (premul) seen.premul++;
        const K = 4194304;
        const rowLines = math.filter((l) => l.startsWith('f(x, '));
        assert.equal(rowLines.length, Math.min(ins.ys.length, MAX_ROWS), at);
        const rowsShown = [];
        rowLines.forEach((text, k) => {
          const yk = ins.ys[k][0];
          const n = nums(text);
          assert.equal(n[0], yk, at);
          const r = n[n.length - 1];
          assert.equal(n[n.length - 2], K, at);
          const pairs = n.slice(1, -2);
          const expected = ins.xs.map(([xi, kw]) => [kw, premultiplied(src.px(xi, yk), ch)]);
          if (ins.xs.length <= MAX_TERMS) {
            assert.deepEqual(pairs, expected.flat(), `${at}: row ${yk} reads k·f′ of its taps`);
            const sum = expected.reduce((acc, [kw, p]) => acc + kw * p, 0) / K;
            assert.ok(Math.abs(sum - r) <= HALF, `${at}: row ${yk}: ${sum} vs ${r}`);
          } else {
            seen.elided++;
            assert.ok(text.includes('…'), at);
            const shown = [...expected.slice(0, MAX_TERMS - 2), ...expected.slice(-2)].flat();
            assert.deepEqual(pairs, shown, `${at}: the first and last terms around the ellipsis`);
          }
          // every premultiplied input is round(c·a/255), computed here on the image's own bytes
          for (const [xi] of ins.xs) {
            const p = src.px(xi, yk);
            assert.equal(premultiplied(p, ch), ch === 3 ? p[3] : Math.round((p[ch] * p[3]) / 255));
          }
          rowsShown.push(r);
        });
        const total = ins.xs.reduce((a, [, kw]) => a + kw, 0);
        assert.ok(Math.abs(total - K) <= ins.xs.length, `${at}: the coefficients sum to 2²²`);
        const fin = nums(math[math.length - 1]); // = (k1 · r1 + ...) / 4194304 = e
        const e = fin[fin.length - 1];
        if (ins.ys.length <= Math.min(MAX_TERMS, MAX_ROWS)) {
          const pairs = fin.slice(0, -2);
          assert.deepEqual(pairs.filter((_, i) => i % 2 === 1), rowsShown, `${at}: the vertical pass reads the rows above`);
          const sum = ins.ys.reduce((acc, [, kw], k) => acc + kw * rowsShown[k], 0) / K;
          assert.ok(Math.abs(sum - e) <= 2 * HALF, `${at}: vertical pass ${sum} vs ${e}`);
        }
        if (opaque) assert.ok(Math.abs(e - ins.pixel[ch]) <= 1, `${at}: Pillow's stored byte is within 1 of ${e}`);
      }
    }
  }
  for (const [k, n] of Object.entries(seen)) assert.ok(n > 0, `no ${k} case was checked`);
});

test('the coordinate lines state the source coordinate inspect() found', { skip }, () => {
  for (const { ins, src, what } of inspections()) {
    const lines = whereLines(ins, src.w, src.h, tk);
    assert.equal(lines[0].cls, 'note', what);
    assert.match(lines[0].text, /^resize\.ins\.rule_/, what);
    for (const [axis, got, taps] of [['x', ins.src_x, ins.xs], ['y', ins.src_y, ins.ys]]) {
      const i = lines.findIndex((l) => l.text.startsWith(`${axis} = `));
      const text = lines[i].text;
      const n = nums(text);
      if (methodKind(ins.method) === 'nearest') {
        // x = i · in/out = raw → x₁ = ⌊raw⌋ = tap
        assert.equal(n[n.length - 1], taps[0][0], what);
        assert.equal(Math.floor(n[n.length - 2]), taps[0][0], `${what}: ⌊${axis}⌋ is the tap`);
      } else {
        assert.ok(Math.abs(n[n.length - 1] - got) <= HALF, `${what}: ${text} ends in ${got}`);
        const clamped = text.includes('→');
        const next = lines[i + 1];
        const sameSize = axis === 'x' ? src.w === ins.w : src.h === ins.h;
        if (methodKind(ins.method) === 'bilinear' && sameSize) {
          assert.equal(next.text, `resize.ins.copy_axis {"axis":"${axis}"}`, `${what}: a same-size axis says it copies`);
        } else if (clamped) assert.equal(next.text, `resize.ins.clamped {"axis":"${axis}"}`, what);
        else assert.ok(!next || !next.text.startsWith('resize.ins.clamped '), what);
      }
    }
  }
});

test('the taps table and the all-channels table list inspect()\'s numbers', { skip }, () => {
  for (const { ins, what } of inspections()) {
    const rows = tapRows(ins);
    assert.equal(rows.length, ins.xs.length + ins.ys.length, what);
    const taps = [...ins.xs, ...ins.ys];
    rows.forEach(([axis, index, weight], r) => {
      const [idx, w] = taps[r];
      assert.equal(axis, r === 0 ? 'x' : r === ins.xs.length ? 'y' : '', what);
      assert.equal(nums(index)[0], idx, what);
      const wn = nums(weight);
      if (ins.weight_scale === 1) assert.ok(Math.abs(wn[0] - w) <= 5e-7, `${what}: ${weight}`);
      else {
        assert.equal(wn[0], w, what);
        assert.ok(Math.abs(wn[wn.length - 1] - w / ins.weight_scale) <= 5e-7, `${what}: ${weight}`);
      }
    });
    const kind = methodKind(ins.method);
    const table = channelRows(ins, tk);
    const nb = ins.neighbours.length;
    const expectRows = Math.min(nb, MAX_NEIGHBOURS) + (nb > MAX_NEIGHBOURS ? 1 : 0)
      + (kind === 'nearest' ? 0 : Math.min(ins.rows.length, MAX_ROWS) + 1) + 1;
    assert.equal(table.length, expectRows, what);
    const nx = ins.xs.length;
    table.slice(0, Math.min(nb, MAX_NEIGHBOURS)).forEach((row, i) => {
      assert.deepEqual(nums(row.label), [ins.xs[i % nx][0], ins.ys[Math.floor(i / nx)][0]], what);
      assert.deepEqual(row.vals, ins.neighbours[i], what);
    });
    const last = table[table.length - 1];
    assert.deepEqual([last.label, last.vals, last.cls], ['resize.ins.value_short', ins.value, 'strong'], what);
  }
});
