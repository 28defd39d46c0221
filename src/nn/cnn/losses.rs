//! The losses a classifier can train with (`fit::Classifier::loss`), on logits `[N, K]`:
//! * `CrossEntropy`: `ops::loss::cross_entropy` (PyTorch's: optional class weights, whose mean
//!   divides by `sum w[y_i]`; label smoothing that puts eps/K on every class);
//! * `Mse`: the squared error of the softmax probabilities against the one-hot target, summed
//!   over classes and averaged over the batch (the Brier score): `(1/N) sum_i sum_k (p_ik - y_ik)^2`;
//! * `Focal`: the multi-class (softmax) focal loss of Lin et al. 2017,
//!   `(1/N) sum_i -a[y_i] (1 - p_t)^gamma log p_t` with `p_t = p_{i, y_i}` (`alpha` per class, or
//!   1 for every class);
//! * `Distill`: `alpha kd_loss(z, teacher, T) + (1 - alpha) CE(z, y)` where `ops::loss::kd_loss`
//!   already carries Hinton's `T^2` (its gradient is `nn::distill::kd_loss_backward`).
//!
//! `rows` gives the loss of each example (for the share of the loss from easy examples), and
//! `loss_and_grad` the batch loss and its gradient with respect to the logits. The MSE and focal
//! gradients are derived here and checked by central differences in the tests below; CE and KD
//! use the kernels' backward passes (golden cases `cross_entropy_backward`, `kd_loss_backward`).

use crate::nn::distill::kd_loss_backward;
use crate::ops::activation::softmax_backward_rows;
use crate::ops::loss::{cross_entropy, cross_entropy_backward, kd_loss, CrossEntropyParams};
use crate::ops::Reduction;
use crate::{Error, Result};

/// A training loss on the logits of a classifier.
#[derive(Debug, Clone, PartialEq, Default)]
pub enum Loss {
    /// Cross-entropy, optionally class-weighted (`weight`, one per class: the alpha-balanced
    /// CE) and label-smoothed (`smoothing` in [0, 1)).
    CrossEntropy {
        smoothing: f32,
        weight: Option<Vec<f32>>,
    },
    /// Plain cross-entropy (no weights, no smoothing).
    #[default]
    Ce,
    /// Brier score of the softmax output against the one-hot target.
    Mse,
    /// Softmax focal loss; `alpha`: one weight per class, or none (1).
    Focal { gamma: f32, alpha: Option<Vec<f32>> },
    /// Knowledge distillation from teacher logits at temperature `t`, mixed with hard-label CE:
    /// `alpha` is the weight of the KD term (1 = KD only, 0 = hard labels only).
    Distill { t: f32, alpha: f32 },
}

fn in_unit(name: &str, v: f32, hi_open: bool) -> Result<()> {
    let ok = v.is_finite() && v >= 0.0 && if hi_open { v < 1.0 } else { v <= 1.0 };
    if ok {
        Ok(())
    } else {
        Err(Error::out_of_range(
            name,
            0.0,
            1.0,
            format!(
                "{v}{}",
                if hi_open {
                    " (1 itself is excluded)"
                } else {
                    ""
                }
            ),
        ))
    }
}

fn check_weights(name: &str, w: &Option<Vec<f32>>, k: usize) -> Result<()> {
    if let Some(w) = w {
        if w.len() != k {
            return Err(Error::InvalidArg(format!(
                "{name} needs one value per class ({k}), got {}",
                w.len()
            )));
        }
        if let Some(v) = w.iter().find(|v| !(v.is_finite() && **v >= 0.0)) {
            return Err(Error::InvalidArg(format!(
                "{name} values must be finite and >= 0, got {v}"
            )));
        }
        if w.iter().all(|&v| v == 0.0) {
            return Err(Error::InvalidArg(format!(
                "{name} values are all 0: no class would count"
            )));
        }
    }
    Ok(())
}

impl Loss {
    /// Checks the parameters against `k` classes.
    pub fn validate(&self, k: usize) -> Result<()> {
        match self {
            Loss::Ce | Loss::Mse => Ok(()),
            Loss::CrossEntropy { smoothing, weight } => {
                in_unit("label smoothing eps", *smoothing, true)?;
                check_weights("class weight", weight, k)
            }
            Loss::Focal { gamma, alpha } => {
                if !(gamma.is_finite() && *gamma >= 0.0 && *gamma <= 20.0) {
                    return Err(Error::out_of_range("focal gamma", 0.0, 20.0, gamma));
                }
                check_weights("focal alpha", alpha, k)
            }
            Loss::Distill { t, alpha } => {
                if !(t.is_finite() && *t > 0.0 && *t <= 100.0) {
                    return Err(Error::out_of_range(
                        "distillation temperature T (> 0)",
                        0.0,
                        100.0,
                        t,
                    ));
                }
                in_unit("distillation alpha", *alpha, false)
            }
        }
    }

    /// Whether the loss reads teacher logits.
    pub fn needs_teacher(&self) -> bool {
        matches!(self, Loss::Distill { .. })
    }
}

/// Softmax of each row of `[n, k]`, in f64 (max-shifted).
fn softmax_rows(z: &[f32], k: usize) -> Vec<f64> {
    let mut p = Vec::with_capacity(z.len());
    for row in z.chunks_exact(k) {
        let m = row.iter().fold(f64::NEG_INFINITY, |a, &v| a.max(v as f64));
        let s: f64 = row.iter().map(|&v| (v as f64 - m).exp()).sum();
        p.extend(row.iter().map(|&v| (v as f64 - m).exp() / s));
    }
    p
}

/// `log p_y` of one row, in f64.
fn log_prob(row: &[f32], y: usize) -> f64 {
    let m = row.iter().fold(f64::NEG_INFINITY, |a, &v| a.max(v as f64));
    let s: f64 = row.iter().map(|&v| (v as f64 - m).exp()).sum();
    row[y] as f64 - m - s.ln()
}

/// Checked `(n, k)` of logits and labels (and teacher logits when the loss needs them).
fn dims(loss: &Loss, z: &[f32], k: usize, labels: &[u8], teacher: Option<&[f32]>) -> Result<usize> {
    let n = labels.len();
    if k == 0 || n == 0 || z.len() != n * k {
        return Err(Error::Shape(format!(
            "{} logits for {n} examples of {k} classes",
            z.len()
        )));
    }
    if let Some(&l) = labels.iter().find(|&&l| l as usize >= k) {
        return Err(Error::out_of_range("label", 0.0, (k - 1) as f64, l));
    }
    loss.validate(k)?;
    if loss.needs_teacher() {
        match teacher {
            Some(t) if t.len() == z.len() => {}
            Some(t) => {
                return Err(Error::Shape(format!(
                    "teacher logits: {} values, the student has {}",
                    t.len(),
                    z.len()
                )))
            }
            None => {
                return Err(Error::InvalidArg(
                    "knowledge distillation needs a teacher: train one first".into(),
                ))
            }
        }
    }
    Ok(n)
}

fn ce_params(loss: &Loss) -> CrossEntropyParams<'_> {
    match loss {
        Loss::CrossEntropy { smoothing, weight } => CrossEntropyParams {
            weight: weight.as_deref(),
            label_smoothing: *smoothing,
            ..Default::default()
        },
        _ => CrossEntropyParams::default(),
    }
}

/// The focal factor of one example: `(q, lp)` -> `-a q^g lp` and `d/dz_y`-coefficient `c` such
/// that `d loss / d z_k = c (delta_yk - p_k)`, with `q = 1 - p_t` computed as the sum of the
/// other classes' probabilities (exact near p_t = 1) and `lp = log p_t`.
fn focal_terms(q: f64, lp: f64, pt: f64, gamma: f64, a: f64) -> (f64, f64) {
    let qg = if gamma == 0.0 { 1.0 } else { q.powf(gamma) };
    let loss = -a * qg * lp;
    // d/dp_t of -a q^g lp = a [g q^(g-1) lp - q^g / p_t]; times dp_t/dz_k = p_t (delta - p_k).
    let mut c = -a * qg;
    if gamma != 0.0 && q > 0.0 {
        c += a * gamma * q.powf(gamma - 1.0) * pt * lp;
    }
    (loss, c)
}

/// The loss of each example (unreduced; for the weighted CE each example's own `w[y] * nll`).
pub fn rows(
    loss: &Loss,
    z: &[f32],
    k: usize,
    labels: &[u8],
    teacher: Option<&[f32]>,
) -> Result<Vec<f64>> {
    let n = dims(loss, z, k, labels, teacher)?;
    let t: Vec<i64> = labels.iter().map(|&l| l as i64).collect();
    Ok(match loss {
        Loss::Ce | Loss::CrossEntropy { .. } => {
            let mut p = ce_params(loss);
            p.reduction = Reduction::None;
            cross_entropy(z, &[n, k], &t, &p)?
                .data
                .iter()
                .map(|&v| v as f64)
                .collect()
        }
        Loss::Mse => {
            let p = softmax_rows(z, k);
            p.chunks_exact(k)
                .zip(labels)
                .map(|(row, &y)| {
                    row.iter()
                        .enumerate()
                        .map(|(c, &v)| (v - if c == y as usize { 1.0 } else { 0.0 }).powi(2))
                        .sum()
                })
                .collect()
        }
        Loss::Focal { gamma, alpha } => {
            let p = softmax_rows(z, k);
            z.chunks_exact(k)
                .zip(p.chunks_exact(k))
                .zip(labels)
                .map(|((row, pr), &y)| {
                    let y = y as usize;
                    let q: f64 = pr
                        .iter()
                        .enumerate()
                        .filter(|(c, _)| *c != y)
                        .map(|(_, v)| v)
                        .sum();
                    let a = alpha.as_ref().map_or(1.0, |w| w[y] as f64);
                    focal_terms(q, log_prob(row, y), pr[y], *gamma as f64, a).0
                })
                .collect()
        }
        Loss::Distill { t: temp, alpha } => {
            let te = teacher.unwrap_or(&[]);
            let mut out = Vec::with_capacity(n);
            for ((row, trow), &y) in z.chunks_exact(k).zip(te.chunks_exact(k)).zip(labels) {
                let kd = kd_loss(row, trow, &[1, k], *temp)? as f64;
                let ce = -log_prob(row, y as usize);
                out.push(*alpha as f64 * kd + (1.0 - *alpha as f64) * ce);
            }
            out
        }
    })
}

/// The batch loss (mean over the batch; the weighted CE divides by `sum w[y_i]` as PyTorch
/// does) and, when `grad`, its gradient with respect to the logits `[n, k]`.
pub fn loss_and_grad(
    loss: &Loss,
    z: &[f32],
    k: usize,
    labels: &[u8],
    teacher: Option<&[f32]>,
    grad: bool,
) -> Result<(f64, Vec<f32>)> {
    let n = dims(loss, z, k, labels, teacher)?;
    let t: Vec<i64> = labels.iter().map(|&l| l as i64).collect();
    let nf = n as f64;
    match loss {
        Loss::Ce | Loss::CrossEntropy { .. } => {
            let p = ce_params(loss);
            let l = cross_entropy(z, &[n, k], &t, &p)?.data[0] as f64;
            let g = if grad {
                cross_entropy_backward(z, &[n, k], &t, &p)?
            } else {
                Vec::new()
            };
            Ok((l, g))
        }
        Loss::Mse => {
            let r = rows(loss, z, k, labels, teacher)?;
            let l = r.iter().sum::<f64>() / nf;
            if !grad {
                return Ok((l, Vec::new()));
            }
            // d/dp_k = 2 (p_k - y_k) / N, then through the softmax.
            let p = softmax_rows(z, k);
            let gp: Vec<f32> = p
                .chunks_exact(k)
                .zip(labels)
                .flat_map(|(row, &y)| {
                    row.iter().enumerate().map(move |(c, &v)| {
                        (2.0 * (v - if c == y as usize { 1.0 } else { 0.0 }) / nf) as f32
                    })
                })
                .collect();
            let pf: Vec<f32> = p.iter().map(|&v| v as f32).collect();
            let mut g = vec![0.0f32; z.len()];
            softmax_backward_rows(&pf, &gp, k, &mut g);
            Ok((l, g))
        }
        Loss::Focal { gamma, alpha } => {
            let p = softmax_rows(z, k);
            let (mut sum, mut g) = (0.0f64, Vec::with_capacity(if grad { z.len() } else { 0 }));
            for ((row, pr), &y) in z.chunks_exact(k).zip(p.chunks_exact(k)).zip(labels) {
                let y = y as usize;
                let q: f64 = pr
                    .iter()
                    .enumerate()
                    .filter(|(c, _)| *c != y)
                    .map(|(_, v)| v)
                    .sum();
                let a = alpha.as_ref().map_or(1.0, |w| w[y] as f64);
                let (l, c) = focal_terms(q, log_prob(row, y), pr[y], *gamma as f64, a);
                sum += l;
                if grad {
                    g.extend(
                        pr.iter().enumerate().map(|(j, &pj)| {
                            (c * (if j == y { 1.0 } else { 0.0 } - pj) / nf) as f32
                        }),
                    );
                }
            }
            Ok((sum / nf, g))
        }
        Loss::Distill { t: temp, alpha } => {
            let te = teacher.unwrap_or(&[]);
            let a = *alpha as f64;
            let kd = kd_loss(z, te, &[n, k], *temp)? as f64;
            let p = CrossEntropyParams::default();
            let ce = cross_entropy(z, &[n, k], &t, &p)?.data[0] as f64;
            let g = if grad {
                let gk = kd_loss_backward(z, te, &[n, k], *temp)?;
                let gc = cross_entropy_backward(z, &[n, k], &t, &p)?;
                gk.iter()
                    .zip(&gc)
                    .map(|(&u, &v)| (a * u as f64 + (1.0 - a) * v as f64) as f32)
                    .collect()
            } else {
                Vec::new()
            };
            Ok((a * kd + (1.0 - a) * ce, g))
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::testkit::{grad_check, randn};

    fn all_losses(k: usize) -> Vec<Loss> {
        let w: Vec<f32> = (0..k).map(|i| 0.25 + i as f32 * 0.5).collect();
        vec![
            Loss::Ce,
            Loss::CrossEntropy {
                smoothing: 0.1,
                weight: None,
            },
            Loss::CrossEntropy {
                smoothing: 0.0,
                weight: Some(w.clone()),
            },
            Loss::Mse,
            Loss::Focal {
                gamma: 0.0,
                alpha: None,
            },
            Loss::Focal {
                gamma: 0.5,
                alpha: None,
            },
            Loss::Focal {
                gamma: 2.0,
                alpha: Some(w.clone()),
            },
            Loss::Focal {
                gamma: 5.0,
                alpha: None,
            },
            Loss::Distill { t: 1.0, alpha: 1.0 },
            Loss::Distill { t: 4.0, alpha: 0.5 },
            Loss::Distill { t: 2.0, alpha: 0.0 },
        ]
    }

    #[test]
    fn every_loss_gradient_matches_finite_differences() {
        let (n, k) = (4usize, 5usize);
        let z = randn(n * k, 7, 1.5);
        let te = randn(n * k, 8, 2.0);
        let labels = [0u8, 3, 4, 1];
        for loss in all_losses(k) {
            let (l, g) = loss_and_grad(&loss, &z, k, &labels, Some(&te), true).unwrap();
            assert!(l.is_finite());
            grad_check(&format!("{loss:?}"), &z, &g, 8e-3, 3e-3, &mut |v| {
                loss_and_grad(&loss, v, k, &labels, Some(&te), false)
                    .unwrap()
                    .0
            });
        }
    }

    #[test]
    fn rows_average_to_the_batch_loss() {
        let (n, k) = (6usize, 3usize);
        let z = randn(n * k, 3, 2.0);
        let te = randn(n * k, 4, 2.0);
        let labels = [0u8, 1, 2, 2, 1, 0];
        for loss in all_losses(k) {
            let r = rows(&loss, &z, k, &labels, Some(&te)).unwrap();
            let (l, _) = loss_and_grad(&loss, &z, k, &labels, Some(&te), false).unwrap();
            let mean = match &loss {
                // PyTorch's weighted mean divides by the weights of the targets.
                Loss::CrossEntropy {
                    weight: Some(w), ..
                } => {
                    r.iter().sum::<f64>()
                        / labels.iter().map(|&y| w[y as usize] as f64).sum::<f64>()
                }
                _ => r.iter().sum::<f64>() / n as f64,
            };
            assert!(
                (mean - l).abs() < 1e-5 * (1.0 + l.abs()),
                "{loss:?}: {mean} vs {l}"
            );
        }
    }

    #[test]
    fn focal_at_gamma_zero_is_ce_and_gamma_discounts_easy_examples() {
        let z = [4.0f32, 0.0, -1.0, 0.2, 0.1, 0.0];
        let labels = [0u8, 2];
        let ce = rows(&Loss::Ce, &z, 3, &labels, None).unwrap();
        let f0 = rows(
            &Loss::Focal {
                gamma: 0.0,
                alpha: None,
            },
            &z,
            3,
            &labels,
            None,
        )
        .unwrap();
        let f2 = rows(
            &Loss::Focal {
                gamma: 2.0,
                alpha: None,
            },
            &z,
            3,
            &labels,
            None,
        )
        .unwrap();
        for i in 0..2 {
            assert!((ce[i] - f0[i]).abs() < 1e-6);
        }
        // The easy example (p_t ~ 0.97) loses far more of its loss than the hard one.
        assert!(f2[0] / ce[0] < 0.01 && f2[1] / ce[1] > 0.4, "{f2:?} {ce:?}");
    }

    #[test]
    fn confident_logits_stay_finite() {
        let z = [1000.0f32, -1000.0, 0.0, 0.0, 1000.0, -1000.0];
        let labels = [0u8, 0];
        for loss in all_losses(3) {
            let te = [0.0f32; 6];
            let (l, g) = loss_and_grad(&loss, &z, 3, &labels, Some(&te), true).unwrap();
            assert!(l.is_finite() && g.iter().all(|v| v.is_finite()), "{loss:?}");
        }
    }

    #[test]
    fn bad_parameters_are_errors_naming_them() {
        let z = [0.0f32; 4];
        let e = |l: Loss| {
            loss_and_grad(&l, &z, 2, &[0, 1], None, true)
                .unwrap_err()
                .to_string()
        };
        assert!(e(Loss::Focal {
            gamma: -1.0,
            alpha: None
        })
        .contains("gamma"));
        assert!(e(Loss::CrossEntropy {
            smoothing: 1.0,
            weight: None
        })
        .contains("smoothing"));
        assert!(e(Loss::Distill { t: 0.0, alpha: 0.5 }).contains("temperature"));
        assert!(e(Loss::Distill { t: 2.0, alpha: 0.5 }).contains("teacher"));
        assert!(e(Loss::Focal {
            gamma: 1.0,
            alpha: Some(vec![1.0])
        })
        .contains("one value per class"));
        assert!(loss_and_grad(&Loss::Ce, &z, 2, &[0, 2], None, true).is_err());
    }
}
