// Unit tests of www/app/errors.js under Node's test runner (no browser).
import test from 'node:test';
import assert from 'node:assert/strict';
import { codedError, errorToJSON, errorFromJSON } from '../../www/app/errors.js';

test('a coded error keeps its code, vars and message through a worker message', () => {
  const e = codedError('size_limit', { max: 67108864, got: 900000000 }, 'too large: 900000000 pixels');
  assert.equal(e.code, 'size_limit');
  const back = errorFromJSON(structuredClone(errorToJSON(e)));
  assert.ok(back instanceof Error);
  assert.equal(back.code, 'size_limit');
  assert.deepEqual(back.vars, { max: 67108864, got: 900000000 });
  assert.equal(back.message, 'too large: 900000000 pixels');
});

test('plain errors and strings stay uncoded', () => {
  assert.deepEqual(errorToJSON(new Error('boom')), { message: 'boom', code: '', vars: {} });
  assert.deepEqual(errorToJSON('text'), { message: 'text', code: '', vars: {} });
  const back = errorFromJSON({ message: 'boom', code: '', vars: {} });
  assert.equal(back.code, undefined);
  assert.equal(back.message, 'boom');
});

test('a coded error without a message names its code and vars', () => {
  assert.equal(codedError('conv_not_image', { name: 'a.txt' }).message, 'conv_not_image: {"name":"a.txt"}');
});
