//! Function exports for every kernel family, plus the `Optimizer`, `BatchNorm` and `GoldenSuite`
//! handles. Options objects use the same names as PyTorch's keyword arguments.

use serde::{Deserialize, Serialize};
use wasm_bindgen::prelude::*;

use super::handles::{shape_usize, Tensor};
use super::{err, opts, to_js};
use crate::golden;
use crate::nn::{dropout as dropout_mod, optim};
use crate::ops::conv::{self, Conv2dParams};
use crate::ops::interp::{self, InterpMode, ResizeParams, Target};
use crate::ops::loss::{self, CrossEntropyParams};
use crate::ops::pool::{self, PoolParams};
use crate::ops::{activation, metrics, norm, Reduction};
use crate::rf::{self, LayerKind, RfLayer};
use crate::rng::Rng;
use crate::tensor::check_finite;
use crate::Error;

/// A number for both axes, or `[rows, cols]`.
#[derive(Deserialize, Clone, Copy)]
#[serde(untagged)]
enum Pair {
    One(usize),
    Two([usize; 2]),
}

impl Pair {
    fn get(self) -> [usize; 2] {
        match self {
            Pair::One(v) => [v, v],
            Pair::Two(v) => v,
        }
    }
}

fn pair(p: Option<Pair>, default: usize) -> [usize; 2] {
    p.map_or([default; 2], Pair::get)
}

#[derive(Deserialize, Clone, Copy)]
#[serde(untagged)]
enum PairF {
    One(f64),
    Two([f64; 2]),
}

#[derive(Deserialize, Default)]
#[serde(deny_unknown_fields)]
struct ConvOpts {
    stride: Option<Pair>,
    padding: Option<Pair>,
    dilation: Option<Pair>,
    groups: Option<usize>,
}

impl ConvOpts {
    fn params(&self) -> Conv2dParams {
        Conv2dParams {
            stride: pair(self.stride, 1),
            padding: pair(self.padding, 0),
            dilation: pair(self.dilation, 1),
            groups: self.groups.unwrap_or(1),
        }
    }
}

/// `F.conv2d(x, weight, bias, stride, padding, dilation, groups)`: x `[N,C,H,W]`, weight
/// `[C_out, C/groups, kH, kW]`, bias a Float32Array of C_out or undefined.
#[wasm_bindgen]
pub fn conv2d(
    x: &Tensor,
    weight: &Tensor,
    bias: Option<Vec<f32>>,
    options: JsValue,
) -> Result<Tensor, JsError> {
    let o: ConvOpts = opts("conv2d", options)?;
    let (y, ys) = conv::conv2d(
        x.view("input")?,
        weight.view("weight")?,
        bias.as_deref(),
        &o.params(),
    )
    .map_err(err)?;
    Ok(Tensor::from_parts(y, ys.to_vec()))
}

/// Gradient of conv2d with respect to its input, given the output gradient.
#[wasm_bindgen]
pub fn conv2d_backward_input(
    grad_out: &Tensor,
    input_shape: Vec<u32>,
    weight: &Tensor,
    options: JsValue,
) -> Result<Tensor, JsError> {
    let o: ConvOpts = opts("conv2d_backward_input", options)?;
    let xs =
        crate::tensor::expect_rank::<4>("input_shape", &shape_usize(&input_shape)).map_err(err)?;
    let gx = conv::conv2d_backward_input(
        &grad_out.inner.data,
        xs,
        weight.view("weight")?,
        &o.params(),
    )
    .map_err(err)?;
    Ok(Tensor::from_parts(gx, xs.to_vec()))
}

#[derive(Deserialize, Default)]
#[serde(deny_unknown_fields)]
struct InterpOpts {
    size: Option<Pair>,
    scale_factor: Option<PairF>,
    mode: Option<String>,
    align_corners: Option<bool>,
    antialias: Option<bool>,
}

/// `F.interpolate(x, size | scale_factor, mode, align_corners, antialias)` on `[N,C,H,W]`.
#[wasm_bindgen]
pub fn interpolate(x: &Tensor, options: JsValue) -> Result<Tensor, JsError> {
    let o: InterpOpts = opts("interpolate", options)?;
    let target = match (o.size, o.scale_factor) {
        (Some(s), None) => Target::Size(s.get()),
        (None, Some(PairF::One(f))) => Target::Scale([f, f]),
        (None, Some(PairF::Two(f))) => Target::Scale(f),
        _ => {
            return Err(err(Error::InvalidArg(
                "interpolate needs exactly one of size or scale_factor".into(),
            )))
        }
    };
    let p = ResizeParams {
        target,
        mode: InterpMode::parse(o.mode.as_deref().unwrap_or("bilinear")).map_err(err)?,
        align_corners: o.align_corners.unwrap_or(false),
        antialias: o.antialias.unwrap_or(false),
    };
    if p.mode == InterpMode::Nearest && (o.align_corners.is_some() || p.antialias) {
        return Err(err(Error::InvalidArg(
            "align_corners and antialias only apply to mode \"bilinear\"".into(),
        )));
    }
    let (y, ys) = interp::resize(&x.inner.data, x.shape4("input")?, &p).map_err(err)?;
    Ok(Tensor::from_parts(y, ys.to_vec()))
}

/// `interpolate` into an existing tensor whose shape is the target (reuses its buffer: no
/// allocation per call, for live previews and benchmarks).
#[wasm_bindgen]
pub fn interpolate_into(x: &Tensor, out: &mut Tensor, options: JsValue) -> Result<(), JsError> {
    let o: InterpOpts = opts("interpolate_into", options)?;
    if o.size.is_some() || o.scale_factor.is_some() {
        return Err(err(Error::InvalidArg(
            "interpolate_into takes its size from the output tensor; drop size and scale_factor"
                .into(),
        )));
    }
    let xs = x.shape4("input")?;
    let ys = out.shape4("output")?;
    if xs[..2] != ys[..2] {
        return Err(err(Error::Shape(format!(
            "output {ys:?} must have the input's N and C ({xs:?})"
        ))));
    }
    let p = ResizeParams {
        target: Target::Size([ys[2], ys[3]]),
        mode: InterpMode::parse(o.mode.as_deref().unwrap_or("bilinear")).map_err(err)?,
        align_corners: o.align_corners.unwrap_or(false),
        antialias: o.antialias.unwrap_or(false),
    };
    interp::resize_into(&x.inner.data, xs, &p, &mut out.inner.data).map_err(err)
}

#[derive(Deserialize, Default)]
#[serde(deny_unknown_fields)]
struct NormOpts {
    weight: Option<Vec<f32>>,
    bias: Option<Vec<f32>>,
    eps: Option<f64>,
}

impl NormOpts {
    fn affine(&self) -> norm::Affine<'_> {
        norm::Affine {
            weight: self.weight.as_deref(),
            bias: self.bias.as_deref(),
        }
    }
}

/// `F.layer_norm(x, normalized_shape, weight, bias, eps)`.
#[wasm_bindgen]
pub fn layer_norm(
    x: &Tensor,
    normalized_shape: Vec<u32>,
    options: JsValue,
) -> Result<Tensor, JsError> {
    let o: NormOpts = opts("layer_norm", options)?;
    let y = norm::layer_norm(
        x.view_d("input")?,
        &shape_usize(&normalized_shape),
        o.affine(),
        o.eps.unwrap_or(1e-5),
    )
    .map_err(err)?;
    Ok(Tensor::from_parts(y, x.inner.shape.clone()))
}

/// `F.instance_norm(x, weight, bias, eps)` with batch statistics.
#[wasm_bindgen]
pub fn instance_norm(x: &Tensor, options: JsValue) -> Result<Tensor, JsError> {
    let o: NormOpts = opts("instance_norm", options)?;
    let y =
        norm::instance_norm(x.view_d("input")?, o.affine(), o.eps.unwrap_or(1e-5)).map_err(err)?;
    Ok(Tensor::from_parts(y, x.inner.shape.clone()))
}

/// `F.group_norm(x, num_groups, weight, bias, eps)`.
#[wasm_bindgen]
pub fn group_norm(x: &Tensor, num_groups: u32, options: JsValue) -> Result<Tensor, JsError> {
    let o: NormOpts = opts("group_norm", options)?;
    let y = norm::group_norm(
        x.view_d("input")?,
        num_groups as usize,
        o.affine(),
        o.eps.unwrap_or(1e-5),
    )
    .map_err(err)?;
    Ok(Tensor::from_parts(y, x.inner.shape.clone()))
}

/// A batch-norm layer with running statistics (`nn.BatchNorm1d/2d`): channels on dim 1.
#[wasm_bindgen]
pub struct BatchNorm {
    weight: Vec<f32>,
    bias: Vec<f32>,
    running_mean: Vec<f32>,
    running_var: Vec<f32>,
    momentum: f64,
    eps: f64,
}

#[derive(Deserialize, Default)]
#[serde(deny_unknown_fields)]
struct BnOpts {
    momentum: Option<f64>,
    eps: Option<f64>,
}

#[wasm_bindgen]
impl BatchNorm {
    /// `momentum` (default 0.1) is PyTorch's: the weight of the new batch statistic.
    #[wasm_bindgen(constructor)]
    pub fn new(channels: u32, options: JsValue) -> Result<BatchNorm, JsError> {
        let o: BnOpts = opts("BatchNorm", options)?;
        let c = channels as usize;
        if c == 0 || c > 1 << 20 {
            return Err(err(Error::InvalidArg(format!(
                "channels must be in 1..=1048576, got {c}"
            ))));
        }
        Ok(BatchNorm {
            weight: vec![1.0; c],
            bias: vec![0.0; c],
            running_mean: vec![0.0; c],
            running_var: vec![1.0; c],
            momentum: o.momentum.unwrap_or(0.1),
            eps: o.eps.unwrap_or(1e-5),
        })
    }

    /// Normalizes `[N, C, *]`; training mode uses batch statistics and updates the running ones.
    pub fn forward(&mut self, x: &Tensor, training: bool) -> Result<Tensor, JsError> {
        let c = self.weight.len();
        if x.inner.shape.get(1) != Some(&c) {
            return Err(err(Error::Shape(format!(
                "this BatchNorm has {c} channels but the input's dim 1 is {:?} (shape {:?}; expected [N, {c}, ...])",
                x.inner.shape.get(1),
                x.inner.shape
            ))));
        }
        let p = norm::BatchNormParams {
            training,
            momentum: self.momentum,
            eps: self.eps,
        };
        let affine = norm::Affine {
            weight: Some(&self.weight),
            bias: Some(&self.bias),
        };
        let (y, _, _) = norm::batch_norm(
            x.view_d("input")?,
            affine,
            Some(&mut self.running_mean),
            Some(&mut self.running_var),
            &p,
        )
        .map_err(err)?;
        Ok(Tensor::from_parts(y, x.inner.shape.clone()))
    }

    #[wasm_bindgen(getter)]
    pub fn running_mean(&self) -> Vec<f32> {
        self.running_mean.clone()
    }

    #[wasm_bindgen(getter)]
    pub fn running_var(&self) -> Vec<f32> {
        self.running_var.clone()
    }

    /// Sets gamma and beta (one value per channel each).
    pub fn set_affine(&mut self, weight: Vec<f32>, bias: Vec<f32>) -> Result<(), JsError> {
        let c = self.weight.len();
        if weight.len() != c || bias.len() != c {
            return Err(err(Error::Shape(format!(
                "weight and bias need {c} values each, got {} and {}",
                weight.len(),
                bias.len()
            ))));
        }
        check_finite("weight", &weight).map_err(err)?;
        check_finite("bias", &bias).map_err(err)?;
        self.weight = weight;
        self.bias = bias;
        Ok(())
    }
}

/// Softmax along `dim`.
#[wasm_bindgen]
pub fn softmax(x: &Tensor, dim: u32) -> Result<Tensor, JsError> {
    let y = activation::softmax(&x.inner.data, &x.inner.shape, dim as usize).map_err(err)?;
    Ok(Tensor::from_parts(y, x.inner.shape.clone()))
}

/// Log-softmax along `dim`.
#[wasm_bindgen]
pub fn log_softmax(x: &Tensor, dim: u32) -> Result<Tensor, JsError> {
    let y = activation::log_softmax(&x.inner.data, &x.inner.shape, dim as usize).map_err(err)?;
    Ok(Tensor::from_parts(y, x.inner.shape.clone()))
}

/// Element-wise logistic sigmoid.
#[wasm_bindgen]
pub fn sigmoid(x: &Tensor) -> Tensor {
    Tensor::from_parts(activation::sigmoid(&x.inner.data), x.inner.shape.clone())
}

fn reduction(r: &Option<String>) -> Result<Reduction, JsError> {
    Reduction::parse(r.as_deref().unwrap_or("mean")).map_err(err)
}

fn loss_out(l: crate::ops::LossOut) -> Tensor {
    Tensor::from_parts(l.data, l.shape)
}

#[derive(Deserialize, Default)]
#[serde(deny_unknown_fields)]
struct CeOpts {
    weight: Option<Vec<f32>>,
    ignore_index: Option<i64>,
    label_smoothing: Option<f32>,
    reduction: Option<String>,
}

impl CeOpts {
    fn params(&self) -> Result<CrossEntropyParams<'_>, JsError> {
        Ok(CrossEntropyParams {
            weight: self.weight.as_deref(),
            ignore_index: self.ignore_index.unwrap_or(-100),
            label_smoothing: self.label_smoothing.unwrap_or(0.0),
            reduction: reduction(&self.reduction)?,
        })
    }
}

/// `F.cross_entropy` with class-index targets (an Int32Array `[N, *]`; -100 = ignored).
#[wasm_bindgen]
pub fn cross_entropy(
    logits: &Tensor,
    target: Vec<i32>,
    options: JsValue,
) -> Result<Tensor, JsError> {
    let o: CeOpts = opts("cross_entropy", options)?;
    let t: Vec<i64> = target.into_iter().map(i64::from).collect();
    Ok(loss_out(
        loss::cross_entropy(&logits.inner.data, &logits.inner.shape, &t, &o.params()?)
            .map_err(err)?,
    ))
}

/// `F.cross_entropy` with probability targets (same shape as the logits).
#[wasm_bindgen]
pub fn cross_entropy_probs(
    logits: &Tensor,
    target: &Tensor,
    options: JsValue,
) -> Result<Tensor, JsError> {
    let o: CeOpts = opts("cross_entropy_probs", options)?;
    if target.inner.shape != logits.inner.shape {
        return Err(err(Error::Shape(format!(
            "target shape {:?} must equal the logits shape {:?}",
            target.inner.shape, logits.inner.shape
        ))));
    }
    Ok(loss_out(
        loss::cross_entropy_probs(
            &logits.inner.data,
            &logits.inner.shape,
            &target.inner.data,
            &o.params()?,
        )
        .map_err(err)?,
    ))
}

fn same_shape(a: &Tensor, b: &Tensor) -> Result<(), JsError> {
    if a.inner.shape != b.inner.shape {
        return Err(err(Error::Shape(format!(
            "target shape {:?} must equal the input shape {:?}",
            b.inner.shape, a.inner.shape
        ))));
    }
    Ok(())
}

#[derive(Deserialize, Default)]
#[serde(deny_unknown_fields)]
struct BceOpts {
    pos_weight: Option<Vec<f32>>,
    pos_weight_dim: Option<usize>,
    reduction: Option<String>,
}

/// `F.binary_cross_entropy_with_logits`; `pos_weight` applies along `pos_weight_dim`
/// (default: the last dim, as torch broadcasts it).
#[wasm_bindgen]
pub fn bce_with_logits(
    logits: &Tensor,
    target: &Tensor,
    options: JsValue,
) -> Result<Tensor, JsError> {
    let o: BceOpts = opts("bce_with_logits", options)?;
    same_shape(logits, target)?;
    let dim = o
        .pos_weight_dim
        .unwrap_or(logits.inner.shape.len().saturating_sub(1));
    Ok(loss_out(
        loss::bce_with_logits(
            &logits.inner.data,
            &logits.inner.shape,
            &target.inner.data,
            o.pos_weight.as_deref(),
            dim,
            reduction(&o.reduction)?,
        )
        .map_err(err)?,
    ))
}

#[derive(Deserialize, Default)]
#[serde(deny_unknown_fields)]
struct FocalOpts {
    alpha: Option<f32>,
    gamma: Option<f32>,
    reduction: Option<String>,
}

/// torchvision `sigmoid_focal_loss(inputs, targets, alpha=0.25, gamma=2, reduction="none")`.
#[wasm_bindgen]
pub fn sigmoid_focal_loss(
    logits: &Tensor,
    target: &Tensor,
    options: JsValue,
) -> Result<Tensor, JsError> {
    let o: FocalOpts = opts("sigmoid_focal_loss", options)?;
    same_shape(logits, target)?;
    let red = Reduction::parse(o.reduction.as_deref().unwrap_or("none")).map_err(err)?;
    Ok(loss_out(
        loss::sigmoid_focal_loss(
            &logits.inner.data,
            &logits.inner.shape,
            &target.inner.data,
            o.alpha.unwrap_or(0.25),
            o.gamma.unwrap_or(2.0),
            red,
        )
        .map_err(err)?,
    ))
}

/// `F.mse_loss(input, target, reduction)`; `reduction` "mean" (default), "sum" or "none".
#[wasm_bindgen]
pub fn mse_loss(
    input: &Tensor,
    target: &Tensor,
    reduction_: Option<String>,
) -> Result<Tensor, JsError> {
    same_shape(input, target)?;
    Ok(loss_out(
        loss::mse_loss(
            &input.inner.data,
            &target.inner.data,
            &input.inner.shape,
            reduction(&reduction_)?,
        )
        .map_err(err)?,
    ))
}

/// Distillation loss `KL(softmax(t/T) || softmax(s/T)) * T^2`, batchmean over `[N, C]`.
#[wasm_bindgen]
pub fn kd_loss(student: &Tensor, teacher: &Tensor, temperature: f32) -> Result<f32, JsError> {
    same_shape(student, teacher)?;
    loss::kd_loss(
        &student.inner.data,
        &teacher.inner.data,
        &student.inner.shape,
        temperature,
    )
    .map_err(err)
}

#[derive(Deserialize, Default)]
#[serde(deny_unknown_fields)]
struct PoolOpts {
    kernel_size: Option<Pair>,
    stride: Option<Pair>,
    padding: Option<Pair>,
    dilation: Option<Pair>,
    ceil_mode: Option<bool>,
    count_include_pad: Option<bool>,
}

impl PoolOpts {
    fn params(&self) -> Result<PoolParams, JsError> {
        let k = self
            .kernel_size
            .ok_or_else(|| err(Error::InvalidArg("pooling needs kernel_size".into())))?
            .get();
        Ok(PoolParams {
            kernel: k,
            stride: self.stride.map_or(k, Pair::get),
            padding: pair(self.padding, 0),
            dilation: pair(self.dilation, 1),
            ceil_mode: self.ceil_mode.unwrap_or(false),
            count_include_pad: self.count_include_pad.unwrap_or(true),
        })
    }
}

/// `F.max_pool2d(x, kernel_size, stride=kernel_size, padding, dilation, ceil_mode)`.
#[wasm_bindgen]
pub fn max_pool2d(x: &Tensor, options: JsValue) -> Result<Tensor, JsError> {
    let o: PoolOpts = opts("max_pool2d", options)?;
    let (y, ys, _) = pool::max_pool2d(x.view_d("input")?, &o.params()?).map_err(err)?;
    Ok(Tensor::from_parts(y, ys.to_vec()))
}

/// `F.avg_pool2d(x, kernel_size, stride=kernel_size, padding, ceil_mode, count_include_pad)`.
#[wasm_bindgen]
pub fn avg_pool2d(x: &Tensor, options: JsValue) -> Result<Tensor, JsError> {
    let o: PoolOpts = opts("avg_pool2d", options)?;
    let (y, ys) = pool::avg_pool2d(x.view_d("input")?, &o.params()?).map_err(err)?;
    Ok(Tensor::from_parts(y, ys.to_vec()))
}

/// scikit-learn's `roc_curve` + `roc_auc_score`: labels 0/1 (Uint8Array), scores Float32Array.
/// Returns `{fpr, tpr, thresholds, auc}`; `thresholds[0]` is `Infinity`.
#[wasm_bindgen]
pub fn roc_curve(
    labels: Vec<u8>,
    scores: Vec<f32>,
    drop_intermediate: Option<bool>,
) -> Result<JsValue, JsError> {
    let r = metrics::roc_curve(&labels, &scores, drop_intermediate.unwrap_or(true)).map_err(err)?;
    // JSON-compatible serialization would turn Infinity into null; build the object by hand.
    let o = js_sys::Object::new();
    let arr = |v: &[f64]| JsValue::from(js_sys::Float64Array::from(v));
    js_sys::Reflect::set(&o, &"fpr".into(), &arr(&r.fpr)).ok();
    js_sys::Reflect::set(&o, &"tpr".into(), &arr(&r.tpr)).ok();
    js_sys::Reflect::set(&o, &"thresholds".into(), &arr(&r.thresholds)).ok();
    js_sys::Reflect::set(&o, &"auc".into(), &r.auc.into()).ok();
    Ok(o.into())
}

#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
struct LayerJs {
    #[serde(rename = "type")]
    kind: Option<String>,
    k: usize,
    s: Option<usize>,
    d: Option<usize>,
    p: Option<usize>,
}

#[derive(Serialize)]
struct RfRow {
    r: u64,
    jump: u64,
    start: i64,
    out_len: Option<usize>,
}

fn parse_layers(layers: JsValue) -> Result<Vec<RfLayer>, JsError> {
    let ls: Vec<LayerJs> = serde_wasm_bindgen::from_value(layers).map_err(|e| {
        JsError::new(&format!(
            "invalid argument: layers must be [{{type, k, s, d, p}}, ...]: {e}"
        ))
    })?;
    ls.into_iter()
        .enumerate()
        .map(|(i, l)| {
            let kind = match l.kind.as_deref().unwrap_or("conv") {
                "conv" => LayerKind::Conv,
                "pool" | "maxpool" | "avgpool" => LayerKind::Pool,
                other => {
                    return Err(err(Error::InvalidArg(format!(
                        "layer {}: type must be \"conv\" or \"pool\", got {other:?}",
                        i + 1
                    ))))
                }
            };
            Ok(RfLayer {
                kind,
                k: l.k,
                s: l.s.unwrap_or(1),
                d: l.d.unwrap_or(1),
                p: l.p.unwrap_or(0),
            })
        })
        .collect()
}

/// Receptive field after each layer: `[{r, jump, start, out_len}]` (`out_len` when `input_size`
/// is given; an impossible stack throws naming the layer that breaks).
#[wasm_bindgen]
pub fn receptive_field(layers: JsValue, input_size: Option<u32>) -> Result<JsValue, JsError> {
    let ls = parse_layers(layers)?;
    let info = rf::receptive_field(&ls).map_err(err)?;
    let lens = match input_size {
        Some(n) => Some(rf::feature_lengths(&ls, n as usize).map_err(err)?),
        None => None,
    };
    let rows: Vec<RfRow> = info
        .iter()
        .enumerate()
        .map(|(i, f)| RfRow {
            r: f.r,
            jump: f.jump,
            start: f.start,
            out_len: lens.as_ref().map(|l| l[i + 1]),
        })
        .collect();
    to_js(&rows)
}

/// Which of `input_size` inputs can influence output `index` of the last layer (one axis).
#[wasm_bindgen]
pub fn receptive_support(layers: JsValue, input_size: u32, index: u32) -> Result<Vec<u8>, JsError> {
    let ls = parse_layers(layers)?;
    let s = rf::support_1d(&ls, input_size as usize, index as usize).map_err(err)?;
    Ok(s.into_iter().map(u8::from).collect())
}

/// Inverted dropout with a seeded RNG; identity when `training` is false.
#[wasm_bindgen]
pub fn dropout(x: &Tensor, p: f32, training: bool, seed: u32) -> Result<Tensor, JsError> {
    let (y, _) = dropout_mod::dropout(&x.inner.data, p, training, &mut Rng::new(seed as u64))
        .map_err(err)?;
    Ok(Tensor::from_parts(y, x.inner.shape.clone()))
}

#[derive(Deserialize, Default)]
#[serde(deny_unknown_fields)]
struct OptOpts {
    lr: Option<f64>,
    momentum: Option<f64>,
    dampening: Option<f64>,
    nesterov: Option<bool>,
    weight_decay: Option<f64>,
    betas: Option<[f64; 2]>,
    eps: Option<f64>,
    amsgrad: Option<bool>,
    alpha: Option<f64>,
    centered: Option<bool>,
    lr_decay: Option<f64>,
}

/// An optimizer over several parameter tensors (each gets a `slot` with its own state), with
/// torch.optim's defaults and update rules.
#[wasm_bindgen]
pub struct Optimizer {
    cfg: optim::OptimConfig,
    states: Vec<optim::OptimState>,
}

#[wasm_bindgen]
impl Optimizer {
    /// `kind`: "sgd", "adam", "adamw", "rmsprop" or "adagrad"; options as torch's keywords.
    #[wasm_bindgen(constructor)]
    pub fn new(kind: &str, options: JsValue) -> Result<Optimizer, JsError> {
        let o: OptOpts = opts("Optimizer", options)?;
        let wd = o.weight_decay;
        let cfg = match kind {
            "sgd" => optim::OptimConfig::Sgd {
                lr: o.lr.unwrap_or(1e-3),
                momentum: o.momentum.unwrap_or(0.0),
                dampening: o.dampening.unwrap_or(0.0),
                nesterov: o.nesterov.unwrap_or(false),
                weight_decay: wd.unwrap_or(0.0),
            },
            "adam" | "adamw" => optim::OptimConfig::Adam {
                lr: o.lr.unwrap_or(1e-3),
                betas: o.betas.map_or((0.9, 0.999), |b| (b[0], b[1])),
                eps: o.eps.unwrap_or(1e-8),
                weight_decay: wd.unwrap_or(if kind == "adamw" { 1e-2 } else { 0.0 }),
                amsgrad: o.amsgrad.unwrap_or(false),
                decoupled: kind == "adamw",
            },
            "rmsprop" => optim::OptimConfig::RmsProp {
                lr: o.lr.unwrap_or(1e-2),
                alpha: o.alpha.unwrap_or(0.99),
                eps: o.eps.unwrap_or(1e-8),
                weight_decay: wd.unwrap_or(0.0),
                momentum: o.momentum.unwrap_or(0.0),
                centered: o.centered.unwrap_or(false),
            },
            "adagrad" => optim::OptimConfig::Adagrad {
                lr: o.lr.unwrap_or(1e-2),
                lr_decay: o.lr_decay.unwrap_or(0.0),
                weight_decay: wd.unwrap_or(0.0),
                eps: o.eps.unwrap_or(1e-10),
            },
            other => {
                return Err(err(Error::InvalidArg(format!(
                    "optimizer must be \"sgd\", \"adam\", \"adamw\", \"rmsprop\" or \"adagrad\", got {other:?}"
                ))))
            }
        };
        cfg.validate().map_err(err)?;
        Ok(Optimizer {
            cfg,
            states: Vec::new(),
        })
    }

    /// One step on `param` (updated in place) with `grad`; `slot` identifies the tensor.
    pub fn step(&mut self, param: &mut Tensor, grad: &Tensor, slot: u32) -> Result<(), JsError> {
        let slot = slot as usize;
        if slot > 4096 {
            return Err(err(Error::InvalidArg(format!(
                "slot must be at most 4096, got {slot}"
            ))));
        }
        if grad.inner.shape != param.inner.shape {
            return Err(err(Error::Shape(format!(
                "gradient shape {:?} must equal the parameter shape {:?}",
                grad.inner.shape, param.inner.shape
            ))));
        }
        check_finite("gradient", &grad.inner.data).map_err(err)?;
        if self.states.len() <= slot {
            self.states.resize_with(slot + 1, Default::default);
        }
        optim::step(
            &self.cfg,
            &mut self.states[slot],
            &mut param.inner.data,
            &grad.inner.data,
        )
        .map_err(err)
    }

    #[wasm_bindgen(getter)]
    pub fn lr(&self) -> f64 {
        self.cfg.lr()
    }

    #[wasm_bindgen(setter)]
    pub fn set_lr(&mut self, lr: f64) -> Result<(), JsError> {
        let mut c = self.cfg;
        c.set_lr(lr);
        c.validate().map_err(err)?;
        self.cfg = c;
        Ok(())
    }
}

/// The golden reference vectors, run case by case through the wasm build (the self-test page).
#[wasm_bindgen]
pub struct GoldenSuite {
    suite: golden::Suite,
}

#[wasm_bindgen]
impl GoldenSuite {
    #[wasm_bindgen(constructor)]
    pub fn new(json: &str) -> Result<GoldenSuite, JsError> {
        Ok(GoldenSuite {
            suite: golden::Suite::parse(json).map_err(err)?,
        })
    }

    pub fn len(&self) -> usize {
        self.suite.cases.len()
    }

    #[wasm_bindgen(js_name = isEmpty)]
    pub fn is_empty(&self) -> bool {
        self.suite.cases.is_empty()
    }

    pub fn header(&self) -> Result<JsValue, JsError> {
        to_js(&self.suite.header)
    }

    /// Runs case `i`: `{id, op, kind, passed, max_err, tol, tol_mode, message}`.
    pub fn run(&self, i: usize) -> Result<JsValue, JsError> {
        let c = self.suite.cases.get(i).ok_or_else(|| {
            err(Error::InvalidArg(format!(
                "case {i} does not exist (the suite has {})",
                self.suite.cases.len()
            )))
        })?;
        to_js(&golden::run_case(c))
    }
}
