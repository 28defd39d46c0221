//! Normalizations with PyTorch's semantics: batch, layer, instance and group norm.
//!
//! All use the **biased** variance (divide by n) and put eps **inside** the square root:
//! `y = (x - mean) / sqrt(var + eps) * gamma + beta`. Statistics are accumulated in f64 with two
//! passes (mean, then mean of squared deviations), so an input with mean 1000 and unit spread does
//! not lose its variance the way a one-pass `E[x^2] - E[x]^2` in f32 does. Batch norm's running
//! variance uses the **unbiased** estimate `var * n/(n-1)`, and `momentum` weights the new batch.
//! `batch_norm_backward` is the matching gradient (train mode through the batch statistics, eval
//! mode through the fixed running ones).

use crate::tensor::{check_len, try_zeros, ViewD};
use crate::{arg_err, shape_err, Result};

/// `(mean, 1/sqrt(var+eps))` of `n` values produced by `it` (two passes over a cloneable iterator).
fn stats<I: Iterator<Item = f32> + Clone>(it: I, n: usize, eps: f64) -> (f64, f64, f64) {
    let mean = it.clone().map(|v| v as f64).sum::<f64>() / n as f64;
    let var = it.map(|v| (v as f64 - mean).powi(2)).sum::<f64>() / n as f64;
    (mean, var, 1.0 / (var + eps).sqrt())
}

/// A batch norm's `momentum` (in [0, 1], PyTorch's convention: the weight of the new batch) and
/// `eps` (finite, >= 0), checked where a layer is made as well as on every forward.
pub fn check_batch_norm_options(momentum: f64, eps: f64) -> Result<()> {
    if !(0.0..=1.0).contains(&momentum) {
        return arg_err!(
            "momentum must be in [0, 1] (the weight of the new batch, PyTorch convention), got {momentum}"
        );
    }
    check_eps(eps)
}

fn check_eps(eps: f64) -> Result<()> {
    if !(eps.is_finite() && eps >= 0.0) {
        return arg_err!("eps must be a finite number >= 0, got {eps}");
    }
    Ok(())
}

fn check_affine(name: &str, v: Option<&[f32]>, n: usize, what: &str) -> Result<()> {
    if let Some(v) = v {
        if v.len() != n {
            return shape_err!(
                "{name} has {} values but must have one per {what} ({n})",
                v.len()
            );
        }
    }
    Ok(())
}

/// Splits an `[N, C, *]` shape into `(N, C, inner)`.
fn nc_inner(shape: &[usize]) -> Result<(usize, usize, usize)> {
    if shape.len() < 2 {
        return shape_err!("input must be at least [N, C], got shape {shape:?}");
    }
    Ok((shape[0], shape[1], shape[2..].iter().product()))
}

/// The optional per-channel (or per-element, for layer norm) scale `weight` (gamma) and shift
/// `bias` (beta) applied after normalizing: `y = xhat * weight + bias`.
#[derive(Debug, Clone, Copy, Default)]
pub struct Affine<'a> {
    pub weight: Option<&'a [f32]>,
    pub bias: Option<&'a [f32]>,
}

impl Affine<'_> {
    /// Checks both lengths against `n` (one per `what`).
    fn check(&self, n: usize, what: &str) -> Result<()> {
        check_affine("weight", self.weight, n, what)?;
        check_affine("bias", self.bias, n, what)
    }
    /// `v * weight[k] + bias[k]`, with 1 and 0 where absent.
    #[inline]
    fn apply(&self, v: f64, k: usize) -> f32 {
        (v * self.weight.map_or(1.0, |w| w[k] as f64) + self.bias.map_or(0.0, |b| b[k] as f64))
            as f32
    }
}

/// Parameters of a batch norm call.
#[derive(Debug, Clone, Copy, PartialEq)]
pub struct BatchNormParams {
    pub training: bool,
    pub momentum: f64,
    pub eps: f64,
}

/// Batch norm over `[N, C, *]`: statistics per channel over N and the spatial dims.
/// In training mode the running statistics (if given) are updated in place; in eval mode they
/// are used instead of the batch statistics. Returns the output and the batch `(mean, var)`
/// (biased) per channel, which backward passes reuse.
pub fn batch_norm(
    x: ViewD<'_>,
    affine: Affine<'_>,
    running_mean: Option<&mut [f32]>,
    running_var: Option<&mut [f32]>,
    p: &BatchNormParams,
) -> Result<(Vec<f32>, Vec<f32>, Vec<f32>)> {
    let mut y = try_zeros("the output of batch_norm", x.data().len())?;
    let (means, vars) = batch_norm_into(x, affine, running_mean, running_var, p, &mut y)?;
    Ok((y, means, vars))
}

/// `batch_norm` writing into `y` (the length of `x`); returns the batch `(mean, var)`.
pub fn batch_norm_into(
    x: ViewD<'_>,
    affine: Affine<'_>,
    running_mean: Option<&mut [f32]>,
    running_var: Option<&mut [f32]>,
    p: &BatchNormParams,
    y: &mut [f32],
) -> Result<(Vec<f32>, Vec<f32>)> {
    let (x, shape) = (x.data(), x.shape());
    check_len("output", y.len(), shape)?;
    check_eps(p.eps)?;
    let (n, c, inner) = nc_inner(shape)?;
    affine.check(c, "channel")?;
    if let Some(rm) = &running_mean {
        check_affine("running_mean", Some(rm), c, "channel")?;
    }
    if let Some(rv) = &running_var {
        check_affine("running_var", Some(rv), c, "channel")?;
    }
    check_batch_norm_options(p.momentum, p.eps)?;
    let count = n * inner;
    if p.training && count <= 1 {
        return arg_err!(
            "batch norm in training mode needs more than one value per channel, got {count} (shape {shape:?})"
        );
    }
    if !p.training && (running_mean.is_none() || running_var.is_none()) {
        return arg_err!("batch norm in eval mode needs running_mean and running_var");
    }
    let mut means = vec![0.0f32; c];
    let mut vars = vec![0.0f32; c];
    let (mut rm, mut rv) = (running_mean, running_var);
    for ch in 0..c {
        let it = (0..n).flat_map(|b| x[(b * c + ch) * inner..][..inner].iter().copied());
        let (mean, var, inv) = if p.training {
            stats(it, count, p.eps)
        } else {
            let m = rm.as_ref().map_or(0.0, |r| r[ch] as f64);
            let v = rv.as_ref().map_or(1.0, |r| r[ch] as f64);
            (m, v, 1.0 / (v + p.eps).sqrt())
        };
        means[ch] = mean as f32;
        vars[ch] = var as f32;
        if p.training {
            if let Some(r) = rm.as_deref_mut() {
                r[ch] = ((1.0 - p.momentum) * r[ch] as f64 + p.momentum * mean) as f32;
            }
            if let Some(r) = rv.as_deref_mut() {
                let unbiased = var * count as f64 / (count - 1) as f64;
                r[ch] = ((1.0 - p.momentum) * r[ch] as f64 + p.momentum * unbiased) as f32;
            }
        }
        for bi in 0..n {
            let o = (bi * c + ch) * inner;
            for (yv, &xv) in y[o..o + inner].iter_mut().zip(&x[o..o + inner]) {
                *yv = affine.apply((xv as f64 - mean) * inv, ch);
            }
        }
    }
    Ok((means, vars))
}

/// Gradients of `batch_norm` over `[N, C, *]`: returns `(dx, dweight, dbias)`.
/// `mean` and `var` are what the forward used per channel: the batch's (biased) statistics that
/// `batch_norm` returns in training mode, or the running ones in eval mode. In training mode the
/// statistics depend on x, so with `xhat = (x - mean) inv` and `m = N * inner` values per channel:
/// `dx = inv/m (m dxhat - sum dxhat - xhat sum(dxhat xhat))`, `dxhat = dy * gamma`; in eval mode
/// `dx = dy * gamma * inv`. `dweight = sum dy xhat`, `dbias = sum dy` in both. `p.training` and
/// `p.eps` are the forward's (`p.momentum` plays no part).
pub fn batch_norm_backward(
    x: ViewD<'_>,
    dy: &[f32],
    weight: Option<&[f32]>,
    [mean, var]: [&[f32]; 2],
    p: &BatchNormParams,
) -> Result<(Vec<f32>, Vec<f32>, Vec<f32>)> {
    let (x, shape) = (x.data(), x.shape());
    let (eps, training) = (p.eps, p.training);
    check_len("output gradient", dy.len(), shape)?;
    check_eps(eps)?;
    let (n, c, inner) = nc_inner(shape)?;
    check_affine("weight", weight, c, "channel")?;
    check_affine("mean", Some(mean), c, "channel")?;
    check_affine("var", Some(var), c, "channel")?;
    let m = (n * inner) as f64;
    let mut dx = try_zeros("the input gradient of batch_norm", x.len())?;
    let mut dw = vec![0.0f32; c];
    let mut db = vec![0.0f32; c];
    for ch in 0..c {
        let mu = mean[ch] as f64;
        let inv = 1.0 / (var[ch] as f64 + eps).sqrt();
        let g = weight.map_or(1.0, |w| w[ch] as f64);
        let (mut sdy, mut sdyx) = (0.0f64, 0.0f64);
        for b in 0..n {
            let o = (b * c + ch) * inner;
            for (&xv, &d) in x[o..o + inner].iter().zip(&dy[o..o + inner]) {
                sdy += d as f64;
                sdyx += d as f64 * (xv as f64 - mu) * inv;
            }
        }
        dw[ch] = sdyx as f32;
        db[ch] = sdy as f32;
        for b in 0..n {
            let o = (b * c + ch) * inner;
            for ((d, &xv), &dyv) in dx[o..o + inner]
                .iter_mut()
                .zip(&x[o..o + inner])
                .zip(&dy[o..o + inner])
            {
                *d = if training {
                    let xhat = (xv as f64 - mu) * inv;
                    (g * inv / m * (m * dyv as f64 - sdy - xhat * sdyx)) as f32
                } else {
                    (dyv as f64 * g * inv) as f32
                };
            }
        }
    }
    Ok((dx, dw, db))
}

/// Normalizes each of the `x.len()/len` consecutive runs of `len` values into `y`, through
/// `out(normalized value in f64, index in x)`.
fn normalize_runs_into(
    x: &[f32],
    len: usize,
    eps: f64,
    y: &mut [f32],
    out: impl Fn(f64, usize) -> f32,
) {
    for (r, (xr, yr)) in x.chunks_exact(len).zip(y.chunks_exact_mut(len)).enumerate() {
        let (mean, _, inv) = stats(xr.iter().copied(), len, eps);
        for (i, (yv, &xv)) in yr.iter_mut().zip(xr).enumerate() {
            *yv = out((xv as f64 - mean) * inv, r * len + i);
        }
    }
}

/// Layer norm: statistics per sample over the last `normalized_shape.len()` dims; weight and bias
/// have shape `normalized_shape` (elementwise affine).
pub fn layer_norm(
    x: ViewD<'_>,
    normalized_shape: &[usize],
    affine: Affine<'_>,
    eps: f64,
) -> Result<Vec<f32>> {
    let mut y = try_zeros("the output of layer_norm", x.data().len())?;
    layer_norm_into(x, normalized_shape, affine, eps, &mut y)?;
    Ok(y)
}

/// `layer_norm` into `y` (the length of `x`; nothing allocated).
pub fn layer_norm_into(
    x: ViewD<'_>,
    normalized_shape: &[usize],
    affine: Affine<'_>,
    eps: f64,
    y: &mut [f32],
) -> Result<()> {
    let (x, shape) = (x.data(), x.shape());
    check_len("output", y.len(), shape)?;
    check_eps(eps)?;
    let k = normalized_shape.len();
    if k == 0 || k > shape.len() || shape[shape.len() - k..] != *normalized_shape {
        return shape_err!(
            "normalized_shape {normalized_shape:?} must be a non-empty suffix of the input shape {shape:?}"
        );
    }
    let len: usize = normalized_shape.iter().product();
    if len == 0 {
        return shape_err!("normalized_shape {normalized_shape:?} has no elements");
    }
    affine.check(len, "normalized element")?;
    normalize_runs_into(x, len, eps, y, |v, i| affine.apply(v, i % len));
    Ok(())
}

/// Group norm over `[N, C, *]`: channels split into `groups` contiguous blocks; statistics per
/// (sample, group); affine per channel. `groups = 1` normalizes like a layer norm over (C, *);
/// `groups = C` is instance norm.
pub fn group_norm(x: ViewD<'_>, groups: usize, affine: Affine<'_>, eps: f64) -> Result<Vec<f32>> {
    let mut y = try_zeros("the output of group_norm", x.data().len())?;
    group_norm_into(x, groups, affine, eps, &mut y)?;
    Ok(y)
}

/// `group_norm` into `y` (the length of `x`; nothing allocated).
pub fn group_norm_into(
    x: ViewD<'_>,
    groups: usize,
    affine: Affine<'_>,
    eps: f64,
    y: &mut [f32],
) -> Result<()> {
    let (x, shape) = (x.data(), x.shape());
    check_len("output", y.len(), shape)?;
    check_eps(eps)?;
    let (_, c, inner) = nc_inner(shape)?;
    if groups == 0 || c % groups != 0 {
        return arg_err!("num_groups must divide the {c} channels, got {groups}");
    }
    affine.check(c, "channel")?;
    let len = c / groups * inner;
    if len == 0 {
        return shape_err!("input shape {shape:?} has empty groups");
    }
    normalize_runs_into(x, len, eps, y, |v, i| affine.apply(v, (i / inner) % c));
    Ok(())
}

/// Instance norm over `[N, C, *]`: statistics per (sample, channel) over the spatial dims.
pub fn instance_norm(x: ViewD<'_>, affine: Affine<'_>, eps: f64) -> Result<Vec<f32>> {
    let mut y = try_zeros("the output of instance_norm", x.data().len())?;
    instance_norm_into(x, affine, eps, &mut y)?;
    Ok(y)
}

/// `instance_norm` into `y` (the length of `x`; nothing allocated).
pub fn instance_norm_into(x: ViewD<'_>, affine: Affine<'_>, eps: f64, y: &mut [f32]) -> Result<()> {
    let (_, c, inner) = nc_inner(x.shape())?;
    if inner <= 1 {
        return shape_err!(
            "instance norm needs more than one spatial value per channel, got shape {:?}",
            x.shape()
        );
    }
    group_norm_into(x, c.max(1), affine, eps, y)
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::testkit::{dot, grad_check, randn};

    fn view<'a>(x: &'a [f32], shape: &'a [usize]) -> ViewD<'a> {
        ViewD::new("input", x, shape).unwrap()
    }

    fn affine<'a>(weight: &'a [f32], bias: &'a [f32]) -> Affine<'a> {
        Affine {
            weight: Some(weight),
            bias: Some(bias),
        }
    }

    #[test]
    fn offset_input_keeps_its_variance() {
        // mean 1000, values +-1: a one-pass f32 E[x^2]-E[x]^2 returns ~0 or negative here.
        let x: Vec<f32> = (0..64)
            .map(|i| 1000.0 + if i % 2 == 0 { 1.0 } else { -1.0 })
            .collect();
        let y = layer_norm(view(&x, &[1, 64]), &[64], Affine::default(), 0.0).unwrap();
        for (i, v) in y.iter().enumerate() {
            let e = if i % 2 == 0 { 1.0 } else { -1.0 };
            assert!((v - e).abs() < 1e-5, "{v}");
        }
    }

    #[test]
    fn batch_norm_running_stats_use_unbiased_variance() {
        let x = [1.0f32, 3.0]; // shape [2,1]: mean 2, biased var 1, unbiased 2
        let mut rm = [0.0f32];
        let mut rv = [1.0f32];
        let p = BatchNormParams {
            training: true,
            momentum: 0.5,
            eps: 0.0,
        };
        let (y, _, _) = batch_norm(
            view(&x, &[2, 1]),
            Affine::default(),
            Some(&mut rm),
            Some(&mut rv),
            &p,
        )
        .unwrap();
        assert_eq!(y, vec![-1.0, 1.0]);
        assert_eq!(rm, [1.0]);
        assert_eq!(rv, [1.5]);
        // eval mode uses the running statistics: (1 - 1)/sqrt(1.5) = 0
        let p = BatchNormParams {
            training: false,
            ..p
        };
        let (y, _, _) = batch_norm(
            view(&[1.0], &[1, 1]),
            Affine::default(),
            Some(&mut rm),
            Some(&mut rv),
            &p,
        )
        .unwrap();
        assert_eq!(y, vec![0.0]);
    }

    #[test]
    fn group_norm_errors() {
        let e = group_norm(view(&[0.0; 12], &[1, 3, 4]), 2, Affine::default(), 1e-5)
            .unwrap_err()
            .to_string();
        assert!(
            e.contains("num_groups must divide the 3 channels, got 2"),
            "{e}"
        );
        let e = layer_norm(view(&[0.0; 12], &[3, 4]), &[3], Affine::default(), 1e-5)
            .unwrap_err()
            .to_string();
        assert!(e.contains("suffix"), "{e}");
    }

    #[test]
    fn batch_norm_backward_matches_finite_differences() {
        let shape = [5usize, 3, 2];
        let x: Vec<f32> = randn(30, 3, 2.0).iter().map(|v| v + 1.0).collect();
        let coef = randn(30, 4, 1.0);
        let w = [0.7f32, -1.3, 2.0];
        let b = [0.1f32, 0.0, -0.4];
        for training in [true, false] {
            let p = BatchNormParams {
                training,
                momentum: 0.1,
                eps: 1e-5,
            };
            let (rm, rv) = ([0.3f32, -0.2, 1.0], [1.5f32, 0.7, 2.0]);
            // objective sum(coef * y), as f64; its gradient w.r.t. y is coef
            let obj = |x: &[f32], w: &[f32], b: &[f32]| -> f64 {
                let (mut m, mut v) = (rm, rv);
                let (y, _, _) = batch_norm(
                    view(x, &shape),
                    affine(w, b),
                    Some(&mut m),
                    Some(&mut v),
                    &p,
                )
                .unwrap();
                dot(&y, &coef)
            };
            let (mut m, mut v) = (rm, rv);
            let (_, bm, bv) = batch_norm(
                view(&x, &shape),
                affine(&w, &b),
                Some(&mut m),
                Some(&mut v),
                &p,
            )
            .unwrap();
            let (mean, var) = if training {
                (bm, bv)
            } else {
                (rm.to_vec(), rv.to_vec())
            };
            let (dx, dw, db) =
                batch_norm_backward(view(&x, &shape), &coef, Some(&w), [&mean, &var], &p).unwrap();
            let what = |v: &str| format!("training={training} {v}");
            grad_check(&what("dx"), &x, &dx, 8e-3, 2e-3, &mut |xv| obj(xv, &w, &b));
            grad_check(&what("dweight"), &w, &dw, 8e-3, 2e-3, &mut |wv| {
                obj(&x, wv, &b)
            });
            grad_check(&what("dbias"), &b, &db, 8e-3, 2e-3, &mut |bv| {
                obj(&x, &w, bv)
            });
        }
    }
}
