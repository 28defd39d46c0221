//! Spectral normalisation as `torch.nn.utils.parametrizations.spectral_norm`, and the exact
//! largest singular value it estimates.
//!
//! `W_mat` is the weight with axis `dim` moved to the front, flattened row-major to
//! `[h = shape[dim], w = numel / h]`. `normalize(a) = a / max(|a|, eps)` (eps clamps the norm, as
//! `F.normalize`). In training mode each call runs `n_power_iterations` of `u = normalize(W v)`
//! then `v = normalize(W^T u)` (u first, from the old v), in place on the persistent buffers; in
//! eval mode u and v are used as they are. `sigma = u . (W v)` and the result is `W / sigma`.
//! The iteration is done in f64 on the stored (f64) buffers.

use crate::tensor::numel;
use crate::{arg_err, shape_err, Result};

/// `W` as the `[h, w]` matrix of spectral norm (axis `dim` first), in f64.
pub fn weight_matrix(w: &[f32], shape: &[usize], dim: usize) -> Result<(Vec<f64>, usize, usize)> {
    if dim >= shape.len() {
        return arg_err!(
            "spectral norm dim must be < {} (the weight's rank), got {dim}",
            shape.len()
        );
    }
    let n = numel(shape)?;
    if n != w.len() {
        return shape_err!(
            "weight has {} values but its shape {shape:?} needs {n}",
            w.len()
        );
    }
    let h = shape[dim];
    if h == 0 || n == 0 {
        return shape_err!("spectral norm needs a non-empty weight, got shape {shape:?}");
    }
    let wd = n / h;
    if dim == 0 {
        return Ok((w.iter().map(|&v| v as f64).collect(), h, wd));
    }
    // outer = product of the axes before dim, inner = after: W[a, r, b] -> M[r, a*inner + b]
    let outer: usize = shape[..dim].iter().product();
    let inner: usize = shape[dim + 1..].iter().product();
    let mut m = vec![0.0f64; n];
    for a in 0..outer {
        for r in 0..h {
            for b in 0..inner {
                m[r * wd + a * inner + b] = w[(a * h + r) * inner + b] as f64;
            }
        }
    }
    Ok((m, h, wd))
}

/// `a / max(|a|, eps)` in place (`F.normalize`).
pub(super) fn normalize(a: &mut [f64], eps: f64) {
    let norm = a.iter().map(|v| v * v).sum::<f64>().sqrt().max(eps);
    a.iter_mut().for_each(|v| *v /= norm);
}

/// `W v` for the `[h, w]` matrix `m`.
pub(super) fn mat_vec(m: &[f64], h: usize, w: usize, v: &[f64]) -> Vec<f64> {
    (0..h)
        .map(|r| m[r * w..][..w].iter().zip(v).map(|(a, b)| a * b).sum())
        .collect()
}

/// `W^T u` for the `[h, w]` matrix `m`.
pub(super) fn mat_t_vec(m: &[f64], h: usize, w: usize, u: &[f64]) -> Vec<f64> {
    let mut out = vec![0.0f64; w];
    for r in 0..h {
        for (o, &a) in out.iter_mut().zip(&m[r * w..][..w]) {
            *o += a * u[r];
        }
    }
    out
}

/// Options of a spectral-norm call.
#[derive(Debug, Clone, Copy, PartialEq)]
pub struct SpectralParams {
    pub n_power_iterations: usize,
    pub eps: f64,
    pub dim: usize,
}

/// One spectral-norm forward: updates `u` `[h]` and `v` `[w]` in training mode, returns
/// `(W / sigma, sigma)`.
pub fn spectral_norm(
    w: &[f32],
    shape: &[usize],
    u: &mut [f64],
    v: &mut [f64],
    p: &SpectralParams,
    training: bool,
) -> Result<(Vec<f32>, f64)> {
    if !(p.eps.is_finite() && p.eps > 0.0) {
        return arg_err!(
            "spectral norm eps must be a finite number > 0, got {}",
            p.eps
        );
    }
    let (m, h, wd) = weight_matrix(w, shape, p.dim)?;
    if u.len() != h || v.len() != wd {
        return shape_err!(
            "spectral norm of a [{h}, {wd}] weight matrix needs u of length {h} and v of length {wd}, got {} and {}",
            u.len(),
            v.len()
        );
    }
    if training {
        for _ in 0..p.n_power_iterations {
            let mut nu = mat_vec(&m, h, wd, v);
            normalize(&mut nu, p.eps);
            u.copy_from_slice(&nu);
            let mut nv = mat_t_vec(&m, h, wd, u);
            normalize(&mut nv, p.eps);
            v.copy_from_slice(&nv);
        }
    }
    let wv = mat_vec(&m, h, wd, v);
    let sigma: f64 = u.iter().zip(&wv).map(|(a, b)| a * b).sum();
    Ok((
        w.iter().map(|&x| (x as f64 / sigma) as f32).collect(),
        sigma,
    ))
}

/// Fresh buffers as torch makes them at registration: u and v drawn from N(0, 1), normalised,
/// then 15 power iterations on `W`.
pub fn init_uv(
    w: &[f32],
    shape: &[usize],
    p: &SpectralParams,
    rng: &mut crate::rng::Rng,
) -> Result<(Vec<f64>, Vec<f64>)> {
    let (_, h, wd) = weight_matrix(w, shape, p.dim)?;
    let mut u: Vec<f64> = (0..h).map(|_| rng.normal()).collect();
    let mut v: Vec<f64> = (0..wd).map(|_| rng.normal()).collect();
    normalize(&mut u, p.eps);
    normalize(&mut v, p.eps);
    let warm = SpectralParams {
        n_power_iterations: 15,
        ..*p
    };
    spectral_norm(w, shape, &mut u, &mut v, &warm, true)?;
    Ok((u, v))
}

/// Gradient through `W_sn = W / sigma` with `sigma = u^T W v` and u, v held fixed (torch computes
/// them without gradient): `dW = (G - <G, W_sn> u v^T) / sigma`, with `u v^T` laid out in the
/// weight's own shape (`dim` first in the matrix).
pub fn spectral_norm_backward(
    g: &[f32],
    w_sn: &[f32],
    shape: &[usize],
    u: &[f64],
    v: &[f64],
    sigma: f64,
    dim: usize,
) -> Result<Vec<f32>> {
    let n = numel(shape)?;
    if g.len() != n || w_sn.len() != n {
        return shape_err!(
            "spectral norm gradient: {} and {} values for shape {shape:?}",
            g.len(),
            w_sn.len()
        );
    }
    if dim >= shape.len() || u.len() != shape[dim] || v.len() * shape[dim] != n {
        return shape_err!(
            "spectral norm gradient: u ({}) and v ({}) do not fit a weight of shape {shape:?} with dim {dim}",
            u.len(),
            v.len()
        );
    }
    let dot: f64 = g.iter().zip(w_sn).map(|(&a, &b)| a as f64 * b as f64).sum();
    let h = shape[dim];
    let outer: usize = shape[..dim].iter().product();
    let inner: usize = shape[dim + 1..].iter().product();
    let mut out = vec![0.0f32; n];
    for a in 0..outer {
        for (r, &ur) in u.iter().enumerate().take(h) {
            for b in 0..inner {
                let i = (a * h + r) * inner + b;
                let col = a * inner + b;
                out[i] = ((g[i] as f64 - dot * ur * v[col]) / sigma) as f32;
            }
        }
    }
    Ok(out)
}

/// The largest singular value of `W_mat` (`torch.linalg.svdvals(W_mat)[0]`): the square root of
/// the largest eigenvalue of the smaller Gram matrix, found by cyclic Jacobi rotations in f64
/// (accurate when the top two singular values tie, where a power iteration is slow).
pub fn sigma_exact(w: &[f32], shape: &[usize], dim: usize) -> Result<f64> {
    let (m, h, wd) = weight_matrix(w, shape, dim)?;
    let k = h.min(wd);
    // G = M M^T (h <= w) or M^T M
    let mut g = vec![0.0f64; k * k];
    for i in 0..k {
        for j in 0..=i {
            let s: f64 = if h <= wd {
                (0..wd).map(|c| m[i * wd + c] * m[j * wd + c]).sum()
            } else {
                (0..h).map(|r| m[r * wd + i] * m[r * wd + j]).sum()
            };
            g[i * k + j] = s;
            g[j * k + i] = s;
        }
    }
    for _sweep in 0..100 {
        let off: f64 = (0..k)
            .flat_map(|i| (0..k).filter(move |&j| j != i).map(move |j| (i, j)))
            .map(|(i, j)| g[i * k + j].powi(2))
            .sum();
        let diag: f64 = (0..k).map(|i| g[i * k + i].powi(2)).sum();
        if off <= 1e-30 * diag.max(f64::MIN_POSITIVE) {
            break;
        }
        for p in 0..k {
            for q in p + 1..k {
                let apq = g[p * k + q];
                if apq == 0.0 {
                    continue;
                }
                let (app, aqq) = (g[p * k + p], g[q * k + q]);
                let theta = (aqq - app) / (2.0 * apq);
                let t = theta.signum() / (theta.abs() + (theta * theta + 1.0).sqrt());
                let t = if theta == 0.0 { 1.0 } else { t };
                let c = 1.0 / (t * t + 1.0).sqrt();
                let s = t * c;
                for r in 0..k {
                    let (grp, grq) = (g[r * k + p], g[r * k + q]);
                    g[r * k + p] = c * grp - s * grq;
                    g[r * k + q] = s * grp + c * grq;
                }
                for r in 0..k {
                    let (gpr, gqr) = (g[p * k + r], g[q * k + r]);
                    g[p * k + r] = c * gpr - s * gqr;
                    g[q * k + r] = s * gpr + c * gqr;
                }
            }
        }
    }
    let top = (0..k).map(|i| g[i * k + i]).fold(0.0f64, f64::max);
    Ok(top.max(0.0).sqrt())
}
