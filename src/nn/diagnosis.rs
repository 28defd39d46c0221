//! The `Diagnosis` of a run that stopped by itself: data only, so the training loop
//! (`nn::train`, which stores it in the run's status) and the code that works out the cause
//! (`nn::health`, which reads the Trainer) both depend on this leaf and not on each other's types.

use serde::Serialize;

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
