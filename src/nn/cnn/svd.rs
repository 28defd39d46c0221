//! Every singular value of a small matrix (one-sided Jacobi rotations in f64, `torch.linalg.
//! svdvals`), and the normalisation lab's spectral-norm study: the exact singular values of a
//! weight's matrix against the power-iteration estimate after a few iterations, and the largest
//! gain `|Wx| / |x|` found over random inputs before and after dividing by the estimate.

use serde::Serialize;

use super::spectral::{mat_t_vec, mat_vec, normalize, weight_matrix};
use crate::rng::Rng;
use crate::{arg_err, Result};

/// Most values of a matrix the study takes (the lab's layers have at most a few thousand).
pub const MAX_VALUES: usize = 1 << 16;

/// Singular values of the `[h, w]` row-major matrix `m`, largest first (min(h, w) of them).
pub fn singular_values(m: &[f64], h: usize, w: usize) -> Vec<f64> {
    // columns of the matrix with the fewer columns (A or A^T), stored column by column
    let (rows, cols) = if w <= h { (h, w) } else { (w, h) };
    let mut a: Vec<Vec<f64>> = (0..cols)
        .map(|j| {
            (0..rows)
                .map(|i| if w <= h { m[i * w + j] } else { m[j * w + i] })
                .collect()
        })
        .collect();
    for _sweep in 0..60 {
        let mut rotated = false;
        for p in 0..cols {
            for q in p + 1..cols {
                let (alpha, beta, gamma) = a[p]
                    .iter()
                    .zip(&a[q])
                    .fold((0.0f64, 0.0f64, 0.0f64), |(x, y, z), (&u, &v)| {
                        (x + u * u, y + v * v, z + u * v)
                    });
                if gamma.abs() <= 1e-15 * (alpha * beta).sqrt() || gamma == 0.0 {
                    continue;
                }
                rotated = true;
                let zeta = (beta - alpha) / (2.0 * gamma);
                let t = zeta.signum() / (zeta.abs() + (1.0 + zeta * zeta).sqrt());
                let t = if zeta == 0.0 { 1.0 } else { t };
                let c = 1.0 / (1.0 + t * t).sqrt();
                let s = c * t;
                let (lo, hi) = a.split_at_mut(q);
                for (u, v) in lo[p].iter_mut().zip(hi[0].iter_mut()) {
                    let (x, y) = (*u, *v);
                    *u = c * x - s * y;
                    *v = s * x + c * y;
                }
            }
        }
        if !rotated {
            break;
        }
    }
    let mut s: Vec<f64> = a
        .iter()
        .map(|col| col.iter().map(|v| v * v).sum::<f64>().sqrt())
        .collect();
    s.sort_by(|x, y| y.total_cmp(x));
    s
}

/// What the lab shows about spectral normalisation of one weight.
#[derive(Debug, Clone, Serialize)]
#[serde(rename_all = "camelCase")]
pub struct SpectralStudy {
    /// `[h, w]` of the weight's matrix (output axis first).
    pub rows: usize,
    pub cols: usize,
    /// Every singular value, largest first.
    pub singular: Vec<f64>,
    /// The iteration counts asked for and the estimate `u . W v` after each (power iteration
    /// from fresh random u, v, as torch's buffers before their warm-up).
    pub iterations: Vec<usize>,
    pub estimates: Vec<f64>,
    /// Largest `|Wx| / |x|` over `draws` random Gaussian inputs, for W and for W / estimate
    /// after the last iteration count.
    pub gain_before: f64,
    pub gain_after: f64,
    /// The weight matrix divided by the last estimate, row-major `[rows, cols]`.
    pub normalized: Vec<f32>,
}

/// The study of the weight `w` of `shape` (its matrix: axis 0 first). `iterations` are power
/// iteration counts (each 1..=100, at most 8 of them); `draws` random inputs (1..=10000) probe
/// the gain.
pub fn study(
    w: &[f32],
    shape: &[usize],
    iterations: &[usize],
    seed: u64,
    draws: usize,
) -> Result<SpectralStudy> {
    if w.len() > MAX_VALUES {
        return arg_err!(
            "the spectral study takes weights of at most {MAX_VALUES} values, got {}",
            w.len()
        );
    }
    if iterations.is_empty()
        || iterations.len() > 8
        || iterations.iter().any(|&k| k == 0 || k > 100)
    {
        return arg_err!("iterations must list 1 to 8 counts, each in 1..=100, got {iterations:?}");
    }
    if !(1..=10_000).contains(&draws) {
        return arg_err!("draws must be in 1..=10000, got {draws}");
    }
    if let Some(i) = w.iter().position(|v| !v.is_finite()) {
        return Err(crate::Error::non_finite_value("weight", i, w[i]));
    }
    let (m, h, wd) = weight_matrix(w, shape, 0)?;
    let singular = singular_values(&m, h, wd);
    let mut rng = Rng::new(seed);
    let mut u: Vec<f64> = (0..h).map(|_| rng.normal()).collect();
    let mut v: Vec<f64> = (0..wd).map(|_| rng.normal()).collect();
    normalize(&mut u, 1e-12);
    normalize(&mut v, 1e-12);
    let last = iterations.iter().copied().max().unwrap_or(1);
    let mut est_at = vec![0.0f64; last + 1];
    for e in est_at.iter_mut().skip(1) {
        u = mat_vec(&m, h, wd, &v);
        normalize(&mut u, 1e-12);
        v = mat_t_vec(&m, h, wd, &u);
        normalize(&mut v, 1e-12);
        let wv = mat_vec(&m, h, wd, &v);
        *e = u.iter().zip(&wv).map(|(a, b)| a * b).sum();
    }
    let estimates: Vec<f64> = iterations.iter().map(|&k| est_at[k]).collect();
    let sigma = estimates.last().copied().unwrap_or(1.0);
    let sigma = if sigma.abs() > 1e-300 { sigma } else { 1.0 };
    let mut gain = 0.0f64;
    for _ in 0..draws {
        let mut x: Vec<f64> = (0..wd).map(|_| rng.normal()).collect();
        normalize(&mut x, 1e-12);
        let y = mat_vec(&m, h, wd, &x);
        gain = gain.max(y.iter().map(|v| v * v).sum::<f64>().sqrt());
    }
    Ok(SpectralStudy {
        rows: h,
        cols: wd,
        singular,
        iterations: iterations.to_vec(),
        estimates,
        gain_before: gain,
        gain_after: gain / sigma.abs(),
        normalized: m.iter().map(|&x| (x / sigma) as f32).collect(),
    })
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::nn::cnn::spectral::sigma_exact;

    #[test]
    fn singular_values_of_known_matrices() {
        // diag(3, 1) rotated on both sides keeps its singular values
        let (c, s) = (0.6f64, 0.8f64);
        let m = [3.0 * c, -s, 3.0 * s, c];
        let sv = singular_values(&m, 2, 2);
        assert!(
            (sv[0] - 3.0).abs() < 1e-12 && (sv[1] - 1.0).abs() < 1e-12,
            "{sv:?}"
        );
        // a rank-one 3x4 matrix: one value |a||b|, the rest 0
        let a = [1.0, 2.0, 2.0];
        let b = [1.0, 0.0, -1.0, 1.0];
        let m: Vec<f64> = a
            .iter()
            .flat_map(|x| b.iter().map(move |y| x * y))
            .collect();
        let sv = singular_values(&m, 3, 4);
        assert_eq!(sv.len(), 3);
        assert!(
            (sv[0] - 3.0 * 3f64.sqrt()).abs() < 1e-12 && sv[1].abs() < 1e-7,
            "{sv:?}"
        );
    }

    #[test]
    fn agrees_with_sigma_exact_and_the_frobenius_norm() {
        let mut rng = Rng::new(5);
        for (h, w) in [(8usize, 9usize), (16, 72), (10, 16), (5, 3)] {
            let wts: Vec<f32> = (0..h * w).map(|_| rng.normal() as f32).collect();
            let m: Vec<f64> = wts.iter().map(|&x| x as f64).collect();
            let sv = singular_values(&m, h, w);
            let top = sigma_exact(&wts, &[h, w], 0).unwrap();
            assert!(
                (sv[0] - top).abs() < 1e-9 * top,
                "{h}x{w}: {} vs {top}",
                sv[0]
            );
            let fro: f64 = m.iter().map(|x| x * x).sum();
            let s2: f64 = sv.iter().map(|x| x * x).sum();
            assert!((fro - s2).abs() < 1e-9 * fro);
        }
    }

    #[test]
    fn study_estimates_approach_sigma_and_the_gain_drops_below_one() {
        let mut rng = Rng::new(2);
        let w: Vec<f32> = (0..16 * 72).map(|_| rng.normal() as f32 * 0.1).collect();
        let s = study(&w, &[16, 8, 3, 3], &[1, 2, 5, 20], 1, 500).unwrap();
        assert_eq!((s.rows, s.cols), (16, 72));
        let top = s.singular[0];
        assert!(s.estimates.iter().all(|&e| e <= top * (1.0 + 1e-12)));
        assert!((s.estimates[3] - top).abs() < (s.estimates[0] - top).abs() + 1e-12);
        assert!(s.gain_before <= top * (1.0 + 1e-9));
        assert!(s.gain_after <= top / s.estimates[3] + 1e-9);
        assert!(study(&w, &[16, 72], &[0], 1, 5).is_err());
        assert!(study(&w, &[16, 72], &[1], 1, 0).is_err());
    }
}
