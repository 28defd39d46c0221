//! The `Trainer` handle (the training lab's engine), the training vocabulary (`trainSchema`),
//! input-feature heatmaps (`featureMaps`) and CSV point parsing (`parsePointsCsv`).
//!
//! A `Trainer` is built from a config object (`nn::config::TrainConfig`'s camelCase keys, all
//! optional; a misspelt key is an error listing the valid ones, a wrong type names its key).
//! `step(n)` trains n epochs and returns small metrics; the big buffers (history rows,
//! decision-boundary and per-neuron heatmaps, histograms) stay in wasm memory and are read through
//! `*Ptr()`/`*Len()` views: `new Float32Array(wasmMemory().buffer, t.boundaryPtr(),
//! t.boundaryLen())`, made fresh after every call into wasm (memory growth detaches old views).

use serde::Serialize;
use wasm_bindgen::prelude::*;

use super::opts;
use super::{to_js, JsResult};
use crate::nn::config::{TrainConfig, DOMAIN, MAX_EPOCHS_PER_CALL};
use crate::nn::csv;
use crate::nn::data::DatasetKind;
use crate::nn::schema;
use crate::nn::train::{self, HISTORY_STRIDE};
use crate::nn::visual::{self, HIST_HEADER};
use crate::Error;

/// A seeded training run: dataset, network, optimizer, metrics.
#[wasm_bindgen]
pub struct Trainer {
    pub(super) inner: train::Trainer,
}

fn check_epochs(n: u32) -> JsResult<usize> {
    if n == 0 || n as usize > MAX_EPOCHS_PER_CALL {
        return Err(Error::out_of_range("epochs", 1.0, MAX_EPOCHS_PER_CALL as f64, n).into());
    }
    Ok(n as usize)
}

/// Sizes and layouts the page needs to read the buffers.
#[derive(Serialize)]
struct Info {
    classes: usize,
    layer_sizes: Vec<usize>,
    features: Vec<&'static str>,
    domain: f32,
    grid: usize,
    neuron_grid: usize,
    hist_bins: usize,
    hist_header: usize,
    boundary_channels: usize,
    history_stride: usize,
    train_points: usize,
    test_points: usize,
}

#[derive(Serialize)]
struct CsvPoints {
    points: Vec<[f32; 3]>,
    /// 0 for a regression (decimal labels).
    classes: usize,
}

#[wasm_bindgen]
impl Trainer {
    /// Builds a run from a config object, e.g. `{dataset: "spiral", hidden: [8, 8], lr: 0.01}`.
    #[wasm_bindgen(constructor)]
    pub fn new(config: JsValue) -> JsResult<Trainer> {
        let cfg = opts::read::<TrainConfig>("Trainer", config)?;
        Ok(Trainer {
            inner: train::Trainer::new(cfg)?,
        })
    }

    /// Sets the learning rate of the running model, keeping its weights and history.
    #[wasm_bindgen(js_name = setLr)]
    pub fn set_lr(&mut self, lr: f64) -> JsResult<()> {
        Ok(self.inner.set_lr(lr)?)
    }

    /// Trains `epochs` epochs (fewer if the run diverges or stops early) and returns
    /// `{epoch, iterations, train_loss, test_loss, train_acc, test_acc, lr, grad_norm, status,
    /// diagnosis, best_epoch}`.
    pub fn step(&mut self, epochs: u32) -> JsResult<JsValue> {
        let n = check_epochs(epochs)?;
        let m = self.inner.step(n)?;
        to_js(&m)
    }

    /// Trains `epochs` epochs without measuring anything (for benchmarks).
    pub fn fit(&mut self, epochs: u32) -> JsResult<()> {
        let n = check_epochs(epochs)?;
        self.inner.fit(n)?;
        Ok(())
    }

    /// The latest metrics (as `step` returns them).
    pub fn metrics(&self) -> JsResult<JsValue> {
        to_js(&self.inner.metrics())
    }

    /// Readings for quiet failures: dead ReLUs, saturation, symmetry, vanishing gradients...
    pub fn health(&mut self) -> JsResult<JsValue> {
        let h = self.inner.health()?;
        to_js(&h)
    }

    /// The config with every default filled in.
    pub fn config(&self) -> JsResult<JsValue> {
        to_js(self.inner.config())
    }

    /// `{classes, layer_sizes, features, domain, grid, neuron_grid, hist_bins, hist_header,
    /// boundary_channels, history_stride, train_points, test_points}`.
    pub fn info(&self) -> JsResult<JsValue> {
        let t = &self.inner;
        let c = t.config();
        to_js(&Info {
            classes: t.classes(),
            layer_sizes: t.network().sizes(),
            features: t.feature_names(),
            domain: t.domain(),
            grid: c.grid,
            neuron_grid: c.neuron_grid,
            hist_bins: c.hist_bins,
            hist_header: HIST_HEADER,
            boundary_channels: t.boundary_channels(),
            history_stride: HISTORY_STRIDE,
            train_points: t.train_points().len(),
            test_points: t.test_points().len(),
        })
    }

    #[wasm_bindgen(getter)]
    pub fn epoch(&self) -> u32 {
        self.inner.epoch() as u32
    }

    /// "training", "diverged" or "early_stopped".
    #[wasm_bindgen(getter)]
    pub fn status(&self) -> String {
        self.inner.status().name().to_string()
    }

    /// History rows of `history_stride` values: epoch, train loss, test loss, train accuracy,
    /// test accuracy (NaN for regression), learning rate, gradient norm. Row 0 is before training.
    #[wasm_bindgen(js_name = historyPtr)]
    pub fn history_ptr(&self) -> usize {
        self.inner.history().as_ptr() as usize
    }

    #[wasm_bindgen(js_name = historyLen)]
    pub fn history_len(&self) -> usize {
        self.inner.history().len()
    }

    /// Recomputes the decision-boundary and per-neuron heatmaps (eval mode).
    #[wasm_bindgen(js_name = computeHeatmaps)]
    pub fn compute_heatmaps(&mut self) -> JsResult<()> {
        self.inner.compute_heatmaps()?;
        Ok(())
    }

    /// `grid x grid x boundary_channels` values, row 0 at the top (x2 = +domain).
    #[wasm_bindgen(js_name = boundaryPtr)]
    pub fn boundary_ptr(&self) -> usize {
        self.inner.boundary().as_ptr() as usize
    }

    #[wasm_bindgen(js_name = boundaryLen)]
    pub fn boundary_len(&self) -> usize {
        self.inner.boundary().len()
    }

    /// `nodes x neuron_grid^2` values: the input features, then each hidden unit's output.
    #[wasm_bindgen(js_name = neuronsPtr)]
    pub fn neurons_ptr(&self) -> usize {
        self.inner.neurons().as_ptr() as usize
    }

    #[wasm_bindgen(js_name = neuronsLen)]
    pub fn neurons_len(&self) -> usize {
        self.inner.neurons().len()
    }

    /// Recomputes the histograms: per dense layer weights, activations, gradients, each
    /// `hist_header + hist_bins` values (lo, hi, mean, std, near-zero share, counts).
    #[wasm_bindgen(js_name = computeHistograms)]
    pub fn compute_histograms(&mut self) -> JsResult<()> {
        self.inner.compute_histograms()?;
        Ok(())
    }

    #[wasm_bindgen(js_name = histPtr)]
    pub fn hist_ptr(&self) -> usize {
        self.inner.histograms().as_ptr() as usize
    }

    #[wasm_bindgen(js_name = histLen)]
    pub fn hist_len(&self) -> usize {
        self.inner.histograms().len()
    }

    /// Every dense weight (a copy, small), layer by layer, `[out, in]` each.
    pub fn weights(&self) -> Vec<f32> {
        self.inner.network().weights().concat()
    }

    /// Every parameter and running statistic: `[{name, shape}]` in torch's `state_dict` order
    /// and naming (`layers.0.weight` `[out, in]`, `layers.0.bias`, `layers.0.bn.running_var`,
    /// ..., `out.weight`, `out.bias`).
    #[wasm_bindgen(js_name = paramInfo)]
    pub fn param_info(&self) -> JsResult<JsValue> {
        #[derive(serde::Serialize)]
        struct P {
            name: String,
            shape: Vec<usize>,
        }
        let v: Vec<P> = self
            .inner
            .network()
            .named_params()
            .into_iter()
            .map(|(name, shape, _)| P { name, shape })
            .collect();
        to_js(&v)
    }

    /// The values of parameter `name` (a copy; `paramInfo` lists the names and shapes).
    #[wasm_bindgen(js_name = getParam)]
    pub fn get_param(&self, name: &str) -> JsResult<Vec<f32>> {
        let ps = self.inner.network().named_params();
        match ps.iter().find(|p| p.0 == name) {
            Some(p) => Ok(p.2.to_vec()),
            None => {
                let names: Vec<&str> = ps.iter().map(|p| p.0.as_str()).collect();
                Err(Error::bad_choice("parameter", &names, name).into())
            }
        }
    }

    /// Replaces parameter `name` with `values` (its number of values, all finite; a running
    /// variance >= 0), keeping the run's history and optimizer state: to restore a saved model
    /// or start from another library's weights.
    #[wasm_bindgen(js_name = setParam)]
    pub fn set_param(&mut self, name: &str, values: Vec<f32>) -> JsResult<()> {
        Ok(self.inner.set_param(name, &values)?)
    }

    /// Per-point rows `[x1, x2, label, is_test]` (a copy), training points first.
    pub fn points(&self) -> Vec<f32> {
        self.inner.points_table()
    }

    /// Adds a training point; `label` is a class index, or the target of a regression.
    #[wasm_bindgen(js_name = addPoint)]
    pub fn add_point(&mut self, x1: f32, x2: f32, label: f32) -> JsResult<()> {
        self.inner.add_point(x1, x2, label)?;
        Ok(())
    }

    /// Replaces the data with CSV points (`x1,x2,label` per line) and restarts the run with the
    /// same settings. Returns the number of points. Errors name the line.
    #[wasm_bindgen(js_name = loadCsv)]
    pub fn load_csv(&mut self, text: &str) -> JsResult<u32> {
        let (points, _) = csv::parse_csv(text)?;
        let n = points.len() as u32;
        let mut cfg = self.inner.config().clone();
        cfg.dataset = DatasetKind::Custom.name().into();
        cfg.custom_points = points;
        cfg.extra_points.clear();
        self.inner = train::Trainer::new(cfg)?;
        Ok(n)
    }
}

/// Parses CSV points (`x1,x2,label` lines, optional header, `#` comments) into
/// `{points: [[x1, x2, label], ...], classes}` (classes 0 = regression). Errors name the line:
/// "line 7: expected 3 comma-separated numbers x1,x2,label, got 'a,b'".
#[wasm_bindgen(js_name = parsePointsCsv)]
pub fn parse_points_csv(text: &str) -> JsResult<JsValue> {
    let (points, classes) = csv::parse_csv(text)?;
    to_js(&CsvPoints { points, classes })
}

/// The training vocabulary: `{defaults, datasets, features, activations, inits, losses,
/// optimizers, schedules, limits: {maxLayers, maxUnits, maxPoints, maxClasses, maxEpochsPerCall,
/// ranges: {key: [lo, hi]}}, layout: {historyStride, histHeader, domain}}` (`nn::schema`).
#[wasm_bindgen(js_name = trainSchema)]
pub fn train_schema() -> JsResult<JsValue> {
    to_js(&schema::train_schema())
}

/// The input features named in `features` (e.g. `["x1", "sin_x2"]`) over a `grid x grid` grid
/// of `[-domain, domain]²` (domain 6 when omitted; a custom dataset's is `info().domain`):
/// a Float32Array of `features.length` blocks of `grid²` values, rows from the top (x2 =
/// +domain), computed by the engine's own feature code.
#[wasm_bindgen(js_name = featureMaps)]
pub fn feature_maps(features: Vec<String>, grid: usize, domain: Option<f32>) -> JsResult<Vec<f32>> {
    Ok(visual::feature_maps(
        &features,
        grid,
        domain.unwrap_or(DOMAIN),
    )?)
}
