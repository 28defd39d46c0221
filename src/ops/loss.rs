//! Losses with PyTorch's semantics (see shared/golden/README.md for the exact conventions):
//! cross-entropy with class-index or probability targets (class weights, ignore_index, label
//! smoothing that puts eps/C on **every** class), BCE with logits (pos_weight), torchvision's
//! sigmoid focal loss, MSE, and the knowledge-distillation loss `KL(teacher || student) * T^2`.
//! Everything is accumulated in f64 from f32 inputs.
//!
//! Each loss the training engine uses has a `*_backward` next to it: the gradient of the reduced
//! loss with respect to its input (logits), for `Reduction::Mean` or `Sum` (for `None` the caller
//! weights each element itself, so those functions take the reduction the forward used). Every
//! backward is checked against central differences of its forward in the tests below.

use super::activation::{log_sigmoid, sigmoid1};
use super::{reduce, LossOut, Reduction};
use crate::tensor::{check_len, try_filled};
use crate::{arg_err, shape_err, Result};

/// `(N, C, inner)` of a logits shape with classes on dim 1.
fn classes(shape: &[usize]) -> Result<(usize, usize, usize)> {
    if shape.len() < 2 {
        return shape_err!("logits must be [N, C] or [N, C, d...], got {shape:?}");
    }
    if shape[1] == 0 {
        return shape_err!("logits have 0 classes ({shape:?})");
    }
    Ok((shape[0], shape[1], shape[2..].iter().product()))
}

/// Log-softmax over the class dim of one position: returns `lp[c]` in f64.
fn log_probs(x: &[f32], n: usize, c: usize, inner: usize, i: usize, out: &mut [f64]) {
    let at = |k: usize| x[(n * c + k) * inner + i] as f64;
    let m = (0..c).map(at).fold(f64::NEG_INFINITY, f64::max);
    let ls = (0..c).map(|k| (at(k) - m).exp()).sum::<f64>().ln();
    for (k, o) in out.iter_mut().enumerate() {
        *o = at(k) - m - ls;
    }
}

fn check_smoothing(eps: f32) -> Result<()> {
    if !(0.0..=1.0).contains(&eps) {
        return arg_err!("label_smoothing must be in [0, 1], got {eps}");
    }
    Ok(())
}

/// Options of cross-entropy.
#[derive(Debug, Clone, PartialEq)]
pub struct CrossEntropyParams<'a> {
    pub weight: Option<&'a [f32]>,
    pub ignore_index: i64,
    pub label_smoothing: f32,
    pub reduction: Reduction,
}

impl Default for CrossEntropyParams<'_> {
    fn default() -> Self {
        CrossEntropyParams {
            weight: None,
            ignore_index: -100,
            label_smoothing: 0.0,
            reduction: Reduction::Mean,
        }
    }
}

/// Cross-entropy with class-index targets: logits `[N, C, *]`, targets `[N, *]`.
/// `loss_i = (1-eps) w[y_i] (-lp[i,y_i]) + eps/C sum_c w_c (-lp[i,c])`; mean divides by the sum
/// of `w[y_i]` over non-ignored positions.
pub fn cross_entropy(
    x: &[f32],
    shape: &[usize],
    target: &[i64],
    p: &CrossEntropyParams,
) -> Result<LossOut> {
    let t = IndexTargets::new(x, shape, target, p)?;
    let eps = p.label_smoothing as f64;
    let mut per = try_filled("the per-element losses", t.n * t.inner, 0.0f64)?;
    let denom = t.walk(|pos, y, lp| {
        let nll = -lp[y] * t.wc(y);
        let smooth: f64 = (0..t.c).map(|k| -lp[k] * t.wc(k)).sum();
        per[pos.0 * t.inner + pos.1] = (1.0 - eps) * nll + eps / t.c as f64 * smooth;
    })?;
    Ok(reduce(per, t.tshape, p.reduction, denom))
}

/// The checked inputs of `cross_entropy` and its backward: logits `[N, C, *]`, class-index
/// targets `[N, *]`, optional class weights, and the walk over the positions they share.
struct IndexTargets<'a> {
    x: &'a [f32],
    target: &'a [i64],
    p: &'a CrossEntropyParams<'a>,
    /// `[N, *]`, the shape of the targets and of the per-position losses.
    tshape: Vec<usize>,
    n: usize,
    c: usize,
    inner: usize,
}

impl<'a> IndexTargets<'a> {
    fn new(
        x: &'a [f32],
        shape: &[usize],
        target: &'a [i64],
        p: &'a CrossEntropyParams<'a>,
    ) -> Result<Self> {
        check_len("logits", x.len(), shape)?;
        check_smoothing(p.label_smoothing)?;
        let (n, c, inner) = classes(shape)?;
        let tshape: Vec<usize> = std::iter::once(n)
            .chain(shape[2..].iter().copied())
            .collect();
        check_len("target", target.len(), &tshape)?;
        if let Some(w) = p.weight {
            check_len("class weight", w.len(), &[c])?;
        }
        Ok(IndexTargets {
            x,
            tshape,
            target,
            p,
            n,
            c,
            inner,
        })
    }

    /// The weight of class `k` (1 without class weights).
    fn wc(&self, k: usize) -> f64 {
        self.p.weight.map_or(1.0, |w| w[k] as f64)
    }

    /// Calls `f((b, i), y, log_probs)` for every position whose target `y` is not
    /// `ignore_index` (an out-of-range target is an error) and returns `sum w[y]`, the mean's
    /// denominator.
    fn walk(&self, mut f: impl FnMut((usize, usize), usize, &[f64])) -> Result<f64> {
        let (c, inner) = (self.c, self.inner);
        let mut lp = vec![0.0f64; c];
        let mut denom = 0.0f64;
        for b in 0..self.n {
            for i in 0..inner {
                let t = self.target[b * inner + i];
                if t == self.p.ignore_index {
                    continue;
                }
                if t < 0 || t as usize >= c {
                    return arg_err!(
                        "target {t} at position {} is not a class index in [0, {c})",
                        b * inner + i
                    );
                }
                log_probs(self.x, b, c, inner, i, &mut lp);
                f((b, i), t as usize, &lp);
                denom += self.wc(t as usize);
            }
        }
        Ok(denom)
    }
}

/// Cross-entropy with probability targets `[N, C, *]` (same shape as the logits):
/// `p' = (1-eps) p + eps/C`, `loss_i = -sum_c w_c p'_c lp[i,c]`; mean divides by N * inner.
pub fn cross_entropy_probs(
    x: &[f32],
    shape: &[usize],
    target: &[f32],
    p: &CrossEntropyParams,
) -> Result<LossOut> {
    check_len("logits", x.len(), shape)?;
    check_len("target", target.len(), shape)?;
    check_smoothing(p.label_smoothing)?;
    let (n, c, inner) = classes(shape)?;
    if let Some(w) = p.weight {
        check_len("class weight", w.len(), &[c])?;
    }
    let eps = p.label_smoothing as f64;
    let mut per = try_filled("the per-element losses", n * inner, 0.0f64)?;
    let mut lp = vec![0.0f64; c];
    for b in 0..n {
        for i in 0..inner {
            log_probs(x, b, c, inner, i, &mut lp);
            per[b * inner + i] = -(0..c)
                .map(|k| {
                    let pk = (1.0 - eps) * target[(b * c + k) * inner + i] as f64 + eps / c as f64;
                    p.weight.map_or(1.0, |w| w[k] as f64) * pk * lp[k]
                })
                .sum::<f64>();
        }
    }
    let tshape: Vec<usize> = std::iter::once(n)
        .chain(shape[2..].iter().copied())
        .collect();
    Ok(reduce(per, tshape, p.reduction, (n * inner) as f64))
}

/// Index of the `pos_weight` entry for flat element `i` when it broadcasts along `dim`.
fn dim_index(shape: &[usize], dim: usize, i: usize) -> usize {
    let inner: usize = shape[dim + 1..].iter().product();
    (i / inner) % shape[dim]
}

/// The checks of `bce_with_logits` and its backward: logits and targets of `shape`, and one
/// `pos_weight` per entry of dim `pos_weight_dim`.
fn check_bce(
    x: &[f32],
    shape: &[usize],
    target: &[f32],
    pos_weight: Option<&[f32]>,
    pos_weight_dim: usize,
) -> Result<()> {
    check_len("logits", x.len(), shape)?;
    check_len("target", target.len(), shape)?;
    if let Some(pw) = pos_weight {
        if pos_weight_dim >= shape.len() || pw.len() != shape[pos_weight_dim] {
            return shape_err!(
                "pos_weight has {} values but must have one per entry of dim {pos_weight_dim} of {shape:?}",
                pw.len()
            );
        }
    }
    Ok(())
}

/// BCE with logits: `-[pw y log s(x) + (1-y) log s(-x)]`, element-wise, `pos_weight` along
/// `pos_weight_dim` (torch broadcasts it against the last dim; pass `shape.len()-1` for that).
pub fn bce_with_logits(
    x: &[f32],
    shape: &[usize],
    target: &[f32],
    pos_weight: Option<&[f32]>,
    pos_weight_dim: usize,
    red: Reduction,
) -> Result<LossOut> {
    check_bce(x, shape, target, pos_weight, pos_weight_dim)?;
    let per: Vec<f64> = x
        .iter()
        .zip(target)
        .enumerate()
        .map(|(i, (&xv, &yv))| {
            let (xv, yv) = (xv as f64, yv as f64);
            let pw = pos_weight.map_or(1.0, |pw| pw[dim_index(shape, pos_weight_dim, i)] as f64);
            -(pw * yv * log_sigmoid(xv) + (1.0 - yv) * log_sigmoid(-xv))
        })
        .collect();
    let n = per.len() as f64;
    Ok(reduce(per, shape.to_vec(), red, n))
}

/// The checks of `sigmoid_focal_loss` and its backward: logits and targets of `shape`,
/// `gamma >= 0`, `alpha <= 1` (negative disables it).
fn check_focal(x: &[f32], shape: &[usize], target: &[f32], alpha: f32, gamma: f32) -> Result<()> {
    check_len("logits", x.len(), shape)?;
    check_len("target", target.len(), shape)?;
    if !(gamma >= 0.0 && gamma.is_finite()) {
        return arg_err!("gamma must be a finite number >= 0, got {gamma}");
    }
    if alpha > 1.0 || !alpha.is_finite() {
        return arg_err!("alpha must be in [0, 1], or negative to disable it; got {alpha}");
    }
    Ok(())
}

/// torchvision's `sigmoid_focal_loss` (Lin et al. 2017): `ce * (1-p_t)^gamma`, times
/// `alpha y + (1-alpha)(1-y)` when `alpha >= 0`; mean is over all elements.
pub fn sigmoid_focal_loss(
    x: &[f32],
    shape: &[usize],
    target: &[f32],
    alpha: f32,
    gamma: f32,
    red: Reduction,
) -> Result<LossOut> {
    check_focal(x, shape, target, alpha, gamma)?;
    let per: Vec<f64> = x
        .iter()
        .zip(target)
        .map(|(&xv, &yv)| {
            let (xv, yv) = (xv as f64, yv as f64);
            let ce = -(yv * log_sigmoid(xv) + (1.0 - yv) * log_sigmoid(-xv));
            let pr = log_sigmoid(xv).exp();
            let pt = pr * yv + (1.0 - pr) * (1.0 - yv);
            let mut l = ce * (1.0 - pt).powf(gamma as f64);
            if alpha >= 0.0 {
                l *= alpha as f64 * yv + (1.0 - alpha as f64) * (1.0 - yv);
            }
            l
        })
        .collect();
    let n = per.len() as f64;
    Ok(reduce(per, shape.to_vec(), red, n))
}

/// Mean squared error.
pub fn mse_loss(a: &[f32], b: &[f32], shape: &[usize], red: Reduction) -> Result<LossOut> {
    check_len("input", a.len(), shape)?;
    check_len("target", b.len(), shape)?;
    let per: Vec<f64> = a
        .iter()
        .zip(b)
        .map(|(&x, &y)| (x as f64 - y as f64).powi(2))
        .collect();
    let n = per.len() as f64;
    Ok(reduce(per, shape.to_vec(), red, n))
}

/// Scale of the gradient for a reduction: 1 for sum, 1/denom for mean. `None` has no scalar to
/// differentiate; treating it as sum gives the per-element derivatives.
fn grad_scale(red: Reduction, denom: f64) -> f64 {
    match red {
        Reduction::Mean => 1.0 / denom,
        Reduction::Sum | Reduction::None => 1.0,
    }
}

/// Gradient of `cross_entropy` with respect to the logits (same shape):
/// `d loss_i / d x_ic = (1-eps) w[y_i] (p_c - [c = y_i]) + eps/C (W p_c - w_c)` with `p = softmax`
/// and `W = sum_k w_k`; ignored positions get 0; mean divides by `sum w[y_i]` as the forward does.
pub fn cross_entropy_backward(
    x: &[f32],
    shape: &[usize],
    target: &[i64],
    p: &CrossEntropyParams,
) -> Result<Vec<f32>> {
    let t = IndexTargets::new(x, shape, target, p)?;
    let (c, inner) = (t.c, t.inner);
    let wsum: f64 = (0..c).map(|k| t.wc(k)).sum();
    let eps = p.label_smoothing as f64;
    let mut g = try_filled("the gradient (f64)", x.len(), 0.0f64)?;
    let denom = t.walk(|(b, i), y, lp| {
        for k in 0..c {
            let pk = lp[k].exp();
            let hard = (1.0 - eps) * t.wc(y) * (pk - if k == y { 1.0 } else { 0.0 });
            let smooth = eps / c as f64 * (wsum * pk - t.wc(k));
            g[(b * c + k) * inner + i] = hard + smooth;
        }
    })?;
    let s = grad_scale(p.reduction, denom);
    Ok(g.into_iter().map(|v| (v * s) as f32).collect())
}

/// Gradient of `bce_with_logits` with respect to the logits:
/// `sigmoid(x) (pw y + 1 - y) - pw y`, scaled by 1/numel for mean.
pub fn bce_with_logits_backward(
    x: &[f32],
    shape: &[usize],
    target: &[f32],
    pos_weight: Option<&[f32]>,
    pos_weight_dim: usize,
    red: Reduction,
) -> Result<Vec<f32>> {
    check_bce(x, shape, target, pos_weight, pos_weight_dim)?;
    let s = grad_scale(red, x.len() as f64);
    Ok(x.iter()
        .zip(target)
        .enumerate()
        .map(|(i, (&xv, &yv))| {
            let (sx, yv) = (sigmoid1(xv) as f64, yv as f64);
            let pw = pos_weight.map_or(1.0, |pw| pw[dim_index(shape, pos_weight_dim, i)] as f64);
            ((sx * (pw * yv + 1.0 - yv) - pw * yv) * s) as f32
        })
        .collect())
}

/// Gradient of `sigmoid_focal_loss` with respect to the logits. With `p = sigmoid(x)`,
/// `ce' = p - y`, `1 - p_t = p + y - 2py` and `(1 - p_t)' = (1 - 2y) p (1 - p)`:
/// `d/dx [a_t ce (1-p_t)^g] = a_t [ce' (1-p_t)^g + g ce (1-p_t)^(g-1) (1-p_t)']`.
pub fn sigmoid_focal_loss_backward(
    x: &[f32],
    shape: &[usize],
    target: &[f32],
    alpha: f32,
    gamma: f32,
    red: Reduction,
) -> Result<Vec<f32>> {
    check_focal(x, shape, target, alpha, gamma)?;
    let g = gamma as f64;
    let s = grad_scale(red, x.len() as f64);
    Ok(x.iter()
        .zip(target)
        .map(|(&xv, &yv)| {
            let (xv, y) = (xv as f64, yv as f64);
            let p = log_sigmoid(xv).exp();
            let ce = -(y * log_sigmoid(xv) + (1.0 - y) * log_sigmoid(-xv));
            let q = (p + y - 2.0 * p * y).max(0.0); // 1 - p_t
            let dq = (1.0 - 2.0 * y) * p * (1.0 - p);
            let mut d = (p - y) * q.powf(g);
            if g != 0.0 && q > 0.0 {
                d += g * ce * q.powf(g - 1.0) * dq;
            }
            if alpha >= 0.0 {
                d *= alpha as f64 * y + (1.0 - alpha as f64) * (1.0 - y);
            }
            (d * s) as f32
        })
        .collect())
}

/// Gradient of `mse_loss` with respect to its first input: `2 (a - b)`, / numel for mean.
pub fn mse_loss_backward(
    a: &[f32],
    b: &[f32],
    shape: &[usize],
    red: Reduction,
) -> Result<Vec<f32>> {
    check_len("input", a.len(), shape)?;
    check_len("target", b.len(), shape)?;
    let s = grad_scale(red, a.len() as f64);
    Ok(a.iter()
        .zip(b)
        .map(|(&x, &y)| (2.0 * (x as f64 - y as f64) * s) as f32)
        .collect())
}

/// Knowledge-distillation loss (Hinton et al.): `T^2 / N * sum p_t (log p_t - log p_s)` with
/// `p = softmax(logits / T)` over dim 1 of `[N, C]`; terms with `p_t = 0` count 0.
pub fn kd_loss(student: &[f32], teacher: &[f32], shape: &[usize], t: f32) -> Result<f32> {
    check_len("student logits", student.len(), shape)?;
    check_len("teacher logits", teacher.len(), shape)?;
    if !(t > 0.0 && t.is_finite()) {
        return arg_err!("temperature must be a positive finite number, got {t}");
    }
    let (n, c, inner) = classes(shape)?;
    let scale =
        |v: &[f32]| -> Vec<f32> { v.iter().map(|&x| (x as f64 / t as f64) as f32).collect() };
    let (s, te) = (scale(student), scale(teacher));
    let (mut ls, mut lt) = (vec![0.0; c], vec![0.0; c]);
    let mut total = 0.0f64;
    for b in 0..n {
        for i in 0..inner {
            log_probs(&s, b, c, inner, i, &mut ls);
            log_probs(&te, b, c, inner, i, &mut lt);
            for k in 0..c {
                let pt = lt[k].exp();
                if pt > 0.0 {
                    total += pt * (lt[k] - ls[k]);
                }
            }
        }
    }
    Ok((total / n as f64 * (t as f64).powi(2)) as f32)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn smoothing_spreads_over_every_class() {
        // Uniform logits: -lp = ln C for every class, so any smoothing gives ln C.
        let x = [0.0f32; 4];
        let p = CrossEntropyParams {
            label_smoothing: 0.3,
            ..Default::default()
        };
        let l = cross_entropy(&x, &[1, 4], &[2], &p).unwrap();
        assert!((l.data[0] - 4f32.ln()).abs() < 1e-6);
        // Confident correct logits: with eps the loss is eps/C * sum(-lp) > 0.
        let x = [0.0f32, 0.0, 20.0, 0.0];
        let l = cross_entropy(&x, &[1, 4], &[2], &p).unwrap().data[0] as f64;
        let lse = (3.0 + 20f64.exp()).ln();
        let exact = 0.7 * (lse - 20.0) + 0.3 / 4.0 * ((lse - 20.0) + 3.0 * lse);
        assert!((l - exact).abs() < 1e-5, "{l} vs {exact}");
    }

    #[test]
    fn bad_targets_are_errors() {
        let p = CrossEntropyParams::default();
        let e = cross_entropy(&[0.0; 4], &[2, 2], &[0, 5], &p)
            .unwrap_err()
            .to_string();
        assert!(e.contains("target 5"), "{e}");
        assert!(cross_entropy(&[0.0; 4], &[2, 2], &[0, -100], &p).is_ok());
        assert!(kd_loss(&[0.0; 2], &[0.0; 2], &[1, 2], 0.0).is_err());
    }

    #[test]
    fn focal_with_gamma_zero_is_bce() {
        let x = [0.3f32, -2.0, 5.0];
        let y = [1.0f32, 0.0, 0.0];
        let f = sigmoid_focal_loss(&x, &[3], &y, -1.0, 0.0, Reduction::Sum).unwrap();
        let b = bce_with_logits(&x, &[3], &y, None, 0, Reduction::Sum).unwrap();
        assert!((f.data[0] - b.data[0]).abs() < 1e-6);
    }

    /// Central difference of a scalar loss `f` around `x`, coordinate by coordinate, against `g`.
    fn check_grad(name: &str, x: &[f32], g: &[f32], f: &dyn Fn(&[f32]) -> f32) {
        crate::testkit::grad_check(name, x, g, 8e-3, 2e-3, &mut |v| f(v) as f64);
    }

    fn logits(n: usize, seed: u64) -> Vec<f32> {
        crate::testkit::randn(n, seed, 1.5)
    }

    #[test]
    fn cross_entropy_backward_matches_finite_differences() {
        let shape = [3usize, 4, 2];
        let x = logits(24, 1);
        let t = [0i64, 3, 2, -100, 1, 1];
        let w = [0.5f32, 1.0, 2.0, 1.5];
        for (eps, weight, red) in [
            (0.0, None, Reduction::Mean),
            (0.2, None, Reduction::Mean),
            (0.1, Some(&w[..]), Reduction::Mean),
            (0.3, Some(&w[..]), Reduction::Sum),
        ] {
            let p = CrossEntropyParams {
                weight,
                label_smoothing: eps,
                reduction: red,
                ..Default::default()
            };
            let g = cross_entropy_backward(&x, &shape, &t, &p).unwrap();
            let f = |v: &[f32]| cross_entropy(v, &shape, &t, &p).unwrap().data[0];
            check_grad(&format!("cross_entropy eps={eps} {red:?}"), &x, &g, &f);
        }
    }

    #[test]
    fn bce_focal_mse_backward_match_finite_differences() {
        let shape = [4usize, 3];
        let x = logits(12, 2);
        let y: Vec<f32> = (0..12).map(|i| [0.0, 1.0, 0.3][i % 3]).collect();
        let pw = [2.0f32, 0.5, 1.0];
        for red in [Reduction::Mean, Reduction::Sum] {
            for pwo in [None, Some(&pw[..])] {
                let g = bce_with_logits_backward(&x, &shape, &y, pwo, 1, red).unwrap();
                let f = |v: &[f32]| bce_with_logits(v, &shape, &y, pwo, 1, red).unwrap().data[0];
                check_grad("bce_with_logits", &x, &g, &f);
            }
            for (alpha, gamma) in [
                (0.25, 2.0),
                (-1.0, 0.0),
                (0.75, 1.0),
                (0.5, 2.5),
                (-1.0, 0.5),
            ] {
                let g = sigmoid_focal_loss_backward(&x, &shape, &y, alpha, gamma, red).unwrap();
                let f = |v: &[f32]| {
                    sigmoid_focal_loss(v, &shape, &y, alpha, gamma, red)
                        .unwrap()
                        .data[0]
                };
                check_grad(&format!("focal a={alpha} g={gamma}"), &x, &g, &f);
            }
            let g = mse_loss_backward(&x, &y, &shape, red).unwrap();
            let f = |v: &[f32]| mse_loss(v, &y, &shape, red).unwrap().data[0];
            check_grad("mse", &x, &g, &f);
        }
        assert!(sigmoid_focal_loss_backward(&x, &shape, &y, 0.25, -1.0, Reduction::Mean).is_err());
        assert!(mse_loss_backward(&x, &y[..3], &shape, Reduction::Mean).is_err());
    }
}
