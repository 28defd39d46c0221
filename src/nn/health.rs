//! Health readings of a run: the `Diagnosis` of a run that diverged (the likely cause: a learning
//! rate too high, a bad init scale, dead ReLUs) and `health()`, which reads the network for the
//! quieter failures (dead ReLUs, saturated units, symmetric layers after a constant init,
//! vanishing gradients, over-regularized weights, unscaled inputs, a stalled loss).

use serde::Serialize;

use super::diagnosis::Diagnosis;
use super::features;
use super::train::{Status, Trainer, Which};
use crate::ops::activation::Activation;
use crate::Result;

/// Near-zero threshold for weights (the L1-vs-L2 comparison) and activations.
pub const NEAR_ZERO: f32 = 0.01;

/// Readings of the network for failures that do not blow up.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct Health {
    pub dead_units: usize,
    pub relu_units: usize,
    pub saturated_units: usize,
    pub squashing_units: usize,
    /// Hidden layers (of 2+ units) whose units all have the same incoming weights and bias.
    pub symmetric_layers: usize,
    /// rms of the first layer's weight gradient over the output layer's (last batch).
    pub grad_ratio: Option<f32>,
    /// Share of weights with |w| < 0.01.
    pub near_zero_weights: f32,
    pub weight_rms: f32,
    pub init_ratio: f32,
    /// Train loss still >= 95% of the best constant prediction's after 30+ epochs.
    pub stalled: bool,
    pub baseline_loss: f32,
    /// Codes of what looks wrong: dead_relus, saturation, symmetry, vanishing_gradients,
    /// over_regularized, unscaled_inputs, bad_init_scale, stalled.
    pub hints: Vec<&'static str>,
}

impl Trainer {
    /// Stops the run, puts the last finite weights back and works out the likely cause.
    pub(super) fn diverge(&mut self, reason: &'static str, loss: f32) {
        if !self.good.is_empty() {
            self.net.load_state(&self.good);
        }
        let (dead, relu) = self.dead_units().unwrap_or((0, 0));
        let lr = self.plan.lr.lr_at(self.epoch.saturating_sub(1));
        let cause = if self.init_ratio > 4.0 && self.epoch <= 3 {
            "bad_init_scale"
        } else if relu > 0 && dead * 2 >= relu {
            "dead_relus"
        } else {
            "lr_too_high"
        };
        let what = match reason {
            "nan" => "the loss became NaN".to_string(),
            "inf" => "the loss became infinite".to_string(),
            _ => format!("the loss exploded to {loss:.3e}"),
        };
        let why = match cause {
            "bad_init_scale" => format!(
                "the initial weights are {:.1}x the scale 1/sqrt(fan_in) that keeps signals steady; \
                 use xavier, kaiming or lecun init, or a smaller initScale",
                self.init_ratio
            ),
            "dead_relus" => format!(
                "{dead} of {relu} ReLU units never fire on the training set (dead ReLUs); \
                 lower the learning rate, or use leaky_relu or elu"
            ),
            _ => format!(
                "the learning rate {lr:.3} is likely too high: updates overshoot the minimum \
                 and grow; lower it (try /10), or use clipping, warmup or Adam"
            ),
        };
        let relu_note = if relu > 0 && cause != "dead_relus" {
            format!(" ({dead} of {relu} ReLU units are dead)")
        } else {
            String::new()
        };
        self.status = Status::Diverged(Diagnosis {
            reason,
            cause,
            epoch: self.epoch,
            loss,
            lr,
            dead_units: dead,
            relu_units: relu,
            init_ratio: self.init_ratio,
            message: format!(
                "Training stopped at epoch {}: {what}. Likely cause: {why}{relu_note}.",
                self.epoch
            ),
        });
    }

    /// (units that output 0 on every training point, ReLU units), in eval mode.
    pub fn dead_units(&mut self) -> Result<(usize, usize)> {
        if !self.plan.act.can_die() {
            return Ok((0, 0));
        }
        self.eval_logits(Which::Train)?;
        let mut dead = 0;
        let mut total = 0;
        for l in 0..self.net.hidden.len() {
            let a = self.net.activations(l);
            let u = self.net.hidden[l].dense.n_out;
            total += u;
            dead += (0..u)
                .filter(|&j| a.chunks_exact(u).all(|r| r[j] <= 0.0))
                .count();
        }
        Ok((dead, total))
    }

    /// Reads the network for failures that do not blow up (see `Health`).
    pub fn health(&mut self) -> Result<Health> {
        let (dead, relu) = self.dead_units()?;
        self.eval_logits(Which::Train)?;
        let act = self.plan.act;
        let squashing = matches!(act, Activation::Sigmoid | Activation::Tanh);
        let (mut sat, mut sq_units, mut symmetric) = (0, 0, 0);
        for (l, h) in self.net.hidden.iter().enumerate() {
            let u = h.dense.n_out;
            if squashing {
                let a = self.net.activations(l);
                let rows = (a.len() / u).max(1);
                sq_units += u;
                sat += (0..u)
                    .filter(|&j| {
                        a.chunks_exact(u).filter(|r| act.saturated(r[j])).count() * 10 >= rows * 9
                    })
                    .count();
            }
            if u > 1 {
                let ni = h.dense.n_in;
                let same = (1..u).all(|j| {
                    h.dense.b[j] == h.dense.b[0]
                        && h.dense.w[j * ni..(j + 1) * ni] == h.dense.w[..ni]
                });
                symmetric += usize::from(same);
            }
        }
        let weights = self.net.weights();
        let count: usize = weights.iter().map(|w| w.len()).sum();
        let near = weights
            .iter()
            .flat_map(|w| w.iter())
            .filter(|v| v.abs() < NEAR_ZERO)
            .count();
        let rms = |v: &[f32]| {
            (v.iter().map(|&x| x as f64 * x as f64).sum::<f64>() / v.len().max(1) as f64).sqrt()
        };
        let w_rms = (weights
            .iter()
            .map(|w| rms(w).powi(2) * w.len() as f64)
            .sum::<f64>()
            / count.max(1) as f64)
            .sqrt();
        let grads = self.net.weight_grads();
        let grad_ratio = (self.iterations > 0 && grads.len() >= 2).then(|| {
            let last = rms(grads[grads.len() - 1]);
            if last > 0.0 {
                (rms(grads[0]) / last) as f32
            } else {
                f32::NAN
            }
        });
        let near_zero = near as f32 / count.max(1) as f32;
        let stalled = self.epoch >= 30 && self.last(1) >= 0.95 * self.baseline;
        let mut hints = Vec::new();
        if relu > 0 && dead * 4 >= relu {
            hints.push("dead_relus");
        }
        if sq_units > 0 && sat * 4 >= sq_units {
            hints.push("saturation");
        }
        if symmetric > 0 {
            hints.push("symmetry");
        }
        if grad_ratio.is_some_and(|r| r < 1e-2) && self.net.hidden.len() >= 3 {
            hints.push("vanishing_gradients");
        }
        let reg = self.cfg.l1 + self.cfg.l2 + self.cfg.weight_decay;
        if reg > 0.0 && near_zero > 0.8 && stalled {
            hints.push("over_regularized");
        }
        let unscaled = !self.cfg.normalize_inputs
            && !self.cfg.batch_norm
            && features::feature_stats(&self.plan.features, &self.train.x)
                .iter()
                .any(|&(m, s)| s > 4.0 || m.abs() > 4.0);
        if unscaled {
            hints.push("unscaled_inputs");
        }
        if self.init_ratio > 4.0 {
            hints.push("bad_init_scale");
        }
        if stalled {
            hints.push("stalled");
        }
        Ok(Health {
            dead_units: dead,
            relu_units: relu,
            saturated_units: sat,
            squashing_units: sq_units,
            symmetric_layers: symmetric,
            grad_ratio,
            near_zero_weights: near_zero,
            weight_rms: w_rms as f32,
            init_ratio: self.init_ratio,
            stalled,
            baseline_loss: self.baseline,
            hints,
        })
    }
}

#[cfg(test)]
mod tests {
    use super::super::config::TrainConfig;
    use super::super::features::Feature;
    use super::super::train::tests::{cfg, train_to};
    use super::*;

    #[test]
    fn too_high_a_learning_rate_is_diagnosed() {
        let mut t = Trainer::new(cfg(|c| {
            c.dataset = "plane".into();
            c.lr = 3.0;
        }))
        .unwrap();
        let m = t.step(100).unwrap();
        let d = m.diagnosis.expect("the run should diverge");
        assert_eq!(m.status, "diverged");
        assert_eq!(d.cause, "lr_too_high", "{}", d.message);
        assert!(d.message.contains("learning rate"), "{}", d.message);
        assert!(
            t.network().is_finite(),
            "the last finite weights are put back"
        );
        let e = t.epoch();
        t.step(10).unwrap();
        assert_eq!(t.epoch(), e, "a diverged run does not go on");
    }

    #[test]
    fn bad_init_scale_and_dead_relus_are_diagnosed() {
        let mut t = Trainer::new(cfg(|c| {
            c.dataset = "plane".into();
            c.hidden = vec![16, 16, 16, 16];
            c.init = "normal".into();
            c.init_scale = 3.0;
            c.activation = "relu".into();
        }))
        .unwrap();
        let m = t.step(20).unwrap();
        let d = m.diagnosis.expect("the run should diverge");
        assert_eq!(d.cause, "bad_init_scale", "{}", d.message);
        assert!(d.init_ratio > 4.0);
        // dead ReLUs: every unit's bias far negative, so nothing fires on [-6, 6]^2
        let mut t = Trainer::new(cfg(|c| {
            c.activation = "relu".into();
            c.hidden = vec![8, 8];
        }))
        .unwrap();
        for h in &mut t.net.hidden {
            h.dense.b.iter_mut().for_each(|b| *b = -100.0);
        }
        let (dead, total) = t.dead_units().unwrap();
        assert_eq!((dead, total), (16, 16));
        t.diverge("exploding", 1e9);
        match t.status() {
            Status::Diverged(d) => {
                assert_eq!(d.cause, "dead_relus");
                assert!(d.message.contains("16 of 16 ReLU units"), "{}", d.message);
            }
            s => panic!("{s:?}"),
        }
    }

    #[test]
    fn health_names_the_quiet_failures() {
        // all-zero init: every hidden unit stays identical
        let mut t = train_to(cfg(|c| c.init = "zeros".into()), 40);
        let h = t.health().unwrap();
        assert!(h.hints.contains(&"symmetry"), "{h:?}");
        assert!(h.hints.contains(&"stalled"), "{h:?}");
        // tanh with a large init: saturated units
        let mut t = train_to(
            cfg(|c| {
                c.hidden = vec![8; 3];
                c.init = "normal".into();
                c.init_scale = 4.0;
            }),
            5,
        );
        let h = t.health().unwrap();
        assert!(
            h.hints.contains(&"saturation") && h.hints.contains(&"bad_init_scale"),
            "{h:?}"
        );
        // deep sigmoid net: gradients vanish on the way down, the loss stays at chance
        let mut t = train_to(
            cfg(|c| {
                c.activation = "sigmoid".into();
                c.hidden = vec![8; 6];
            }),
            60,
        );
        let h = t.health().unwrap();
        assert!(
            h.hints.contains(&"vanishing_gradients") && h.hints.contains(&"stalled"),
            "{h:?}"
        );
        // heavy L1: almost every weight near zero, nothing learned
        let mut t = train_to(cfg(|c| c.l1 = 0.3), 60);
        let h = t.health().unwrap();
        assert!(
            h.near_zero_weights > 0.8 && h.hints.contains(&"over_regularized"),
            "{h:?}"
        );
        // a healthy run has no hints besides none
        let mut t = train_to(cfg(|c| c.normalize_inputs = true), 60);
        assert!(t.health().unwrap().hints.is_empty());
    }

    #[test]
    fn l1_makes_more_near_zero_weights_than_l2() {
        let base = |f: fn(&mut TrainConfig)| {
            cfg(|c| {
                c.dataset = "xor".into();
                c.features = Feature::NAMES.iter().map(|s| s.to_string()).collect();
                c.hidden = vec![8, 8];
                f(c);
            })
        };
        let mut a = train_to(base(|c| c.l1 = 0.003), 150);
        let mut b = train_to(base(|c| c.l2 = 0.003), 150);
        let (za, zb) = (
            a.health().unwrap().near_zero_weights,
            b.health().unwrap().near_zero_weights,
        );
        assert!(za > zb + 0.1, "L1 near-zero share {za} vs L2 {zb}");
    }
}
