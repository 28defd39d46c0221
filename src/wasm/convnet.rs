//! `ConvTrainer`: a convnet trained on scikit-learn's 8x8 digits in the browser
//! (`nn::cnn::run::DigitsRun`), the door of the normalisation lab and the labs after it.
//!
//! `new ConvTrainer(config, digitsCsv)`: `config` is `nn::cnn::run::RunConfig`'s camelCase keys,
//! all optional (a misspelt key is an error listing the valid ones); `model` is a `ModelConfig`
//! object (`{input: [1, 8, 8], layers: [...]}`, read strictly: a misspelt key at any depth is an
//! error) or the preset name `"digitsConvnet"` (with `norm`, `groups`, `bnMomentum`, `spectral`).
//! `digitsCsv` is the text of www/samples/digits.csv, fetched by the page and parsed here.
//!
//! Training returns small reports; the step history and captured activations stay in wasm
//! memory, read through `*Ptr()`/`*Len()` views made fresh after every call into wasm.

use wasm_bindgen::prelude::*;

use super::opts;
use super::{to_js, JsResult};
use crate::nn::cnn::model::ModelConfig;
use crate::nn::cnn::run::{self, DigitsRun, ModelSpec, RunConfig};
use crate::Error;

/// A seeded convnet training run on digits.
#[wasm_bindgen]
pub struct ConvTrainer {
    inner: DigitsRun,
}

/// Reads the `model` key: a preset name or a `ModelConfig` object (through JSON, so serde's
/// strict checks apply at every depth).
fn read_model(config: &JsValue) -> JsResult<Option<ModelSpec>> {
    if !config.is_object() || js_sys::Array::is_array(config) {
        return Ok(None);
    }
    let v = js_sys::Reflect::get(config, &JsValue::from_str("model")).unwrap_or(JsValue::UNDEFINED);
    if v.is_undefined() || v.is_null() {
        return Ok(None);
    }
    if let Some(s) = v.as_string() {
        return Ok(Some(ModelSpec::Preset(s)));
    }
    if v.is_object() && !js_sys::Array::is_array(&v) {
        let text = js_sys::JSON::stringify(&v)
            .ok()
            .and_then(|s| s.as_string())
            .ok_or_else(|| Error::InvalidArg("ConvTrainer option model: not JSON data".into()))?;
        return Ok(Some(ModelSpec::Config(ModelConfig::from_json(&text)?)));
    }
    Err(Error::bad_option(
        "ConvTrainer",
        "model",
        "expected a preset name (\"digitsConvnet\") or a model config object {input, layers}",
    )
    .into())
}

#[wasm_bindgen]
impl ConvTrainer {
    /// Builds a run, e.g. `new ConvTrainer({norm: "groupNorm", groups: 4, batch: 8, lr: 0.01},
    /// csvText)`.
    #[wasm_bindgen(constructor)]
    pub fn new(config: JsValue, digits_csv: &str) -> JsResult<ConvTrainer> {
        let model = read_model(&config)?;
        // the rest of the keys are read with `model` taken out (it is read above)
        let rest = if config.is_object() && !js_sys::Array::is_array(&config) {
            let copy = js_sys::Object::assign(&js_sys::Object::new(), config.unchecked_ref());
            let _ = js_sys::Reflect::delete_property(&copy, &JsValue::from_str("model"));
            JsValue::from(copy)
        } else {
            config
        };
        let mut cfg = opts::read::<RunConfig>("ConvTrainer", rest)?;
        if let Some(m) = model {
            cfg.model = m;
        }
        Ok(ConvTrainer {
            inner: DigitsRun::new(cfg, digits_csv)?,
        })
    }

    /// Trains `steps` mini-batches (continuing across epochs): `{epoch, steps, loss, accuracy,
    /// status, message}` (loss and accuracy: the mean over this call's batches; status
    /// "training" or "diverged", when the loss became NaN, infinite or above 230).
    #[wasm_bindgen(js_name = trainSteps)]
    pub fn train_steps(&mut self, steps: u32) -> JsResult<JsValue> {
        let r = self.inner.train_steps(steps as usize)?;
        to_js(&r)
    }

    /// Trains until `epochs` more epochs are complete (same report as `trainSteps`).
    #[wasm_bindgen(js_name = trainEpochs)]
    pub fn train_epochs(&mut self, epochs: u32) -> JsResult<JsValue> {
        let r = self.inner.train_epochs(epochs as usize)?;
        to_js(&r)
    }

    /// `{trainLoss, trainAcc, testLoss, testAcc}` in eval mode (running statistics).
    pub fn evaluate(&mut self) -> JsResult<JsValue> {
        let e = self.inner.evaluate()?;
        to_js(&e)
    }

    /// Test `{loss, accuracy}` with the model left in training mode (batch statistics over
    /// `batch` test images at a time: a forgotten `model.eval()`); the state is put back.
    #[wasm_bindgen(js_name = evaluateTrainMode)]
    pub fn evaluate_train_mode(&mut self, batch: u32) -> JsResult<JsValue> {
        let s = self.inner.evaluate_train_mode(batch as usize)?;
        to_js(&serde_json::json!({"loss": s.loss, "accuracy": s.accuracy}))
    }

    /// Sets the learning rate, keeping the weights and the optimizer state.
    #[wasm_bindgen(js_name = setLr)]
    pub fn set_lr(&mut self, lr: f64) -> JsResult<()> {
        Ok(self.inner.set_lr(lr)?)
    }

    #[wasm_bindgen(getter)]
    pub fn lr(&self) -> f64 {
        self.inner.config().lr
    }

    /// Completed epochs.
    #[wasm_bindgen(getter)]
    pub fn epoch(&self) -> u32 {
        self.inner.epoch() as u32
    }

    /// Optimizer steps so far.
    #[wasm_bindgen(getter)]
    pub fn steps(&self) -> u32 {
        self.inner.steps() as u32
    }

    /// "training" or "diverged".
    #[wasm_bindgen(getter)]
    pub fn status(&self) -> String {
        self.inner.status().name().to_string()
    }

    /// Why the run stopped ("" while training).
    #[wasm_bindgen(getter)]
    pub fn message(&self) -> String {
        self.inner.message().to_string()
    }

    /// Number of parameter values.
    #[wasm_bindgen(js_name = paramCount)]
    pub fn param_count(&mut self) -> u32 {
        self.inner.clf.model.param_count() as u32
    }

    /// The config with every default filled in (the model as given: a preset name or a config).
    pub fn config(&self) -> JsResult<JsValue> {
        to_js(self.inner.config())
    }

    /// `{layers: [{type, shape}], input, trainCount, testCount, stepsPerEpoch, paramCount,
    /// stepStride, percentiles}`.
    pub fn info(&mut self) -> JsResult<JsValue> {
        let r = &mut self.inner;
        let layers: Vec<_> = r
            .clf
            .model
            .layers
            .iter()
            .zip(&r.clf.model.shapes)
            .map(|(l, s)| serde_json::json!({"type": l.name(), "shape": s}))
            .collect();
        let v = serde_json::json!({
            "layers": layers,
            "input": r.clf.model.input,
            "trainCount": r.train.len(),
            "testCount": r.test.len(),
            "stepsPerEpoch": r.steps_per_epoch(),
            "paramCount": r.clf.model.param_count(),
            "stepStride": run::STEP_STRIDE,
            "percentiles": run::PERCENTILES,
        });
        to_js(&v)
    }

    /// The probes of the last training step: `{step, percentiles, preact: [{layer, kind,
    /// percentiles, mean, std}], grads: [{layer, kind, gradNorm, paramNorm}], bn: [{layer,
    /// runningMean, runningVar, batchMean, batchVar}]}`.
    pub fn probes(&self) -> JsResult<JsValue> {
        to_js(self.inner.probes())
    }

    /// Batch norm's running statistics now: `[{layer, runningMean, runningVar, batchMean,
    /// batchVar}]` (batch statistics of the last forward).
    #[wasm_bindgen(js_name = runningStats)]
    pub fn running_stats(&self) -> JsResult<JsValue> {
        use crate::nn::cnn::model::Layer;
        let v: Vec<_> = self
            .inner
            .clf
            .model
            .layers
            .iter()
            .enumerate()
            .filter_map(|(i, l)| match l {
                Layer::BatchNorm(b) => Some(serde_json::json!({
                    "layer": i,
                    "runningMean": b.running_mean,
                    "runningVar": b.running_var,
                    "batchMean": b.mean,
                    "batchVar": b.var,
                    "momentum": b.momentum,
                })),
                _ => None,
            })
            .collect();
        to_js(&v)
    }

    /// Step history rows of `stepStride` values: step, batch loss, batch accuracy, lr.
    #[wasm_bindgen(js_name = historyPtr)]
    pub fn history_ptr(&self) -> usize {
        self.inner.history().as_ptr() as usize
    }

    #[wasm_bindgen(js_name = historyLen)]
    pub fn history_len(&self) -> usize {
        self.inner.history().len()
    }

    /// Runs `count` images from `start` of the training set (`test` false) or the test set
    /// through the model (eval mode unless `training`; the state is put back) and keeps layer
    /// `layer`'s output; returns its shape, e.g. `[count, 8, 8, 8]`. Read it with
    /// `activationsPtr()`/`activationsLen()`.
    pub fn capture(
        &mut self,
        layer: u32,
        test: bool,
        start: u32,
        count: u32,
        training: bool,
    ) -> JsResult<Vec<u32>> {
        let s = self.inner.capture(
            layer as usize,
            test,
            start as usize,
            count as usize,
            training,
        )?;
        Ok(s.into_iter().map(|d| d as u32).collect())
    }

    #[wasm_bindgen(js_name = activationsPtr)]
    pub fn activations_ptr(&self) -> usize {
        self.inner.activations().as_ptr() as usize
    }

    #[wasm_bindgen(js_name = activationsLen)]
    pub fn activations_len(&self) -> usize {
        self.inner.activations().len()
    }

    /// `count` images from `start` of the training or test set, `[count, 1, 8, 8]` in [0, 1]
    /// (a copy).
    pub fn images(&self, test: bool, start: u32, count: u32) -> JsResult<Vec<f32>> {
        let d = self.inner.data(test);
        let (s, c) = (start as usize, count as usize);
        if s > d.len() || c > d.len() - s {
            return Err(Error::InvalidArg(format!(
                "images {s}..{} are not in the set of {} images",
                s.saturating_add(c),
                d.len()
            ))
            .into());
        }
        Ok(d.images[s * 64..(s + c) * 64].to_vec())
    }

    /// Labels of the training or test set (a copy).
    pub fn labels(&self, test: bool) -> Vec<u8> {
        self.inner.data(test).labels.clone()
    }

    /// The raw weight of a conv2d or linear layer (a copy); its shape is `weightShape(layer)`.
    pub fn weight(&mut self, layer: u32) -> JsResult<Vec<f32>> {
        Ok(self.inner.weight(layer as usize)?.0)
    }

    /// The bias of a conv2d or linear layer (a copy; empty when it has none).
    pub fn bias(&mut self, layer: u32) -> JsResult<Vec<f32>> {
        Ok(self.inner.bias(layer as usize)?)
    }

    /// `{gamma, beta}`: the learned scale and shift of a norm layer (per channel; per C·H·W
    /// element for layer norm).
    pub fn affine(&mut self, layer: u32) -> JsResult<JsValue> {
        let (gamma, beta) = self.inner.affine(layer as usize)?;
        to_js(&serde_json::json!({ "gamma": gamma, "beta": beta }))
    }

    #[wasm_bindgen(js_name = weightShape)]
    pub fn weight_shape(&mut self, layer: u32) -> JsResult<Vec<u32>> {
        let s = self.inner.weight(layer as usize)?.1;
        Ok(s.into_iter().map(|d| d as u32).collect())
    }
}

/// Spectral normalisation of one weight, for the lab: `{rows, cols, singular (every singular
/// value of the [shape[0], rest] matrix, largest first, by an SVD in f64), iterations, estimates
/// (power iteration from random u, v after each count), gainBefore, gainAfter (largest |Wx|/|x|
/// over `draws` random inputs, for W and W / the last estimate), normalized}`.
#[wasm_bindgen(js_name = spectralStudy)]
pub fn spectral_study(
    weight: Vec<f32>,
    shape: Vec<u32>,
    iterations: Vec<u32>,
    seed: u32,
    draws: u32,
) -> JsResult<JsValue> {
    let shape: Vec<usize> = shape.into_iter().map(|d| d as usize).collect();
    let its: Vec<usize> = iterations.into_iter().map(|d| d as usize).collect();
    let s = crate::nn::cnn::svd::study(&weight, &shape, &its, seed as u64, draws as usize)?;
    to_js(&s)
}
