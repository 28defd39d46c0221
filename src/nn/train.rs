//! The trainer: a toy dataset, an MLP, a loss head and an optimizer, run epoch by epoch with
//! everything seeded, so one `TrainConfig` always gives the same curves.
//!
//! One epoch: shuffle the training points (seeded), then for each mini-batch: forward (train
//! mode), loss and its gradient (`ops::loss`), backward, L1/L2 penalty gradients on the weights,
//! clipping by global norm, decoupled weight decay `w <- w (1 - lr wd)` on the weights, and one
//! `nn::optim` step per parameter tensor with the epoch's scheduled learning rate. After each
//! epoch the full train and test losses and accuracies are measured in eval mode and recorded.
//!
//! A run stops by itself when it diverges (a non-finite loss or weight, or a loss above
//! `max(10 x, +5)` its starting value): the last finite weights are put back and a `Diagnosis`
//! names the likely cause. It also stops early when the test loss has not improved for
//! `early_stopping` epochs. `health()` reads the network for the quieter failures (dead ReLUs,
//! saturated units, symmetric layers after a constant init, vanishing gradients, over-regularized
//! weights, unscaled inputs).

use serde::{Deserialize, Serialize};

use super::data::{self, DatasetKind, Feature, Points, MAX_CLASSES, MAX_POINTS};
use super::init::Init;
use super::net::{Head, LossKind, Mlp, MlpSpec, ParamKind};
use super::optim::{self, OptimConfig, OptimState};
use super::schedule::{self, LrSchedule, Schedule};
use crate::ops::activation::{check_activation, Activation};
use crate::rng::Rng;
use crate::{arg_err, Error, Result};

/// Most hidden layers and units per hidden layer (TensorFlow Playground allows 6 x 8).
pub const MAX_LAYERS: usize = 8;
pub const MAX_UNITS: usize = 16;
/// Values per row of the history: epoch, train loss, test loss, train accuracy, test accuracy
/// (NaN for regression), learning rate, gradient norm (last batch, before clipping).
pub const HISTORY_STRIDE: usize = 7;
/// Values before the bins of one histogram: lo, hi, mean, std, share of |v| < 0.01.
pub const HIST_HEADER: usize = 5;
/// Near-zero threshold for weights (the L1-vs-L2 comparison) and activations.
pub const NEAR_ZERO: f32 = 0.01;

/// Everything that defines a run. Field names are the keys of the JS options object.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(default, deny_unknown_fields)]
pub struct TrainConfig {
    pub seed: u32,
    pub dataset: String,
    /// Classes of the spiral and blobs sets (2..=6).
    pub classes: usize,
    /// Number of generated points.
    pub points: usize,
    /// Noise in percent, 0..=50.
    pub noise: f32,
    /// Share of the points used for training, in percent (10..=90).
    pub train_ratio: f32,
    /// `[x1, x2, label]` rows of the custom dataset.
    pub custom_points: Vec<[f32; 3]>,
    /// Points added to the training set (clicked on the plot).
    pub extra_points: Vec<[f32; 3]>,
    pub features: Vec<String>,
    /// Standardize every input feature with the training set's mean and std.
    pub normalize_inputs: bool,
    pub hidden: Vec<usize>,
    pub activation: String,
    pub batch_norm: bool,
    pub dropout: f32,
    pub init: String,
    pub init_scale: f32,
    /// "auto" (mse for regression, bce for 2 classes, cross_entropy for more), or a name.
    pub loss: String,
    pub label_smoothing: f32,
    pub focal_alpha: f32,
    pub focal_gamma: f32,
    pub optimizer: String,
    pub lr: f64,
    pub momentum: f64,
    pub l1: f64,
    pub l2: f64,
    pub weight_decay: f64,
    pub schedule: String,
    pub step_every: usize,
    pub step_gamma: f64,
    pub cosine_epochs: usize,
    pub warmup: usize,
    /// Global gradient-norm limit; 0 = no clipping.
    pub clip_norm: f64,
    pub batch_size: usize,
    /// Patience in epochs; 0 = off.
    pub early_stopping: usize,
    pub min_delta: f64,
    /// Decision-boundary heatmap resolution (cells per side).
    pub grid: usize,
    /// Per-neuron heatmap resolution.
    pub neuron_grid: usize,
    pub hist_bins: usize,
}

impl Default for TrainConfig {
    /// TensorFlow Playground's defaults: circle, no noise, 50% train, batch 10, x1 and x2,
    /// hidden 4-2, tanh, learning rate 0.03, plain SGD.
    fn default() -> Self {
        TrainConfig {
            seed: 1,
            dataset: "circle".into(),
            classes: 2,
            points: 500,
            noise: 0.0,
            train_ratio: 50.0,
            custom_points: Vec::new(),
            extra_points: Vec::new(),
            features: vec!["x1".into(), "x2".into()],
            normalize_inputs: false,
            hidden: vec![4, 2],
            activation: "tanh".into(),
            batch_norm: false,
            dropout: 0.0,
            init: "xavier_uniform".into(),
            init_scale: 0.5,
            loss: "auto".into(),
            label_smoothing: 0.0,
            focal_alpha: 0.25,
            focal_gamma: 2.0,
            optimizer: "sgd".into(),
            lr: 0.03,
            momentum: 0.9,
            l1: 0.0,
            l2: 0.0,
            weight_decay: 0.0,
            schedule: "constant".into(),
            step_every: 50,
            step_gamma: 0.5,
            cosine_epochs: 200,
            warmup: 0,
            clip_norm: 0.0,
            batch_size: 10,
            early_stopping: 0,
            min_delta: 0.0,
            grid: 50,
            neuron_grid: 20,
            hist_bins: 24,
        }
    }
}

fn in_range<T: PartialOrd + std::fmt::Display + Copy>(
    name: &str,
    v: T,
    lo: T,
    hi: T,
) -> Result<()> {
    if !(v >= lo && v <= hi) {
        return arg_err!("{name} must be in {lo}..={hi}, got {v}");
    }
    Ok(())
}

fn finite_in(name: &str, v: f64, lo: f64, hi: f64) -> Result<()> {
    if !v.is_finite() {
        return arg_err!("{name} must be a finite number, got {v}");
    }
    in_range(name, v, lo, hi)
}

const OPTIMIZERS: [&str; 7] = [
    "sgd", "momentum", "nesterov", "adagrad", "rmsprop", "adam", "adamw",
];

/// The checked, parsed form of a `TrainConfig`.
#[derive(Debug, Clone)]
struct Plan {
    kind: DatasetKind,
    classes: usize,
    features: Vec<Feature>,
    act: Activation,
    init: Init,
    head: Head,
    /// Optimizer for weights, and for biases and batch-norm parameters (no decay on those).
    opt_w: OptimConfig,
    opt_other: OptimConfig,
    /// Apply `w *= 1 - lr wd` in the engine (AdamW does it inside `nn::optim`).
    engine_decay: bool,
    lr: LrSchedule,
}

fn check_points(name: &str, pts: &[[f32; 3]], classes: usize) -> Result<()> {
    for (i, p) in pts.iter().enumerate() {
        if !p.iter().all(|v| v.is_finite() && v.abs() <= 1e6) {
            return arg_err!(
                "{name}[{i}] = {p:?}: coordinates and labels must be finite numbers within +-1e6"
            );
        }
        if classes > 0 && !(p[2].fract() == 0.0 && p[2] >= 0.0 && (p[2] as usize) < classes) {
            return arg_err!(
                "{name}[{i}] has label {}, but this dataset has classes 0..{}",
                p[2],
                classes - 1
            );
        }
    }
    Ok(())
}

impl TrainConfig {
    fn plan(&mut self) -> Result<Plan> {
        let kind = DatasetKind::parse(&self.dataset)?;
        in_range("train_ratio", self.train_ratio, 10.0, 90.0)?;
        if !self.train_ratio.is_finite() {
            return arg_err!("train_ratio must be a finite number");
        }
        let classes = if kind == DatasetKind::Custom {
            let n = self.custom_points.len();
            if !(4..=MAX_POINTS).contains(&n) {
                return arg_err!(
                    "the custom dataset needs 4..={MAX_POINTS} points in custom_points, got {n}"
                );
            }
            check_points("custom_points", &self.custom_points, 0)?;
            let k = data::infer_classes(&mut self.custom_points)?;
            if k > 0 {
                self.classes = k;
            }
            k
        } else {
            in_range("points", self.points, 4, MAX_POINTS)?;
            in_range("noise", self.noise, 0.0, 50.0)?;
            if matches!(kind, DatasetKind::Spiral | DatasetKind::Blobs) {
                in_range("classes", self.classes, 2, MAX_CLASSES)?;
            }
            kind.classes(self.classes)
        };
        let base = if kind == DatasetKind::Custom {
            self.custom_points.len()
        } else {
            self.points
        };
        if base + self.extra_points.len() > MAX_POINTS {
            return arg_err!(
                "{} points plus {} added ones exceed the limit of {MAX_POINTS}",
                base,
                self.extra_points.len()
            );
        }
        check_points("extra_points", &self.extra_points, classes)?;
        if self.features.is_empty() {
            return arg_err!("features is empty: select at least one input feature");
        }
        let features = self
            .features
            .iter()
            .map(|f| Feature::parse(f))
            .collect::<Result<Vec<_>>>()?;
        for (i, f) in features.iter().enumerate() {
            if features[..i].contains(f) {
                return arg_err!("feature {:?} is listed twice", f.name());
            }
        }
        if self.hidden.len() > MAX_LAYERS {
            return arg_err!(
                "hidden has {} layers; the limit is {MAX_LAYERS}",
                self.hidden.len()
            );
        }
        for (i, &u) in self.hidden.iter().enumerate() {
            if !(1..=MAX_UNITS).contains(&u) {
                return arg_err!("hidden layer {} has {u} units; use 1..={MAX_UNITS}", i + 1);
            }
        }
        let act = Activation::parse(&self.activation)?;
        check_activation(&act)?;
        finite_in("dropout", self.dropout as f64, 0.0, 0.9)?;
        let init = Init::parse(&self.init, self.init_scale)?;
        if !(self.init_scale.is_finite() && self.init_scale.abs() <= 100.0) {
            return arg_err!(
                "init_scale must be a finite number within +-100, got {}",
                self.init_scale
            );
        }
        let loss_name = if self.loss == "auto" {
            match classes {
                0 => "mse",
                2 => "bce",
                _ => "cross_entropy",
            }
        } else {
            self.loss.as_str()
        };
        let loss = match loss_name {
            "mse" => LossKind::Mse,
            "bce" => LossKind::Bce,
            "cross_entropy" => LossKind::CrossEntropy,
            "focal" => LossKind::Focal {
                alpha: self.focal_alpha,
                gamma: self.focal_gamma,
            },
            other => {
                return arg_err!(
                    "loss must be auto or one of {}, got {other:?}",
                    LossKind::NAMES.join(", ")
                )
            }
        };
        finite_in("label_smoothing", self.label_smoothing as f64, 0.0, 0.99)?;
        let head = Head::new(classes, loss, self.label_smoothing)?;
        finite_in("lr", self.lr, 1e-7, 100.0)?;
        finite_in("momentum", self.momentum, 0.0, 0.999)?;
        finite_in("l1", self.l1, 0.0, 10.0)?;
        finite_in("l2", self.l2, 0.0, 10.0)?;
        finite_in("weight_decay", self.weight_decay, 0.0, 10.0)?;
        let lr = self.lr;
        let adam = |decoupled: bool, wd: f64| OptimConfig::Adam {
            lr,
            betas: (0.9, 0.999),
            eps: 1e-8,
            weight_decay: wd,
            amsgrad: false,
            decoupled,
        };
        let sgd = |momentum: f64, nesterov: bool| OptimConfig::Sgd {
            lr,
            momentum,
            dampening: 0.0,
            nesterov,
            weight_decay: 0.0,
        };
        let (opt_w, opt_other) = match self.optimizer.as_str() {
            "sgd" => (sgd(0.0, false), sgd(0.0, false)),
            "momentum" => (sgd(self.momentum, false), sgd(self.momentum, false)),
            "nesterov" => {
                if self.momentum <= 0.0 {
                    return arg_err!("nesterov needs a momentum > 0, got {}", self.momentum);
                }
                (sgd(self.momentum, true), sgd(self.momentum, true))
            }
            "adagrad" => {
                let a = OptimConfig::Adagrad {
                    lr,
                    lr_decay: 0.0,
                    weight_decay: 0.0,
                    eps: 1e-10,
                };
                (a, a)
            }
            "rmsprop" => {
                let r = OptimConfig::RmsProp {
                    lr,
                    alpha: 0.99,
                    eps: 1e-8,
                    weight_decay: 0.0,
                    momentum: 0.0,
                    centered: false,
                };
                (r, r)
            }
            "adam" => (adam(false, 0.0), adam(false, 0.0)),
            // torch.optim.AdamW's own decoupled decay, with biases in a no-decay group
            "adamw" => (adam(true, self.weight_decay), adam(true, 0.0)),
            other => {
                return arg_err!(
                    "optimizer must be one of {}, got {other:?}",
                    OPTIMIZERS.join(", ")
                )
            }
        };
        opt_w.validate()?;
        opt_other.validate()?;
        let sched = Schedule::parse(
            &self.schedule,
            self.step_every,
            self.step_gamma,
            self.cosine_epochs,
        )?;
        in_range("warmup", self.warmup, 0, 100_000)?;
        finite_in("clip_norm", self.clip_norm, 0.0, 1e6)?;
        in_range("batch_size", self.batch_size, 1, MAX_POINTS)?;
        if self.batch_norm && self.batch_size < 2 {
            return arg_err!(
                "batch norm needs batch_size >= 2 (its statistics come from the batch), got {}",
                self.batch_size
            );
        }
        in_range("early_stopping", self.early_stopping, 0, 100_000)?;
        finite_in("min_delta", self.min_delta, 0.0, 1e6)?;
        in_range("grid", self.grid, 8, 128)?;
        in_range("neuron_grid", self.neuron_grid, 4, 64)?;
        in_range("hist_bins", self.hist_bins, 4, 100)?;
        Ok(Plan {
            kind,
            classes,
            features,
            act,
            init,
            head,
            opt_w,
            opt_other,
            engine_decay: self.optimizer != "adamw",
            lr: LrSchedule {
                base: self.lr,
                schedule: sched,
                warmup: self.warmup,
            },
        })
    }
}

/// Why a run stopped by itself, and the likely cause.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct Diagnosis {
    /// "nan", "inf" or "exploding".
    pub reason: &'static str,
    /// "lr_too_high", "bad_init_scale" or "dead_relus".
    pub cause: &'static str,
    pub epoch: usize,
    pub loss: f32,
    pub lr: f64,
    /// ReLU units that output 0 for every training point (with the last finite weights).
    pub dead_units: usize,
    pub relu_units: usize,
    /// Largest ratio of a layer's initial weight std to LeCun's `1/sqrt(fan_in)`.
    pub init_ratio: f32,
    pub message: String,
}

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
    cfg: TrainConfig,
    plan: Plan,
    train: Points,
    test: Points,
    norm: Option<Vec<(f32, f32)>>,
    xtr: Vec<f32>,
    xte: Vec<f32>,
    net: Mlp,
    states: Vec<OptimState>,
    rng_shuffle: Rng,
    rng_drop: Rng,
    epoch: usize,
    iterations: u64,
    history: Vec<f32>,
    status: Status,
    init_loss: f32,
    init_ratio: f32,
    baseline: f32,
    good: Vec<f32>,
    es_best: f32,
    es_best_epoch: usize,
    es_wait: usize,
    last_grad_norm: f32,
    domain: f32,
    perm: Vec<usize>,
    xb: Vec<f32>,
    yb: Vec<f32>,
    dz: Vec<f32>,
    boundary: Vec<f32>,
    neurons: Vec<f32>,
    hist: Vec<f32>,
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
            .then(|| data::feature_stats(&plan.features, &train.x));
        let mut xtr = Vec::new();
        let mut xte = Vec::new();
        data::featurize(&plan.features, &train.x, norm.as_deref(), &mut xtr);
        data::featurize(&plan.features, &test.x, norm.as_deref(), &mut xte);
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
            6.0
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
    fn eval_logits(&mut self, which: Which) -> Result<Vec<f32>> {
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

    fn last(&self, k: usize) -> f32 {
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

    /// One epoch of mini-batch updates. Returns the mean batch loss, or the first non-finite one.
    fn run_epoch(&mut self) -> Result<f32> {
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
        let mut total = 0.0f64;
        let mut count = 0usize;
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
            let loss = self.plan.head.loss(z, &self.yb, Some(&mut self.dz))?;
            if !loss.is_finite() {
                return Ok(loss);
            }
            total += loss as f64 * nb as f64;
            count += nb;
            self.net.backward(&self.dz)?;
            // penalties (weights only), global norm, clipping
            let mut sq = 0.0f64;
            self.net.for_each_param(|kind, p, g| {
                if kind == ParamKind::Weight && (l1 > 0.0 || l2 > 0.0) {
                    for (gv, &pv) in g.iter_mut().zip(p.iter()) {
                        *gv += l1 * pv.signum() * f32::from(pv != 0.0) + l2 * pv;
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
        Ok(if count == 0 {
            0.0
        } else {
            (total / count as f64) as f32
        })
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
            let batch_loss = self.run_epoch()?;
            self.epoch += 1;
            if !batch_loss.is_finite() || !self.net.is_finite() {
                self.record(lr as f32)?;
                let v = if batch_loss.is_finite() {
                    f32::NAN
                } else {
                    batch_loss
                };
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
            let l = self.run_epoch()?;
            self.epoch += 1;
            if !l.is_finite() {
                self.diverge(if l.is_nan() { "nan" } else { "inf" }, l);
            }
        }
        Ok(())
    }

    /// Stops the run, puts the last finite weights back and works out the likely cause.
    fn diverge(&mut self, reason: &'static str, loss: f32) {
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
                 use xavier, kaiming or lecun init, or a smaller init_scale",
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
            && data::feature_stats(&self.plan.features, &self.train.x)
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

    /// Centers of a g x g grid over the domain, row 0 at the top (x2 = +domain).
    fn grid_points(&self, g: usize) -> Vec<[f32; 2]> {
        let d = self.domain;
        let step = 2.0 * d / g as f32;
        (0..g)
            .flat_map(|r| {
                (0..g).map(move |c| [-d + (c as f32 + 0.5) * step, d - (r as f32 + 0.5) * step])
            })
            .collect()
    }

    fn featurize_grid(&self, g: usize) -> Vec<f32> {
        let pts = self.grid_points(g);
        let mut x = Vec::with_capacity(pts.len() * self.plan.features.len());
        data::featurize(&self.plan.features, &pts, self.norm.as_deref(), &mut x);
        x
    }

    /// Fills the decision-boundary buffer (`grid^2 x boundary_channels()`, row-major from the top
    /// left: P(class 1), the class probabilities, or the regression output) and the per-neuron
    /// buffer (`nodes x neuron_grid^2`, nodes = input features then hidden units layer by layer,
    /// each the unit's output after its activation), both in eval mode.
    pub fn compute_heatmaps(&mut self) -> Result<()> {
        let g = self.cfg.grid;
        let x = self.featurize_grid(g);
        let k = self.plan.head.n_out();
        let ch = self.boundary_channels();
        let z = self
            .net
            .forward(&x, g * g, false, &mut self.rng_drop)?
            .to_vec();
        self.boundary.clear();
        self.boundary.resize(g * g * ch, 0.0);
        let mut probs = vec![0.0f32; k];
        for (cell, row) in z.chunks_exact(k).enumerate() {
            self.plan.head.predict_row(row, &mut probs);
            self.boundary[cell * ch..(cell + 1) * ch].copy_from_slice(&probs[..ch]);
        }
        let gn = self.cfg.neuron_grid;
        let cells = gn * gn;
        let x = self.featurize_grid(gn);
        self.net.forward(&x, cells, false, &mut self.rng_drop)?;
        let f = self.plan.features.len();
        let units: usize = self.net.hidden.iter().map(|h| h.dense.n_out).sum();
        self.neurons.clear();
        self.neurons.resize((f + units) * cells, 0.0);
        let mut node = 0;
        for j in 0..f {
            for c in 0..cells {
                self.neurons[node * cells + c] = x[c * f + j];
            }
            node += 1;
        }
        for l in 0..self.net.hidden.len() {
            let a = self.net.activations(l);
            let u = self.net.hidden[l].dense.n_out;
            for j in 0..u {
                for c in 0..cells {
                    self.neurons[node * cells + c] = a[c * u + j];
                }
                node += 1;
            }
        }
        Ok(())
    }

    pub fn boundary(&self) -> &[f32] {
        &self.boundary
    }
    pub fn neurons(&self) -> &[f32] {
        &self.neurons
    }

    /// Fills the histogram buffer: for every dense layer (hidden..., output) three histograms,
    /// weights, activations (after the activation on the training set in eval mode; logits for the
    /// output layer) and weight gradients (last batch), each `HIST_HEADER + hist_bins` values:
    /// lo, hi (symmetric, +-max|v|), mean, std, share of |v| < 0.01, then the bin counts.
    pub fn compute_histograms(&mut self) -> Result<()> {
        let logits = self.eval_logits(Which::Train)?;
        let bins = self.cfg.hist_bins;
        let layers = self.net.hidden.len() + 1;
        self.hist.clear();
        for l in 0..layers {
            let last = l + 1 == layers;
            let (w, a, g): (&[f32], &[f32], &[f32]) = if last {
                (&self.net.out.w, &logits, &self.net.out.gw)
            } else {
                let h = &self.net.hidden[l];
                (&h.dense.w, self.net.activations(l), &h.dense.gw)
            };
            for v in [w, a, g] {
                histogram(v, bins, &mut self.hist);
            }
        }
        Ok(())
    }

    pub fn histograms(&self) -> &[f32] {
        &self.hist
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
        data::featurize(
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
enum Which {
    Train,
    Test,
}

/// Appends a histogram of the finite values of `v` (see `compute_histograms`).
fn histogram(v: &[f32], bins: usize, out: &mut Vec<f32>) {
    let fin = v.iter().copied().filter(|x| x.is_finite());
    let m = fin.clone().fold(0.0f32, |a, x| a.max(x.abs()));
    let hi = if m > 0.0 { m } else { 1.0 };
    let n = fin.clone().count().max(1) as f64;
    let mean = fin.clone().map(|x| x as f64).sum::<f64>() / n;
    let sd = (fin.clone().map(|x| (x as f64 - mean).powi(2)).sum::<f64>() / n).sqrt();
    let near = fin.clone().filter(|x| x.abs() < NEAR_ZERO).count() as f64 / n;
    out.extend_from_slice(&[-hi, hi, mean as f32, sd as f32, near as f32]);
    let start = out.len();
    out.resize(start + bins, 0.0);
    for x in fin {
        let b = (((x + hi) / (2.0 * hi)) * bins as f32) as usize;
        out[start + b.min(bins - 1)] += 1.0;
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn cfg(f: impl FnOnce(&mut TrainConfig)) -> TrainConfig {
        let mut c = TrainConfig::default();
        f(&mut c);
        c
    }

    fn train_to(c: TrainConfig, epochs: usize) -> Trainer {
        let mut t = Trainer::new(c).unwrap();
        t.step(epochs).unwrap();
        t
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
        for opt in OPTIMIZERS {
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
        for ((a, b), w) in t
            .network()
            .out
            .w
            .iter()
            .zip(&probe.network().out.w)
            .zip(&w0)
        {
            assert!((a - (b - 0.05 * w)).abs() < 1e-5, "{a} vs {b} - 0.05 * {w}");
        }
    }

    #[test]
    fn config_errors_are_readable() {
        let err = |f: fn(&mut TrainConfig)| Trainer::new(cfg(f)).err().unwrap().to_string();
        assert!(err(|c| c.hidden = vec![4; 9]).contains("hidden has 9 layers; the limit is 8"));
        assert!(err(|c| c.hidden = vec![4, 20]).contains("hidden layer 2 has 20 units"));
        assert!(err(|c| c.dataset = "sprial".into()).contains("spiral"));
        assert!(err(|c| c.lr = f64::NAN).contains("lr must be a finite number"));
        assert!(err(|c| c.features.clear()).contains("at least one input feature"));
        assert!(err(|c| {
            c.dataset = "plane".into();
            c.loss = "bce".into();
        })
        .contains("mse"));
        assert!(err(|c| {
            c.batch_norm = true;
            c.batch_size = 1;
        })
        .contains("batch_size >= 2"));
        assert!(err(|c| c.extra_points = vec![[0.0, 0.0, 5.0]]).contains("classes 0..1"));
        assert!(err(|c| c.extra_points = vec![[f32::NAN, 0.0, 1.0]]).contains("finite"));
        assert!(err(|c| c.optimizer = "lbfgs".into()).contains("adamw"));
    }

    #[test]
    fn heatmaps_histograms_points_and_custom_data() {
        let mut t = Trainer::new(cfg(|c| {
            c.dataset = "spiral".into();
            c.classes = 3;
            c.grid = 10;
            c.neuron_grid = 5;
            c.hist_bins = 8;
        }))
        .unwrap();
        t.step(3).unwrap();
        t.compute_heatmaps().unwrap();
        assert_eq!(t.boundary_channels(), 3);
        assert_eq!(t.boundary().len(), 100 * 3);
        for cell in t.boundary().chunks(3) {
            assert!((cell.iter().sum::<f32>() - 1.0).abs() < 1e-5);
        }
        assert_eq!(t.neurons().len(), (2 + 4 + 2) * 25);
        // the x1 input node increases left to right
        let x1 = &t.neurons()[..5];
        assert!(x1.windows(2).all(|w| w[0] < w[1]), "{x1:?}");
        t.compute_histograms().unwrap();
        assert_eq!(t.histograms().len(), 3 * 3 * (HIST_HEADER + 8));
        let first = &t.histograms()[..HIST_HEADER + 8];
        assert_eq!(
            first[HIST_HEADER..].iter().sum::<f32>(),
            8.0,
            "4x2 weights counted"
        );
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
