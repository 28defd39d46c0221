//! Convnet layers with forward and backward, on row-major batches whose first axis is the batch
//! (`[N, C, H, W]` images, `[N, F]` features): `Conv2d` (stride, padding, dilation, groups; the
//! SIMD forward of `ops::conv`; the backward of `grads::conv2d_backward`, checked against the
//! scalar input gradient of `ops::conv` and `grads::conv2d_backward_weight`), `Linear` (the MLP's `Dense`), optional spectral normalisation of either weight
//! (`SpectralNorm`), `MaxPool2d`, `AvgPool2d`, `GlobalAvgPool`, `Flatten`, element-wise
//! activations and dropout. Each layer keeps what its backward needs from the last forward;
//! backward overwrites the parameter gradients (no accumulation) and returns `dL/dx`.

use super::grads::conv2d_backward;
use super::spectral::{self, SpectralParams};
use crate::nn::dropout::dropout;
use crate::nn::init::Init;
use crate::nn::layers::Dense;
use crate::ops::activation::Activation;
use crate::ops::conv::{conv2d, conv2d_out_shape, Conv2dParams};
use crate::ops::pool::{
    avg_pool2d, avg_pool2d_backward, max_pool2d, max_pool2d_backward, pool_out_shape, PoolParams,
};
use crate::rng::Rng;
use crate::tensor::{check_len, expect_rank, numel, View, ViewD};
use crate::{arg_err, shape_err, Error, Result};

/// Persistent state of a spectrally normalised weight (torch's `_u`, `_v` buffers), and the
/// sigma of the last forward.
#[derive(Debug, Clone, PartialEq)]
pub struct SpectralNorm {
    pub p: SpectralParams,
    pub u: Vec<f64>,
    pub v: Vec<f64>,
    pub sigma: f64,
}

impl SpectralNorm {
    /// Buffers as torch registers them (random unit vectors, then 15 power iterations).
    pub fn new(w: &[f32], shape: &[usize], p: SpectralParams, rng: &mut Rng) -> Result<Self> {
        if p.n_power_iterations == 0 {
            return Err(Error::at_least("spectral norm power iterations", 1, 0));
        }
        let (u, v) = spectral::init_uv(w, shape, &p, rng)?;
        Ok(SpectralNorm {
            p,
            u,
            v,
            sigma: 1.0,
        })
    }

    /// `W / sigma`, iterating u and v first in training mode.
    pub fn weight(&mut self, w: &[f32], shape: &[usize], training: bool) -> Result<Vec<f32>> {
        let (wsn, s) =
            spectral::spectral_norm(w, shape, &mut self.u, &mut self.v, &self.p, training)?;
        self.sigma = s;
        Ok(wsn)
    }

    /// The gradient with respect to the raw weight from the one with respect to `W / sigma`.
    pub fn backward(&self, g: &[f32], w_sn: &[f32], shape: &[usize]) -> Result<Vec<f32>> {
        spectral::spectral_norm_backward(g, w_sn, shape, &self.u, &self.v, self.sigma, self.p.dim)
    }
}

/// Most parameter values one layer may hold (16 MiB of f32): a config asking for more is an
/// error before anything is allocated.
pub const MAX_LAYER_PARAMS: usize = 1 << 22;

fn check_params(layer: &str, shape: &[usize]) -> Result<usize> {
    let n = numel(shape)?;
    if n > MAX_LAYER_PARAMS {
        return Err(Error::out_of_range(
            &format!("{layer} parameters"),
            1.0,
            MAX_LAYER_PARAMS as f64,
            n,
        ));
    }
    Ok(n)
}

/// Checks that a layer got `[N, ...]` with the per-example shape it was built for.
fn check_input(layer: &str, shape: &[usize], want: &[usize]) -> Result<usize> {
    if shape.len() != want.len() + 1 || shape[1..] != *want {
        return shape_err!(
            "{layer} was built for inputs of shape [N, {}], got {shape:?}",
            want.iter()
                .map(|d| d.to_string())
                .collect::<Vec<_>>()
                .join(", ")
        );
    }
    Ok(shape[0])
}

/// `nn.Conv2d`: weight `[O, C/G, kH, kW]`, optional bias `[O]`, optional spectral norm of the
/// weight (dim 0).
#[derive(Debug, Clone, PartialEq)]
pub struct Conv2d {
    pub in_shape: [usize; 3],
    pub ws: [usize; 4],
    pub p: Conv2dParams,
    pub w: Vec<f32>,
    pub b: Option<Vec<f32>>,
    pub gw: Vec<f32>,
    pub gb: Option<Vec<f32>>,
    pub sn: Option<SpectralNorm>,
    /// The weight the last forward used (`W / sigma` under spectral norm).
    w_eff: Vec<f32>,
    x: Vec<f32>,
    xs: [usize; 4],
}

impl Conv2d {
    /// A conv over inputs `[C, H, W]` with `c_out` filters of `kernel`; torch's default init
    /// (`U(+-1/sqrt(fan_in))` for weight and bias) unless `init` names another scheme (biases 0).
    pub fn new(
        in_shape: [usize; 3],
        c_out: usize,
        kernel: [usize; 2],
        p: Conv2dParams,
        bias: bool,
        init: Option<Init>,
        rng: &mut Rng,
    ) -> Result<Conv2d> {
        let [c, h, w] = in_shape;
        if p.groups == 0 {
            return Err(Error::at_least("groups", 1, 0));
        }
        if c_out == 0 {
            return Err(Error::at_least("conv output channels", 1, 0));
        }
        let ws = [c_out, c / p.groups.max(1), kernel[0], kernel[1]];
        conv2d_out_shape([1, c, h, w], ws, &p)?;
        let n = check_params("conv2d", &ws)?;
        let fan_in = ws[1] * kernel[0] * kernel[1];
        let mut wv = vec![0.0f32; n];
        let mut b = bias.then(|| vec![0.0f32; c_out]);
        match init {
            None => {
                let bound = 1.0 / (fan_in.max(1) as f64).sqrt();
                let u = |rng: &mut Rng| ((rng.uniform() * 2.0 - 1.0) * bound) as f32;
                wv.iter_mut().for_each(|v| *v = u(rng));
                if let Some(b) = &mut b {
                    b.iter_mut().for_each(|v| *v = u(rng));
                }
            }
            Some(i) => i.fill(&mut wv, fan_in, c_out * kernel[0] * kernel[1], rng),
        }
        Ok(Conv2d {
            in_shape,
            ws,
            p,
            gw: vec![0.0; n],
            gb: b.as_ref().map(|b| vec![0.0; b.len()]),
            w: wv,
            b,
            sn: None,
            w_eff: Vec::new(),
            x: Vec::new(),
            xs: [0; 4],
        })
    }

    /// Output shape per example.
    pub fn out_shape(&self) -> Result<[usize; 3]> {
        let [c, h, w] = self.in_shape;
        let [_, o, oh, ow] = conv2d_out_shape([1, c, h, w], self.ws, &self.p)?;
        Ok([o, oh, ow])
    }

    pub fn forward(&mut self, x: &[f32], shape: &[usize], training: bool) -> Result<Vec<f32>> {
        let n = check_input("conv2d", shape, &self.in_shape)?;
        let [c, h, w] = self.in_shape;
        let xs = [n, c, h, w];
        self.w_eff = match &mut self.sn {
            Some(sn) => sn.weight(&self.w, &self.ws, training)?,
            None => self.w.clone(),
        };
        let (y, _) = conv2d(
            View::new("input", x, xs)?,
            View::new("weight", &self.w_eff, self.ws)?,
            self.b.as_deref(),
            &self.p,
        )?;
        self.x.clear();
        self.x.extend_from_slice(x);
        self.xs = xs;
        Ok(y)
    }

    pub fn backward(&mut self, dy: &[f32]) -> Result<Vec<f32>> {
        let wv = View::new("weight", &self.w_eff, self.ws)?;
        let (dx, gw, gb) = conv2d_backward(View::new("input", &self.x, self.xs)?, wv, dy, &self.p)?;
        self.gw = match &self.sn {
            Some(sn) => sn.backward(&gw, &self.w_eff, &self.ws)?,
            None => gw,
        };
        if let Some(g) = &mut self.gb {
            *g = gb;
        }
        Ok(dx)
    }
}

/// `nn.Linear` on `[N, F]` (the MLP's `Dense`), with optional spectral norm of its weight.
#[derive(Debug, Clone, PartialEq)]
pub struct Linear {
    pub dense: Dense,
    /// The raw weight and its gradient when spectrally normalised (then `dense.w` is `W / sigma`).
    pub raw: Option<(Vec<f32>, Vec<f32>)>,
    pub sn: Option<SpectralNorm>,
    x: Vec<f32>,
    n: usize,
}

impl Linear {
    /// torch's default init (`U(+-1/sqrt(fan_in))` for weight and bias) unless `init` is given.
    pub fn new(n_in: usize, n_out: usize, init: Option<Init>, rng: &mut Rng) -> Result<Linear> {
        if n_in == 0 || n_out == 0 {
            return Err(Error::at_least("linear layer units", 1, 0));
        }
        check_params("linear", &[n_out, n_in])?;
        let mut dense = Dense::new(n_in, n_out);
        match init {
            None => {
                let bound = 1.0 / (n_in as f64).sqrt();
                for v in dense.w.iter_mut().chain(dense.b.iter_mut()) {
                    *v = ((rng.uniform() * 2.0 - 1.0) * bound) as f32;
                }
            }
            Some(i) => i.fill(&mut dense.w, n_in, n_out, rng),
        }
        Ok(Linear {
            dense,
            raw: None,
            sn: None,
            x: Vec::new(),
            n: 0,
        })
    }

    /// Puts the weight under spectral norm (dim 0, as torch for Linear).
    pub fn spectral(&mut self, p: SpectralParams, rng: &mut Rng) -> Result<()> {
        let shape = [self.dense.n_out, self.dense.n_in];
        self.sn = Some(SpectralNorm::new(&self.dense.w, &shape, p, rng)?);
        self.raw = Some((self.dense.w.clone(), vec![0.0; self.dense.w.len()]));
        Ok(())
    }

    pub fn forward(&mut self, x: &[f32], shape: &[usize], training: bool) -> Result<Vec<f32>> {
        let n = check_input("linear", shape, &[self.dense.n_in])?;
        if let (Some(sn), Some((w, _))) = (&mut self.sn, &self.raw) {
            self.dense.w = sn.weight(w, &[self.dense.n_out, self.dense.n_in], training)?;
        }
        let mut y = Vec::new();
        self.dense.forward(x, n, &mut y);
        self.x.clear();
        self.x.extend_from_slice(x);
        self.n = n;
        Ok(y)
    }

    pub fn backward(&mut self, dy: &[f32]) -> Result<Vec<f32>> {
        check_len("output gradient", dy.len(), &[self.n, self.dense.n_out])?;
        let mut dx = Vec::new();
        self.dense.backward(&self.x, dy, self.n, Some(&mut dx));
        if let (Some(sn), Some((_, g))) = (&self.sn, &mut self.raw) {
            *g = sn.backward(
                &self.dense.gw,
                &self.dense.w,
                &[self.dense.n_out, self.dense.n_in],
            )?;
        }
        Ok(dx)
    }
}

/// Checks an `[N, C, H, W]` input against the per-example shape a pool was built for.
fn check4(layer: &str, shape: &[usize], want: [usize; 3]) -> Result<[usize; 4]> {
    let n = check_input(layer, shape, &want)?;
    Ok([n, want[0], want[1], want[2]])
}

/// `nn.MaxPool2d` (padding is -inf, dilation allowed, ceil mode as torch).
#[derive(Debug, Clone, PartialEq)]
pub struct MaxPool2d {
    pub in_shape: [usize; 3],
    pub p: PoolParams,
    arg: Vec<u32>,
    xs: [usize; 4],
}

impl MaxPool2d {
    pub fn new(in_shape: [usize; 3], p: PoolParams) -> Result<MaxPool2d> {
        let [c, h, w] = in_shape;
        pool_out_shape(&[1, c, h, w], &p)?;
        Ok(MaxPool2d {
            in_shape,
            p,
            arg: Vec::new(),
            xs: [0; 4],
        })
    }
    pub fn out_shape(&self) -> Result<[usize; 3]> {
        let [c, h, w] = self.in_shape;
        let [_, c, oh, ow] = pool_out_shape(&[1, c, h, w], &self.p)?;
        Ok([c, oh, ow])
    }
    pub fn forward(&mut self, x: &[f32], shape: &[usize]) -> Result<Vec<f32>> {
        let xs = check4("max_pool2d", shape, self.in_shape)?;
        let (y, _, arg) = max_pool2d(ViewD::new("input", x, &xs)?, &self.p)?;
        self.arg = arg;
        self.xs = xs;
        Ok(y)
    }
    pub fn backward(&mut self, dy: &[f32]) -> Result<Vec<f32>> {
        max_pool2d_backward(dy, &self.arg, &self.xs, &self.p)
    }
}

/// `nn.AvgPool2d` (torch's divisor rules, `count_include_pad`).
#[derive(Debug, Clone, PartialEq)]
pub struct AvgPool2d {
    pub in_shape: [usize; 3],
    pub p: PoolParams,
    xs: [usize; 4],
}

impl AvgPool2d {
    pub fn new(in_shape: [usize; 3], p: PoolParams) -> Result<AvgPool2d> {
        if p.dilation != [1, 1] {
            return arg_err!("avg_pool2d has no dilation (got {:?})", p.dilation);
        }
        let [c, h, w] = in_shape;
        pool_out_shape(&[1, c, h, w], &p)?;
        Ok(AvgPool2d {
            in_shape,
            p,
            xs: [0; 4],
        })
    }
    pub fn out_shape(&self) -> Result<[usize; 3]> {
        let [c, h, w] = self.in_shape;
        let [_, c, oh, ow] = pool_out_shape(&[1, c, h, w], &self.p)?;
        Ok([c, oh, ow])
    }
    pub fn forward(&mut self, x: &[f32], shape: &[usize]) -> Result<Vec<f32>> {
        let xs = check4("avg_pool2d", shape, self.in_shape)?;
        let (y, _) = avg_pool2d(ViewD::new("input", x, &xs)?, &self.p)?;
        self.xs = xs;
        Ok(y)
    }
    pub fn backward(&mut self, dy: &[f32]) -> Result<Vec<f32>> {
        avg_pool2d_backward(dy, &self.xs, &self.p)
    }
}

/// Global average pooling (`nn.AdaptiveAvgPool2d(1)` then flatten): `[N, C, H, W] -> [N, C]`.
#[derive(Debug, Clone, PartialEq)]
pub struct GlobalAvgPool {
    pub in_shape: [usize; 3],
    n: usize,
}

impl GlobalAvgPool {
    pub fn new(in_shape: [usize; 3]) -> Result<GlobalAvgPool> {
        if in_shape[1] * in_shape[2] == 0 {
            return shape_err!("global average pooling needs a non-empty plane, got {in_shape:?}");
        }
        Ok(GlobalAvgPool { in_shape, n: 0 })
    }
    pub fn forward(&mut self, x: &[f32], shape: &[usize]) -> Result<Vec<f32>> {
        let [n, _, h, w] = check4("global average pool", shape, self.in_shape)?;
        self.n = n;
        let hw = h * w;
        Ok(x.chunks_exact(hw)
            .map(|p| (p.iter().map(|&v| v as f64).sum::<f64>() / hw as f64) as f32)
            .collect())
    }
    pub fn backward(&mut self, dy: &[f32]) -> Result<Vec<f32>> {
        let [c, h, w] = self.in_shape;
        check_len("output gradient", dy.len(), &[self.n, c])?;
        let hw = h * w;
        let mut dx = Vec::with_capacity(dy.len() * hw);
        for &g in dy {
            dx.extend(std::iter::repeat(g / hw as f32).take(hw));
        }
        Ok(dx)
    }
}

/// An element-wise activation layer (torch.nn's definitions, `ops::activation`).
#[derive(Debug, Clone, PartialEq)]
pub struct Act {
    pub f: Activation,
    x: Vec<f32>,
    y: Vec<f32>,
}

impl Act {
    pub fn new(f: Activation) -> Act {
        Act {
            f,
            x: Vec::new(),
            y: Vec::new(),
        }
    }
    pub fn forward(&mut self, x: &[f32]) -> Vec<f32> {
        let mut y = vec![0.0; x.len()];
        self.f.forward(x, &mut y);
        self.x.clear();
        self.x.extend_from_slice(x);
        self.y.clone_from(&y);
        y
    }
    pub fn backward(&mut self, dy: &[f32]) -> Result<Vec<f32>> {
        check_len("output gradient", dy.len(), &[self.x.len()])?;
        let mut dx = vec![0.0; dy.len()];
        self.f.backward(&self.x, &self.y, dy, &mut dx);
        Ok(dx)
    }
}

/// Inverted dropout (`nn::dropout`), with its mask kept for backward.
#[derive(Debug, Clone, PartialEq)]
pub struct DropoutLayer {
    pub p: f32,
    mask: Vec<bool>,
    /// `1/(1-p)` after a training forward, 1 after an eval one (identity).
    scale: f32,
}

impl DropoutLayer {
    pub fn new(p: f32) -> Result<DropoutLayer> {
        if !(0.0..1.0).contains(&p) {
            return Err(Error::out_of_range("dropout", 0.0, 0.99, p));
        }
        Ok(DropoutLayer {
            p,
            mask: Vec::new(),
            scale: 1.0,
        })
    }
    pub fn forward(&mut self, x: &[f32], training: bool, rng: &mut Rng) -> Result<Vec<f32>> {
        let (y, mask) = dropout(x, self.p, training, rng)?;
        self.mask = mask;
        self.scale = if training && self.p > 0.0 {
            1.0 / (1.0 - self.p)
        } else {
            1.0
        };
        Ok(y)
    }
    pub fn backward(&mut self, dy: &[f32]) -> Result<Vec<f32>> {
        check_len("output gradient", dy.len(), &[self.mask.len()])?;
        let scale = self.scale;
        Ok(dy
            .iter()
            .zip(&self.mask)
            .map(|(&g, &k)| if k { g * scale } else { 0.0 })
            .collect())
    }
}

/// Rank-4 per-example shape helper for the model builder.
pub fn chw(shape: &[usize], layer: &str) -> Result<[usize; 3]> {
    expect_rank::<3>(&format!("{layer} input (per example, C x H x W)"), shape)
}
