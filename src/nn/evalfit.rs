//! The evaluation lab's classifier: logistic regression (no hidden layer) or a small MLP on a
//! binary table of any width (`nn::tabular`), trained by the training engine's own parts: the
//! `Mlp` (`nn::net`), the BCE loss head (`nn::head`, one logit) and Adam (`nn::optim`), with
//! seeded mini-batches. After each epoch it measures the train and test loss and accuracy; the
//! page reads the test scores (sigmoid of the logit) to draw ROC and precision-recall curves.

use serde::{Deserialize, Serialize};

use super::data::shuffle;
use super::head::{Head, LossKind};
use super::init::Init;
use super::net::{Mlp, MlpSpec, ParamKind};
use super::optim::{self, OptimConfig, OptimState};
use super::tabular::Table;
use crate::ops::activation::Activation;
use crate::rng::Rng;
use crate::{arg_err, Error, Result};

/// Most hidden layers and units per layer of the lab's models.
pub const MAX_LAYERS: usize = 3;
pub const MAX_UNITS: usize = 64;
/// Most epochs one `step` call may run.
pub const MAX_EPOCHS_PER_CALL: usize = 2000;

/// A model and its data. JS keys are camelCase.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(default, deny_unknown_fields, rename_all = "camelCase")]
pub struct FitConfig {
    pub seed: u32,
    /// "cancer" (the CSV passed beside the config) or a two-class toy set: circle, xor, gauss,
    /// moons.
    pub data: String,
    /// Points and noise (percent) of a toy set.
    pub points: usize,
    pub noise: f32,
    /// Share of each class held out for testing, in percent.
    pub test_percent: f64,
    /// Rows of the training part used (a stratified subset; 0 = all): learning curves.
    pub train_size: usize,
    /// Share of the test part's positives kept (class imbalance), in [0, 1].
    pub pos_share: f64,
    /// Hidden layers (empty = logistic regression).
    pub hidden: Vec<usize>,
    pub activation: String,
    pub dropout: f32,
    pub lr: f64,
    pub batch_size: usize,
    /// L2 penalty `l2/2 ||W||^2` on the weights.
    pub l2: f64,
}

impl Default for FitConfig {
    fn default() -> Self {
        FitConfig {
            seed: 1,
            data: "cancer".into(),
            points: 400,
            noise: 20.0,
            test_percent: 30.0,
            train_size: 0,
            pos_share: 1.0,
            hidden: Vec::new(),
            activation: "tanh".into(),
            dropout: 0.0,
            lr: 0.01,
            batch_size: 32,
            l2: 0.0,
        }
    }
}

/// The latest numbers of a fit.
#[derive(Debug, Clone, Copy, PartialEq, Serialize)]
#[serde(rename_all = "camelCase")]
pub struct FitMetrics {
    pub epoch: usize,
    pub train_loss: f32,
    pub test_loss: f32,
    pub train_acc: f32,
    pub test_acc: f32,
}

pub struct Fit {
    cfg: FitConfig,
    train: Table,
    test: Table,
    net: Mlp,
    head: Head,
    opt: OptimConfig,
    states: Vec<OptimState>,
    rng_shuffle: Rng,
    rng_drop: Rng,
    epoch: usize,
    history: Vec<FitMetrics>,
    ytr: Vec<f32>,
    yte: Vec<f32>,
}

fn stream(seed: u32, k: u64) -> Rng {
    Rng::new(((seed as u64) << 8) | k)
}

impl Fit {
    /// Builds the data (the breast-cancer CSV text is needed for `data: "cancer"`) and the
    /// model, and measures epoch 0.
    pub fn new(cfg: FitConfig, csv: Option<&str>) -> Result<Fit> {
        if cfg.hidden.len() > MAX_LAYERS || cfg.hidden.iter().any(|&u| u == 0 || u > MAX_UNITS) {
            return arg_err!(
                "hidden must list at most {MAX_LAYERS} layers of 1..={MAX_UNITS} units, got {:?}",
                cfg.hidden
            );
        }
        if !(cfg.lr > 0.0 && cfg.lr <= 1.0) {
            return Err(Error::out_of_range("lr", 1e-6, 1.0, cfg.lr));
        }
        if !(0.0..=10.0).contains(&cfg.l2) {
            return Err(Error::out_of_range("l2", 0.0, 10.0, cfg.l2));
        }
        if !(0.0..=0.9).contains(&cfg.dropout) {
            return Err(Error::out_of_range("dropout", 0.0, 0.9, cfg.dropout));
        }
        if cfg.batch_size == 0 || cfg.batch_size > 4096 {
            return Err(Error::out_of_range(
                "batchSize",
                1.0,
                4096.0,
                cfg.batch_size,
            ));
        }
        let act = Activation::parse(&cfg.activation)?;
        let all = if cfg.data == "cancer" {
            let text = csv.ok_or_else(|| {
                Error::InvalidArg(
                    "data \"cancer\" needs the text of breast_cancer.csv beside the config".into(),
                )
            })?;
            Table::parse_breast_cancer(text)?
        } else {
            Table::toy(
                &cfg.data,
                cfg.points,
                cfg.noise,
                stream(cfg.seed, 6).next_u64(),
            )?
        };
        let (train, test) =
            all.stratified_split(cfg.test_percent, stream(cfg.seed, 1).next_u64())?;
        let mut train = if cfg.train_size > 0 {
            train.stratified_take(cfg.train_size, stream(cfg.seed, 7).next_u64())?
        } else {
            train
        };
        let mut test = test.keep_positives(cfg.pos_share, stream(cfg.seed, 5).next_u64())?;
        let stats = train.feature_stats();
        train.standardize(&stats);
        test.standardize(&stats);
        let spec = MlpSpec {
            n_in: train.d,
            hidden: cfg.hidden.clone(),
            n_out: 1,
            act,
            batch_norm: false,
            dropout: cfg.dropout,
            init: Init::XavierUniform,
        };
        let net = Mlp::new(&spec, &mut stream(cfg.seed, 2))?;
        let opt = OptimConfig::adam(cfg.lr);
        let ytr = train.y.iter().map(|&v| v as f32).collect();
        let yte = test.y.iter().map(|&v| v as f32).collect();
        let mut f = Fit {
            rng_shuffle: stream(cfg.seed, 3),
            rng_drop: stream(cfg.seed, 4),
            cfg,
            train,
            test,
            net,
            head: Head::new(2, LossKind::Bce, 0.0)?,
            opt,
            states: Vec::new(),
            epoch: 0,
            history: Vec::new(),
            ytr,
            yte,
        };
        f.record()?;
        Ok(f)
    }

    pub fn config(&self) -> &FitConfig {
        &self.cfg
    }
    pub fn epoch(&self) -> usize {
        self.epoch
    }
    pub fn train_table(&self) -> &Table {
        &self.train
    }
    pub fn test_table(&self) -> &Table {
        &self.test
    }
    pub fn network(&self) -> &Mlp {
        &self.net
    }
    pub fn history(&self) -> &[FitMetrics] {
        &self.history
    }
    pub fn metrics(&self) -> FitMetrics {
        self.history[self.history.len() - 1]
    }

    /// Eval-mode probabilities of class 1 for the rows of `t`.
    pub fn probabilities(&mut self, t: &Table) -> Result<Vec<f32>> {
        let z = self.net.forward(&t.x, t.len(), false, &mut self.rng_drop)?;
        Ok(z.iter().map(|&v| 1.0 / (1.0 + (-v).exp())).collect())
    }

    /// Probabilities of the test rows (the scores the curves are drawn from).
    pub fn test_scores(&mut self) -> Result<Vec<f32>> {
        let t = self.test.clone();
        self.probabilities(&t)
    }

    fn measure(&mut self, train: bool) -> Result<(f32, f32)> {
        let (t, y) = if train {
            (&self.train, &self.ytr)
        } else {
            (&self.test, &self.yte)
        };
        let z = self
            .net
            .forward(&t.x, t.len(), false, &mut self.rng_drop)?
            .to_vec();
        let loss = self.head.loss(&z, y, None)?;
        let right = z
            .iter()
            .zip(y)
            .filter(|(&v, &l)| (v >= 0.0) == (l > 0.5))
            .count();
        Ok((loss, right as f32 / y.len().max(1) as f32))
    }

    fn record(&mut self) -> Result<()> {
        let (train_loss, train_acc) = self.measure(true)?;
        let (test_loss, test_acc) = if self.test.is_empty() {
            (f32::NAN, f32::NAN)
        } else {
            self.measure(false)?
        };
        self.history.push(FitMetrics {
            epoch: self.epoch,
            train_loss,
            test_loss,
            train_acc,
            test_acc,
        });
        Ok(())
    }

    /// Trains `n` epochs of seeded mini-batches and measures after each.
    pub fn step(&mut self, n: usize) -> Result<FitMetrics> {
        if n == 0 || n > MAX_EPOCHS_PER_CALL {
            return Err(Error::out_of_range(
                "epochs",
                1.0,
                MAX_EPOCHS_PER_CALL as f64,
                n,
            ));
        }
        let d = self.train.d;
        let rows = self.train.len();
        // forward + backward ~ 6 multiply-adds per weight per row
        let weights: usize = self.net.weights().iter().map(|w| w.len()).sum();
        crate::tensor::check_work(
            "training",
            crate::tensor::prod_u64(&[n, rows, weights, 6]),
            || format!("{n} epochs of {rows} rows through {weights} weights"),
        )?;
        let bs = self.cfg.batch_size.min(rows);
        let l2 = self.cfg.l2 as f32;
        let mut perm: Vec<usize> = (0..rows).collect();
        let (mut xb, mut yb, mut dz) = (Vec::new(), Vec::new(), Vec::new());
        for _ in 0..n {
            shuffle(&mut perm, &mut self.rng_shuffle);
            for chunk in perm.chunks(bs) {
                xb.clear();
                yb.clear();
                for &i in chunk {
                    xb.extend_from_slice(&self.train.x[i * d..(i + 1) * d]);
                    yb.push(self.ytr[i]);
                }
                let z = self
                    .net
                    .forward(&xb, chunk.len(), true, &mut self.rng_drop)?;
                let loss = self.head.loss(z, &yb, Some(&mut dz))?;
                if !loss.is_finite() {
                    return Err(Error::NonFinite(format!(
                        "the training loss became {loss} at epoch {}; lower the learning rate",
                        self.epoch + 1
                    )));
                }
                self.net.backward(&dz)?;
                let (states, opt) = (&mut self.states, &self.opt);
                let mut slot = 0;
                let mut err = None;
                self.net.for_each_param(|kind, p, g| {
                    if kind == ParamKind::Weight && l2 > 0.0 {
                        for (gv, &pv) in g.iter_mut().zip(p.iter()) {
                            *gv += l2 * pv;
                        }
                    }
                    if states.len() <= slot {
                        states.push(OptimState::default());
                    }
                    if let Err(e) = optim::step(opt, &mut states[slot], p, g) {
                        err = Some(e);
                    }
                    slot += 1;
                });
                if let Some(e) = err {
                    return Err(e);
                }
            }
            self.epoch += 1;
            self.record()?;
        }
        Ok(self.metrics())
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::ops::metrics;

    fn csv() -> String {
        std::fs::read_to_string(concat!(
            env!("CARGO_MANIFEST_DIR"),
            "/www/samples/breast_cancer.csv"
        ))
        .unwrap()
    }

    /// Logistic regression on the 30 standardized features separates the tumours well, and the
    /// three AUC readings of its test scores agree; fewer positives leave the AUC near where it
    /// was while the average precision falls.
    #[test]
    fn logistic_regression_on_breast_cancer() {
        let text = csv();
        let mut f = Fit::new(FitConfig::default(), Some(&text)).unwrap();
        assert_eq!(f.test_table().len(), 171);
        let m = f.step(30).unwrap();
        assert!(m.test_acc > 0.94, "{m:?}");
        assert!(m.train_loss < f.history()[0].train_loss);
        let s = f.test_scores().unwrap();
        let y = f.test_table().y.clone();
        let roc = metrics::roc_curve(&y, &s, true).unwrap();
        let mw = metrics::mann_whitney_u(&y, &s).unwrap();
        let pc = metrics::pair_count(&y, &s).unwrap();
        assert!(roc.auc > 0.97, "{}", roc.auc);
        assert!((roc.auc - mw.auc).abs() < 1e-9 && (roc.auc - pc.auc).abs() < 1e-9);
        let ap_full = metrics::pr_curve(&y, &s).unwrap().average_precision;
        // the same model on rarer positives: 20 seeded subsamples keeping 10% of them
        let (mut auc_sum, mut ap_sum) = (0.0, 0.0);
        for seed in 0..20 {
            let sub = f.test_table().keep_positives(0.1, seed).unwrap();
            let s2 = f.probabilities(&sub).unwrap();
            auc_sum += metrics::roc_curve(&sub.y, &s2, true).unwrap().auc / 20.0;
            ap_sum += metrics::pr_curve(&sub.y, &s2).unwrap().average_precision / 20.0;
        }
        assert!((auc_sum - roc.auc).abs() < 0.01, "{auc_sum} vs {}", roc.auc);
        assert!(
            ap_sum < ap_full - 0.02,
            "AP {ap_sum} with 10% of the positives vs {ap_full}"
        );
        let rare = Fit::new(
            FitConfig {
                pos_share: 0.1,
                ..FitConfig::default()
            },
            Some(&text),
        )
        .unwrap();
        assert_eq!(rare.test_table().positives(), 6);
        assert!(Fit::new(FitConfig::default(), None).is_err());
    }

    #[test]
    fn mlp_on_a_toy_set_and_bad_configs() {
        let mut f = Fit::new(
            FitConfig {
                data: "circle".into(),
                hidden: vec![8],
                lr: 0.03,
                ..FitConfig::default()
            },
            None,
        )
        .unwrap();
        let m = f.step(60).unwrap();
        assert!(m.test_acc > 0.9, "{m:?}");
        for bad in [
            FitConfig {
                hidden: vec![0],
                ..FitConfig::default()
            },
            FitConfig {
                lr: -1.0,
                ..FitConfig::default()
            },
            FitConfig {
                pos_share: -0.5,
                ..FitConfig::default()
            },
            FitConfig {
                data: "spiral".into(),
                ..FitConfig::default()
            },
        ] {
            assert!(Fit::new(bad, Some(&csv())).is_err());
        }
        assert!(f.step(0).is_err());
    }
}
