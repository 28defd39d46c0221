//! Normalisation layers with affine parameters, on `[N, C, *]` batches (torch.nn's modules):
//! `BatchNorm2d` (train/eval, running statistics with momentum and the unbiased running variance;
//! it also serves `[N, C]` like `BatchNorm1d`), `LayerNorm` over every axis but the batch
//! (elementwise affine), `InstanceNorm2d` and `GroupNorm` (per-channel affine). Forwards are the
//! `ops::norm` kernels, backwards `ops::norm::batch_norm_backward` and `grads`. Every norm uses
//! the biased variance with eps inside the square root.

use super::grads::{
    check_groups, group_norm_backward, instance_norm_backward, layer_norm_backward,
};
use crate::ops::norm::{self, Affine, BatchNormParams};
use crate::tensor::ViewD;
use crate::{arg_err, Error, Result};

fn check_eps(eps: f64) -> Result<()> {
    if !(eps.is_finite() && eps > 0.0) {
        return arg_err!("eps must be a finite number > 0, got {eps}");
    }
    Ok(())
}

/// Affine parameters `gamma` (1) and `beta` (0) of `n` entries, with their gradients.
#[derive(Debug, Clone, PartialEq)]
pub struct AffineParams {
    pub gamma: Vec<f32>,
    pub beta: Vec<f32>,
    pub ggamma: Vec<f32>,
    pub gbeta: Vec<f32>,
}

impl AffineParams {
    pub fn new(n: usize) -> AffineParams {
        AffineParams {
            gamma: vec![1.0; n],
            beta: vec![0.0; n],
            ggamma: vec![0.0; n],
            gbeta: vec![0.0; n],
        }
    }
    fn view(&self) -> Affine<'_> {
        Affine {
            weight: Some(&self.gamma),
            bias: Some(&self.beta),
        }
    }
}

fn affine_view(a: &Option<AffineParams>) -> Affine<'_> {
    a.as_ref().map_or(Affine::default(), AffineParams::view)
}

fn set_grads(a: &mut Option<AffineParams>, dg: Vec<f32>, db: Vec<f32>) {
    if let Some(a) = a {
        a.ggamma = dg;
        a.gbeta = db;
    }
}

/// The input saved by a forward for the backward: data and shape.
#[derive(Debug, Clone, Default, PartialEq)]
struct Saved {
    x: Vec<f32>,
    shape: Vec<usize>,
}

impl Saved {
    fn keep(&mut self, x: &[f32], shape: &[usize]) {
        self.x.clear();
        self.x.extend_from_slice(x);
        self.shape.clear();
        self.shape.extend_from_slice(shape);
    }
    fn view(&self) -> Result<ViewD<'_>> {
        ViewD::new("input", &self.x, &self.shape)
    }
}

/// The channel count of an `[N, C, *]` input, checked against the layer's.
fn channels(layer: &str, shape: &[usize], c: usize) -> Result<usize> {
    if shape.len() < 2 || shape[1] != c {
        return Err(Error::Shape(format!(
            "{layer} was built for {c} channels (input [N, {c}, ...]), got shape {shape:?}"
        )));
    }
    Ok(shape[1])
}

/// `nn.BatchNorm2d` (and `BatchNorm1d` on `[N, C]`): batch statistics per channel in training
/// (updating the running ones: `r = (1-m) r + m stat`, unbiased variance), running statistics in
/// eval mode.
#[derive(Debug, Clone, PartialEq)]
pub struct BatchNorm2d {
    pub c: usize,
    pub momentum: f64,
    pub eps: f64,
    pub affine: Option<AffineParams>,
    pub running_mean: Vec<f32>,
    pub running_var: Vec<f32>,
    /// The statistics the last forward used (batch or running), for backward.
    pub mean: Vec<f32>,
    pub var: Vec<f32>,
    training: bool,
    saved: Saved,
}

impl BatchNorm2d {
    pub fn new(c: usize, momentum: f64, eps: f64, affine: bool) -> Result<BatchNorm2d> {
        check_eps(eps)?;
        if !(0.0..=1.0).contains(&momentum) {
            return Err(Error::out_of_range("momentum", 0.0, 1.0, momentum));
        }
        Ok(BatchNorm2d {
            c,
            momentum,
            eps,
            affine: affine.then(|| AffineParams::new(c)),
            running_mean: vec![0.0; c],
            running_var: vec![1.0; c],
            mean: vec![0.0; c],
            var: vec![1.0; c],
            training: false,
            saved: Saved::default(),
        })
    }

    fn params(&self, training: bool) -> BatchNormParams {
        BatchNormParams {
            training,
            momentum: self.momentum,
            eps: self.eps,
        }
    }

    pub fn forward(&mut self, x: &[f32], shape: &[usize], training: bool) -> Result<Vec<f32>> {
        channels("batch norm", shape, self.c)?;
        let count = shape[0] * shape[2..].iter().product::<usize>();
        if training && count <= 1 {
            return Err(Error::bn_single_value(count, shape));
        }
        let p = self.params(training);
        let (y, mean, var) = norm::batch_norm(
            ViewD::new("input", x, shape)?,
            affine_view(&self.affine),
            Some(&mut self.running_mean),
            Some(&mut self.running_var),
            &p,
        )?;
        if training {
            self.mean = mean;
            self.var = var;
        } else {
            self.mean.clone_from(&self.running_mean);
            self.var.clone_from(&self.running_var);
        }
        self.training = training;
        self.saved.keep(x, shape);
        Ok(y)
    }

    pub fn backward(&mut self, dy: &[f32]) -> Result<Vec<f32>> {
        let p = self.params(self.training);
        let gamma = self.affine.as_ref().map(|a| &a.gamma[..]);
        let (dx, dg, db) =
            norm::batch_norm_backward(self.saved.view()?, dy, gamma, [&self.mean, &self.var], &p)?;
        set_grads(&mut self.affine, dg, db);
        Ok(dx)
    }
}

/// `nn.LayerNorm(shape)` over every axis but the batch (C, H, W for images), with an elementwise
/// affine of that shape.
#[derive(Debug, Clone, PartialEq)]
pub struct LayerNorm {
    pub normalized_shape: Vec<usize>,
    pub eps: f64,
    pub affine: Option<AffineParams>,
    saved: Saved,
}

impl LayerNorm {
    pub fn new(normalized_shape: &[usize], eps: f64, affine: bool) -> Result<LayerNorm> {
        check_eps(eps)?;
        let n: usize = normalized_shape.iter().product();
        if normalized_shape.is_empty() || n == 0 {
            return Err(Error::Shape(format!(
                "layer norm needs a non-empty normalized shape, got {normalized_shape:?}"
            )));
        }
        Ok(LayerNorm {
            normalized_shape: normalized_shape.to_vec(),
            eps,
            affine: affine.then(|| AffineParams::new(n)),
            saved: Saved::default(),
        })
    }

    pub fn forward(&mut self, x: &[f32], shape: &[usize]) -> Result<Vec<f32>> {
        let y = norm::layer_norm(
            ViewD::new("input", x, shape)?,
            &self.normalized_shape,
            affine_view(&self.affine),
            self.eps,
        )?;
        self.saved.keep(x, shape);
        Ok(y)
    }

    pub fn backward(&mut self, dy: &[f32]) -> Result<Vec<f32>> {
        let gamma = self.affine.as_ref().map(|a| &a.gamma[..]);
        let (dx, dg, db) = layer_norm_backward(
            self.saved.view()?,
            dy,
            &self.normalized_shape,
            gamma,
            self.eps,
        )?;
        set_grads(&mut self.affine, dg, db);
        Ok(dx)
    }
}

/// `nn.GroupNorm(G, C)`: statistics per (sample, group of C/G channels), per-channel affine.
/// `InstanceNorm2d` is the case G = C (see `InstanceNorm2d`).
#[derive(Debug, Clone, PartialEq)]
pub struct GroupNorm {
    pub groups: usize,
    pub c: usize,
    pub eps: f64,
    pub affine: Option<AffineParams>,
    saved: Saved,
}

impl GroupNorm {
    pub fn new(groups: usize, c: usize, eps: f64, affine: bool) -> Result<GroupNorm> {
        check_eps(eps)?;
        check_groups(groups, c)?;
        Ok(GroupNorm {
            groups,
            c,
            eps,
            affine: affine.then(|| AffineParams::new(c)),
            saved: Saved::default(),
        })
    }

    pub fn forward(&mut self, x: &[f32], shape: &[usize]) -> Result<Vec<f32>> {
        channels("group norm", shape, self.c)?;
        let y = norm::group_norm(
            ViewD::new("input", x, shape)?,
            self.groups,
            affine_view(&self.affine),
            self.eps,
        )?;
        self.saved.keep(x, shape);
        Ok(y)
    }

    pub fn backward(&mut self, dy: &[f32]) -> Result<Vec<f32>> {
        let gamma = self.affine.as_ref().map(|a| &a.gamma[..]);
        let (dx, dg, db) =
            group_norm_backward(self.saved.view()?, dy, self.groups, gamma, self.eps)?;
        set_grads(&mut self.affine, dg, db);
        Ok(dx)
    }
}

/// `nn.InstanceNorm2d(C, affine=True)` without running statistics (torch's default
/// `track_running_stats=False`): statistics per (sample, channel) over the plane.
#[derive(Debug, Clone, PartialEq)]
pub struct InstanceNorm2d {
    pub c: usize,
    pub eps: f64,
    pub affine: Option<AffineParams>,
    saved: Saved,
}

impl InstanceNorm2d {
    pub fn new(c: usize, eps: f64, affine: bool) -> Result<InstanceNorm2d> {
        check_eps(eps)?;
        Ok(InstanceNorm2d {
            c,
            eps,
            affine: affine.then(|| AffineParams::new(c)),
            saved: Saved::default(),
        })
    }

    pub fn forward(&mut self, x: &[f32], shape: &[usize]) -> Result<Vec<f32>> {
        channels("instance norm", shape, self.c)?;
        let y = norm::instance_norm(
            ViewD::new("input", x, shape)?,
            affine_view(&self.affine),
            self.eps,
        )?;
        self.saved.keep(x, shape);
        Ok(y)
    }

    pub fn backward(&mut self, dy: &[f32]) -> Result<Vec<f32>> {
        let gamma = self.affine.as_ref().map(|a| &a.gamma[..]);
        let (dx, dg, db) = instance_norm_backward(self.saved.view()?, dy, gamma, self.eps)?;
        set_grads(&mut self.affine, dg, db);
        Ok(dx)
    }
}
