//! Exports of the outputs-and-losses lab (`nn::losslab`): the curves of its static panels
//! (`lossCurves`, `focalCurve`, `smoothingTargets`, `kdGradScale`) and `LossRun`, one seeded
//! training run of a classifier with a chosen loss (CE, MSE on the softmax, class-weighted CE,
//! focal, distillation from another run), trained epoch by epoch in the lab's worker.

use wasm_bindgen::prelude::*;

use super::opts;
use super::{to_js, JsResult};
use crate::nn::digits::Digits;
use crate::nn::losslab::{self, RunConfig};

/// CE and MSE of a sigmoid output against the target 1 at each probability of `probs` (in
/// (0, 1)), and their gradients with respect to the logit: `{ceLoss, ceGrad, mseLoss, mseGrad}`.
#[wasm_bindgen(js_name = lossCurves)]
pub fn loss_curves(probs: &[f32]) -> JsResult<JsValue> {
    to_js(&losslab::loss_curves(probs)?)
}

/// torchvision's focal loss of the target 1 at each `p_t` of `probs` and its gradient with
/// respect to the logit, `{loss, grad}`; `alpha` (in [0, 1]) absent = no class weighting.
#[wasm_bindgen(js_name = focalCurve)]
pub fn focal_curve(probs: &[f32], gamma: f32, alpha: Option<f32>) -> JsResult<JsValue> {
    to_js(&losslab::focal_curve(probs, gamma, alpha)?)
}

/// PyTorch's smoothed target of class 0 among `classes` and the least loss smoothing allows:
/// `{target, minLoss, entropy, logitGap, lossAtGap10}`.
#[wasm_bindgen(js_name = smoothingTargets)]
pub fn smoothing_targets(classes: u32, eps: f32) -> JsResult<JsValue> {
    to_js(&losslab::smoothing(classes as usize, eps)?)
}

/// Norms of the distillation gradient with and without the T² factor for each temperature:
/// `{temperatures, withT2, withoutT2}`; logits `[n, classes]` row-major.
#[wasm_bindgen(js_name = kdGradScale)]
pub fn kd_grad_scale(
    student: &[f32],
    teacher: &[f32],
    classes: u32,
    temperatures: &[f32],
) -> JsResult<JsValue> {
    to_js(&losslab::kd_grad_scale(
        student,
        teacher,
        classes as usize,
        temperatures,
    )?)
}

/// One seeded training run of the losses lab.
#[wasm_bindgen]
pub struct LossRun {
    inner: losslab::LossRun,
}

#[wasm_bindgen]
impl LossRun {
    /// `digitsCsv`: the text of samples/digits.csv (may be empty for the toy task); `options`:
    /// `{task, loss, net, seed, optimizer, lr, batch, eps, gamma, alpha, focalAlpha, temperature, subset,
    /// positive, ratio, toy, points}`, all optional.
    #[wasm_bindgen(constructor)]
    pub fn new(digits_csv: &str, options: JsValue) -> JsResult<LossRun> {
        let cfg = opts::read::<RunConfig>("LossRun", options)?;
        let digits = if cfg.task == "toy" {
            None
        } else {
            Some(Digits::parse(digits_csv)?)
        };
        Ok(LossRun {
            inner: losslab::LossRun::new(cfg, digits.as_ref())?,
        })
    }

    /// Trains one epoch: `{epoch, trainLoss, trainAcc, testLoss, testAcc, gradNorm, logitNorm,
    /// easyShare, easyCount}`.
    pub fn epoch(&mut self) -> JsResult<JsValue> {
        to_js(&self.inner.epoch()?)
    }

    /// `{reliability: {bins, ece, mce, accuracy, meanConfidence}, recall, pr, accuracy,
    /// classes, trainSize, testSize, precision}` on the test split.
    pub fn report(&mut self, bins: u32) -> JsResult<JsValue> {
        to_js(&self.inner.report(bins as usize)?)
    }

    /// Takes `teacher`'s logits on this run's training split as its soft targets (KD). The
    /// teacher is borrowed mutably (its forward keeps activations), so it must not be this run.
    #[wasm_bindgen(js_name = adoptTeacher)]
    pub fn adopt_teacher(&mut self, teacher: &mut LossRun) -> JsResult<()> {
        Ok(self.inner.adopt_teacher(&mut teacher.inner)?)
    }

    /// Test example `index`: `{pixels, label, logits, probs}` with `probs[i] = softmax(z /
    /// temperatures[i])`.
    #[wasm_bindgen(js_name = softTargets)]
    pub fn soft_targets(&mut self, index: u32, temperatures: &[f32]) -> JsResult<JsValue> {
        to_js(&self.inner.soft_targets(index as usize, temperatures)?)
    }

    /// `kdGradScale` of this run's training logits against its teacher's.
    #[wasm_bindgen(js_name = gradScale)]
    pub fn grad_scale(&mut self, temperatures: &[f32]) -> JsResult<JsValue> {
        to_js(&self.inner.grad_scale(temperatures)?)
    }

    /// Logits `[n, classes]` of the test split (eval mode).
    #[wasm_bindgen(js_name = testLogits)]
    pub fn test_logits(&mut self) -> JsResult<Vec<f32>> {
        Ok(self.inner.logits(false)?)
    }

    #[wasm_bindgen(getter)]
    pub fn classes(&self) -> usize {
        self.inner.k
    }

    #[wasm_bindgen(getter, js_name = testSize)]
    pub fn test_size(&self) -> usize {
        self.inner.test.y.len()
    }

    #[wasm_bindgen(getter, js_name = trainSize)]
    pub fn train_size(&self) -> usize {
        self.inner.train.y.len()
    }

    #[wasm_bindgen(getter)]
    pub fn epochs(&self) -> usize {
        self.inner.epoch
    }

    /// The options the run was built with (every key, defaults filled in).
    pub fn config(&self) -> JsResult<JsValue> {
        to_js(&self.inner.cfg)
    }
}
