//! A model is a list of layers described by a config object (`ModelConfig`, serde, camelCase keys,
//! misspelt keys are errors), so a lab builds an MLP or a small convnet from the same engine:
//!
//! ```json
//! {"input": [1, 8, 8], "layers": [
//!   {"type": "conv2d", "out": 8, "kernel": 3, "padding": 1},
//!   {"type": "batchNorm"}, {"type": "activation", "kind": "relu"},
//!   {"type": "maxPool2d", "kernel": 2},
//!   {"type": "conv2d", "out": 16, "kernel": 3, "padding": 1},
//!   {"type": "batchNorm"}, {"type": "activation", "kind": "relu"},
//!   {"type": "globalAvgPool"}, {"type": "linear", "out": 10}]}
//! ```
//!
//! `Model::new` checks the whole stack against the input shape (every error says which layer),
//! `forward` runs it in train or eval mode and keeps every layer's output, `backward` fills every
//! parameter gradient, `for_each_param` visits parameters in a fixed order for the optimizers.

use serde::{Deserialize, Serialize};

use super::layers::{
    chw, Act, AvgPool2d, Conv2d, DropoutLayer, GlobalAvgPool, Linear, MaxPool2d, SpectralNorm,
};
use super::norms::{AffineParams, BatchNorm2d, GroupNorm, InstanceNorm2d, LayerNorm};
use super::spectral::SpectralParams;
use crate::nn::init::Init;
use crate::nn::net::ParamKind;
use crate::ops::activation::{check_activation, Activation};
use crate::ops::conv::Conv2dParams;
use crate::ops::pool::PoolParams;
use crate::rng::Rng;
use crate::tensor::numel;
use crate::{Error, Result};

/// Most layers in one model, and most values per example between two layers.
pub const MAX_LAYERS: usize = 64;
pub const MAX_ACTIVATION: usize = 1 << 22;

/// A size per axis: one number for both, or `[rows, cols]`.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[serde(untagged)]
pub enum Pair {
    Same(usize),
    Each([usize; 2]),
}

impl Pair {
    pub fn get(self) -> [usize; 2] {
        match self {
            Pair::Same(v) => [v, v],
            Pair::Each(p) => p,
        }
    }
}

fn one() -> Pair {
    Pair::Same(1)
}
fn zero() -> Pair {
    Pair::Same(0)
}
fn yes() -> bool {
    true
}
fn bn_momentum() -> f64 {
    0.1
}
fn norm_eps() -> f64 {
    1e-5
}
fn init_scale() -> f32 {
    1.0
}

/// Spectral normalisation of a weight (`torch.nn.utils.parametrizations.spectral_norm`).
#[derive(Debug, Clone, Copy, PartialEq, Serialize, Deserialize)]
#[serde(default, deny_unknown_fields, rename_all = "camelCase")]
pub struct SpectralConfig {
    pub n_power_iterations: usize,
    pub eps: f64,
}

impl Default for SpectralConfig {
    fn default() -> Self {
        SpectralConfig {
            n_power_iterations: 1,
            eps: 1e-12,
        }
    }
}

/// One layer of a model config; `type` names the variant (camelCase).
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(
    tag = "type",
    rename_all = "camelCase",
    rename_all_fields = "camelCase",
    deny_unknown_fields
)]
pub enum LayerConfig {
    Conv2d {
        out: usize,
        kernel: Pair,
        #[serde(default = "one")]
        stride: Pair,
        #[serde(default = "zero")]
        padding: Pair,
        #[serde(default = "one")]
        dilation: Pair,
        #[serde(default = "one_usize")]
        groups: usize,
        #[serde(default = "yes")]
        bias: bool,
        /// A name of `Init::NAMES`; torch's default init when absent.
        #[serde(default)]
        init: Option<String>,
        #[serde(default = "init_scale")]
        init_scale: f32,
        #[serde(default)]
        spectral_norm: Option<SpectralConfig>,
    },
    Linear {
        out: usize,
        #[serde(default)]
        init: Option<String>,
        #[serde(default = "init_scale")]
        init_scale: f32,
        #[serde(default)]
        spectral_norm: Option<SpectralConfig>,
    },
    /// `kind`: a name of `Activation::NAMES`.
    Activation {
        kind: String,
    },
    MaxPool2d {
        kernel: Pair,
        /// Defaults to the kernel (torch).
        #[serde(default)]
        stride: Option<Pair>,
        #[serde(default = "zero")]
        padding: Pair,
        #[serde(default = "one")]
        dilation: Pair,
        #[serde(default)]
        ceil_mode: bool,
    },
    AvgPool2d {
        kernel: Pair,
        #[serde(default)]
        stride: Option<Pair>,
        #[serde(default = "zero")]
        padding: Pair,
        #[serde(default)]
        ceil_mode: bool,
        #[serde(default = "yes")]
        count_include_pad: bool,
    },
    GlobalAvgPool,
    Flatten,
    BatchNorm {
        #[serde(default = "bn_momentum")]
        momentum: f64,
        #[serde(default = "norm_eps")]
        eps: f64,
        #[serde(default = "yes")]
        affine: bool,
    },
    /// Over every axis but the batch, elementwise affine.
    LayerNorm {
        #[serde(default = "norm_eps")]
        eps: f64,
        #[serde(default = "yes")]
        affine: bool,
    },
    InstanceNorm {
        #[serde(default = "norm_eps")]
        eps: f64,
        #[serde(default = "yes")]
        affine: bool,
    },
    GroupNorm {
        groups: usize,
        #[serde(default = "norm_eps")]
        eps: f64,
        #[serde(default = "yes")]
        affine: bool,
    },
    Dropout {
        p: f32,
    },
}

fn one_usize() -> usize {
    1
}

/// A model: the per-example input shape (`[C, H, W]` or `[F]`) and its layers.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(deny_unknown_fields, rename_all = "camelCase")]
pub struct ModelConfig {
    pub input: Vec<usize>,
    pub layers: Vec<LayerConfig>,
}

impl ModelConfig {
    /// Parses a JSON config; unknown keys and layer types are errors that list the valid ones.
    pub fn from_json(text: &str) -> Result<ModelConfig> {
        serde_json::from_str(text).map_err(|e| Error::Parse(format!("model config: {e}")))
    }

    /// The digits convnet of the normalisation lab: conv 3x3 8 -> norm -> ReLU -> max-pool 2 ->
    /// conv 3x3 16 -> norm -> ReLU -> global average pool -> linear 10; `norm` is a norm layer
    /// config (or `None` for no normalisation).
    pub fn digits_convnet(norm: Option<LayerConfig>) -> ModelConfig {
        let conv = |out| LayerConfig::Conv2d {
            out,
            kernel: Pair::Same(3),
            stride: one(),
            padding: Pair::Same(1),
            dilation: one(),
            groups: 1,
            bias: true,
            init: None,
            init_scale: 1.0,
            spectral_norm: None,
        };
        let relu = || LayerConfig::Activation {
            kind: "relu".into(),
        };
        let mut layers = vec![conv(8)];
        layers.extend(norm.clone());
        layers.push(relu());
        layers.push(LayerConfig::MaxPool2d {
            kernel: Pair::Same(2),
            stride: None,
            padding: zero(),
            dilation: one(),
            ceil_mode: false,
        });
        layers.push(conv(16));
        layers.extend(norm);
        layers.push(relu());
        layers.push(LayerConfig::GlobalAvgPool);
        layers.push(LayerConfig::Linear {
            out: 10,
            init: None,
            init_scale: 1.0,
            spectral_norm: None,
        });
        ModelConfig {
            input: vec![1, 8, 8],
            layers,
        }
    }
}

/// What `for_each_param` calls for each parameter tensor: `(kind, values, gradient)`.
pub type ParamVisitor<'a> = dyn FnMut(ParamKind, &mut [f32], &mut [f32]) + 'a;

/// One built layer.
#[derive(Debug, Clone, PartialEq)]
pub enum Layer {
    Conv2d(Conv2d),
    Linear(Linear),
    Act(Act),
    MaxPool2d(MaxPool2d),
    AvgPool2d(AvgPool2d),
    GlobalAvgPool(GlobalAvgPool),
    Flatten,
    BatchNorm(BatchNorm2d),
    LayerNorm(LayerNorm),
    InstanceNorm(InstanceNorm2d),
    GroupNorm(GroupNorm),
    Dropout(DropoutLayer),
}

impl Layer {
    /// The config's `type` name of this layer.
    pub fn name(&self) -> &'static str {
        match self {
            Layer::Conv2d(_) => "conv2d",
            Layer::Linear(_) => "linear",
            Layer::Act(_) => "activation",
            Layer::MaxPool2d(_) => "maxPool2d",
            Layer::AvgPool2d(_) => "avgPool2d",
            Layer::GlobalAvgPool(_) => "globalAvgPool",
            Layer::Flatten => "flatten",
            Layer::BatchNorm(_) => "batchNorm",
            Layer::LayerNorm(_) => "layerNorm",
            Layer::InstanceNorm(_) => "instanceNorm",
            Layer::GroupNorm(_) => "groupNorm",
            Layer::Dropout(_) => "dropout",
        }
    }

    /// Forward of one layer on `x` of `shape` (`[N, ...]`).
    pub fn forward(
        &mut self,
        x: &[f32],
        shape: &[usize],
        training: bool,
        rng: &mut Rng,
    ) -> Result<Vec<f32>> {
        match self {
            Layer::Conv2d(l) => l.forward(x, shape, training),
            Layer::Linear(l) => l.forward(x, shape, training),
            Layer::Act(l) => Ok(l.forward(x)),
            Layer::MaxPool2d(l) => l.forward(x, shape),
            Layer::AvgPool2d(l) => l.forward(x, shape),
            Layer::GlobalAvgPool(l) => l.forward(x, shape),
            Layer::Flatten => Ok(x.to_vec()),
            Layer::BatchNorm(l) => l.forward(x, shape, training),
            Layer::LayerNorm(l) => l.forward(x, shape),
            Layer::InstanceNorm(l) => l.forward(x, shape),
            Layer::GroupNorm(l) => l.forward(x, shape),
            Layer::Dropout(l) => l.forward(x, training, rng),
        }
    }

    /// Backward of the last forward: sets the parameter gradients, returns `dL/dx`.
    pub fn backward(&mut self, dy: &[f32]) -> Result<Vec<f32>> {
        match self {
            Layer::Conv2d(l) => l.backward(dy),
            Layer::Linear(l) => l.backward(dy),
            Layer::Act(l) => l.backward(dy),
            Layer::MaxPool2d(l) => l.backward(dy),
            Layer::AvgPool2d(l) => l.backward(dy),
            Layer::GlobalAvgPool(l) => l.backward(dy),
            Layer::Flatten => Ok(dy.to_vec()),
            Layer::BatchNorm(l) => l.backward(dy),
            Layer::LayerNorm(l) => l.backward(dy),
            Layer::InstanceNorm(l) => l.backward(dy),
            Layer::GroupNorm(l) => l.backward(dy),
            Layer::Dropout(l) => l.backward(dy),
        }
    }

    /// Calls `f(kind, param, grad)` for each parameter tensor of this layer.
    pub fn for_each_param(&mut self, f: &mut ParamVisitor) {
        let mut affine = |a: &mut Option<AffineParams>| {
            if let Some(a) = a {
                f(ParamKind::BnGamma, &mut a.gamma, &mut a.ggamma);
                f(ParamKind::BnBeta, &mut a.beta, &mut a.gbeta);
            }
        };
        match self {
            Layer::BatchNorm(l) => affine(&mut l.affine),
            Layer::LayerNorm(l) => affine(&mut l.affine),
            Layer::InstanceNorm(l) => affine(&mut l.affine),
            Layer::GroupNorm(l) => affine(&mut l.affine),
            Layer::Conv2d(l) => {
                f(ParamKind::Weight, &mut l.w, &mut l.gw);
                if let (Some(b), Some(g)) = (&mut l.b, &mut l.gb) {
                    f(ParamKind::Bias, b, g);
                }
            }
            Layer::Linear(l) => {
                match &mut l.raw {
                    Some((w, g)) => f(ParamKind::Weight, w, g),
                    None => f(ParamKind::Weight, &mut l.dense.w, &mut l.dense.gw),
                }
                f(ParamKind::Bias, &mut l.dense.b, &mut l.dense.gb);
            }
            _ => {}
        }
    }
}

/// Prefixes a plain error with the layer it came from; coded errors keep their code and text.
fn at_layer(i: usize, name: &str, e: Error) -> Error {
    match e {
        Error::Shape(m) => Error::Shape(format!("layer {} ({name}): {m}", i + 1)),
        Error::InvalidArg(m) => Error::InvalidArg(format!("layer {} ({name}): {m}", i + 1)),
        other => other,
    }
}

fn init_of(name: &Option<String>, scale: f32) -> Result<Option<Init>> {
    name.as_deref().map(|n| Init::parse(n, scale)).transpose()
}

fn pool_params(
    kernel: Pair,
    stride: Option<Pair>,
    padding: Pair,
    dilation: [usize; 2],
    ceil_mode: bool,
    count_include_pad: bool,
) -> PoolParams {
    let kernel = kernel.get();
    PoolParams {
        kernel,
        stride: stride.map_or(kernel, Pair::get),
        padding: padding.get(),
        dilation,
        ceil_mode,
        count_include_pad,
    }
}

/// The largest kernel, stride, padding, dilation, group or channel count a config may ask for
/// (far beyond any lab's use; it keeps every size sum and product well inside `usize`).
pub const MAX_GEOMETRY: usize = 1 << 16;

/// Checks every size of a layer config against `MAX_GEOMETRY` (and power iterations against 100).
fn check_sizes(cfg: &LayerConfig) -> Result<()> {
    let mut sizes: Vec<(&str, usize)> = Vec::new();
    let mut pair = |name: &'static str, p: Pair| {
        let [a, b] = p.get();
        sizes.push((name, a.max(b)));
    };
    let mut iters = None;
    match cfg {
        LayerConfig::Conv2d {
            out,
            kernel,
            stride,
            padding,
            dilation,
            groups,
            spectral_norm,
            ..
        } => {
            pair("kernel", *kernel);
            pair("stride", *stride);
            pair("padding", *padding);
            pair("dilation", *dilation);
            sizes.push(("out", *out));
            sizes.push(("groups", *groups));
            iters = spectral_norm.map(|s| s.n_power_iterations);
        }
        LayerConfig::Linear {
            out, spectral_norm, ..
        } => {
            sizes.push(("out", *out));
            iters = spectral_norm.map(|s| s.n_power_iterations);
        }
        LayerConfig::MaxPool2d {
            kernel,
            stride,
            padding,
            dilation,
            ..
        } => {
            pair("kernel", *kernel);
            if let Some(s) = stride {
                pair("stride", *s);
            }
            pair("padding", *padding);
            pair("dilation", *dilation);
        }
        LayerConfig::AvgPool2d {
            kernel,
            stride,
            padding,
            ..
        } => {
            pair("kernel", *kernel);
            if let Some(s) = stride {
                pair("stride", *s);
            }
            pair("padding", *padding);
        }
        LayerConfig::GroupNorm { groups, .. } => sizes.push(("groups", *groups)),
        _ => {}
    }
    for (name, v) in sizes {
        if v > MAX_GEOMETRY {
            return Err(Error::out_of_range(name, 0.0, MAX_GEOMETRY as f64, v));
        }
    }
    if let Some(n) = iters {
        if !(1..=100).contains(&n) {
            return Err(Error::out_of_range("nPowerIterations", 1.0, 100.0, n));
        }
    }
    Ok(())
}

/// Builds one layer for per-example inputs `cur`; returns it and its per-example output shape.
fn build(cfg: &LayerConfig, cur: &[usize], rng: &mut Rng) -> Result<(Layer, Vec<usize>)> {
    check_sizes(cfg)?;
    let same = cur.to_vec();
    Ok(match cfg {
        LayerConfig::Conv2d {
            out,
            kernel,
            stride,
            padding,
            dilation,
            groups,
            bias,
            init,
            init_scale,
            spectral_norm,
        } => {
            let p = Conv2dParams {
                stride: stride.get(),
                padding: padding.get(),
                dilation: dilation.get(),
                groups: *groups,
            };
            let mut l = Conv2d::new(
                chw(cur, "conv2d")?,
                *out,
                kernel.get(),
                p,
                *bias,
                init_of(init, *init_scale)?,
                rng,
            )?;
            if let Some(s) = spectral_norm {
                let sp = SpectralParams {
                    n_power_iterations: s.n_power_iterations,
                    eps: s.eps,
                    dim: 0,
                };
                l.sn = Some(SpectralNorm::new(&l.w, &l.ws, sp, rng)?);
            }
            let os = l.out_shape()?.to_vec();
            (Layer::Conv2d(l), os)
        }
        LayerConfig::Linear {
            out,
            init,
            init_scale,
            spectral_norm,
        } => {
            if cur.len() != 1 {
                return Err(Error::Shape(format!(
                    "a linear layer takes [N, features]; the input here is [N, {}]: add a flatten or globalAvgPool layer before it",
                    cur.iter().map(|d| d.to_string()).collect::<Vec<_>>().join(", ")
                )));
            }
            let mut l = Linear::new(cur[0], *out, init_of(init, *init_scale)?, rng)?;
            if let Some(s) = spectral_norm {
                l.spectral(
                    SpectralParams {
                        n_power_iterations: s.n_power_iterations,
                        eps: s.eps,
                        dim: 0,
                    },
                    rng,
                )?;
            }
            (Layer::Linear(l), vec![*out])
        }
        LayerConfig::Activation { kind } => {
            let a = Activation::parse(kind)?;
            check_activation(&a)?;
            (Layer::Act(Act::new(a)), same)
        }
        LayerConfig::MaxPool2d {
            kernel,
            stride,
            padding,
            dilation,
            ceil_mode,
        } => {
            let p = pool_params(*kernel, *stride, *padding, dilation.get(), *ceil_mode, true);
            let l = MaxPool2d::new(chw(cur, "maxPool2d")?, p)?;
            let os = l.out_shape()?.to_vec();
            (Layer::MaxPool2d(l), os)
        }
        LayerConfig::AvgPool2d {
            kernel,
            stride,
            padding,
            ceil_mode,
            count_include_pad,
        } => {
            let p = pool_params(
                *kernel,
                *stride,
                *padding,
                [1, 1],
                *ceil_mode,
                *count_include_pad,
            );
            let l = AvgPool2d::new(chw(cur, "avgPool2d")?, p)?;
            let os = l.out_shape()?.to_vec();
            (Layer::AvgPool2d(l), os)
        }
        LayerConfig::GlobalAvgPool => {
            let s = chw(cur, "globalAvgPool")?;
            (Layer::GlobalAvgPool(GlobalAvgPool::new(s)?), vec![s[0]])
        }
        LayerConfig::Flatten => (Layer::Flatten, vec![numel(cur)?]),
        LayerConfig::BatchNorm {
            momentum,
            eps,
            affine,
        } => (
            Layer::BatchNorm(BatchNorm2d::new(cur[0], *momentum, *eps, *affine)?),
            same,
        ),
        LayerConfig::LayerNorm { eps, affine } => {
            (Layer::LayerNorm(LayerNorm::new(cur, *eps, *affine)?), same)
        }
        LayerConfig::InstanceNorm { eps, affine } => {
            if cur.len() < 2 || cur[1..].iter().product::<usize>() <= 1 {
                return Err(Error::Shape(format!(
                    "instance norm needs more than one value per channel and sample, got per-example shape {cur:?}"
                )));
            }
            (
                Layer::InstanceNorm(InstanceNorm2d::new(cur[0], *eps, *affine)?),
                same,
            )
        }
        LayerConfig::GroupNorm {
            groups,
            eps,
            affine,
        } => (
            Layer::GroupNorm(GroupNorm::new(*groups, cur[0], *eps, *affine)?),
            same,
        ),
        LayerConfig::Dropout { p } => (Layer::Dropout(DropoutLayer::new(*p)?), same),
    })
}

/// A built model: layers, the per-example shape after each, and the last forward's outputs.
#[derive(Debug, Clone, PartialEq)]
pub struct Model {
    pub input: Vec<usize>,
    pub layers: Vec<Layer>,
    /// Per-example output shape of each layer.
    pub shapes: Vec<Vec<usize>>,
    outputs: Vec<Vec<f32>>,
    n: usize,
}

impl Model {
    /// Builds and checks every layer in order (weights drawn from `rng`).
    pub fn new(cfg: &ModelConfig, rng: &mut Rng) -> Result<Model> {
        if cfg.input.is_empty() || cfg.input.contains(&0) || cfg.input.len() > 3 {
            return Err(Error::Shape(format!(
                "the model input must be a shape like [C, H, W] or [features] without zeros, got {:?}",
                cfg.input
            )));
        }
        let per = numel(&cfg.input)?;
        if per > MAX_ACTIVATION {
            return Err(Error::out_of_range(
                "input values per example",
                1.0,
                MAX_ACTIVATION as f64,
                per,
            ));
        }
        if cfg.layers.is_empty() {
            return Err(Error::at_least("layers", 1, 0));
        }
        if cfg.layers.len() > MAX_LAYERS {
            return Err(Error::out_of_range(
                "layers",
                1.0,
                MAX_LAYERS as f64,
                cfg.layers.len(),
            ));
        }
        let mut cur = cfg.input.clone();
        let mut layers = Vec::new();
        let mut shapes = Vec::new();
        for (i, lc) in cfg.layers.iter().enumerate() {
            let name = serde_json::to_value(lc)
                .ok()
                .and_then(|v| v.get("type").and_then(|t| t.as_str()).map(str::to_string))
                .unwrap_or_default();
            let (l, s) = build(lc, &cur, rng).map_err(|e| at_layer(i, &name, e))?;
            let n = numel(&s)?;
            if n == 0 || n > MAX_ACTIVATION {
                return Err(Error::out_of_range(
                    &format!("values per example after layer {}", i + 1),
                    1.0,
                    MAX_ACTIVATION as f64,
                    n,
                ));
            }
            layers.push(l);
            shapes.push(s.clone());
            cur = s;
        }
        Ok(Model {
            input: cfg.input.clone(),
            layers,
            shapes,
            outputs: Vec::new(),
            n: 0,
        })
    }

    /// Values per example of the last layer (the logits of a classifier).
    pub fn n_out(&self) -> usize {
        self.shapes.last().map_or(0, |s| s.iter().product())
    }

    /// `x: [n, input...]` -> the last layer's output `[n, n_out]`. Training mode uses batch
    /// statistics, dropout and spectral-norm power iterations.
    pub fn forward(
        &mut self,
        x: &[f32],
        n: usize,
        training: bool,
        rng: &mut Rng,
    ) -> Result<&[f32]> {
        let per: usize = self.input.iter().product();
        if n == 0 || x.len() != n * per {
            return Err(Error::Shape(format!(
                "the model takes {per} values per example ({:?}); got {} values for {n} examples",
                self.input,
                x.len()
            )));
        }
        // Every layer's output for the whole batch must stay under the element limit of one
        // tensor (an error before any allocation, not an abort).
        let widest = self
            .shapes
            .iter()
            .map(|s| s.iter().product::<usize>())
            .max()
            .unwrap_or(0);
        numel(&[n, widest.max(per)])?;
        self.outputs.clear();
        self.n = n;
        let mut shape: Vec<usize> = std::iter::once(n)
            .chain(self.input.iter().copied())
            .collect();
        for (i, l) in self.layers.iter_mut().enumerate() {
            let input: &[f32] = self.outputs.last().map_or(x, |v| &v[..]);
            let y = l
                .forward(input, &shape, training, rng)
                .map_err(|e| at_layer(i, l.name(), e))?;
            shape.truncate(1);
            shape.extend_from_slice(&self.shapes[i]);
            self.outputs.push(y);
        }
        Ok(self.outputs.last().map_or(&[][..], |v| &v[..]))
    }

    /// Output of layer `i` from the last forward (`[n, shapes[i]...]`).
    pub fn output(&self, i: usize) -> Option<&[f32]> {
        self.outputs.get(i).map(|v| &v[..])
    }

    /// Backward from the gradient of the last layer's output; fills every parameter gradient and
    /// returns the gradient with respect to the model's input.
    pub fn backward(&mut self, dout: &[f32]) -> Result<Vec<f32>> {
        if self.n == 0 {
            return Err(Error::InvalidArg(
                "backward needs a forward first (it differentiates the last forward)".into(),
            ));
        }
        if dout.len() != self.n * self.n_out() {
            return Err(Error::Shape(format!(
                "output gradient has {} values, the last forward produced {}",
                dout.len(),
                self.n * self.n_out()
            )));
        }
        let mut g = dout.to_vec();
        for (i, l) in self.layers.iter_mut().enumerate().rev() {
            g = l.backward(&g).map_err(|e| at_layer(i, l.name(), e))?;
        }
        Ok(g)
    }

    /// Calls `f(kind, param, grad)` for every parameter tensor, layer by layer (weight, bias;
    /// gamma, beta): the optimizer's slot order.
    pub fn for_each_param(&mut self, mut f: impl FnMut(ParamKind, &mut [f32], &mut [f32])) {
        for l in &mut self.layers {
            l.for_each_param(&mut f);
        }
    }

    /// Every parameter and running statistic (batch norm's, spectral norm's u and v) appended to
    /// `out` (cleared first): a snapshot `load_state` puts back, e.g. the last finite weights of
    /// a run that diverged.
    pub fn save_state(&mut self, out: &mut Vec<f32>) {
        out.clear();
        self.for_each_param(|_, p, _| out.extend_from_slice(p));
        for l in &self.layers {
            match l {
                Layer::BatchNorm(b) => {
                    out.extend_from_slice(&b.running_mean);
                    out.extend_from_slice(&b.running_var);
                }
                Layer::Conv2d(Conv2d { sn: Some(s), .. })
                | Layer::Linear(Linear { sn: Some(s), .. }) => {
                    out.extend(s.u.iter().chain(&s.v).map(|&v| v as f32));
                }
                _ => {}
            }
        }
    }

    /// Restores a snapshot of `save_state` taken on a model of the same config.
    pub fn load_state(&mut self, src: &[f32]) -> Result<()> {
        let mut probe = Vec::new();
        self.save_state(&mut probe);
        if probe.len() != src.len() {
            return Err(Error::Shape(format!(
                "the snapshot has {} values but this model's state has {}",
                src.len(),
                probe.len()
            )));
        }
        let mut at = 0;
        self.for_each_param(|_, p, _| {
            p.copy_from_slice(&src[at..at + p.len()]);
            at += p.len();
        });
        for l in &mut self.layers {
            match l {
                Layer::BatchNorm(b) => {
                    for v in [&mut b.running_mean, &mut b.running_var] {
                        let n = v.len();
                        v.copy_from_slice(&src[at..at + n]);
                        at += n;
                    }
                }
                Layer::Conv2d(Conv2d { sn: Some(s), .. })
                | Layer::Linear(Linear { sn: Some(s), .. }) => {
                    for v in [&mut s.u, &mut s.v] {
                        for x in v.iter_mut() {
                            *x = src[at] as f64;
                            at += 1;
                        }
                    }
                }
                _ => {}
            }
        }
        Ok(())
    }

    /// True when every parameter and running statistic is finite.
    pub fn is_finite(&mut self) -> bool {
        let mut s = Vec::new();
        self.save_state(&mut s);
        s.iter().all(|v| v.is_finite())
    }

    /// Number of parameter values.
    pub fn param_count(&mut self) -> usize {
        let mut n = 0;
        self.for_each_param(|_, p, _| n += p.len());
        n
    }
}
