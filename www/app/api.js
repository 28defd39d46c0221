//! The documented JS API of dlplay: a thin checking facade over the generated bindings
//! (www/pkg/dlplay.js, which is internal). It exports the same camelCase names as the package.
//!
//! Why a facade, not `JsValue` parameters checked in Rust: wasm-bindgen's release glue converts
//! arguments before Rust sees them, and it does not check them. A non-string where a `&str` is
//! expected, an array-like such as `{length: -1}`, a BigInt, a freed handle (pointer 0) or one
//! handle passed both as input and as output traps in the glue or throws from inside wasm
//! (which leaks wasm stack: after a few thousand such errors every call fails). An options
//! object whose getter throws, read by Rust, throws through wasm and leaves the handle it was
//! passed with borrowed for good. So every argument is checked here, in JS, before the raw
//! binding is called:
//!
//! - handles: an instance of this module's class, not freed (`__wbg_ptr !== 0`); a handle the
//!   call writes to (`out` of an `*Into` export, `param` of `Optimizer.step`) must not also be
//!   one of its inputs (or `this`);
//! - integers (`u32`, `i32`): a number, whole, in range; reals (`f32`, `f64`): a finite number
//!   (and within f32's range for `f32`); booleans and strings: exactly that type;
//! - arrays: a typed array of the right kind or a real Array whose every element has the
//!   element type (`{length: -1}` and sparse arrays are refused), copied once so the glue reads
//!   exactly what was checked; at most 2^28 elements;
//! - options objects and layer lists: copied into plain data here (getters run in JS, so one
//!   that throws throws before wasm); only numbers (finite), strings, booleans, null, arrays and
//!   plain objects are allowed, nested at most 16 deep. Unknown keys are Rust's to refuse (it
//!   lists the valid ones);
//! - at most as many arguments as the export declares (extra `undefined` is fine).
//!
//! Failures throw `TypeError` (wrong JS type, freed handle, aliasing) or `RangeError` (right
//! type, value out of range: negative, fractional, NaN, too large), coded like the Rust errors
//! (`code` invalid_argument, not_finite or options_not_object, and `vars`), whose message
//! starts with the export and names the parameter: `softmax: dim must be an integer in [0, 4294967295],
//! got NaN`. What the facade does not know (shapes, limits, option names) Rust checks and
//! reports as coded errors (`{message, code, vars}`).
//!
//! The checks are driven by one table (`SPEC` below: each export's parameters and their
//! types). Classes are checked in place: their constructor (a Proxy with a construct trap, so
//! `instanceof` still works), static methods, prototype methods, getters and setters, so
//! instances that raw functions return (`Tensor.__wrap`) are checked too. `makeApi(raw)` builds
//! the facade over any instance of the package (the fuzz test re-imports the package after a
//! trap); this module exports the one over `../pkg/dlplay.js`.

import * as pkg from '../pkg/dlplay.js';

/** The largest array (elements) and string (UTF-16 units) the facade passes on. */
export const MAX_ARRAY = 2 ** 28;
export const MAX_STRING = 2 ** 26;
const MAX_DEPTH = 16;
const MAX_NODES = 1 << 22;
const F32_MAX = 3.4028234663852886e38;
const TYPED_LENGTH = Object.getOwnPropertyDescriptor(Object.getPrototypeOf(Uint8Array.prototype), 'length').get;

/**
 * Every export of the package with its parameters, `name:type`, space-separated. Types:
 * a class name (a live handle of that class; `!` = written to, so it must not alias another
 * handle of the call), `u32`, `i32`, `f32`, `f64`, `bool`, `str`, `f32[]`, `u8[]`, `i32[]`,
 * `u32[]` (dims), `str[]`, `opts` (an options object, optional), `data` (plain data: a layer
 * list). A trailing `?` makes a parameter optional (undefined or null).
 * Classes: `new` (constructor), `static`, `methods`, `get` (getters), `set` (setters).
 */
export const SPEC = {
  functions: {
    activation: 'x:Tensor name:str',
    activationCurve: 'name:str xs:f32[] options:opts',
    activationInto: 'x:Tensor name:str out:Tensor!',
    archFpnExperiment: 'options:opts',
    archFuse: 'image:Tensor channels:u32 cOut:u32 up:str seed:u32',
    archFuseCounts: 'cA:u32 cB:u32 cOut:u32 h:u32 w:u32',
    archPyramid: 'image:Tensor top:u32 up:str seed:u32',
    archResidual: 'options:opts',
    archSynth: 'side:u32 perClass:u32 seed:u32',
    archTcnTree: 'kernel:u32 dilations:u32[] length:u32',
    avgPool2d: 'x:Tensor options:opts',
    batchNormInference: 'x:Tensor mean:f32[] var:f32[] options:opts',
    batchNormInferenceInto: 'x:Tensor mean:f32[] var:f32[] out:Tensor! options:opts',
    bceWithLogits: 'logits:Tensor target:Tensor options:opts',
    checkImageSize: 'width:u32 height:u32 what:str?',
    confusionAt: 'labels:u8[] scores:f32[] threshold:f64',
    conv2d: 'x:Tensor weight:Tensor bias:f32[]? options:opts',
    conv2dBackwardInput: 'gradOut:Tensor inputShape:u32[] weight:Tensor options:opts',
    conv2dInto: 'x:Tensor weight:Tensor bias:f32[]? out:Tensor! options:opts',
    conv2dReferenceInto: 'x:Tensor weight:Tensor bias:f32[]? out:Tensor! options:opts',
    convAlternatives: 'cIn:u32 cOut:u32 k:u32 outH:u32 outW:u32',
    convCellMaps: 'layers:data image:Tensor row:u32 col:u32 seed:u32 draws:u32',
    convStackPlan: 'layers:data channels:u32 height:u32 width:u32',
    crossEntropy: 'logits:Tensor target:i32[] options:opts',
    crossEntropyProbs: 'logits:Tensor target:Tensor options:opts',
    depthGradients: 'activation:str options:opts',
    dropout: 'x:Tensor p:f32 training:bool seed:u32',
    drillClip: 'grads:f32[] maxNorm:f64',
    drillConvCost: 'cIn:u32 cOut:u32 k:u32 groups:u32 bias:bool outH:u32 outW:u32',
    drillHead: 'loss:str classes:u32 logits:f32[] label:u32 labelSmoothing:f32 focalAlpha:f32 focalGamma:f32',
    drillInit: 'name:str fanIn:u32 fanOut:u32',
    drillLr: 'schedule:str base:f64 epoch:u32 warmup:u32 every:u32 gamma:f64 epochs:u32',
    drillNormStats: 'kind:str shape:u32[] groups:u32',
    drillPenaltyGrad: 'w:f32 l1:f32 l2:f32',
    drillRnnParams: 'cell:str input:u32 hidden:u32',
    dropoutEnsemble: 'trainer:Trainer k:u32 grid:u32 shown:u32 seed:u32',
    featureMaps: 'features:str[] grid:u32 domain:f32?',
    focalCurve: 'probs:f32[] gamma:f32 alpha:f32?',
    groupNorm: 'x:Tensor numGroups:u32 options:opts',
    groupNormInto: 'x:Tensor numGroups:u32 out:Tensor! options:opts',
    imageToTensor: 'img:RgbaImage gray:bool',
    instanceNorm: 'x:Tensor options:opts',
    instanceNormInto: 'x:Tensor out:Tensor! options:opts',
    interpolate: 'x:Tensor options:opts',
    interpolateInto: 'x:Tensor out:Tensor! options:opts',
    kdLoss: 'student:Tensor teacher:Tensor temperature:f32',
    kdGradScale: 'student:f32[] teacher:f32[] classes:u32 temperatures:f32[]',
    layerNorm: 'x:Tensor normalizedShape:u32[] options:opts',
    layerNormInto: 'x:Tensor normalizedShape:u32[] out:Tensor! options:opts',
    logSoftmax: 'x:Tensor dim:u32',
    logSoftmaxInto: 'x:Tensor dim:u32 out:Tensor!',
    lossCurves: 'probs:f32[]',
    mannWhitneyU: 'labels:u8[] scores:f32[]',
    maxPool2d: 'x:Tensor options:opts',
    mseLoss: 'input:Tensor target:Tensor reduction:str?',
    pairCount: 'labels:u8[] scores:f32[]',
    parsePointsCsv: 'text:str',
    prCurve: 'labels:u8[] scores:f32[]',
    receptiveField: 'layers:data inputSize:u32?',
    regPath: 'options:opts',
    receptiveSupport: 'layers:data inputSize:u32 index:u32',
    rocCurve: 'labels:u8[] scores:f32[] dropIntermediate:bool?',
    samplePairs: 'labels:u8[] scores:f32[] count:u32 seed:u32',
    shiftTensor: 't:Tensor dy:i32 dx:i32',
    sigmoid: 'x:Tensor',
    sigmoidFocalLoss: 'logits:Tensor target:Tensor options:opts',
    sigmoidInto: 'x:Tensor out:Tensor!',
    simdKind: '',
    smoothingTargets: 'classes:u32 eps:f32',
    softmax: 'x:Tensor dim:u32',
    softmaxInto: 'x:Tensor dim:u32 out:Tensor!',
    spectralStudy: 'weight:f32[] shape:u32[] iterations:u32[] seed:u32 draws:u32',
    start: '',
    tensorToRgba: 't:Tensor channel:u32 mode:str',
    trainSchema: '',
    version: '',
    wasmMemory: '',
  },
  classes: {
    BatchNorm: {
      new: 'channels:u32 options:opts',
      methods: {
        forward: 'x:Tensor training:bool',
        forwardInto: 'x:Tensor training:bool out:Tensor!',
        setAffine: 'weight:f32[] bias:f32[]',
        setRunningStats: 'mean:f32[] var:f32[]',
      },
      get: ['bias', 'runningMean', 'runningVar', 'weight'],
    },
    ConvTrainer: {
      new: 'config:opts digitsCsv:str',
      methods: {
        activationsLen: '',
        activationsPtr: '',
        affine: 'layer:u32',
        bias: 'layer:u32',
        capture: 'layer:u32 test:bool start:u32 count:u32 training:bool',
        config: '',
        evaluate: '',
        evaluateTrainMode: 'batch:u32',
        historyLen: '',
        historyPtr: '',
        images: 'test:bool start:u32 count:u32',
        info: '',
        labels: 'test:bool',
        paramCount: '',
        probes: '',
        runningStats: '',
        setLr: 'lr:f64',
        trainEpochs: 'epochs:u32',
        trainSteps: 'steps:u32',
        weight: 'layer:u32',
        weightShape: 'layer:u32',
      },
      get: ['epoch', 'lr', 'message', 'status', 'steps'],
    },
    EvalModel: {
      new: 'config:opts csv:str?',
      methods: { config: '', history: '', info: '', metrics: '', step: 'epochs:u32', testLabels: '', testScores: '' },
      get: ['epoch'],
    },
    GoldenEngineSuite: {
      new: 'json:str',
      static: { isEngineFile: 'json:str' },
      methods: { header: '', isEmpty: '', len: '', run: 'i:u32' },
    },
    GoldenSuite: {
      new: 'json:str',
      methods: { header: '', isEmpty: '', len: '', run: 'i:u32' },
    },
    LossRun: {
      new: 'digitsCsv:str options:opts',
      methods: {
        adoptTeacher: 'teacher:LossRun!',
        config: '',
        epoch: '',
        gradScale: 'temperatures:f32[]',
        report: 'bins:u32',
        softTargets: 'index:u32 temperatures:f32[]',
        testLogits: '',
      },
      get: ['classes', 'epochs', 'testSize', 'trainSize'],
    },
    Optimizer: {
      new: 'kind:str options:opts',
      methods: { step: 'param:Tensor! grad:Tensor slot:u32' },
      get: ['lr'],
      set: { lr: 'lr:f64' },
    },
    RgbaImage: {
      new: 'width:u32 height:u32',
      static: { fromRgba: 'bytes:u8[] width:u32 height:u32', maxPixels: '' },
      methods: {
        inspect: 'outWidth:u32 outHeight:u32 method:str x:u32 y:u32',
        ptr: '',
        resize: 'outWidth:u32 outHeight:u32 method:str',
        resizeInto: 'out:RgbaImage! method:str',
        toBytes: '',
      },
      get: ['byteLength', 'height', 'width'],
    },
    SeqTrainer: {
      new: 'config:opts',
      methods: { evaluate: 'batches:u32', info: '', probe: '', step: 'n:u32' },
      get: ['steps'],
    },
    Tensor: {
      new: 'data:f32[] shape:u32[]',
      static: { zeros: 'shape:u32[]' },
      methods: { isEmpty: '', item: '', ptr: '', reshape: 'shape:u32[]', toArray: '' },
      get: ['len', 'shape'],
    },
    Trainer: {
      new: 'config:opts',
      methods: {
        addPoint: 'x1:f32 x2:f32 label:f32',
        boundaryLen: '',
        boundaryPtr: '',
        computeHeatmaps: '',
        computeHistograms: '',
        config: '',
        fit: 'epochs:u32',
        getParam: 'name:str',
        health: '',
        histLen: '',
        histPtr: '',
        historyLen: '',
        historyPtr: '',
        info: '',
        loadCsv: 'text:str',
        metrics: '',
        neuronsLen: '',
        neuronsPtr: '',
        paramInfo: '',
        points: '',
        setLr: 'lr:f64',
        setParam: 'name:str values:f32[]',
        step: 'epochs:u32',
        weights: '',
      },
      get: ['epoch', 'status'],
    },
  },
};

/** Package exports that are not API: the init functions, passed through unchecked. */
export const INIT = ['default', 'initSync'];

/** Members every generated class has that the table does not list (handled generically). */
const CLASS_BUILTIN_STATIC = new Set(['length', 'name', 'prototype', '__wrap']);
const CLASS_BUILTIN_PROTO = new Set(['constructor', '__destroy_into_raw', 'free']);

// ---- argument checks ----------------------------------------------------------------------

function show(v) {
  try {
    return showValue(v);
  } catch {
    return 'an object'; // a Proxy whose traps throw
  }
}

function showValue(v) {
  if (typeof v === 'string') return JSON.stringify(v.length > 40 ? `${v.slice(0, 40)}...` : v);
  if (typeof v === 'bigint') return `${v}n`;
  if (typeof v === 'symbol') return v.toString();
  if (typeof v === 'function') return 'a function';
  if (v === null || v === undefined || typeof v !== 'object') return String(v);
  if (Array.isArray(v)) return `an array of length ${v.length}`;
  if (ArrayBuffer.isView(v)) return `a ${v.constructor.name} of length ${v.length}`;
  const name = Object.getPrototypeOf(v)?.constructor?.name;
  return name && name !== 'Object' ? `a ${name}` : 'an object';
}

/**
 * The facade's errors: a TypeError or RangeError whose message starts with the export and names
 * the parameter, with a `code` and `vars` as the Rust errors have, so a page can show it in its
 * language (`error.invalid_argument`, `error.not_finite`, `error.options_not_object`).
 */
function argError(Kind, message, options) {
  const e = new Kind(message, options);
  const detail = { detail: message };
  e.code = Kind === RangeError && / finite /.test(message) ? 'not_finite' : 'invalid_argument';
  e.vars = detail;
  return e;
}

const fail = (Kind, where, what, expected, v) => {
  throw argError(Kind, `${where}: ${what} must be ${expected}, got ${show(v)}`);
};

const INT_RANGE = { u32: [0, 2 ** 32 - 1], i32: [-(2 ** 31), 2 ** 31 - 1], u8: [0, 255] };

function checkInt(kind, where, what, v) {
  const [lo, hi] = INT_RANGE[kind];
  const expected = `an integer in [${lo}, ${hi}]`;
  if (typeof v !== 'number') fail(TypeError, where, what, expected, v);
  if (!Number.isInteger(v) || v < lo || v > hi) fail(RangeError, where, what, expected, v);
  return v;
}

function checkReal(kind, where, what, v) {
  const expected = kind === 'f32' ? 'a finite number (within f32 range)' : 'a finite number';
  if (typeof v !== 'number') fail(TypeError, where, what, expected, v);
  if (!Number.isFinite(v) || (kind === 'f32' && Math.abs(v) > F32_MAX)) fail(RangeError, where, what, expected, v);
  return v;
}

function checkLength(where, what, n) {
  if (n > MAX_ARRAY) throw argError(RangeError, `${where}: ${what} has ${n} elements, more than the ${MAX_ARRAY} allowed`);
}

/** Array kinds: the typed arrays passed as they are, and how one element of an Array is checked. */
const ARRAYS = {
  'f32[]': {
    typed: [Float32Array, Float64Array],
    expected: 'a Float32Array or an array of numbers',
    elem: (v) => typeof v === 'number',
  },
  'u8[]': {
    typed: [Uint8Array, Uint8ClampedArray],
    expected: 'a Uint8Array or an array of integers in [0, 255]',
    elem: (v) => Number.isInteger(v) && v >= 0 && v <= 255,
  },
  'i32[]': {
    typed: [Int32Array],
    expected: `an Int32Array or an array of integers in [${-(2 ** 31)}, ${2 ** 31 - 1}]`,
    elem: (v) => Number.isInteger(v) && v >= -(2 ** 31) && v < 2 ** 31,
  },
  'u32[]': {
    typed: [Uint32Array],
    expected: 'a Uint32Array or an array of integers in [0, 4294967295]',
    elem: (v) => Number.isInteger(v) && v >= 0 && v < 2 ** 32,
  },
  'str[]': {
    typed: [],
    expected: 'an array of strings',
    elem: (v) => typeof v === 'string' && v.length <= MAX_STRING,
  },
};

function checkArray(kind, where, what, v) {
  const k = ARRAYS[kind];
  if (ArrayBuffer.isView(v) && k.typed.some((C) => v instanceof C)) {
    // the glue sizes its copy by `.length`: a subclass or an own `length` could lie about it
    const C = k.typed.find((T) => Object.getPrototypeOf(v) === T.prototype);
    const exact = C && !Object.prototype.hasOwnProperty.call(v, 'length');
    const n = TYPED_LENGTH.call(v);
    checkLength(where, what, n);
    return exact ? v : new k.typed[0](v);
  }
  if (!Array.isArray(v)) fail(TypeError, where, what, k.expected, v);
  const n = v.length;
  checkLength(where, what, n);
  const copy = k.typed.length ? new k.typed[0](n) : new Array(n); // one copy, of the checked values
  for (let i = 0; i < n; i++) {
    let e;
    try {
      if (!(i in v)) throw argError(TypeError, `${where}: ${what} must be ${k.expected}, element ${i} is a hole`);
      e = v[i];
    } catch (err) {
      if (err instanceof TypeError && err.message.startsWith(where)) throw err;
      throw argError(TypeError, `${where}: reading ${what}[${i}] threw: ${err && err.message}`, { cause: err });
    }
    if (!k.elem(e)) {
      const Kind = typeof e === 'number' && kind !== 'str[]' ? RangeError : TypeError;
      throw argError(Kind, `${where}: ${what} must be ${k.expected}, element ${i} is ${show(e)}`);
    }
    copy[i] = e;
  }
  return copy;
}

/** `o[key]`, read here in JS: a getter that throws throws a TypeError naming the export and the key. */
function read(where, o, key, path) {
  try {
    return o[key];
  } catch (e) {
    throw argError(TypeError, `${where}: reading ${path} threw: ${e && e.message}`, { cause: e });
  }
}

/**
 * A deep copy of options or layer data as plain JSON-like data, every getter read here (in JS).
 * Numbers must be finite: no option is defined for NaN or Infinity.
 */
function copyData(where, path, v, depth, budget) {
  if (--budget.nodes < 0) throw argError(RangeError, `${where}: ${path} is too large (more than ${MAX_NODES} values)`);
  switch (typeof v) {
    case 'undefined':
    case 'boolean':
      return v;
    case 'string':
      if (v.length > MAX_STRING) throw argError(RangeError, `${where}: ${path} is a string longer than ${MAX_STRING}`);
      return v;
    case 'number':
      if (!Number.isFinite(v)) fail(RangeError, where, path, 'a finite number', v);
      return v;
    case 'object':
      break;
    default:
      fail(TypeError, where, path, 'a number, string, boolean, array or plain object', v);
  }
  if (v === null) return v;
  if (depth >= MAX_DEPTH) throw argError(RangeError, `${where}: ${path} is nested more than ${MAX_DEPTH} deep (a cycle?)`);
  if (ArrayBuffer.isView(v) && !(v instanceof DataView) && !(v instanceof BigInt64Array) && !(v instanceof BigUint64Array)) {
    checkLength(where, path, v.length);
    budget.nodes -= v.length;
    if (budget.nodes < 0) throw argError(RangeError, `${where}: ${path} is too large (more than ${MAX_NODES} values)`);
    const out = Array.from(v);
    out.forEach((x, i) => Number.isFinite(x) || fail(RangeError, where, `${path}[${i}]`, 'a finite number', x));
    return out;
  }
  if (Array.isArray(v)) {
    const n = v.length;
    checkLength(where, path, n);
    const out = new Array(n);
    for (let i = 0; i < n; i++) out[i] = copyData(where, `${path}[${i}]`, read(where, v, i, `${path}[${i}]`), depth + 1, budget);
    return out;
  }
  const proto = Object.getPrototypeOf(v);
  if (proto !== Object.prototype && proto !== null) {
    fail(TypeError, where, path, 'a plain object like {key: value}', v);
  }
  const out = {};
  for (const key of Object.keys(v)) {
    const value = copyData(where, `${path}.${key}`, read(where, v, key, `${path}.${key}`), depth + 1, budget);
    Object.defineProperty(out, key, { value, enumerable: true, writable: true, configurable: true });
  }
  return out;
}

function checkData(kind, where, what, v) {
  if (kind === 'opts') {
    if (v === undefined || v === null) return undefined;
    if (typeof v !== 'object' || Array.isArray(v)) {
      const e = argError(TypeError, `${where}: ${what} must be an object like {key: value}, got ${show(v)}`);
      e.code = 'options_not_object';
      e.vars = { what: where.replace(/^new /, '') };
      throw e;
    }
  }
  return copyData(where, what, v, 0, { nodes: MAX_NODES });
}

/**
 * Every handle the facade saw being made (by a checked constructor or by the glue's `__wrap`)
 * with its pointer: a copy of a handle (`Object.assign(Object.create(Tensor.prototype), t)`)
 * or one whose `__wbg_ptr` was changed is refused, so no two objects own one pointer.
 */
const LIVE = new WeakMap();
const register = (h) => (LIVE.set(h, h.__wbg_ptr), h);

function checkLive(cls, v, freed, forged) {
  const ptr = v.__wbg_ptr;
  if (ptr === 0 && LIVE.has(v)) throw argError(TypeError, freed);
  if (typeof ptr !== 'number' || LIVE.get(v) !== ptr) throw argError(TypeError, forged);
}

function checkHandle(cls, where, what, v) {
  if (!(v instanceof cls)) fail(TypeError, where, what, `a ${cls.name} of this module`, v);
  checkLive(cls, v, `${where}: ${what} is a ${cls.name} that was freed (free() was called)`,
    `${where}: ${what} is not a ${cls.name} this module made (a copy, or its pointer was changed)`);
  return v;
}

/** Parses one table entry into [{name, type, optional, out}]. */
function parseParams(text) {
  return text.split(/\s+/).filter(Boolean).map((p) => {
    const m = /^(\w+):([\w[\]]+)(!?)(\??)$/.exec(p);
    if (!m) throw new Error(`api.js: bad SPEC entry ${p}`);
    return { name: m[1], type: m[2], out: m[3] === '!', optional: m[4] === '?' };
  });
}

/**
 * The checker for one callable: (args, self) -> checked args. `where` names it in messages;
 * `self` is `[cls, this]` for methods (the receiver is checked as a handle too).
 */
function makeChecker(where, text, classes) {
  const params = parseParams(text);
  for (const p of params) {
    if (!(p.type in classes) && !(p.type in ARRAYS) && !['u32', 'i32', 'f32', 'f64', 'bool', 'str', 'opts', 'data'].includes(p.type)) {
      throw new Error(`api.js: unknown type ${p.type} in SPEC of ${where}`);
    }
  }
  const outs = params.filter((p) => p.out);
  const checkOne = (p, v) => {
    const t = p.type;
    if (t in classes) return checkHandle(classes[t], where, p.name, v);
    if (t === 'u32' || t === 'i32') return checkInt(t, where, p.name, v);
    if (t === 'f32' || t === 'f64') return checkReal(t, where, p.name, v);
    if (t === 'bool') return typeof v === 'boolean' ? v : fail(TypeError, where, p.name, 'a boolean', v);
    if (t === 'str') {
      if (typeof v !== 'string') fail(TypeError, where, p.name, 'a string', v);
      if (v.length > MAX_STRING) throw argError(RangeError, `${where}: ${p.name} is longer than ${MAX_STRING} characters`);
      return v;
    }
    if (t in ARRAYS) return checkArray(t, where, p.name, v);
    return checkData(t, where, p.name, v);
  };
  return function check(args, self) {
    if (args.length > params.length) {
      for (let i = params.length; i < args.length; i++) {
        if (args[i] !== undefined) {
          throw argError(TypeError, `${where} takes ${params.length} argument${params.length === 1 ? '' : 's'}, got ${args.length}`);
        }
      }
    }
    const out = new Array(params.length);
    for (let i = 0; i < params.length; i++) {
      const p = params[i];
      const v = args[i];
      if (p.optional && (v === undefined || v === null)) {
        out[i] = undefined;
        continue;
      }
      try {
        out[i] = checkOne(p, v);
      } catch (e) {
        // ours, or a Proxy trap / getter of the argument that threw while it was inspected
        if ((e instanceof TypeError || e instanceof RangeError) && String(e.message).startsWith(where)) throw e;
        throw argError(TypeError, `${where}: ${p.name} could not be read: ${e && e.message}`, { cause: e });
      }
    }
    for (const o of outs) {
      const h = out[params.indexOf(o)];
      if (self && self === h) throw argError(TypeError, `${where}: ${o.name} must not be the object the method is called on`);
      params.forEach((p, i) => {
        if (p !== o && out[i] === h && p.type in classes) {
          throw argError(TypeError, `${where}: the same ${p.type} is passed as ${o.name} (written to) and as ${p.name}`);
        }
      });
    }
    return out;
  };
}

function checkThis(cls, where, self) {
  let ok;
  try {
    ok = self instanceof cls;
  } catch (e) {
    throw argError(TypeError, `${where}: this could not be read: ${e && e.message}`, { cause: e });
  }
  if (!ok) throw argError(TypeError, `${where} called on ${show(self)}, not a ${cls.name}`);
  checkLive(cls, self, `${where}: this ${cls.name} was freed`, `${where}: this is not a ${cls.name} this module made (a copy, or its pointer was changed)`);
}

const CHECKED = Symbol('dlplay.checked');
const facades = new WeakMap();

/**
 * The checking facade over `raw`, an initialized or not-yet-initialized instance of the
 * package module. Patches the classes' prototypes and statics in place (once per package
 * instance). Returns {api, missing, stale}: `api` has every name of SPEC plus the init
 * functions; `missing` lists raw exports (`name`, `Class.static`, `Class#method`) the table
 * does not cover (not exported by the facade), `stale` table entries the package lacks.
 */
export function makeApi(raw) {
  if (facades.has(raw)) return facades.get(raw);
  const api = {};
  const missing = [];
  const stale = [];
  const classes = {};
  for (const name of Object.keys(SPEC.classes)) {
    if (typeof raw[name] === 'function') classes[name] = raw[name];
  }
  const wrap = (where, text, fn, isMethod, cls) => {
    const check = makeChecker(where, text, classes);
    const checked = isMethod
      ? function (...args) {
        checkThis(cls, where, this);
        return fn.apply(this, check(args, this));
      }
      : function (...args) {
        return fn.apply(this, check(args, null));
      };
    Object.defineProperty(checked, 'name', { value: fn.name || where });
    checked[CHECKED] = fn;
    return checked;
  };

  for (const [name, text] of Object.entries(SPEC.functions)) {
    if (typeof raw[name] !== 'function') {
      stale.push(name);
      continue;
    }
    api[name] = wrap(name, text, raw[name], false);
  }

  for (const [name, spec] of Object.entries(SPEC.classes)) {
    const cls = classes[name];
    if (!cls) {
      stale.push(name);
      continue;
    }
    const proto = cls.prototype;
    const patched = proto[CHECKED] === true;
    // statics
    const statics = spec.static || {};
    for (const key of Object.getOwnPropertyNames(cls)) {
      if (!CLASS_BUILTIN_STATIC.has(key) && !(key in statics)) missing.push(`${name}.${key}`);
    }
    if (!patched && typeof cls.__wrap === 'function') {
      const wrapRaw = cls.__wrap;
      cls.__wrap = (ptr) => register(wrapRaw(ptr));
    }
    for (const [key, text] of Object.entries(statics)) {
      if (typeof cls[key] !== 'function') stale.push(`${name}.${key}`);
      else if (!patched) cls[key] = wrap(`${name}.${key}`, text, cls[key], false);
    }
    // prototype: methods, getters, setters
    const methods = spec.methods || {};
    const getters = new Set(spec.get || []);
    const setters = spec.set || {};
    for (const key of Object.getOwnPropertyNames(proto)) {
      if (CLASS_BUILTIN_PROTO.has(key)) continue;
      const d = Object.getOwnPropertyDescriptor(proto, key);
      if (typeof d.value === 'function' && !(key in methods)) missing.push(`${name}#${key}`);
      if (d.get && !getters.has(key)) missing.push(`${name}#get ${key}`);
      if (d.set && !(key in setters)) missing.push(`${name}#set ${key}`);
    }
    if (!patched) {
      for (const [key, text] of Object.entries(methods)) {
        if (typeof proto[key] !== 'function') stale.push(`${name}#${key}`);
        else proto[key] = wrap(`${name}#${key}`, text, proto[key], true, cls);
      }
      for (const key of new Set([...getters, ...Object.keys(setters)])) {
        const d = Object.getOwnPropertyDescriptor(proto, key);
        if (!d || (getters.has(key) && !d.get) || (key in setters && !d.set)) {
          stale.push(`${name}#${key}`);
          continue;
        }
        const where = `${name}#${key}`;
        const get = d.get && getters.has(key)
          ? function () {
            checkThis(cls, where, this);
            return d.get.call(this);
          }
          : undefined;
        const set = d.set && key in setters ? wrap(where, setters[key], d.set, true, cls) : undefined;
        Object.defineProperty(proto, key, { get, set, enumerable: d.enumerable, configurable: true });
      }
      // free() (and Symbol.dispose): on a freed handle a no-op, on anything else a TypeError
      const rawFree = proto.free;
      const free = function free() {
        if (!(this instanceof cls)) throw argError(TypeError, `${name}#free called on ${show(this)}, not a ${name}`);
        if (this.__wbg_ptr === 0 && LIVE.has(this)) return;
        checkLive(cls, this, '', `${name}#free: this is not a ${name} this module made (a copy, or its pointer was changed)`);
        rawFree.call(this);
      };
      proto.free = free;
      if (Symbol.dispose && proto[Symbol.dispose]) proto[Symbol.dispose] = free;
      Object.defineProperty(proto, CHECKED, { value: true });
    }
    // the constructor: checked, and `instanceof` still answers for the raw class's instances
    const checkNew = makeChecker(`new ${name}`, spec.new || '', classes);
    api[name] = new Proxy(cls, {
      construct(target, args, newTarget) {
        return register(Reflect.construct(target, checkNew(args, null), newTarget));
      },
    });
  }

  for (const key of Object.keys(raw)) {
    if (!(key in SPEC.functions) && !(key in SPEC.classes) && !INIT.includes(key)) missing.push(key);
  }
  for (const key of INIT) if (key in raw) api[key] = raw[key];
  const result = { api: Object.freeze(api), missing, stale };
  facades.set(raw, result);
  return result;
}

const { api } = makeApi(pkg);

/** Initializes the module (the package's default export: fetches and compiles the .wasm). */
export default api.default;
export const {
  initSync,
  activation,
  activationCurve,
  activationInto,
  archFpnExperiment,
  archFuse,
  archFuseCounts,
  archPyramid,
  archResidual,
  archSynth,
  archTcnTree,
  avgPool2d,
  batchNormInference,
  batchNormInferenceInto,
  bceWithLogits,
  checkImageSize,
  conv2d,
  conv2dBackwardInput,
  conv2dInto,
  conv2dReferenceInto,
  convAlternatives,
  convCellMaps,
  convStackPlan,
  crossEntropy,
  crossEntropyProbs,
  depthGradients,
  dropout,
  drillClip,
  drillConvCost,
  drillHead,
  drillInit,
  drillLr,
  drillNormStats,
  drillPenaltyGrad,
  drillRnnParams,
  featureMaps,
  focalCurve,
  groupNorm,
  groupNormInto,
  imageToTensor,
  instanceNorm,
  instanceNormInto,
  interpolate,
  interpolateInto,
  kdGradScale,
  kdLoss,
  layerNorm,
  layerNormInto,
  lossCurves,
  logSoftmax,
  logSoftmaxInto,
  maxPool2d,
  mseLoss,
  parsePointsCsv,
  receptiveField,
  receptiveSupport,
  rocCurve,
  shiftTensor,
  sigmoid,
  sigmoidFocalLoss,
  sigmoidInto,
  simdKind,
  smoothingTargets,
  softmax,
  softmaxInto,
  spectralStudy,
  start,
  tensorToRgba,
  trainSchema,
  version,
  wasmMemory,
  // the evaluation lab's (issue 13)
  confusionAt,
  dropoutEnsemble,
  mannWhitneyU,
  pairCount,
  prCurve,
  regPath,
  samplePairs,
  EvalModel,
  BatchNorm,
  ConvTrainer,
  GoldenEngineSuite,
  GoldenSuite,
  LossRun,
  Optimizer,
  RgbaImage,
  SeqTrainer,
  Tensor,
  Trainer,
} = api;
