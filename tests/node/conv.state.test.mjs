// Unit tests of the convolution lab's pure state module (www/labs/conv.state.js): the stack <-> hash
// codec, the presets, and reading / writing the lab's knobs through a real URL-hash string.
import test from 'node:test';
import assert from 'node:assert/strict';
import { parseHash, formatHash } from '../../www/app/state.js';
import {
  PRESETS, DEFAULT_PRESET, SAMPLES, FM_KERNELS, FM_POOLS, presetStack, encodeStack, decodeStack, sameStack,
  clampInt, defaultState, applyHash, stateToHash,
} from '../../www/labs/conv.state.js';

/** S -> the hash string a page would carry -> a fresh state read back from it. */
const throughHash = (S) => applyHash(defaultState(), parseHash(`#${formatHash(stateToHash(S))}`));

test('every preset survives encode -> decode, and its text names each layer once', () => {
  assert.ok(Object.keys(PRESETS).length >= 5);
  for (const [name, layers] of Object.entries(PRESETS)) {
    const text = encodeStack(layers);
    assert.equal(text.split('_').length, layers.length, name);
    assert.match(text, /^[cma]\d+(\.\d+)*(_[cma]\d+(\.\d+)*)*$/, name);
    assert.deepEqual(decodeStack(text), layers, name);
    assert.ok(sameStack(decodeStack(text), layers), name);
  }
});

test('presets differ from one another and presetStack hands out copies', () => {
  const texts = Object.values(PRESETS).map(encodeStack);
  assert.equal(new Set(texts).size, texts.length);
  const a = presetStack('vgg');
  a[0].k = 99;
  assert.notEqual(PRESETS.vgg[0].k, 99, 'editing a copy leaves the preset alone');
  assert.notEqual(presetStack('vgg')[0], PRESETS.vgg[0]);
  assert.deepEqual(defaultState().stack, PRESETS[DEFAULT_PRESET]);
});

test('the whole state of every preset round-trips through the URL hash', () => {
  for (const name of Object.keys(PRESETS)) {
    const S = defaultState();
    S.stack = presetStack(name);
    S.cell = [3, 41];
    S.seed = 777;
    S.draws = 5;
    S.show = { box: false, support: true, erf: true };
    S.compare = true;
    S.image = 'chelsea';
    S.sl = { s: 2, p: 0, d: 3, step: 4 };
    S.fm = { kernel: 'custom', custom: [1, -2.5, 3, 0, 0, 0, -1, 0.125, 1e-3], pool: 'avg', dx: -7, dy: 12 };
    assert.deepEqual(throughHash(S), S, name);
  }
  // Defaults drop the keys they do not need (an own image and a non-custom kernel leave no trace).
  const h = stateToHash(defaultState());
  assert.equal(h.img, null);
  assert.equal(h.fw, null);
  assert.equal(h.cmp, null);
  assert.deepEqual(throughHash(defaultState()), defaultState());
});

test('an empty hash gives the defaults; an old-style preset link still works', () => {
  assert.deepEqual(applyHash(defaultState(), {}), defaultState());
  for (const name of Object.keys(PRESETS)) {
    assert.deepEqual(applyHash(defaultState(), parseHash(`#preset=${name}`)).stack, PRESETS[name]);
  }
  // A stack in the hash wins over a preset name.
  const st = parseHash(`#preset=vgg&stack=${encodeStack(PRESETS.resnet)}`);
  assert.deepEqual(applyHash(defaultState(), st).stack, PRESETS.resnet);
  // Writing the state drops the preset key, so the stack alone says what runs.
  assert.equal(stateToHash(defaultState()).preset, null);
});

test('malformed stack texts decode to null', () => {
  const good = encodeStack(PRESETS.vgg6);
  for (const bad of ['', 'x', 'c', 'c3', 'c3.1.1', 'c3.1.1.1.16', 'c3.1.1.1.16.1.9', 'm2.2', 'a2.2.0.1',
    'c3.1.1.1.16.1_', '_c3.1.1.1.16.1', 'c3..1.1.16.1', 'c-3.1.1.1.16.1', 'c3.1.1.1.16.1 ', 'C3.1.1.1.16.1',
    'p2.2.0', `${good}_z1`, 'c3.1.1.1.1e3.1', 'c3.1.1.1.0x10.1']) {
    assert.equal(decodeStack(bad), null, JSON.stringify(bad));
  }
  assert.equal(decodeStack(undefined), null);
  assert.equal(decodeStack(null), null);
});

test('a malformed hash falls back cleanly: kept values stay, the rest take defaults', () => {
  const before = defaultState();
  before.stack = presetStack('resnet');
  before.show = { box: false, support: false, erf: true };
  before.sl = { s: 2, p: 2, d: 2, step: 3 };
  before.fm = { kernel: 'blur', custom: [1, 2, 3, 4, 5, 6, 7, 8, 9], pool: 'max', dx: 9, dy: 9 };
  const S = structuredClone(before);
  applyHash(S, parseHash('#stack=c3.1&preset=toString&cell=1,x&seed=abc&draws=&show=12x&cmp=yes&img=own'
    + '&slide=1,2,3&fk=laplace&fw=1,2,3&pool=min&dx=1e9&dy=--3'));
  assert.deepEqual(S.stack, before.stack, 'a bad stack and an unknown preset keep the stack');
  assert.deepEqual(S.show, before.show);
  assert.deepEqual(S.sl, before.sl);
  assert.equal(S.fm.kernel, 'blur');
  assert.deepEqual(S.fm.custom, before.fm.custom);
  assert.equal(S.fm.pool, 'max');
  const d = defaultState();
  assert.equal(S.cell, null);
  assert.equal(S.seed, d.seed);
  assert.equal(S.draws, d.draws);
  assert.equal(S.compare, false);
  assert.equal(S.image, 'astronaut');
  assert.equal(S.fm.dx, 32, 'an out-of-range shift is clamped');
  assert.equal(S.fm.dy, d.fm.dy);
});

test('hash values are clamped into the ranges the controls allow', () => {
  const S = applyHash(defaultState(), parseHash('#seed=-5&draws=1000&slide=9,-4,0,-2&dx=-99&dy=2.7&cell=900,1'));
  assert.equal(S.seed, 0);
  assert.equal(S.draws, 32);
  assert.deepEqual(S.sl, { s: 3, p: 0, d: 1, step: 0 });
  assert.equal(S.fm.dx, -32);
  assert.equal(S.fm.dy, 2, 'shifts are whole pixels');
  assert.deepEqual(S.cell, [900, 1], 'the cell is clamped later, against the last map');
});

test('the validation lists match what the codec writes', () => {
  for (const k of FM_KERNELS) {
    const S = defaultState();
    S.fm.kernel = k;
    assert.equal(throughHash(S).fm.kernel, k);
  }
  for (const p of FM_POOLS) {
    const S = defaultState();
    S.fm.pool = p;
    assert.equal(throughHash(S).fm.pool, p);
  }
  for (const img of Object.keys(SAMPLES)) {
    const S = defaultState();
    S.image = img;
    assert.equal(throughHash(S).image, img);
  }
});

test('clampInt rounds into [lo, hi] and reads non-numbers as 0', () => {
  for (const [v, lo, hi] of [[2.5, 0, 9], [-3, 1, 3], [7, 1, 3], ['2', 0, 5], ['x', 1, 3], [NaN, -2, 2], [Infinity, 0, 4], [-Infinity, 0, 4]]) {
    const r = clampInt(v, lo, hi);
    assert.ok(Number.isInteger(r) && r >= lo && r <= hi, `${v} -> ${r}`);
  }
  assert.equal(clampInt(2.4, 0, 9), 2);
  assert.equal(clampInt('x', -5, 5), 0);
  assert.equal(clampInt(Infinity, 0, 4), 4);
});
