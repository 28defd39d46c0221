//! The interview drill's question generators (pure apart from the engine: Node tests run them
//! against the built package). `generate(id, seed, dl)` makes question `id` for `seed` with the
//! checked API `dl` (app/api.js): every numeric answer is what an engine export returns (the
//! code the labs and the golden cases run), never a formula written here; the prompt, the
//! worked solution (the formula with the numbers), the common mistakes a wrong answer may match
//! and the lab link are built around it. Conceptual questions come from drill.bank.js.
//!
//! A question: `{id, topic, seed, type: 'number' | 'shape' | 'choice' | 'order', prompt: {en, zh},
//! answer, tol: {abs, rel}, fraction?, mistakes: [{value, why: {en, zh}}], solution: [{en, zh}],
//! choices?: [{text, why}], items?: [{en, zh}], lab: 'page.html#...' | null, params}`.
import { BANK } from './drill.bank.js';
import { fmt, near, letter } from './drill.check.js';
import { TOPICS, topicHref } from '../app/topics.js';

/** A bilingual text; one argument = the same in both languages (formulas). */
export const L = (en, zh = en) => ({ en, zh });

/** mulberry32: a small seeded generator of uniform numbers in [0, 1). */
export function rng(seed) {
  let a = (seed >>> 0) || 0x9e3779b9;
  const next = () => {
    a = (a + 0x6d2b79f5) >>> 0;
    let t = a;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
  next.int = (lo, hi) => lo + Math.floor(next() * (hi - lo + 1));
  next.pick = (arr) => arr[Math.floor(next() * arr.length)];
  next.real = (lo, hi, step) => lo + step * Math.floor(next() * (Math.round((hi - lo) / step) + 1));
  next.shuffle = (arr) => {
    const a2 = [...arr];
    for (let i = a2.length - 1; i > 0; i--) {
      const j = Math.floor(next() * (i + 1));
      [a2[i], a2[j]] = [a2[j], a2[i]];
    }
    return a2;
  };
  return next;
}

/** Rounds away f32 noise in a displayed input (0.30000001 -> 0.3). */
const r6 = (x) => Number(x.toPrecision(6));
const vec = (xs) => `[${xs.map((v) => fmt(v)).join(', ')}]`;

/** Runs `fn` with tensors made from `[data, shape]` pairs and frees them (and what fn returns, if a Tensor). */
function withTensors(dl, specs, fn) {
  const ts = specs.map(([d, s]) => new dl.Tensor(d, s));
  try {
    return fn(...ts);
  } finally {
    for (const t of ts) t.free();
  }
}
const arrOf = (t) => {
  try {
    return Array.from(t.toArray());
  } finally {
    t.free();
  }
};
const itemOf = (t) => {
  try {
    return t.item();
  } finally {
    t.free();
  }
};

const TOL = { abs: 5e-4, rel: 2e-3 };
const EXACT = { abs: 0, rel: 1e-9 };

/** The lab of a topic (its topic view) when it has one, else null. */
function topicLab(topic) {
  const tp = TOPICS.find((x) => x.id === topic);
  return tp && tp.lab ? topicHref(tp) : null;
}
/**
 * A lab page in the question's state: `page#k=v&...` with the question's keys merged over the
 * topic's preset, plus `topic=<id>` (its topic view) when the topic's lab is that page. Values are
 * numbers, names or comma lists (no escaping needed); tests/node/drill.test.mjs checks that the
 * page's state module accepts every key.
 */
function labAt(page, topic, keys) {
  const tp = TOPICS.find((x) => x.id === topic);
  const [tpage, preset = ''] = tp && tp.lab ? tp.lab.split('#') : [null, ''];
  const h = new Map(tpage === page && preset ? preset.split('&').map((kv) => kv.split('=')) : []);
  for (const [k, v] of Object.entries(keys)) if (v !== null && v !== undefined) h.set(k, String(v));
  if (tpage === page) h.set('topic', topic);
  return `${page}#${[...h].map(([k, v]) => `${k}=${v}`).join('&')}`;
}
/** The norm lab's choices (labs/norm.model.js GROUP_CHOICES, CUBE_N): a key only when the lab has the value. */
const NORM_G = [1, 2, 3, 4, 5, 8];
const NORM_N = [1, 2, 4, 8];
const convLab = (stack, extra = '') => `conv.html#stack=${stack}${extra}`;
const convLayer = (k, s, p, d, out = 16, groups = 1) => `c${k}.${s}.${p}.${d}.${out}.${groups}`;

/** Keeps the mistakes whose value differs from the answer (a mistake equal to it is no mistake). */
function mistakes(q, list) {
  const seen = [];
  return list.filter((m) => {
    if (m.value === null || m.value === undefined) return false;
    const key = q.type === 'number' ? m.value : JSON.stringify(m.value);
    if (seen.some((v) => (q.type === 'number' ? near(v, key, q.tol) || near(key, v, q.tol) : v === key))) return false;
    seen.push(key);
    return true;
  }).filter((m) => {
    if (m.value === null || m.value === undefined) return false;
    if (q.type === 'number') return Number.isFinite(m.value) && !near(m.value, q.answer, q.tol) && !near(q.answer, m.value, q.tol);
    return JSON.stringify(m.value) !== JSON.stringify(q.answer);
  });
}

function num(topic, { prompt, answer, tol = TOL, solution, mistakes: ms = [], lab = topicLab(topic), params, fraction }) {
  const q = { topic, type: 'number', prompt, answer, tol, solution, lab, params, fraction };
  q.mistakes = mistakes(q, ms);
  return q;
}

// ---- generators -------------------------------------------------------------------------------

const G = [];
const def = (id, topic, make) => G.push({ id, topic, make });

// 1. batchnorm
def('bn.normalize', 'batchnorm', (R, dl) => {
  let x;
  do x = Array.from({ length: 4 }, () => R.int(-5, 6)); while (new Set(x).size < 3);
  const k = R.int(0, 3);
  const bn = new dl.BatchNorm(1, { eps: 1e-5 });
  let y;
  try {
    y = withTensors(dl, [[x, [4, 1]]], (t) => arrOf(bn.forward(t, true)));
  } finally {
    bn.free();
  }
  const m = x.reduce((a, b) => a + b, 0) / 4;
  const ss = x.reduce((a, b) => a + (b - m) ** 2, 0);
  return num('batchnorm', {
    prompt: L(`A BatchNorm1d(1) layer in training mode (γ = 1, β = 0, ε = 1e-5) sees a batch of 4 values of its channel: ${vec(x)}. What does it output for the value ${x[k]} (position ${k + 1})? (3 decimals)`,
      `训练模式下的 BatchNorm1d(1)（γ = 1，β = 0，ε = 1e-5）在一个批次里看到该通道的 4 个值：${vec(x)}。第 ${k + 1} 个值 ${x[k]} 的输出是多少？（保留 3 位小数）`),
    answer: y[k],
    solution: [
      L(`μ = mean = ${fmt(m)}`),
      L(`σ² = Σ(x − μ)² / N = ${fmt(ss)} / 4 = ${fmt(ss / 4)}  (biased: divide by N, as BN normalizes)`, `σ² = Σ(x − μ)² / N = ${fmt(ss)} / 4 = ${fmt(ss / 4)}（有偏：除以 N，BN 归一化用的就是它）`),
      L(`y = (x − μ) / √(σ² + ε) = (${x[k]} − ${fmt(m)}) / √${fmt(ss / 4 + 1e-5)} = ${fmt(y[k])}`),
    ],
    mistakes: [{ value: (x[k] - m) / Math.sqrt(ss / 3 + 1e-5), why: L('That uses the unbiased variance (÷ N − 1); BN normalizes with the biased batch variance (÷ N).', '这是用无偏方差（÷ N − 1）算的；BN 归一化用的是有偏的批方差（÷ N）。') },
      { value: x[k] - m, why: L('That only subtracts the mean; divide by the standard deviation too.', '这只减了均值，还要除以标准差。') }],
    lab: labAt('norm.html', 'batchnorm', { norm: 'bn' }),
    params: { x, k },
  });
});

def('bn.running', 'batchnorm', (R, dl) => {
  let x;
  do x = Array.from({ length: 4 }, () => R.int(-4, 6)); while (new Set(x).size < 3);
  const mom = R.pick([0.1, 0.2, 0.5]);
  const bn = new dl.BatchNorm(1, { momentum: mom });
  let rv;
  try {
    withTensors(dl, [[x, [4, 1]]], (t) => bn.forward(t, true).free());
    rv = bn.runningVar[0];
  } finally {
    bn.free();
  }
  const m = x.reduce((a, b) => a + b, 0) / 4;
  const ss = x.reduce((a, b) => a + (b - m) ** 2, 0);
  return num('batchnorm', {
    prompt: L(`A fresh BatchNorm1d(1, momentum=${mom}) (running_var starts at 1) does one training step on the batch ${vec(x)}. What is running_var afterwards? (3 decimals)`,
      `新建的 BatchNorm1d(1, momentum=${mom})（running_var 初始为 1）在批次 ${vec(x)} 上做一次训练前向。之后 running_var 是多少？（保留 3 位小数）`),
    answer: rv,
    solution: [
      L(`μ = ${fmt(m)}, Σ(x − μ)² = ${fmt(ss)}`),
      L(`the running variance uses the unbiased estimate: s² = ${fmt(ss)} / (N − 1) = ${fmt(ss / 3)}`, `滑动方差用无偏估计：s² = ${fmt(ss)} / (N − 1) = ${fmt(ss / 3)}`),
      L(`running_var = (1 − m)·1 + m·s² = ${fmt(1 - mom)} + ${mom}·${fmt(ss / 3)} = ${fmt(rv)}`),
    ],
    mistakes: [{ value: (1 - mom) + mom * ss / 4, why: L('That uses the biased variance (÷ N); PyTorch updates running_var with the unbiased one (÷ N − 1).', '这是用有偏方差（÷ N）更新的；PyTorch 用无偏方差（÷ N − 1）更新 running_var。') },
      { value: mom + (1 - mom) * ss / 3, why: L('The momentum weights the new batch statistic (PyTorch convention), not the old value.', 'PyTorch 里 momentum 是新批统计量的权重，不是旧值的权重。') }],
    lab: labAt('norm.html', 'batchnorm', { norm: 'bn', mom }),
    params: { x, mom },
  });
});

// 2. dilated-conv
def('dil.effk', 'dilated-conv', (R, dl) => {
  const k = R.pick([3, 5, 7]);
  const d = R.pick([2, 3, 4, 6]);
  const r = dl.receptiveField([{ type: 'conv', k, d }])[0].r;
  return num('dilated-conv', {
    prompt: L(`A ${k}×${k} convolution with dilation ${d}: how wide is the window it covers (its effective kernel size)?`, `一个 ${k}×${k}、空洞率（dilation）为 ${d} 的卷积覆盖多宽的窗口（等效卷积核大小）？`),
    answer: r, tol: EXACT,
    solution: [L(`k_eff = d·(k − 1) + 1 = ${d}·(${k} − 1) + 1 = ${r}`)],
    mistakes: [{ value: k * d, why: L('k·d counts one gap too many: the taps are d apart, so the span is d·(k − 1) + 1.', 'k·d 多算了一个间隔：相邻采样点相距 d，所以跨度是 d·(k − 1) + 1。') },
      { value: k + d - 1, why: L('Dilation multiplies the gaps between taps, it does not add to the size.', '空洞率是把采样点之间的间隔放大 d 倍，不是加到核大小上。') }],
    lab: convLab(convLayer(k, 1, (d * (k - 1)) / 2, d), '&show=110'),
    params: { k, d },
  });
});

def('dil.rf', 'dilated-conv', (R, dl) => {
  const n = R.int(2, 4);
  const ds = Array.from({ length: n }, () => R.pick([1, 2, 4]));
  const layers = ds.map((d) => ({ type: 'conv', k: 3, d }));
  const r = dl.receptiveField(layers).at(-1).r;
  return num('dilated-conv', {
    prompt: L(`A stack of ${n} 3×3 convolutions, stride 1, with dilations ${ds.join(', ')}. What is the receptive field (in pixels, per side) of one output?`, `${n} 个 3×3 卷积堆叠，步长 1，空洞率依次为 ${ds.join(', ')}。一个输出的感受野（每边像素数）是多少？`),
    answer: r, tol: EXACT,
    solution: [L('stride 1 everywhere: r = 1 + Σ d_i·(k − 1)', '步长都为 1：r = 1 + Σ d_i·(k − 1)'), L(`r = 1 + 2·(${ds.join(' + ')}) = ${r}`)],
    mistakes: [{ value: 1 + 2 * n, why: L('That ignores the dilation: each layer adds d·(k − 1), not k − 1.', '这忽略了空洞率：每层增加 d·(k − 1)，而不是 k − 1。') },
      { value: ds.reduce((a, d) => a + 3 * d, 0), why: L('Summing the layers’ effective sizes counts the shared centre pixel once per layer; add d·(k − 1) per layer to 1.', '把各层等效核大小相加会把重叠的中心像素重复计算；应是 1 加上每层的 d·(k − 1)。') }],
    lab: convLab(ds.map((d) => convLayer(3, 1, d, d)).join('_'), '&show=110'),
    params: { ds },
  });
});

// 3. interpolation
def('interp.bilinear', 'interpolation', (R, dl) => {
  let v, s, i, j, a, b;
  for (;;) {
    v = Array.from({ length: 4 }, () => R.int(0, 9) * 10);
    s = R.pick([2, 3, 4]);
    i = R.int(0, 2 * s - 1);
    j = R.int(0, 2 * s - 1);
    const run = (alignCorners) => withTensors(dl, [[v, [1, 1, 2, 2]]], (t) => arrOf(dl.interpolate(t, { size: [2 * s, 2 * s], mode: 'bilinear', alignCorners })));
    a = run(false)[i * 2 * s + j];
    b = run(true)[i * 2 * s + j];
    if (Math.abs(a - b) > 0.01) break;
  }
  const src = (o) => Math.min(1, Math.max(0, (o + 0.5) / s - 0.5));
  const [sy, sx] = [src(i), src(j)];
  const top = v[0] * (1 - sx) + v[1] * sx;
  const bot = v[2] * (1 - sx) + v[3] * sx;
  return num('interpolation', {
    prompt: L(`The 2×2 image [[${v[0]}, ${v[1]}], [${v[2]}, ${v[3]}]] is upsampled ×${s} to ${2 * s}×${2 * s} with bilinear interpolation, half-pixel centres (align_corners=False, PyTorch's default). What is the output at row ${i}, column ${j} (0-based)? (2 decimals)`,
      `2×2 图像 [[${v[0]}, ${v[1]}], [${v[2]}, ${v[3]}]] 用双线性插值放大 ${s} 倍到 ${2 * s}×${2 * s}，像素中心对齐（align_corners=False，PyTorch 默认）。输出第 ${i} 行第 ${j} 列（从 0 数）的值是多少？（保留 2 位小数）`),
    answer: a, tol: { abs: 0.006, rel: 1e-4 },
    solution: [
      L(`source coordinate: x_src = (x + 0.5)/${s} − 0.5, clamped to [0, 1]: row ${fmt(sy)}, column ${fmt(sx)}`, `源坐标：x_src = (x + 0.5)/${s} − 0.5，截断到 [0, 1]：行 ${fmt(sy)}，列 ${fmt(sx)}`),
      L(`along the rows: top = ${v[0]}·${fmt(1 - sx)} + ${v[1]}·${fmt(sx)} = ${fmt(top)}, bottom = ${v[2]}·${fmt(1 - sx)} + ${v[3]}·${fmt(sx)} = ${fmt(bot)}`, `先沿行：上 = ${v[0]}·${fmt(1 - sx)} + ${v[1]}·${fmt(sx)} = ${fmt(top)}，下 = ${v[2]}·${fmt(1 - sx)} + ${v[3]}·${fmt(sx)} = ${fmt(bot)}`),
      L(`then down: ${fmt(top)}·${fmt(1 - sy)} + ${fmt(bot)}·${fmt(sy)} = ${fmt(a)}`, `再沿列：${fmt(top)}·${fmt(1 - sy)} + ${fmt(bot)}·${fmt(sy)} = ${fmt(a)}`),
    ],
    mistakes: [{ value: b, why: L('That is align_corners=True (x_src = x·(in − 1)/(out − 1)); the default maps pixel centres: x_src = (x + 0.5)·in/out − 0.5.', '这是 align_corners=True（x_src = x·(in − 1)/(out − 1)）的结果；默认是像素中心对齐：x_src = (x + 0.5)·in/out − 0.5。') }],
    lab: `resize.html#src=chart&s=${s}&m=bilinear&conv=half&v=side&px=${j}&py=${i}`,
    params: { v, s, i, j },
  });
});

def('interp.srcx', 'interpolation', (R, dl) => {
  let n, o, x, a;
  for (;;) {
    n = R.int(3, 12);
    o = R.int(2, 24);
    if (o === n) continue;
    x = R.int(0, o - 1);
    const u = (x + 0.5) * n / o - 0.5;
    if (u > 0 && u < n - 1) break;
  }
  const ramp = Array.from({ length: n }, (_, i) => i);
  a = withTensors(dl, [[ramp, [1, 1, 1, n]]], (t) => arrOf(dl.interpolate(t, { size: [1, o], mode: 'bilinear', alignCorners: false })))[x];
  return num('interpolation', {
    prompt: L(`Resizing a row of ${n} pixels to ${o} with PyTorch's bilinear default (align_corners=False): which source x coordinate does output pixel ${x} sample? (0-based, 3 decimals)`,
      `把一行 ${n} 个像素缩放到 ${o} 个（PyTorch 双线性默认 align_corners=False）：输出像素 ${x} 采样的源 x 坐标是多少？（从 0 数，保留 3 位小数）`),
    answer: a,
    solution: [L('x_src = (x + 0.5)·in/out − 0.5'), L(`= (${x} + 0.5)·${n}/${o} − 0.5 = ${fmt(a)}`)],
    mistakes: [{ value: o > 1 ? x * (n - 1) / (o - 1) : null, why: L('That is align_corners=True: x·(in − 1)/(out − 1).', '这是 align_corners=True 的映射：x·(in − 1)/(out − 1)。') },
      { value: x * n / o, why: L('x·in/out maps pixel corners, not centres: add 0.5 before scaling and subtract it after.', 'x·in/out 对齐的是像素角而不是中心：缩放前加 0.5，缩放后减 0.5。') }],
    lab: `resize.html#src=chart&s=${fmt(o / n)}&m=bilinear&conv=half&v=side&px=${x}&py=0`,
    params: { n, o, x },
  });
});

// 4. focal-loss
def('focal.value', 'focal-loss', (R, dl) => {
  const p = R.real(0.1, 0.9, 0.05);
  const y = R.int(0, 1);
  const alpha = R.pick([0.25, 0.5, 0.75]);
  const gamma = R.pick([1, 2, 3]);
  const z = Math.log(p / (1 - p));
  const l = withTensors(dl, [[[z], [1]], [[y], [1]]], (zt, yt) => itemOf(dl.sigmoidFocalLoss(zt, yt, { alpha, gamma, reduction: 'none' })));
  const pt = y ? p : 1 - p;
  const at = y ? alpha : 1 - alpha;
  return num('focal-loss', {
    prompt: L(`Sigmoid focal loss with α = ${alpha}, γ = ${gamma}: the model predicts p = ${fmt(p)} for the positive class and the label is y = ${y}. What is the loss? (natural log, 4 decimals)`,
      `Sigmoid focal loss，α = ${alpha}，γ = ${gamma}：模型对正类的预测 p = ${fmt(p)}，标签 y = ${y}。损失是多少？（自然对数，保留 4 位小数）`),
    answer: l, tol: { abs: 2e-4, rel: 2e-3 },
    solution: [
      L(`p_t = ${y ? 'p' : '1 − p'} = ${fmt(pt)}, α_t = ${y ? 'α' : '1 − α'} = ${fmt(at)}`),
      L(`FL = −α_t·(1 − p_t)^γ·ln p_t = −${fmt(at)}·${fmt(1 - pt)}^${gamma}·ln ${fmt(pt)} = ${fmt(l)}`),
    ],
    mistakes: [{ value: -((1 - pt) ** gamma) * Math.log(pt), why: L('You left out α_t (the class weight).', '漏掉了 α_t（类别权重）。') },
      { value: -(y ? 1 - alpha : alpha) * (1 - pt) ** gamma * Math.log(pt), why: L('α weights the positive class and 1 − α the negative one; you swapped them.', 'α 是正类的权重，1 − α 是负类的；你把它们弄反了。') },
      { value: -at * Math.log(pt), why: L('That is α-weighted cross-entropy: the modulating factor (1 − p_t)^γ is missing.', '这是加权交叉熵：缺少调制因子 (1 − p_t)^γ。') }],
    lab: labAt('losses.html', 'focal-loss', { gamma, alpha, aon: 1 }),
    params: { p, y, alpha, gamma },
  });
});

// 5. depthwise-separable
def('dws.cost', 'depthwise-separable', (R, dl) => {
  const cIn = R.pick([16, 32, 64, 128]);
  const cOut = R.pick([32, 64, 128, 256]);
  const k = R.pick([3, 5]);
  const h = R.pick([7, 14, 28, 56]);
  const what = R.pick(['params', 'macs']);
  const alt = dl.convAlternatives(cIn, cOut, k, h, h);
  const std = alt.find((x) => x.name === 'standard');
  const sep = alt.find((x) => x.name === 'separable');
  const hw = what === 'macs' ? h * h : 1;
  const word = what === 'macs' ? L('multiply-adds', '乘加次数（MACs）') : L('weights (no bias)', '权重数（不含偏置）');
  return num('depthwise-separable', {
    prompt: L(`A ${k}×${k} conv from ${cIn} to ${cOut} channels producing a ${h}×${h} map is replaced by a depthwise-separable one (depthwise ${k}×${k} + pointwise 1×1). How many ${word.en} does the separable version have?`,
      `把一个 ${k}×${k}、${cIn} → ${cOut} 通道、输出 ${h}×${h} 的卷积换成深度可分离卷积（逐通道 ${k}×${k} + 逐点 1×1）。可分离版本有多少${word.zh}？`),
    answer: sep[what], tol: EXACT,
    solution: [
      L(`depthwise: k²·C_in${hw > 1 ? '·H·W' : ''} = ${k * k}·${cIn}${hw > 1 ? `·${hw}` : ''} = ${sep.parts[0][what]}`, `逐通道：k²·C_in${hw > 1 ? '·H·W' : ''} = ${k * k}·${cIn}${hw > 1 ? `·${hw}` : ''} = ${sep.parts[0][what]}`),
      L(`pointwise: C_in·C_out${hw > 1 ? '·H·W' : ''} = ${cIn}·${cOut}${hw > 1 ? `·${hw}` : ''} = ${sep.parts[1][what]}`, `逐点：C_in·C_out${hw > 1 ? '·H·W' : ''} = ${cIn}·${cOut}${hw > 1 ? `·${hw}` : ''} = ${sep.parts[1][what]}`),
      L(`total = ${sep[what]} (standard: ${std[what]}, ${fmt(std[what] / sep[what], 3)}× more)`, `合计 = ${sep[what]}（标准卷积：${std[what]}，是它的 ${fmt(std[what] / sep[what], 3)} 倍）`),
    ],
    mistakes: [{ value: std[what], why: L('That is the standard conv’s count.', '这是标准卷积的数量。') },
      { value: (k * k * cIn * cOut + cIn * cOut) * hw, why: L('The depthwise part has one k×k filter per input channel (k²·C_in), not per output channel.', '逐通道部分每个输入通道只有一个 k×k 滤波器（k²·C_in），与输出通道数无关。') },
      { value: (k * k * cIn + cIn * cOut) * (what === 'macs' ? 1 : h * h), why: L(what === 'macs' ? 'Multiply-adds are per output position: multiply by H·W.' : 'Weights do not depend on the map size: do not multiply by H·W.', what === 'macs' ? '乘加次数要乘以输出位置数 H·W。' : '参数量与特征图大小无关，不要乘 H·W。') }],
    lab: convLab(convLayer(k, 1, (k - 1) / 2, 1, cOut), '&cmp=1'),
    params: { cIn, cOut, k, h, what },
  });
});

def('dws.order', 'depthwise-separable', (R, dl) => {
  let cIn, cOut, k, alt;
  for (;;) {
    cIn = R.pick([8, 16, 32, 64]);
    cOut = R.pick([16, 32, 64, 128, 256]);
    k = R.pick([3, 5, 7]);
    alt = dl.convAlternatives(cIn, cOut, k, 14, 14);
    if (new Set(alt.map((x) => x.params)).size === 3) break;
  }
  const names = { standard: L(`standard ${k}×${k} conv`, `标准 ${k}×${k} 卷积`), separable: L(`depthwise ${k}×${k} + pointwise 1×1`, `逐通道 ${k}×${k} + 逐点 1×1`), bottleneck: L(`1×1 down to ${Math.max(1, cOut / 4)}, ${k}×${k}, 1×1 up`, `1×1 降到 ${Math.max(1, cOut / 4)}、${k}×${k}、1×1 升回`) };
  const items = R.shuffle(alt.map((x) => ({ name: x.name, params: x.params })));
  const order = items.map((x, i) => i).sort((a, b) => items[a].params - items[b].params);
  return {
    topic: 'depthwise-separable', type: 'order',
    prompt: L(`${cIn} → ${cOut} channels, all three at the same output. Order them by number of weights, fewest first (e.g. "BCA").`, `${cIn} → ${cOut} 通道，三种结构输出相同。按权重数从少到多排序（例如 "BCA"）。`),
    items: items.map((x) => names[x.name] ?? L(x.name)),
    answer: order, tol: null,
    solution: items.map((x, i) => L(`${letter(i)}: ${x.params}`)).concat([L(`order: ${order.map(letter).join(' < ')} (${order.map(letter).join('')})`, `顺序：${order.map(letter).join(' < ')}（${order.map(letter).join('')}）`)]),
    mistakes: [{ value: [...order].reverse(), why: L('That is most first; the question asks for the fewest first.', '这是从多到少；题目要求从少到多。') }],
    lab: convLab(convLayer(k, 1, (k - 1) / 2, 1, cOut), '&cmp=1'),
    params: { cIn, cOut, k, names: items.map((x) => x.name) },
  };
});

// 6. dropout
def('drop.scale', 'dropout', (R, dl) => {
  const p = R.pick([0.1, 0.2, 0.25, 0.3, 0.4, 0.5]);
  const v = R.pick([1, 2, 3, 4, 6, 0.5, 1.5]);
  const out = withTensors(dl, [[new Array(64).fill(v), [64]]], (t) => arrOf(dl.dropout(t, p, true, R.int(0, 99999))));
  const kept = out.find((x) => x !== 0);
  return num('dropout', {
    prompt: L(`Inverted dropout with p = ${p} (the drop probability), in training mode. An activation equal to ${v} is kept. What value does the layer output for it? (4 decimals)`,
      `倒置 Dropout，丢弃概率 p = ${p}，训练模式。一个值为 ${v} 的激活被保留了，层对它输出多少？（保留 4 位小数）`),
    answer: kept,
    solution: [L('kept values are scaled by 1/(1 − p) so the expected output equals the input', '被保留的值乘以 1/(1 − p)，使输出期望等于输入'), L(`${v} / (1 − ${p}) = ${fmt(kept)}`)],
    mistakes: [{ value: v * (1 - p), why: L('Multiplying by (1 − p) is what the original (non-inverted) dropout does at test time; inverted dropout divides during training.', '乘 (1 − p) 是原始（非倒置）Dropout 在测试时的做法；倒置 Dropout 在训练时除以 (1 − p)。') },
      { value: v, why: L('Inverted dropout rescales the kept units during training.', '倒置 Dropout 在训练时会放大被保留的单元。') },
      { value: v / p, why: L('Divide by the keep probability 1 − p, not by the drop probability p.', '应除以保留概率 1 − p，不是丢弃概率 p。') }],
    lab: labAt('eval.html', 'dropout', { kd: p }),
    params: { p, v },
  });
});

// 7. distillation
def('kd.loss', 'distillation', (R, dl) => {
  let s, t;
  do {
    s = Array.from({ length: 3 }, () => R.int(-2, 3));
    t = Array.from({ length: 3 }, () => R.int(-2, 4));
  } while (s.join() === t.join());
  const T = R.pick([2, 3, 4]);
  const l = withTensors(dl, [[s, [1, 3]], [t, [1, 3]]], (st, tt) => dl.kdLoss(st, tt, T));
  const soft = (z) => {
    const e = z.map((v) => Math.exp(v / T));
    const sum = e.reduce((a, b) => a + b, 0);
    return e.map((v) => v / sum);
  };
  return num('distillation', {
    prompt: L(`Knowledge distillation at temperature T = ${T}: student logits ${vec(s)}, teacher logits ${vec(t)}. What is the distillation loss T²·KL(p_teacher^T ‖ p_student^T)? (4 decimals)`,
      `温度 T = ${T} 的知识蒸馏：学生 logits ${vec(s)}，教师 logits ${vec(t)}。蒸馏损失 T²·KL(p_教师^T ‖ p_学生^T) 是多少？（保留 4 位小数）`),
    answer: l, tol: { abs: 3e-4, rel: 3e-3 },
    solution: [L(`p_teacher = softmax(t/T) = ${vec(soft(t))}`), L(`p_student = softmax(s/T) = ${vec(soft(s))}`), L(`T²·Σ p_t·ln(p_t/p_s) = ${T * T}·${fmt(l / (T * T))} = ${fmt(l)}`)],
    mistakes: [{ value: l / (T * T), why: L('You left out the T² factor (it keeps the soft-target gradients on the same scale as the hard ones when T changes).', '漏掉了 T² 因子（它让软目标梯度的量级不随 T 改变）。') }],
    lab: labAt('losses.html', 'distillation', { kdT: T }),
    params: { s, t, T },
  });
});

def('kd.soft', 'distillation', (R, dl) => {
  const t = Array.from({ length: 3 }, () => R.int(-1, 5));
  while (new Set(t).size < 2) t[0] += 2;
  const T = R.pick([2, 4, 5, 10]);
  const i = t.indexOf(Math.max(...t));
  const soft = withTensors(dl, [[t.map((v) => v / T), [1, 3]]], (x) => arrOf(dl.softmax(x, 1)));
  const hard = withTensors(dl, [[t, [1, 3]]], (x) => arrOf(dl.softmax(x, 1)));
  return num('distillation', {
    prompt: L(`Teacher logits ${vec(t)}. At temperature T = ${T}, what probability does the softened teacher give its top class? (4 decimals)`, `教师 logits ${vec(t)}。温度 T = ${T} 时，软化后的教师分布给最高类的概率是多少？（保留 4 位小数）`),
    answer: soft[i],
    solution: [L(`z/T = ${vec(t.map((v) => v / T))}`), L(`softmax(z/T)_${i} = ${fmt(soft[i])}  (T = 1: ${fmt(hard[i])})`)],
    mistakes: [{ value: hard[i], why: L('That is the plain softmax (T = 1): divide the logits by T first.', '这是普通 softmax（T = 1）的结果：要先把 logits 除以 T。') },
      { value: withTensors(dl, [[t.map((v) => v * T), [1, 3]]], (x) => arrOf(dl.softmax(x, 1)))[i], why: L('Divide the logits by T, do not multiply: a higher T softens the distribution.', '要把 logits 除以 T 而不是乘以 T：T 越大分布越平。') }],
    lab: labAt('losses.html', 'distillation', { z: t.join(','), T }),
    params: { t, T },
  });
});

// 8. conv1x1
def('c1x1.params', 'conv1x1', (R, dl) => {
  const cIn = R.pick([64, 128, 256, 512, 1024]);
  const cOut = R.pick([16, 32, 64, 128, 256]);
  const h = R.pick([7, 14, 28]);
  const what = R.pick(['params', 'macs']);
  const c = dl.drillConvCost(cIn, cOut, 1, 1, what === 'params', h, h);
  const nob = dl.drillConvCost(cIn, cOut, 1, 1, false, h, h);
  return num('conv1x1', {
    prompt: what === 'params'
      ? L(`A 1×1 convolution maps ${cIn} channels to ${cOut} (with bias). How many parameters does it have?`, `一个 1×1 卷积把 ${cIn} 个通道映射到 ${cOut} 个（带偏置）。它有多少个参数？`)
      : L(`A 1×1 convolution maps a ${cIn}×${h}×${h} feature map to ${cOut} channels. How many multiply-adds does it take (ignore the bias)?`, `一个 1×1 卷积把 ${cIn}×${h}×${h} 的特征图映射到 ${cOut} 个通道。需要多少次乘加（忽略偏置）？`),
    answer: c[what], tol: EXACT,
    solution: what === 'params'
      ? [L(`C_in·C_out + C_out = ${cIn}·${cOut} + ${cOut} = ${c.params}`)]
      : [L(`H·W·C_in·C_out = ${h}·${h}·${cIn}·${cOut} = ${c.macs}`)],
    mistakes: what === 'params'
      ? [{ value: nob.params, why: L('You forgot the bias: one per output channel.', '漏掉了偏置：每个输出通道一个。') }]
      : [{ value: cIn * cOut, why: L('That is the weight count; every one of the H·W positions uses each weight once.', '这是权重数；H·W 个位置每个都要用一次每个权重。') }],
    lab: convLab(`${convLayer(3, 1, 1, 1, 64)}_${convLayer(1, 1, 0, 1, cOut)}`),
    params: { cIn, cOut, h, what },
  });
});

def('c1x1.bottleneck', 'conv1x1', (R, dl) => {
  const c = R.pick([64, 128, 256, 512]);
  const alt = dl.convAlternatives(c, c, 3, 14, 14);
  const b = alt.find((x) => x.name !== 'standard' && x.name !== 'separable');
  const std = alt.find((x) => x.name === 'standard');
  const m = c / 4;
  return num('conv1x1', {
    prompt: L(`A ResNet-style bottleneck replaces a 3×3 conv ${c} → ${c} by 1×1 (${c} → ${m}), 3×3 (${m} → ${m}), 1×1 (${m} → ${c}). How many weights does the bottleneck have (no biases)?`, `ResNet 风格的瓶颈结构把 ${c} → ${c} 的 3×3 卷积换成 1×1（${c} → ${m}）、3×3（${m} → ${m}）、1×1（${m} → ${c}）。瓶颈结构有多少个权重（不含偏置）？`),
    answer: b.params, tol: EXACT,
    solution: [L(`${c}·${m} + 9·${m}·${m} + ${m}·${c} = ${b.parts.map((p) => p.params).join(' + ')} = ${b.params}  (vs 9·${c}·${c} = ${std.params})`)],
    mistakes: [{ value: std.params, why: L('That is the plain 3×3 conv.', '这是普通 3×3 卷积的数量。') },
      { value: 9 * m * m, why: L('Count the two 1×1 layers too.', '两个 1×1 层也要算上。') }],
    lab: convLab(`${convLayer(1, 1, 0, 1, m)}_${convLayer(3, 1, 1, 1, m)}_${convLayer(1, 1, 0, 1, c)}`),
    params: { c },
  });
});

// 9. add-vs-concat
def('fuse.params', 'add-vs-concat', (R, dl) => {
  const c = R.pick([32, 64, 128, 256]);
  const cOut = R.pick([64, 128, 256]);
  const k = R.pick([1, 3]);
  const mode = R.pick(['concat', 'add']);
  const cin = mode === 'concat' ? 2 * c : c;
  const got = dl.drillConvCost(cin, cOut, k, 1, true, 8, 8).params;
  const other = dl.drillConvCost(mode === 'concat' ? c : 2 * c, cOut, k, 1, true, 8, 8).params;
  const nob = dl.drillConvCost(cin, cOut, k, 1, false, 8, 8).params;
  return num('add-vs-concat', {
    prompt: L(`Two feature maps of ${c} channels each are fused by ${mode === 'concat' ? 'concatenation' : 'element-wise addition'}, then a ${k}×${k} conv (with bias) produces ${cOut} channels. How many parameters does that conv have?`,
      `两个各 ${c} 通道的特征图通过${mode === 'concat' ? '拼接（concat）' : '逐元素相加（add）'}融合，然后一个 ${k}×${k} 卷积（带偏置）输出 ${cOut} 个通道。这个卷积有多少参数？`),
    answer: got, tol: EXACT,
    solution: [L(`input channels after ${mode}: ${cin}`, `${mode} 之后的输入通道：${cin}`), L(`k²·C_in·C_out + C_out = ${k * k}·${cin}·${cOut} + ${cOut} = ${got}`)],
    mistakes: [{ value: other, why: L(mode === 'concat' ? 'Concatenation doubles the channels (2C); addition keeps C.' : 'Addition keeps C channels; only concatenation doubles them.', mode === 'concat' ? '拼接会让通道翻倍（2C）；相加保持 C。' : '相加保持 C 个通道；只有拼接才翻倍。') },
      { value: nob, why: L('You forgot the bias (one per output channel).', '漏掉了偏置（每个输出通道一个）。') }],
    params: { c, cOut, k, mode },
  });
});

// 10. weight-sharing
def('ws.params', 'weight-sharing', (R, dl) => {
  const cIn = R.pick([1, 3, 8]);
  const cOut = R.pick([4, 8, 16]);
  const k = R.pick([3, 5]);
  const h = R.pick([8, 16, 28, 32]);
  const conv = dl.drillConvCost(cIn, cOut, k, 1, true, h, h).params;
  const local = dl.drillConvCost(cIn, cOut, k, 1, false, h, h).macs + cOut * h * h;
  const fc = dl.drillConvCost(cIn * h * h, cOut * h * h, 1, 1, true, 1, 1).params;
  return num('weight-sharing', {
    prompt: L(`A ${k}×${k} conv (padding "same", with bias) maps a ${cIn}×${h}×${h} input to ${cOut}×${h}×${h}. How many parameters does it have?`, `一个 ${k}×${k} 卷积（same 填充，带偏置）把 ${cIn}×${h}×${h} 的输入映射为 ${cOut}×${h}×${h}。它有多少参数？`),
    answer: conv, tol: EXACT,
    solution: [L(`(a fully connected layer with the same input and output would need ${fc})`, `（同样输入输出的全连接层需要 ${fc} 个参数）`),
      L(`the same kernel slides over every position: k²·C_in·C_out + C_out = ${k * k}·${cIn}·${cOut} + ${cOut} = ${conv}`, `同一组卷积核在所有位置共享：k²·C_in·C_out + C_out = ${k * k}·${cIn}·${cOut} + ${cOut} = ${conv}`)],
    mistakes: [{ value: local, why: L('That counts one kernel per position (a locally connected layer): a conv shares one kernel across all positions.', '这是每个位置一套核（局部连接层）；卷积在所有位置共享同一套核。') },
      { value: fc, why: L('That is a fully connected layer between the same shapes.', '这是相同形状之间全连接层的参数量。') },
      { value: conv - cOut, why: L('You forgot the bias.', '漏掉了偏置。') }],
    params: { cIn, cOut, k, h },
  });
});

// 11. receptive-field
def('rf.stack', 'receptive-field', (R, dl) => {
  const n = R.int(2, 4);
  const layers = [];
  for (let i = 0; i < n; i++) {
    if (i > 0 && R() < 0.3) layers.push({ type: 'maxpool', k: 2, s: 2 });
    else layers.push({ type: 'conv', k: R.pick([3, 3, 5, 7]), s: R.pick([1, 1, 2]) });
  }
  if (!layers.some((l) => (l.s ?? 1) > 1)) layers[0].s = 2;
  const info = dl.receptiveField(layers);
  const r = info.at(-1).r;
  const desc = layers.map((l) => (l.type === 'conv' ? `conv ${l.k}×${l.k}/s${l.s}` : `maxpool 2×2/s2`)).join(' → ');
  let jump = 1;
  const steps = layers.map((l, i) => {
    const line = `r${i + 1} = r${i} + (${l.k} − 1)·${jump} = ${info[i].r}`;
    jump *= l.s;
    return L(line);
  });
  return num('receptive-field', {
    prompt: L(`What is the receptive field (pixels per side) of one output of: ${desc}?`, `下面这个网络的一个输出的感受野（每边像素数）是多少：${desc}？`),
    answer: r, tol: EXACT,
    solution: [L('r_l = r_{l−1} + (k_l − 1)·j_{l−1}, j_l = j_{l−1}·s_l, r_0 = 1, j_0 = 1', 'r_l = r_{l−1} + (k_l − 1)·j_{l−1}，j_l = j_{l−1}·s_l，r_0 = 1，j_0 = 1'), ...steps],
    mistakes: [{ value: 1 + layers.reduce((a, l) => a + l.k - 1, 0), why: L('That ignores the strides: after a stride-s layer every later layer’s k − 1 counts s times as many input pixels.', '这忽略了步长：步长 s 之后，后面每层的 k − 1 都要乘上累计步长。') }],
    lab: convLab(layers.map((l) => (l.type === 'conv' ? convLayer(l.k, l.s, (l.k - 1) / 2, 1) : 'm2.2.0')).join('_'), '&show=110'),
    params: { layers },
  });
});

def('rf.outshape', 'receptive-field', (R, dl) => {
  let layer, c, h, row;
  for (;;) {
    c = R.pick([3, 16, 32, 64]);
    h = R.int(7, 64);
    layer = { type: 'conv', k: R.pick([1, 3, 5, 7]), s: R.pick([1, 2, 2, 3]), p: R.int(0, 3), d: R.pick([1, 1, 2]), out: R.pick([8, 16, 32, 64]) };
    const plan = dl.convStackPlan([layer], c, h, h);
    if (!plan.error && plan.rows.length === 1) {
      row = plan.rows[0];
      break;
    }
  }
  const { k, s, p, d, out } = layer;
  const span = d * (k - 1) + 1;
  return {
    topic: 'receptive-field', type: 'shape',
    prompt: L(`Input ${c}×${h}×${h} (C×H×W). Conv2d(${c}, ${out}, kernel_size=${k}, stride=${s}, padding=${p}, dilation=${d}). What is the output shape C×H×W?`, `输入 ${c}×${h}×${h}（C×H×W）。Conv2d(${c}, ${out}, kernel_size=${k}, stride=${s}, padding=${p}, dilation=${d})。输出形状 C×H×W 是多少？`),
    answer: [row.c, row.h, row.w], tol: null,
    solution: [L(`H_out = ⌊(H + 2p − d·(k − 1) − 1)/s⌋ + 1 = ⌊(${h} + ${2 * p} − ${span - 1} − 1)/${s}⌋ + 1 = ${row.h}`), L(`shape = ${row.c}×${row.h}×${row.w}`, `形状 = ${row.c}×${row.h}×${row.w}`)],
    mistakes: [
      { value: [out, Math.ceil((h + 2 * p - span) / s) + 1, Math.ceil((h + 2 * p - span) / s) + 1], why: L('Conv rounds down (floor), not up.', '卷积的输出尺寸向下取整，不是向上。') },
      { value: [out, Math.floor((h + 2 * p - k) / s) + 1, Math.floor((h + 2 * p - k) / s) + 1], why: L('You forgot the dilation: the kernel spans d·(k − 1) + 1 pixels.', '漏掉了空洞率：核跨度是 d·(k − 1) + 1。') },
      { value: [out, Math.floor((h - span) / s) + 1, Math.floor((h - span) / s) + 1], why: L('You forgot the padding (2p).', '漏掉了填充（2p）。') },
    ].filter((m) => m.value[1] > 0),
    lab: convLab(convLayer(k, s, p, d, out)),
    params: { c, h, layer },
  };
});

def('rf.pool', 'receptive-field', (R, dl) => {
  let h, k, s, p, ceil, o, other;
  for (;;) {
    h = R.int(5, 40);
    k = R.pick([2, 3]);
    s = R.pick([2, 3]);
    p = R.int(0, Math.floor(k / 2));
    ceil = R() < 0.5;
    const run = (ceilMode) => withTensors(dl, [[new Array(h * h).fill(0), [1, 1, h, h]]], (x) => {
      const y = dl.maxPool2d(x, { kernelSize: k, stride: s, padding: p, ceilMode });
      try {
        return y.shape[2];
      } finally {
        y.free();
      }
    });
    o = run(ceil);
    other = run(!ceil);
    if (o !== other) break;
  }
  return num('receptive-field', {
    prompt: L(`MaxPool2d(kernel_size=${k}, stride=${s}, padding=${p}, ceil_mode=${ceil ? 'True' : 'False'}) on a ${h}×${h} map: what is the output height?`, `MaxPool2d(kernel_size=${k}, stride=${s}, padding=${p}, ceil_mode=${ceil ? 'True' : 'False'}) 作用在 ${h}×${h} 的特征图上：输出高度是多少？`),
    answer: o, tol: EXACT,
    solution: [L(`H_out = ${ceil ? '⌈' : '⌊'}(H + 2p − k)/s${ceil ? '⌉' : '⌋'} + 1 = ${ceil ? '⌈' : '⌊'}(${h} + ${2 * p} − ${k})/${s}${ceil ? '⌉' : '⌋'} + 1${ceil ? ' (a last window must start inside the input or left padding)' : ''} = ${o}`,
      `H_out = ${ceil ? '⌈' : '⌊'}(H + 2p − k)/s${ceil ? '⌉' : '⌋'} + 1 = ${ceil ? '⌈' : '⌊'}(${h} + ${2 * p} − ${k})/${s}${ceil ? '⌉' : '⌋'} + 1${ceil ? '（最后一个窗口必须从输入或左侧填充内开始）' : ''} = ${o}`)],
    mistakes: [{ value: other, why: L(ceil ? 'ceil_mode=True rounds up.' : 'ceil_mode=False (the default) rounds down.', ceil ? 'ceil_mode=True 向上取整。' : 'ceil_mode=False（默认）向下取整。') }],
    params: { h, k, s, p, ceil },
  });
});

// 13. optimizers
def('opt.adam', 'optimizers', (R, dl) => {
  const th = R.real(-2, 2, 0.5);
  const g = [R.real(-3, 3, 0.5), R.real(-3, 3, 0.5)].map((v) => (v === 0 ? 1 : v));
  const lr = R.pick([0.1, 0.05, 0.01]);
  const opt = new dl.Optimizer('adam', { lr });
  const p = new dl.Tensor([th], [1]);
  let out;
  try {
    for (const gv of g) withTensors(dl, [[[gv], [1]]], (gt) => opt.step(p, gt, 0));
    out = p.toArray()[0];
  } finally {
    p.free();
    opt.free();
  }
  const [b1, b2, eps] = [0.9, 0.999, 1e-8];
  let m = 0, v = 0, x = th, nob = th;
  const lines = [];
  g.forEach((gv, i) => {
    m = b1 * m + (1 - b1) * gv;
    v = b2 * v + (1 - b2) * gv * gv;
    const mh = m / (1 - b1 ** (i + 1));
    const vh = v / (1 - b2 ** (i + 1));
    x -= lr * mh / (Math.sqrt(vh) + eps);
    nob -= lr * m / (Math.sqrt(v) + eps);
    const shown = i === g.length - 1 ? out : x;
    lines.push(L(`t=${i + 1}: g=${gv}, m=${fmt(m)}, v=${fmt(v)}, m̂=${fmt(mh)}, v̂=${fmt(vh)}, θ = θ − η·m̂/(√v̂ + ε) = ${fmt(shown)}`));
  });
  return num('optimizers', {
    prompt: L(`Adam (η = ${lr}, β₁ = 0.9, β₂ = 0.999, ε = 1e-8) starts at θ = ${th} with zero moments. The gradients of the first two steps are ${g[0]} and ${g[1]}. What is θ after the two steps? (4 decimals)`,
      `Adam（η = ${lr}，β₁ = 0.9，β₂ = 0.999，ε = 1e-8）从 θ = ${th} 出发，一阶二阶矩为 0。前两步的梯度是 ${g[0]} 和 ${g[1]}。两步之后 θ 是多少？（保留 4 位小数）`),
    answer: out, tol: { abs: 3e-4, rel: 1e-4 },
    solution: [L('m = β₁m + (1 − β₁)g, v = β₂v + (1 − β₂)g², m̂ = m/(1 − β₁ᵗ), v̂ = v/(1 − β₂ᵗ)'), ...lines],
    mistakes: [{ value: nob, why: L('You skipped the bias correction (m̂ = m/(1 − β₁ᵗ), v̂ = v/(1 − β₂ᵗ)); without it the first steps are far too small... or too large.', '漏掉了偏差修正（m̂ = m/(1 − β₁ᵗ)，v̂ = v/(1 − β₂ᵗ)）；没有它，最初几步的步长会失真。') },
      { value: th - lr * g[0] - lr * g[1], why: L('That is plain SGD.', '这是普通 SGD。') }],
    lab: `optim.html#f=ravine&t=${20}`,
    params: { th, g, lr },
  });
});

def('opt.momentum', 'optimizers', (R, dl) => {
  const th = R.real(-2, 2, 0.5);
  const g = [R.real(-2, 2, 0.5), R.real(-2, 2, 0.5), R.real(-2, 2, 0.5)];
  if (g.every((v) => v === 0)) g[0] = 1;
  const lr = R.pick([0.1, 0.5, 0.2]);
  const mu = R.pick([0.9, 0.5, 0.8]);
  const opt = new dl.Optimizer('sgd', { lr, momentum: mu });
  const p = new dl.Tensor([th], [1]);
  let out;
  try {
    for (const gv of g) withTensors(dl, [[[gv], [1]]], (gt) => opt.step(p, gt, 0));
    out = p.toArray()[0];
  } finally {
    p.free();
    opt.free();
  }
  let b = 0, x = th, e = 0, xe = th;
  const lines = g.map((gv, i) => {
    b = i === 0 ? gv : mu * b + gv;
    x -= lr * b;
    e = mu * e + (1 - mu) * gv;
    xe -= lr * e;
    return L(`t=${i + 1}: b = ${i === 0 ? 'g' : `${mu}·b + g`} = ${fmt(b)}, θ = θ − ${lr}·b = ${fmt(i === g.length - 1 ? out : x)}`);
  });
  return num('optimizers', {
    prompt: L(`SGD with momentum (PyTorch: b = μ·b + g, θ = θ − η·b; η = ${lr}, μ = ${mu}) starts at θ = ${th}. The gradients are ${g.join(', ')}. What is θ after three steps? (4 decimals)`,
      `带动量的 SGD（PyTorch：b = μ·b + g，θ = θ − η·b；η = ${lr}，μ = ${mu}）从 θ = ${th} 出发，梯度依次为 ${g.join(', ')}。三步之后 θ 是多少？（保留 4 位小数）`),
    answer: out, tol: { abs: 3e-4, rel: 1e-4 },
    solution: lines,
    mistakes: [{ value: xe, why: L('That is the EMA form b = μb + (1 − μ)g; PyTorch’s momentum adds the full gradient (dampening 0).', '这是指数滑动平均形式 b = μb + (1 − μ)g；PyTorch 的动量加的是完整梯度（dampening 为 0）。') },
      { value: th - lr * (g[0] + g[1] + g[2]), why: L('That is SGD without momentum.', '这是不带动量的 SGD。') }],
    lab: 'optim.html#f=ravine&t=60',
    params: { th, g, lr, mu },
  });
});

// 15. weight-init
def('init.bound', 'weight-init', (R, dl) => {
  const kind = R.pick(['xavier_uniform', 'kaiming_uniform', 'xavier_normal', 'kaiming_normal']);
  const fi = R.pick([64, 100, 128, 256, 300, 512, 784]);
  const fo = R.pick([10, 32, 64, 128, 256]);
  const r = dl.drillInit(kind, fi, fo);
  const uni = kind.endsWith('uniform');
  const xav = kind.startsWith('xavier');
  const ans = uni ? r.bound : r.std;
  const other = dl.drillInit(xav ? kind.replace('xavier', 'kaiming') : kind.replace('kaiming', 'xavier'), fi, fo);
  const name = { xavier_uniform: 'Xavier (Glorot) uniform', kaiming_uniform: 'Kaiming (He) uniform, ReLU gain', xavier_normal: 'Xavier (Glorot) normal', kaiming_normal: 'Kaiming (He) normal, ReLU gain' }[kind];
  return num('weight-init', {
    prompt: L(`${name} init of a linear layer with fan_in = ${fi}, fan_out = ${fo}: what is ${uni ? 'the bound a of U(−a, a)' : 'the standard deviation'}? (4 significant digits)`,
      `fan_in = ${fi}、fan_out = ${fo} 的线性层用 ${name} 初始化：${uni ? 'U(−a, a) 的边界 a' : '标准差'}是多少？（保留 4 位有效数字）`),
    answer: ans, tol: { abs: 0, rel: 2e-3 },
    solution: [L(xav ? `std = √(2/(fan_in + fan_out)) = √(2/${fi + fo}) = ${fmt(r.std)}` : `std = √2/√fan_in = √(2/${fi}) = ${fmt(r.std)}`),
      ...(uni ? [L(`a = √3·std = ${fmt(r.bound)}`)] : [])],
    mistakes: [{ value: uni ? other.bound : other.std, why: L(xav ? 'That is He’s formula (fan_in only, gain √2); Xavier averages the fans.' : 'That is Xavier’s formula; He uses fan_in only, with gain √2 for ReLU.', xav ? '这是 He 初始化（只用 fan_in，增益 √2）；Xavier 用两个 fan 的平均。' : '这是 Xavier 的公式；He 只用 fan_in，ReLU 增益 √2。') },
      { value: uni ? r.std : r.bound, why: L(uni ? 'That is the std; a uniform U(−a, a) has std a/√3, so a = √3·std.' : 'That is the uniform bound, not the std.', uni ? '这是标准差；U(−a, a) 的标准差是 a/√3，所以 a = √3·std。' : '这是均匀分布的边界，不是标准差。') },
      ...(xav ? [] : [{ value: (uni ? Math.sqrt(3) : 1) / Math.sqrt(fi), why: L('You left out the ReLU gain √2 (that is LeCun init).', '漏掉了 ReLU 增益 √2（这是 LeCun 初始化）。') }])],
    params: { kind, fi, fo },
  });
});

// 16. training-tricks
def('tt.lr', 'training-tricks', (R, dl) => {
  const sched = R.pick(['cosine', 'step']);
  const base = R.pick([0.1, 0.01, 0.001, 0.05]);
  const warm = R.pick([0, 5, 10]);
  const T = R.pick([50, 100, 200]);
  const every = R.pick([10, 20, 30]);
  const gamma = R.pick([0.1, 0.5]);
  const t = R() < 0.4 && warm ? R.int(0, warm - 1) : R.int(warm, T);
  const lr = dl.drillLr(sched, base, t, warm, every, gamma, T);
  const f = sched === 'cosine' ? 0.5 * (1 + Math.cos(Math.PI * Math.min(t, T) / T)) : gamma ** Math.floor(t / every);
  const w = t < warm ? (t + 1) / (warm + 1) : 1;
  const desc = sched === 'cosine' ? L(`cosine annealing over T = ${T} epochs (η_min = 0)`, `T = ${T} 轮的余弦退火（η_min = 0）`) : L(`step decay ×${gamma} every ${every} epochs`, `每 ${every} 轮乘以 ${gamma} 的阶梯衰减`);
  const wl = warm ? L(`, with linear warmup over the first ${warm} epochs (factor (t + 1)/(w + 1))`, `，前 ${warm} 轮线性预热（因子 (t + 1)/(w + 1)）`) : L('', '');
  return num('training-tricks', {
    prompt: L(`Base learning rate ${base}, ${desc.en}${wl.en}. What is the learning rate in epoch t = ${t} (0-based)? (4 significant digits)`, `基础学习率 ${base}，${desc.zh}${wl.zh}。第 t = ${t} 轮（从 0 数）的学习率是多少？（保留 4 位有效数字）`),
    answer: lr, tol: { abs: 1e-9, rel: 2e-3 },
    solution: [L(sched === 'cosine' ? `cosine factor = (1 + cos(π·${Math.min(t, T)}/${T}))/2 = ${fmt(f)}` : `step factor = ${gamma}^⌊${t}/${every}⌋ = ${fmt(f)}`, sched === 'cosine' ? `余弦因子 = (1 + cos(π·${Math.min(t, T)}/${T}))/2 = ${fmt(f)}` : `阶梯因子 = ${gamma}^⌊${t}/${every}⌋ = ${fmt(f)}`),
      ...(warm ? [L(`warmup factor = ${t < warm ? `(${t} + 1)/(${warm} + 1)` : '1 (warmup over)'} = ${fmt(w)}`, `预热因子 = ${t < warm ? `(${t} + 1)/(${warm} + 1)` : '1（预热已结束）'} = ${fmt(w)}`)] : []),
      L(`η = ${base}·${fmt(f)}·${fmt(w)} = ${fmt(lr)}`)],
    mistakes: [
      ...(t < warm ? [{ value: base * f * (t / warm), why: L('This warmup ramps as (t + 1)/(w + 1), so epoch 0 already trains (t/w would give 0).', '这里的预热因子是 (t + 1)/(w + 1)，第 0 轮也有学习率（t/w 在第 0 轮为 0）。') }, { value: base * f, why: L('You left out the warmup factor.', '漏掉了预热因子。') }] : []),
      ...(sched === 'step' ? [{ value: base * w * gamma ** Math.floor((t + 1) / every), why: L('Off by one: epoch t uses ⌊t/every⌋ decays (epochs 0..every−1 use the base rate).', '差一：第 t 轮衰减 ⌊t/every⌋ 次（第 0 到 every−1 轮用基础学习率）。') }] : [{ value: base * w * Math.cos(Math.PI * Math.min(t, T) / (2 * T)), why: L('Cosine annealing is (1 + cos(πt/T))/2, not cos(πt/2T).', '余弦退火是 (1 + cos(πt/T))/2，不是 cos(πt/2T)。') }]),
    ],
    lab: `train.html#ab=bn&play=1&sched=${sched === 'cosine' ? 'cosine' : 'step'}&topic=training-tricks`,
    params: { sched, base, warm, T, every, gamma, t },
  });
});

// 17. temporal-modules
def('tcn.rf', 'temporal-modules', (R, dl) => {
  const k = R.pick([2, 3, 5]);
  const n = R.int(2, 6);
  // at most 10 convs, the arch lab's limit (MAX_LAYERS), so the link shows the same stack
  const per = n > 5 ? 1 : R.pick([1, 2]);
  const layers = [];
  for (let i = 0; i < n; i++) for (let j = 0; j < per; j++) layers.push({ type: 'conv', k, d: 2 ** i });
  const r = dl.receptiveField(layers).at(-1).r;
  const dsum = (2 ** n - 1) * per;
  return num('temporal-modules', {
    prompt: L(`A TCN has ${n} residual blocks, each with ${per} causal dilated conv${per > 1 ? 's' : ''} of kernel ${k}; block i (from 0) uses dilation 2^i. How many time steps does one output see (its receptive field)?`,
      `一个 TCN 有 ${n} 个残差块，每块 ${per} 个核大小为 ${k} 的因果空洞卷积；第 i 块（从 0 数）空洞率为 2^i。一个输出能看到多少个时间步（感受野）？`),
    answer: r, tol: EXACT,
    solution: [L(`r = 1 + (k − 1)·Σd = 1 + ${k - 1}·${per}·(2^${n} − 1) = 1 + ${k - 1}·${dsum} = ${r}`)],
    mistakes: [{ value: 1 + (k - 1) * n * per, why: L('That ignores the dilation: each conv adds (k − 1)·d steps.', '这忽略了空洞率：每个卷积增加 (k − 1)·d 步。') },
      { value: k * dsum, why: L('k·Σd overcounts: each conv adds (k − 1)·d, and the output itself counts once.', 'k·Σd 多算了：每个卷积增加 (k − 1)·d，再加上自身 1 步。') },
      ...(per > 1 ? [{ value: 1 + (k - 1) * (2 ** n - 1), why: L(`Each block has ${per} convs: count every conv’s (k − 1)·d.`, `每块有 ${per} 个卷积：每个卷积的 (k − 1)·d 都要算。`) }] : [])],
    lab: labAt('arch.html', 'temporal-modules', { k, dil: layers.map((l) => l.d).join(',') }),
    params: { k, n, per },
  });
});

// 18. activations
def('act.value', 'activations', (R, dl) => {
  const name = R.pick(['sigmoid', 'tanh', 'gelu', 'silu', 'elu', 'leaky_relu']);
  const x = R.real(-3, 3, 0.5);
  const deriv = R() < 0.5;
  const c = dl.activationCurve(name, [x]);
  const y = c.y[0];
  const dy = c.dy[0];
  const F = { sigmoid: 'σ(x) = 1/(1 + e^−x)', tanh: 'tanh(x)', gelu: 'GELU(x) = x·Φ(x)', silu: 'SiLU(x) = x·σ(x)', elu: 'ELU(x) = x if x > 0 else e^x − 1', leaky_relu: 'LeakyReLU(x) = x if x > 0 else 0.01x' }[name];
  const D = { sigmoid: "σ'(x) = σ(x)(1 − σ(x))", tanh: "tanh'(x) = 1 − tanh²(x)", gelu: "GELU'(x) = Φ(x) + x·φ(x)", silu: "SiLU'(x) = σ(x)(1 + x(1 − σ(x)))", elu: "ELU'(x) = 1 if x > 0 else e^x", leaky_relu: "LeakyReLU'(x) = 1 if x > 0 else 0.01" }[name];
  const ms = deriv
    ? [{ value: y, why: L('That is the value f(x), not the derivative.', '这是函数值 f(x)，不是导数。') }]
    : [{ value: dy, why: L('That is the derivative, not the value.', '这是导数，不是函数值。') }];
  if (deriv && name === 'sigmoid') ms.push({ value: y * (1 - y) * (1 - y), why: L('σ\'(x) = σ(x)(1 − σ(x)).', 'σ\'(x) = σ(x)(1 − σ(x))。') });
  if (deriv && name === 'tanh') ms.push({ value: 1 - Math.abs(y), why: L('tanh\'(x) = 1 − tanh²(x) (squared).', 'tanh\'(x) = 1 − tanh²(x)（是平方）。') });
  return num('activations', {
    prompt: L(`What is ${deriv ? `the derivative of ${name}` : name} at x = ${x}? (4 decimals)`, `${name} 在 x = ${x} 处的${deriv ? '导数' : '值'}是多少？（保留 4 位小数）`),
    answer: deriv ? dy : y, tol: { abs: 2e-4, rel: 1e-3 },
    solution: [L(deriv ? D : F), L(`${deriv ? "f'" : 'f'}(${x}) = ${fmt(deriv ? dy : y)}`)],
    mistakes: ms,
    lab: `activations.html#x=${x}`,
    params: { name, x, deriv },
  });
});

// 19. roc-auc
def('roc.auc', 'roc-auc', (R, dl) => {
  let labels, scores;
  do {
    const n = R.int(5, 8);
    labels = Array.from({ length: n }, () => R.int(0, 1));
    scores = Array.from({ length: n }, () => R.pick([0.1, 0.2, 0.3, 0.4, 0.5, 0.6, 0.7, 0.8, 0.9]));
  } while (labels.every((l) => l === labels[0]));
  const auc = dl.rocCurve(new Uint8Array(labels), scores).auc;
  const pos = scores.filter((_, i) => labels[i]);
  const neg = scores.filter((_, i) => !labels[i]);
  let wins = 0, ties = 0;
  for (const a of pos) for (const b of neg) { if (a > b) wins++; else if (a === b) ties++; }
  const pairs = pos.length * neg.length;
  const g = (a, b) => (b ? g(b, a % b) : a);
  const num2 = 2 * wins + ties, den = 2 * pairs, gg = g(num2, den);
  return num('roc-auc', {
    prompt: L(`Scores and labels (1 = positive): ${scores.map((s, i) => `${s}→${labels[i]}`).join(', ')}. What is the ROC AUC? (a fraction or 4 decimals)`, `分数与标签（1 为正类）：${scores.map((s, i) => `${s}→${labels[i]}`).join('，')}。ROC AUC 是多少？（分数或保留 4 位小数）`),
    answer: auc, tol: { abs: 1e-4, rel: 1e-4 }, fraction: `${num2 / gg}/${den / gg}`,
    solution: [L('AUC = P(score of a random positive > score of a random negative), ties count ½', 'AUC = 随机正样本分数高于随机负样本的概率，平局记 ½'),
      L(`${pos.length} positives × ${neg.length} negatives = ${pairs} pairs: ${wins} won, ${ties} tied`, `${pos.length} 个正样本 × ${neg.length} 个负样本 = ${pairs} 对：${wins} 对胜，${ties} 对平`),
      L(`AUC = (${wins} + ½·${ties}) / ${pairs} = ${num2 / gg}/${den / gg} = ${fmt(auc)}`)],
    mistakes: ties ? [{ value: (wins + ties) / pairs, why: L('Tied pairs count ½, not 1.', '平局的样本对记 ½，不是 1。') }, { value: wins / pairs, why: L('Tied pairs count ½, not 0.', '平局的样本对记 ½，不是 0。') }]
      : [{ value: 1 - auc, why: L('That is the share of pairs ranked the wrong way round.', '这是排反了的样本对占比。') }],
    params: { labels, scores },
  });
});

// 20. l1-vs-l2
def('reg.grad', 'l1-vs-l2', (R, dl) => {
  const kind = R.pick(['l1', 'l2']);
  const w = R.pick([-2, -1.5, -0.5, -0.2, 0.3, 0.8, 1.5, 3]);
  const lam = R.pick([0.01, 0.05, 0.1, 0.001]);
  const gr = dl.drillPenaltyGrad(w, kind === 'l1' ? lam : 0, kind === 'l2' ? lam : 0);
  return num('l1-vs-l2', {
    prompt: kind === 'l1'
      ? L(`An L1 penalty λ·Σ|w| with λ = ${lam}: what does it add to the gradient of a weight w = ${w}?`, `L1 正则 λ·Σ|w|，λ = ${lam}：它给权重 w = ${w} 的梯度加上多少？`)
      : L(`An L2 penalty (λ/2)·Σw² with λ = ${lam} (weight decay λ): what does it add to the gradient of a weight w = ${w}?`, `L2 正则 (λ/2)·Σw²，λ = ${lam}（即权重衰减 λ）：它给权重 w = ${w} 的梯度加上多少？`),
    answer: gr, tol: { abs: 1e-6, rel: 1e-4 },
    solution: [L(kind === 'l1' ? `∂(λ|w|)/∂w = λ·sign(w) = ${lam}·${Math.sign(w)} = ${fmt(gr)}  (the same size for every weight: small weights are pushed to exactly 0)` : `∂((λ/2)w²)/∂w = λ·w = ${lam}·${w} = ${fmt(gr)}  (proportional to w: weights shrink but rarely reach 0)`,
      kind === 'l1' ? `∂(λ|w|)/∂w = λ·sign(w) = ${lam}·${Math.sign(w)} = ${fmt(gr)}（对所有权重大小相同：小权重被压到 0）` : `∂((λ/2)w²)/∂w = λ·w = ${lam}·${w} = ${fmt(gr)}（与 w 成正比：权重变小但很少恰好为 0）`)],
    mistakes: kind === 'l1'
      ? [{ value: lam * w, why: L('λ·w is the L2 gradient; L1’s is λ·sign(w).', 'λ·w 是 L2 的梯度；L1 的是 λ·sign(w)。') }, { value: lam * Math.abs(w), why: L('That is the penalty itself, not its gradient.', '这是惩罚项本身，不是梯度。') }]
      : [{ value: 2 * lam * w, why: L('With the ½ in (λ/2)·w² the gradient is λ·w, not 2λ·w.', '(λ/2)·w² 里有 ½，梯度是 λ·w，不是 2λ·w。') }, { value: lam * Math.sign(w), why: L('λ·sign(w) is the L1 gradient.', 'λ·sign(w) 是 L1 的梯度。') }],
    lab: labAt('eval.html', 'l1-vs-l2', { lam }),
    params: { kind, w, lam },
  });
});

def('reg.sgdwd', 'l1-vs-l2', (R, dl) => {
  const w = R.real(-2, 2, 0.5) || 1;
  const g = R.real(-1, 1, 0.25);
  const lr = R.pick([0.1, 0.5, 0.01]);
  const wd = R.pick([0.01, 0.1, 0.05]);
  const opt = new dl.Optimizer('sgd', { lr, weightDecay: wd });
  const p = new dl.Tensor([w], [1]);
  let out;
  try {
    withTensors(dl, [[[g], [1]]], (gt) => opt.step(p, gt, 0));
    out = p.toArray()[0];
  } finally {
    p.free();
    opt.free();
  }
  return num('l1-vs-l2', {
    prompt: L(`SGD with lr = ${lr} and weight_decay = ${wd} (L2): a weight w = ${w} has loss gradient ${g}. What is w after one step? (4 decimals)`, `SGD，lr = ${lr}，weight_decay = ${wd}（L2）：权重 w = ${w} 的损失梯度为 ${g}。一步之后 w 是多少？（保留 4 位小数）`),
    answer: out, tol: { abs: 1e-4, rel: 1e-5 },
    solution: [L(`w ← w − η·(g + λ·w) = ${w} − ${lr}·(${g} + ${wd}·${w}) = ${fmt(out)}`)],
    mistakes: [{ value: w - lr * g, why: L('You left out the weight decay term λ·w.', '漏掉了权重衰减项 λ·w。') }, { value: w - lr * (g + 2 * wd * w), why: L('weight_decay adds λ·w to the gradient, not 2λ·w.', 'weight_decay 给梯度加 λ·w，不是 2λ·w。') }],
    lab: labAt('eval.html', 'l1-vs-l2', { lam: wd }),
    params: { w, g, lr, wd },
  });
});

// 21. label-smoothing
def('ls.target', 'label-smoothing', (R, dl) => {
  const C = R.pick([3, 4, 5, 10, 100]);
  const eps = R.pick([0.1, 0.2, 0.05]);
  const y = R.int(0, C - 1);
  const which = R.pick(['true', 'other']);
  const j = which === 'true' ? y : (y + 1) % C;
  const z = new Array(C).fill(0);
  const h = dl.drillHead('cross_entropy', C, z, y, eps, 0.25, 2);
  const p = withTensors(dl, [[z, [1, C]]], (t) => arrOf(dl.softmax(t, 1)));
  const q = p[j] - h.grad[j];
  return num('label-smoothing', {
    prompt: L(`Label smoothing ε = ${eps} with C = ${C} classes (PyTorch's CrossEntropyLoss(label_smoothing=${eps})). The label is class ${y}. What is the smoothed target of ${which === 'true' ? 'the true class' : `class ${j} (a wrong class)`}? (4 decimals)`,
      `标签平滑 ε = ${eps}，共 C = ${C} 类（PyTorch 的 CrossEntropyLoss(label_smoothing=${eps})）。标签为类 ${y}。${which === 'true' ? '真实类' : `类 ${j}（错误类）`}的平滑后目标是多少？（保留 4 位小数）`),
    answer: q, tol: { abs: 1e-4, rel: 1e-4 },
    solution: [L('q = (1 − ε)·onehot + ε/C  (ε spread over all C classes, the true one included)', 'q = (1 − ε)·onehot + ε/C（ε 均分到全部 C 类，包括真实类）'),
      L('(read from the engine: the CE gradient is p − q)', '（来自引擎：交叉熵梯度为 p − q）'),
      L(which === 'true' ? `q_true = 1 − ${eps} + ${eps}/${C} = ${fmt(q)}` : `q_other = ${eps}/${C} = ${fmt(q)}`)],
    mistakes: which === 'true'
      ? [{ value: 1 - eps, why: L('That spreads ε over the C − 1 wrong classes only; PyTorch spreads it over all C, so the true class gets 1 − ε + ε/C.', '这是把 ε 只分给 C − 1 个错误类；PyTorch 分给全部 C 类，真实类得到 1 − ε + ε/C。') }]
      : [{ value: eps / (C - 1), why: L('That spreads ε over C − 1 classes; PyTorch uses ε/C for every class.', '这是把 ε 分给 C − 1 类；PyTorch 每类都是 ε/C。') }],
    lab: labAt('losses.html', 'label-smoothing', { eps }),
    params: { C, eps, y, which },
  });
});

def('ls.loss', 'label-smoothing', (R, dl) => {
  const C = 3;
  const z = Array.from({ length: C }, () => R.int(-2, 3));
  const y = R.int(0, C - 1);
  const eps = R.pick([0.1, 0.2]);
  const run = (labelSmoothing) => withTensors(dl, [[z, [1, C]]], (t) => itemOf(dl.crossEntropy(t, [y], { labelSmoothing })));
  const l = run(eps);
  const plain = run(0);
  const ls = withTensors(dl, [[z, [1, C]]], (t) => arrOf(dl.logSoftmax(t, 1)));
  const mean = -ls.reduce((a, b) => a + b, 0) / C;
  return num('label-smoothing', {
    prompt: L(`Logits ${vec(z)}, label ${y}, cross-entropy with label smoothing ε = ${eps} (PyTorch). What is the loss? (4 decimals)`, `logits ${vec(z)}，标签 ${y}，带标签平滑 ε = ${eps} 的交叉熵（PyTorch）。损失是多少？（保留 4 位小数）`),
    answer: l, tol: { abs: 2e-4, rel: 1e-3 },
    solution: [L(`log-softmax = ${vec(ls)}`), L(`L = (1 − ε)·(−log p_y) + ε·mean_c(−log p_c) = ${fmt(1 - eps)}·${fmt(plain)} + ${eps}·${fmt(mean)} = ${fmt(l)}`)],
    mistakes: [{ value: plain, why: L('That is the loss without smoothing.', '这是不做平滑的损失。') },
      { value: (1 - eps) * plain + eps * (-ls.reduce((a, b, i) => (i === y ? a : a + b), 0) / (C - 1)), why: L('That spreads ε over the C − 1 wrong classes; PyTorch averages over all C.', '这是把 ε 分给 C − 1 个错误类；PyTorch 在全部 C 类上平均。') }],
    lab: labAt('losses.html', 'label-smoothing', { eps, z: z.join(',') }),
    params: { z, y, eps },
  });
});

// 22. norm-family
def('nf.count', 'norm-family', (R, dl) => {
  const n = R.pick([2, 4, 8, 16, 32]);
  const c = R.pick([16, 32, 64, 128]);
  const h = R.pick([7, 14, 28, 32]);
  const kind = R.pick(['batch', 'layer', 'instance', 'group']);
  const g = R.pick([4, 8].filter((x) => c % x === 0 && x < c));
  const what = R.pick(['stats', 'perStat', 'params']);
  const shape = [n, c, h, h];
  const s = dl.drillNormStats(kind, shape, g);
  const name = { batch: 'BatchNorm2d', layer: 'LayerNorm([C, H, W])', instance: 'InstanceNorm2d', group: `GroupNorm(${g} groups)` };
  const ms = ['batch', 'layer', 'instance', 'group'].filter((k) => k !== kind).map((k) => ({ value: dl.drillNormStats(k, shape, g)[what], why: L(`That is ${name[k]}’s count.`, `这是 ${name[k]} 的数量。`) }));
  const form = {
    batch: ['C', 'N·H·W'], layer: ['N', 'C·H·W'], instance: ['N·C', 'H·W'], group: ['N·G', '(C/G)·H·W'],
  }[kind];
  return num('norm-family', {
    prompt: what === 'params'
      ? L(`${name[kind]} (PyTorch defaults${kind === 'instance' ? ': affine=False' : ''}) for inputs of shape N×C×H×W = ${shape.join('×')}: how many learnable parameters does it have?`, `${name[kind]}（PyTorch 默认参数${kind === 'instance' ? '：affine=False' : ''}）用于形状 N×C×H×W = ${shape.join('×')} 的输入：它有多少个可学习参数？`)
      : what === 'stats'
      ? L(`${name[kind]} on an input of shape N×C×H×W = ${shape.join('×')} in training: how many (mean, variance) pairs does it compute?`, `${name[kind]} 作用在形状 N×C×H×W = ${shape.join('×')} 的输入上（训练时）：它计算多少组（均值，方差）？`)
      : L(`${name[kind]} on an input of shape N×C×H×W = ${shape.join('×')}: over how many values is each mean computed?`, `${name[kind]} 作用在形状 N×C×H×W = ${shape.join('×')} 的输入上：每个均值是在多少个数上计算的？`),
    answer: s[what], tol: EXACT,
    solution: what === 'params'
      ? [L(`γ and β: ${{ batch: '2·C (one pair per channel)', layer: '2·C·H·W (elementwise affine over the normalized shape)', instance: '0 (affine=False by default)', group: '2·C (one pair per channel)' }[kind]} = ${s.params}`,
        `γ 和 β：${{ batch: '2·C（每通道一对）', layer: '2·C·H·W（对归一化形状逐元素仿射）', instance: '0（默认 affine=False）', group: '2·C（每通道一对）' }[kind]} = ${s.params}`)]
      : [L(`${name[kind]}: ${form[0]} statistics, each over ${form[1]} values`, `${name[kind]}：${form[0]} 组统计量，每组覆盖 ${form[1]} 个数`), L(`${what === 'stats' ? form[0] : form[1]} = ${s[what]}`)],
    mistakes: ms,
    lab: labAt('norm.html', 'norm-family', {
      norm: { batch: 'bn', layer: 'ln', instance: 'in', group: 'gn' }[kind],
      g: kind === 'group' && NORM_G.includes(g) ? g : null,
      n: NORM_N.includes(n) ? n : null,
    }),
    params: { shape, kind, g, what },
  });
});

// 23. fpn-small-objects
def('fpn.size', 'fpn-small-objects', (R, dl) => {
  const H = R.int(20, 130) * 8 + R.pick([0, 0, 1, 3, 5]);
  const W = R.int(20, 130) * 8 + R.pick([0, 2, 4, 7]);
  const l = R.int(2, 6);
  const layers = Array.from({ length: l }, () => ({ type: 'conv', k: 3, s: 2, p: 1, out: 8 }));
  const row = dl.convStackPlan(layers, 3, H, W).rows[l - 1];
  const st = 2 ** l;
  return {
    topic: 'fpn-small-objects', type: 'shape',
    prompt: L(`An FPN backbone halves the resolution ${l} times (each time a 3×3 conv, stride 2, padding 1) to reach level P${l} (stride ${st}). For a ${H}×${W} image, what is the spatial size H×W of P${l}?`, `FPN 主干网络把分辨率减半 ${l} 次（每次 3×3 卷积、步长 2、填充 1）得到 P${l} 层（步长 ${st}）。输入 ${H}×${W} 的图像，P${l} 的空间尺寸 H×W 是多少？`),
    answer: [row.h, row.w], tol: null,
    solution: [L('each halving: ⌊(n + 2 − 3)/2⌋ + 1 = ⌈n/2⌉', '每次减半：⌊(n + 2 − 3)/2⌋ + 1 = ⌈n/2⌉'), L(`after ${l} halvings: ${row.h}×${row.w} (≈ ${H}/${st} × ${W}/${st}, rounded up)`, `${l} 次之后：${row.h}×${row.w}（约 ${H}/${st} × ${W}/${st}，向上取整）`)],
    mistakes: [{ value: [Math.floor(H / st), Math.floor(W / st)], why: L('Each stride-2 conv with padding 1 rounds up (⌈n/2⌉), so an odd size keeps its extra row.', '每个步长 2、填充 1 的卷积向上取整（⌈n/2⌉），奇数尺寸会多保留一行。') }].filter((m) => m.value.join('x') !== [row.h, row.w].join('x')),
    lab: l >= 3 ? labAt('arch.html', 'fpn-small-objects', { top: l }) : labAt('arch.html', 'fpn-small-objects', {}),
    params: { H, W, l },
  };
});

// 24. softmax-sigmoid
def('sm.temp', 'softmax-sigmoid', (R, dl) => {
  const z = Array.from({ length: R.int(3, 4) }, () => R.int(-2, 4));
  while (new Set(z).size < 2) z[0] += 1;
  const T = R.pick([0.5, 1, 2, 5]);
  const i = R.int(0, z.length - 1);
  const sm = (s) => withTensors(dl, [[z.map((v) => v / s), [1, z.length]]], (t) => arrOf(dl.softmax(t, 1)));
  const p = sm(T);
  const ms = [{ value: z.length ? Math.exp(z[i] / T) : null, why: L('You forgot to divide by the sum of the exponentials.', '漏了除以所有指数之和。') }];
  if (T !== 1) ms.push({ value: sm(1)[i], why: L('That ignores the temperature: divide the logits by T first.', '这忽略了温度：要先把 logits 除以 T。') }, { value: sm(1 / T)[i], why: L('Divide the logits by T, do not multiply.', '要把 logits 除以 T，不是乘以 T。') });
  return num('softmax-sigmoid', {
    prompt: L(`Logits ${vec(z)}, softmax at temperature T = ${T}. What is the probability of class ${i} (0-based)? (4 decimals)`, `logits ${vec(z)}，温度 T = ${T} 的 softmax。类 ${i}（从 0 数）的概率是多少？（保留 4 位小数）`),
    answer: p[i], tol: { abs: 1e-4, rel: 1e-3 },
    solution: [L(`p_i = e^{z_i/T} / Σ_j e^{z_j/T}`), L(`z/T = ${vec(z.map((v) => v / T))}`), L(`p = ${vec(p)}, p_${i} = ${fmt(p[i])}`)],
    mistakes: ms,
    lab: labAt('losses.html', 'softmax-sigmoid', { z: z.join(','), T }),
    params: { z, T, i },
  });
});

def('sm.twoclass', 'softmax-sigmoid', (R, dl) => {
  const a = R.real(-3, 3, 0.5);
  let b = R.real(-3, 3, 0.5);
  if (b === 0) b = 1;
  const p = withTensors(dl, [[[a, b], [1, 2]]], (t) => arrOf(dl.softmax(t, 1)))[0];
  const sd = withTensors(dl, [[[a - b], [1]]], (t) => arrOf(dl.sigmoid(t)))[0];
  const sa = withTensors(dl, [[[a], [1]]], (t) => arrOf(dl.sigmoid(t)))[0];
  return num('softmax-sigmoid', {
    prompt: L(`A two-class softmax gets logits [${a}, ${b}]. What is the probability of class 0? (4 decimals)`, `两类 softmax 的 logits 为 [${a}, ${b}]。类 0 的概率是多少？（保留 4 位小数）`),
    answer: p, tol: { abs: 1e-4, rel: 1e-3 },
    solution: [L('softmax([a, b])₀ = e^a/(e^a + e^b) = σ(a − b)'), L(`σ(${a} − ${b}) = σ(${fmt(a - b)}) = ${fmt(p)}`)],
    mistakes: [{ value: sa, why: L('σ(a) ignores the other logit: a two-class softmax is σ(a − b).', 'σ(a) 忽略了另一个 logit：两类 softmax 等于 σ(a − b)。') }],
    lab: labAt('losses.html', 'softmax-sigmoid', { z: `${a},${b}` }),
    params: { a, b },
  });
});

// 25. ce-vs-mse
def('cm.grad', 'ce-vs-mse', (R, dl) => {
  const p = R.pick([0.01, 0.05, 0.1, 0.2, 0.3, 0.5, 0.7, 0.9]);
  const y = R.int(0, 1);
  const loss = R.pick(['bce', 'mse']);
  const z = Math.log(p / (1 - p));
  const h = dl.drillHead(loss, 2, [z], y, 0, 0.25, 2);
  const gr = h.grad[0];
  return num('ce-vs-mse', {
    prompt: L(`A sigmoid output p = σ(z) = ${p}, label y = ${y}, loss ${loss === 'bce' ? 'binary cross-entropy' : 'MSE (p − y)²'}. What is ∂L/∂z, the gradient with respect to the logit? (4 decimals)`, `sigmoid 输出 p = σ(z) = ${p}，标签 y = ${y}，损失为${loss === 'bce' ? '二元交叉熵' : ' MSE (p − y)²'}。对 logit 的梯度 ∂L/∂z 是多少？（保留 4 位小数）`),
    answer: gr, tol: { abs: 2e-4, rel: 2e-3 },
    solution: loss === 'bce'
      ? [L('∂BCE/∂z = p − y (the σ\' cancels against the log)', '∂BCE/∂z = p − y（σ\' 与对数的导数相消）'), L(`= ${p} − ${y} = ${fmt(gr)}`)]
      : [L('∂MSE/∂z = 2(p − y)·σ\'(z) = 2(p − y)·p(1 − p)'), L(`= 2·(${p} − ${y})·${p}·${fmt(1 - p)} = ${fmt(gr)}  (tiny when p is confidently wrong: the saturation CE avoids)`, `= 2·(${p} − ${y})·${p}·${fmt(1 - p)} = ${fmt(gr)}（预测自信地错时很小：这正是交叉熵避免的饱和）`)],
    mistakes: loss === 'bce'
      ? [{ value: 2 * (p - y) * p * (1 - p), why: L('That is the MSE gradient.', '这是 MSE 的梯度。') }, { value: y ? -1 / p : 1 / (1 - p), why: L('That is ∂L/∂p; chain through σ\'(z) = p(1 − p).', '这是 ∂L/∂p；还要乘以 σ\'(z) = p(1 − p)。') }]
      : [{ value: p - y, why: L('p − y is the cross-entropy gradient; MSE through a sigmoid keeps the factor σ\'(z).', 'p − y 是交叉熵的梯度；经过 sigmoid 的 MSE 还要乘 σ\'(z)。') }, { value: 2 * (p - y), why: L('That is ∂L/∂p; chain through σ\'(z) = p(1 − p).', '这是 ∂L/∂p；还要乘以 σ\'(z) = p(1 − p)。') }],
    lab: labAt('losses.html', 'ce-vs-mse', { cursor: p }),
    params: { p, y, loss },
  });
});

def('cm.ce', 'ce-vs-mse', (R, dl) => {
  const C = R.int(3, 4);
  const z = Array.from({ length: C }, () => R.int(-2, 3));
  const y = R.int(0, C - 1);
  const l = withTensors(dl, [[z, [1, C]]], (t) => itemOf(dl.crossEntropy(t, [y])));
  const p = withTensors(dl, [[z, [1, C]]], (t) => arrOf(dl.softmax(t, 1)));
  const lse = Math.log(z.reduce((a, v) => a + Math.exp(v), 0));
  return num('ce-vs-mse', {
    prompt: L(`Logits ${vec(z)}, true class ${y} (0-based). What is the cross-entropy loss? (natural log, 4 decimals)`, `logits ${vec(z)}，真实类 ${y}（从 0 数）。交叉熵损失是多少？（自然对数，保留 4 位小数）`),
    answer: l, tol: { abs: 2e-4, rel: 1e-3 },
    solution: [L(`p = softmax(z) = ${vec(p)}`), L(`CE = −ln p_y = logsumexp(z) − z_y = ${fmt(lse)} − ${z[y]} = ${fmt(l)}`)],
    mistakes: [{ value: -Math.log10(p[y]), why: L('Cross-entropy uses the natural log (ln), not log10.', '交叉熵用自然对数 ln，不是 log10。') },
      { value: -z[y], why: L('−z_y forgets the normalization: CE = logsumexp(z) − z_y.', '−z_y 漏了归一化项：CE = logsumexp(z) − z_y。') },
      { value: 1 - p[y], why: L('1 − p_y is not a log loss; CE = −ln p_y.', '1 − p_y 不是对数损失；CE = −ln p_y。') }],
    lab: labAt('losses.html', 'ce-vs-mse', { z: z.join(',') }),
    params: { z, y },
  });
});

def('focal.ratio', 'focal-loss', (R, dl) => {
  const p = R.real(0.1, 0.95, 0.05);
  const y = R.int(0, 1);
  const alpha = R.pick([0.25, 0.5, 0.75]);
  const gamma = R.pick([2, 3]);
  const z = Math.log(p / (1 - p));
  const [fl, ce] = withTensors(dl, [[[z], [1]], [[y], [1]]], (zt, yt) => [
    itemOf(dl.sigmoidFocalLoss(zt, yt, { alpha, gamma, reduction: 'none' })),
    itemOf(dl.bceWithLogits(zt, yt, { reduction: 'none' })),
  ]);
  const r = fl / ce;
  const pt = y ? p : 1 - p;
  const at = y ? alpha : 1 - alpha;
  return num('focal-loss', {
    prompt: L(`For one example with p = ${fmt(p)} (predicted probability of the positive class) and label y = ${y}, the focal loss (α = ${alpha}, γ = ${gamma}) is what fraction of the plain binary cross-entropy? (4 decimals)`,
      `一个样本的正类预测概率 p = ${fmt(p)}，标签 y = ${y}。focal loss（α = ${alpha}，γ = ${gamma}）是普通二元交叉熵的多少倍？（保留 4 位小数）`),
    answer: r, tol: { abs: 2e-4, rel: 2e-3 },
    solution: [L(`p_t = ${fmt(pt)}, α_t = ${fmt(at)}`), L(`FL / CE = α_t·(1 − p_t)^γ = ${fmt(at)}·${fmt(1 - pt)}^${gamma} = ${fmt(r)}  (FL = ${fmt(fl)}, CE = ${fmt(ce)})`)],
    mistakes: [{ value: (1 - pt) ** gamma, why: L('You left out α_t.', '漏掉了 α_t。') },
      { value: at * (1 - pt), why: L('The modulating factor is raised to the power γ.', '调制因子要取 γ 次方。') },
      { value: at * pt ** gamma, why: L('The factor is (1 − p_t)^γ: it is small for easy examples (p_t near 1).', '因子是 (1 − p_t)^γ：简单样本（p_t 接近 1）时它很小。') }],
    lab: labAt('losses.html', 'focal-loss', { gamma, alpha, aon: 1 }),
    params: { p, y, alpha, gamma },
  });
});

def('roc.tpr', 'roc-auc', (R, dl) => {
  let labels, scores, t;
  do {
    const n = R.int(6, 9);
    labels = Array.from({ length: n }, () => R.int(0, 1));
    scores = Array.from({ length: n }, () => R.pick([0.1, 0.2, 0.3, 0.4, 0.5, 0.6, 0.7, 0.8, 0.9]));
    t = R.pick(scores);
  } while (labels.every((l) => l === labels[0]) || t === Math.min(...scores));
  const which = R.pick(['tpr', 'fpr']);
  const roc = dl.rocCurve(new Uint8Array(labels), scores, false);
  const i = roc.thresholds.findIndex((v) => v === Math.fround(t));
  const ans = roc[which][i];
  const P = labels.filter((l) => l === 1).length;
  const N = labels.length - P;
  const tp = labels.filter((l, k) => l === 1 && scores[k] >= t).length;
  const fp = labels.filter((l, k) => l === 0 && scores[k] >= t).length;
  const tpS = labels.filter((l, k) => l === 1 && scores[k] > t).length;
  const fpS = labels.filter((l, k) => l === 0 && scores[k] > t).length;
  const name = which === 'tpr' ? L('true positive rate (recall)', '真正例率（召回率）') : L('false positive rate', '假正例率');
  return num('roc-auc', {
    prompt: L(`Scores and labels (1 = positive): ${scores.map((s2, k) => `${s2}→${labels[k]}`).join(', ')}. Predict positive when score ≥ ${t}. What is the ${name.en}? (a fraction or 4 decimals)`,
      `分数与标签（1 为正类）：${scores.map((s2, k) => `${s2}→${labels[k]}`).join('，')}。分数 ≥ ${t} 判为正类。${name.zh}是多少？（分数或保留 4 位小数）`),
    answer: ans, tol: { abs: 1e-4, rel: 1e-4 }, fraction: which === 'tpr' ? `${tp}/${P}` : `${fp}/${N}`,
    solution: [L(`${P} positives, ${N} negatives; at ≥ ${t}: TP = ${tp}, FP = ${fp}`, `${P} 个正样本，${N} 个负样本；阈值 ≥ ${t} 时：TP = ${tp}，FP = ${fp}`),
      L(which === 'tpr' ? `TPR = TP/P = ${tp}/${P} = ${fmt(ans)}` : `FPR = FP/N = ${fp}/${N} = ${fmt(ans)}`)],
    mistakes: [{ value: which === 'tpr' ? tpS / P : fpS / N, why: L('Scores equal to the threshold count as positive (≥, not >).', '分数等于阈值的样本判为正类（≥，不是 >）。') },
      { value: which === 'tpr' ? fp / N : tp / P, why: L(which === 'tpr' ? 'That is the false positive rate FP/N.' : 'That is the true positive rate TP/P.', which === 'tpr' ? '这是假正例率 FP/N。' : '这是真正例率 TP/P。') },
      { value: which === 'tpr' ? tp / (tp + fp) : null, why: L('TP/(TP + FP) is the precision; the TPR divides by all positives.', 'TP/(TP + FP) 是精确率；TPR 除以全部正样本数。') }],
    lab: labAt('eval.html', 'roc-auc', { thr: t }),
    params: { labels, scores, t, which },
  });
});

def('rnn.params', 'temporal-modules', (R, dl) => {
  const cell = R.pick(['rnn', 'lstm', 'gru']);
  const x = R.pick([8, 16, 32, 64, 100, 128]);
  const h = R.pick([16, 32, 64, 128, 256]);
  const n = dl.drillRnnParams(cell, x, h);
  const g = { rnn: 1, lstm: 4, gru: 3 }[cell];
  const name = { rnn: 'nn.RNN', lstm: 'nn.LSTM', gru: 'nn.GRU' }[cell];
  return num('temporal-modules', {
    prompt: L(`How many learnable parameters does ${name}(input_size=${x}, hidden_size=${h}) have (one layer, PyTorch)?`, `${name}(input_size=${x}, hidden_size=${h})（一层，PyTorch）有多少个可学习参数？`),
    answer: n, tol: EXACT,
    solution: [L(`${g} gate block${g > 1 ? 's' : ''}${cell === 'lstm' ? ' (i, f, g, o)' : cell === 'gru' ? ' (r, z, n)' : ''}: W_ih ${g}h×x, W_hh ${g}h×h, b_ih and b_hh ${g}h each`, `${g} 个门块${cell === 'lstm' ? '（i, f, g, o）' : cell === 'gru' ? '（r, z, n）' : ''}：W_ih ${g}h×x，W_hh ${g}h×h，b_ih 和 b_hh 各 ${g}h`),
      L(`${g}·${h}·(${x} + ${h}) + 2·${g}·${h} = ${n}`)],
    mistakes: [{ value: g * h * (x + h) + g * h, why: L('PyTorch has two bias vectors per layer (b_ih and b_hh).', 'PyTorch 每层有两个偏置向量（b_ih 和 b_hh）。') },
      { value: g * h * (x + h), why: L('You forgot the biases (two vectors of gates·h).', '漏掉了偏置（两个长度为 门数·h 的向量）。') },
      ...(cell !== 'rnn' ? [{ value: h * (x + h) + 2 * h, why: L(`That is a plain RNN: ${name} has ${g} gate blocks.`, `这是普通 RNN 的数量：${name} 有 ${g} 个门块。`) }] : []),
      ...(cell === 'lstm' ? [{ value: 3 * h * (x + h) + 6 * h, why: L('An LSTM has 4 gate blocks (i, f, g, o); 3 is the GRU.', 'LSTM 有 4 个门块（i, f, g, o）；3 个的是 GRU。') }] : []),
      ...(cell === 'gru' ? [{ value: 4 * h * (x + h) + 8 * h, why: L('A GRU has 3 gate blocks (r, z, n); 4 is the LSTM.', 'GRU 有 3 个门块（r, z, n）；4 个的是 LSTM。') }] : [])],
    lab: labAt('arch.html', 'temporal-modules', { cell, hid: h <= 64 ? h : null }),
    params: { cell, x, h },
  });
});

def('tt.clip', 'training-tricks', (R, dl) => {
  const a = [R.int(-6, 6), R.int(-6, 6)];
  if (!a[0]) a[0] = 3;
  const b = [R.int(-8, 8)];
  const m = R.pick([1, 2, 5, 10]);
  const c = dl.drillClip([...a, ...b], m);
  const ans = a[0] * c.coef;
  const na = Math.hypot(...a);
  return num('training-tricks', {
    prompt: L(`Gradient clipping clip_grad_norm_(max_norm=${m}) over two parameters with gradients ${vec(a)} and ${vec(b)}. What does the first component ${a[0]} become? (4 decimals)`,
      `梯度裁剪 clip_grad_norm_(max_norm=${m}) 作用于两个参数，梯度分别为 ${vec(a)} 和 ${vec(b)}。第一个分量 ${a[0]} 变成多少？（保留 4 位小数）`),
    answer: ans, tol: { abs: 2e-4, rel: 1e-4 },
    solution: [L(`global norm = √(${[...a, ...b].map((v) => `${v}²`).join(' + ')}) = ${fmt(c.norm)}`, `全局范数 = √(${[...a, ...b].map((v) => `${v}²`).join(' + ')}) = ${fmt(c.norm)}`),
      L(c.coef < 1 ? `coef = max_norm/(norm + 1e-6) = ${m}/${fmt(c.norm)} = ${fmt(c.coef)} < 1, so every gradient is scaled` : `coef = ${m}/${fmt(c.norm)} ≥ 1: the gradients are left as they are`, c.coef < 1 ? `系数 = max_norm/(norm + 1e-6) = ${m}/${fmt(c.norm)} = ${fmt(c.coef)} < 1，所有梯度都乘以它` : `系数 = ${m}/${fmt(c.norm)} ≥ 1：梯度保持不变`),
      L(`${a[0]}·${fmt(c.coef)} = ${fmt(ans)}`)],
    mistakes: [{ value: Math.max(-m, Math.min(m, a[0])), why: L('That clips each value to ±max_norm (clip_grad_value_); clip_grad_norm_ rescales the whole gradient by one factor.', '这是按值裁剪（clip_grad_value_）；clip_grad_norm_ 用同一个系数缩放全部梯度。') },
      { value: a[0] * Math.min(1, m / na), why: L('The norm is the global one over all parameters, not per tensor.', '范数是所有参数的全局范数，不是逐张量的。') },
      { value: a[0] / c.norm, why: L('The gradient is scaled to norm max_norm, not to norm 1.', '梯度被缩放到范数 max_norm，不是 1。') }],
    params: { a, b, m },
  });
});

// ---- more numeric generators for the thinner topics --------------------------------------------

def('drop.eval', 'dropout', (R, dl) => {
  const p = R.pick([0.1, 0.2, 0.25, 0.3, 0.4, 0.5]);
  const v = R.pick([1, 2, 3, 4, 6, 0.5, 1.5, -2]);
  const out = withTensors(dl, [[[v], [1]]], (t) => arrOf(dl.dropout(t, p, false, R.int(0, 99999))))[0];
  return num('dropout', {
    prompt: L(`A network was trained with inverted dropout, p = ${p} (the drop probability). At test time (evaluation mode), what does the dropout layer output for an activation equal to ${v}? (4 decimals)`,
      `网络用倒置 Dropout 训练，丢弃概率 p = ${p}。测试时（评估模式），Dropout 层对一个值为 ${v} 的激活输出多少？（保留 4 位小数）`),
    answer: out, tol: { abs: 1e-4, rel: 1e-5 },
    solution: [L('inverted dropout already divided the kept units by (1 − p) during training, so at test time the layer is the identity', '倒置 Dropout 在训练时已经把保留的单元除以 (1 − p)，所以测试时这一层就是恒等映射'),
      L(`output = ${v} → ${fmt(out)}`, `输出 = ${v} → ${fmt(out)}`)],
    mistakes: [{ value: v * (1 - p), why: L('Multiplying by (1 − p) at test time is the original (non-inverted) dropout; inverted dropout scales during training and does nothing at test time.', '测试时乘 (1 − p) 是原始（非倒置）Dropout 的做法；倒置 Dropout 在训练时缩放，测试时什么都不做。') },
      { value: v / (1 - p), why: L('Dividing by (1 − p) happens in training, for the kept units; at test time nothing is dropped and nothing is scaled.', '除以 (1 − p) 发生在训练时、对被保留的单元；测试时不丢弃也不缩放。') }],
    lab: labAt('eval.html', 'dropout', { kd: p }),
    params: { p, v },
  });
});

def('fuse.counts', 'add-vs-concat', (R, dl) => {
  const c = R.pick([4, 8, 16, 32]);
  const co = R.pick([8, 16, 32]);
  const h = R.pick([8, 16, 32]);
  const what = R.pick(['concat', 'add', 'adds']);
  const f = dl.archFuseCounts(c, c, co, h, h);
  const ans = { concat: f.concatConv[1], add: f.addConv[1], adds: f.addAdds }[what];
  const prompt = {
    concat: L(`Two ${c}×${h}×${h} feature maps are concatenated along channels, then a 1×1 conv (no bias) maps the result to ${co} channels. How many multiply-adds does that conv take?`,
      `两个 ${c}×${h}×${h} 的特征图沿通道拼接，然后一个 1×1 卷积（无偏置）把结果映射到 ${co} 个通道。这个卷积需要多少次乘加？`),
    add: L(`Two ${c}×${h}×${h} feature maps are added element-wise, then a 1×1 conv (no bias) maps the sum to ${co} channels. How many multiply-adds does that conv take?`,
      `两个 ${c}×${h}×${h} 的特征图逐元素相加，然后一个 1×1 卷积（无偏置）把和映射到 ${co} 个通道。这个卷积需要多少次乘加？`),
    adds: L(`Two ${c}×${h}×${h} feature maps are fused by element-wise addition (as in a ResNet shortcut or an FPN merge). How many additions does the fusion take?`,
      `两个 ${c}×${h}×${h} 的特征图逐元素相加融合（如 ResNet 捷径或 FPN 合并）。融合本身需要多少次加法？`),
  }[what];
  const cin = what === 'concat' ? 2 * c : c;
  return num('add-vs-concat', {
    prompt, answer: ans, tol: EXACT,
    solution: what === 'adds'
      ? [L('one addition per element of the output: C·H·W', '输出的每个元素一次加法：C·H·W'), L(`${c}·${h}·${h} = ${ans}`)]
      : [L(`input channels after ${what === 'concat' ? 'concat: 2C' : 'add: C'} = ${cin}`, `${what === 'concat' ? '拼接后输入通道：2C' : '相加后输入通道：C'} = ${cin}`),
        L(`H·W·C_in·C_out = ${h}·${h}·${cin}·${co} = ${ans}`)],
    mistakes: what === 'adds'
      ? [{ value: 2 * c * h * h, why: L('That counts the elements of both inputs; adding two maps takes one addition per output element.', '这数的是两个输入的元素总数；两个图相加，每个输出元素只要一次加法。') },
        { value: c, why: L('The maps are added at every position too, not once per channel.', '每个位置都要相加，不是每个通道一次。') }]
      : [{ value: (what === 'concat' ? c : 2 * c) * co * h * h, why: L(what === 'concat' ? 'Concatenation doubles the channels the conv reads (2C).' : 'Addition keeps C channels; only concatenation doubles them.', what === 'concat' ? '拼接让卷积读入的通道翻倍（2C）。' : '相加保持 C 个通道；只有拼接才翻倍。') },
        { value: cin * co, why: L('That is the weight count; every one of the H·W positions uses each weight once.', '这是权重数；H·W 个位置每个都要用一次每个权重。') }],
    lab: labAt('arch.html', 'add-vs-concat', { ch: c, co }),
    params: { c, co, h, what },
  });
});

def('ws.macs', 'weight-sharing', (R, dl) => {
  const cIn = R.pick([1, 3, 8, 16]);
  const cOut = R.pick([4, 8, 16, 32]);
  const k = R.pick([3, 5]);
  const h = R.pick([8, 16, 28, 32]);
  const what = R.pick(['macs', 'uses']);
  const c = dl.drillConvCost(cIn, cOut, k, 1, false, h, h);
  const ans = what === 'macs' ? c.macs : c.macs / c.params;
  return num('weight-sharing', {
    prompt: what === 'macs'
      ? L(`A ${k}×${k} conv (padding "same", stride 1, no bias) maps a ${cIn}×${h}×${h} input to ${cOut}×${h}×${h}. How many multiply-adds does it take?`, `一个 ${k}×${k} 卷积（same 填充，步长 1，无偏置）把 ${cIn}×${h}×${h} 的输入映射为 ${cOut}×${h}×${h}。需要多少次乘加？`)
      : L(`A ${k}×${k} conv (padding "same", stride 1) maps a ${cIn}×${h}×${h} input to ${cOut}×${h}×${h}. Thanks to weight sharing, how many times is each weight used in one forward pass?`, `一个 ${k}×${k} 卷积（same 填充，步长 1）把 ${cIn}×${h}×${h} 的输入映射为 ${cOut}×${h}×${h}。由于权重共享，一次前向中每个权重被使用多少次？`),
    answer: ans, tol: EXACT,
    solution: what === 'macs'
      ? [L(`weights: k²·C_in·C_out = ${c.params}, each used at all H·W = ${h * h} output positions`, `权重：k²·C_in·C_out = ${c.params}，每个都用于全部 H·W = ${h * h} 个输出位置`), L(`${c.params}·${h * h} = ${ans}`)]
      : [L(`multiply-adds / weights = ${c.macs} / ${c.params}`, `乘加次数 / 权重数 = ${c.macs} / ${c.params}`), L(`= H·W = ${h}·${h} = ${ans}  (once per output position)`, `= H·W = ${h}·${h} = ${ans}（每个输出位置一次）`)],
    mistakes: what === 'macs'
      ? [{ value: c.params, why: L('That is the weight count; the shared kernel is applied at every output position.', '这是权重数；共享的卷积核要在每个输出位置都算一次。') },
        { value: k * k * cIn * h * h, why: L('Multiply by C_out too: every output channel has its own kernel.', '还要乘 C_out：每个输出通道有自己的卷积核。') }]
      : [{ value: k * k, why: L('k² is the kernel’s size; the kernel slides over all H·W positions.', 'k² 是卷积核的大小；卷积核滑过全部 H·W 个位置。') },
        { value: 1, why: L('Once per weight is a fully connected layer; a conv reuses each weight at every position.', '每个权重只用一次的是全连接层；卷积在每个位置复用每个权重。') }],
    lab: convLab(convLayer(k, 1, (k - 1) / 2, 1, cOut)),
    params: { cIn, cOut, k, h, what },
  });
});

def('init.conv', 'weight-init', (R, dl) => {
  const kind = R.pick(['kaiming_normal', 'kaiming_uniform', 'xavier_uniform']);
  const cIn = R.pick([3, 16, 32, 64]);
  const cOut = R.pick([16, 32, 64, 128]);
  const k = R.pick([3, 5]);
  const fi = cIn * k * k;
  const fo = cOut * k * k;
  const r = dl.drillInit(kind, fi, fo);
  const uni = kind.endsWith('uniform');
  const xav = kind.startsWith('xavier');
  const ans = uni ? r.bound : r.std;
  const flat = dl.drillInit(kind, cIn, cOut);
  const name = { kaiming_normal: 'Kaiming (He) normal, ReLU gain', kaiming_uniform: 'Kaiming (He) uniform, ReLU gain', xavier_uniform: 'Xavier (Glorot) uniform' }[kind];
  return num('weight-init', {
    prompt: L(`A Conv2d(${cIn}, ${cOut}, kernel_size=${k}) is initialised with ${name}. What is ${uni ? 'the bound a of U(−a, a)' : 'the standard deviation'} of its weights? (4 significant digits)`,
      `Conv2d(${cIn}, ${cOut}, kernel_size=${k}) 用 ${name} 初始化。其权重${uni ? ' U(−a, a) 的边界 a' : '的标准差'}是多少？（保留 4 位有效数字）`),
    answer: ans, tol: { abs: 0, rel: 2e-3 },
    solution: [L(`a conv’s fans count the kernel: fan_in = C_in·k² = ${cIn}·${k * k} = ${fi}, fan_out = C_out·k² = ${fo}`, `卷积的 fan 要算上卷积核：fan_in = C_in·k² = ${cIn}·${k * k} = ${fi}，fan_out = C_out·k² = ${fo}`),
      L(xav ? `std = √(2/(fan_in + fan_out)) = √(2/${fi + fo}) = ${fmt(r.std)}` : `std = √(2/fan_in) = √(2/${fi}) = ${fmt(r.std)}`),
      ...(uni ? [L(`a = √3·std = ${fmt(r.bound)}`)] : [])],
    mistakes: [{ value: uni ? flat.bound : flat.std, why: L('You used the channel counts as fans; a conv’s fan_in is C_in·k² (fan_out C_out·k²).', '你把通道数当作 fan；卷积的 fan_in 是 C_in·k²（fan_out 是 C_out·k²）。') },
      { value: uni ? r.std : r.bound, why: L(uni ? 'That is the std; the bound of U(−a, a) is √3·std.' : 'That is the uniform bound, not the std.', uni ? '这是标准差；U(−a, a) 的边界是 √3·std。' : '这是均匀分布的边界，不是标准差。') }],
    params: { kind, cIn, cOut, k },
  });
});

def('act.chain', 'activations', (R, dl) => {
  const name = R.pick(['sigmoid', 'tanh']);
  const x = R.pick([0, 0.5, 1, 2]);
  const n = R.int(2, 6);
  const c = dl.activationCurve(name, [x]);
  const d = c.dy[0];
  const ans = d ** n;
  return num('activations', {
    prompt: L(`Backpropagation through ${n} layers whose activation is ${name}, each at pre-activation x = ${x} (weights all 1): by what factor do the activations’ derivatives multiply the gradient? (3 significant digits)`,
      `反向传播经过 ${n} 层激活为 ${name} 的层，每层的预激活都是 x = ${x}（权重都为 1）：激活函数的导数一共把梯度乘以多少？（保留 3 位有效数字）`),
    answer: ans, tol: { abs: 0, rel: 5e-3 },
    solution: [L(name === 'sigmoid' ? `σ'(x) = σ(x)(1 − σ(x)); σ'(${x}) = ${fmt(d)}  (at most 0.25)` : `tanh'(x) = 1 − tanh²(x); tanh'(${x}) = ${fmt(d)}  (at most 1)`, name === 'sigmoid' ? `σ'(x) = σ(x)(1 − σ(x))；σ'(${x}) = ${fmt(d)}（最大 0.25）` : `tanh'(x) = 1 − tanh²(x)；tanh'(${x}) = ${fmt(d)}（最大 1）`),
      L(`the chain rule multiplies one factor per layer: ${fmt(d)}^${n} = ${fmt(ans)}`, `链式法则每层乘一个因子：${fmt(d)}^${n} = ${fmt(ans)}`)],
    mistakes: [{ value: c.y[0] ** n, why: L('That multiplies the activation values; the gradient is multiplied by the derivatives.', '这是把激活值相乘；梯度乘的是导数。') },
      { value: d * n, why: L('The factors multiply (chain rule), they do not add.', '这些因子是相乘（链式法则），不是相加。') },
      { value: d, why: L(`That is one layer; there are ${n}.`, `这只是一层；共有 ${n} 层。`) }],
    lab: `activations.html#x=${x}`,
    params: { name, x, n },
  });
});

def('nf.gn', 'norm-family', (R, dl) => {
  const G = R.pick([1, 2]);
  let x;
  do x = Array.from({ length: 8 }, () => R.int(-4, 6)); while (new Set(x.slice(0, 4)).size < 2 || new Set(x.slice(4)).size < 2);
  const ch = R.int(0, 3);
  const y = withTensors(dl, [[x, [1, 4, 1, 2]]], (t) => arrOf(dl.groupNorm(t, G, { eps: 1e-5 })));
  const per = 4 / G;
  const g0 = Math.floor(ch / per) * per * 2;
  const grp = x.slice(g0, g0 + per * 2);
  const m = grp.reduce((a, b) => a + b, 0) / grp.length;
  const v = grp.reduce((a, b) => a + (b - m) ** 2, 0) / grp.length;
  const chans = [0, 1, 2, 3].map((c2) => `c${c2} = [${x[2 * c2]}, ${x[2 * c2 + 1]}]`).join(', ');
  const other = withTensors(dl, [[x, [1, 4, 1, 2]]], (t) => arrOf(dl.groupNorm(t, 3 - G, { eps: 1e-5 })))[2 * ch];
  const inorm = (x[2 * ch] - (x[2 * ch] + x[2 * ch + 1]) / 2) / Math.sqrt(((x[2 * ch] - x[2 * ch + 1]) / 2) ** 2 + 1e-5);
  return num('norm-family', {
    prompt: L(`GroupNorm(${G} group${G > 1 ? 's' : ''}, 4 channels, no affine, ε = 1e-5) on one sample of shape 4×1×2 (C×H×W): ${chans}. What is the output at channel ${ch}, first pixel (value ${x[2 * ch]})? (3 decimals)`,
      `GroupNorm（${G} 组，4 个通道，无仿射，ε = 1e-5）作用于一个形状为 4×1×2（C×H×W）的样本：${chans}。通道 ${ch} 第一个像素（值 ${x[2 * ch]}）的输出是多少？（保留 3 位小数）`),
    answer: y[2 * ch], tol: { abs: 1e-3, rel: 2e-3 },
    solution: [L(`${G} group${G > 1 ? 's' : ''} of ${per} channels: channel ${ch}’s group holds ${vec(grp)}`, `${G} 组、每组 ${per} 个通道：通道 ${ch} 所在组为 ${vec(grp)}`),
      L(`μ = ${fmt(m)}, σ² = ${fmt(v)} (biased, ÷ ${grp.length})`, `μ = ${fmt(m)}，σ² = ${fmt(v)}（有偏，÷ ${grp.length}）`),
      L(`y = (${x[2 * ch]} − ${m < 0 ? `(${fmt(m)})` : fmt(m)}) / √(${fmt(v)} + 1e-5) = ${fmt(y[2 * ch])}`)],
    mistakes: [{ value: other, why: L(`That uses ${3 - G} group${G === 2 ? '' : 's'}; with ${G} group${G > 1 ? 's' : ''} each group has ${per} channels.`, `这是按 ${3 - G} 组算的；${G} 组时每组 ${per} 个通道。`) },
      { value: inorm, why: L('That normalizes over the channel alone (InstanceNorm); GroupNorm pools the channels of a group.', '这是只在单个通道内归一化（InstanceNorm）；GroupNorm 合并一组内的通道。') },
      { value: (x[2 * ch] - m) / Math.sqrt(v * grp.length / (grp.length - 1) + 1e-5), why: L('That uses the unbiased variance (÷ n − 1); normalization layers divide by n.', '这是用无偏方差（÷ n − 1）算的；归一化层除以 n。') }],
    lab: labAt('norm.html', 'norm-family', { norm: 'gn', g: G }),
    params: { x, G, ch },
  });
});

def('fpn.rf', 'fpn-small-objects', (R, dl) => {
  const l = R.int(2, 6);
  const info = dl.receptiveField(Array.from({ length: l }, () => ({ type: 'conv', k: 3, s: 2 })));
  const { r, jump } = info.at(-1);
  return num('fpn-small-objects', {
    prompt: L(`A toy FPN backbone reaches level P${l} with ${l} 3×3 convs of stride 2 (nothing else). How many input pixels wide is the receptive field of one P${l} cell?`,
      `一个玩具 FPN 主干网络用 ${l} 个步长 2 的 3×3 卷积（没有别的层）得到 P${l} 层。P${l} 的一个格子的感受野有多少个输入像素宽？`),
    answer: r, tol: EXACT,
    solution: [L('r = 1 + Σ (k − 1)·(product of the earlier strides) = 1 + 2·(1 + 2 + … + 2^(l−1))', 'r = 1 + Σ (k − 1)·（之前各层步长之积）= 1 + 2·(1 + 2 + … + 2^(l−1))'),
      L(`= 1 + 2·(2^${l} − 1) = ${r}  (its stride is ${jump}: neighbouring cells are ${jump} px apart, so an object much smaller than ${jump} px hardly registers on P${l})`, `= 1 + 2·(2^${l} − 1) = ${r}（步长 ${jump}：相邻格子相隔 ${jump} 像素，远小于 ${jump} 像素的物体在 P${l} 上几乎看不到）`)],
    mistakes: [{ value: 1 + 2 * l, why: L('That ignores the strides: each later conv’s taps are spaced by the product of the earlier strides.', '这忽略了步长：后面的卷积的采样间隔是前面各层步长之积。') },
      { value: jump, why: L('That is the stride (the spacing of the cells), not the receptive field.', '这是步长（格子间距），不是感受野。') },
      { value: 3 * jump, why: L('k·stride overcounts: r = 1 + (k − 1)·Σ earlier strides.', 'k·步长多算了：r = 1 + (k − 1)·Σ 之前的步长积。') }],
    lab: labAt('arch.html', 'fpn-small-objects', { top: l >= 3 ? l : null }),
    params: { l },
  });
});

def('uo.params', 'under-overfitting', (R, dl) => {
  const d = R.pick([2, 2, 10, 30]);
  const hs = R.pick([[4], [16], [16, 16], [8], [32], [64], [32, 32], [64, 64]]);
  const n = R.pick([100, 200, 500]);
  const sizes = [d, ...hs, 1];
  const layer = (a, b, bias) => dl.drillConvCost(a, b, 1, 1, bias, 1, 1).params;
  const parts = sizes.slice(1).map((b, i) => layer(sizes[i], b, true));
  const ans = parts.reduce((a, b) => a + b, 0);
  const nob = sizes.slice(1).reduce((a, b, i) => a + layer(sizes[i], b, false), 0);
  const inLab = d === 2 && ['4', '16', '16,16'].includes(hs.join(','));
  return num('under-overfitting', {
    prompt: L(`An MLP ${sizes.join(' → ')} (fully connected, with biases) is trained on ${n} examples. How many parameters does it have? (Compare with the ${n} examples: a model with far more parameters than examples can memorise them — low training error, high validation error.)`,
      `一个 MLP ${sizes.join(' → ')}（全连接，带偏置）在 ${n} 个样本上训练。它有多少个参数？（与 ${n} 个样本比较：参数远多于样本的模型可以把它们背下来——训练误差低、验证误差高。）`),
    answer: ans, tol: EXACT,
    solution: [L(`each layer a → b has a·b weights + b biases: ${sizes.slice(1).map((b, i) => `${sizes[i]}·${b} + ${b}`).join(', ')}`, `每层 a → b 有 a·b 个权重 + b 个偏置：${sizes.slice(1).map((b, i) => `${sizes[i]}·${b} + ${b}`).join('，')}`),
      L(`${parts.join(' + ')} = ${ans}  (${fmt(ans / n)} per example)`, `${parts.join(' + ')} = ${ans}（每个样本 ${fmt(ans / n)} 个）`)],
    mistakes: [{ value: nob, why: L('You forgot the biases (one per unit of each layer).', '漏掉了偏置（每层每个单元一个）。') },
      { value: ans - parts.at(-1), why: L('Count the output layer too.', '输出层也要算上。') }],
    lab: inLab ? labAt('eval.html', 'under-overfitting', { b: hs.join(',') }) : topicLab('under-overfitting'),
    params: { sizes },
  });
});

def('nc.quad', 'non-convergence', (R, dl) => {
  const a = R.pick([1, 2, 4, 10]);
  const lr = R.pick([0.05, 0.1, 0.3, 0.5, 1]);
  const w0 = R.pick([1, 2, -1]);
  const opt = new dl.Optimizer('sgd', { lr });
  const p = new dl.Tensor([w0], [1]);
  let w;
  try {
    for (let s = 0; s < 3; s++) {
      const g = a * p.toArray()[0];
      withTensors(dl, [[[g], [1]]], (gt) => opt.step(p, gt, 0));
    }
    w = p.toArray()[0];
  } finally {
    p.free();
    opt.free();
  }
  const f = 1 - lr * a;
  const verdict = Math.abs(f) < 1
    ? L(`|1 − ηa| = ${fmt(Math.abs(f))} < 1: it converges${f < 0 ? ' (oscillating in sign)' : ''}`, `|1 − ηa| = ${fmt(Math.abs(f))} < 1：收敛${f < 0 ? '（符号来回振荡）' : ''}`)
    : Math.abs(f) === 1
      ? L('|1 − ηa| = 1: it bounces between ±w₀ forever', '|1 − ηa| = 1：在 ±w₀ 之间永远来回跳')
      : L(`|1 − ηa| = ${fmt(Math.abs(f))} > 1: it diverges (η must stay below 2/a = ${fmt(2 / a)})`, `|1 − ηa| = ${fmt(Math.abs(f))} > 1：发散（η 必须小于 2/a = ${fmt(2 / a)}）`);
  return num('non-convergence', {
    prompt: L(`Plain gradient descent on f(w) = (${a}/2)·w² (gradient ${a}·w) with learning rate η = ${lr}, starting at w₀ = ${w0}. What is w after 3 steps?`,
      `在 f(w) = (${a}/2)·w²（梯度 ${a}·w）上做普通梯度下降，学习率 η = ${lr}，从 w₀ = ${w0} 出发。3 步之后 w 是多少？`),
    answer: w, tol: { abs: 1e-4, rel: 1e-4 },
    solution: [L(`each step: w ← w − η·a·w = (1 − ηa)·w, with 1 − ηa = 1 − ${lr}·${a} = ${fmt(f)}`, `每一步：w ← w − η·a·w = (1 − ηa)·w，1 − ηa = 1 − ${lr}·${a} = ${fmt(f)}`),
      verdict,
      L(`w₃ = (1 − ηa)³·w₀ = ${fmt(f)}³·${w0} = ${fmt(w)}`)],
    mistakes: [{ value: w0 * (1 - lr) ** 3, why: L('The gradient is a·w: the step is η·a·w, so the factor per step is 1 − ηa.', '梯度是 a·w：每步走 η·a·w，所以每步的因子是 1 − ηa。') },
      { value: w0 * f ** 2, why: L('That is 2 steps; count 3.', '这是 2 步；要走 3 步。') },
      { value: w0 - 3 * lr * a * w0, why: L('The gradient changes with w after every step; it is not the gradient at w₀ three times.', '每一步之后梯度随 w 改变；不是把 w₀ 处的梯度用三次。') }],
    params: { a, lr, w0 },
  });
});

def('nc.scale', 'non-convergence', (R, dl) => {
  const kind = R.pick(['sgd', 'adam']);
  const scale = R.pick([10, 100, 1000]);
  const g0 = R.pick([0.5, -0.5, 0.2, -2]);
  const lr = R.pick([0.1, 0.01, 0.001]);
  const g = g0 * scale;
  const opt = new dl.Optimizer(kind, { lr });
  const p = new dl.Tensor([1], [1]);
  let w;
  try {
    withTensors(dl, [[[g], [1]]], (gt) => opt.step(p, gt, 0));
    w = p.toArray()[0];
  } finally {
    p.free();
    opt.free();
  }
  const name = kind === 'sgd' ? L('plain SGD', '普通 SGD') : L('Adam (β₁ = 0.9, β₂ = 0.999, ε = 1e-8)', 'Adam（β₁ = 0.9，β₂ = 0.999，ε = 1e-8）');
  return num('non-convergence', {
    prompt: L(`The loss was accidentally multiplied by ${scale} (summed instead of averaged), so a weight w = 1 gets the gradient ${fmt(g)} instead of ${g0}. ${name.en} with lr = ${lr} takes its first step: what is w after it? (4 decimals)`,
      `损失被意外乘了 ${scale}（求和而不是求平均），所以权重 w = 1 的梯度是 ${fmt(g)} 而不是 ${g0}。${name.zh}，lr = ${lr}，走第一步：之后 w 是多少？（保留 4 位小数）`),
    answer: w, tol: { abs: 1e-4, rel: 1e-4 },
    solution: kind === 'sgd'
      ? [L(`SGD: w ← w − η·g = 1 − ${lr}·${fmt(g)}`, `SGD：w ← w − η·g = 1 − ${lr}·${fmt(g)}`),
        L(`= ${fmt(w)}  (the step grows with the loss scale: ×${scale} here${Math.abs(lr * g) > 1 ? ', a jump larger than the weight itself, the usual start of divergence' : ''})`, `= ${fmt(w)}（步长随损失的尺度增长：这里 ×${scale}${Math.abs(lr * g) > 1 ? '，一步比权重本身还大，这通常是发散的开始' : ''}）`)]
      : [L('first Adam step: m̂ = g, v̂ = g² (bias-corrected), step = η·m̂/(√v̂ + ε) = η·g/(|g| + ε) ≈ η·sign(g)', 'Adam 第一步：m̂ = g，v̂ = g²（偏差修正后），步长 = η·m̂/(√v̂ + ε) = η·g/(|g| + ε) ≈ η·sign(g)'),
        L(`w = 1 − ${lr}·sign(${fmt(g)}) = ${fmt(w)}  (the same for any loss scale: Adam is invariant to it)`, `w = 1 − ${lr}·sign(${fmt(g)}) = ${fmt(w)}（与损失尺度无关：Adam 对它不变）`)],
    mistakes: kind === 'sgd'
      ? [{ value: 1 - lr * g0, why: L(`The gradient is scaled by ${scale} too, and SGD’s step is proportional to it.`, `梯度也被放大了 ${scale} 倍，SGD 的步长与它成正比。`) },
        { value: 1 - lr * Math.sign(g), why: L('That is Adam’s first step (η·sign(g)); SGD moves by η·g.', '这是 Adam 的第一步（η·sign(g)）；SGD 走 η·g。') }]
      : [{ value: 1 - lr * g, why: L('That is SGD’s step η·g; Adam divides by √v̂ = |g| on its first step.', '这是 SGD 的步长 η·g；Adam 第一步要除以 √v̂ = |g|。') },
        { value: 1 - lr * 0.1 * g / Math.sqrt(0.001 * g * g), why: L('Without bias correction m = 0.1g and v = 0.001g²; Adam divides them by 1 − β^t first.', '不做偏差修正时 m = 0.1g、v = 0.001g²；Adam 先把它们除以 1 − β^t。') }],
    lab: kind === 'adam' ? 'optim.html#f=ravine&t=60' : topicLab('non-convergence'),
    params: { kind, g, lr },
  });
});

// Multiple choice: one generator per topic, from the bank.
for (const tp of TOPICS) {
  def(`${tp.id}.mc`, tp.id, (R) => {
    const list = BANK[tp.id] || [];
    const item = R.pick(list);
    const opts = R.shuffle([{ ...item.right, right: true }, ...item.wrong]);
    return {
      topic: tp.id, type: 'choice',
      prompt: item.q,
      choices: opts.map((o) => ({ text: o.t, why: o.why })),
      answer: opts.findIndex((o) => o.right), tol: null,
      solution: [item.right.why],
      mistakes: opts.map((o, i) => ({ value: i, why: o.why })).filter((m, i) => !opts[i].right),
      lab: topicLab(tp.id),
      params: { item: list.indexOf(item) },
    };
  });
}

/** Every generator: `{id, topic}` (make is internal). */
export const GENERATORS = G.map(({ id, topic }) => ({ id, topic }));
const BY_ID = new Map(G.map((g) => [g.id, g]));

/** The generators of a topic. */
export const generatorsOf = (topic) => G.filter((g) => g.topic === topic).map((g) => g.id);

/** Question `id` for `seed` (an integer), with the engine API `dl`. */
export function generate(id, seed, dl) {
  const g = BY_ID.get(id);
  if (!g) throw new RangeError(`no drill generator ${JSON.stringify(id)}`);
  const q = g.make(rng(seed), dl);
  q.mistakes = mistakes(q, q.mistakes || []);
  return { id, seed, ...q };
}
