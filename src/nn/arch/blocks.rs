//! Fusing two feature maps, and the skip connection in a deep MLP.
//!
//! * `fuse`: maps `A [Ca, H, W]` and `B [Cb, H, W]` fused by add (`A + B`, needs `Ca = Cb`, no
//!   weights) and by concat followed by a 1x1 conv to `Co` channels (`W [Co, Ca+Cb]`). Splitting
//!   `W = [W_A | W_B]` gives `conv1x1(concat(A, B)) = W_A·A + W_B·B`: concat is add with separate
//!   weights per input (and add is concat with `W_A = W_B = I`). Counts come from
//!   `conv::conv2d_cost`, the conv lab's cost code.
//! * `Mlp`: a deep tanh MLP, plain (`h' = tanh(W h + b)`) or residual (`h' = h + tanh(W h + b)`),
//!   with its backward and per-layer gradient norms: the skip's identity path keeps them alive.

use crate::nn::optim::{step as optim_step, OptimConfig, OptimState};
use crate::ops::conv::conv2d_cost;
use crate::rng::Rng;
use crate::tensor::check_len;
use crate::{arg_err, Error, Result};

/// `y[o, p] = sum_c w[o, c] x[c, p]` over `hw` pixels: a 1x1 conv without bias.
pub fn conv1x1(x: &[f32], c: usize, hw: usize, w: &[f32], co: usize) -> Result<Vec<f32>> {
    check_len("input", x.len(), &[c, hw])?;
    check_len("1x1 weight", w.len(), &[co, c])?;
    let mut y = vec![0.0f32; co * hw];
    for o in 0..co {
        let yo = &mut y[o * hw..][..hw];
        for ci in 0..c {
            let wv = w[o * c + ci];
            for (a, &b) in yo.iter_mut().zip(&x[ci * hw..][..hw]) {
                *a += wv * b;
            }
        }
    }
    Ok(y)
}

/// Parameter and mult-add counts of the two ways to fuse.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct FuseCounts {
    /// `A + B`: no parameters, `C·H·W` additions (None when the channels differ).
    pub add_adds: Option<u64>,
    /// `conv1x1(A + B)` to `Co`: `C·Co` weights.
    pub add_conv: Option<(u64, u64)>,
    /// `conv1x1(concat(A, B))` to `Co`: `(Ca + Cb)·Co` weights.
    pub concat_conv: (u64, u64),
    /// Channels after concat: `Ca + Cb`.
    pub concat_channels: usize,
}

/// Counts for `A [ca, h, w]`, `B [cb, h, w]` fused to `co` channels.
pub fn fuse_counts(ca: usize, cb: usize, co: usize, h: usize, w: usize) -> Result<FuseCounts> {
    if ca == 0 || cb == 0 || co == 0 || h == 0 || w == 0 {
        return arg_err!("channels and sizes must be >= 1, got A {ca}, B {cb}, out {co}, {h}x{w}");
    }
    let concat_conv = conv2d_cost(ca + cb, co, [1, 1], 1, false, [h, w])?;
    let same = ca == cb;
    Ok(FuseCounts {
        add_adds: same.then(|| (ca as u64) * (h as u64) * (w as u64)),
        add_conv: if same {
            Some(conv2d_cost(ca, co, [1, 1], 1, false, [h, w])?)
        } else {
            None
        },
        concat_conv,
        concat_channels: ca + cb,
    })
}

/// Both sides of the identity: `conv1x1(concat(A, B))` and `W_A·A + W_B·B`, with `W [co, ca+cb]`.
pub fn concat_identity(
    a: &[f32],
    ca: usize,
    b: &[f32],
    cb: usize,
    hw: usize,
    w: &[f32],
    co: usize,
) -> Result<(Vec<f32>, Vec<f32>)> {
    check_len("A", a.len(), &[ca, hw])?;
    check_len("B", b.len(), &[cb, hw])?;
    check_len("1x1 weight", w.len(), &[co, ca + cb])?;
    let mut cat = a.to_vec();
    cat.extend_from_slice(b);
    let lhs = conv1x1(&cat, ca + cb, hw, w, co)?;
    let (mut wa, mut wb) = (Vec::with_capacity(co * ca), Vec::with_capacity(co * cb));
    for o in 0..co {
        wa.extend_from_slice(&w[o * (ca + cb)..][..ca]);
        wb.extend_from_slice(&w[o * (ca + cb) + ca..][..cb]);
    }
    let ya = conv1x1(a, ca, hw, &wa, co)?;
    let yb = conv1x1(b, cb, hw, &wb, co)?;
    Ok((lhs, ya.iter().zip(&yb).map(|(x, y)| x + y).collect()))
}

/// Gradients of `L = sum gy · conv1x1(concat(A, B))`: `(dA, dB, dW)`: concat's backward splits
/// the incoming gradient by channel.
#[allow(clippy::too_many_arguments)] // the two maps, their channels, the weight and gy
pub fn concat_conv_backward(
    a: &[f32],
    ca: usize,
    b: &[f32],
    cb: usize,
    hw: usize,
    w: &[f32],
    co: usize,
    gy: &[f32],
) -> Result<(Vec<f32>, Vec<f32>, Vec<f32>)> {
    check_len("output gradient", gy.len(), &[co, hw])?;
    let c = ca + cb;
    check_len("1x1 weight", w.len(), &[co, c])?;
    let mut cat = a.to_vec();
    cat.extend_from_slice(b);
    check_len("concat", cat.len(), &[c, hw])?;
    let mut dcat = vec![0.0f32; c * hw];
    let mut dw = vec![0.0f32; co * c];
    for o in 0..co {
        let g = &gy[o * hw..][..hw];
        for ci in 0..c {
            let x = &cat[ci * hw..][..hw];
            dw[o * c + ci] = g.iter().zip(x).map(|(p, q)| p * q).sum();
            let wv = w[o * c + ci];
            for (d, &gv) in dcat[ci * hw..][..hw].iter_mut().zip(g) {
                *d += wv * gv;
            }
        }
    }
    let db = dcat.split_off(ca * hw);
    Ok((dcat, db, dw))
}

/// The largest MLP of the residual experiment.
pub const MAX_DEPTH: usize = 64;
pub const MAX_WIDTH: usize = 64;

/// A deep tanh MLP on 2-D inputs with a scalar output: `in (2 -> W)`, `depth` hidden blocks
/// `W -> W` (plain or residual), `head (W -> 1)`. Parameters: `[w_in, b_in, (w_l, b_l)*, w_out,
/// b_out]`, torch's default init `U(-1/sqrt(fan_in), 1/sqrt(fan_in))`.
#[derive(Debug, Clone)]
pub struct Mlp {
    pub residual: bool,
    pub width: usize,
    pub depth: usize,
    pub params: Vec<Vec<f32>>,
    states: Vec<OptimState>,
}

/// The regression data of the experiment: `n` points in `[-1, 1]²`, `y = sin(2 x1) cos(2 x2)`.
pub fn mlp_data(n: usize, seed: u64) -> (Vec<f32>, Vec<f32>) {
    let mut r = Rng::new(seed);
    let x: Vec<f32> = (0..2 * n)
        .map(|_| (r.uniform() * 2.0 - 1.0) as f32)
        .collect();
    let y = x
        .chunks_exact(2)
        .map(|p| (2.0 * p[0]).sin() * (2.0 * p[1]).cos())
        .collect();
    (x, y)
}

impl Mlp {
    pub fn new(residual: bool, width: usize, depth: usize, seed: u64) -> Result<Mlp> {
        if !(1..=MAX_WIDTH).contains(&width) {
            return Err(Error::out_of_range("width", 1.0, MAX_WIDTH as f64, width));
        }
        if !(1..=MAX_DEPTH).contains(&depth) {
            return Err(Error::out_of_range("depth", 1.0, MAX_DEPTH as f64, depth));
        }
        let mut r = Rng::new(seed);
        let mut u = |n: usize, fan: usize| -> Vec<f32> {
            let b = 1.0 / (fan as f64).sqrt();
            (0..n)
                .map(|_| ((r.uniform() * 2.0 - 1.0) * b) as f32)
                .collect()
        };
        let mut params = vec![u(width * 2, 2), u(width, 2)];
        for _ in 0..depth {
            params.push(u(width * width, width));
            params.push(u(width, width));
        }
        params.push(u(width, width));
        params.push(u(1, width));
        let states = vec![OptimState::default(); params.len()];
        Ok(Mlp {
            residual,
            width,
            depth,
            params,
            states,
        })
    }

    /// MSE loss on `(x [n, 2], y [n])` and the gradient of every parameter.
    pub fn loss_grad(&self, x: &[f32], y: &[f32]) -> Result<(f64, Vec<Vec<f32>>)> {
        let n = y.len();
        check_len("x", x.len(), &[n, 2])?;
        if n == 0 {
            return arg_err!("the data set is empty");
        }
        let w = self.width;
        let mut grads: Vec<Vec<f64>> = self.params.iter().map(|p| vec![0.0; p.len()]).collect();
        let mut loss = 0.0;
        let nl = self.depth;
        for s in 0..n {
            // forward, keeping every h and every tanh output
            let xi = [x[2 * s] as f64, x[2 * s + 1] as f64];
            let mut hs: Vec<Vec<f64>> = Vec::with_capacity(nl + 1);
            let mut ts: Vec<Vec<f64>> = Vec::with_capacity(nl);
            let h0: Vec<f64> = (0..w)
                .map(|o| {
                    (self.params[1][o] as f64
                        + self.params[0][2 * o] as f64 * xi[0]
                        + self.params[0][2 * o + 1] as f64 * xi[1])
                        .tanh()
                })
                .collect();
            hs.push(h0);
            for l in 0..nl {
                let (wl, bl) = (&self.params[2 + 2 * l], &self.params[3 + 2 * l]);
                let h = &hs[l];
                let t: Vec<f64> = (0..w)
                    .map(|o| {
                        (bl[o] as f64 + (0..w).map(|c| wl[o * w + c] as f64 * h[c]).sum::<f64>())
                            .tanh()
                    })
                    .collect();
                let next = if self.residual {
                    h.iter().zip(&t).map(|(a, b)| a + b).collect()
                } else {
                    t.clone()
                };
                ts.push(t);
                hs.push(next);
            }
            let k = self.params.len();
            let (wo, bo) = (&self.params[k - 2], self.params[k - 1][0] as f64);
            let hl = &hs[nl];
            let pred = bo + (0..w).map(|c| wo[c] as f64 * hl[c]).sum::<f64>();
            let e = pred - y[s] as f64;
            loss += e * e / n as f64;
            let dp = 2.0 * e / n as f64;
            grads[k - 1][0] += dp;
            let mut dh: Vec<f64> = (0..w).map(|c| dp * wo[c] as f64).collect();
            for c in 0..w {
                grads[k - 2][c] += dp * hl[c];
            }
            for l in (0..nl).rev() {
                let t = &ts[l];
                let h = &hs[l];
                let wl = &self.params[2 + 2 * l];
                let da: Vec<f64> = (0..w).map(|o| dh[o] * (1.0 - t[o] * t[o])).collect();
                let mut dprev = if self.residual {
                    dh.clone()
                } else {
                    vec![0.0; w]
                };
                for o in 0..w {
                    grads[3 + 2 * l][o] += da[o];
                    for c in 0..w {
                        grads[2 + 2 * l][o * w + c] += da[o] * h[c];
                        dprev[c] += da[o] * wl[o * w + c] as f64;
                    }
                }
                dh = dprev;
            }
            let h0 = &hs[0];
            for o in 0..w {
                let da = dh[o] * (1.0 - h0[o] * h0[o]);
                grads[1][o] += da;
                grads[0][2 * o] += da * xi[0];
                grads[0][2 * o + 1] += da * xi[1];
            }
        }
        Ok((
            loss,
            grads
                .into_iter()
                .map(|g| g.into_iter().map(|v| v as f32).collect())
                .collect(),
        ))
    }

    /// The gradient norm of each weight matrix, input layer first (`depth + 2` values).
    pub fn layer_norms(grads: &[Vec<f32>]) -> Vec<f64> {
        grads
            .iter()
            .step_by(2)
            .map(|g| g.iter().map(|&v| v as f64 * v as f64).sum::<f64>().sqrt())
            .collect()
    }

    /// One full-batch Adam step; returns the loss and per-layer gradient norms before it.
    pub fn train_step(&mut self, x: &[f32], y: &[f32], lr: f64) -> Result<(f64, Vec<f64>)> {
        let (loss, grads) = self.loss_grad(x, y)?;
        if !loss.is_finite() {
            return arg_err!("the MLP diverged (loss {loss}): lower the learning rate");
        }
        let opt = OptimConfig::adam(lr);
        for ((p, g), st) in self.params.iter_mut().zip(&grads).zip(&mut self.states) {
            optim_step(&opt, st, p, g)?;
        }
        Ok((loss, Self::layer_norms(&grads)))
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::testkit::{dot, grad_check, randn};

    #[test]
    fn counts_equal_the_closed_forms() {
        for (ca, cb, co, h, w) in [(8, 8, 16, 10, 12), (3, 5, 4, 7, 7), (64, 64, 64, 32, 32)] {
            let c = fuse_counts(ca, cb, co, h, w).unwrap();
            let hw = (h * w) as u64;
            let (ca, cb, co) = (ca as u64, cb as u64, co as u64);
            assert_eq!(c.concat_conv, ((ca + cb) * co, (ca + cb) * co * hw));
            if ca == cb {
                assert_eq!(c.add_conv, Some((ca * co, ca * co * hw)));
                assert_eq!(c.add_adds, Some(ca * hw));
            } else {
                assert_eq!(c.add_conv, None);
            }
        }
    }

    #[test]
    fn concat_then_1x1_is_add_with_separate_weights() {
        let (ca, cb, co, hw) = (3, 4, 5, 6);
        let a = randn(ca * hw, 1, 1.0);
        let b = randn(cb * hw, 2, 1.0);
        let w = randn(co * (ca + cb), 3, 1.0);
        let (l, r) = concat_identity(&a, ca, &b, cb, hw, &w, co).unwrap();
        crate::testkit::assert_close("identity", &l, &r, 1e-5, 1e-5);
        let gy = randn(co * hw, 4, 1.0);
        let (da, db, dw) = concat_conv_backward(&a, ca, &b, cb, hw, &w, co, &gy).unwrap();
        let f = |a: &[f32], b: &[f32], w: &[f32]| {
            dot(&concat_identity(a, ca, b, cb, hw, w, co).unwrap().0, &gy)
        };
        grad_check("dA", &a, &da, 8e-3, 3e-3, &mut |v| f(v, &b, &w));
        grad_check("dB", &b, &db, 8e-3, 3e-3, &mut |v| f(&a, v, &w));
        grad_check("dW", &w, &dw, 8e-3, 3e-3, &mut |v| f(&a, &b, v));
    }

    #[test]
    fn mlp_backward_matches_finite_differences_plain_and_residual() {
        let (x, y) = mlp_data(5, 3);
        for residual in [false, true] {
            let m = Mlp::new(residual, 3, 3, 9).unwrap();
            let (_, g) = m.loss_grad(&x, &y).unwrap();
            for (k, gk) in g.iter().enumerate() {
                let mut probe = m.clone();
                grad_check(
                    &format!("res={residual} p{k}"),
                    &m.params[k],
                    gk,
                    8e-3,
                    3e-3,
                    &mut |v| {
                        probe.params[k] = v.to_vec();
                        probe.loss_grad(&x, &y).unwrap().0
                    },
                );
            }
        }
    }

    #[test]
    fn the_skip_keeps_the_first_layers_gradient_alive() {
        let (x, y) = mlp_data(64, 1);
        let plain = Mlp::new(false, 16, 30, 2).unwrap();
        let res = Mlp::new(true, 16, 30, 2).unwrap();
        let np = Mlp::layer_norms(&plain.loss_grad(&x, &y).unwrap().1);
        let nr = Mlp::layer_norms(&res.loss_grad(&x, &y).unwrap().1);
        // plain: the first hidden layer's gradient is orders of magnitude below the last's
        assert!(np[1] < 1e-3 * np[30], "plain {:?}", np);
        assert!(nr[1] > 0.1 * nr[30], "residual {:?}", nr);
    }
}
