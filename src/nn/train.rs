//! The training loop: a toy dataset, an MLP, a loss head and an optimizer, run epoch by epoch
//! with everything seeded, so one `TrainConfig` (`nn::config`) always gives the same curves.
//!
//! One epoch: shuffle the training points (seeded), then for each mini-batch: forward (train
//! mode), loss and its gradient (`ops::loss`), backward, L1/L2 penalty gradients on the weights,
//! clipping by global norm, decoupled weight decay `w <- w (1 - lr wd)` on the weights, and one
//! `nn::optim` step per parameter tensor with the epoch's scheduled learning rate. After each
//! epoch the full train and test losses and accuracies are measured in eval mode and recorded
//! (history rows of `HISTORY_STRIDE` values).
//!
//! A run stops by itself when it diverges (a non-finite loss or weight, or a loss above
//! `max(10 x, +5)` its starting value): the last finite weights are put back and a `Diagnosis`
//! names the likely cause (`nn::health`). It also stops early when the test loss has not improved
//! for `earlyStopping` epochs. Heatmaps and histograms of a run: `nn::visual`.

use serde::Serialize;

use super::config::{check_points, Plan, TrainConfig, DOMAIN};
use super::data::{self, DatasetKind, Points, MAX_POINTS};
use super::diagnosis::Diagnosis;
use super::features;
use super::net::{Mlp, MlpSpec, ParamKind};
use super::optim::{self, OptimState};
use super::schedule;
use crate::rng::Rng;
use crate::{Error, Result};

/// Values per row of the history: epoch, train loss, test loss, train accuracy, test accuracy
/// (NaN for regression), learning rate, gradient norm (last batch, before clipping).
pub const HISTORY_STRIDE: usize = 7;

#[derive(Debug, Clone, PartialEq)]
pub enum Status {
    Training,
    Diverged(Diagnosis),
    EarlyStopped {
        best_epoch: usize,
        best_test_loss: f32,
    },
}

impl Status {
    pub fn name(&self) -> &'static str {
        match self {
            Status::Training => "training",
            Status::Diverged(_) => "diverged",
            Status::EarlyStopped { .. } => "early_stopped",
        }
    }
}

/// The latest numbers, returned by `step`.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct Metrics {
    pub epoch: usize,
    pub iterations: u64,
    pub train_loss: f32,
    pub test_loss: f32,
    pub train_acc: Option<f32>,
    pub test_acc: Option<f32>,
    pub lr: f64,
    pub grad_norm: f32,
    pub status: &'static str,
    pub diagnosis: Option<Diagnosis>,
    pub best_epoch: Option<usize>,
}

pub struct Trainer {
    pub(super) cfg: TrainConfig,
    pub(super) plan: Plan,
    pub(super) train: Points,
    pub(super) test: Points,
    pub(super) norm: Option<Vec<(f32, f32)>>,
    pub(super) xtr: Vec<f32>,
    pub(super) xte: Vec<f32>,
    pub(super) net: Mlp,
    pub(super) states: Vec<OptimState>,
    pub(super) rng_shuffle: Rng,
    pub(super) rng_drop: Rng,
    pub(super) epoch: usize,
    pub(super) iterations: u64,
    pub(super) history: Vec<f32>,
    pub(super) status: Status,
    pub(super) init_loss: f32,
    pub(super) init_ratio: f32,
    pub(super) baseline: f32,
    pub(super) good: Vec<f32>,
    pub(super) es_best: f32,
    pub(super) es_best_epoch: usize,
    pub(super) es_wait: usize,
    pub(super) last_grad_norm: f32,
    pub(super) domain: f32,
    pub(super) perm: Vec<usize>,
    pub(super) xb: Vec<f32>,
    pub(super) yb: Vec<f32>,
    pub(super) dz: Vec<f32>,
    pub(super) boundary: Vec<f32>,
    pub(super) neurons: Vec<f32>,
    pub(super) hist: Vec<f32>,
}

/// Seeds of the independent random streams of a run.
fn stream(seed: u32, k: u64) -> Rng {
    Rng::new(((seed as u64) << 8) | k)
}

impl Trainer {
    pub fn new(mut cfg: TrainConfig) -> Result<Trainer> {
        let plan = cfg.plan()?;
        let mut rng_data = stream(cfg.seed, 1);
        let all = if plan.kind == DatasetKind::Custom {
            Points {
                x: cfg.custom_points.iter().map(|p| [p[0], p[1]]).collect(),
                y: cfg.custom_points.iter().map(|p| p[2]).collect(),
            }
        } else {
            data::generate(plan.kind, cfg.points, cfg.noise, cfg.classes, &mut rng_data)?
        };
        let (mut train, test) = data::split(&all, cfg.train_ratio, &mut rng_data)?;
        for p in &cfg.extra_points {
            train.x.push([p[0], p[1]]);
            train.y.push(p[2]);
        }
        let norm = cfg
            .normalize_inputs
            .then(|| features::feature_stats(&plan.features, &train.x));
        let mut xtr = Vec::new();
        let mut xte = Vec::new();
        features::featurize(&plan.features, &train.x, norm.as_deref(), &mut xtr);
        features::featurize(&plan.features, &test.x, norm.as_deref(), &mut xte);
        let spec = MlpSpec {
            n_in: plan.features.len(),
            hidden: cfg.hidden.clone(),
            n_out: plan.head.n_out(),
            act: plan.act,
            batch_norm: cfg.batch_norm,
            dropout: cfg.dropout,
            init: plan.init,
        };
        let net = Mlp::new(&spec, &mut stream(cfg.seed, 2))?;
        let init_ratio = net
            .weights()
            .iter()
            .zip(net.sizes().windows(2))
            .map(|(w, s)| {
                let n = w.len().max(1) as f64;
                let m = w.iter().map(|&v| v as f64).sum::<f64>() / n;
                let sd = (w.iter().map(|&v| (v as f64 - m).powi(2)).sum::<f64>() / n).sqrt();
                (sd * (s[0] as f64).sqrt()) as f32
            })
            .fold(0.0f32, f32::max);
        let max_extent = all
            .x
            .iter()
            .chain(&train.x)
            .flat_map(|p| p.iter())
            .fold(0.0f32, |a, &v| a.max(v.abs()));
        let domain = if plan.kind == DatasetKind::Custom {
            (max_extent * 1.05).max(1e-3)
        } else {
            DOMAIN
        };
        let mut t = Trainer {
            states: Vec::new(),
            rng_shuffle: stream(cfg.seed, 3),
            rng_drop: stream(cfg.seed, 4),
            epoch: 0,
            iterations: 0,
            history: Vec::new(),
            status: Status::Training,
            init_loss: 0.0,
            init_ratio,
            baseline: 0.0,
            good: Vec::new(),
            es_best: f32::INFINITY,
            es_best_epoch: 0,
            es_wait: 0,
            last_grad_norm: 0.0,
            domain,
            perm: Vec::new(),
            xb: Vec::new(),
            yb: Vec::new(),
            dz: Vec::new(),
            boundary: Vec::new(),
            neurons: Vec::new(),
            hist: Vec::new(),
            cfg,
            plan,
            train,
            test,
            norm,
            xtr,
            xte,
            net,
        };
        t.baseline = t.baseline_loss();
        t.record(t.plan.lr.lr_at(0) as f32)?;
        t.init_loss = t.history[1];
        if !t.init_loss.is_finite() {
            t.diverge(
                if t.init_loss.is_nan() { "nan" } else { "inf" },
                t.init_loss,
            );
        }
        t.es_best = t.history[2];
        Ok(t)
    }

    /// The config with defaults filled in (and the class count of a custom dataset).
    pub fn config(&self) -> &TrainConfig {
        &self.cfg
    }
    pub fn epoch(&self) -> usize {
        self.epoch
    }
    pub fn status(&self) -> &Status {
        &self.status
    }
    /// Number of classes (0 = regression).
    pub fn classes(&self) -> usize {
        self.plan.classes
    }
    pub fn network(&self) -> &Mlp {
        &self.net
    }
    /// Replaces one parameter of the network (`Mlp::set_param`: checked name, length, values).
    pub fn set_param(&mut self, name: &str, values: &[f32]) -> Result<()> {
        self.net.set_param(name, values)
    }
    pub fn history(&self) -> &[f32] {
        &self.history
    }
    pub fn train_points(&self) -> &Points {
        &self.train
    }
    pub fn test_points(&self) -> &Points {
        &self.test
    }
    /// Half-width of the square the heatmaps cover: [-domain, domain]^2.
    pub fn domain(&self) -> f32 {
        self.domain
    }
    pub fn feature_names(&self) -> Vec<&'static str> {
        self.plan.features.iter().map(|f| f.name()).collect()
    }
    /// Values per cell of the boundary heatmap: class probabilities for softmax outputs, else 1.
    pub fn boundary_channels(&self) -> usize {
        if self.plan.classes > 0 && self.plan.head.n_out() > 1 {
            self.plan.head.n_out()
        } else {
            1
        }
    }

    /// Loss of the best constant prediction on the training set (class prior or target mean).
    fn baseline_loss(&self) -> f32 {
        let y = &self.train.y;
        let n = y.len().max(1) as f32;
        let k = self.plan.head.n_out();
        let row: Vec<f32> = if self.plan.classes == 0 {
            vec![y.iter().sum::<f32>() / n]
        } else {
            let prior: Vec<f32> = (0..self.plan.classes)
                .map(|c| {
                    (y.iter().filter(|&&v| v as usize == c).count() as f32 / n)
                        .clamp(1e-4, 1.0 - 1e-4)
                })
                .collect();
            if k == 1 {
                vec![(prior[1] / (1.0 - prior[1])).ln()]
            } else {
                prior.iter().map(|p| p.ln()).collect()
            }
        };
        let z: Vec<f32> = (0..y.len()).flat_map(|_| row.iter().copied()).collect();
        self.plan.head.loss(&z, y, None).unwrap_or(f32::NAN)
    }

    /// Eval-mode forward over `x` (row-major features); returns the logits.
    pub(super) fn eval_logits(&mut self, which: Which) -> Result<Vec<f32>> {
        let x = match which {
            Which::Train => &self.xtr,
            Which::Test => &self.xte,
        };
        let n = x.len() / self.plan.features.len();
        Ok(self.net.forward(x, n, false, &mut self.rng_drop)?.to_vec())
    }

    /// (loss, accuracy) of the whole train or test set in eval mode.
    fn evaluate(&mut self, which: Which) -> Result<(f32, Option<f32>)> {
        let z = self.eval_logits(which)?;
        let y = match which {
            Which::Train => &self.train.y,
            Which::Test => &self.test.y,
        };
        let loss = self.plan.head.loss(&z, y, None)?;
        let acc = (self.plan.classes > 0).then(|| {
            let k = self.plan.head.n_out();
            let right = z
                .chunks_exact(k)
                .zip(y)
                .filter(|(r, &t)| self.plan.head.class_of(r) == t as usize)
                .count();
            right as f32 / y.len().max(1) as f32
        });
        Ok((loss, acc))
    }

    fn record(&mut self, lr: f32) -> Result<()> {
        let (trl, tra) = self.evaluate(Which::Train)?;
        let (tel, tea) = self.evaluate(Which::Test)?;
        self.history.extend_from_slice(&[
            self.epoch as f32,
            trl,
            tel,
            tra.unwrap_or(f32::NAN),
            tea.unwrap_or(f32::NAN),
            lr,
            self.last_grad_norm,
        ]);
        Ok(())
    }

    pub(super) fn last(&self, k: usize) -> f32 {
        self.history[self.history.len() - HISTORY_STRIDE + k]
    }

    /// The most recent numbers.
    pub fn metrics(&self) -> Metrics {
        let nan_none = |v: f32| (!v.is_nan()).then_some(v);
        Metrics {
            epoch: self.epoch,
            iterations: self.iterations,
            train_loss: self.last(1),
            test_loss: self.last(2),
            train_acc: nan_none(self.last(3)),
            test_acc: nan_none(self.last(4)),
            lr: self.plan.lr.lr_at(self.epoch.saturating_sub(1)),
            grad_norm: self.last_grad_norm,
            status: self.status.name(),
            diagnosis: match &self.status {
                Status::Diverged(d) => Some(d.clone()),
                _ => None,
            },
            best_epoch: match self.status {
                Status::EarlyStopped { best_epoch, .. } => Some(best_epoch),
                _ => (self.cfg.early_stopping > 0).then_some(self.es_best_epoch),
            },
        }
    }

    /// One epoch of mini-batch updates. Returns the first non-finite batch loss, if any (the
    /// epoch stops there); a finite batch loss is not computed (`Head::grad_or_nonfinite`).
    fn run_epoch(&mut self) -> Result<Option<f32>> {
        let lr = self.plan.lr.lr_at(self.epoch);
        let mut opt_w = self.plan.opt_w;
        let mut opt_o = self.plan.opt_other;
        opt_w.set_lr(lr);
        opt_o.set_lr(lr);
        let f = self.plan.features.len();
        let n = self.train.len();
        let bs = self.cfg.batch_size.min(n);
        self.perm.clear();
        self.perm.extend(0..n);
        data::shuffle(&mut self.perm, &mut self.rng_shuffle);
        let (l1, l2) = (self.cfg.l1 as f32, self.cfg.l2 as f32);
        let decay = (self.plan.engine_decay && self.cfg.weight_decay > 0.0)
            .then_some((1.0 - lr * self.cfg.weight_decay) as f32);
        let clip = self.cfg.clip_norm;
        let mut start = 0;
        while start < n {
            let end = (start + bs).min(n);
            let nb = end - start;
            start = end;
            if self.cfg.batch_norm && nb < 2 {
                continue; // a one-example batch has no batch statistics (torch raises)
            }
            self.xb.clear();
            self.yb.clear();
            for &i in &self.perm[end - nb..end] {
                self.xb.extend_from_slice(&self.xtr[i * f..(i + 1) * f]);
                self.yb.push(self.train.y[i]);
            }
            let z = self.net.forward(&self.xb, nb, true, &mut self.rng_drop)?;
            if let Some(bad) = self
                .plan
                .head
                .grad_or_nonfinite(z, &self.yb, &mut self.dz)?
            {
                return Ok(Some(bad));
            }
            self.net.backward(&self.dz)?;
            // penalties (weights only), global norm, clipping
            let mut sq = 0.0f64;
            self.net.for_each_param(|kind, p, g| {
                if kind == ParamKind::Weight && (l1 > 0.0 || l2 > 0.0) {
                    for (gv, &pv) in g.iter_mut().zip(p.iter()) {
                        *gv += penalty_grad(pv, l1, l2);
                    }
                }
                sq += g.iter().map(|&v| v as f64 * v as f64).sum::<f64>();
            });
            let norm = sq.sqrt();
            self.last_grad_norm = norm as f32;
            let coef = if clip > 0.0 {
                schedule::clip_coef(norm, clip) as f32
            } else {
                1.0
            };
            let states = &mut self.states;
            let mut slot = 0;
            let mut err = None;
            self.net.for_each_param(|kind, p, g| {
                if coef < 1.0 {
                    g.iter_mut().for_each(|v| *v *= coef);
                }
                let weight = kind == ParamKind::Weight;
                if let (true, Some(d)) = (weight, decay) {
                    p.iter_mut().for_each(|v| *v *= d);
                }
                if states.len() <= slot {
                    states.push(OptimState::default());
                }
                let cfg = if weight { &opt_w } else { &opt_o };
                if let Err(e) = optim::step(cfg, &mut states[slot], p, g) {
                    err.get_or_insert(e);
                }
                slot += 1;
            });
            if let Some(e) = err {
                return Err(e);
            }
            self.iterations += 1;
        }
        Ok(None)
    }

    /// Changes the base learning rate of the running model (the schedule and warmup still apply
    /// to it), keeping its weights, optimizer state and history: the page's "keep the weights"
    /// choice when the learning rate is changed mid-run. Checked like the config's `lr`.
    pub fn set_lr(&mut self, lr: f64) -> Result<()> {
        super::config::LR.check(lr)?;
        self.cfg.lr = lr;
        self.plan.lr.base = lr;
        Ok(())
    }

    /// Trains `n` epochs (stopping early on divergence or early stopping), recording the full
    /// train/test loss and accuracy after each. Returns the latest metrics.
    pub fn step(&mut self, n: usize) -> Result<Metrics> {
        for _ in 0..n {
            if self.status != Status::Training {
                break;
            }
            self.net.save_state(&mut self.good);
            let lr = self.plan.lr.lr_at(self.epoch);
            let bad_loss = self.run_epoch()?;
            self.epoch += 1;
            if bad_loss.is_some() || !self.net.is_finite() {
                self.record(lr as f32)?;
                let v = bad_loss.unwrap_or(f32::NAN);
                // the curve shows the blow-up, not the eval of the half-updated weights
                let at = self.history.len() - HISTORY_STRIDE + 1;
                self.history[at] = v;
                self.diverge(if v.is_nan() { "nan" } else { "inf" }, v);
                break;
            }
            self.record(lr as f32)?;
            let (trl, tel) = (self.last(1), self.last(2));
            if !trl.is_finite() || !tel.is_finite() {
                self.diverge(
                    if trl.is_nan() || tel.is_nan() {
                        "nan"
                    } else {
                        "inf"
                    },
                    trl,
                );
                break;
            }
            let limit = (10.0 * self.init_loss).max(self.init_loss + 5.0);
            if trl > limit {
                self.diverge("exploding", trl);
                break;
            }
            if self.cfg.early_stopping > 0 {
                if (tel as f64) < self.es_best as f64 - self.cfg.min_delta {
                    self.es_best = tel;
                    self.es_best_epoch = self.epoch;
                    self.es_wait = 0;
                } else {
                    self.es_wait += 1;
                    if self.es_wait >= self.cfg.early_stopping {
                        self.status = Status::EarlyStopped {
                            best_epoch: self.es_best_epoch,
                            best_test_loss: self.es_best,
                        };
                    }
                }
            }
        }
        Ok(self.metrics())
    }

    /// Trains `n` epochs without measuring or recording anything (benchmarks, fast-forward):
    /// the divergence checks on the batch losses still stop it.
    pub fn fit(&mut self, n: usize) -> Result<()> {
        for _ in 0..n {
            if self.status != Status::Training {
                break;
            }
            let bad_loss = self.run_epoch()?;
            self.epoch += 1;
            if let Some(l) = bad_loss {
                self.diverge(if l.is_nan() { "nan" } else { "inf" }, l);
            }
        }
        Ok(())
    }

    /// Adds a training point. `label` is a class index (classification) or the target value.
    pub fn add_point(&mut self, x1: f32, x2: f32, label: f32) -> Result<()> {
        let p = [x1, x2, label];
        check_points("point", &[p], self.plan.classes)?;
        if self.train.len() + self.test.len() >= MAX_POINTS {
            return Err(Error::TooLarge(format!(
                "the dataset already has {MAX_POINTS} points, the limit"
            )));
        }
        self.train.x.push([x1, x2]);
        self.train.y.push(label);
        features::featurize(
            &self.plan.features,
            &[[x1, x2]],
            self.norm.as_deref(),
            &mut self.xtr,
        );
        self.cfg.extra_points.push(p);
        Ok(())
    }

    /// Per-point rows `[x1, x2, label, is_test]`, training points first.
    pub fn points_table(&self) -> Vec<f32> {
        let rows = |p: &Points, t: f32| {
            p.x.iter()
                .zip(&p.y)
                .flat_map(move |(x, &y)| [x[0], x[1], y, t])
                .collect::<Vec<_>>()
        };
        let mut v = rows(&self.train, 0.0);
        v.extend(rows(&self.test, 1.0));
        v
    }
}

#[derive(Clone, Copy)]
pub(super) enum Which {
    Train,
    Test,
}

/// The gradient the L1 and L2 penalties add to a weight `w`: `l1 * sign(w) + l2 * w` (the
/// penalty `l1 |w| + l2 w^2 / 2`; the subgradient 0 at w = 0), as the trainer applies it.
pub fn penalty_grad(w: f32, l1: f32, l2: f32) -> f32 {
    l1 * w.signum() * f32::from(w != 0.0) + l2 * w
}

#[cfg(test)]
pub(super) mod tests {
    use super::*;
    use crate::nn::config::Optimizer;
    use crate::testkit::assert_close;

    /// The default config with `f` applied.
    pub(in crate::nn) fn cfg(f: impl FnOnce(&mut TrainConfig)) -> TrainConfig {
        let mut c = TrainConfig::default();
        f(&mut c);
        c
    }

    /// A run of `c` after `epochs` epochs.
    pub(in crate::nn) fn train_to(c: TrainConfig, epochs: usize) -> Trainer {
        let mut t = Trainer::new(c).unwrap();
        t.step(epochs).unwrap();
        t
    }

    /// Issue 10: a new learning rate mid-run keeps the run (epochs, history, weights) and
    /// applies from the next epoch on; a bad one is refused and changes nothing.
    #[test]
    fn set_lr_keeps_the_run_and_applies_from_the_next_epoch() {
        let c = cfg(|c| c.lr = 0.03);
        let plain = train_to(c.clone(), 25);
        let mut t = train_to(c, 20);
        assert!(t.set_lr(0.0).is_err() && t.set_lr(f64::NAN).is_err());
        t.set_lr(0.1).unwrap();
        assert_eq!(t.epoch(), 20);
        let h = t.history().to_vec();
        assert_eq!(
            &h[..],
            &plain.history()[..h.len()],
            "the first 20 epochs are the same run"
        );
        t.step(5).unwrap();
        let rows: Vec<&[f32]> = t.history().chunks(HISTORY_STRIDE).collect();
        assert_eq!(rows.len(), 26);
        assert_close("lr before", &[rows[20][5]], &[0.03], 1e-7, 0.0);
        assert_close(
            "lr after",
            &[rows[21][5], rows[25][5]],
            &[0.1, 0.1],
            1e-7,
            0.0,
        );
        assert_ne!(rows[25][1], plain.history()[25 * HISTORY_STRIDE + 1]);
        assert_eq!(t.config().lr, 0.1);
    }

    /// Each dataset, trained with a fixed seed, reaches a stated test accuracy (or regression loss).
    #[test]
    fn every_dataset_trains_to_its_stated_accuracy() {
        let cases: Vec<(&str, TrainConfig, usize, f32)> = vec![
            ("circle", cfg(|c| c.dataset = "circle".into()), 200, 0.95),
            (
                "xor",
                cfg(|c| {
                    c.dataset = "xor".into();
                    c.features = vec!["x1".into(), "x2".into(), "x1*x2".into()];
                }),
                100,
                0.95,
            ),
            ("gauss", cfg(|c| c.dataset = "gauss".into()), 50, 0.97),
            (
                "moons",
                cfg(|c| {
                    c.dataset = "moons".into();
                    c.hidden = vec![8, 8];
                    c.optimizer = "adam".into();
                    c.lr = 0.01;
                }),
                150,
                0.97,
            ),
            (
                "blobs (4 classes)",
                cfg(|c| {
                    c.dataset = "blobs".into();
                    c.classes = 4;
                    c.noise = 10.0;
                    c.hidden = vec![8];
                }),
                60,
                0.93,
            ),
            (
                "spiral (2 arms)",
                cfg(|c| {
                    c.dataset = "spiral".into();
                    c.hidden = vec![16, 16, 16];
                    c.activation = "relu".into();
                    c.optimizer = "adam".into();
                    c.lr = 0.01;
                }),
                300,
                0.95,
            ),
            (
                "spiral (3 arms, softmax)",
                cfg(|c| {
                    c.dataset = "spiral".into();
                    c.classes = 3;
                    c.hidden = vec![16, 16, 16];
                    c.activation = "relu".into();
                    c.init = "kaiming_uniform".into();
                    c.optimizer = "adam".into();
                    c.lr = 0.01;
                    c.normalize_inputs = true;
                }),
                400,
                0.9,
            ),
        ];
        for (name, c, epochs, want) in cases {
            let t = train_to(c, epochs);
            let m = t.metrics();
            assert_eq!(m.status, "training", "{name}: {:?}", m.diagnosis);
            let acc = m.test_acc.unwrap();
            assert!(
                acc >= want,
                "{name}: test accuracy {acc} after {epochs} epochs, want >= {want}"
            );
            assert!(m.train_loss < t.history()[1], "{name}: the loss fell");
        }
        for (name, ds, want) in [("plane", "plane", 0.005), ("reg_gauss", "reg_gauss", 0.03)] {
            let t = train_to(
                cfg(|c| {
                    c.dataset = ds.into();
                    c.hidden = vec![8, 8];
                    c.optimizer = "adam".into();
                    c.lr = 0.01;
                }),
                200,
            );
            let m = t.metrics();
            assert!(m.test_acc.is_none(), "{name}: no accuracy for a regression");
            assert!(
                m.test_loss <= want,
                "{name}: test mse {} want <= {want}",
                m.test_loss
            );
        }
    }

    #[test]
    fn same_config_same_curve_whatever_the_chunking() {
        let c = cfg(|c| {
            c.dataset = "spiral".into();
            c.classes = 3;
            c.dropout = 0.2;
            c.batch_norm = true;
            c.noise = 20.0;
            c.optimizer = "adam".into();
        });
        let mut a = Trainer::new(c.clone()).unwrap();
        a.step(30).unwrap();
        let mut b = Trainer::new(c).unwrap();
        for n in [1, 7, 2, 20] {
            b.step(n).unwrap();
        }
        let bits = |t: &Trainer| t.history().iter().map(|v| v.to_bits()).collect::<Vec<_>>();
        assert_eq!(bits(&a), bits(&b));
        let mut d = Trainer::new(cfg(|c| c.seed = 2)).unwrap();
        d.step(30).unwrap();
        assert_ne!(
            a.history()[HISTORY_STRIDE + 1],
            d.history()[HISTORY_STRIDE + 1]
        );
    }

    #[test]
    fn early_stopping_schedules_and_clipping() {
        let mut t = Trainer::new(cfg(|c| {
            c.dataset = "gauss".into();
            c.noise = 50.0;
            c.train_ratio = 10.0;
            c.hidden = vec![16, 16];
            c.optimizer = "adam".into();
            c.lr = 0.03;
            c.early_stopping = 10;
        }))
        .unwrap();
        let m = t.step(1000).unwrap();
        assert_eq!(m.status, "early_stopped");
        assert!(
            m.epoch < 1000 && m.best_epoch.unwrap() + 10 == m.epoch,
            "{m:?}"
        );
        let mut t = Trainer::new(cfg(|c| {
            c.schedule = "step".into();
            c.step_every = 2;
            c.warmup = 1;
            c.clip_norm = 0.01;
        }))
        .unwrap();
        t.step(5).unwrap();
        let lrs: Vec<f32> = t
            .history()
            .chunks(HISTORY_STRIDE)
            .skip(1)
            .map(|r| r[5])
            .collect();
        assert_eq!(lrs, vec![0.015, 0.03, 0.015, 0.015, 0.0075]);
        // clipping to 0.01 bounds the first-epoch move: 25 updates of at most lr * 0.01 each
        let before = Trainer::new(cfg(|c| c.clip_norm = 0.01))
            .unwrap()
            .network()
            .out
            .w
            .clone();
        let mut t = Trainer::new(cfg(|c| c.clip_norm = 0.01)).unwrap();
        t.step(1).unwrap();
        let moved: Vec<f32> = t
            .network()
            .out
            .w
            .iter()
            .zip(&before)
            .map(|(a, b)| a - b)
            .collect();
        let moved = schedule::global_norm([&moved[..]]);
        assert!(moved > 0.0 && moved <= 25.0 * 0.03 * 0.01 + 1e-6, "{moved}");
    }

    #[test]
    fn adamw_and_engine_decay_agree_and_optimizers_run() {
        // no hidden layer at all: logistic regression on the features
        let mut t = train_to(
            cfg(|c| {
                c.hidden = vec![];
                c.features = vec!["x1^2".into(), "x2^2".into()];
            }),
            30,
        );
        assert!(t.metrics().test_acc.unwrap() > 0.95);
        t.compute_heatmaps().unwrap();
        t.compute_histograms().unwrap();
        assert!(t.health().unwrap().grad_ratio.is_none());
        for opt in Optimizer::NAMES {
            let t = train_to(cfg(|c| c.optimizer = opt.into()), 20);
            assert_eq!(t.metrics().status, "training", "{opt}");
            assert!(
                t.metrics().train_loss < t.history()[1],
                "{opt}: the loss fell"
            );
        }
        // sgd + decoupled decay uses the same formula as AdamW: w <- w (1 - lr wd)
        let mut t = Trainer::new(cfg(|c| {
            c.weight_decay = 0.5;
            c.lr = 0.1;
            c.batch_size = 500;
        }))
        .unwrap();
        let w0 = t.network().out.w.clone();
        let mut probe = Trainer::new(cfg(|c| {
            c.lr = 0.1;
            c.batch_size = 500;
        }))
        .unwrap();
        t.step(1).unwrap();
        probe.step(1).unwrap();
        // one full-batch step: w1 = w0 (1 - 0.05) - lr g, and probe has w0 - lr g
        let want: Vec<f32> = probe
            .network()
            .out
            .w
            .iter()
            .zip(&w0)
            .map(|(b, w)| b - 0.05 * w)
            .collect();
        assert_close("sgd + decay", &t.network().out.w, &want, 1e-5, 0.0);
    }

    #[test]
    fn added_points_and_custom_data() {
        // custom points, added points
        let mut pts = Vec::new();
        for i in 0..40 {
            let a = i as f32 * 0.3;
            pts.push([a.cos() * 20.0, a.sin() * 20.0, (i % 2) as f32]);
        }
        let mut t = Trainer::new(cfg(|c| {
            c.dataset = "custom".into();
            c.custom_points = pts.clone();
        }))
        .unwrap();
        assert_eq!(t.classes(), 2);
        assert!(t.domain() >= 20.0);
        let n = t.points_table().len();
        t.add_point(1.0, 2.0, 1.0).unwrap();
        assert_eq!(t.points_table().len(), n + 4);
        assert!(t.add_point(1.0, 2.0, 3.0).is_err());
        assert!(t.add_point(f32::NAN, 2.0, 1.0).is_err());
        assert_eq!(t.config().extra_points, vec![[1.0, 2.0, 1.0]]);
        t.step(2).unwrap();
    }
}
