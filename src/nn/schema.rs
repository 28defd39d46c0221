//! The training vocabulary in one object (`trainSchema()` in JS), so the page holds no copy of it:
//! the defaults (`TrainConfig::default()`, camelCase keys), every name list from its enum
//! (datasets with their task, features with their labels, activations, inits, losses,
//! optimizers, schedules), the limits with the ranges table that validation uses
//! (`nn::config::RANGES`), and the layouts of the history rows and histogram blocks.
//!
//! Shape (JS): `{defaults: {seed, dataset, trainRatio, ...}, datasets: [{name, task}], features:
//! [{name, label}], activations, inits, losses, optimizers, schedules: [name], limits: {maxLayers,
//! maxUnits, maxPoints, maxClasses, maxEpochsPerCall, ranges: {key: [min, max]}}, layout:
//! {historyStride, histHeader, domain}}`. `datasets` ends with `custom` (task "custom"), which the
//! page keeps out of its generated-set menu.

use serde::ser::SerializeMap;
use serde::{Serialize, Serializer};

use super::config::{self, TrainConfig, DOMAIN, MAX_EPOCHS_PER_CALL, MAX_LAYERS, MAX_UNITS};
use super::data::{DatasetKind, MAX_CLASSES, MAX_POINTS};
use super::features::Feature;
use super::init::Init;
use super::schedule::Schedule;
use super::train::HISTORY_STRIDE;
use super::visual::HIST_HEADER;
use crate::ops::activation::Activation;

#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct DatasetEntry {
    pub name: &'static str,
    /// `DatasetKind::task`: "binary", "multiclass", "regression" or "custom".
    pub task: &'static str,
}

#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct FeatureEntry {
    pub name: &'static str,
    pub label: &'static str,
}

/// `{key: [lo, hi], ...}` in the table's order.
#[derive(Debug, Clone, PartialEq)]
pub struct Ranges(pub &'static [config::Range]);

impl Serialize for Ranges {
    fn serialize<S: Serializer>(&self, s: S) -> Result<S::Ok, S::Error> {
        let mut m = s.serialize_map(Some(self.0.len()))?;
        for r in self.0 {
            m.serialize_entry(r.key, &[r.lo, r.hi])?;
        }
        m.end()
    }
}

#[derive(Debug, Clone, PartialEq, Serialize)]
#[serde(rename_all = "camelCase")]
pub struct Limits {
    pub max_layers: usize,
    pub max_units: usize,
    pub max_points: usize,
    pub max_classes: usize,
    pub max_epochs_per_call: usize,
    pub ranges: Ranges,
}

#[derive(Debug, Clone, PartialEq, Serialize)]
#[serde(rename_all = "camelCase")]
pub struct Layout {
    /// Values per history row (see `train::HISTORY_STRIDE`).
    pub history_stride: usize,
    /// Values before the bins of one histogram (see `train::HIST_HEADER`).
    pub hist_header: usize,
    /// Half-width of the square of the generated datasets and their heatmaps.
    pub domain: f32,
}

#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct TrainSchema {
    pub defaults: TrainConfig,
    pub datasets: Vec<DatasetEntry>,
    pub features: Vec<FeatureEntry>,
    pub activations: &'static [&'static str],
    pub inits: &'static [&'static str],
    pub losses: Vec<&'static str>,
    pub optimizers: &'static [&'static str],
    pub schedules: &'static [&'static str],
    pub limits: Limits,
    pub layout: Layout,
}

/// The schema, built from the enums, the defaults and the limits.
pub fn train_schema() -> TrainSchema {
    TrainSchema {
        defaults: TrainConfig::default(),
        datasets: DatasetKind::ALL
            .iter()
            .map(|k| DatasetEntry {
                name: k.name(),
                task: k.task(),
            })
            .collect(),
        features: Feature::ALL
            .iter()
            .map(|f| FeatureEntry {
                name: f.name(),
                label: f.label(),
            })
            .collect(),
        activations: &Activation::NAMES,
        inits: &Init::NAMES,
        losses: config::loss_names(),
        optimizers: &config::Optimizer::NAMES,
        schedules: &Schedule::NAMES,
        limits: Limits {
            max_layers: MAX_LAYERS,
            max_units: MAX_UNITS,
            max_points: MAX_POINTS,
            max_classes: MAX_CLASSES,
            max_epochs_per_call: MAX_EPOCHS_PER_CALL,
            ranges: Ranges(&config::RANGES),
        },
        layout: Layout {
            history_stride: HISTORY_STRIDE,
            hist_header: HIST_HEADER,
            domain: DOMAIN,
        },
    }
}

#[cfg(test)]
mod tests {
    use super::super::config::Optimizer;
    use super::super::train::Trainer;
    use super::*;
    use serde_json::Value;

    fn schema_json() -> Value {
        serde_json::to_value(train_schema()).unwrap()
    }

    fn names(v: &Value) -> Vec<String> {
        v.as_array()
            .unwrap()
            .iter()
            .map(|x| x.as_str().unwrap().to_string())
            .collect()
    }

    #[test]
    fn defaults_are_the_config_defaults_and_validate() {
        let s = schema_json();
        let d: TrainConfig = serde_json::from_value(s["defaults"].clone()).unwrap();
        assert_eq!(d, TrainConfig::default());
        assert_eq!(s["defaults"]["trainRatio"], 50.0);
        assert_eq!(s["defaults"]["hidden"], serde_json::json!([4, 2]));
        let mut c = d.clone();
        c.plan().unwrap();
        let t = Trainer::new(d).unwrap();
        assert_eq!(t.network().sizes(), vec![2, 4, 2, 1]);
    }

    #[test]
    fn every_name_parses_back() {
        let s = schema_json();
        let datasets = s["datasets"].as_array().unwrap();
        assert_eq!(datasets.len(), DatasetKind::ALL.len());
        for d in datasets {
            let k = DatasetKind::parse(d["name"].as_str().unwrap()).unwrap();
            assert_eq!(d["task"], k.task());
            let want = match d["task"].as_str().unwrap() {
                "binary" => 2,
                "multiclass" => 3,
                "regression" => 0,
                _ => continue, // custom: read from the labels
            };
            assert_eq!(k.classes(3), want, "{d}");
        }
        assert_eq!(s["datasets"][0]["name"], "circle");
        for f in s["features"].as_array().unwrap() {
            let feat = Feature::parse(f["name"].as_str().unwrap()).unwrap();
            assert_eq!(f["label"], feat.label());
        }
        assert_eq!(s["features"][2]["label"], "X₁²");
        for a in names(&s["activations"]) {
            assert_eq!(Activation::parse(&a).unwrap().name(), a);
        }
        for i in names(&s["inits"]) {
            Init::parse(&i, 0.5).unwrap();
        }
        for o in names(&s["optimizers"]) {
            assert_eq!(Optimizer::parse(&o).unwrap().name(), o);
        }
        for sc in names(&s["schedules"]) {
            Schedule::parse(&sc, 50, 0.5, 200).unwrap();
        }
        // a config with each name of each list (dataset and loss need their data) validates
        let lists = [
            ("activation", "activations"),
            ("init", "inits"),
            ("optimizer", "optimizers"),
            ("schedule", "schedules"),
            ("loss", "losses"),
        ];
        for (key, list) in lists {
            for name in names(&s[list]) {
                let mut j = s["defaults"].clone();
                j[key] = Value::String(name.clone());
                let mut c: TrainConfig = serde_json::from_value(j).unwrap();
                if let Err(e) = c.plan() {
                    panic!("{key} = {name}: {e}");
                }
            }
        }
        assert_eq!(names(&s["losses"])[0], "auto");
    }

    #[test]
    fn limits_ranges_and_layout_are_the_engines() {
        let s = schema_json();
        let l = &s["limits"];
        assert_eq!(l["maxLayers"], MAX_LAYERS);
        assert_eq!(l["maxUnits"], MAX_UNITS);
        assert_eq!(l["maxPoints"], MAX_POINTS);
        assert_eq!(l["maxClasses"], MAX_CLASSES);
        let ranges = l["ranges"].as_object().unwrap();
        assert_eq!(ranges.len(), config::RANGES.len());
        for r in config::RANGES {
            assert_eq!(ranges[r.key], serde_json::json!([r.lo, r.hi]), "{}", r.key);
            let d = s["defaults"][r.key].as_f64().unwrap();
            assert!(r.lo <= d && d <= r.hi, "{}: default {d}", r.key);
        }
        assert_eq!(ranges["trainRatio"], serde_json::json!([10.0, 90.0]));
        assert_eq!(s["layout"]["historyStride"], HISTORY_STRIDE);
        assert_eq!(s["layout"]["histHeader"], HIST_HEADER);
        assert_eq!(s["layout"]["domain"], 6.0);
    }
}
