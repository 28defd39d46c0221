// Unit tests of the resize lab's pure state module (www/labs/resize.state.js): the state <-> URL
// hash codec through real hash strings (round trips, links in the format the page has always
// written, malformed values falling back), and the derivations the page and the job loop share.
import test from 'node:test';
import assert from 'node:assert/strict';
import { parseHash, formatHash } from '../../www/app/state.js';
import {
  SAMPLES, SOURCES, METHODS, B_METHODS, CONVENTIONS, QUALITIES, VIEWS, CHANNELS, SCALE_MIN, SCALE_MAX, SLIDER_STEPS,
  defaultState, applyHash, stateToHash, methodA, outSize, snapshot, srcOfKind, sliderOfScale, scaleOfSlider, mp,
  isSizeRefusal, round,
} from '../../www/labs/resize.state.js';
import { lcg } from './kit.mjs';

/** The hash string the page writes for S (and a viewer's zoom and pan). */
const encode = (S, view = null) => formatHash(stateToHash(S, view));
/** A fresh state read from a hash string. */
const decode = (hash) => applyHash(defaultState(), parseHash(`#${hash}`));

/** A seeded generator of states the page can be in, with only the fields the link records set
 * (the others keep their defaults, as a page reading the link would have them). */
function* states(n, seed = 12345) {
  const rnd = lcg(seed);
  const of = (list) => list[Math.floor(rnd() * list.length)];
  for (let k = 0; k < n; k++) {
    const S = defaultState();
    S.src = of(SOURCES);
    if (rnd() < 0.5) {
      S.sizeMode = 'size';
      S.w = 1 + Math.floor(rnd() * 20000);
      S.h = 1 + Math.floor(rnd() * 20000);
    } else {
      S.s = round(SCALE_MIN + rnd() * (SCALE_MAX - SCALE_MIN), 3);
    }
    S.lock = rnd() < 0.5;
    S.m = of(METHODS);
    S.conv = of(CONVENTIONS);
    if (S.m === 'browser') S.q = of(QUALITIES);
    S.b = of(B_METHODS);
    S.v = of(VIEWS);
    if (rnd() < 0.7) S.pick = { x: Math.floor(rnd() * 5000), y: Math.floor(rnd() * 5000) };
    S.pickSlot = rnd() < 0.5 ? 'b' : 'a';
    S.ch = Math.floor(rnd() * 4);
    if (S.v === 'split') S.split = round(rnd(), 3);
    yield S;
  }
}

test('every state round-trips through the URL hash, and writing it again gives the same link', () => {
  let seen = 0;
  for (const S of states(500)) {
    const hash = encode(S);
    const back = decode(hash);
    assert.deepEqual(back, S, hash);
    assert.equal(encode(back), hash, 'the decoded state writes the same link');
    seen++;
  }
  assert.equal(seen, 500);
});

test('the zoom and pan of a shown result go into the link and come back as the initial view', () => {
  for (const S of states(50, 99)) {
    const view = { z: 1 / 3 + S.ch, cx: 10.123456 * (S.ch + 1), cy: -4.5 + S.split };
    const back = decode(encode(S, view));
    assert.deepEqual(back.initialView, { z: round(view.z, 4), cx: round(view.cx, 2), cy: round(view.cy, 2) });
    assert.deepEqual({ ...back, initialView: null }, S);
  }
  assert.equal(decode(encode(defaultState())).initialView, null, 'no view before a result: no zoom in the link');
});

test('the defaults write a short link that names only what a reader needs', () => {
  const h = stateToHash(defaultState());
  for (const k of ['size', 'lock', 'q', 'px', 'py', 'pk', 'ch', 'z', 'cx', 'cy']) assert.equal(h[k], null, k);
  assert.equal(encode(defaultState()), 'src=photo&s=2&m=bilinear&conv=half&b=nearest&v=split&sp=0.5');
  assert.deepEqual(decode(''), defaultState(), 'an empty hash is the default page');
});

test('links in the format the page has always written open the states they name', () => {
  // the e2e tests' and README's links, and one with every key
  assert.deepEqual(decode('lang=en&src=own&s=2'), { ...defaultState(), src: 'own' });
  const every = decode('lang=zh&src=chart&size=300x120&lock=0&m=browser&conv=corners&q=low&b=pillow&v=side'
    + '&px=100&py=50&pk=b&ch=g&sp=0.25&z=2&cx=120.5&cy=60');
  assert.deepEqual(every, {
    src: 'chart', sizeMode: 'size', s: 2, w: 300, h: 120, lock: false, m: 'browser', conv: 'corners', q: 'low',
    b: 'pillow', v: 'side', pick: { x: 100, y: 50 }, pickSlot: 'b', ch: 1, split: 0.25,
    initialView: { z: 2, cx: 120.5, cy: 60 },
  });
  // a size wins over a scale; every B method and every channel name is read back
  assert.equal(decode('s=3&size=10x20').sizeMode, 'size');
  for (const b of B_METHODS) assert.equal(decode(`b=${b}`).b, b);
  CHANNELS.forEach((c, i) => assert.equal(decode(`ch=${c}`).ch, i));
});

test('malformed values fall back to working ones', () => {
  const d = defaultState();
  const S = decode('src=http://x&s=abc&lock=no&m=bicubic&conv=edge&q=ultra&b=lanczos&v=grid&px=12&pk=c&ch=x&sp=&z=zz&cy=1');
  assert.deepEqual({ ...S, initialView: null }, { ...d, lock: true });
  assert.ok(S.initialView && S.initialView.z === 1 && Number.isNaN(S.initialView.cx) && S.initialView.cy === 1,
    'an unreadable zoom is 1; an unreadable centre is NaN, which the page ignores');
  assert.equal(S.pick, null, 'px without py is no pick');
  // out-of-range numbers are clamped into what the controls allow
  assert.equal(decode('s=100').s, SCALE_MAX);
  assert.equal(decode('s=0').s, SCALE_MIN);
  assert.equal(decode('s=-3').s, SCALE_MIN);
  assert.equal(decode('s=').s, 2);
  assert.equal(decode('sp=7').split, 1);
  assert.equal(decode('sp=-1').split, 0);
  assert.equal(decode('z=0').initialView.z, 1 / 64);
  assert.equal(decode('z=1e9').initialView.z, 256);
  assert.deepEqual(decode('px=-5&py=3.9').pick, { x: 0, y: 3 }, 'a pick is a whole, non-negative pixel');
  assert.deepEqual(decode('px=&py=2').pick, { x: 0, y: 2 });
  // sizes: 1 to 6 digits per side, at least 1; anything else keeps the scale mode
  assert.deepEqual([decode('size=0x5').w, decode('size=0x5').h], [1, 5]);
  assert.equal(decode('size=999999x1').w, 999999);
  for (const bad of ['1234567x2', '12x', 'x12', '12*12', '-3x4', '3x4x5', '3.5x4', ' 3x4']) {
    const T = decode(`size=${encodeURIComponent(bad)}&s=3`);
    assert.equal(T.sizeMode, 'scale', bad);
    assert.equal(T.s, 3, bad);
    assert.equal(T.w, null, bad);
  }
});

test('methodA folds the convention and the quality into the worker\'s method names', () => {
  const names = new Set();
  for (const m of METHODS) {
    for (const conv of CONVENTIONS) {
      for (const q of QUALITIES) {
        const a = methodA({ m, conv, q });
        names.add(a);
        assert.ok(B_METHODS.includes(a) || a === 'browser-medium', `${m}/${conv}/${q} -> ${a}`);
        if (m !== 'bilinear' && m !== 'browser') assert.equal(a, m);
      }
    }
  }
  assert.ok(names.has('bilinear') && names.has('bilinear_align_corners') && names.has('browser-low'));
  assert.equal(names.size, 8, 'nearest, 2 bilinear, opencv, pillow, 3 browser');
});

test('outSize scales the input (at least 1x1) or takes W x H as given', () => {
  assert.equal(outSize(defaultState(), null), null);
  for (const S of states(200, 7)) {
    const src = { w: 1 + (S.pick?.x ?? 450), h: 1 + (S.pick?.y ?? 300) };
    const o = outSize(S, src);
    assert.ok(Number.isInteger(o.w) && Number.isInteger(o.h) && o.w >= 1 && o.h >= 1);
    if (S.sizeMode === 'size') assert.deepEqual(o, { w: S.w, h: S.h });
    else {
      assert.ok(Math.abs(o.w - src.w * S.s) <= 0.5 || o.w === 1, `${src.w} * ${S.s} -> ${o.w}`);
      assert.ok(Math.abs(o.h - src.h * S.s) <= 0.5 || o.h === 1);
    }
  }
  assert.deepEqual(outSize({ ...defaultState(), s: 0.1 }, { w: 4, h: 2 }), { w: 1, h: 1 });
});

test('the scale slider is logarithmic, monotone and maps back to itself within its rounding', () => {
  assert.equal(sliderOfScale(SCALE_MIN), 0);
  assert.equal(sliderOfScale(SCALE_MAX), SLIDER_STEPS);
  assert.equal(sliderOfScale(SCALE_MIN / 10), 0, 'clamped below');
  assert.equal(sliderOfScale(SCALE_MAX * 10), SLIDER_STEPS, 'clamped above');
  const mid = Math.sqrt(SCALE_MIN * SCALE_MAX);
  assert.equal(sliderOfScale(mid), SLIDER_STEPS / 2, 'the geometric mean sits in the middle');
  let prev = -Infinity;
  for (let pos = 0; pos <= SLIDER_STEPS; pos++) {
    const s = scaleOfSlider(pos);
    assert.ok(s >= prev, `monotone at ${pos}`);
    prev = s;
    assert.ok(s >= SCALE_MIN && s <= SCALE_MAX);
    const decimals = (String(s).split('.')[1] ?? '').length;
    assert.ok(decimals <= (s < 1 ? 2 : 1), `${s} shown with too many decimals`);
    // the rounding moves the slider by at most the width of one rounding step
    const exact = SCALE_MIN * (SCALE_MAX / SCALE_MIN) ** (pos / SLIDER_STEPS);
    assert.ok(Math.abs(s - exact) <= (exact < 1 ? 0.005 : 0.05) + 1e-12, `${pos}: ${s} vs ${exact}`);
  }
});

test('snapshot, srcOfKind, mp and isSizeRefusal', () => {
  const S = { ...defaultState(), sizeMode: 'size', w: 3, h: 4, m: 'pillow', pick: { x: 1, y: 1 } };
  assert.deepEqual(Object.keys(snapshot(S)).sort(), ['conv', 'h', 'm', 'q', 's', 'sizeMode', 'w']);
  assert.equal(snapshot(S).m, 'pillow');
  assert.equal(srcOfKind('file'), 'own');
  assert.equal(srcOfKind('chart'), 'chart');
  assert.equal(srcOfKind('sample'), 'photo');
  for (const [key, spec] of Object.entries(SAMPLES)) assert.equal(srcOfKind(spec.kind), key);
  assert.equal(mp(1000, 1000), '1');
  assert.equal(mp(300, 200), '0.06');
  assert.equal(mp(8192, 8192), '67.1');
  assert.ok(isSizeRefusal({ code: 'too_wide', vars: {} }));
  assert.ok(isSizeRefusal({ code: 'pixel_limit', vars: { what: 'output' } }));
  assert.ok(!isSizeRefusal({ code: 'pixel_limit', vars: { what: 'input' } }), 'a too-large input is not a size setting');
  assert.ok(!isSizeRefusal({ code: 'bad_size', vars: {} }));
});

test('largestFit: the largest factor (3 decimals) or size under both limits, and one step more is over', async () => {
  const { largestFit } = await import('../../www/labs/resize.state.js');
  const limits = { maxPixels: 64 * 1024 * 1024, maxSide: 32767 };
  const fits = ({ w, h }) => w <= limits.maxSide && h <= limits.maxSide && w * h <= limits.maxPixels;
  const cases = [
    [{ w: 4032, h: 3024 }, 3, 2.346], [{ w: 1920, h: 1080 }, 8, 5.688], [{ w: 20000, h: 600 }, 2, 1.638],
    [{ w: 4800, h: 3600 }, 2, 1.97], [{ w: 32767, h: 1 }, 8, 1], [{ w: 8192, h: 8192 }, 2, 1],
  ];
  for (const [src, s, want] of cases) {
    const S = { ...defaultState(), s };
    const fit = largestFit(S, src, limits);
    assert.equal(fit.sizeMode, 'scale');
    assert.equal(fit.s, want, `${src.w}x${src.h} at x${s}`);
    assert.ok(fits(outSize({ ...S, ...fit }, src)));
    assert.ok(!fits(outSize({ ...S, s: round(want + 0.001, 3) }, src)), `x${want} + 0.001 is over`);
  }
  const rnd = lcg(9);
  for (let k = 0; k < 2000; k++) {
    const src = { w: 1 + Math.floor(rnd() * 32767), h: 1 + Math.floor(rnd() * 2048) };
    const S = { ...defaultState(), s: SCALE_MIN + rnd() * (SCALE_MAX - SCALE_MIN) };
    const fit = largestFit(S, src, limits);
    assert.ok(fits(outSize({ ...S, ...fit }, src)), `${src.w}x${src.h} x${S.s} -> ${JSON.stringify(fit)}`);
    assert.ok(fit.sizeMode === 'size' || fit.s <= S.s);
  }
  // W x H mode: the asked size shrunk with its aspect
  const sized = largestFit({ ...defaultState(), sizeMode: 'size', w: 40000, h: 20000 }, { w: 10, h: 10 }, limits);
  assert.equal(sized.sizeMode, 'size');
  assert.ok(fits(sized) && sized.w === 11585 && sized.h === 5792, JSON.stringify(sized));
});

test('applyHash names the values it could not use, and only those', () => {
  const rejectedOf = (hash) => {
    const rejected = [];
    applyHash(defaultState(), parseHash(`#${hash}`), rejected);
    return rejected;
  };
  assert.deepEqual(rejectedOf('src=chart&s=1.5&m=opencv&v=side&b=pillow&px=3&py=4&sp=0.25&z=2&cx=1&cy=2&ch=g&pk=b&lock=0'), []);
  assert.deepEqual(rejectedOf('size=300x200&m=nearest'), []);
  assert.deepEqual(rejectedOf('src=<img>&s=1e309&m=javascript:x&px=-1&z=NaN&ch=q&lock=2'),
    [['src', '<img>'], ['m', 'javascript:x'], ['s', '1e309'], ['lock', '2'], ['ch', 'q'], ['px', '-1'], ['z', 'NaN']]);
  assert.deepEqual(rejectedOf('size=0x5'), [['size', '0x5']]);
  assert.deepEqual(rejectedOf('s=9'), [['s', '9']], 'clamped to 8: named');
  assert.deepEqual(rejectedOf('s='), [['s', '']]);
});
