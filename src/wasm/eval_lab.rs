//! Exports for the evaluation lab (`www/eval.html`): the `EvalModel` handle (logistic regression
//! or a small MLP on the breast-cancer table or a two-class toy set, `nn::evalfit`) and the
//! binary metrics beside the ROC code (`ops::metrics`): precision-recall curve and average
//! precision (`prCurve`), the Mann-Whitney U statistic (`mannWhitneyU`), the count over every
//! positive-negative pair (`pairCount`), a seeded sample of such pairs (`samplePairs`) and the
//! confusion matrix at a threshold (`confusionAt`).

use serde::Serialize;
use wasm_bindgen::prelude::*;

use super::opts;
use super::Trainer;
use super::{to_js, JsResult};
use crate::nn::ensemble;
use crate::nn::evalfit::{self, FitConfig};
use crate::nn::regpath::{self, RegConfig};
use crate::nn::tabular::CANCER_FEATURES;
use crate::ops::metrics;

/// A seeded classifier and its data split.
#[wasm_bindgen]
pub struct EvalModel {
    inner: evalfit::Fit,
}

#[derive(Serialize)]
#[serde(rename_all = "camelCase")]
struct ModelInfo {
    features: Vec<&'static str>,
    train_rows: usize,
    test_rows: usize,
    train_positives: usize,
    test_positives: usize,
    layer_sizes: Vec<usize>,
}

#[wasm_bindgen]
impl EvalModel {
    /// `new EvalModel({data: "cancer", hidden: [], lr: 0.01, seed: 1, posShare: 1, ...}, csvText)`;
    /// `csvText` is the text of `samples/breast_cancer.csv` (needed for `data: "cancer"`).
    #[wasm_bindgen(constructor)]
    pub fn new(config: JsValue, csv: Option<String>) -> JsResult<EvalModel> {
        let cfg = opts::read::<FitConfig>("EvalModel", config)?;
        Ok(EvalModel {
            inner: evalfit::Fit::new(cfg, csv.as_deref())?,
        })
    }

    /// Trains `epochs` epochs; returns `{epoch, trainLoss, testLoss, trainAcc, testAcc}`.
    pub fn step(&mut self, epochs: u32) -> JsResult<JsValue> {
        let m = self.inner.step(epochs as usize)?;
        to_js(&m)
    }

    /// The latest metrics, as `step` returns them.
    pub fn metrics(&self) -> JsResult<JsValue> {
        to_js(&self.inner.metrics())
    }

    /// Every epoch's metrics so far (epoch 0 first).
    pub fn history(&self) -> JsResult<JsValue> {
        to_js(&self.inner.history())
    }

    #[wasm_bindgen(getter)]
    pub fn epoch(&self) -> usize {
        self.inner.epoch()
    }

    /// Probabilities of the positive class for the test rows.
    #[wasm_bindgen(js_name = testScores)]
    pub fn test_scores(&mut self) -> JsResult<Vec<f32>> {
        Ok(self.inner.test_scores()?)
    }

    /// Labels (1 = positive) of the test rows.
    #[wasm_bindgen(js_name = testLabels)]
    pub fn test_labels(&self) -> Vec<u8> {
        self.inner.test_table().y.clone()
    }

    /// The config with defaults filled in.
    pub fn config(&self) -> JsResult<JsValue> {
        to_js(self.inner.config())
    }

    /// `{features, trainRows, testRows, trainPositives, testPositives, layerSizes}`.
    pub fn info(&self) -> JsResult<JsValue> {
        let (tr, te) = (self.inner.train_table(), self.inner.test_table());
        to_js(&ModelInfo {
            features: if tr.d == CANCER_FEATURES.len() {
                CANCER_FEATURES.to_vec()
            } else {
                vec!["x1", "x2"]
            },
            train_rows: tr.len(),
            test_rows: te.len(),
            train_positives: tr.positives(),
            test_positives: te.positives(),
            layer_sizes: self.inner.network().sizes(),
        })
    }
}

#[derive(Serialize)]
#[serde(rename_all = "camelCase")]
struct PrJs {
    precision: Vec<f64>,
    recall: Vec<f64>,
    thresholds: Vec<f64>,
    average_precision: f64,
    prevalence: f64,
}

/// scikit-learn's `precision_recall_curve` + `average_precision_score`: labels 0/1, scores.
/// Returns `{precision, recall, thresholds, averagePrecision, prevalence}`.
#[wasm_bindgen(js_name = prCurve)]
pub fn pr_curve(labels: Vec<u8>, scores: Vec<f32>) -> JsResult<JsValue> {
    let r = metrics::pr_curve(&labels, &scores)?;
    to_js(&PrJs {
        precision: r.precision,
        recall: r.recall,
        thresholds: r.thresholds,
        average_precision: r.average_precision,
        prevalence: r.prevalence,
    })
}

/// The Mann-Whitney U of the positives' scores: `{u, rank_sum, n_pos, n_neg, auc}`.
#[wasm_bindgen(js_name = mannWhitneyU)]
pub fn mann_whitney_u(labels: Vec<u8>, scores: Vec<f32>) -> JsResult<JsValue> {
    to_js(&metrics::mann_whitney_u(&labels, &scores)?)
}

/// Counts over every positive-negative pair: `{pairs, wins, ties, auc}`.
#[wasm_bindgen(js_name = pairCount)]
pub fn pair_count(labels: Vec<u8>, scores: Vec<f32>) -> JsResult<JsValue> {
    to_js(&metrics::pair_count(&labels, &scores)?)
}

/// `count` (positive, negative) index pairs drawn with replacement: `[i+, i-, ...]`.
#[wasm_bindgen(js_name = samplePairs)]
pub fn sample_pairs(
    labels: Vec<u8>,
    scores: Vec<f32>,
    count: u32,
    seed: u32,
) -> JsResult<Vec<u32>> {
    Ok(metrics::sample_pairs(
        &labels,
        &scores,
        count as usize,
        seed as u64,
    )?)
}

/// The confusion matrix at `threshold` (in [0, 1]; positive iff score >= threshold):
/// `{threshold, tp, fp, tn, fn, tpr, fpr, precision, recall, f1, accuracy}` (a rate whose
/// denominator is 0 is `null`).
#[wasm_bindgen(js_name = confusionAt)]
pub fn confusion_at(labels: Vec<u8>, scores: Vec<f32>, threshold: f64) -> JsResult<JsValue> {
    to_js(&metrics::confusion_at(&labels, &scores, threshold)?)
}

/// The two-weight model in weight space: `{design: {g, z, yy}, lambda, ols, l1, l2, elastic,
/// lambdas, pathL1, pathL2, pathElastic, l1ZeroAt, grid, range, loss}` for options `{seed, n,
/// rho, orthogonal, wTrue, noise, lambda, lambdaMax, steps, l1Ratio, grid}` (all optional).
#[wasm_bindgen(js_name = regPath)]
pub fn reg_path(options: JsValue) -> JsResult<JsValue> {
    let cfg = opts::read::<RegConfig>("regPath", options)?;
    to_js(&regpath::reg_path(&cfg)?)
}

/// The thinned sub-networks of a `Trainer` trained with dropout (two classes, one logit): `k`
/// masks averaged for the maps (1..=256), a `grid x grid` grid, the first `shown` sub-networks'
/// maps, seeded. Returns `{grid, domain, k, p, full, avgGeo, avgArith, std, subnets, kept,
/// units, ks, gapGeo, gapArith, gapGeoK, gapArithK}`.
#[wasm_bindgen(js_name = dropoutEnsemble)]
pub fn dropout_ensemble(
    trainer: &Trainer,
    k: u32,
    grid: u32,
    shown: u32,
    seed: u32,
) -> JsResult<JsValue> {
    let e = ensemble::ensemble(
        &trainer.inner,
        k as usize,
        grid as usize,
        shown as usize,
        seed as u64,
    )?;
    to_js(&e)
}
