//! Layers of the training engine, on row-major `[N, features]` batches, each with forward and
//! backward: `Dense` (torch's `nn.Linear` layout, weight `[out, in]`), `BatchNorm1d` over features
//! (the `ops::norm` kernels, running statistics), `Dropout` (the `nn::dropout` kernel) and element-wise
//! activations (`ops::activation::Activation`). Backward passes overwrite the parameter gradients
//! (no accumulation across calls) and return the gradient with respect to the layer's input.

use super::dropout::dropout;
use crate::ops::norm::{self, Affine, BatchNormParams};
use crate::rng::Rng;
use crate::tensor::ViewD;
use crate::{arg_err, Result};

/// `y = x W^T + b`: `[N, in] -> [N, out]`.
#[derive(Debug, Clone, PartialEq)]
pub struct Dense {
    pub n_in: usize,
    pub n_out: usize,
    /// `[out, in]`
    pub w: Vec<f32>,
    pub b: Vec<f32>,
    pub gw: Vec<f32>,
    pub gb: Vec<f32>,
}

impl Dense {
    pub fn new(n_in: usize, n_out: usize) -> Dense {
        Dense {
            n_in,
            n_out,
            w: vec![0.0; n_in * n_out],
            b: vec![0.0; n_out],
            gw: vec![0.0; n_in * n_out],
            gb: vec![0.0; n_out],
        }
    }

    /// `x: [n, in]` -> `y: [n, out]` (resized). Each output is `b + sum_k w[o, k] x[k]`, the sum
    /// in f32 from k = 0 up.
    pub fn forward(&self, x: &[f32], n: usize, y: &mut Vec<f32>) {
        debug_assert_eq!(x.len(), n * self.n_in);
        y.resize(n * self.n_out, 0.0);
        let w = &self.w[..self.n_in * self.n_out];
        let b = &self.b[..self.n_out];
        fixed_width!(self.n_in, forward_rows(w, b, x, y));
    }

    /// Given the forward's input `x` and `dy: [n, out]`, sets `gw = dy^T x`, `gb = sum dy` and,
    /// if asked, `dx = dy W` (`[n, in]`, resized). Every sum runs in f32 in a fixed order: over
    /// the rows for `gw` and `gb`, over the outputs for `dx`.
    pub fn backward(&mut self, x: &[f32], dy: &[f32], n: usize, dx: Option<&mut Vec<f32>>) {
        let (ni, no) = (self.n_in, self.n_out);
        debug_assert_eq!(x.len(), n * ni);
        debug_assert_eq!(dy.len(), n * no);
        self.gw.fill(0.0);
        self.gb.fill(0.0);
        let (gw, gb) = (&mut self.gw[..ni * no], &mut self.gb[..no]);
        fixed_width!(ni, grad_rows(gw, gb, x, dy, no));
        if let Some(dx) = dx {
            dx.clear();
            dx.resize(n * ni, 0.0);
            let w = &self.w[..ni * no];
            fixed_width!(ni, dx_rows(w, dy, dx, no));
        }
    }
}

/// Calls `$f::<N>(args)` with the layer's input width as a constant when it is a small one (the
/// loops over it then unroll, without bounds checks: what the tiny playground nets spend their
/// time on), or `$f::<0>` (the width read from the slices) otherwise. The arithmetic is the same.
macro_rules! fixed_width {
    ($ni:expr, $f:ident($($a:expr),*)) => {
        match $ni {
            1 => $f::<1>($ni, $($a),*),
            2 => $f::<2>($ni, $($a),*),
            3 => $f::<3>($ni, $($a),*),
            4 => $f::<4>($ni, $($a),*),
            8 => $f::<8>($ni, $($a),*),
            16 => $f::<16>($ni, $($a),*),
            _ => $f::<0>($ni, $($a),*),
        }
    };
}
use fixed_width;

/// `y[r, o] = b[o] + sum_k w[o, k] x[r, k]`; `N` is the input width, or 0 for "read `ni`".
#[inline(always)]
fn forward_rows<const N: usize>(ni: usize, w: &[f32], b: &[f32], x: &[f32], y: &mut [f32]) {
    let ni = if N > 0 { N } else { ni };
    let no = b.len();
    for (xr, yr) in x.chunks_exact(ni).zip(y.chunks_exact_mut(no)) {
        for ((yo, wr), &bo) in yr.iter_mut().zip(w.chunks_exact(ni)).zip(b) {
            // -0.0 is the neutral start of an f32 sum (as `Iterator::sum`)
            let mut s = -0.0f32;
            for k in 0..ni {
                s += wr[k] * xr[k];
            }
            *yo = bo + s;
        }
    }
}

/// `gw[o, k] += dy[r, o] x[r, k]` and `gb[o] += dy[r, o]`, row after row.
#[inline(always)]
fn grad_rows<const N: usize>(
    ni: usize,
    gw: &mut [f32],
    gb: &mut [f32],
    x: &[f32],
    dy: &[f32],
    no: usize,
) {
    let ni = if N > 0 { N } else { ni };
    if N > 0 {
        // one output at a time, its sums in registers over the rows (the same order)
        for (o, (gwr, gbo)) in gw.chunks_exact_mut(N).zip(gb.iter_mut()).enumerate() {
            let mut acc = [0.0f32; 16];
            let mut acc_b = *gbo;
            acc[..N].copy_from_slice(gwr);
            for (xr, dr) in x.chunks_exact(N).zip(dy.chunks_exact(no)) {
                let d = dr[o];
                acc_b += d;
                for k in 0..N {
                    acc[k] += d * xr[k];
                }
            }
            gwr.copy_from_slice(&acc[..N]);
            *gbo = acc_b;
        }
        return;
    }
    for (xr, dr) in x.chunks_exact(ni).zip(dy.chunks_exact(no)) {
        for ((gwr, gbo), &d) in gw.chunks_exact_mut(ni).zip(gb.iter_mut()).zip(dr) {
            *gbo += d;
            for k in 0..ni {
                gwr[k] += d * xr[k];
            }
        }
    }
}

/// `dx[r, k] += dy[r, o] w[o, k]`, output after output.
#[inline(always)]
fn dx_rows<const N: usize>(ni: usize, w: &[f32], dy: &[f32], dx: &mut [f32], no: usize) {
    let ni = if N > 0 { N } else { ni };
    for (dxr, dr) in dx.chunks_exact_mut(ni).zip(dy.chunks_exact(no)) {
        for (wr, &d) in w.chunks_exact(ni).zip(dr) {
            for k in 0..ni {
                dxr[k] += d * wr[k];
            }
        }
    }
}

/// Batch norm over the features of `[N, C]` (`nn.BatchNorm1d`): batch statistics and running
/// statistics (momentum 0.1, unbiased running variance) in training, running statistics in eval.
#[derive(Debug, Clone, PartialEq)]
pub struct BatchNorm1d {
    pub gamma: Vec<f32>,
    pub beta: Vec<f32>,
    pub running_mean: Vec<f32>,
    pub running_var: Vec<f32>,
    pub ggamma: Vec<f32>,
    pub gbeta: Vec<f32>,
    pub momentum: f64,
    pub eps: f64,
    /// Statistics the last forward used (batch or running), for backward.
    mean: Vec<f32>,
    var: Vec<f32>,
    training: bool,
}

impl BatchNorm1d {
    pub fn new(c: usize) -> BatchNorm1d {
        BatchNorm1d {
            gamma: vec![1.0; c],
            beta: vec![0.0; c],
            running_mean: vec![0.0; c],
            running_var: vec![1.0; c],
            ggamma: vec![0.0; c],
            gbeta: vec![0.0; c],
            momentum: 0.1,
            eps: 1e-5,
            mean: vec![0.0; c],
            var: vec![1.0; c],
            training: false,
        }
    }

    pub fn forward(&mut self, x: &[f32], n: usize, training: bool) -> Result<Vec<f32>> {
        let c = self.gamma.len();
        let p = BatchNormParams {
            training,
            momentum: self.momentum,
            eps: self.eps,
        };
        let affine = Affine {
            weight: Some(&self.gamma),
            bias: Some(&self.beta),
        };
        let (y, mean, var) = norm::batch_norm(
            ViewD::new("input", x, &[n, c])?,
            affine,
            Some(&mut self.running_mean),
            Some(&mut self.running_var),
            &p,
        )?;
        self.training = training;
        if training {
            self.mean = mean;
            self.var = var;
        } else {
            self.mean.clone_from(&self.running_mean);
            self.var.clone_from(&self.running_var);
        }
        Ok(y)
    }

    /// Gradient with respect to the input of the last forward (`x` is that input).
    pub fn backward(&mut self, x: &[f32], dy: &[f32], n: usize) -> Result<Vec<f32>> {
        let c = self.gamma.len();
        let p = BatchNormParams {
            training: self.training,
            momentum: self.momentum,
            eps: self.eps,
        };
        let (dx, dg, db) = norm::batch_norm_backward(
            ViewD::new("input", x, &[n, c])?,
            dy,
            Some(&self.gamma),
            [&self.mean, &self.var],
            &p,
        )?;
        self.ggamma = dg;
        self.gbeta = db;
        Ok(dx)
    }
}

/// Inverted dropout with probability `p` (the `nn::dropout` kernel); keeps its mask for backward.
#[derive(Debug, Clone, PartialEq)]
pub struct Dropout {
    pub p: f32,
    mask: Vec<bool>,
}

impl Dropout {
    pub fn new(p: f32) -> Result<Dropout> {
        if !(0.0..1.0).contains(&p) {
            return arg_err!(
                "dropout must be in [0, 1) for a layer that should still learn, got {p}"
            );
        }
        Ok(Dropout {
            p,
            mask: Vec::new(),
        })
    }

    pub fn forward(&mut self, x: &[f32], training: bool, rng: &mut Rng) -> Result<Vec<f32>> {
        let (y, mask) = dropout(x, self.p, training, rng)?;
        self.mask = mask;
        Ok(y)
    }

    /// `dx = dy * mask / (1 - p)` (identity after an eval-mode forward).
    pub fn backward(&self, dy: &[f32], dx: &mut [f32]) {
        let scale = 1.0 / (1.0 - self.p);
        for ((d, &g), &k) in dx.iter_mut().zip(dy).zip(&self.mask) {
            *d = if k { g * scale } else { 0.0 };
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::testkit::{dot, randn};

    fn fd_check(what: &str, x: &[f32], an: &[f32], obj: &mut dyn FnMut(&[f32]) -> f64) {
        crate::testkit::grad_check(what, x, an, 8e-3, 3e-3, obj);
    }

    use crate::ops::activation::Activation;

    #[test]
    fn dense_backward_matches_finite_differences() {
        let (n, ni, no) = (4, 3, 5);
        let mut d = Dense::new(ni, no);
        d.w = randn(ni * no, 1, 0.7);
        d.b = randn(no, 2, 0.3);
        let x = randn(n * ni, 3, 1.0);
        let coef = randn(n * no, 4, 1.0);
        let mut dx = Vec::new();
        d.backward(&x, &coef, n, Some(&mut dx));
        let base = d.clone();
        let out = |d: &Dense, x: &[f32]| {
            let mut y = Vec::new();
            d.forward(x, n, &mut y);
            dot(&y, &coef)
        };
        fd_check("dense dx", &x, &dx, &mut |xx| out(&base, xx));
        fd_check("dense dw", &base.w, &base.gw, &mut |w| {
            let mut d = base.clone();
            d.w = w.to_vec();
            out(&d, &x)
        });
        fd_check("dense db", &base.b, &base.gb, &mut |b| {
            let mut d = base.clone();
            d.b = b.to_vec();
            out(&d, &x)
        });
    }

    #[test]
    fn batchnorm_layer_backward_matches_finite_differences_in_both_modes() {
        let (n, c) = (6, 3);
        let x: Vec<f32> = randn(n * c, 5, 2.0).iter().map(|v| v + 1.0).collect();
        let coef = randn(n * c, 6, 1.0);
        for training in [true, false] {
            let mut bn = BatchNorm1d::new(c);
            bn.gamma = vec![0.5, 1.5, -1.0];
            bn.beta = vec![0.1, -0.2, 0.0];
            bn.running_mean = vec![0.2, 1.0, -0.5];
            bn.running_var = vec![0.8, 2.0, 1.2];
            let start = bn.clone();
            bn.forward(&x, n, training).unwrap();
            let dx = bn.backward(&x, &coef, n).unwrap();
            let obj = |b: &BatchNorm1d, xx: &[f32]| {
                let mut b = b.clone();
                dot(&b.forward(xx, n, training).unwrap(), &coef)
            };
            fd_check("bn dx", &x, &dx, &mut |xx| obj(&start, xx));
            fd_check("bn dgamma", &start.gamma, &bn.ggamma, &mut |g| {
                let mut b = start.clone();
                b.gamma = g.to_vec();
                obj(&b, &x)
            });
            fd_check("bn dbeta", &start.beta, &bn.gbeta, &mut |g| {
                let mut b = start.clone();
                b.beta = g.to_vec();
                obj(&b, &x)
            });
            if training {
                assert_ne!(
                    bn.running_mean, start.running_mean,
                    "running stats move in training"
                );
            } else {
                assert_eq!(
                    bn.running_mean, start.running_mean,
                    "eval leaves running stats alone"
                );
            }
        }
    }

    #[test]
    fn dropout_and_activation_layers_backward_match_finite_differences() {
        let x: Vec<f32> = randn(40, 7, 1.3)
            .into_iter()
            .map(|v| if v.abs() < 0.03 { v + 0.1 } else { v })
            .collect();
        let coef = randn(40, 8, 1.0);
        // dropout: the same seed gives the same mask, so the objective is smooth in x
        let mut dr = Dropout::new(0.4).unwrap();
        dr.forward(&x, true, &mut Rng::new(11)).unwrap();
        let mut dx = vec![0.0; 40];
        dr.backward(&coef, &mut dx);
        fd_check("dropout dx", &x, &dx, &mut |xx| {
            let mut d = Dropout::new(0.4).unwrap();
            dot(&d.forward(xx, true, &mut Rng::new(11)).unwrap(), &coef)
        });
        assert!(dx.contains(&0.0) && dx.iter().any(|&v| v != 0.0));
        assert!(Dropout::new(1.0).is_err());
        for name in Activation::NAMES {
            let a = Activation::parse(name).unwrap();
            let mut y = vec![0.0; 40];
            a.forward(&x, &mut y);
            let mut dx = vec![0.0; 40];
            a.backward(&x, &y, &coef, &mut dx);
            fd_check(name, &x, &dx, &mut |xx| {
                let mut yy = vec![0.0; 40];
                a.forward(xx, &mut yy);
                dot(&yy, &coef)
            });
        }
    }
}
