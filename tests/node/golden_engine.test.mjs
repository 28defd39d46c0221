// The engine's reference vectors (tests/golden_engine/*.json: conv2d/conv1d backward, batch norm
// in training, the norm backwards, spectral norm, RNN/LSTM/GRU, loss gradients) run through the
// wasm build's GoldenEngineSuite (src/wasm/norm_lab.rs, loaded from the built package www/pkg):
// every case passes in the browser build exactly as in `cargo test --test golden_engine`, and a
// kernel file is refused. Skipped, with a message, only when www/pkg has not been built.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { readdirSync } from 'node:fs';
import { readFile } from 'node:fs/promises';
import { fileURLToPath } from 'node:url';
import { loadPkg, runGoldenSuite, skipUnlessBuilt } from './load.mjs';

const dir = fileURLToPath(new URL('../golden_engine/', import.meta.url));
const skip = skipUnlessBuilt();
const wasm = () => loadPkg('pkg'); // the generated package itself, not the facade

test('every engine case passes in the wasm build', { skip }, async () => {
  const { GoldenEngineSuite } = await wasm();
  const files = readdirSync(dir).filter((f) => f.endsWith('.json'));
  assert.ok(files.length > 0, 'no engine case files');
  for (const f of files) {
    const text = await readFile(`${dir}${f}`, 'utf8');
    assert.equal(GoldenEngineSuite.isEngineFile(text), true, f);
    const r = runGoldenSuite(new GoldenEngineSuite(text));
    assert.deepEqual(r.bad, [], `${f}: cases that did not pass`);
    assert.equal(r.passed, r.declared, `${f}: passed vs the header's count`);
  }
});

test('a kernel case file is refused with a coded error', { skip }, async () => {
  const { GoldenEngineSuite } = await wasm();
  const text = await readFile(fileURLToPath(new URL('../golden/cases_seed1.json', import.meta.url)), 'utf8');
  assert.equal(GoldenEngineSuite.isEngineFile(text), false);
  assert.throws(() => new GoldenEngineSuite(text), (e) => e.code === 'invalid_argument' && /GoldenSuite/.test(e.message));
});
