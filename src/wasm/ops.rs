//! Function exports for every kernel family, plus the `Optimizer`, `BatchNorm` and `GoldenSuite`
//! handles. Options objects use PyTorch's keyword arguments in camelCase (`alignCorners`).

use serde::{Deserialize, Serialize};
use wasm_bindgen::prelude::*;

use super::handles::{shape_usize, Tensor};
use super::opts::{self, pair, ConvOpts, Pair, PairF};
use super::{to_js, JsErr, JsResult};
use crate::golden;
use crate::nn::{dropout as dropout_mod, optim};
use crate::ops::conv;
use crate::ops::interp::{self, InterpMode, ResizeParams, Target};
use crate::ops::loss::{self, CrossEntropyParams};
use crate::ops::pool::{self, PoolParams};
use crate::ops::{activation, metrics, norm, Reduction};
use crate::rf::{self, LayerKind, RfLayer};
use crate::rng::Rng;
use crate::tensor::check_finite;
use crate::Error;

/// `F.conv2d(x, weight, bias, stride, padding, dilation, groups)`: x `[N,C,H,W]`, weight
/// `[C_out, C/groups, kH, kW]`, bias a Float32Array of C_out or undefined.
#[wasm_bindgen]
pub fn conv2d(
    x: &Tensor,
    weight: &Tensor,
    bias: Option<Vec<f32>>,
    options: JsValue,
) -> JsResult<Tensor> {
    let p = opts::read::<ConvOpts>("conv2d", options)?.params();
    let (y, ys) = conv::conv2d(
        x.view("input")?,
        weight.view("weight")?,
        bias.as_deref(),
        &p,
    )?;
    Ok(Tensor::from_parts(y, ys.to_vec()))
}

/// Gradient of conv2d with respect to its input, given the output gradient.
#[wasm_bindgen(js_name = conv2dBackwardInput)]
pub fn conv2d_backward_input(
    grad_out: &Tensor,
    input_shape: Vec<u32>,
    weight: &Tensor,
    options: JsValue,
) -> JsResult<Tensor> {
    let o: ConvOpts = opts::read("conv2dBackwardInput", options)?;
    let xs = crate::tensor::expect_rank::<4>("input_shape", &shape_usize(&input_shape))?;
    let gx = conv::conv2d_backward_input(
        &grad_out.inner.data,
        xs,
        weight.view("weight")?,
        &o.params(),
    )?;
    Ok(Tensor::from_parts(gx, xs.to_vec()))
}

#[derive(Deserialize, Default)]
#[serde(deny_unknown_fields, rename_all = "camelCase")]
struct InterpOpts {
    size: Option<Pair>,
    scale_factor: Option<PairF>,
    mode: Option<String>,
    align_corners: Option<bool>,
    antialias: Option<bool>,
}

impl InterpOpts {
    /// The parameters for `target`, checked the same way for `interpolate` and `interpolateInto`.
    fn params(&self, target: Target) -> crate::Result<ResizeParams> {
        let p = ResizeParams {
            target,
            mode: InterpMode::parse(self.mode.as_deref().unwrap_or("bilinear"))?,
            align_corners: self.align_corners.unwrap_or(false),
            antialias: self.antialias.unwrap_or(false),
        };
        if p.mode == InterpMode::Nearest && (self.align_corners.is_some() || p.antialias) {
            return Err(Error::InvalidArg(
                "alignCorners and antialias only apply to mode \"bilinear\"".into(),
            ));
        }
        Ok(p)
    }
}

/// `F.interpolate(x, size | scaleFactor, mode, alignCorners, antialias)` on `[N,C,H,W]`.
#[wasm_bindgen]
pub fn interpolate(x: &Tensor, options: JsValue) -> JsResult<Tensor> {
    let o: InterpOpts = opts::read("interpolate", options)?;
    let target = match (o.size, o.scale_factor) {
        (Some(s), None) => Target::Size(s.get()),
        (None, Some(f)) => Target::Scale(f.get()),
        _ => {
            return Err(Error::InvalidArg(
                "interpolate needs exactly one of size or scaleFactor".into(),
            )
            .into())
        }
    };
    let p = o.params(target)?;
    let (y, ys) = interp::resize(&x.inner.data, x.shape4("input")?, &p)?;
    Ok(Tensor::from_parts(y, ys.to_vec()))
}

/// `interpolate` into an existing tensor whose shape is the target (reuses its buffer: no
/// allocation per call, for live previews and benchmarks).
#[wasm_bindgen(js_name = interpolateInto)]
pub fn interpolate_into(x: &Tensor, out: &mut Tensor, options: JsValue) -> JsResult<()> {
    let o: InterpOpts = opts::read("interpolateInto", options)?;
    if o.size.is_some() || o.scale_factor.is_some() {
        return Err(Error::InvalidArg(
            "interpolateInto takes its size from the output tensor; drop size and scaleFactor"
                .into(),
        )
        .into());
    }
    let xs = x.shape4("input")?;
    let ys = out.shape4("output")?;
    if xs[..2] != ys[..2] {
        return Err(Error::Shape(format!(
            "output {ys:?} must have the input's N and C ({xs:?})"
        ))
        .into());
    }
    let p = o.params(Target::Size([ys[2], ys[3]]))?;
    Ok(interp::resize_into(
        &x.inner.data,
        xs,
        &p,
        &mut out.inner.data,
    )?)
}

#[derive(Deserialize, Default)]
#[serde(deny_unknown_fields, rename_all = "camelCase")]
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
#[wasm_bindgen(js_name = layerNorm)]
pub fn layer_norm(x: &Tensor, normalized_shape: Vec<u32>, options: JsValue) -> JsResult<Tensor> {
    let o: NormOpts = opts::read("layerNorm", options)?;
    let y = norm::layer_norm(
        x.view_d("input")?,
        &shape_usize(&normalized_shape),
        o.affine(),
        o.eps.unwrap_or(1e-5),
    )?;
    Ok(Tensor::from_parts(y, x.inner.shape.clone()))
}

/// An `*Into` export's output: the input's shape, so nothing is resized.
fn check_out(x: &Tensor, out: &Tensor) -> crate::Result<()> {
    if out.inner.shape != x.inner.shape {
        return Err(Error::Shape(format!(
            "the output tensor has shape {:?} but must have the input's shape {:?}",
            out.inner.shape, x.inner.shape
        )));
    }
    Ok(())
}

/// `layerNorm` into `out` (the input's shape; no allocation).
#[wasm_bindgen(js_name = layerNormInto)]
pub fn layer_norm_into(
    x: &Tensor,
    normalized_shape: Vec<u32>,
    out: &mut Tensor,
    options: JsValue,
) -> JsResult<()> {
    let o: NormOpts = opts::read("layerNormInto", options)?;
    check_out(x, out)?;
    Ok(norm::layer_norm_into(
        x.view_d("input")?,
        &shape_usize(&normalized_shape),
        o.affine(),
        o.eps.unwrap_or(1e-5),
        &mut out.inner.data,
    )?)
}

/// `instanceNorm` into `out` (the input's shape; no allocation).
#[wasm_bindgen(js_name = instanceNormInto)]
pub fn instance_norm_into(x: &Tensor, out: &mut Tensor, options: JsValue) -> JsResult<()> {
    let o: NormOpts = opts::read("instanceNormInto", options)?;
    check_out(x, out)?;
    Ok(norm::instance_norm_into(
        x.view_d("input")?,
        o.affine(),
        o.eps.unwrap_or(1e-5),
        &mut out.inner.data,
    )?)
}

/// `groupNorm` into `out` (the input's shape; no allocation).
#[wasm_bindgen(js_name = groupNormInto)]
pub fn group_norm_into(
    x: &Tensor,
    num_groups: u32,
    out: &mut Tensor,
    options: JsValue,
) -> JsResult<()> {
    let o: NormOpts = opts::read("groupNormInto", options)?;
    check_out(x, out)?;
    Ok(norm::group_norm_into(
        x.view_d("input")?,
        num_groups as usize,
        o.affine(),
        o.eps.unwrap_or(1e-5),
        &mut out.inner.data,
    )?)
}

/// Batch norm with given statistics (inference, `F.batch_norm(x, running_mean, running_var,
/// weight, bias, training=False, eps=eps)`) on `[N, C, *]`: `mean` and `var` hold one value per
/// channel; nothing is updated.
fn batch_norm_given(
    name: &str,
    x: &Tensor,
    mean: &[f32],
    var: &[f32],
    options: JsValue,
    y: &mut [f32],
) -> JsResult<()> {
    let o: NormOpts = opts::read(name, options)?;
    check_finite("mean", mean)?;
    check_finite("var", var)?;
    if let Some(v) = var.iter().find(|v| **v < 0.0) {
        return Err(
            Error::InvalidArg(format!("var must be >= 0 in every channel, got {v}")).into(),
        );
    }
    let (mut m, mut v) = (mean.to_vec(), var.to_vec());
    let p = norm::BatchNormParams {
        training: false,
        momentum: 0.0,
        eps: o.eps.unwrap_or(1e-5),
    };
    norm::batch_norm_into(
        x.view_d("input")?,
        o.affine(),
        Some(&mut m),
        Some(&mut v),
        &p,
        y,
    )?;
    Ok(())
}

/// `F.batch_norm(x, mean, var, weight, bias, training=False, eps)`: batch norm with the given
/// per-channel statistics (the inference form; no layer and no training forward needed).
#[wasm_bindgen(js_name = batchNormInference)]
pub fn batch_norm_inference(
    x: &Tensor,
    mean: Vec<f32>,
    var: Vec<f32>,
    options: JsValue,
) -> JsResult<Tensor> {
    let mut y = crate::tensor::try_zeros("the output of batch_norm", x.inner.data.len())?;
    batch_norm_given("batchNormInference", x, &mean, &var, options, &mut y)?;
    Ok(Tensor::from_parts(y, x.inner.shape.clone()))
}

/// `batchNormInference` into `out` (the input's shape; no allocation of the output).
#[wasm_bindgen(js_name = batchNormInferenceInto)]
pub fn batch_norm_inference_into(
    x: &Tensor,
    mean: Vec<f32>,
    var: Vec<f32>,
    out: &mut Tensor,
    options: JsValue,
) -> JsResult<()> {
    check_out(x, out)?;
    batch_norm_given(
        "batchNormInferenceInto",
        x,
        &mean,
        &var,
        options,
        &mut out.inner.data,
    )
}

/// `F.instance_norm(x, weight, bias, eps)` with batch statistics.
#[wasm_bindgen(js_name = instanceNorm)]
pub fn instance_norm(x: &Tensor, options: JsValue) -> JsResult<Tensor> {
    let o: NormOpts = opts::read("instanceNorm", options)?;
    let y = norm::instance_norm(x.view_d("input")?, o.affine(), o.eps.unwrap_or(1e-5))?;
    Ok(Tensor::from_parts(y, x.inner.shape.clone()))
}

/// `F.group_norm(x, num_groups, weight, bias, eps)`.
#[wasm_bindgen(js_name = groupNorm)]
pub fn group_norm(x: &Tensor, num_groups: u32, options: JsValue) -> JsResult<Tensor> {
    let o: NormOpts = opts::read("groupNorm", options)?;
    let y = norm::group_norm(
        x.view_d("input")?,
        num_groups as usize,
        o.affine(),
        o.eps.unwrap_or(1e-5),
    )?;
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
#[serde(deny_unknown_fields, rename_all = "camelCase")]
struct BnOpts {
    momentum: Option<f64>,
    eps: Option<f64>,
}

#[wasm_bindgen]
impl BatchNorm {
    /// `momentum` (default 0.1) is PyTorch's: the weight of the new batch statistic.
    #[wasm_bindgen(constructor)]
    pub fn new(channels: u32, options: JsValue) -> JsResult<BatchNorm> {
        let o: BnOpts = opts::read("BatchNorm", options)?;
        let c = channels as usize;
        if c == 0 || c > 1 << 20 {
            return Err(Error::out_of_range("channels", 1.0, (1 << 20) as f64, c).into());
        }
        let (momentum, eps) = (o.momentum.unwrap_or(0.1), o.eps.unwrap_or(1e-5));
        norm::check_batch_norm_options(momentum, eps)?;
        Ok(BatchNorm {
            weight: vec![1.0; c],
            bias: vec![0.0; c],
            running_mean: vec![0.0; c],
            running_var: vec![1.0; c],
            momentum,
            eps,
        })
    }

    /// Normalizes `[N, C, *]`; training mode uses batch statistics and updates the running ones.
    pub fn forward(&mut self, x: &Tensor, training: bool) -> JsResult<Tensor> {
        let mut y = crate::tensor::try_zeros("the output of batch_norm", x.inner.data.len())?;
        self.run(x, training, &mut y)?;
        Ok(Tensor::from_parts(y, x.inner.shape.clone()))
    }

    /// `forward` into `out` (the input's shape; no allocation of the output).
    #[wasm_bindgen(js_name = forwardInto)]
    pub fn forward_into(&mut self, x: &Tensor, training: bool, out: &mut Tensor) -> JsResult<()> {
        check_out(x, out)?;
        self.run(x, training, &mut out.inner.data)
    }

    /// Replaces the running statistics (one value per channel each; var >= 0), e.g. to load a
    /// trained layer for inference.
    #[wasm_bindgen(js_name = setRunningStats)]
    pub fn set_running_stats(&mut self, mean: Vec<f32>, var: Vec<f32>) -> JsResult<()> {
        let c = self.weight.len();
        if mean.len() != c || var.len() != c {
            return Err(Error::Shape(format!(
                "mean and var need {c} values each, got {} and {}",
                mean.len(),
                var.len()
            ))
            .into());
        }
        check_finite("mean", &mean)?;
        check_finite("var", &var)?;
        if let Some(v) = var.iter().find(|v| **v < 0.0) {
            return Err(
                Error::InvalidArg(format!("var must be >= 0 in every channel, got {v}")).into(),
            );
        }
        self.running_mean = mean;
        self.running_var = var;
        Ok(())
    }

    #[wasm_bindgen(getter)]
    pub fn weight(&self) -> Vec<f32> {
        self.weight.clone()
    }

    #[wasm_bindgen(getter)]
    pub fn bias(&self) -> Vec<f32> {
        self.bias.clone()
    }
}

impl BatchNorm {
    fn run(&mut self, x: &Tensor, training: bool, y: &mut [f32]) -> JsResult<()> {
        let c = self.weight.len();
        if x.inner.shape.get(1) != Some(&c) {
            return Err(Error::Shape(format!(
                "this BatchNorm has {c} channels but the input's dim 1 is {:?} (shape {:?}; expected [N, {c}, ...])",
                x.inner.shape.get(1),
                x.inner.shape
            )).into());
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
        norm::batch_norm_into(
            x.view_d("input")?,
            affine,
            Some(&mut self.running_mean),
            Some(&mut self.running_var),
            &p,
            y,
        )?;
        Ok(())
    }
}

#[wasm_bindgen]
impl BatchNorm {
    #[wasm_bindgen(getter, js_name = runningMean)]
    pub fn running_mean(&self) -> Vec<f32> {
        self.running_mean.clone()
    }

    #[wasm_bindgen(getter, js_name = runningVar)]
    pub fn running_var(&self) -> Vec<f32> {
        self.running_var.clone()
    }

    /// Sets gamma and beta (one value per channel each).
    #[wasm_bindgen(js_name = setAffine)]
    pub fn set_affine(&mut self, weight: Vec<f32>, bias: Vec<f32>) -> JsResult<()> {
        let c = self.weight.len();
        if weight.len() != c || bias.len() != c {
            return Err(Error::Shape(format!(
                "weight and bias need {c} values each, got {} and {}",
                weight.len(),
                bias.len()
            ))
            .into());
        }
        check_finite("weight", &weight)?;
        check_finite("bias", &bias)?;
        self.weight = weight;
        self.bias = bias;
        Ok(())
    }
}

/// Softmax along `dim`.
#[wasm_bindgen]
pub fn softmax(x: &Tensor, dim: u32) -> JsResult<Tensor> {
    let y = activation::softmax(&x.inner.data, &x.inner.shape, dim as usize)?;
    Ok(Tensor::from_parts(y, x.inner.shape.clone()))
}

/// Softmax along `dim` into `out` (the input's shape; no allocation).
#[wasm_bindgen(js_name = softmaxInto)]
pub fn softmax_into(x: &Tensor, dim: u32, out: &mut Tensor) -> JsResult<()> {
    check_out(x, out)?;
    Ok(activation::softmax_into(
        &x.inner.data,
        &x.inner.shape,
        dim as usize,
        &mut out.inner.data,
    )?)
}

/// Log-softmax along `dim`.
#[wasm_bindgen(js_name = logSoftmax)]
pub fn log_softmax(x: &Tensor, dim: u32) -> JsResult<Tensor> {
    let y = activation::log_softmax(&x.inner.data, &x.inner.shape, dim as usize)?;
    Ok(Tensor::from_parts(y, x.inner.shape.clone()))
}

/// Log-softmax along `dim` into `out` (the input's shape; no allocation).
#[wasm_bindgen(js_name = logSoftmaxInto)]
pub fn log_softmax_into(x: &Tensor, dim: u32, out: &mut Tensor) -> JsResult<()> {
    check_out(x, out)?;
    Ok(activation::log_softmax_into(
        &x.inner.data,
        &x.inner.shape,
        dim as usize,
        &mut out.inner.data,
    )?)
}

/// Element-wise logistic sigmoid.
#[wasm_bindgen]
pub fn sigmoid(x: &Tensor) -> JsResult<Tensor> {
    let mut y = crate::tensor::try_zeros("the output of sigmoid", x.inner.data.len())?;
    activation::sigmoid_into(&x.inner.data, &mut y)?;
    Ok(Tensor::from_parts(y, x.inner.shape.clone()))
}

/// Element-wise sigmoid into `out` (the input's shape; no allocation).
#[wasm_bindgen(js_name = sigmoidInto)]
pub fn sigmoid_into(x: &Tensor, out: &mut Tensor) -> JsResult<()> {
    check_out(x, out)?;
    Ok(activation::sigmoid_into(
        &x.inner.data,
        &mut out.inner.data,
    )?)
}

/// The engine's element-wise activation `name` (`linear`, `sigmoid`, `tanh`, `relu`,
/// `leaky_relu`, `elu`, `gelu`, `silu`; torch's definitions and defaults) into `out` (the
/// input's shape; no allocation).
#[wasm_bindgen(js_name = activationInto)]
pub fn activation_into(x: &Tensor, name: &str, out: &mut Tensor) -> JsResult<()> {
    let a = activation::Activation::parse(name)?;
    check_out(x, out)?;
    a.forward(&x.inner.data, &mut out.inner.data);
    Ok(())
}

/// The engine's element-wise activation `name` (as `activationInto`) into a new tensor.
#[wasm_bindgen]
pub fn activation(x: &Tensor, name: &str) -> JsResult<Tensor> {
    let a = activation::Activation::parse(name)?;
    let mut y = crate::tensor::try_zeros("the output of the activation", x.inner.data.len())?;
    a.forward(&x.inner.data, &mut y);
    Ok(Tensor::from_parts(y, x.inner.shape.clone()))
}

fn reduction(r: &Option<String>) -> crate::Result<Reduction> {
    Reduction::parse(r.as_deref().unwrap_or("mean"))
}

fn loss_out(l: crate::ops::LossOut) -> Tensor {
    Tensor::from_parts(l.data, l.shape)
}

#[derive(Deserialize, Default)]
#[serde(deny_unknown_fields, rename_all = "camelCase")]
struct CeOpts {
    weight: Option<Vec<f32>>,
    ignore_index: Option<i64>,
    label_smoothing: Option<f32>,
    reduction: Option<String>,
}

impl CeOpts {
    fn params(&self) -> crate::Result<CrossEntropyParams<'_>> {
        Ok(CrossEntropyParams {
            weight: self.weight.as_deref(),
            ignore_index: self.ignore_index.unwrap_or(-100),
            label_smoothing: self.label_smoothing.unwrap_or(0.0),
            reduction: reduction(&self.reduction)?,
        })
    }
}

/// `F.cross_entropy` with class-index targets (an Int32Array `[N, *]`; -100 = ignored).
#[wasm_bindgen(js_name = crossEntropy)]
pub fn cross_entropy(logits: &Tensor, target: Vec<i32>, options: JsValue) -> JsResult<Tensor> {
    let o: CeOpts = opts::read("crossEntropy", options)?;
    let t: Vec<i64> = target.into_iter().map(i64::from).collect();
    Ok(loss_out(loss::cross_entropy(
        &logits.inner.data,
        &logits.inner.shape,
        &t,
        &o.params()?,
    )?))
}

/// `F.cross_entropy` with probability targets (same shape as the logits).
#[wasm_bindgen(js_name = crossEntropyProbs)]
pub fn cross_entropy_probs(logits: &Tensor, target: &Tensor, options: JsValue) -> JsResult<Tensor> {
    let o: CeOpts = opts::read("crossEntropyProbs", options)?;
    if target.inner.shape != logits.inner.shape {
        return Err(Error::Shape(format!(
            "target shape {:?} must equal the logits shape {:?}",
            target.inner.shape, logits.inner.shape
        ))
        .into());
    }
    Ok(loss_out(loss::cross_entropy_probs(
        &logits.inner.data,
        &logits.inner.shape,
        &target.inner.data,
        &o.params()?,
    )?))
}

fn same_shape(a: &Tensor, b: &Tensor) -> crate::Result<()> {
    if a.inner.shape != b.inner.shape {
        return Err(Error::Shape(format!(
            "target shape {:?} must equal the input shape {:?}",
            b.inner.shape, a.inner.shape
        )));
    }
    Ok(())
}

#[derive(Deserialize, Default)]
#[serde(deny_unknown_fields, rename_all = "camelCase")]
struct BceOpts {
    pos_weight: Option<Vec<f32>>,
    pos_weight_dim: Option<usize>,
    reduction: Option<String>,
}

/// `F.binary_cross_entropy_with_logits`; `pos_weight` applies along `pos_weight_dim`
/// (default: the last dim, as torch broadcasts it).
#[wasm_bindgen(js_name = bceWithLogits)]
pub fn bce_with_logits(logits: &Tensor, target: &Tensor, options: JsValue) -> JsResult<Tensor> {
    let o: BceOpts = opts::read("bceWithLogits", options)?;
    same_shape(logits, target)?;
    let dim = o
        .pos_weight_dim
        .unwrap_or(logits.inner.shape.len().saturating_sub(1));
    Ok(loss_out(loss::bce_with_logits(
        &logits.inner.data,
        &logits.inner.shape,
        &target.inner.data,
        o.pos_weight.as_deref(),
        dim,
        reduction(&o.reduction)?,
    )?))
}

#[derive(Deserialize, Default)]
#[serde(deny_unknown_fields, rename_all = "camelCase")]
struct FocalOpts {
    alpha: Option<f32>,
    gamma: Option<f32>,
    reduction: Option<String>,
}

/// torchvision `sigmoid_focal_loss(inputs, targets, alpha=0.25, gamma=2, reduction="none")`.
#[wasm_bindgen(js_name = sigmoidFocalLoss)]
pub fn sigmoid_focal_loss(logits: &Tensor, target: &Tensor, options: JsValue) -> JsResult<Tensor> {
    let o: FocalOpts = opts::read("sigmoidFocalLoss", options)?;
    same_shape(logits, target)?;
    let red = Reduction::parse(o.reduction.as_deref().unwrap_or("none"))?;
    Ok(loss_out(loss::sigmoid_focal_loss(
        &logits.inner.data,
        &logits.inner.shape,
        &target.inner.data,
        o.alpha.unwrap_or(0.25),
        o.gamma.unwrap_or(2.0),
        red,
    )?))
}

/// `F.mse_loss(input, target, reduction)`; `reduction` "mean" (default), "sum" or "none".
#[wasm_bindgen(js_name = mseLoss)]
pub fn mse_loss(input: &Tensor, target: &Tensor, reduction_: Option<String>) -> JsResult<Tensor> {
    same_shape(input, target)?;
    Ok(loss_out(loss::mse_loss(
        &input.inner.data,
        &target.inner.data,
        &input.inner.shape,
        reduction(&reduction_)?,
    )?))
}

/// Distillation loss `KL(softmax(t/T) || softmax(s/T)) * T^2`, batchmean over `[N, C]`.
#[wasm_bindgen(js_name = kdLoss)]
pub fn kd_loss(student: &Tensor, teacher: &Tensor, temperature: f32) -> JsResult<f32> {
    same_shape(student, teacher)?;
    loss::kd_loss(
        &student.inner.data,
        &teacher.inner.data,
        &student.inner.shape,
        temperature,
    )
    .map_err(JsErr::from)
}

#[derive(Deserialize, Default)]
#[serde(deny_unknown_fields, rename_all = "camelCase")]
struct PoolOpts {
    kernel_size: Option<Pair>,
    stride: Option<Pair>,
    padding: Option<Pair>,
    dilation: Option<Pair>,
    ceil_mode: Option<bool>,
    count_include_pad: Option<bool>,
}

impl PoolOpts {
    fn params(&self) -> crate::Result<PoolParams> {
        let k = self
            .kernel_size
            .ok_or_else(|| Error::InvalidArg("pooling needs kernelSize".into()))?
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
#[wasm_bindgen(js_name = maxPool2d)]
pub fn max_pool2d(x: &Tensor, options: JsValue) -> JsResult<Tensor> {
    let o: PoolOpts = opts::read("maxPool2d", options)?;
    let (y, ys, _) = pool::max_pool2d(x.view_d("input")?, &o.params()?)?;
    Ok(Tensor::from_parts(y, ys.to_vec()))
}

/// `F.avg_pool2d(x, kernel_size, stride=kernel_size, padding, ceil_mode, count_include_pad)`.
#[wasm_bindgen(js_name = avgPool2d)]
pub fn avg_pool2d(x: &Tensor, options: JsValue) -> JsResult<Tensor> {
    let o: PoolOpts = opts::read("avgPool2d", options)?;
    let (y, ys) = pool::avg_pool2d(x.view_d("input")?, &o.params()?)?;
    Ok(Tensor::from_parts(y, ys.to_vec()))
}

/// scikit-learn's `roc_curve` + `roc_auc_score`: labels 0/1 (Uint8Array), scores Float32Array.
/// Returns `{fpr, tpr, thresholds, auc}`; `thresholds[0]` is `Infinity`.
#[wasm_bindgen(js_name = rocCurve)]
pub fn roc_curve(
    labels: Vec<u8>,
    scores: Vec<f32>,
    drop_intermediate: Option<bool>,
) -> JsResult<JsValue> {
    let r = metrics::roc_curve(&labels, &scores, drop_intermediate.unwrap_or(true))?;
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

/// The layers of `receptiveField` / `receptiveSupport`: an array of `{type, k, s, d, p}`; a key
/// no layer has (`{k: 3, dilation: 2}`) is an error naming the layer and the valid keys, as in
/// every other export (serde-wasm-bindgen alone ignores it).
fn parse_layers(layers: JsValue) -> crate::Result<Vec<RfLayer>> {
    if !js_sys::Array::is_array(&layers) {
        return Err(Error::InvalidArg(
            "layers must be an array like [{type: \"conv\", k: 3, s: 1, d: 1, p: 1}]".into(),
        ));
    }
    let keys = opts::field_names::<LayerJs>();
    let arr: &js_sys::Array = layers.unchecked_ref();
    for (i, v) in arr.iter().enumerate() {
        if let Some(key) = opts::unknown_key(&v, keys) {
            return Err(Error::unknown_layer_key(i + 1, &key, keys));
        }
    }
    let ls: Vec<LayerJs> = serde_wasm_bindgen::from_value(layers).map_err(|e| {
        Error::InvalidArg(format!("layers must be [{{type, k, s, d, p}}, ...]: {e}"))
    })?;
    ls.into_iter()
        .enumerate()
        .map(|(i, l)| {
            let kind = match l.kind.as_deref().unwrap_or("conv") {
                "conv" => LayerKind::Conv,
                "pool" | "maxpool" | "avgpool" => LayerKind::Pool,
                other => {
                    let name = format!("layer {}: type", i + 1);
                    return Err(Error::bad_choice(&name, &["conv", "pool"], other));
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
#[wasm_bindgen(js_name = receptiveField)]
pub fn receptive_field(layers: JsValue, input_size: Option<u32>) -> JsResult<JsValue> {
    let ls = parse_layers(layers)?;
    let info = rf::receptive_field(&ls)?;
    let lens = match input_size {
        Some(n) => Some(rf::feature_lengths(&ls, n as usize)?),
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
#[wasm_bindgen(js_name = receptiveSupport)]
pub fn receptive_support(layers: JsValue, input_size: u32, index: u32) -> JsResult<Vec<u8>> {
    let ls = parse_layers(layers)?;
    let s = rf::support_1d(&ls, input_size as usize, index as usize)?;
    Ok(s.into_iter().map(u8::from).collect())
}

/// Inverted dropout with a seeded RNG; identity when `training` is false.
#[wasm_bindgen]
pub fn dropout(x: &Tensor, p: f32, training: bool, seed: u32) -> JsResult<Tensor> {
    let (y, _) = dropout_mod::dropout(&x.inner.data, p, training, &mut Rng::new(seed as u64))?;
    Ok(Tensor::from_parts(y, x.inner.shape.clone()))
}

#[derive(Deserialize, Default)]
#[serde(deny_unknown_fields, rename_all = "camelCase")]
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
    pub fn new(kind: &str, options: JsValue) -> JsResult<Optimizer> {
        let o: OptOpts = opts::read("Optimizer", options)?;
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
                let kinds = ["sgd", "adam", "adamw", "rmsprop", "adagrad"];
                return Err(Error::bad_choice("optimizer", &kinds, other).into());
            }
        };
        cfg.validate()?;
        Ok(Optimizer {
            cfg,
            states: Vec::new(),
        })
    }

    /// One step on `param` (updated in place) with `grad`; `slot` identifies the tensor.
    pub fn step(&mut self, param: &mut Tensor, grad: &Tensor, slot: u32) -> JsResult<()> {
        let slot = slot as usize;
        if slot > 4096 {
            return Err(Error::InvalidArg(format!("slot must be at most 4096, got {slot}")).into());
        }
        if grad.inner.shape != param.inner.shape {
            return Err(Error::Shape(format!(
                "gradient shape {:?} must equal the parameter shape {:?}",
                grad.inner.shape, param.inner.shape
            ))
            .into());
        }
        check_finite("gradient", &grad.inner.data)?;
        if self.states.len() <= slot {
            self.states.resize_with(slot + 1, Default::default);
        }
        optim::step(
            &self.cfg,
            &mut self.states[slot],
            &mut param.inner.data,
            &grad.inner.data,
        )
        .map_err(JsErr::from)
    }

    #[wasm_bindgen(getter)]
    pub fn lr(&self) -> f64 {
        self.cfg.lr()
    }

    #[wasm_bindgen(setter)]
    pub fn set_lr(&mut self, lr: f64) -> JsResult<()> {
        let mut c = self.cfg;
        c.set_lr(lr);
        c.validate()?;
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
    pub fn new(json: &str) -> JsResult<GoldenSuite> {
        Ok(GoldenSuite {
            suite: golden::Suite::parse(json)?,
        })
    }

    pub fn len(&self) -> usize {
        self.suite.cases.len()
    }

    #[wasm_bindgen(js_name = isEmpty)]
    pub fn is_empty(&self) -> bool {
        self.suite.cases.is_empty()
    }

    pub fn header(&self) -> JsResult<JsValue> {
        to_js(&self.suite.header)
    }

    /// Runs case `i`: `{id, op, kind, passed, max_err, tol, tol_mode, message}`.
    pub fn run(&self, i: usize) -> JsResult<JsValue> {
        let c = self.suite.cases.get(i).ok_or_else(|| {
            Error::InvalidArg(format!(
                "case {i} does not exist (the suite has {})",
                self.suite.cases.len()
            ))
        })?;
        to_js(&golden::run_case(c))
    }
}
