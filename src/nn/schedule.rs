//! Learning-rate schedules (per epoch) and gradient clipping by global norm.
//!
//! * constant; step: `lr * gamma^floor(epoch / every)` (torch `StepLR`); cosine:
//!   `lr * (1 + cos(pi * min(epoch, T) / T)) / 2` (torch `CosineAnnealingLR` with eta_min 0, held at
//!   0 after T instead of rising again).
//! * Linear warmup over `w` epochs multiplies any of them by `(epoch + 1) / (w + 1)` while
//!   `epoch < w` (torch `LinearLR`-style ramp that reaches the full rate at epoch w).
//! * `clip_grad_norm` follows `torch.nn.utils.clip_grad_norm_`: total L2 norm over every gradient,
//!   `coef = max_norm / (norm + 1e-6)`, gradients scaled by `coef` only when it is below 1.

use crate::{arg_err, Error, Result};

#[derive(Debug, Clone, Copy, PartialEq)]
pub enum Schedule {
    Constant,
    Step { every: usize, gamma: f64 },
    Cosine { epochs: usize },
}

#[derive(Debug, Clone, Copy, PartialEq)]
pub struct LrSchedule {
    pub base: f64,
    pub schedule: Schedule,
    pub warmup: usize,
}

impl Schedule {
    pub const NAMES: [&'static str; 3] = ["constant", "step", "cosine"];

    pub fn parse(name: &str, every: usize, gamma: f64, epochs: usize) -> Result<Self> {
        match name {
            "constant" => Ok(Schedule::Constant),
            "step" => {
                if every == 0 {
                    return arg_err!("stepEvery must be >= 1 epoch, got 0");
                }
                if !(gamma.is_finite() && gamma > 0.0 && gamma <= 1.0) {
                    return arg_err!("stepGamma must be in (0, 1], got {gamma}");
                }
                Ok(Schedule::Step { every, gamma })
            }
            "cosine" => {
                if epochs == 0 {
                    return arg_err!("cosineEpochs must be >= 1, got 0");
                }
                Ok(Schedule::Cosine { epochs })
            }
            _ => Err(Error::InvalidArg(format!(
                "schedule must be one of {}, got {name:?}",
                Self::NAMES.join(", ")
            ))),
        }
    }
}

impl LrSchedule {
    /// The learning rate used throughout epoch `epoch` (0-based).
    pub fn lr_at(&self, epoch: usize) -> f64 {
        let f = match self.schedule {
            Schedule::Constant => 1.0,
            Schedule::Step { every, gamma } => gamma.powi((epoch / every).min(10_000) as i32),
            Schedule::Cosine { epochs } => {
                let t = epoch.min(epochs) as f64 / epochs as f64;
                0.5 * (1.0 + (std::f64::consts::PI * t).cos())
            }
        };
        let w = if epoch < self.warmup {
            (epoch + 1) as f64 / (self.warmup + 1) as f64
        } else {
            1.0
        };
        self.base * f * w
    }
}

/// Global L2 norm of several gradient tensors (accumulated in f64).
pub fn global_norm<'a>(grads: impl IntoIterator<Item = &'a [f32]>) -> f64 {
    grads
        .into_iter()
        .flat_map(|g| g.iter())
        .map(|&v| v as f64 * v as f64)
        .sum::<f64>()
        .sqrt()
}

/// The factor `clip_grad_norm_` scales every gradient by for a total norm `norm` (1 = untouched).
pub fn clip_coef(norm: f64, max_norm: f64) -> f64 {
    let c = max_norm / (norm + 1e-6);
    if c < 1.0 {
        c
    } else {
        1.0
    }
}

/// Clips `grads` in place to a global norm of at most `max_norm`; returns the norm before.
pub fn clip_grad_norm(grads: &mut [&mut [f32]], max_norm: f64) -> f64 {
    let norm = global_norm(grads.iter().map(|g| &**g));
    let c = clip_coef(norm, max_norm) as f32;
    if c < 1.0 {
        for g in grads.iter_mut() {
            for v in g.iter_mut() {
                *v *= c;
            }
        }
    }
    norm
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::testkit::assert_close;

    #[test]
    fn schedules_follow_their_formulas() {
        let s = |schedule, warmup| LrSchedule {
            base: 0.1,
            schedule,
            warmup,
        };
        let step = s(Schedule::parse("step", 10, 0.5, 0).unwrap(), 0);
        assert_eq!(step.lr_at(0), 0.1);
        assert_eq!(step.lr_at(9), 0.1);
        assert_eq!(step.lr_at(10), 0.05);
        assert_eq!(step.lr_at(25), 0.025);
        let cos = s(Schedule::Cosine { epochs: 100 }, 0);
        assert_eq!(cos.lr_at(0), 0.1);
        assert!((cos.lr_at(50) - 0.05).abs() < 1e-12);
        assert!(cos.lr_at(100).abs() < 1e-12 && cos.lr_at(500).abs() < 1e-12);
        let warm = s(Schedule::Constant, 4);
        let lrs: Vec<f64> = (0..6).map(|e| warm.lr_at(e)).collect();
        for (got, want) in lrs.iter().zip([0.02, 0.04, 0.06, 0.08, 0.1, 0.1]) {
            assert!((got - want).abs() < 1e-12, "{lrs:?}");
        }
        assert!(Schedule::parse("step", 0, 0.5, 0)
            .unwrap_err()
            .to_string()
            .contains("stepEvery"));
        assert!(Schedule::parse("exp", 1, 0.5, 1)
            .unwrap_err()
            .to_string()
            .contains("cosine"));
    }

    #[test]
    fn clipping_matches_torch() {
        let mut a = vec![3.0f32, 0.0];
        let mut b = vec![4.0f32];
        let n = clip_grad_norm(&mut [&mut a, &mut b], 1.0);
        assert_eq!(n, 5.0);
        let c = 1.0 / (5.0 + 1e-6);
        assert_close(
            "clipped",
            &[a[0], a[1], b[0]],
            &[3.0 * c, 0.0, 4.0 * c],
            1e-6,
            0.0,
        );
        // under the limit: untouched
        let mut g = vec![0.3f32, 0.4];
        clip_grad_norm(&mut [&mut g], 1.0);
        assert_eq!(g, vec![0.3, 0.4]);
    }
}
