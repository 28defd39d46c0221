// Types of the checked API (www/app/api.js), the documented JS API of dlplay. The facade
// checks every argument before the generated glue (www/pkg/dlplay.js, internal) sees it and
// throws a TypeError (wrong JS type, freed handle, an output handle also passed as an input) or
// a RangeError (integer out of range or fractional, NaN or Infinity, array longer than
// MAX_ARRAY) whose message starts with the export's name and names the parameter. Shapes,
// limits and option names are checked in Rust and thrown as coded errors ({message, code,
// vars}). Declarations follow the package's own (wasm-pack's dlplay.d.ts), with the options
// typed.

/** Arrays the facade accepts: the typed array, or a real Array of elements of that type. */
export type F32s = Float32Array | Float64Array | number[];
export type U32s = Uint32Array | number[];
export type I32s = Int32Array | number[];
export type U8s = Uint8Array | Uint8ClampedArray | number[];
/** One number for both axes, or `[rows, cols]`. */
export type Pair = number | [number, number];

export interface ConvOptions { stride?: Pair; padding?: Pair; dilation?: Pair; groups?: number }
export interface PoolOptions {
    kernelSize: Pair; stride?: Pair; padding?: Pair; dilation?: Pair; ceilMode?: boolean; countIncludePad?: boolean;
}
export interface InterpolateOptions {
    size?: Pair; scaleFactor?: Pair; mode?: 'bilinear' | 'nearest'; alignCorners?: boolean; antialias?: boolean;
}
export interface NormOptions { weight?: F32s; bias?: F32s; eps?: number }
export interface BatchNormOptions { momentum?: number; eps?: number }
export type Reduction = 'mean' | 'sum' | 'none';
export interface CrossEntropyOptions { weight?: F32s; ignoreIndex?: number; labelSmoothing?: number; reduction?: Reduction }
export interface BceOptions { posWeight?: F32s; posWeightDim?: number; reduction?: Reduction }
export interface FocalOptions { alpha?: number; gamma?: number; reduction?: Reduction }
export interface OptimizerOptions {
    lr?: number; momentum?: number; dampening?: number; nesterov?: boolean; weightDecay?: number;
    betas?: [number, number]; eps?: number; amsgrad?: boolean; alpha?: number; centered?: boolean; lrDecay?: number;
}
/** The training config: camelCase keys of `trainSchema().defaults`, all optional. */
export type TrainConfig = Record<string, number | string | boolean | number[] | string[] | number[][]>;
/** A layer of `receptiveField` / `receptiveSupport`. */
/** `new ConvTrainer(config, digitsCsv)`: every key optional (nn::cnn::run::RunConfig). */
export interface ConvTrainerConfig {
    /** A model config `{input: [1, 8, 8], layers: [{type: 'conv2d', out: 8, kernel: 3}, ...]}` or the preset 'digitsConvnet'. */
    model?: 'digitsConvnet' | { input: number[]; layers: Record<string, unknown>[] };
    norm?: 'none' | 'batchNorm' | 'layerNorm' | 'instanceNorm' | 'groupNorm';
    groups?: number; bnMomentum?: number; spectral?: boolean;
    testPercent?: number; shift?: boolean; trainLimit?: number;
    optimizer?: 'sgd' | 'adam' | 'adamw' | 'rmsprop' | 'adagrad';
    lr?: number; momentum?: number; weightDecay?: number; batch?: number; seed?: number;
}
export interface ConvStepReport { epoch: number; steps: number; loss: number; accuracy: number; status: 'training' | 'diverged'; message: string }
export interface ConvEvaluation { trainLoss: number; trainAcc: number; testLoss: number; testAcc: number }

export interface RfLayer { type?: 'conv' | 'pool' | 'maxpool' | 'avgpool'; k: number; s?: number; d?: number; p?: number }
/** A layer of the conv lab's stack (`convStackPlan`, `convCellMaps`). */
export interface StackLayer {
    type: 'conv' | 'maxpool' | 'avgpool'; k: number; s?: number; p?: number; d?: number; out?: number; groups?: number;
}

/** The largest array (elements) and string (UTF-16 units) the facade passes on. */
export const MAX_ARRAY: number;
export const MAX_STRING: number;

/**
 * A batch-norm layer with running statistics (`nn.BatchNorm1d/2d`): channels on dim 1.
 */
export class BatchNorm {
    free(): void;
    [Symbol.dispose](): void;
    /**
     * Normalizes `[N, C, *]`; training mode uses batch statistics and updates the running ones.
     */
    forward(x: Tensor, training: boolean): Tensor;
    /**
     * `forward` into `out` (the input's shape; no allocation of the output).
     */
    forwardInto(x: Tensor, training: boolean, out: Tensor): void;
    /**
     * `momentum` (default 0.1) is PyTorch's: the weight of the new batch statistic.
     */
    constructor(channels: number, options?: BatchNormOptions | null);
    /**
     * Sets gamma and beta (one value per channel each).
     */
    setAffine(weight: F32s, bias: F32s): void;
    /**
     * Replaces the running statistics (one value per channel each; var >= 0).
     */
    setRunningStats(mean: F32s, var_: F32s): void;
    readonly runningMean: Float32Array;
    readonly runningVar: Float32Array;
    /** gamma, one per channel (a copy). */
    readonly weight: Float32Array;
    /** beta, one per channel (a copy). */
    readonly bias: Float32Array;
}

/**
 * Spectral normalisation of one weight: every singular value (SVD in f64) against the power-iteration
 * estimate after each count of `iterations`, and the largest gain |Wx|/|x| over `draws` random inputs
 * before and after dividing by the last estimate.
 */
export function spectralStudy(weight: F32s, shape: U32s, iterations: U32s, seed: number, draws: number): {
    rows: number; cols: number; singular: number[]; iterations: number[]; estimates: number[];
    gainBefore: number; gainAfter: number; normalized: number[];
};

/**
 * A seeded convnet training run on scikit-learn's 8x8 digits (the normalisation lab's engine).
 */
export class ConvTrainer {
    free(): void;
    [Symbol.dispose](): void;
    /** `digitsCsv`: the text of www/samples/digits.csv. */
    constructor(config: ConvTrainerConfig | null | undefined, digitsCsv: string);
    /** Trains `steps` mini-batches (continuing across epochs). */
    trainSteps(steps: number): ConvStepReport;
    /** Trains until `epochs` more epochs are complete. */
    trainEpochs(epochs: number): ConvStepReport;
    /** Loss and accuracy on both sets in eval mode. */
    evaluate(): ConvEvaluation;
    /** Test loss and accuracy left in training mode (batch statistics over `batch` images); the state is put back. */
    evaluateTrainMode(batch: number): { loss: number; accuracy: number };
    setLr(lr: number): void;
    paramCount(): number;
    /** The config with every default filled in. */
    config(): any;
    /** `{layers: [{type, shape}], input, trainCount, testCount, stepsPerEpoch, paramCount, stepStride, percentiles}`. */
    info(): any;
    /** Last training step: `{step, percentiles, preact: [{layer, kind, percentiles, mean, std}], grads: [{layer, kind, gradNorm, paramNorm}], bn: [...]}`. */
    probes(): any;
    /** Batch norm layers: `[{layer, runningMean, runningVar, batchMean, batchVar, momentum}]`. */
    runningStats(): any;
    /** Step history rows of `stepStride` values: step, batch loss, batch accuracy, lr (view: wasmMemory()). */
    historyPtr(): number;
    historyLen(): number;
    /** Keeps layer `layer`'s output for `count` images from `start` (eval mode unless `training`); returns its shape. */
    capture(layer: number, test: boolean, start: number, count: number, training: boolean): Uint32Array;
    activationsPtr(): number;
    activationsLen(): number;
    /** `[count, 1, 8, 8]` images in [0, 1] (a copy). */
    images(test: boolean, start: number, count: number): Float32Array;
    labels(test: boolean): Uint8Array;
    /** Raw weight of a conv2d or linear layer (a copy). */
    weight(layer: number): Float32Array;
    /** Bias of a conv2d or linear layer (a copy; empty when it has none). */
    bias(layer: number): Float32Array;
    /** Learned scale γ and shift β of a norm layer: per channel (per C·H·W element for layer norm). */
    affine(layer: number): { gamma: number[]; beta: number[] };
    weightShape(layer: number): Uint32Array;
    readonly epoch: number;
    readonly lr: number;
    readonly message: string;
    readonly status: string;
    readonly steps: number;
}

/**
 * The engine's golden vectors (`cases_engine_*.json`), run case by case through the wasm build.
 */
export class GoldenEngineSuite {
    free(): void;
    [Symbol.dispose](): void;
    header(): any;
    isEmpty(): boolean;
    len(): number;
    /**
     * Parses a case file; a file whose ops are not engine ops is refused (use `GoldenSuite`).
     */
    constructor(json: string);
    /**
     * True when `json` is an engine case file (so the page picks this suite for it).
     */
    static isEngineFile(json: string): boolean;
    /**
     * Runs case `i`: `{id, op, kind, passed, max_err, tol, tol_mode, message, notImplemented}`.
     */
    run(i: number): any;
}

/**
 * The golden reference vectors, run case by case through the wasm build (the self-test page).
 */
export class GoldenSuite {
    free(): void;
    [Symbol.dispose](): void;
    header(): any;
    isEmpty(): boolean;
    len(): number;
    constructor(json: string);
    /**
     * Runs case `i`: `{id, op, kind, passed, max_err, tol, tol_mode, message}`.
     */
    run(i: number): any;
}

/**
 * An optimizer over several parameter tensors (each gets a `slot` with its own state), with
 * torch.optim's defaults and update rules.
 */
export class Optimizer {
    free(): void;
    [Symbol.dispose](): void;
    /**
     * `kind`: "sgd", "adam", "adamw", "rmsprop" or "adagrad"; options as torch's keywords.
     */
    constructor(kind: 'sgd' | 'adam' | 'adamw' | 'rmsprop' | 'adagrad', options?: OptimizerOptions | null);
    /**
     * One step on `param` (updated in place) with `grad`; `slot` identifies the tensor.
     */
    step(param: Tensor, grad: Tensor, slot: number): void;
    lr: number;
}

/**
 * An RGBA u8 image (H x W x 4, channel fastest: the layout of canvas ImageData) owned by wasm.
 */
export class RgbaImage {
    free(): void;
    [Symbol.dispose](): void;
    /**
     * Copies canvas-style RGBA bytes (e.g. `ImageData.data`).
     */
    static fromRgba(bytes: U8s, width: number, height: number): RgbaImage;
    /**
     * What output pixel `(x, y)` of a resize to `out_width x out_height` is made of: source
     * coordinates, taps and weights, neighbours, the row values after the horizontal pass, the
     * exact result and the final value (equal to the resized image's pixel). See
     * `ops::interp::Inspection` for the fields.
     */
    inspect(outWidth: number, outHeight: number, method: string, x: number, y: number): any;
    /**
     * The largest image (input or output) the resize accepts, in pixels.
     */
    static maxPixels(): number;
    /**
     * A transparent black image; write pixels through `ptr()` or use `fromRgba`.
     */
    constructor(width: number, height: number);
    /**
     * Byte offset of the pixels in `wasmMemory().buffer`.
     */
    ptr(): number;
    /**
     * Resizes into an existing image (its size is the target), reusing its buffer.
     */
    resizeInto(out: RgbaImage, method: string): void;
    /**
     * Resizes into a new image. `method`: "opencv" (cv2 INTER_LINEAR, bit-exact), "pillow"
     * (PIL BILINEAR, bit-exact, antialiased when shrinking), "nearest", "bilinear" (the textbook
     * formula in f32, half-pixel centres, rounded) or "bilinear_align_corners".
     */
    resize(outWidth: number, outHeight: number, method: string): RgbaImage;
    /**
     * A copy of the pixels.
     */
    toBytes(): Uint8Array;
    readonly byteLength: number;
    readonly height: number;
    readonly width: number;
}

/**
 * A dense f32 tensor (row-major; images NCHW) owned by wasm.
 */
export class Tensor {
    free(): void;
    [Symbol.dispose](): void;
    isEmpty(): boolean;
    /**
     * The single value of a one-element tensor (a reduced loss).
     */
    item(): number;
    /**
     * Copies `data` into a new tensor of `shape` (an array of dimensions).
     */
    constructor(data: F32s, shape: U32s);
    /**
     * Byte offset of the data in `wasmMemory().buffer`.
     */
    ptr(): number;
    /**
     * The same data with another shape of equal size.
     */
    reshape(shape: U32s): Tensor;
    /**
     * A copy of the data as a Float32Array.
     */
    toArray(): Float32Array;
    /**
     * A tensor of zeros; fill it through a view (`ptr()`), no copy.
     */
    static zeros(shape: U32s): Tensor;
    /**
     * Number of elements.
     */
    readonly len: number;
    readonly shape: Uint32Array;
}

/** Options of a `LossRun` (losses lab), all optional. */
export interface LossRunOptions {
    task?: 'digits' | 'imbalanced' | 'toy'; loss?: 'ce' | 'mse' | 'balanced' | 'focal' | 'kd';
    net?: 'conv' | 'wide' | 'mlp' | 'tiny'; seed?: number; optimizer?: 'adam' | 'sgd'; lr?: number; batch?: number; eps?: number;
    gamma?: number; alpha?: number; focalAlpha?: boolean; temperature?: number; subset?: number;
    positive?: number; ratio?: number; toy?: 'spiral' | 'moons' | 'xor' | 'circle' | 'blobs'; points?: number;
}

/**
 * One seeded training run of the losses lab: a classifier trained with a chosen loss on the
 * digits, a digit against the rest, or a toy set.
 */
export class LossRun {
    free(): void;
    [Symbol.dispose](): void;
    /** `digitsCsv`: samples/digits.csv's text (may be empty for the toy task). */
    constructor(digitsCsv: string, options?: LossRunOptions | null);
    /** Takes `teacher`'s logits on this run's training split as soft targets; `teacher` must not be this run. */
    adoptTeacher(teacher: LossRun): void;
    /** The options with every default filled in. */
    config(): any;
    /** Trains one epoch: `{epoch, trainLoss, trainAcc, testLoss, testAcc, gradNorm, logitNorm, easyShare, easyCount}`. */
    epoch(): any;
    /** `kdGradScale` of this run's logits against its teacher's. */
    gradScale(temperatures: F32s): any;
    /** `{reliability: {bins, ece, mce, accuracy, meanConfidence}, recall, pr, accuracy, classes, trainSize, testSize, precision}`. */
    report(bins: number): any;
    /** Test example `index`: `{pixels, label, logits, probs}` with `probs[i] = softmax(z / temperatures[i])`. */
    softTargets(index: number, temperatures: F32s): any;
    /** Logits `[n, classes]` of the test split. */
    testLogits(): Float32Array;
    readonly classes: number;
    readonly epochs: number;
    readonly testSize: number;
    readonly trainSize: number;
}

/**
 * A seeded training run: dataset, network, optimizer, metrics.
 */
export class Trainer {
    free(): void;
    [Symbol.dispose](): void;
    /**
     * Adds a training point; `label` is a class index, or the target of a regression.
     */
    addPoint(x1: number, x2: number, label: number): void;
    boundaryLen(): number;
    /**
     * `grid x grid x boundary_channels` values, row 0 at the top (x2 = +domain).
     */
    boundaryPtr(): number;
    /**
     * Recomputes the decision-boundary and per-neuron heatmaps (eval mode).
     */
    computeHeatmaps(): void;
    /**
     * Recomputes the histograms: per dense layer weights, activations, gradients, each
     * `hist_header + hist_bins` values (lo, hi, mean, std, near-zero share, counts).
     */
    computeHistograms(): void;
    /**
     * The config with every default filled in.
     */
    config(): any;
    /**
     * Every parameter and running statistic, in torch's `state_dict` naming and order:
     * `layers.0.weight` `[out, in]`, `layers.0.bias`, `layers.0.bn.weight|bias|running_mean|running_var`,
     * ..., `out.weight`, `out.bias`.
     */
    paramInfo(): { name: string; shape: number[] }[];
    /**
     * The values of parameter `name` (a copy).
     */
    getParam(name: string): Float32Array;
    /**
     * Replaces parameter `name` (its number of values, finite; a running variance >= 0),
     * keeping the run's history and optimizer state.
     */
    setParam(name: string, values: F32s): void;
    /**
     * Trains `epochs` epochs without measuring anything (for benchmarks).
     */
    fit(epochs: number): void;
    /**
     * Readings for quiet failures: dead ReLUs, saturation, symmetry, vanishing gradients...
     */
    health(): any;
    histLen(): number;
    histPtr(): number;
    historyLen(): number;
    /**
     * History rows of `history_stride` values: epoch, train loss, test loss, train accuracy,
     * test accuracy (NaN for regression), learning rate, gradient norm. Row 0 is before training.
     */
    historyPtr(): number;
    /**
     * `{classes, layer_sizes, features, domain, grid, neuron_grid, hist_bins, hist_header,
     * boundary_channels, history_stride, train_points, test_points}`.
     */
    info(): any;
    /**
     * Replaces the data with CSV points (`x1,x2,label` per line) and restarts the run with the
     * same settings. Returns the number of points. Errors name the line.
     */
    loadCsv(text: string): number;
    /**
     * The latest metrics (as `step` returns them).
     */
    metrics(): any;
    neuronsLen(): number;
    /**
     * `nodes x neuron_grid^2` values: the input features, then each hidden unit's output.
     */
    neuronsPtr(): number;
    /**
     * Builds a run from a config object, e.g. `{dataset: "spiral", hidden: [8, 8], lr: 0.01}`.
     */
    constructor(config?: TrainConfig | null);
    /**
     * Per-point rows `[x1, x2, label, is_test]` (a copy), training points first.
     */
    points(): Float32Array;
    /**
     * A new learning rate for the running model, keeping its weights, optimizer state and history.
     */
    setLr(lr: number): void;
    /**
     * Trains `epochs` epochs (fewer if the run diverges or stops early) and returns
     * `{epoch, iterations, train_loss, test_loss, train_acc, test_acc, lr, grad_norm, status,
     * diagnosis, best_epoch}`.
     */
    step(epochs: number): any;
    /**
     * Every dense weight (a copy, small), layer by layer, `[out, in]` each.
     */
    weights(): Float32Array;
    readonly epoch: number;
    /**
     * "training", "diverged" or "early_stopped".
     */
    readonly status: string;
}

/**
 * `f(x)` and `f'(x)` of the engine's activation `name` (`linear`, `sigmoid`, `tanh`, `relu`,
 * `leaky_relu`, `elu`, `gelu`, `silu`) at every `xs`: `{y, dy}`.
 */
export function activationCurve(name: string, xs: F32s, options?: { negativeSlope?: number; alpha?: number } | null): { y: number[]; dy: number[] };

/**
 * The rms gradient of the first and of the output layer of an engine MLP, for every depth
 * 1..=maxDepth: `{depth, first_rms, last_rms}`.
 */
export function depthGradients(activation: string, options?: {
    maxDepth?: number; width?: number; batch?: number; init?: string; seed?: number; repeats?: number;
} | null): { depth: number[]; first_rms: number[]; last_rms: number[] };

/**
 * `F.avg_pool2d(x, kernel_size, stride=kernel_size, padding, ceil_mode, count_include_pad)`.
 */
export function avgPool2d(x: Tensor, options?: PoolOptions | null): Tensor;

/**
 * `F.binary_cross_entropy_with_logits`; `pos_weight` applies along `pos_weight_dim`
 * (default: the last dim, as torch broadcasts it).
 */
export function bceWithLogits(logits: Tensor, target: Tensor, options?: BceOptions | null): Tensor;

/**
 * Checks an image size against the limits `RgbaImage` enforces, without allocating: throws the
 * coded error (`pixel_limit` with `{what, w, h, got, max}`, or `image_empty`) that making the
 * image would throw, so a page can explain a request before it runs. `what` names the image in
 * the message ("output", "input"; default "image").
 */
export function checkImageSize(width: number, height: number, what?: string | null): void;

/**
 * `F.conv2d(x, weight, bias, stride, padding, dilation, groups)`: x `[N,C,H,W]`, weight
 * `[C_out, C/groups, kH, kW]`, bias a Float32Array of C_out or undefined.
 */
export function conv2d(x: Tensor, weight: Tensor, bias: F32s | null | undefined, options?: ConvOptions | null): Tensor;

/**
 * Gradient of conv2d with respect to its input, given the output gradient.
 */
export function conv2dBackwardInput(gradOut: Tensor, inputShape: U32s, weight: Tensor, options?: ConvOptions | null): Tensor;

/**
 * `F.conv2d` writing into `out`, a Tensor of the output shape made once and reused (no
 * allocation per call: the bench times the op, the lab redraws feature maps on every edit).
 */
/**
 * The engine's element-wise activation `name` (`linear`, `sigmoid`, `tanh`, `relu`,
 * `leaky_relu`, `elu`, `gelu`, `silu`; torch's definitions) into a new tensor.
 */
export function activation(x: Tensor, name: string): Tensor;

/**
 * `activation` into `out` (the input's shape; no allocation).
 */
export function activationInto(x: Tensor, name: string, out: Tensor): void;

/**
 * `F.batch_norm(x, mean, var, weight, bias, training=False, eps)` on `[N, C, *]`: batch norm
 * with given per-channel statistics (the inference form).
 */
export function batchNormInference(x: Tensor, mean: F32s, var_: F32s, options?: NormOptions | null): Tensor;

/**
 * `batchNormInference` into `out` (the input's shape).
 */
export function batchNormInferenceInto(x: Tensor, mean: F32s, var_: F32s, out: Tensor, options?: NormOptions | null): void;

/**
 * `groupNorm` into `out` (the input's shape; no allocation).
 */
export function groupNormInto(x: Tensor, numGroups: number, out: Tensor, options?: NormOptions | null): void;

/**
 * `instanceNorm` into `out` (the input's shape; no allocation).
 */
export function instanceNormInto(x: Tensor, out: Tensor, options?: NormOptions | null): void;

/**
 * `layerNorm` into `out` (the input's shape; no allocation).
 */
export function layerNormInto(x: Tensor, normalizedShape: U32s, out: Tensor, options?: NormOptions | null): void;

/**
 * Log-softmax along `dim` into `out` (the input's shape; no allocation).
 */
export function logSoftmaxInto(x: Tensor, dim: number, out: Tensor): void;

/**
 * Element-wise sigmoid into `out` (the input's shape; no allocation).
 */
export function sigmoidInto(x: Tensor, out: Tensor): void;

/**
 * Softmax along `dim` into `out` (the input's shape; no allocation).
 */
export function softmaxInto(x: Tensor, dim: number, out: Tensor): void;

export function conv2dInto(x: Tensor, weight: Tensor, bias: F32s | null | undefined, out: Tensor, options?: ConvOptions | null): void;

/**
 * The same conv2d through the scalar reference kernel (the bench shows what SIMD buys).
 */
export function conv2dReferenceInto(x: Tensor, weight: Tensor, bias: F32s | null | undefined, out: Tensor, options?: ConvOptions | null): void;

/**
 * A `k x k` conv `c_in -> c_out` with output `out_h x out_w`, next to its depthwise-separable
 * and 1x1-bottleneck versions: `[{name, params, macs, parts: [{name, params, macs}]}]`.
 */
export function convAlternatives(cIn: number, cOut: number, k: number, outH: number, outW: number): any;

/**
 * What cell `(row, col)` of the stack's last feature map sees in `image` (`[1, C, H, W]`):
 * `{win: {r0, r1, c0, c1}, support: Uint8Array, erf: Float32Array, macs}` over the input
 * window `win` (its receptive field clipped to the image): `support` is 1 where a pixel can
 * change the cell (gradient through the stack's weights in absolute value), `erf` the mean
 * |gradient| over `draws` random weight draws (Luo et al. 2016), scaled to max 1.
 */
export function convCellMaps(layers: StackLayer[], image: Tensor, row: number, col: number, seed: number, draws: number): any;

/**
 * The per-layer table of a stack on a `channels x height x width` input:
 * `{rows: [{c, h, w, r, jump, start, params, macs}], error: {layer, message} | null}`. A stack
 * that cannot run is not an exception: `rows` holds the layers before the one that breaks and
 * `error` says why (layer is 1-based). Malformed layer objects do throw.
 */
export function convStackPlan(layers: StackLayer[], channels: number, height: number, width: number): any;

/**
 * `F.cross_entropy` with class-index targets (an Int32Array `[N, *]`; -100 = ignored).
 */
export function crossEntropy(logits: Tensor, target: I32s, options?: CrossEntropyOptions | null): Tensor;

/**
 * `F.cross_entropy` with probability targets (same shape as the logits).
 */
export function crossEntropyProbs(logits: Tensor, target: Tensor, options?: CrossEntropyOptions | null): Tensor;

/**
 * Inverted dropout with a seeded RNG; identity when `training` is false.
 */
export function dropout(x: Tensor, p: number, training: boolean, seed: number): Tensor;

/**
 * The input features named in `features` (e.g. `["x1", "sin_x2"]`) over a `grid x grid` grid
 * of `[-domain, domain]²` (domain 6 when omitted; a custom dataset's is `info().domain`):
 * a Float32Array of `features.length` blocks of `grid²` values, rows from the top (x2 =
 * +domain), computed by the engine's own feature code.
 */
export function featureMaps(features: string[], grid: number, domain?: number | null): Float32Array;

/**
 * The interview drill's formulas (www/drill.html), each by the engine code the labs use:
 * parameters and mult-adds of a `k x k` conv `cIn -> cOut` (groups, bias) producing `outH x outW`.
 */
export function drillConvCost(cIn: number, cOut: number, k: number, groups: number, bias: boolean, outH: number, outW: number): { params: number; macs: number };

/**
 * The training head's loss and its gradient with respect to the logits for one example
 * (`loss`: "cross_entropy" with `classes` logits, or "bce" | "focal" | "mse" with one logit when
 * classes is 2), label smoothing as the trainer applies it.
 */
export function drillHead(loss: 'cross_entropy' | 'bce' | 'focal' | 'mse', classes: number, logits: F32s, label: number, labelSmoothing: number, focalAlpha: number, focalGamma: number): { loss: number; grad: number[] };

/** The std of an init's weights for the fans, and its uniform version's bound `std * sqrt(3)`. */
export function drillInit(name: 'xavier_uniform' | 'xavier_normal' | 'kaiming_uniform' | 'kaiming_normal' | 'lecun', fanIn: number, fanOut: number): { std: number; bound: number };

/** The trainer's learning rate at epoch `epoch` (0-based): "constant", "step" or "cosine", with linear warmup. */
export function drillLr(schedule: 'constant' | 'step' | 'cosine', base: number, epoch: number, warmup: number, every: number, gamma: number, epochs: number): number;

/** How a norm layer groups an `[N, C, *]` input: `{stats, perStat, params}`. */
export function drillNormStats(kind: 'batch' | 'layer' | 'instance' | 'group', shape: U32s, groups: number): { stats: number; perStat: number; params: number };

/** The gradient the trainer's L1 and L2 penalties add to a weight `w`: `l1 sign(w) + l2 w`. */
export function drillPenaltyGrad(w: number, l1: number, l2: number): number;

/** Parameters of one `nn.RNN` / `nn.LSTM` / `nn.GRU` layer from `input` to `hidden` units (two bias vectors, as torch). */
export function drillRnnParams(cell: 'rnn' | 'lstm' | 'gru', input: number, hidden: number): number;

/** `clip_grad_norm_` on gradients given as one list: the global norm and the factor every gradient is scaled by. */
export function drillClip(grads: F32s, maxNorm: number): { norm: number; coef: number };

/**
 * `F.group_norm(x, num_groups, weight, bias, eps)`.
 */
export function groupNorm(x: Tensor, numGroups: number, options?: NormOptions | null): Tensor;

/**
 * An RGBA image as a `[1, 3, H, W]` tensor in [0, 1], or `[1, 1, H, W]` luma
 * (`0.299 R + 0.587 G + 0.114 B`, ITU-R BT.601) when `gray`. Alpha is ignored.
 */
export function imageToTensor(img: RgbaImage, gray: boolean): Tensor;

/**
 * `F.instance_norm(x, weight, bias, eps)` with batch statistics.
 */
export function instanceNorm(x: Tensor, options?: NormOptions | null): Tensor;

/**
 * `F.interpolate(x, size | scaleFactor, mode, alignCorners, antialias)` on `[N,C,H,W]`.
 */
export function interpolate(x: Tensor, options?: InterpolateOptions | null): Tensor;

/**
 * `interpolate` into an existing tensor whose shape is the target (reuses its buffer: no
 * allocation per call, for live previews and benchmarks).
 */
export function interpolateInto(x: Tensor, out: Tensor, options?: InterpolateOptions | null): void;

/**
 * Norms of the distillation gradient with and without the T² factor: `{temperatures, withT2, withoutT2}`.
 */
export function kdGradScale(student: F32s, teacher: F32s, classes: number, temperatures: F32s): { temperatures: number[]; withT2: number[]; withoutT2: number[] };
/**
 * CE and MSE of a sigmoid output against the target 1 at each probability in (0, 1), and their gradients with respect to the logit.
 */
export function lossCurves(probs: F32s): { ceLoss: number[]; ceGrad: number[]; mseLoss: number[]; mseGrad: number[] };
/**
 * torchvision's focal loss of the target 1 at each p_t and its gradient with respect to the logit; `alpha` in [0, 1] or absent.
 */
export function focalCurve(probs: F32s, gamma: number, alpha?: number | null): { loss: number[]; grad: number[] };
/**
 * PyTorch's smoothed target of class 0 and the least loss smoothing allows.
 */
export function smoothingTargets(classes: number, eps: number): { target: number[]; minLoss: number; entropy: number; logitGap: number; lossAtGap10: number };
/**
 * Distillation loss `KL(softmax(t/T) || softmax(s/T)) * T^2`, batchmean over `[N, C]`.
 */
export function kdLoss(student: Tensor, teacher: Tensor, temperature: number): number;

/**
 * `F.layer_norm(x, normalized_shape, weight, bias, eps)`.
 */
export function layerNorm(x: Tensor, normalizedShape: U32s, options?: NormOptions | null): Tensor;

/**
 * Log-softmax along `dim`.
 */
export function logSoftmax(x: Tensor, dim: number): Tensor;

/**
 * `F.max_pool2d(x, kernel_size, stride=kernel_size, padding, dilation, ceil_mode)`.
 */
export function maxPool2d(x: Tensor, options?: PoolOptions | null): Tensor;

/**
 * `F.mse_loss(input, target, reduction)`; `reduction` "mean" (default), "sum" or "none".
 */
export function mseLoss(input: Tensor, target: Tensor, reduction?: string | null): Tensor;

/**
 * Parses CSV points (`x1,x2,label` lines, optional header, `#` comments) into
 * `{points: [[x1, x2, label], ...], classes}` (classes 0 = regression). Errors name the line:
 * "line 7: expected 3 comma-separated numbers x1,x2,label, got 'a,b'".
 */
export function parsePointsCsv(text: string): any;

/**
 * Receptive field after each layer: `[{r, jump, start, out_len}]` (`out_len` when `input_size`
 * is given; an impossible stack throws naming the layer that breaks).
 */
export function receptiveField(layers: RfLayer[], inputSize?: number | null): any;

/**
 * Which of `input_size` inputs can influence output `index` of the last layer (one axis).
 */
export function receptiveSupport(layers: RfLayer[], inputSize: number, index: number): Uint8Array;

/**
 * scikit-learn's `roc_curve` + `roc_auc_score`: labels 0/1 (Uint8Array), scores Float32Array.
 * Returns `{fpr, tpr, thresholds, auc}`; `thresholds[0]` is `Infinity`.
 */
export function rocCurve(labels: U8s, scores: F32s, dropIntermediate?: boolean | null): any;

/**
 * `t` (`[N, C, H, W]`) moved `dy` rows down and `dx` columns right, zeros where nothing
 * moved in (the weight-sharing demo: conv of a shifted input = shifted conv, away from edges).
 */
export function shiftTensor(t: Tensor, dy: number, dx: number): Tensor;

/**
 * Element-wise logistic sigmoid.
 */
export function sigmoid(x: Tensor): Tensor;

/**
 * torchvision `sigmoid_focal_loss(inputs, targets, alpha=0.25, gamma=2, reduction="none")`.
 */
export function sigmoidFocalLoss(logits: Tensor, target: Tensor, options?: FocalOptions | null): Tensor;

/**
 * Which conv implementation this build runs: "wasm simd128" or "portable [f32; 4]".
 */
export function simdKind(): string;

/**
 * Softmax along `dim`.
 */
export function softmax(x: Tensor, dim: number): Tensor;

export function start(): void;

/**
 * Channel `channel` of sample 0 of `t` (`[N, C, H, W]`) as an RGBA image for a canvas.
 * `mode`: "signed" (blue for negative, white for 0, red for positive, scaled by max |v|),
 * "magnitude" (|v| / max |v| as gray) or "range" (min..max as black..white). Returns
 * `{image, lo, hi}`: the values that map to the ends of the scale.
 */
export function tensorToRgba(t: Tensor, channel: number, mode: string): any;

/**
 * The training vocabulary: `{defaults, datasets, features, activations, inits, losses,
 * optimizers, schedules, limits: {maxLayers, maxUnits, maxPoints, maxClasses, maxEpochsPerCall,
 * ranges: {key: [lo, hi]}}, layout: {historyStride, histHeader, domain}}` (`nn::schema`).
 */
export function trainSchema(): any;

/**
 * The crate version, shown in the page footer and the self-test report.
 */
export function version(): string;

/**
 * The module's linear memory, to build zero-copy views: `new Float32Array(wasmMemory().buffer,
 * t.ptr(), t.len)`. Make a fresh view after every call into wasm: memory growth detaches old ones.
 */
export function wasmMemory(): WebAssembly.Memory;

// ---- evaluation lab (issue 13) ----
/** The evaluation lab's model config (`nn::evalfit::FitConfig`), all keys optional. */
export interface EvalConfig {
    seed?: number; data?: 'cancer' | 'circle' | 'xor' | 'gauss' | 'moons'; points?: number; noise?: number;
    testPercent?: number; trainSize?: number; posShare?: number; hidden?: number[]; activation?: string;
    dropout?: number; lr?: number; batchSize?: number; l2?: number;
}
/**
 * Logistic regression (`hidden: []`) or a small MLP on the breast-cancer table (pass the text of
 * samples/breast_cancer.csv) or a two-class toy set, trained with seeded mini-batches and Adam.
 */
export class EvalModel {
    free(): void;
    constructor(config?: EvalConfig | null, csv?: string | null);
    /** Trains `epochs` epochs: `{epoch, trainLoss, testLoss, trainAcc, testAcc}`. */
    step(epochs: number): { epoch: number; trainLoss: number; testLoss: number; trainAcc: number; testAcc: number };
    metrics(): { epoch: number; trainLoss: number; testLoss: number; trainAcc: number; testAcc: number };
    history(): { epoch: number; trainLoss: number; testLoss: number; trainAcc: number; testAcc: number }[];
    /** Probabilities of the positive class for the test rows. */
    testScores(): Float32Array;
    /** Labels (1 = positive) of the test rows. */
    testLabels(): Uint8Array;
    config(): EvalConfig;
    info(): { features: string[]; trainRows: number; testRows: number; trainPositives: number; testPositives: number; layerSizes: number[] };
    readonly epoch: number;
}
/** scikit-learn's `precision_recall_curve` + `average_precision_score`. */
export function prCurve(labels: U8s, scores: F32s): { precision: number[]; recall: number[]; thresholds: number[]; averagePrecision: number; prevalence: number };
/** The Mann-Whitney U of the positives' scores (mid-ranks for ties); `auc = u / (n_pos n_neg)`. */
export function mannWhitneyU(labels: U8s, scores: F32s): { u: number; rank_sum: number; n_pos: number; n_neg: number; auc: number };
/** Counts over every positive-negative pair; `auc = (wins + ties/2) / pairs`. */
export function pairCount(labels: U8s, scores: F32s): { pairs: number; wins: number; ties: number; auc: number };
/** `count` seeded (positive, negative) index pairs, flat: `[i+, i-, ...]`. */
export function samplePairs(labels: U8s, scores: F32s, count: number, seed: number): Uint32Array;
/** The confusion matrix at `threshold` in [0, 1] (positive iff score >= threshold). */
export function confusionAt(labels: U8s, scores: F32s, threshold: number): {
    threshold: number; tp: number; fp: number; tn: number; fn: number;
    tpr: number; fpr: number; precision: number; recall: number; f1: number; accuracy: number;
};

/** The two-weight L1/L2 model (`nn::regpath`): options all optional. */
export function regPath(options?: {
    seed?: number; n?: number; rho?: number; orthogonal?: boolean; wTrue?: [number, number]; noise?: number;
    lambda?: number; lambdaMax?: number; steps?: number; l1Ratio?: number; grid?: number;
    /** Logistic regression (labels 0/1, log-loss) instead of linear. */
    logistic?: boolean;
} | null): any;
/** Dropout's thinned sub-networks of a trained `Trainer` (two classes, dropout > 0): maps, gaps. */
export function dropoutEnsemble(trainer: Trainer, k: number, grid: number, shown: number, seed: number): any;

export type InitInput = RequestInfo | URL | Response | BufferSource | WebAssembly.Module;
export type SyncInitInput = BufferSource | WebAssembly.Module;
/** Instantiates the module synchronously (Node, workers); a second call returns the first. */
export function initSync(module: { module: SyncInitInput }): unknown;
/** Fetches (default: pkg/dlplay_bg.wasm next to the package) and instantiates the module. */
export default function init(module_or_path?: { module_or_path: InitInput | Promise<InitInput> }): Promise<unknown>;

/** The parameter table the facade is built from (see api.js). */
export const SPEC: {
    functions: Record<string, string>;
    classes: Record<string, { new?: string; static?: Record<string, string>; methods?: Record<string, string>; get?: string[]; set?: Record<string, string> }>;
};
export const INIT: string[];
/**
 * The facade over another instance of the package module (tests re-import it after a trap):
 * `api` has the names above; `missing` lists raw exports the table lacks, `stale` table
 * entries the package lacks.
 */
export function makeApi(raw: object): { api: Record<string, any>; missing: string[]; stale: string[] };

// ---- architecture lab (arch.html) ----
/** `SeqTrainer` config (all optional). */
export interface SeqConfig {
    model?: 'rnn' | 'lstm' | 'gru' | 'tcn'; task?: 'adding' | 'recall' | 'sine'; lag?: number; length?: number;
    batch?: number; hidden?: number; kernel?: number; dilations?: number[]; lr?: number; clip?: number; bptt?: number; seed?: number;
}
/**
 * A sequence regressor in training: one-layer RNN (tanh) / LSTM / GRU (torch's layout and gate
 * order) or a causal dilated conv1d stack (TCN), a linear head on the last step, MSE, Adam.
 */
export class SeqTrainer {
    free(): void;
    [Symbol.dispose](): void;
    constructor(config?: SeqConfig | null);
    /** Trains n (1..=500) steps: `{steps, losses, gradNorms, clipped, inputGrad}` (‖∂L/∂x_t‖ per step). */
    step(n: number): { steps: number; losses: number[]; gradNorms: number[]; clipped: number; inputGrad: number[] };
    /** Mean loss on `batches` held-out batches. */
    evaluate(batches: number): number;
    /** `{model, params, baseline, length, inputs, hidden, gates, rf}`. */
    info(): { model: string; params: number; baseline: number; length: number; inputs: number; hidden: number; gates: number; rf: number | null };
    /** One held-out sequence through the cell: `{x, target, pred, gates, h, c}` (gates after their nonlinearity). */
    probe(): { x: number[]; target: number; pred: number; gates: number[]; h: number[]; c: number[] };
    readonly steps: number;
}
/** The receptive field over time of a causal dilated conv1d stack: `{rf, holes, pad, levels}`. */
export function archTcnTree(kernel: number, dilations: U32s, length: number): { rf: number; holes: number; pad: number; levels: number[][] };
/** Counts of fusing `A [cA,h,w]` and `B [cB,h,w]` to `cOut` channels by add and by concat + 1x1. */
export function archFuseCounts(cA: number, cB: number, cOut: number, h: number, w: number): { addAdds: number | null; addConv: [number, number] | null; concatConv: [number, number]; concatChannels: number };
/** Add vs concat on an image's feature maps; both sides of conv1x1(concat(A, B)) = W_A·A + W_B·B and their max |difference|. */
export function archFuse(image: Tensor, channels: number, cOut: number, up: 'nearest' | 'bilinear', seed: number): any;
/** Plain vs residual deep tanh MLP: `[{residual, losses, first, last}]` (per-layer gradient norms). */
export function archResidual(options?: { depth?: number; width?: number; steps?: number; lr?: number; points?: number; seed?: number } | null): any;
/** A seeded synthetic detection image `{side, image, objects: [{cx, cy, size, disc}]}`. */
export function archSynth(side: number, perClass: number, seed: number): any;
/** The pyramid of an image: per level `{level, stride, rf, h, w, c, lateral, up, p}`. */
export function archPyramid(image: Tensor, top: number, up: 'nearest' | 'bilinear', seed: number): any;
/** The FPN recall experiment: `{side, grid, image, objects, runs: [{variant, losses, small, medium, large, detections, trueDetections, example}]}`. */
export function archFpnExperiment(options?: { side?: number; perClass?: number; trainImages?: number; testImages?: number; steps?: number; up?: 'nearest' | 'bilinear'; lr?: number; seed?: number } | null): any;
