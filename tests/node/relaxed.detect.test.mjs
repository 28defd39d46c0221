// The choice between the two wasm builds (www/app/wasm.js): `relaxedSimdSupported()` answers
// what the engine says about a tiny module using f32x4.relaxed_madd, and `initBest` loads the
// relaxed .wasm when it does, the default one when it does not or when the relaxed one fails.
// Both answers come from a real V8: a child Node with relaxed SIMD switched on, and one with it
// switched off (Node 20 ships it behind --experimental-wasm-relaxed-simd).
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { execFileSync } from 'node:child_process';
import { existsSync } from 'node:fs';
import { RELAXED_PROBE, relaxedSimdSupported, initBest, loadedBuild } from '../../www/app/wasm.js';
import { pkgPath } from './load.mjs';

const FLAG = '--experimental-wasm-relaxed-simd';
const WASM_JS = new URL('../../www/app/wasm.js', import.meta.url).href;
const RELAXED_WASM = pkgPath('pkg-relaxed', 'dlplay_bg.wasm');
const hasFlag = execFileSync(process.execPath, ['--v8-options'], { encoding: 'utf8' }).includes(FLAG);

/** What a child Node with `flags` answers: the detection, and `validate` of the given files. */
function ask(flags, files = []) {
  const code = `
    const { readFileSync } = await import('node:fs');
    const m = await import(${JSON.stringify(WASM_JS)});
    const files = ${JSON.stringify(files)}.map((f) => WebAssembly.validate(readFileSync(f)));
    console.log(JSON.stringify({ detected: m.relaxedSimdSupported(), files }));`;
  const out = execFileSync(process.execPath, [...flags, '--input-type=module', '-e', code], { encoding: 'utf8' });
  return JSON.parse(out);
}

/** The probe with its relaxed_madd replaced by the SIMD128 v128.bitselect (same operands) and a nop. */
function simd128Twin() {
  const b = RELAXED_PROBE.slice();
  const at = b.length - 4;
  assert.deepEqual([...b.subarray(at)], [0xfd, 0x85, 0x02, 0x0b], 'the probe ends in f32x4.relaxed_madd, end');
  b.set([0xfd, 0x52, 0x01, 0x0b], at); // v128.bitselect, nop, end
  return b;
}

test('the probe is a well-formed module: its SIMD128 twin validates', () => {
  assert.equal(WebAssembly.validate(simd128Twin()), true);
});

test('an engine with relaxed SIMD: detected (and the relaxed build validates there)', { skip: hasFlag ? false : `this Node has no ${FLAG} (relaxed SIMD on by default)` }, () => {
  const files = existsSync(RELAXED_WASM) ? [RELAXED_WASM] : [];
  const r = ask([FLAG], files);
  assert.equal(r.detected, true);
  if (files.length) assert.deepEqual(r.files, [true]);
});

test('an engine without relaxed SIMD: not detected (and the relaxed build would not validate there)', { skip: hasFlag ? false : `this Node has no ${FLAG}` }, () => {
  const files = existsSync(RELAXED_WASM) ? [RELAXED_WASM] : [];
  const r = ask([`--no-${FLAG.slice(2)}`], files);
  assert.equal(r.detected, false);
  // the relaxed build really uses relaxed opcodes: the detection is what keeps it from such an engine
  if (files.length) assert.deepEqual(r.files, [false]);
});

test('this process answers what its engine says', () => {
  assert.equal(relaxedSimdSupported(), WebAssembly.validate(RELAXED_PROBE));
});

test('no WebAssembly, a throwing or a non-boolean validate: not detected', () => {
  assert.equal(relaxedSimdSupported(undefined), false);
  assert.equal(relaxedSimdSupported(() => { throw new Error('no'); }), false);
  assert.equal(relaxedSimdSupported(() => 1), false);
  assert.equal(relaxedSimdSupported(() => true), true);
  let seen = null;
  relaxedSimdSupported((bytes) => { seen = bytes; return false; });
  assert.equal(seen, RELAXED_PROBE);
});

/** A stand-in for the facade: records each init call; `fail(arg)` makes that call reject. */
function fakeModule(fail = () => false) {
  const calls = [];
  return {
    calls,
    default: async (arg) => {
      calls.push(arg === undefined ? 'default' : String(arg.module_or_path));
      if (fail(arg)) throw new Error('CompileError: bad magic');
    },
  };
}

test('initBest: the relaxed .wasm when supported', async () => {
  const m = fakeModule();
  await initBest(m, true);
  assert.equal(m.calls.length, 1);
  assert.match(m.calls[0], /\/pkg-relaxed\/dlplay_bg\.wasm$/);
  assert.equal(loadedBuild().kind, 'relaxed');
  assert.equal(loadedBuild().fallback, null);
});

test('initBest: the default .wasm when not supported (the relaxed one is never fetched)', async () => {
  const m = fakeModule();
  await initBest(m, false);
  assert.deepEqual(m.calls, ['default']);
  assert.equal(loadedBuild().kind, 'simd128');
  assert.match(loadedBuild().wasm, /\/pkg\/dlplay_bg\.wasm$/);
});

test('initBest: the default .wasm when the relaxed one fails to load, and the reason is kept', async (t) => {
  const warn = t.mock.method(console, 'warn', () => {});
  const m = fakeModule((arg) => arg !== undefined);
  await initBest(m, true);
  assert.equal(m.calls.length, 2);
  assert.equal(m.calls[1], 'default');
  assert.equal(loadedBuild().kind, 'simd128');
  assert.match(loadedBuild().fallback, /bad magic/);
  assert.equal(warn.mock.callCount(), 1);
});

test('initBest: a failing default build still rejects (ready() turns it into wasm_missing / wasm_load)', async () => {
  const m = fakeModule(() => true);
  await assert.rejects(initBest(m, false), /bad magic/);
});
