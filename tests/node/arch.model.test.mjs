// The architecture lab's pure module (www/labs/arch.model.js): the hash codec keeps every value
// inside what the engine accepts and names what it ignored; the closed forms; the cell equations
// read the gates at torch's offsets; NaN-safe helpers for log plots.
import test from 'node:test';
import assert from 'node:assert/strict';

const M = await import(new URL('../../www/labs/arch.model.js', import.meta.url).href);

test('hash round trip and defaults', () => {
  const { S, ignored } = M.stateFromHash({});
  assert.deepEqual(ignored, []);
  assert.deepEqual(S, { ...M.DEFAULTS, models: [...M.DEFAULTS.models], dil: [...M.DEFAULTS.dil] });
  const h = Object.fromEntries(Object.entries(M.stateToHash(S)).map(([k, v]) => [k, String(v)]));
  assert.deepEqual(M.stateFromHash(h).S, S);
});

test('hostile values fall back and are named', () => {
  const { S, ignored } = M.stateFromHash({ len: '1e309', lr: 'NaN', k: '-1', dil: '1,0', models: 'x,<b>', task: 'evil', top: '9', seed: '0x10' });
  assert.equal(S.len, M.DEFAULTS.len);
  assert.equal(S.lr, M.DEFAULTS.lr);
  assert.equal(S.k, M.DEFAULTS.k);
  assert.deepEqual(S.dil, M.DEFAULTS.dil);
  assert.deepEqual(S.models, M.DEFAULTS.models);
  assert.equal(S.task, 'adding');
  assert.equal(S.top, 5);
  const keys = ignored.map(([k]) => k).sort();
  assert.deepEqual(keys, ['dil', 'k', 'len', 'lr', 'models', 'seed', 'task', 'top']);
  // the lag is left to the engine, which explains why it cannot be longer than the sequence
  assert.equal(M.stateFromHash({ len: '10', lag: '12' }).S.lag, 12);
});

test('dilations parse strictly', () => {
  assert.deepEqual(M.parseDilations('1, 2,4'), [1, 2, 4]);
  for (const bad of ['', '0', '1.5', '1,,x', '257', Array(11).fill(1).join(','), null]) assert.equal(M.parseDilations(bad), null, String(bad));
});

test('closed forms', () => {
  assert.equal(M.tcnRf(2, [1, 2, 4, 8]), 16);
  assert.equal(M.tcnRf(3, [2, 2, 2]), 13);
  assert.equal(M.tcnRf(1, [5, 7]), 1);
  assert.deepEqual(M.fuseClosedForm(8, 8, 16, 4, 5), { addAdds: 160, addConv: [128, 2560], concatConv: [256, 5120], concatChannels: 16 });
  assert.deepEqual(M.fuseClosedForm(3, 5, 2, 1, 1), { addAdds: null, addConv: null, concatConv: [16, 16], concatChannels: 8 });
});

test("cell equations read torch's gate blocks at the chosen step", () => {
  // T = 2, H = 2, I = 1; gates [T, 4H] filled with distinct values: step t, block b, unit u -> t*100 + b*10 + u
  const H = 2;
  const gates = [];
  for (let t = 0; t < 2; t++) for (let b = 0; b < 4; b++) for (let u = 0; u < H; u++) gates.push(t * 100 + b * 10 + u);
  const probe = { x: [0.5, -0.25], gates, h: [1, 2, 3, 4], c: [5, 6, 7, 8] };
  const lines = M.cellLines('lstm', probe, 1, H, 1, 0);
  assert.deepEqual(lines.map((l) => l.lhs), ['x_t', 'i_t', 'f_t', 'g_t', 'o_t', 'c_t', 'h_t']);
  assert.deepEqual(lines.slice(1, 5).map((l) => l.value), ['100', '110', '120', '130']);
  assert.equal(lines[5].value, '7.000');
  assert.match(lines[5].rhs, /110\.000·5\.000|110·5\.000/);
  assert.equal(lines[6].value, '3.000');
  const gru = M.cellLines('gru', { ...probe, gates: gates.slice(0, 12) }, 1, H, 1, 1);
  assert.deepEqual(gru.map((l) => l.lhs), ['x_t', 'r_t', 'z_t', 'n_t', 'h_t']);
  assert.equal(M.cellLines('rnn', { ...probe, gates: [0, 0, 0, 0] }, 0, H, 1).length, 2);
});

test('log-safe and thinning helpers', () => {
  assert.deepEqual(M.logSafe([1, 0, -1, NaN, Infinity, 2]).map((v) => (Number.isNaN(v) ? 'gap' : v)), [1, 'gap', 'gap', 'gap', 'gap', 2]);
  const { xs, ys } = M.thin(Array.from({ length: 1001 }, (_, i) => i), 100);
  assert.ok(xs.length <= 102);
  assert.equal(xs[xs.length - 1], 1001);
  assert.equal(ys[ys.length - 1], 1000);
  assert.ok(Number.isNaN(M.frac([0, 0])));
  assert.equal(M.frac([3, 4]), 0.75);
});

test('a blow-up is the first loss above 100x the baseline or not finite, counted from the offset', () => {
  assert.equal(M.findSpike([0.5, 0.4, 49.9], 0.5), null);
  assert.deepEqual(M.findSpike([0.5, 51, 1e6], 0.5, 10), { step: 12, loss: 51, ratio: 102 });
  assert.deepEqual(M.findSpike([0.1, NaN], 1 / 6), { step: 2, loss: NaN, ratio: Infinity });
  assert.equal(M.findSpike([], 1), null);
});

test('the tree output step lives in the hash and is clamped to the engine range', () => {
  assert.equal(M.stateFromHash({ ot: '7' }).S.ot, 7);
  const { S, ignored } = M.stateFromHash({ ot: '999' });
  assert.equal(S.ot, M.DEFAULTS.ot);
  assert.deepEqual(ignored, [['ot', '999']]);
  assert.equal(M.stateToHash({ ...S, ot: 3 }).ot, 3);
});
