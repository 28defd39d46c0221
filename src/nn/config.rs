//! The training config: `TrainConfig` (the JS options object of a `Trainer`, camelCase keys),
//! its defaults (TensorFlow Playground's), the limits and the one table of numeric ranges that
//! both validation and `nn::schema` read, the `Optimizer` names, and `plan()`, which checks a
//! config and parses its strings into the engine's types (`Plan`).

use serde::{Deserialize, Serialize};

use super::csv;
use super::data::{DatasetKind, MAX_CLASSES, MAX_POINTS};
use super::features::Feature;
use super::head::{Head, LossKind};
use super::init::Init;
use super::optim::OptimConfig;
use super::schedule::{LrSchedule, Schedule};
use crate::ops::activation::{check_activation, Activation};
use crate::{arg_err, Error, Result};

/// Most hidden layers and units per hidden layer (TensorFlow Playground allows 6 x 8).
pub const MAX_LAYERS: usize = 8;
pub const MAX_UNITS: usize = 16;
/// Most epochs one `step`/`fit` call may run (a worker should call again rather than block).
pub const MAX_EPOCHS_PER_CALL: usize = 100_000;
/// Half-width of the square the generated datasets live in and the heatmaps cover: [-6, 6]².
pub const DOMAIN: f32 = 6.0;

/// Everything that defines a run. Field names (camelCase) are the keys of the JS options object.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(default, deny_unknown_fields, rename_all = "camelCase")]
pub struct TrainConfig {
    pub seed: u32,
    /// A name of `DatasetKind::NAMES`.
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
    /// Names of `Feature::NAMES`.
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
            dataset: DatasetKind::Circle.name().into(),
            classes: 2,
            points: 500,
            noise: 0.0,
            train_ratio: 50.0,
            custom_points: Vec::new(),
            extra_points: Vec::new(),
            features: vec![Feature::X1.name().into(), Feature::X2.name().into()],
            normalize_inputs: false,
            hidden: vec![4, 2],
            activation: Activation::Tanh.name().into(),
            batch_norm: false,
            dropout: 0.0,
            init: "xavier_uniform".into(),
            init_scale: 0.5,
            loss: AUTO_LOSS.into(),
            label_smoothing: 0.0,
            focal_alpha: 0.25,
            focal_gamma: 2.0,
            optimizer: Optimizer::Sgd.name().into(),
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

/// The loss name that picks mse, bce or cross_entropy from the data.
pub const AUTO_LOSS: &str = "auto";

/// A closed range `lo..=hi` of a numeric config key (its camelCase name).
#[derive(Debug, Clone, Copy, PartialEq)]
pub struct Range {
    pub key: &'static str,
    pub lo: f64,
    pub hi: f64,
}

/// A config number: compared as f64 with the bounds rounded to its own type (so an f32 key
/// accepts its bound written in JS), shown in messages as itself.
pub trait ConfigNum: Copy + std::fmt::Display {
    fn as_f64(self) -> f64;
    /// `b` as the nearest value of this type.
    fn bound(b: f64) -> f64 {
        b
    }
}
impl ConfigNum for usize {
    fn as_f64(self) -> f64 {
        self as f64
    }
}
impl ConfigNum for f32 {
    fn as_f64(self) -> f64 {
        self as f64
    }
    fn bound(b: f64) -> f64 {
        b as f32 as f64
    }
}
impl ConfigNum for f64 {
    fn as_f64(self) -> f64 {
        self
    }
}

impl Range {
    const fn new(key: &'static str, lo: f64, hi: f64) -> Range {
        Range { key, lo, hi }
    }

    /// `"{key} must be a finite number"` / `"{key} must be in lo..=hi, got v"` unless `v` is in.
    pub fn check<T: ConfigNum>(&self, v: T) -> Result<()> {
        let x = v.as_f64();
        if !x.is_finite() {
            return arg_err!("{} must be a finite number, got {v}", self.key);
        }
        if !(x >= T::bound(self.lo) && x <= T::bound(self.hi)) {
            return Err(Error::out_of_range(self.key, self.lo, self.hi, v));
        }
        Ok(())
    }
}

pub const POINTS: Range = Range::new("points", 4.0, MAX_POINTS as f64);
pub const CLASSES: Range = Range::new("classes", 2.0, MAX_CLASSES as f64);
pub const NOISE: Range = Range::new("noise", 0.0, 50.0);
pub const TRAIN_RATIO: Range = Range::new("trainRatio", 10.0, 90.0);
pub const DROPOUT: Range = Range::new("dropout", 0.0, 0.9);
pub const INIT_SCALE: Range = Range::new("initScale", -100.0, 100.0);
pub const LABEL_SMOOTHING: Range = Range::new("labelSmoothing", 0.0, 0.99);
pub const LR: Range = Range::new("lr", 1e-7, 100.0);
pub const MOMENTUM: Range = Range::new("momentum", 0.0, 0.999);
pub const L1: Range = Range::new("l1", 0.0, 10.0);
pub const L2: Range = Range::new("l2", 0.0, 10.0);
pub const WEIGHT_DECAY: Range = Range::new("weightDecay", 0.0, 10.0);
/// Checked when the schedule is "step"; a gamma of exactly 0 is refused too.
pub const STEP_EVERY: Range = Range::new("stepEvery", 1.0, 100_000.0);
pub const STEP_GAMMA: Range = Range::new("stepGamma", 0.0, 1.0);
/// Checked when the schedule is "cosine".
pub const COSINE_EPOCHS: Range = Range::new("cosineEpochs", 1.0, 100_000.0);
pub const WARMUP: Range = Range::new("warmup", 0.0, 100_000.0);
pub const CLIP_NORM: Range = Range::new("clipNorm", 0.0, 1e6);
pub const BATCH_SIZE: Range = Range::new("batchSize", 1.0, MAX_POINTS as f64);
pub const EARLY_STOPPING: Range = Range::new("earlyStopping", 0.0, 100_000.0);
pub const MIN_DELTA: Range = Range::new("minDelta", 0.0, 1e6);
pub const GRID: Range = Range::new("grid", 8.0, 128.0);
pub const NEURON_GRID: Range = Range::new("neuronGrid", 4.0, 64.0);
pub const HIST_BINS: Range = Range::new("histBins", 4.0, 100.0);

/// Every range, in the order of `TrainConfig`'s fields (what `trainSchema().limits.ranges` lists).
pub const RANGES: [Range; 23] = [
    CLASSES,
    POINTS,
    NOISE,
    TRAIN_RATIO,
    DROPOUT,
    INIT_SCALE,
    LABEL_SMOOTHING,
    LR,
    MOMENTUM,
    L1,
    L2,
    WEIGHT_DECAY,
    STEP_EVERY,
    STEP_GAMMA,
    COSINE_EPOCHS,
    WARMUP,
    CLIP_NORM,
    BATCH_SIZE,
    EARLY_STOPPING,
    MIN_DELTA,
    GRID,
    NEURON_GRID,
    HIST_BINS,
];

/// The optimizer menu; each maps to `nn::optim` configs for weights and for the other parameters.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Optimizer {
    Sgd,
    Momentum,
    Nesterov,
    Adagrad,
    RmsProp,
    Adam,
    AdamW,
}

impl Optimizer {
    pub const ALL: [Optimizer; 7] = [
        Optimizer::Sgd,
        Optimizer::Momentum,
        Optimizer::Nesterov,
        Optimizer::Adagrad,
        Optimizer::RmsProp,
        Optimizer::Adam,
        Optimizer::AdamW,
    ];
    pub const NAMES: [&'static str; 7] = [
        "sgd", "momentum", "nesterov", "adagrad", "rmsprop", "adam", "adamw",
    ];

    pub fn name(self) -> &'static str {
        Self::NAMES[self as usize]
    }

    pub fn parse(s: &str) -> Result<Self> {
        match Self::ALL.iter().find(|o| o.name() == s) {
            Some(&o) => Ok(o),
            None => arg_err!(
                "optimizer must be one of {}, got {s:?}",
                Self::NAMES.join(", ")
            ),
        }
    }

    /// (config for weights, config for biases and batch-norm parameters: no decay on those).
    fn configs(
        self,
        lr: f64,
        momentum: f64,
        weight_decay: f64,
    ) -> Result<(OptimConfig, OptimConfig)> {
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
        Ok(match self {
            Optimizer::Sgd => (sgd(0.0, false), sgd(0.0, false)),
            Optimizer::Momentum => (sgd(momentum, false), sgd(momentum, false)),
            Optimizer::Nesterov => {
                if momentum <= 0.0 {
                    return arg_err!("nesterov needs a momentum > 0, got {momentum}");
                }
                (sgd(momentum, true), sgd(momentum, true))
            }
            Optimizer::Adagrad => {
                let a = OptimConfig::Adagrad {
                    lr,
                    lr_decay: 0.0,
                    weight_decay: 0.0,
                    eps: 1e-10,
                };
                (a, a)
            }
            Optimizer::RmsProp => {
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
            Optimizer::Adam => (adam(false, 0.0), adam(false, 0.0)),
            // torch.optim.AdamW's own decoupled decay, with biases in a no-decay group
            Optimizer::AdamW => (adam(true, weight_decay), adam(true, 0.0)),
        })
    }
}

/// The loss menu: "auto", then `LossKind::NAMES`.
pub fn loss_names() -> Vec<&'static str> {
    std::iter::once(AUTO_LOSS).chain(LossKind::NAMES).collect()
}

/// The checked, parsed form of a `TrainConfig`.
#[derive(Debug, Clone)]
pub struct Plan {
    pub kind: DatasetKind,
    /// Number of classes (0 = regression).
    pub classes: usize,
    pub features: Vec<Feature>,
    pub act: Activation,
    pub init: Init,
    pub head: Head,
    /// Optimizer for weights, and for biases and batch-norm parameters (no decay on those).
    pub opt_w: OptimConfig,
    pub opt_other: OptimConfig,
    /// Apply `w *= 1 - lr wd` in the engine (AdamW does it inside `nn::optim`).
    pub engine_decay: bool,
    pub lr: LrSchedule,
}

/// Points must be finite within +-1e6 and, for `classes > 0`, carry a class index.
pub fn check_points(name: &str, pts: &[[f32; 3]], classes: usize) -> Result<()> {
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
    /// Checks every key and parses the names. A custom dataset's labels are rewritten to class
    /// indices (and `classes` set from them), so `plan` takes `&mut self`.
    pub fn plan(&mut self) -> Result<Plan> {
        let kind = DatasetKind::parse(&self.dataset)?;
        TRAIN_RATIO.check(self.train_ratio)?;
        let classes = if kind == DatasetKind::Custom {
            let n = self.custom_points.len();
            if !(4..=MAX_POINTS).contains(&n) {
                return arg_err!(
                    "the custom dataset needs 4..={MAX_POINTS} points in customPoints, got {n}"
                );
            }
            check_points("customPoints", &self.custom_points, 0)?;
            let k = csv::infer_classes(&mut self.custom_points)?;
            if k > 0 {
                self.classes = k;
            }
            k
        } else {
            POINTS.check(self.points)?;
            NOISE.check(self.noise)?;
            if matches!(kind, DatasetKind::Spiral | DatasetKind::Blobs) {
                CLASSES.check(self.classes)?;
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
        check_points("extraPoints", &self.extra_points, classes)?;
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
        DROPOUT.check(self.dropout)?;
        let init = Init::parse(&self.init, self.init_scale)?;
        INIT_SCALE.check(self.init_scale)?;
        let loss = if self.loss == AUTO_LOSS {
            match classes {
                0 => LossKind::Mse,
                2 => LossKind::Bce,
                _ => LossKind::CrossEntropy,
            }
        } else {
            LossKind::parse(&self.loss, self.focal_alpha, self.focal_gamma).map_err(|_| {
                Error::InvalidArg(format!(
                    "loss must be one of {}, got {:?}",
                    loss_names().join(", "),
                    self.loss
                ))
            })?
        };
        LABEL_SMOOTHING.check(self.label_smoothing)?;
        let head = Head::new(classes, loss, self.label_smoothing)?;
        LR.check(self.lr)?;
        MOMENTUM.check(self.momentum)?;
        L1.check(self.l1)?;
        L2.check(self.l2)?;
        WEIGHT_DECAY.check(self.weight_decay)?;
        let optimizer = Optimizer::parse(&self.optimizer)?;
        let (opt_w, opt_other) = optimizer.configs(self.lr, self.momentum, self.weight_decay)?;
        opt_w.validate()?;
        opt_other.validate()?;
        match self.schedule.as_str() {
            "step" => {
                STEP_EVERY.check(self.step_every)?;
                STEP_GAMMA.check(self.step_gamma)?;
            }
            "cosine" => COSINE_EPOCHS.check(self.cosine_epochs)?,
            _ => {}
        }
        let sched = Schedule::parse(
            &self.schedule,
            self.step_every,
            self.step_gamma,
            self.cosine_epochs,
        )?;
        WARMUP.check(self.warmup)?;
        CLIP_NORM.check(self.clip_norm)?;
        BATCH_SIZE.check(self.batch_size)?;
        if self.batch_norm && self.batch_size < 2 {
            return arg_err!(
                "batch norm needs batchSize >= 2 (its statistics come from the batch), got {}",
                self.batch_size
            );
        }
        EARLY_STOPPING.check(self.early_stopping)?;
        MIN_DELTA.check(self.min_delta)?;
        GRID.check(self.grid)?;
        NEURON_GRID.check(self.neuron_grid)?;
        HIST_BINS.check(self.hist_bins)?;
        Ok(Plan {
            kind,
            classes,
            features,
            act,
            init,
            head,
            opt_w,
            opt_other,
            engine_decay: optimizer != Optimizer::AdamW,
            lr: LrSchedule {
                base: self.lr,
                schedule: sched,
                warmup: self.warmup,
            },
        })
    }
}

#[cfg(test)]
mod tests {
    use super::super::train::tests::cfg;
    use super::*;
    use serde_json::{json, Value};

    #[test]
    fn config_errors_are_readable() {
        let err = |f: fn(&mut TrainConfig)| cfg(f).plan().err().unwrap().to_string();
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
        .contains("batchSize >= 2"));
        assert!(err(|c| c.extra_points = vec![[0.0, 0.0, 5.0]]).contains("classes 0..1"));
        assert!(err(|c| c.extra_points = vec![[f32::NAN, 0.0, 1.0]]).contains("finite"));
        assert!(err(|c| c.optimizer = "lbfgs".into()).contains("adamw"));
    }

    /// The default config as JSON (camelCase keys), with `key` set to `v` and the context the
    /// key needs to be checked (its schedule, a dataset with a class count).
    fn with(key: &str, v: Value) -> std::result::Result<TrainConfig, String> {
        let mut j = serde_json::to_value(TrainConfig::default()).unwrap();
        match key {
            "stepEvery" | "stepGamma" => j["schedule"] = json!("step"),
            "cosineEpochs" => j["schedule"] = json!("cosine"),
            "classes" => j["dataset"] = json!("spiral"),
            _ => {}
        }
        j[key] = v;
        serde_json::from_value(j).map_err(|e| e.to_string())
    }

    #[test]
    fn every_range_is_a_key_whose_bounds_pass_and_whose_outside_fails() {
        let defaults = serde_json::to_value(TrainConfig::default()).unwrap();
        for r in RANGES {
            let d = defaults[r.key].as_f64();
            assert!(d.is_some(), "{} is not a numeric key of TrainConfig", r.key);
            let d = d.unwrap();
            assert!(
                r.lo <= d && d <= r.hi,
                "{}: default {d} outside {r:?}",
                r.key
            );
            // counts (usize keys) take whole numbers
            let count = defaults[r.key].is_u64();
            let num = |v: f64| {
                if count {
                    json!(v.floor() as i64)
                } else {
                    json!(v)
                }
            };
            for ok in [r.lo, r.hi] {
                // a gamma of exactly 0 is refused by the step schedule (documented)
                if r.key == "stepGamma" && ok == 0.0 {
                    continue;
                }
                let mut c = with(r.key, num(ok)).unwrap();
                if let Err(e) = c.plan() {
                    panic!("{} = {ok} should pass: {e}", r.key);
                }
            }
            let below = r.lo - (r.hi - r.lo) * 0.01 - 1e-9;
            let above = r.hi + (r.hi - r.lo) * 0.01 + 1.0;
            for bad in [below, above] {
                let Ok(mut c) = with(r.key, num(bad)) else {
                    assert!(count && bad < 0.0, "{} = {bad} should deserialize", r.key);
                    continue; // a negative count does not even deserialize
                };
                let e = c.plan().unwrap_err().to_string();
                assert!(
                    e.contains(&format!("{} must be in", r.key)),
                    "{} = {bad}: {e}",
                    r.key
                );
            }
        }
        let keys: Vec<&str> = RANGES.iter().map(|r| r.key).collect();
        let mut sorted = keys.clone();
        sorted.sort();
        sorted.dedup();
        assert_eq!(sorted.len(), keys.len(), "a key is listed twice");
    }

    #[test]
    fn keys_are_camel_case_and_misspelt_ones_are_errors() {
        let j = serde_json::to_value(TrainConfig::default()).unwrap();
        assert!(j.get("trainRatio").is_some() && j.get("train_ratio").is_none());
        let e = serde_json::from_value::<TrainConfig>(json!({"train_ratio": 20}))
            .unwrap_err()
            .to_string();
        assert!(
            e.contains("unknown field") && e.contains("trainRatio"),
            "{e}"
        );
        let c: TrainConfig = serde_json::from_value(json!({"batchSize": 3})).unwrap();
        assert_eq!(c.batch_size, 3);
    }

    #[test]
    fn names_parse_through_their_enums() {
        for o in Optimizer::ALL {
            assert_eq!(Optimizer::parse(o.name()).unwrap(), o);
        }
        for k in DatasetKind::ALL {
            assert_eq!(DatasetKind::parse(k.name()).unwrap(), k);
        }
        let e = Optimizer::parse("lbfgs").unwrap_err().to_string();
        assert!(
            e.contains("sgd, momentum") && e.contains("\"lbfgs\""),
            "{e}"
        );
        for name in loss_names() {
            let mut c = cfg(|c| c.loss = name.into());
            let p = c.plan().unwrap();
            let want = if name == AUTO_LOSS { "bce" } else { name };
            assert_eq!(p.head.loss.name(), want);
        }
        assert!(cfg(|c| c.loss = "hinge".into())
            .plan()
            .unwrap_err()
            .to_string()
            .contains("auto, mse"));
    }
}
