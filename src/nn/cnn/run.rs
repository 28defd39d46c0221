//! A seeded convnet training run on scikit-learn's 8x8 digits, driven step by step (the engine
//! of the wasm `ConvTrainer` and of the normalisation lab's worker): the data (parsed from the
//! CSV text, stratified split, optional ±1 px shift), a `Classifier` (model, optimizer), the batch
//! order, a history of every step's loss and accuracy, and the probes a lab draws after a call
//! (pre-activation percentiles and gradient norms per layer, batch norm's statistics).
//!
//! `RunConfig` holds every knob with a default (serde, camelCase, unknown keys are errors). The
//! model is a `ModelConfig` or the preset `"digitsConvnet"` with a `norm` choice.

use serde::{Deserialize, Serialize};

use super::fit::{Classifier, Examples, Score};
use super::model::{Layer, LayerConfig, Model, ModelConfig, SpectralConfig};
use crate::nn::data::shuffle;
use crate::nn::digits::{shift_batch, Digits, PIXELS};
use crate::nn::optim::OptimConfig;
use crate::rng::Rng;
use crate::{Error, Result};

/// The preset model's name.
pub const PRESET: &str = "digitsConvnet";
/// The norm choices of the preset (layer type names, and "none").
pub const NORMS: [&str; 5] = [
    "none",
    "batchNorm",
    "layerNorm",
    "instanceNorm",
    "groupNorm",
];
pub const OPTIMIZERS: [&str; 5] = ["sgd", "adam", "adamw", "rmsprop", "adagrad"];
/// Most steps and epochs one call may train, and the largest batch.
pub const MAX_STEPS_PER_CALL: usize = 5_000;
pub const MAX_EPOCHS_PER_CALL: usize = 200;
pub const MAX_BATCH: usize = 1024;
/// Values per row of the step history: step, batch loss, batch accuracy, learning rate.
pub const STEP_STRIDE: usize = 4;
/// A batch loss above this (100 ln 10: logits 230 apart on the wrong class) counts as diverged,
/// as a NaN or infinite loss does.
pub const DIVERGED_LOSS: f64 = 230.0;
/// The percentiles of the pre-activation probes.
pub const PERCENTILES: [f64; 7] = [1.0, 5.0, 25.0, 50.0, 75.0, 95.0, 99.0];

/// The model: a full config, or a preset's name.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(untagged)]
pub enum ModelSpec {
    Preset(String),
    Config(ModelConfig),
}

impl Default for ModelSpec {
    fn default() -> Self {
        ModelSpec::Preset(PRESET.into())
    }
}

/// Every setting of a run (camelCase in JSON and JS).
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(default, deny_unknown_fields, rename_all = "camelCase")]
pub struct RunConfig {
    pub model: ModelSpec,
    /// The preset's normalisation: a name of `NORMS`.
    pub norm: String,
    /// Group norm's group count (preset).
    pub groups: usize,
    /// Batch norm's momentum (preset).
    pub bn_momentum: f64,
    /// Spectral normalisation of every conv and linear weight (preset).
    pub spectral: bool,
    /// Share of each class held out for testing, in percent.
    pub test_percent: f64,
    /// Random ±1 px shifts of each training batch.
    pub shift: bool,
    /// Use only the first `train_limit` training examples (0 = all): a smaller budget.
    pub train_limit: usize,
    /// A name of `OPTIMIZERS`.
    pub optimizer: String,
    pub lr: f64,
    /// SGD's or RMSprop's momentum.
    pub momentum: f64,
    pub weight_decay: f64,
    pub batch: usize,
    /// Drives the split, the weights, the batch order and the augmentation.
    pub seed: u32,
}

impl Default for RunConfig {
    fn default() -> Self {
        RunConfig {
            model: ModelSpec::default(),
            norm: "batchNorm".into(),
            groups: 4,
            bn_momentum: 0.1,
            spectral: false,
            test_percent: 20.0,
            shift: false,
            train_limit: 0,
            optimizer: "adam".into(),
            lr: 0.01,
            momentum: 0.0,
            weight_decay: 0.0,
            batch: 32,
            seed: 1,
        }
    }
}

impl RunConfig {
    /// The model config (the preset built with its norm) .
    pub fn model_config(&self) -> Result<ModelConfig> {
        match &self.model {
            ModelSpec::Config(c) => Ok(c.clone()),
            ModelSpec::Preset(name) if name == PRESET => {
                let norm = match self.norm.as_str() {
                    "none" => None,
                    "batchNorm" => Some(LayerConfig::BatchNorm {
                        momentum: self.bn_momentum,
                        eps: 1e-5,
                        affine: true,
                    }),
                    "layerNorm" => Some(LayerConfig::LayerNorm {
                        eps: 1e-5,
                        affine: true,
                    }),
                    "instanceNorm" => Some(LayerConfig::InstanceNorm {
                        eps: 1e-5,
                        affine: true,
                    }),
                    "groupNorm" => Some(LayerConfig::GroupNorm {
                        groups: self.groups,
                        eps: 1e-5,
                        affine: true,
                    }),
                    other => return Err(Error::bad_choice("norm", &NORMS, other)),
                };
                let mut cfg = ModelConfig::digits_convnet(norm);
                if self.spectral {
                    for l in &mut cfg.layers {
                        if let LayerConfig::Conv2d { spectral_norm, .. }
                        | LayerConfig::Linear { spectral_norm, .. } = l
                        {
                            *spectral_norm = Some(SpectralConfig::default());
                        }
                    }
                }
                Ok(cfg)
            }
            ModelSpec::Preset(other) => Err(Error::bad_choice("model", &[PRESET], other)),
        }
    }

    /// The optimizer with torch's defaults for what the config does not set.
    pub fn optim(&self) -> Result<OptimConfig> {
        let (lr, wd, mom) = (self.lr, self.weight_decay, self.momentum);
        let cfg = match self.optimizer.as_str() {
            "sgd" => OptimConfig::Sgd {
                lr,
                momentum: mom,
                dampening: 0.0,
                nesterov: false,
                weight_decay: wd,
            },
            "adam" | "adamw" => OptimConfig::Adam {
                lr,
                betas: (0.9, 0.999),
                eps: 1e-8,
                weight_decay: wd,
                amsgrad: false,
                decoupled: self.optimizer == "adamw",
            },
            "rmsprop" => OptimConfig::RmsProp {
                lr,
                alpha: 0.99,
                eps: 1e-8,
                weight_decay: wd,
                momentum: mom,
                centered: false,
            },
            "adagrad" => OptimConfig::Adagrad {
                lr,
                lr_decay: 0.0,
                weight_decay: wd,
                eps: 1e-10,
            },
            other => return Err(Error::bad_choice("optimizer", &OPTIMIZERS, other)),
        };
        cfg.validate()?;
        Ok(cfg)
    }
}

/// "training" or "diverged".
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Status {
    Training,
    Diverged,
}

impl Status {
    pub fn name(self) -> &'static str {
        match self {
            Status::Training => "training",
            Status::Diverged => "diverged",
        }
    }
}

/// What a training call returns.
#[derive(Debug, Clone, Serialize)]
#[serde(rename_all = "camelCase")]
pub struct StepReport {
    pub epoch: usize,
    pub steps: usize,
    /// Mean batch loss and accuracy over this call's steps (NaN when none ran).
    pub loss: f64,
    pub accuracy: f64,
    pub status: &'static str,
    pub message: String,
}

/// Loss and accuracy on both sets.
#[derive(Debug, Clone, Serialize)]
#[serde(rename_all = "camelCase")]
pub struct Evaluation {
    pub train_loss: f64,
    pub train_acc: f64,
    pub test_loss: f64,
    pub test_acc: f64,
}

/// The distribution of one layer's input to an activation, at the last training step.
#[derive(Debug, Clone, Serialize)]
#[serde(rename_all = "camelCase")]
pub struct PreactProbe {
    /// Index of the layer whose output feeds the activation.
    pub layer: usize,
    pub kind: &'static str,
    /// Values at `PERCENTILES`.
    pub percentiles: Vec<f64>,
    pub mean: f64,
    pub std: f64,
}

/// The gradient of one layer's parameters at the last training step.
#[derive(Debug, Clone, Serialize)]
#[serde(rename_all = "camelCase")]
pub struct GradProbe {
    pub layer: usize,
    pub kind: &'static str,
    /// L2 norm of every parameter gradient of the layer, and of the parameters.
    pub grad_norm: f64,
    pub param_norm: f64,
}

/// Batch norm's statistics: running ones, and the batch ones of the last training step.
#[derive(Debug, Clone, Serialize)]
#[serde(rename_all = "camelCase")]
pub struct BnStats {
    pub layer: usize,
    pub running_mean: Vec<f32>,
    pub running_var: Vec<f32>,
    pub batch_mean: Vec<f32>,
    pub batch_var: Vec<f32>,
}

#[derive(Debug, Clone, Default, Serialize)]
#[serde(rename_all = "camelCase")]
pub struct Probes {
    pub step: usize,
    pub percentiles: Vec<f64>,
    pub preact: Vec<PreactProbe>,
    pub grads: Vec<GradProbe>,
    pub bn: Vec<BnStats>,
}

/// A run on digits.
#[derive(Debug, Clone)]
pub struct DigitsRun {
    cfg: RunConfig,
    pub clf: Classifier,
    pub train: Digits,
    pub test: Digits,
    order: Vec<usize>,
    cursor: usize,
    epoch: usize,
    xb: Vec<f32>,
    yb: Vec<u8>,
    history: Vec<f32>,
    status: Status,
    message: String,
    probes: Probes,
    acts: Vec<f32>,
}

fn l2(v: &[f32]) -> f64 {
    v.iter().map(|&x| x as f64 * x as f64).sum::<f64>().sqrt()
}

/// Percentile `p` (0..=100) of sorted values, linear between ranks (numpy's default).
pub fn percentile(sorted: &[f32], p: f64) -> f64 {
    if sorted.is_empty() {
        return f64::NAN;
    }
    let r = p / 100.0 * (sorted.len() - 1) as f64;
    let lo = r.floor() as usize;
    let hi = (lo + 1).min(sorted.len() - 1);
    let t = r - lo as f64;
    sorted[lo] as f64 * (1.0 - t) + sorted[hi] as f64 * t
}

impl DigitsRun {
    /// Parses the digits CSV text, splits it and builds the model and optimizer.
    pub fn new(cfg: RunConfig, csv: &str) -> Result<DigitsRun> {
        if !(2..=MAX_BATCH).contains(&cfg.batch) {
            return Err(Error::out_of_range(
                "batch size",
                2.0,
                MAX_BATCH as f64,
                cfg.batch,
            ));
        }
        let opt = cfg.optim()?;
        let mcfg = cfg.model_config()?;
        let data = Digits::parse(csv)?;
        let seed = cfg.seed as u64;
        let (mut train, test) = data.stratified_split(cfg.test_percent, seed)?;
        if cfg.train_limit > 0 && cfg.train_limit < train.len() {
            let idx: Vec<usize> = (0..cfg.train_limit).collect();
            train = train.subset(&idx);
        }
        if train.len() < 2 || test.is_empty() {
            return Err(Error::InvalidArg(format!(
                "the split left {} training and {} test images: use more data or another test share",
                train.len(),
                test.len()
            )));
        }
        let model = Model::new(&mcfg, &mut Rng::new(seed))?;
        if model.input.iter().product::<usize>() != PIXELS || model.n_out() != 10 {
            return Err(Error::Shape(format!(
                "a digits model takes [1, 8, 8] images and gives 10 logits; this one takes {:?} and gives {}",
                model.input,
                model.n_out()
            )));
        }
        let clf = Classifier::new(model, opt, seed)?;
        let order = (0..train.len()).collect();
        Ok(DigitsRun {
            cfg,
            clf,
            train,
            test,
            order,
            cursor: 0,
            epoch: 0,
            xb: Vec::new(),
            yb: Vec::new(),
            history: Vec::new(),
            status: Status::Training,
            message: String::new(),
            probes: Probes::default(),
            acts: Vec::new(),
        })
    }

    pub fn config(&self) -> &RunConfig {
        &self.cfg
    }
    pub fn epoch(&self) -> usize {
        self.epoch
    }
    pub fn steps(&self) -> usize {
        self.clf.steps
    }
    pub fn status(&self) -> Status {
        self.status
    }
    pub fn message(&self) -> &str {
        &self.message
    }
    /// Rows of `STEP_STRIDE`: step, batch loss, batch accuracy, learning rate.
    pub fn history(&self) -> &[f32] {
        &self.history
    }
    pub fn probes(&self) -> &Probes {
        &self.probes
    }
    pub fn activations(&self) -> &[f32] {
        &self.acts
    }
    /// Steps in one epoch (a last batch of one example is skipped).
    pub fn steps_per_epoch(&self) -> usize {
        let (n, b) = (self.train.len(), self.cfg.batch);
        n / b + usize::from(n % b >= 2)
    }

    pub fn set_lr(&mut self, lr: f64) -> Result<()> {
        if !(lr.is_finite() && lr >= 0.0) {
            return Err(Error::out_of_range("learning rate", 0.0, f64::MAX, lr));
        }
        self.clf.opt.set_lr(lr);
        self.cfg.lr = lr;
        Ok(())
    }

    /// Trains `n` steps (mini-batches, continuing across epochs); stops early when the loss
    /// becomes NaN or infinite (status "diverged", with a message; the weights stay as they
    /// were before that step).
    pub fn train_steps(&mut self, n: usize) -> Result<StepReport> {
        if n == 0 || n > MAX_STEPS_PER_CALL {
            return Err(Error::out_of_range(
                "steps",
                1.0,
                MAX_STEPS_PER_CALL as f64,
                n,
            ));
        }
        self.run(|r, done| done >= n || r.status == Status::Diverged)
    }

    /// Trains until `n` more epochs are complete.
    pub fn train_epochs(&mut self, n: usize) -> Result<StepReport> {
        if n == 0 || n > MAX_EPOCHS_PER_CALL {
            return Err(Error::out_of_range(
                "epochs",
                1.0,
                MAX_EPOCHS_PER_CALL as f64,
                n,
            ));
        }
        let target = self.epoch + n;
        self.run(move |r, _| r.epoch >= target || r.status == Status::Diverged)
    }

    fn run(&mut self, stop: impl Fn(&DigitsRun, usize) -> bool) -> Result<StepReport> {
        let (mut loss_sum, mut correct, mut seen, mut done) = (0.0f64, 0usize, 0usize, 0usize);
        while !stop(self, done) {
            if self.cursor == 0 {
                shuffle(&mut self.order, &mut self.clf.rng);
            }
            let b = self.cfg.batch;
            let end = (self.cursor + b).min(self.order.len());
            let (start, m) = (self.cursor, end - self.cursor);
            self.cursor = if end >= self.order.len() { 0 } else { end };
            if self.cursor == 0 {
                self.epoch += 1;
            }
            if m < 2 {
                continue;
            }
            self.xb.clear();
            self.yb.clear();
            for &i in &self.order[start..end] {
                self.xb
                    .extend_from_slice(&self.train.images[i * PIXELS..][..PIXELS]);
                self.yb.push(self.train.labels[i]);
            }
            if self.cfg.shift {
                shift_batch(&mut self.xb, &mut self.clf.rng);
            }
            match self.clf.train_batch(&self.xb, &self.yb) {
                Ok((loss, ok)) => {
                    if loss > DIVERGED_LOSS {
                        self.status = Status::Diverged;
                        self.message = format!(
                            "the training loss reached {loss:.4e} at step {} (it starts near ln 10 = 2.3): the learning rate is too high, so training stopped",
                            self.clf.steps
                        );
                    }
                    done += 1;
                    loss_sum += loss * m as f64;
                    correct += ok;
                    seen += m;
                    self.history.extend_from_slice(&[
                        self.clf.steps as f32,
                        loss as f32,
                        ok as f32 / m as f32,
                        self.cfg.lr as f32,
                    ]);
                    if self.history.len() > 4 * STEP_STRIDE * MAX_STEPS_PER_CALL * 10 {
                        self.history.drain(..self.history.len() / 2);
                    }
                }
                Err(Error::NonFinite(msg)) => {
                    self.status = Status::Diverged;
                    self.message = msg;
                }
                Err(e) => return Err(e),
            }
        }
        if done > 0 {
            self.probe();
        }
        let seen_f = seen as f64;
        Ok(StepReport {
            epoch: self.epoch,
            steps: self.clf.steps,
            loss: if seen > 0 {
                loss_sum / seen_f
            } else {
                f64::NAN
            },
            accuracy: if seen > 0 {
                correct as f64 / seen_f
            } else {
                f64::NAN
            },
            status: self.status.name(),
            message: self.message.clone(),
        })
    }

    /// Reads the probes from the last training step's outputs and gradients.
    fn probe(&mut self) {
        let model = &mut self.clf.model;
        let mut preact = Vec::new();
        for (i, l) in model.layers.iter().enumerate() {
            if matches!(l, Layer::Act(_)) && i > 0 {
                if let Some(out) = model.output(i - 1) {
                    let mut v: Vec<f32> = out.iter().copied().filter(|x| x.is_finite()).collect();
                    v.sort_by(f32::total_cmp);
                    let n = v.len().max(1) as f64;
                    let mean = v.iter().map(|&x| x as f64).sum::<f64>() / n;
                    let var = v.iter().map(|&x| (x as f64 - mean).powi(2)).sum::<f64>() / n;
                    preact.push(PreactProbe {
                        layer: i - 1,
                        kind: model.layers[i - 1].name(),
                        percentiles: PERCENTILES.iter().map(|&p| percentile(&v, p)).collect(),
                        mean,
                        std: var.sqrt(),
                    });
                }
            }
        }
        let mut grads = Vec::new();
        let mut bn = Vec::new();
        for (i, l) in model.layers.iter_mut().enumerate() {
            let (mut g2, mut p2, mut any) = (0.0f64, 0.0f64, false);
            l.for_each_param(&mut |_, p, g| {
                any = true;
                g2 += l2(g).powi(2);
                p2 += l2(p).powi(2);
            });
            if any {
                grads.push(GradProbe {
                    layer: i,
                    kind: l.name(),
                    grad_norm: g2.sqrt(),
                    param_norm: p2.sqrt(),
                });
            }
            if let Layer::BatchNorm(b) = l {
                bn.push(BnStats {
                    layer: i,
                    running_mean: b.running_mean.clone(),
                    running_var: b.running_var.clone(),
                    batch_mean: b.mean.clone(),
                    batch_var: b.var.clone(),
                });
            }
        }
        self.probes = Probes {
            step: self.clf.steps,
            percentiles: PERCENTILES.to_vec(),
            preact,
            grads,
            bn,
        };
    }

    fn set(&self, test: bool) -> Examples<'_> {
        let d = if test { &self.test } else { &self.train };
        Examples {
            x: &d.images,
            labels: &d.labels,
        }
    }

    /// Loss and accuracy on both sets in eval mode.
    pub fn evaluate(&mut self) -> Result<Evaluation> {
        let (tr, te) = (self.train.clone(), self.test.clone());
        let a = self.clf.evaluate(
            Examples {
                x: &tr.images,
                labels: &tr.labels,
            },
            256,
        )?;
        let b = self.clf.evaluate(
            Examples {
                x: &te.images,
                labels: &te.labels,
            },
            256,
        )?;
        Ok(Evaluation {
            train_loss: a.loss,
            train_acc: a.accuracy,
            test_loss: b.loss,
            test_acc: b.accuracy,
        })
    }

    /// Test loss and accuracy with the model left in training mode (batch statistics over
    /// batches of `batch` test images: a forgotten `model.eval()`); the running statistics
    /// are put back afterwards.
    pub fn evaluate_train_mode(&mut self, batch: usize) -> Result<Score> {
        if !(1..=MAX_BATCH).contains(&batch) {
            return Err(Error::out_of_range(
                "batch size",
                1.0,
                MAX_BATCH as f64,
                batch,
            ));
        }
        let mut snap = Vec::new();
        self.clf.model.save_state(&mut snap);
        let te = self.test.clone();
        let r = self.clf.evaluate_in(
            Examples {
                x: &te.images,
                labels: &te.labels,
            },
            batch,
            true,
        );
        self.clf.model.load_state(&snap)?;
        r
    }

    /// Runs `count` images from `start` of the training set (or the test set) through the
    /// model and keeps the output of `layer` (`activations()`); returns its shape `[count,
    /// ...]`. Eval mode unless `training` (the running statistics are put back afterwards).
    pub fn capture(
        &mut self,
        layer: usize,
        test: bool,
        start: usize,
        count: usize,
        training: bool,
    ) -> Result<Vec<usize>> {
        let nl = self.clf.model.layers.len();
        if layer >= nl {
            return Err(Error::out_of_range("layer", 0.0, (nl - 1) as f64, layer));
        }
        let total = self.set(test).labels.len();
        if count == 0 || start >= total || count > total - start {
            return Err(Error::InvalidArg(format!(
                "images {start}..{} are not in the {} set of {total} images",
                start.saturating_add(count),
                if test { "test" } else { "training" }
            )));
        }
        let x = self.set(test).x[start * PIXELS..(start + count) * PIXELS].to_vec();
        let mut snap = Vec::new();
        if training {
            self.clf.model.save_state(&mut snap);
        }
        let r = self
            .clf
            .model
            .forward(&x, count, training, &mut self.clf.rng)
            .map(|_| ());
        if let Err(e) = r {
            if training {
                self.clf.model.load_state(&snap)?;
            }
            return Err(e);
        }
        self.acts.clear();
        if let Some(o) = self.clf.model.output(layer) {
            self.acts.extend_from_slice(o);
        }
        if training {
            self.clf.model.load_state(&snap)?;
        }
        let mut shape = vec![count];
        shape.extend_from_slice(&self.clf.model.shapes[layer]);
        Ok(shape)
    }

    /// The images of the training (or test) set, `[n, 1, 8, 8]`, and their labels.
    pub fn data(&self, test: bool) -> &Digits {
        if test {
            &self.test
        } else {
            &self.train
        }
    }

    /// The (raw, before spectral normalisation) weight of layer `layer` and its shape.
    pub fn weight(&mut self, layer: usize) -> Result<(Vec<f32>, Vec<usize>)> {
        match self.clf.model.layers.get(layer) {
            Some(Layer::Conv2d(c)) => Ok((c.w.clone(), c.ws.to_vec())),
            Some(Layer::Linear(l)) => {
                let w = l.raw.as_ref().map_or(&l.dense.w, |(w, _)| w).clone();
                let n_out = l.dense.b.len();
                let n_in = w.len() / n_out.max(1);
                Ok((w, vec![n_out, n_in]))
            }
            _ => Err(Error::InvalidArg(format!(
                "layer {layer} has no weight matrix (pick a conv2d or linear layer)"
            ))),
        }
    }

    /// The bias of a conv2d or linear layer (a copy; empty when the layer has none).
    pub fn bias(&self, layer: usize) -> Result<Vec<f32>> {
        match self.clf.model.layers.get(layer) {
            Some(Layer::Conv2d(c)) => Ok(c.b.clone().unwrap_or_default()),
            Some(Layer::Linear(l)) => Ok(l.dense.b.clone()),
            _ => Err(Error::InvalidArg(format!(
                "layer {layer} has no bias (pick a conv2d or linear layer)"
            ))),
        }
    }

    /// The learned scale γ and shift β of a norm layer (copies): one per channel for batch,
    /// instance and group norm, one per element of C·H·W for layer norm.
    pub fn affine(&self, layer: usize) -> Result<(Vec<f32>, Vec<f32>)> {
        let a = match self.clf.model.layers.get(layer) {
            Some(Layer::BatchNorm(l)) => l.affine.as_ref(),
            Some(Layer::LayerNorm(l)) => l.affine.as_ref(),
            Some(Layer::InstanceNorm(l)) => l.affine.as_ref(),
            Some(Layer::GroupNorm(l)) => l.affine.as_ref(),
            _ => {
                return Err(Error::InvalidArg(format!(
                "layer {layer} is not a norm layer (pick a batch, layer, instance or group norm)"
            )))
            }
        };
        a.map(|a| (a.gamma.clone(), a.beta.clone())).ok_or_else(|| {
            Error::InvalidArg(format!(
                "norm layer {layer} has no learned scale and shift (it was made with affine off)"
            ))
        })
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    const CSV: &str = include_str!("../../../www/samples/digits.csv");

    fn small(norm: &str) -> RunConfig {
        RunConfig {
            norm: norm.into(),
            train_limit: 200,
            batch: 8,
            ..RunConfig::default()
        }
    }

    #[test]
    fn affine_and_bias_read_the_trained_parameters() {
        let mut r = DigitsRun::new(small("batchNorm"), CSV).unwrap();
        let (g0, b0) = r.affine(1).unwrap();
        assert_eq!((g0.len(), b0.len()), (8, 8));
        assert!(g0.iter().all(|&g| g == 1.0) && b0.iter().all(|&b| b == 0.0));
        assert_eq!(r.bias(0).unwrap().len(), 8);
        r.train_steps(5).unwrap();
        let (g1, b1) = r.affine(1).unwrap();
        assert!(g1.iter().zip(&g0).any(|(a, b)| a != b) && b1.iter().any(|&b| b != 0.0));
        assert!(r
            .affine(0)
            .unwrap_err()
            .to_string()
            .contains("not a norm layer"));
        assert!(r.affine(99).is_err() && r.bias(1).is_err());
    }

    #[test]
    fn trains_every_norm_and_probes() {
        for norm in NORMS {
            let mut r = DigitsRun::new(small(norm), CSV).unwrap();
            let e0 = r.evaluate().unwrap();
            let rep = r.train_epochs(3).unwrap();
            assert_eq!(rep.status, "training");
            assert_eq!(r.epoch(), 3);
            assert_eq!(r.steps(), 3 * 25);
            assert_eq!(r.history().len(), 75 * STEP_STRIDE);
            let e1 = r.evaluate().unwrap();
            assert!(e1.train_loss < e0.train_loss, "{norm}: {e0:?} -> {e1:?}");
            let p = r.probes();
            assert_eq!(p.preact.len(), 2, "{norm}");
            assert!(p
                .grads
                .iter()
                .all(|g| g.grad_norm.is_finite() && g.grad_norm > 0.0));
            assert_eq!(p.bn.len(), if norm == "batchNorm" { 2 } else { 0 });
        }
    }

    #[test]
    fn json_config_is_strict() {
        let c: RunConfig = serde_json::from_str(r#"{"norm":"groupNorm","groups":2}"#).unwrap();
        assert_eq!(c.groups, 2);
        assert!(serde_json::from_str::<RunConfig>(r#"{"nrom":"x"}"#).is_err());
        let bad = RunConfig {
            groups: 3,
            ..small("groupNorm")
        };
        let e = DigitsRun::new(bad, CSV).unwrap_err().to_string();
        assert!(e.contains("must divide 8"), "{e}");
    }

    #[test]
    fn diverges_with_a_message_and_stops() {
        let cfg = RunConfig {
            norm: "none".into(),
            optimizer: "sgd".into(),
            lr: 1e6,
            ..small("none")
        };
        let mut r = DigitsRun::new(cfg, CSV).unwrap();
        let rep = r.train_steps(50).unwrap();
        assert_eq!(rep.status, "diverged");
        assert!(rep.message.contains("learning rate"), "{}", rep.message);
        assert!(r.history().iter().all(|v| v.is_finite()));
        let again = r.train_steps(5).unwrap();
        assert_eq!(again.steps, rep.steps);
    }

    #[test]
    fn capture_and_train_mode_keep_the_state() {
        let mut r = DigitsRun::new(small("batchNorm"), CSV).unwrap();
        r.train_epochs(1).unwrap();
        let shape = r.capture(0, false, 0, 5, false).unwrap();
        assert_eq!(shape, vec![5, 8, 8, 8]);
        assert_eq!(r.activations().len(), 5 * 512);
        let mut a = Vec::new();
        r.clf.model.save_state(&mut a);
        let s = r.evaluate_train_mode(1).unwrap();
        assert!(s.accuracy.is_finite());
        r.capture(1, true, 0, 3, true).unwrap();
        let mut b = Vec::new();
        r.clf.model.save_state(&mut b);
        assert_eq!(a, b);
        assert!(r.capture(99, false, 0, 1, false).is_err());
        assert!(r.capture(0, false, 199, 2, false).is_err());
    }
}
