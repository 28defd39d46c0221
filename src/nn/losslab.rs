//! The engine of the outputs-and-losses lab (pure Rust; the door is `wasm::loss_lab`):
//! * the curves of its static panels, computed with the kernels: CE and MSE of a sigmoid output
//!   and their gradients with respect to the logit (`loss_curves`), torchvision's focal loss
//!   (`focal_curve`), the smoothed target and the least loss smoothing allows (`smoothing`), the
//!   distillation gradient's size against T with and without the T² factor (`kd_grad_scale`);
//! * `LossRun`: one seeded training run of a classifier (`cnn::fit::Classifier`) with a chosen
//!   loss (`cnn::losses::Loss`) on a task: the 8x8 digits, a digit against the rest at a chosen
//!   imbalance, or a 2-D toy set; per-epoch metrics (losses, accuracies, the first layer's
//!   gradient norm, the logit norm, the share of the loss from easy examples) and a report
//!   (reliability diagram and ECE, per-class recall, precision-recall for two classes).

use serde::{Deserialize, Serialize};

use super::calibration::{self, PrCurve, Reliability};
use super::cnn::fit::{Classifier, Examples};
use super::cnn::losses::{self, Loss};
use super::cnn::model::{Model, ModelConfig};
use super::data::{self, DatasetKind};
use super::digits::{Digits, CLASSES, PIXELS};
use super::distill::kd_loss_backward;
use super::optim::OptimConfig;
use crate::ops::activation::sigmoid1;
use crate::ops::loss::{
    bce_with_logits, bce_with_logits_backward, cross_entropy, mse_loss, mse_loss_backward,
    sigmoid_focal_loss, sigmoid_focal_loss_backward, CrossEntropyParams,
};
use crate::ops::Reduction;
use crate::rng::Rng;
use crate::{Error, Result};

/// Most points of one curve call.
pub const MAX_CURVE: usize = 10_000;
/// Most epochs of one `LossRun`.
pub const MAX_EPOCHS: usize = 500;

fn check_probs(ps: &[f32]) -> Result<Vec<f32>> {
    if ps.is_empty() || ps.len() > MAX_CURVE {
        return Err(Error::out_of_range(
            "number of probabilities",
            1.0,
            MAX_CURVE as f64,
            ps.len(),
        ));
    }
    ps.iter()
        .map(|&p| {
            if p > 0.0 && p < 1.0 {
                Ok((p as f64 / (1.0 - p as f64)).ln() as f32)
            } else {
                Err(Error::InvalidArg(format!(
                    "a probability must be strictly between 0 and 1, got {p}"
                )))
            }
        })
        .collect()
}

/// CE and MSE of a sigmoid output `p = sigmoid(z)` against the target 1, and their gradients
/// with respect to the logit `z`, at each probability of `ps`.
#[derive(Debug, Clone, Serialize)]
#[serde(rename_all = "camelCase")]
pub struct LossCurves {
    pub ce_loss: Vec<f32>,
    pub ce_grad: Vec<f32>,
    pub mse_loss: Vec<f32>,
    pub mse_grad: Vec<f32>,
}

/// `ce = bce_with_logits(z, 1)` and its backward (`p - 1`); `mse = (sigmoid(z) - 1)^2` with
/// `mse_loss` and its backward times `sigmoid'(z) = p (1 - p)`.
pub fn loss_curves(ps: &[f32]) -> Result<LossCurves> {
    let z = check_probs(ps)?;
    let n = z.len();
    let ones = vec![1.0f32; n];
    let ce_loss = bce_with_logits(&z, &[n], &ones, None, 0, Reduction::None)?.data;
    let ce_grad = bce_with_logits_backward(&z, &[n], &ones, None, 0, Reduction::None)?;
    let s: Vec<f32> = z.iter().map(|&v| sigmoid1(v)).collect();
    let mse_loss = mse_loss(&s, &ones, &[n], Reduction::None)?.data;
    let dp = mse_loss_backward(&s, &ones, &[n], Reduction::None)?;
    let mse_grad = dp
        .iter()
        .zip(&s)
        .map(|(&g, &p)| (g as f64 * p as f64 * (1.0 - p as f64)) as f32)
        .collect();
    Ok(LossCurves {
        ce_loss,
        ce_grad,
        mse_loss,
        mse_grad,
    })
}

/// torchvision's sigmoid focal loss of the target 1 at each `p_t` of `ps`, and its gradient with
/// respect to the logit; `alpha` none = unweighted (CE times `(1-p_t)^gamma`).
#[derive(Debug, Clone, Serialize)]
pub struct Curve {
    pub loss: Vec<f32>,
    pub grad: Vec<f32>,
}

pub fn check_gamma(gamma: f32) -> Result<()> {
    if gamma.is_finite() && (0.0..=20.0).contains(&gamma) {
        Ok(())
    } else {
        Err(Error::out_of_range("focal gamma", 0.0, 20.0, gamma))
    }
}

pub fn check_unit(name: &str, v: f32) -> Result<()> {
    if v.is_finite() && (0.0..=1.0).contains(&v) {
        Ok(())
    } else {
        Err(Error::out_of_range(name, 0.0, 1.0, v))
    }
}

pub fn focal_curve(ps: &[f32], gamma: f32, alpha: Option<f32>) -> Result<Curve> {
    let z = check_probs(ps)?;
    check_gamma(gamma)?;
    if let Some(a) = alpha {
        check_unit("focal alpha", a)?;
    }
    let a = alpha.unwrap_or(-1.0);
    let n = z.len();
    let ones = vec![1.0f32; n];
    Ok(Curve {
        loss: sigmoid_focal_loss(&z, &[n], &ones, a, gamma, Reduction::None)?.data,
        grad: sigmoid_focal_loss_backward(&z, &[n], &ones, a, gamma, Reduction::None)?,
    })
}

/// The smoothed target of class 0 among `classes` (PyTorch: `(1 - eps) onehot + eps / C`), the
/// least CE with smoothing any logits can reach (its entropy: reached at `z = log q`, computed
/// with the kernel there), and the logit gap `log(q_y / q_other)` of that optimum: finite, so
/// the logits stop growing, unlike eps = 0 where the loss only reaches 0 at an infinite gap.
#[derive(Debug, Clone, Serialize)]
#[serde(rename_all = "camelCase")]
pub struct Smoothing {
    pub target: Vec<f64>,
    pub min_loss: f64,
    pub entropy: f64,
    pub logit_gap: f64,
    /// The smoothed loss at a confident prediction (gap 10): above `min_loss`.
    pub loss_at_gap10: f64,
}

pub fn smoothing(classes: usize, eps: f32) -> Result<Smoothing> {
    if !(2..=1000).contains(&classes) {
        return Err(Error::out_of_range("classes", 2.0, 1000.0, classes));
    }
    if !(eps.is_finite() && (0.0..1.0).contains(&eps)) {
        return Err(Error::out_of_range(
            "label smoothing eps",
            0.0,
            1.0,
            format!("{eps} (1 itself is excluded)"),
        ));
    }
    let (c, e) = (classes as f64, eps as f64);
    let target: Vec<f64> = (0..classes)
        .map(|k| if k == 0 { 1.0 - e + e / c } else { e / c })
        .collect();
    let entropy = -target
        .iter()
        .filter(|&&q| q > 0.0)
        .map(|&q| q * q.ln())
        .sum::<f64>();
    let p = CrossEntropyParams {
        label_smoothing: eps,
        ..Default::default()
    };
    let ce = |z: &[f32]| -> Result<f64> {
        Ok(cross_entropy(z, &[1, classes], &[0], &p)?.data[0] as f64)
    };
    // At eps = 0 the infimum 0 needs infinite logits: use a gap of 30 (loss ~ C e^-30).
    let gap = if e > 0.0 {
        (target[0] / target[1]).ln()
    } else {
        f64::INFINITY
    };
    let zopt: Vec<f32> = (0..classes)
        .map(|k| if k == 0 { gap.min(30.0) as f32 } else { 0.0 })
        .collect();
    let z10: Vec<f32> = (0..classes)
        .map(|k| if k == 0 { 10.0 } else { 0.0 })
        .collect();
    Ok(Smoothing {
        min_loss: ce(&zopt)?,
        loss_at_gap10: ce(&z10)?,
        target,
        entropy,
        logit_gap: gap,
    })
}

/// The norm of the distillation gradient (`kd_loss_backward`, with T²) and of the same gradient
/// without the T² factor, for each temperature: without it the soft term's gradient shrinks like
/// 1/T², so T² keeps its weight against the hard-label term as T changes.
#[derive(Debug, Clone, Serialize)]
#[serde(rename_all = "camelCase")]
pub struct GradScale {
    pub temperatures: Vec<f32>,
    pub with_t2: Vec<f64>,
    pub without_t2: Vec<f64>,
}

pub fn kd_grad_scale(
    student: &[f32],
    teacher: &[f32],
    k: usize,
    temps: &[f32],
) -> Result<GradScale> {
    if k == 0 || student.is_empty() || student.len() % k != 0 || teacher.len() != student.len() {
        return Err(Error::Shape(format!(
            "student {} and teacher {} logits for {k} classes",
            student.len(),
            teacher.len()
        )));
    }
    if temps.is_empty() || temps.len() > 100 {
        return Err(Error::out_of_range("temperatures", 1.0, 100.0, temps.len()));
    }
    let n = student.len() / k;
    let (mut w, mut wo) = (Vec::new(), Vec::new());
    for &t in temps {
        if !(t.is_finite() && t > 0.0 && t <= 100.0) {
            return Err(Error::out_of_range("temperature T (> 0)", 0.0, 100.0, t));
        }
        let g = kd_loss_backward(student, teacher, &[n, k], t)?;
        let norm = g.iter().map(|&v| v as f64 * v as f64).sum::<f64>().sqrt();
        w.push(norm);
        wo.push(norm / (t as f64 * t as f64));
    }
    Ok(GradScale {
        temperatures: temps.to_vec(),
        with_t2: w,
        without_t2: wo,
    })
}

/// The options of a run (camelCase keys from JS; every one optional).
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(default, deny_unknown_fields, rename_all = "camelCase")]
pub struct RunConfig {
    /// "digits", "imbalanced" (digit `positive` against the rest) or "toy" (a 2-D set).
    pub task: String,
    /// "ce", "mse", "balanced" (class-weighted CE), "focal", "kd".
    pub loss: String,
    /// "conv" (8, 16 channels), "wide" (16, 32: the teacher), "mlp" (flatten, 32, out: the
    /// student), "tiny" (flatten, 8, out).
    pub net: String,
    pub seed: u32,
    /// "adam" or "sgd" (momentum 0.9): Adam rescales each gradient, which hides much of a
    /// loss's gradient size; SGD shows it.
    pub optimizer: String,
    pub lr: f64,
    pub batch: usize,
    /// Label smoothing of "ce".
    pub eps: f32,
    pub gamma: f32,
    /// The minority class's weight for "balanced" and "focal" (the rest get 1 - alpha); the KD
    /// term's weight for "kd".
    pub alpha: f32,
    /// "focal" without alpha when false.
    pub focal_alpha: bool,
    pub temperature: f32,
    /// Percent of the training split used (the student's small labelled subset).
    pub subset: f32,
    /// The digit of "imbalanced" and the negatives per positive in its training set.
    pub positive: u8,
    pub ratio: f32,
    /// The toy set ("spiral", "moons", "xor", "circle", "blobs") and its points.
    pub toy: String,
    pub points: usize,
}

impl Default for RunConfig {
    fn default() -> Self {
        RunConfig {
            task: "digits".into(),
            loss: "ce".into(),
            net: "conv".into(),
            seed: 1,
            optimizer: "adam".into(),
            lr: 0.01,
            batch: 32,
            eps: 0.0,
            gamma: 2.0,
            alpha: 0.5,
            focal_alpha: true,
            temperature: 4.0,
            subset: 100.0,
            positive: 3,
            ratio: 50.0,
            toy: "spiral".into(),
            points: 600,
        }
    }
}

const TASKS: [&str; 3] = ["digits", "imbalanced", "toy"];
const LOSSES: [&str; 5] = ["ce", "mse", "balanced", "focal", "kd"];
const NETS: [&str; 4] = ["conv", "wide", "mlp", "tiny"];
const TOYS: [&str; 5] = ["spiral", "moons", "xor", "circle", "blobs"];

fn net_config(net: &str, input: &[usize], k: usize) -> Result<ModelConfig> {
    let conv = |a: usize, b: usize| {
        format!(
            r#"[{{"type":"conv2d","out":{a},"kernel":3,"padding":1}},{{"type":"activation","kind":"relu"}},
               {{"type":"maxPool2d","kernel":2}},
               {{"type":"conv2d","out":{b},"kernel":3,"padding":1}},{{"type":"activation","kind":"relu"}},
               {{"type":"globalAvgPool"}},{{"type":"linear","out":{k}}}]"#
        )
    };
    let mlp = |h: usize| {
        let flat = if input.len() > 1 {
            r#"{"type":"flatten"},"#
        } else {
            ""
        };
        format!(
            r#"[{flat}{{"type":"linear","out":{h}}},{{"type":"activation","kind":"relu"}},{{"type":"linear","out":{k}}}]"#
        )
    };
    let layers = match net {
        "conv" => conv(8, 16),
        "wide" => conv(16, 32),
        "mlp" => mlp(32),
        "tiny" => mlp(8),
        _ => return Err(Error::bad_choice("net", &NETS, net)),
    };
    if input.len() == 1 && (net == "conv" || net == "wide") {
        return Err(Error::InvalidArg(
            "the toy sets are points, not images: use the net \"mlp\" or \"tiny\"".into(),
        ));
    }
    ModelConfig::from_json(&format!(r#"{{"input":{input:?},"layers":{layers}}}"#))
}

/// A labelled set: inputs `[n, per]` and labels.
#[derive(Debug, Clone, Default)]
pub struct Set {
    pub x: Vec<f32>,
    pub y: Vec<u8>,
}

impl Set {
    fn ex(&self) -> Examples<'_> {
        Examples {
            x: &self.x,
            labels: &self.y,
        }
    }
}

/// The train and test sets of a task, the input shape and the number of classes.
fn make_task(cfg: &RunConfig, digits: Option<&Digits>) -> Result<(Set, Set, Vec<usize>, usize)> {
    let seed = cfg.seed as u64;
    let mut rng = Rng::new(seed ^ 0x5eed_1055);
    let of = |d: &Digits| Set {
        x: d.images.clone(),
        y: d.labels.clone(),
    };
    let need = || {
        digits.ok_or_else(|| {
            Error::InvalidArg("the digits tasks need the digits CSV (samples/digits.csv)".into())
        })
    };
    let (mut train, test, input, k) = match cfg.task.as_str() {
        "digits" => {
            let (tr, te) = need()?.stratified_split(20.0, seed)?;
            (of(&tr), of(&te), vec![1, 8, 8], CLASSES)
        }
        "imbalanced" => {
            if cfg.positive as usize >= CLASSES {
                return Err(Error::out_of_range(
                    "positive digit",
                    0.0,
                    9.0,
                    cfg.positive,
                ));
            }
            if !(cfg.ratio.is_finite() && (1.0..=200.0).contains(&cfg.ratio)) {
                return Err(Error::out_of_range(
                    "negatives per positive",
                    1.0,
                    200.0,
                    cfg.ratio,
                ));
            }
            let (tr, te) = need()?.stratified_split(20.0, seed)?;
            let bin = |d: &Digits| Set {
                x: d.images.clone(),
                y: d.labels
                    .iter()
                    .map(|&l| (l == cfg.positive) as u8)
                    .collect(),
            };
            let (trb, teb) = (bin(&tr), bin(&te));
            // Keep every negative and round(negatives / ratio) positives (at least 2).
            let neg = trb.y.iter().filter(|&&l| l == 0).count();
            let keep_pos = ((neg as f64 / cfg.ratio as f64).round() as usize).max(2);
            let mut kept = Set::default();
            let mut pos = 0;
            for (i, &l) in trb.y.iter().enumerate() {
                if l == 1 {
                    if pos >= keep_pos {
                        continue;
                    }
                    pos += 1;
                }
                kept.x.extend_from_slice(&trb.x[i * PIXELS..][..PIXELS]);
                kept.y.push(l);
            }
            (kept, teb, vec![1, 8, 8], 2)
        }
        "toy" => {
            let kind = match cfg.toy.as_str() {
                t @ ("spiral" | "moons" | "xor" | "circle" | "blobs") => DatasetKind::parse(t)?,
                t => return Err(Error::bad_choice("toy set", &TOYS, t)),
            };
            let classes = kind.classes(3);
            let pts = data::generate(kind, cfg.points, 10.0, classes, &mut rng)?;
            let (tr, te) = data::split(&pts, 75.0, &mut rng)?;
            let set = |p: &data::Points| Set {
                x: p.x.iter().flat_map(|v| [v[0] / 3.0, v[1] / 3.0]).collect(),
                y: p.y.iter().map(|&v| v as u8).collect(),
            };
            (set(&tr), set(&te), vec![2], classes)
        }
        t => return Err(Error::bad_choice("task", &TASKS, t)),
    };
    if !(cfg.subset.is_finite() && cfg.subset > 0.0 && cfg.subset <= 100.0) {
        return Err(Error::out_of_range(
            "training subset (%)",
            0.0,
            100.0,
            cfg.subset,
        ));
    }
    if cfg.subset < 100.0 {
        let per: usize = input.iter().product();
        let n = train.y.len();
        let m = ((n as f64 * cfg.subset as f64 / 100.0).round() as usize).clamp(k.max(2), n);
        let mut idx: Vec<usize> = (0..n).collect();
        data::shuffle(&mut idx, &mut Rng::new(seed ^ 0x50b5e7));
        idx.truncate(m);
        let mut s = Set::default();
        for i in idx {
            s.x.extend_from_slice(&train.x[i * per..][..per]);
            s.y.push(train.y[i]);
        }
        train = s;
    }
    Ok((train, test, input, k))
}

fn make_loss(cfg: &RunConfig, k: usize, train: &Set) -> Result<Loss> {
    let weights = |a: f32| -> Vec<f32> {
        if k == 2 {
            vec![1.0 - a, a]
        } else {
            // More than two classes: alpha for the rarest class, 1 - alpha for the others.
            let mut cnt = vec![0usize; k];
            train.y.iter().for_each(|&l| cnt[l as usize] += 1);
            let rare = (0..k).min_by_key(|&c| cnt[c]).unwrap_or(0);
            (0..k)
                .map(|c| if c == rare { a } else { 1.0 - a })
                .collect()
        }
    };
    let loss = match cfg.loss.as_str() {
        "ce" => {
            if cfg.eps == 0.0 {
                Loss::Ce
            } else {
                Loss::CrossEntropy {
                    smoothing: cfg.eps,
                    weight: None,
                }
            }
        }
        "mse" => Loss::Mse,
        "balanced" => {
            check_unit("alpha", cfg.alpha)?;
            Loss::CrossEntropy {
                smoothing: cfg.eps,
                weight: Some(weights(cfg.alpha)),
            }
        }
        "focal" => {
            check_unit("alpha", cfg.alpha)?;
            Loss::Focal {
                gamma: cfg.gamma,
                alpha: cfg.focal_alpha.then(|| weights(cfg.alpha)),
            }
        }
        "kd" => Loss::Distill {
            t: cfg.temperature,
            alpha: cfg.alpha,
        },
        l => return Err(Error::bad_choice("loss", &LOSSES, l)),
    };
    loss.validate(k)?;
    Ok(loss)
}

/// What one epoch measured.
#[derive(Debug, Clone, Serialize)]
#[serde(rename_all = "camelCase")]
pub struct EpochMetrics {
    pub epoch: usize,
    pub train_loss: f64,
    pub train_acc: f64,
    /// Cross-entropy and accuracy on the test split (eval mode).
    pub test_loss: f64,
    pub test_acc: f64,
    /// Mean over the epoch's steps of the first layer's weight-gradient norm.
    pub grad_norm: f64,
    /// Mean L2 norm of the test logits.
    pub logit_norm: f64,
    /// Share of the training loss (the run's own loss, training split, eval mode) from examples
    /// with p_t > 0.9.
    pub easy_share: f64,
    pub easy_count: usize,
}

/// The report of a run's current model on the test split.
#[derive(Debug, Clone, Serialize)]
#[serde(rename_all = "camelCase")]
pub struct Report {
    pub reliability: Reliability,
    pub recall: Vec<f64>,
    /// Two classes: precision-recall of p(class 1).
    pub pr: Option<PrCurve>,
    pub accuracy: f64,
    pub classes: usize,
    pub train_size: usize,
    pub test_size: usize,
    /// For two classes: precision of class 1 at the argmax decision.
    pub precision: Option<f64>,
}

/// One seeded run.
#[derive(Debug, Clone)]
pub struct LossRun {
    pub cfg: RunConfig,
    pub clf: Classifier,
    pub train: Set,
    pub test: Set,
    pub k: usize,
    pub teacher: Option<Vec<f32>>,
    pub epoch: usize,
}

fn logits_of(clf: &mut Classifier, x: &[f32], per: usize) -> Result<Vec<f32>> {
    let n = x.len() / per.max(1);
    let mut out = Vec::with_capacity(n * clf.model.n_out());
    for start in (0..n).step_by(256) {
        let m = 256.min(n - start);
        let z = clf
            .model
            .forward(&x[start * per..][..m * per], m, false, &mut clf.rng)?;
        out.extend_from_slice(z);
    }
    Ok(out)
}

fn softmax_row(z: &[f32], t: f64) -> Vec<f64> {
    let m = z
        .iter()
        .fold(f64::NEG_INFINITY, |a, &v| a.max(v as f64 / t));
    let e: Vec<f64> = z.iter().map(|&v| (v as f64 / t - m).exp()).collect();
    let s: f64 = e.iter().sum();
    e.into_iter().map(|v| v / s).collect()
}

impl LossRun {
    /// `digits`: the parsed digits (the two digits tasks need it).
    pub fn new(cfg: RunConfig, digits: Option<&Digits>) -> Result<LossRun> {
        if !(cfg.lr.is_finite() && cfg.lr > 0.0 && cfg.lr <= 10.0) {
            return Err(Error::out_of_range("learning rate", 0.0, 10.0, cfg.lr));
        }
        if !(2..=512).contains(&cfg.batch) {
            return Err(Error::out_of_range("batch size", 2.0, 512.0, cfg.batch));
        }
        let (train, test, input, k) = make_task(&cfg, digits)?;
        let loss = make_loss(&cfg, k, &train)?;
        let mcfg = net_config(&cfg.net, &input, k)?;
        let mut rng = Rng::new(cfg.seed as u64);
        let model = Model::new(&mcfg, &mut rng)?;
        let opt = match cfg.optimizer.as_str() {
            "adam" => OptimConfig::adam(cfg.lr),
            "sgd" => OptimConfig::Sgd {
                lr: cfg.lr,
                momentum: 0.9,
                dampening: 0.0,
                nesterov: false,
                weight_decay: 0.0,
            },
            o => return Err(Error::bad_choice("optimizer", &["adam", "sgd"], o)),
        };
        let mut clf = Classifier::new(model, opt, cfg.seed as u64 + 1)?;
        clf.loss = loss;
        Ok(LossRun {
            cfg,
            clf,
            train,
            test,
            k,
            teacher: None,
            epoch: 0,
        })
    }

    fn per(&self) -> usize {
        self.clf.model.input.iter().product()
    }

    /// Logits `[n, k]` of the training split (`train`) or the test split, in eval mode.
    pub fn logits(&mut self, train: bool) -> Result<Vec<f32>> {
        let per = self.per();
        let x = if train { &self.train.x } else { &self.test.x };
        logits_of(&mut self.clf, x, per)
    }

    /// Takes `teacher`'s logits on this run's training split as the soft targets of KD.
    pub fn adopt_teacher(&mut self, teacher: &mut LossRun) -> Result<()> {
        if teacher.clf.model.input != self.clf.model.input || teacher.k != self.k {
            return Err(Error::InvalidArg(
                "the teacher must be trained on the same task (same inputs and classes)".into(),
            ));
        }
        let per = self.per();
        self.teacher = Some(logits_of(&mut teacher.clf, &self.train.x, per)?);
        Ok(())
    }

    /// Trains one epoch and measures it.
    pub fn epoch(&mut self) -> Result<EpochMetrics> {
        if self.epoch >= MAX_EPOCHS {
            return Err(Error::out_of_range(
                "epochs",
                1.0,
                MAX_EPOCHS as f64,
                self.epoch + 1,
            ));
        }
        let batch = self.cfg.batch;
        let s = match (&self.teacher, self.clf.loss.needs_teacher()) {
            (Some(t), true) => self
                .clf
                .train_epoch_distill(self.train.ex(), t, batch, None)?,
            (None, true) => {
                return Err(Error::InvalidArg(
                    "knowledge distillation needs a teacher: train one first".into(),
                ))
            }
            _ => self.clf.train_epoch(self.train.ex(), batch, None)?,
        };
        self.epoch += 1;
        let test = self.clf.evaluate(self.test.ex(), 256)?;
        let zt = self.logits(false)?;
        let k = self.k;
        let logit_norm = zt
            .chunks_exact(k)
            .map(|r| r.iter().map(|&v| v as f64 * v as f64).sum::<f64>().sqrt())
            .sum::<f64>()
            / self.test.y.len().max(1) as f64;
        let ztr = self.logits(true)?;
        let rows = losses::rows(
            &self.clf.loss,
            &ztr,
            k,
            &self.train.y,
            self.teacher.as_deref(),
        )?;
        let (mut easy, mut total, mut easy_count) = (0.0f64, 0.0f64, 0usize);
        for ((r, z), &y) in rows.iter().zip(ztr.chunks_exact(k)).zip(&self.train.y) {
            total += r;
            if softmax_row(z, 1.0)[y as usize] > 0.9 {
                easy += r;
                easy_count += 1;
            }
        }
        Ok(EpochMetrics {
            epoch: self.epoch,
            train_loss: s.loss,
            train_acc: s.accuracy,
            test_loss: test.loss,
            test_acc: test.accuracy,
            grad_norm: self.clf.first_grad_norm,
            logit_norm,
            easy_share: if total > 0.0 { easy / total } else { 0.0 },
            easy_count,
        })
    }

    /// Reliability (with `bins`), recall per class and, for two classes, precision-recall.
    pub fn report(&mut self, bins: usize) -> Result<Report> {
        let k = self.k;
        let z = self.logits(false)?;
        let probs: Vec<f32> = z
            .chunks_exact(k)
            .flat_map(|r| softmax_row(r, 1.0).into_iter().map(|v| v as f32))
            .collect();
        let reliability = calibration::reliability(&probs, k, &self.test.y, bins)?;
        let recall = calibration::per_class_recall(&z, k, &self.test.y)?;
        let (pr, precision) = if k == 2 {
            let pos: Vec<bool> = self.test.y.iter().map(|&l| l == 1).collect();
            let scores: Vec<f32> = probs.chunks_exact(2).map(|r| r[1]).collect();
            let said: Vec<bool> = z.chunks_exact(2).map(|r| r[1] > r[0]).collect();
            let tp = said.iter().zip(&pos).filter(|(a, b)| **a && **b).count();
            let np = said.iter().filter(|a| **a).count();
            (
                calibration::pr_curve(&pos, &scores).ok(),
                Some(if np > 0 {
                    tp as f64 / np as f64
                } else {
                    f64::NAN
                }),
            )
        } else {
            (None, None)
        };
        Ok(Report {
            accuracy: reliability.accuracy,
            reliability,
            recall,
            pr,
            classes: k,
            train_size: self.train.y.len(),
            test_size: self.test.y.len(),
            precision,
        })
    }

    /// Test example `index`: its pixels (digits), label, logits and softmax(z/T) for each T.
    pub fn soft_targets(&mut self, index: usize, temps: &[f32]) -> Result<SoftTargets> {
        let n = self.test.y.len();
        if n == 0 {
            return Err(Error::InvalidArg("the test split is empty".into()));
        }
        if index >= n {
            return Err(Error::out_of_range("example", 0.0, (n - 1) as f64, index));
        }
        if temps.is_empty() || temps.len() > 100 {
            return Err(Error::out_of_range("temperatures", 1.0, 100.0, temps.len()));
        }
        if let Some(t) = temps
            .iter()
            .find(|t| !(t.is_finite() && **t > 0.0 && **t <= 100.0))
        {
            return Err(Error::out_of_range("temperature T (> 0)", 0.0, 100.0, t));
        }
        let per = self.per();
        let x = self.test.x[index * per..][..per].to_vec();
        let z = logits_of(&mut self.clf, &x, per)?;
        Ok(SoftTargets {
            probs: temps.iter().map(|&t| softmax_row(&z, t as f64)).collect(),
            logits: z,
            label: self.test.y[index],
            pixels: x,
        })
    }

    /// `kd_grad_scale` on this run's logits (the student) and its teacher's, first 256 rows.
    pub fn grad_scale(&mut self, temps: &[f32]) -> Result<GradScale> {
        let t = self.teacher.clone().ok_or_else(|| {
            Error::InvalidArg("the T² measurement needs a teacher: train one first".into())
        })?;
        let z = self.logits(true)?;
        let m = (256 * self.k).min(z.len());
        kd_grad_scale(&z[..m], &t[..m], self.k, temps)
    }
}

#[derive(Debug, Clone, Serialize)]
pub struct SoftTargets {
    pub probs: Vec<Vec<f64>>,
    pub logits: Vec<f32>,
    pub label: u8,
    pub pixels: Vec<f32>,
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn curves_equal_their_closed_forms() {
        let ps = [0.01f32, 0.1, 0.5, 0.9, 0.99];
        let c = loss_curves(&ps).unwrap();
        for (i, &p) in ps.iter().enumerate() {
            let p = p as f64;
            assert!((c.ce_loss[i] as f64 + p.ln()).abs() < 1e-5);
            assert!((c.ce_grad[i] as f64 - (p - 1.0)).abs() < 1e-5);
            assert!((c.mse_loss[i] as f64 - (p - 1.0).powi(2)).abs() < 1e-5);
            assert!((c.mse_grad[i] as f64 - 2.0 * (p - 1.0) * p * (1.0 - p)).abs() < 1e-5);
        }
        let f = focal_curve(&ps, 0.0, None).unwrap();
        for i in 0..ps.len() {
            assert!((f.loss[i] - c.ce_loss[i]).abs() < 1e-5);
            assert!((f.grad[i] - c.ce_grad[i]).abs() < 1e-5);
        }
        assert!(loss_curves(&[1.0]).is_err());
        assert!(focal_curve(&ps, -1.0, None).is_err());
        assert!(focal_curve(&ps, 2.0, Some(1.5)).is_err());
    }

    #[test]
    fn smoothing_minimum_is_the_target_entropy() {
        let s = smoothing(10, 0.1).unwrap();
        assert!((s.target[0] - 0.91).abs() < 1e-8 && (s.target[1] - 0.01).abs() < 1e-8);
        assert!(
            (s.min_loss - s.entropy).abs() < 1e-5,
            "{} vs {}",
            s.min_loss,
            s.entropy
        );
        assert!(s.loss_at_gap10 > s.min_loss);
        assert!((s.logit_gap - 91f64.ln()).abs() < 1e-6);
        assert!(smoothing(10, 0.0).unwrap().min_loss < 1e-9);
        assert!(smoothing(10, 1.0).is_err() && smoothing(1, 0.1).is_err());
    }

    #[test]
    fn t_squared_keeps_the_gradient_scale() {
        let s = crate::testkit::randn(40, 1, 2.0);
        let t = crate::testkit::randn(40, 2, 3.0);
        let g = kd_grad_scale(&s, &t, 10, &[1.0, 4.0, 16.0]).unwrap();
        // Without T², the gradient shrinks by far more than with it from T = 1 to 16.
        assert!(
            g.without_t2[2] / g.without_t2[0] < 0.02,
            "{:?}",
            g.without_t2
        );
        assert!(g.with_t2[2] / g.with_t2[0] > 0.1, "{:?}", g.with_t2);
    }

    #[test]
    fn toy_runs_train_and_report() {
        let cfg = RunConfig {
            task: "toy".into(),
            toy: "moons".into(),
            net: "mlp".into(),
            lr: 0.02,
            ..Default::default()
        };
        let mut r = LossRun::new(cfg.clone(), None).unwrap();
        let mut last = None;
        for _ in 0..30 {
            last = Some(r.epoch().unwrap());
        }
        let m = last.unwrap();
        assert!(m.test_acc > 0.7, "{m:?}");
        let rep = r.report(10).unwrap();
        assert_eq!(rep.recall.len(), 2);
        assert!(rep.pr.is_some());
        assert!(rep.reliability.ece.is_finite());
        // The digits tasks need the data; bad options are errors naming them.
        let e = |c: RunConfig| LossRun::new(c, None).err().unwrap().to_string();
        assert!(e(RunConfig::default()).contains("digits"));
        assert!(e(RunConfig {
            loss: "hinge".into(),
            ..cfg.clone()
        })
        .contains("loss"));
        assert!(e(RunConfig {
            net: "conv".into(),
            ..cfg.clone()
        })
        .contains("mlp"));
        assert!(e(RunConfig {
            loss: "ce".into(),
            eps: 1.0,
            ..cfg.clone()
        })
        .contains("smoothing"));
        assert!(e(RunConfig {
            loss: "focal".into(),
            gamma: -1.0,
            ..cfg.clone()
        })
        .contains("gamma"));
        assert!(e(RunConfig {
            loss: "kd".into(),
            temperature: 0.0,
            ..cfg.clone()
        })
        .contains("temperature"));
        let mut kd = LossRun::new(
            RunConfig {
                loss: "kd".into(),
                ..cfg
            },
            None,
        )
        .unwrap();
        assert!(kd.epoch().unwrap_err().to_string().contains("teacher"));
    }

    /// The lab's A/B runs natively, printed (`cargo test --release --lib losslab::tests::ab --
    /// --ignored --nocapture`): the numbers the closing note quotes.
    #[test]
    #[ignore]
    fn sweep() {
        let text = std::fs::read_to_string("www/samples/digits.csv").unwrap();
        let d = Digits::parse(&text).unwrap();
        let ep: usize = std::env::var("EP")
            .ok()
            .and_then(|v| v.parse().ok())
            .unwrap_or(12);
        let cfgs: Vec<RunConfig> = serde_json::from_str(&std::env::var("CFGS").unwrap()).unwrap();
        for cfg in cfgs {
            let mut r = LossRun::new(cfg.clone(), Some(&d)).unwrap();
            let mut accs = Vec::new();
            let mut g = Vec::new();
            for _ in 0..ep {
                let m = r.epoch().unwrap();
                accs.push(format!("{:.2}", m.test_acc));
                g.push(format!("{:.3}", m.grad_norm));
            }
            let rep = r.report(10).unwrap();
            println!(
                "{} {} {} {} a={} g={} seed={}: acc {:?} grad {:?} recall {:?} ap {:?} ece {:.3}",
                cfg.task,
                cfg.toy,
                cfg.loss,
                cfg.optimizer,
                cfg.alpha,
                cfg.gamma,
                cfg.seed,
                accs,
                g,
                rep.recall,
                rep.pr.map(|p| p.average_precision),
                rep.reliability.ece
            );
        }
    }

    #[test]
    #[ignore]
    fn ab() {
        let text = std::fs::read_to_string("www/samples/digits.csv").unwrap();
        let d = Digits::parse(&text).unwrap();
        let run =
            |cfg: RunConfig, epochs: usize, teacher: Option<&mut LossRun>| {
                let t0 = std::time::Instant::now();
                let mut r = LossRun::new(cfg.clone(), Some(&d)).unwrap();
                if let Some(t) = teacher {
                    r.adopt_teacher(t).unwrap();
                }
                let mut m = None;
                for _ in 0..epochs {
                    m = Some(r.epoch().unwrap());
                }
                let rep = r.report(10).unwrap();
                println!(
                "{} {} {} eps={} g={} a={}: {:?} ece={:.4} recall={:?} ap={:?} prec={:?} ({:.1}s)",
                cfg.task, cfg.net, cfg.loss, cfg.eps, cfg.gamma, cfg.alpha, m.unwrap(),
                rep.reliability.ece, rep.recall, rep.pr.as_ref().map(|p| p.average_precision),
                rep.precision, t0.elapsed().as_secs_f64()
            );
                r
            };
        let base = RunConfig::default();
        for loss in ["ce", "mse"] {
            run(
                RunConfig {
                    loss: loss.into(),
                    ..base.clone()
                },
                15,
                None,
            );
            run(
                RunConfig {
                    loss: loss.into(),
                    task: "toy".into(),
                    net: "mlp".into(),
                    lr: 0.01,
                    ..base.clone()
                },
                60,
                None,
            );
        }
        for loss in ["ce", "balanced", "focal"] {
            run(
                RunConfig {
                    loss: loss.into(),
                    task: "imbalanced".into(),
                    alpha: 0.9,
                    ..base.clone()
                },
                15,
                None,
            );
        }
        for eps in [0.0, 0.1] {
            run(
                RunConfig {
                    eps,
                    ..base.clone()
                },
                25,
                None,
            );
        }
        let mut teacher = run(
            RunConfig {
                net: "wide".into(),
                ..base.clone()
            },
            20,
            None,
        );
        for (loss, alpha) in [("ce", 0.0), ("kd", 1.0), ("kd", 0.5)] {
            let s = RunConfig {
                loss: loss.into(),
                alpha,
                net: "mlp".into(),
                subset: 10.0,
                ..base.clone()
            };
            let t = (loss == "kd").then_some(&mut teacher);
            run(s, 40, t);
        }
    }
}
