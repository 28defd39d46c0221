//! Softmax, log-softmax and sigmoid, stable for inputs of +-1000 (and beyond), plus the
//! element-wise activations used by the training engine.
//!
//! `softmax = exp(x - max) / sum exp(x - max)`, `log_softmax = (x - max) - log sum exp(x - max)`,
//! `sigmoid = 1/(1+e^-x)` for x >= 0 and `e^x/(1+e^x)` for x < 0 (no overflow either way).

use crate::tensor::check_len;
use crate::{shape_err, Result};

/// `(outer, n, inner)` for reducing `shape` along `dim`.
pub fn split_dim(shape: &[usize], dim: usize) -> Result<(usize, usize, usize)> {
    if dim >= shape.len() {
        return shape_err!(
            "dim {dim} is out of range for a tensor with {} dimensions ({shape:?})",
            shape.len()
        );
    }
    Ok((
        shape[..dim].iter().product(),
        shape[dim],
        shape[dim + 1..].iter().product(),
    ))
}

fn along_dim(x: &[f32], shape: &[usize], dim: usize, log: bool) -> Result<Vec<f32>> {
    check_len("input", x.len(), shape)?;
    let (outer, n, inner) = split_dim(shape, dim)?;
    let mut y = vec![0.0f32; x.len()];
    for o in 0..outer {
        for i in 0..inner {
            let at = |k: usize| o * n * inner + k * inner + i;
            let m = (0..n).map(|k| x[at(k)]).fold(f32::NEG_INFINITY, f32::max);
            let s: f64 = (0..n).map(|k| ((x[at(k)] - m) as f64).exp()).sum();
            let ls = s.ln();
            for k in 0..n {
                let z = (x[at(k)] - m) as f64;
                y[at(k)] = if log {
                    (z - ls) as f32
                } else {
                    (z.exp() / s) as f32
                };
            }
        }
    }
    Ok(y)
}

/// Softmax along `dim` (a non-negative index into `shape`).
pub fn softmax(x: &[f32], shape: &[usize], dim: usize) -> Result<Vec<f32>> {
    along_dim(x, shape, dim, false)
}

/// Log-softmax along `dim`.
pub fn log_softmax(x: &[f32], shape: &[usize], dim: usize) -> Result<Vec<f32>> {
    along_dim(x, shape, dim, true)
}

/// Numerically stable logistic function.
#[inline]
pub fn sigmoid1(x: f32) -> f32 {
    if x >= 0.0 {
        1.0 / (1.0 + (-x).exp())
    } else {
        let e = x.exp();
        e / (1.0 + e)
    }
}

/// Element-wise sigmoid.
pub fn sigmoid(x: &[f32]) -> Vec<f32> {
    x.iter().map(|&v| sigmoid1(v)).collect()
}

/// `log(sigmoid(x)) = min(x, 0) - log1p(exp(-|x|))`, in f64.
#[inline]
pub fn log_sigmoid(x: f64) -> f64 {
    x.min(0.0) - (-x.abs()).exp().ln_1p()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn extreme_inputs_stay_finite() {
        let y = softmax(&[1000.0, -1000.0, 999.5], &[3], 0).unwrap();
        assert!(y.iter().all(|v| v.is_finite()));
        assert!((y.iter().sum::<f32>() - 1.0).abs() < 1e-6);
        let l = log_softmax(&[1000.0, -1000.0], &[2], 0).unwrap();
        assert_eq!(l[0], 0.0);
        assert_eq!(l[1], -2000.0);
        assert_eq!(sigmoid(&[-1000.0, 1000.0]), vec![0.0, 1.0]);
    }

    #[test]
    fn softmax_along_middle_dim() {
        // shape [1,2,2]: softmax over dim 1 pairs (0,2) and (1,3)
        let y = softmax(&[0.0, 0.0, 2f32.ln(), 0.0], &[1, 2, 2], 1).unwrap();
        assert!((y[0] - 1.0 / 3.0).abs() < 1e-6 && (y[2] - 2.0 / 3.0).abs() < 1e-6);
        assert!((y[1] - 0.5).abs() < 1e-6);
        assert!(softmax(&[0.0], &[1], 1).is_err());
    }
}
