// The checked API (www/app/api.js) in front of the built package: every JS-type row of issue 9's
// table throws a clear TypeError/RangeError from the facade, naming the export and the
// parameter, before anything reaches wasm-bindgen's glue; the handle involved stays usable.
// Skipped, with a message, only when www/pkg has not been built.
import { test, before } from 'node:test';
import assert from 'node:assert/strict';
import { skipUnlessBuilt, wasmBytes } from './load.mjs';

const skip = skipUnlessBuilt();

let dl; // the facade
let raw; // the generated package (internal)

before(async () => {
  if (skip) return;
  dl = await import('../../www/app/api.js');
  raw = await import('../../www/pkg/dlplay.js');
  dl.initSync({ module: wasmBytes() }); // the facade's synchronous init (loadApi uses the async one)
});

/** `f` throws `Kind` whose message matches `re`, and nothing trapped. */
function throwsClear(f, Kind, re) {
  assert.throws(f, (e) => {
    assert.equal(e.constructor, Kind, `${e.constructor.name}: ${e.message}`);
    assert.match(e.message, re);
    assert.doesNotMatch(e.message, /unreachable|memory access|recursive use|null pointer|panicked/);
    return true;
  });
}

const T = (shape, fill = (i) => Math.sin(i + 1)) => {
  const n = shape.reduce((a, b) => a * b, 1);
  return new dl.Tensor(Float32Array.from({ length: n }, (_, i) => fill(i)), shape);
};

test('the facade covers every export of the package, and exports every name of its table', { skip }, () => {
  const { missing, stale } = dl.makeApi(raw);
  assert.deepEqual(missing, [], 'raw exports without a facade entry');
  assert.deepEqual(stale, [], 'facade entries the package lacks');
  for (const name of [...Object.keys(dl.SPEC.functions), ...Object.keys(dl.SPEC.classes)]) {
    assert.equal(typeof dl[name], 'function', name);
  }
});

test('parsePointsCsv({}): TypeError naming text (was: memory access out of bounds in the glue)', { skip }, () => {
  throwsClear(() => dl.parsePointsCsv({}), TypeError, /^parsePointsCsv: text must be a string, got an object$/);
  assert.equal(dl.parsePointsCsv('0,0,1\n1,1,0\n0,1,1\n1,0,0').points.length, 4);
});

test('new Optimizer(-1, {}): TypeError naming kind', { skip }, () => {
  throwsClear(() => new dl.Optimizer(-1, {}), TypeError, /^new Optimizer: kind must be a string, got -1$/);
  assert.ok(new dl.Optimizer('adam', {}) instanceof dl.Optimizer);
});

test('mseLoss(a, b, 7n): TypeError naming reduction', { skip }, () => {
  const a = T([2, 3]);
  const b = T([2, 3], () => 0);
  throwsClear(() => dl.mseLoss(a, b, 7n), TypeError, /^mseLoss: reduction must be a string, got 7n$/);
  assert.ok(Number.isFinite(dl.mseLoss(a, b).item()));
});

test('new Tensor({length: -1}, [0, 2, 2]): TypeError naming data (was: unreachable in the glue)', { skip }, () => {
  throwsClear(() => new dl.Tensor({ length: -1 }, [0, 2, 2]), TypeError, /^new Tensor: data must be a Float32Array or an array of numbers/);
  throwsClear(() => new dl.Tensor([], { length: -1 }), TypeError, /^new Tensor: shape must be/);
  throwsClear(() => new dl.Tensor([1, 'x'], [2]), TypeError, /element 1 is "x"/);
  throwsClear(() => new dl.Tensor([1, , 3], [3]), TypeError, /element 1 is a hole/); // eslint-disable-line no-sparse-arrays
  throwsClear(() => dl.Tensor.zeros([2, -1]), RangeError, /^Tensor\.zeros: shape .* element 1 is -1$/);
  throwsClear(() => dl.Tensor.zeros([2.5]), RangeError, /element 0 is 2\.5/);
  assert.deepEqual([...new dl.Tensor([], [0, 2, 2]).shape], [0, 2, 2]);
});

test('rocCurve(labels, {length: -1}): TypeError naming scores', { skip }, () => {
  const labels = Uint8Array.of(0, 1, 1, 0);
  throwsClear(() => dl.rocCurve(labels, { length: -1 }), TypeError, /^rocCurve: scores must be a Float32Array or an array of numbers, got an object$/);
  throwsClear(() => dl.rocCurve([0, 2, 256], [0, 1, 2]), RangeError, /^rocCurve: labels .* element 2 is 256$/);
  throwsClear(() => dl.rocCurve(labels, [0.1, 0.2, 0.3, 0.4], 'yes'), TypeError, /^rocCurve: dropIntermediate must be a boolean/);
  assert.equal(dl.rocCurve(labels, [0.1, 0.9, 0.8, 0.3]).auc, 1);
});

test('softmax(t, /x/) throws instead of running with dim 0; fractional, negative, NaN dims too', { skip }, () => {
  const t = T([2, 3]);
  throwsClear(() => dl.softmax(t, /x/), TypeError, /^softmax: dim must be an integer in \[0, 4294967295\], got a RegExp$/);
  throwsClear(() => dl.softmax(t, '1'), TypeError, /^softmax: dim .* got "1"$/);
  throwsClear(() => dl.softmax(t, 1.5), RangeError, /^softmax: dim .* got 1\.5$/);
  throwsClear(() => dl.softmax(t, -1), RangeError, /^softmax: dim .* got -1$/);
  throwsClear(() => dl.softmax(t, NaN), RangeError, /^softmax: dim .* got NaN$/);
  throwsClear(() => dl.softmax(t), TypeError, /^softmax: dim .* got undefined$/);
  throwsClear(() => dl.softmax(t, 1, 'extra'), TypeError, /^softmax takes 2 arguments, got 3$/);
  // coded like the Rust errors, so a page shows them in its language (error.<code>)
  const e = (() => { try { dl.softmax(t, /x/); } catch (err) { return err; } })();
  assert.equal(e.code, 'invalid_argument');
  assert.equal(e.vars.detail, e.message);
  const o = (() => { try { dl.conv2d(t, t, undefined, 5); } catch (err) { return err; } })();
  assert.deepEqual([o.constructor, o.code, o.vars.what], [TypeError, 'options_not_object', 'conv2d']);
  const n = (() => { try { new dl.Optimizer('adam', { eps: NaN }); } catch (err) { return err; } })();
  assert.deepEqual([n.constructor, n.code], [RangeError, 'not_finite']);
  const y = dl.softmax(t, 1).toArray();
  assert.ok(Math.abs(y[0] + y[1] + y[2] - 1) < 1e-6);
});

test('an options getter that throws throws in JS, and the handles stay usable (not borrowed for good)', { skip }, () => {
  const x = T([1, 1, 4, 4]);
  const w = T([1, 1, 3, 3]);
  const out = dl.Tensor.zeros([1, 1, 8, 8]);
  const bad = {
    get mode() {
      throw new Error('boom');
    },
  };
  throwsClear(() => dl.interpolateInto(x, out, bad), TypeError, /^interpolateInto: reading options\.mode threw: boom$/);
  throwsClear(() => dl.conv2d(x, w, undefined, { get stride() { throw new Error('no'); } }), TypeError, /^conv2d: reading options\.stride threw/);
  throwsClear(() => new dl.Trainer({ get seed() { throw new Error('x'); } }), TypeError, /^new Trainer: reading config\.seed threw/);
  // the same handles work afterwards: out is written, x and w are read
  dl.interpolateInto(x, out, { mode: 'nearest' });
  assert.equal(out.toArray()[0], x.toArray()[0]);
  assert.deepEqual([...dl.conv2d(x, w, undefined, {}).shape], [1, 1, 2, 2]);
  out.free();
});

test('options: only plain finite data (NaN, functions, symbols, BigInt, class instances and cycles refused)', { skip }, () => {
  throwsClear(() => new dl.Optimizer('adam', { eps: NaN }), RangeError, /^new Optimizer: options\.eps must be a finite number, got NaN$/);
  throwsClear(() => new dl.BatchNorm(2, { momentum: Infinity }), RangeError, /^new BatchNorm: options\.momentum must be a finite number/);
  throwsClear(() => new dl.Optimizer('adam', { betas: [0.9, NaN] }), RangeError, /options\.betas\[1\]/);
  throwsClear(() => new dl.Optimizer('adam', { lr: 1n }), TypeError, /options\.lr must be a number, string/);
  throwsClear(() => new dl.Optimizer('adam', { lr: () => 1 }), TypeError, /options\.lr/);
  throwsClear(() => new dl.Optimizer('adam', { lr: Symbol('x') }), TypeError, /options\.lr/);
  throwsClear(() => new dl.Optimizer('adam', new Map()), TypeError, /^new Optimizer: options must be a plain object/);
  throwsClear(() => new dl.Optimizer('adam', [1]), TypeError, /^new Optimizer: options must be an object/);
  const loop = {};
  loop.self = loop;
  throwsClear(() => new dl.Optimizer('adam', loop), RangeError, /nested more than 16 deep/);
  // a hostile Proxy throws while it is inspected: still a TypeError naming the parameter
  const hostile = new Proxy({}, { getPrototypeOf() { throw new Error('trap'); }, ownKeys() { throw new Error('trap'); } });
  throwsClear(() => new dl.Optimizer('adam', hostile), TypeError, /^new Optimizer: options could not be read: trap$/);
  throwsClear(() => dl.sigmoid(hostile), TypeError, /^sigmoid: x could not be read: trap$/);
  // misspelt keys still reach Rust, which lists the valid ones
  assert.throws(() => new dl.Optimizer('adam', { learningRate: 0.1 }), /learningRate/);
});

test('a freed handle is refused by every door; free() twice is a no-op', { skip }, () => {
  const t = T([2, 2]);
  t.free();
  t.free();
  throwsClear(() => dl.sigmoid(t), TypeError, /^sigmoid: x is a Tensor that was freed/);
  throwsClear(() => t.toArray(), TypeError, /^Tensor#toArray: this Tensor was freed$/);
  throwsClear(() => t.shape, TypeError, /^Tensor#shape: this Tensor was freed$/);
  throwsClear(() => dl.Tensor.prototype.item.call({}), TypeError, /^Tensor#item called on an object, not a Tensor$/);
  throwsClear(() => dl.sigmoid(Object.create(dl.Tensor.prototype)), TypeError, /^sigmoid: x is not a Tensor this module made/);
  // a copy of a live handle, or a changed pointer, would make two owners of one buffer
  const live = T([2]);
  throwsClear(() => dl.sigmoid(Object.assign(Object.create(dl.Tensor.prototype), live)), TypeError, /^sigmoid: x is not a Tensor this module made \(a copy/);
  const forged = T([2]);
  forged.__wbg_ptr += 8;
  throwsClear(() => forged.toArray(), TypeError, /^Tensor#toArray: this is not a Tensor this module made/);
  throwsClear(() => forged.free(), TypeError, /^Tensor#free: this is not a Tensor/);
  // a typed array whose own length lies is copied by its real length
  const lying = new Float32Array([1, 2, 3, 4]);
  Object.defineProperty(lying, 'length', { value: -1 });
  assert.deepEqual([...new dl.Tensor(lying, [4]).toArray()], [1, 2, 3, 4]);
  const stride = [1, 1];
  Object.defineProperty(stride, 1, { get() { throw new Error('index getter'); } });
  throwsClear(() => dl.conv2d(live, live, undefined, { stride }), TypeError, /^conv2d: reading options\.stride\[1\] threw: index getter$/);
  throwsClear(() => dl.sigmoid(new dl.RgbaImage(1, 1)), TypeError, /^sigmoid: x must be a Tensor of this module, got a RgbaImage$/);
  const opt = new dl.Optimizer('sgd', {});
  opt.free();
  throwsClear(() => { opt.lr = 0.1; }, TypeError, /^Optimizer#lr: this Optimizer was freed$/);
});

test('the same handle as input and output of an *Into export (or of Optimizer.step) is refused', { skip }, () => {
  const x = T([1, 1, 4, 4]);
  const w = T([1, 1, 1, 1], () => 2);
  throwsClear(() => dl.conv2dInto(x, w, undefined, x, {}), TypeError, /^conv2dInto: the same Tensor is passed as out \(written to\) and as x$/);
  throwsClear(() => dl.conv2dReferenceInto(x, w, undefined, w, {}), TypeError, /as out \(written to\) and as weight/);
  throwsClear(() => dl.interpolateInto(x, x, {}), TypeError, /^interpolateInto: the same Tensor/);
  const opt = new dl.Optimizer('sgd', { lr: 0.1 });
  throwsClear(() => opt.step(x, x, 0), TypeError, /^Optimizer#step: the same Tensor is passed as param/);
  const img = new dl.RgbaImage(2, 2);
  throwsClear(() => img.resizeInto(img, 'nearest'), TypeError, /^RgbaImage#resizeInto: out must not be the object the method is called on$/);
  // and the distinct-handle calls work
  const out = dl.Tensor.zeros([1, 1, 4, 4]);
  dl.conv2dInto(x, w, undefined, out, {});
  assert.equal(out.toArray()[5], 2 * x.toArray()[5]);
  img.resizeInto(new dl.RgbaImage(4, 4), 'nearest');
});

test('instances made by raw functions are checked too, and instanceof works both ways', { skip }, () => {
  const { image } = dl.tensorToRgba(T([1, 1, 2, 3]), 0, 'range');
  assert.ok(image instanceof dl.RgbaImage);
  assert.ok(image instanceof raw.RgbaImage);
  assert.equal(image.width, 3);
  throwsClear(() => image.resize(-1, 2, 'nearest'), RangeError, /^RgbaImage#resize: outWidth must be an integer/);
  throwsClear(() => image.inspect(4, 4, 7, 0, 0), TypeError, /^RgbaImage#inspect: method must be a string/);
});

test('numbers: u32/i32 in range, f32 finite and within f32', { skip }, () => {
  throwsClear(() => dl.checkImageSize(2 ** 32, 1), RangeError, /^checkImageSize: width must be an integer in \[0, 4294967295\], got 4294967296$/);
  throwsClear(() => dl.shiftTensor(T([1, 1, 2, 2]), 2 ** 31, 0), RangeError, /^shiftTensor: dy must be an integer in \[-2147483648, 2147483647\]/);
  throwsClear(() => dl.featureMaps(['x1'], 4, 1e39), RangeError, /^featureMaps: domain must be a finite number \(within f32 range\), got 1e\+39$/);
  throwsClear(() => dl.featureMaps(['x1', 2], 4), TypeError, /^featureMaps: features must be an array of strings, element 1 is 2$/);
  throwsClear(() => dl.dropout(T([2]), 0.5, 1, 0), TypeError, /^dropout: training must be a boolean, got 1$/);
  assert.equal(dl.featureMaps(['x1'], 4).length, 16);
});
