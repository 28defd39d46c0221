//! The loss head of the MLP: logits -> loss, its gradient and predictions, through the
//! `ops::loss` kernels (forward and backward):
//! * regression: one output, MSE;
//! * classification with C classes: cross-entropy uses C logits (softmax, label smoothing eps/C);
//!   BCE, focal and MSE use one logit when C = 2 (sigmoid) and C one-vs-rest logits otherwise
//!   (MSE is then taken on the softmax probabilities); their targets are smoothed to
//!   `y (1 - eps) + eps/2` (binary) or `(1 - eps) onehot + eps/C` (MSE on softmax).

use crate::ops::activation::{self, softmax_backward_rows, Activation};
use crate::ops::loss::{self, CrossEntropyParams};
use crate::ops::Reduction;
use crate::{arg_err, Error, Result};

/// The loss function.
#[derive(Debug, Clone, Copy, PartialEq)]
pub enum LossKind {
    Mse,
    Bce,
    CrossEntropy,
    Focal { alpha: f32, gamma: f32 },
}

impl LossKind {
    pub const NAMES: [&'static str; 4] = ["mse", "bce", "cross_entropy", "focal"];

    /// Parses a name of `NAMES`; `alpha` and `gamma` are the focal loss's (unused otherwise).
    pub fn parse(name: &str, alpha: f32, gamma: f32) -> Result<Self> {
        Ok(match name {
            "mse" => LossKind::Mse,
            "bce" => LossKind::Bce,
            "cross_entropy" => LossKind::CrossEntropy,
            "focal" => LossKind::Focal { alpha, gamma },
            _ => {
                return arg_err!(
                    "loss must be one of {}, got {name:?}",
                    Self::NAMES.join(", ")
                )
            }
        })
    }

    pub fn name(&self) -> &'static str {
        match self {
            LossKind::Mse => "mse",
            LossKind::Bce => "bce",
            LossKind::CrossEntropy => "cross_entropy",
            LossKind::Focal { .. } => "focal",
        }
    }
}

/// Logits -> loss, gradient and predictions, for a regression (`classes == 0`) or a
/// classification with `classes >= 2`.
#[derive(Debug, Clone, Copy, PartialEq)]
pub struct Head {
    pub classes: usize,
    pub loss: LossKind,
    pub label_smoothing: f32,
}

impl Head {
    pub fn new(classes: usize, loss: LossKind, label_smoothing: f32) -> Result<Head> {
        if classes == 1 {
            return arg_err!("a classification needs at least 2 classes, got 1");
        }
        if classes == 0 && loss != LossKind::Mse {
            return arg_err!(
                "regression data is fitted with the mse loss; {} needs class labels",
                loss.name()
            );
        }
        if !(0.0..1.0).contains(&label_smoothing) {
            return arg_err!("labelSmoothing must be in [0, 1), got {label_smoothing}");
        }
        if let LossKind::Focal { alpha, gamma } = loss {
            if !(gamma.is_finite() && gamma >= 0.0) {
                return arg_err!("focalGamma must be a finite number >= 0, got {gamma}");
            }
            if alpha.is_nan() || alpha > 1.0 {
                return arg_err!(
                    "focalAlpha must be in [0, 1], or negative to disable it; got {alpha}"
                );
            }
        }
        Ok(Head {
            classes,
            loss,
            label_smoothing,
        })
    }

    /// Number of logits per example.
    pub fn n_out(&self) -> usize {
        match (self.classes, self.loss) {
            (0, _) => 1,
            (_, LossKind::CrossEntropy) => self.classes,
            (2, _) => 1,
            (c, _) => c,
        }
    }

    /// Smoothed binary / one-vs-rest targets `[n, k]` for class labels `y`.
    fn soft_targets(&self, y: &[f32], k: usize, out: &mut Vec<f32>) {
        let e = self.label_smoothing;
        out.clear();
        if k == 1 {
            out.extend(y.iter().map(|&t| t * (1.0 - e) + e / 2.0));
        } else {
            let off = if self.loss == LossKind::Mse {
                e / k as f32
            } else {
                e / 2.0
            };
            for &t in y {
                for c in 0..k {
                    let hot = if c == t as usize { 1.0 } else { 0.0 };
                    out.push(hot * (1.0 - e) + off);
                }
            }
        }
    }

    /// Mean loss of logits `[n, k]` against targets `y` (values, or class indices as f32) and,
    /// if `grad` is given, its gradient with respect to the logits.
    pub fn loss(&self, z: &[f32], y: &[f32], grad: Option<&mut Vec<f32>>) -> Result<f32> {
        let k = self.n_out();
        let n = y.len();
        if z.len() != n * k {
            return Err(Error::Shape(format!(
                "{} logits for {n} targets with {k} outputs each",
                z.len()
            )));
        }
        if k == 1 && self.classes > 0 && self.loss == LossKind::Bce {
            return Ok(self.bce_one_logit(z, y, grad));
        }
        let shape = [n, k];
        let mean = Reduction::Mean;
        let mut t = Vec::new();
        let (l, g) = match (self.classes, self.loss) {
            (0, _) => (
                loss::mse_loss(z, y, &shape, mean)?,
                grad.is_some()
                    .then(|| loss::mse_loss_backward(z, y, &shape, mean))
                    .transpose()?,
            ),
            (_, LossKind::CrossEntropy) => {
                let ti: Vec<i64> = y.iter().map(|&v| v as i64).collect();
                let p = CrossEntropyParams {
                    label_smoothing: self.label_smoothing,
                    ..Default::default()
                };
                (
                    loss::cross_entropy(z, &shape, &ti, &p)?,
                    grad.is_some()
                        .then(|| loss::cross_entropy_backward(z, &shape, &ti, &p))
                        .transpose()?,
                )
            }
            (_, LossKind::Bce) => {
                self.soft_targets(y, k, &mut t);
                (
                    loss::bce_with_logits(z, &shape, &t, None, 1, mean)?,
                    grad.is_some()
                        .then(|| loss::bce_with_logits_backward(z, &shape, &t, None, 1, mean))
                        .transpose()?,
                )
            }
            (_, LossKind::Focal { alpha, gamma }) => {
                self.soft_targets(y, k, &mut t);
                (
                    loss::sigmoid_focal_loss(z, &shape, &t, alpha, gamma, mean)?,
                    grad.is_some()
                        .then(|| {
                            loss::sigmoid_focal_loss_backward(z, &shape, &t, alpha, gamma, mean)
                        })
                        .transpose()?,
                )
            }
            (_, LossKind::Mse) => {
                // MSE on probabilities: sigmoid for one logit, softmax for k
                self.soft_targets(y, k, &mut t);
                let p = if k == 1 {
                    activation::sigmoid(z)
                } else {
                    activation::softmax(z, &shape, 1)?
                };
                let l = loss::mse_loss(&p, &t, &shape, mean)?;
                let g = match grad.is_some() {
                    false => None,
                    true => {
                        let gp = loss::mse_loss_backward(&p, &t, &shape, mean)?;
                        let mut gz = vec![0.0; gp.len()];
                        if k == 1 {
                            Activation::Sigmoid.backward(z, &p, &gp, &mut gz);
                        } else {
                            softmax_backward_rows(&p, &gp, k, &mut gz);
                        }
                        Some(gz)
                    }
                };
                (l, g)
            }
        };
        if let (Some(out), Some(g)) = (grad, g) {
            *out = g;
        }
        Ok(l.data[0])
    }

    /// The gradient of the mean loss with respect to the logits into `grad`, and the loss itself
    /// only when it is not finite (`None` otherwise): what a training step needs, the loss being
    /// looked at only to stop a run that blew up. For BCE on one logit the value is skipped
    /// while every logit is finite, which keeps it finite (each term is at most |logit| + ln 2,
    /// so their mean stays below `f32::MAX` after rounding); otherwise it is computed as `loss`
    /// computes it, so a non-finite loss has the same value either way.
    pub fn grad_or_nonfinite(
        &self,
        z: &[f32],
        y: &[f32],
        grad: &mut Vec<f32>,
    ) -> Result<Option<f32>> {
        let k = self.n_out();
        let bce1 = k == 1 && self.classes > 0 && self.loss == LossKind::Bce;
        if !bce1 || z.len() != y.len() || !z.iter().all(|v| v.is_finite()) {
            let l = self.loss(z, y, Some(grad))?;
            return Ok((!l.is_finite()).then_some(l));
        }
        self.bce_one_logit_grad(z, y, grad);
        Ok(None)
    }

    /// Mean BCE of one logit per example against the smoothed targets, and its gradient into
    /// `grad`: the per-element f64 arithmetic of `loss::bce_with_logits` and its backward (no
    /// pos_weight), so the same bits, without their allocations (the training loop calls this
    /// for every mini-batch). `log sigmoid(x)` and `log sigmoid(-x)` share their
    /// `log1p(exp(-|x|))`.
    fn bce_one_logit(&self, z: &[f32], y: &[f32], grad: Option<&mut Vec<f32>>) -> f32 {
        if let Some(g) = grad {
            self.bce_one_logit_grad(z, y, g);
        }
        let target = self.bce_target();
        let n = z.len() as f64;
        let sum: f64 = z
            .iter()
            .zip(y)
            .map(|(&xv, &t)| {
                let (xv, yv) = (xv as f64, target(t));
                let l = (-xv.abs()).exp().ln_1p();
                let (ls_pos, ls_neg) = (xv.min(0.0) - l, (-xv).min(0.0) - l);
                -(yv * ls_pos + (1.0 - yv) * ls_neg)
            })
            .sum();
        (sum / n) as f32
    }

    /// The smoothed binary target of a label, in f64 (as `soft_targets` for one logit).
    fn bce_target(&self) -> impl Fn(f32) -> f64 {
        let e = self.label_smoothing;
        move |t: f32| (t * (1.0 - e) + e / 2.0) as f64
    }

    /// The gradient half of `bce_one_logit`: `(sigmoid(x) - y) / n` as `bce_with_logits_backward`
    /// computes it.
    fn bce_one_logit_grad(&self, z: &[f32], y: &[f32], g: &mut Vec<f32>) {
        let target = self.bce_target();
        let scale = 1.0 / z.len() as f64;
        // sigmoid four lanes at a time (the same bits as `sigmoid1` on each value), then in place
        g.clear();
        g.resize(z.len(), 0.0);
        activation::sigmoid_into(z, g).expect("same length");
        for (gv, &t) in g.iter_mut().zip(y) {
            let (sx, yv) = (*gv as f64, target(t));
            *gv = ((sx * (yv + 1.0 - yv) - yv) * scale) as f32;
        }
    }

    /// Per-example prediction from one row of logits: the value (regression), P(class 1) for one
    /// logit, or class probabilities written into `probs` (softmax) for k logits.
    pub fn predict_row(&self, z: &[f32], probs: &mut [f32]) {
        match (self.classes, z.len()) {
            (0, _) => probs[0] = z[0],
            (_, 1) => probs[0] = activation::sigmoid1(z[0]),
            (_, k) => {
                let m = z.iter().fold(f32::NEG_INFINITY, |a, &b| a.max(b));
                let mut s = 0.0f32;
                for c in 0..k {
                    probs[c] = (z[c] - m).exp();
                    s += probs[c];
                }
                for p in probs[..k].iter_mut() {
                    *p /= s;
                }
            }
        }
    }

    /// Predicted class of one row of logits (classification only).
    pub fn class_of(&self, z: &[f32]) -> usize {
        if z.len() == 1 {
            usize::from(z[0] > 0.0)
        } else {
            let mut best = 0;
            for c in 1..z.len() {
                if z[c] > z[best] {
                    best = c;
                }
            }
            best
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    /// The training step's BCE path (`grad_or_nonfinite`, and `loss` on one logit) gives the
    /// bits of the `ops::loss` kernels it stands in for, and the loss itself exactly when it is
    /// not finite.
    #[test]
    fn one_logit_bce_matches_the_kernels_bit_for_bit() {
        let bits = |v: &[f32]| v.iter().map(|x| x.to_bits()).collect::<Vec<_>>();
        let z0 = vec![-3.0f32, 0.5, 2.0, 1e30, -1e30, 0.0, -0.0, 17.0, -88.0, 1e-8];
        let y = vec![0.0f32, 1., 1., 0., 1., 0., 1., 1., 0., 1.];
        for eps in [0.0f32, 0.1] {
            let h = Head::new(2, LossKind::Bce, eps).unwrap();
            let t: Vec<f32> = y.iter().map(|&v| v * (1.0 - eps) + eps / 2.0).collect();
            let shape = [z0.len(), 1];
            let want_l = loss::bce_with_logits(&z0, &shape, &t, None, 1, Reduction::Mean)
                .unwrap()
                .data[0];
            let want_g =
                loss::bce_with_logits_backward(&z0, &shape, &t, None, 1, Reduction::Mean).unwrap();
            let mut g = vec![9.0; 3];
            let l = h.loss(&z0, &y, Some(&mut g)).unwrap();
            assert_eq!(l.to_bits(), want_l.to_bits(), "eps {eps}");
            assert_eq!(bits(&g), bits(&want_g), "eps {eps}");
            let mut g2 = Vec::new();
            assert_eq!(h.grad_or_nonfinite(&z0, &y, &mut g2).unwrap(), None);
            assert_eq!(bits(&g2), bits(&want_g), "eps {eps}");
            // a non-finite logit: the loss comes back, as `loss` computes it
            for bad in [f32::INFINITY, f32::NEG_INFINITY, f32::NAN] {
                let mut z = z0.clone();
                z[1] = bad;
                let l = h.loss(&z, &y, None).unwrap();
                assert!(!l.is_finite(), "{bad}: {l}");
                let got = h.grad_or_nonfinite(&z, &y, &mut g2).unwrap();
                assert!(got.is_some_and(|v| v.is_nan() == l.is_nan() && (v.is_nan() || v == l)));
            }
        }
        // other heads: the loss is looked at, and returned only when not finite
        let h = Head::new(3, LossKind::CrossEntropy, 0.0).unwrap();
        let mut g = Vec::new();
        let z = [0.1f32, 0.2, 0.3, 1.0, -1.0, 0.5];
        assert_eq!(h.grad_or_nonfinite(&z, &[0.0, 2.0], &mut g).unwrap(), None);
        assert_eq!(g.len(), 6);
        let z = [f32::NAN, 0.2, 0.3, 1.0, -1.0, 0.5];
        assert!(h
            .grad_or_nonfinite(&z, &[0.0, 2.0], &mut g)
            .unwrap()
            .unwrap()
            .is_nan());
        assert!(h.grad_or_nonfinite(&z, &[0.0], &mut g).is_err());
    }

    #[test]
    fn head_shapes_predictions_and_errors() {
        assert_eq!(Head::new(2, LossKind::Bce, 0.0).unwrap().n_out(), 1);
        assert_eq!(
            Head::new(2, LossKind::CrossEntropy, 0.0).unwrap().n_out(),
            2
        );
        assert_eq!(
            Head::new(
                4,
                LossKind::Focal {
                    alpha: -1.0,
                    gamma: 2.0
                },
                0.0
            )
            .unwrap()
            .n_out(),
            4
        );
        assert!(Head::new(0, LossKind::Bce, 0.0)
            .unwrap_err()
            .to_string()
            .contains("mse"));
        assert!(Head::new(2, LossKind::Bce, 1.0).is_err());
        let h = Head::new(3, LossKind::CrossEntropy, 0.0).unwrap();
        let mut p = [0.0; 3];
        h.predict_row(&[1.0, 3.0, 2.0], &mut p);
        assert!((p.iter().sum::<f32>() - 1.0).abs() < 1e-6 && p[1] > p[2] && p[2] > p[0]);
        assert_eq!(h.class_of(&[1.0, 3.0, 2.0]), 1);
        for name in LossKind::NAMES {
            assert_eq!(LossKind::parse(name, 0.25, 2.0).unwrap().name(), name);
        }
        let e = LossKind::parse("hinge", 0.25, 2.0).unwrap_err().to_string();
        assert!(e.contains("mse, bce, cross_entropy, focal"), "{e}");
    }
}
