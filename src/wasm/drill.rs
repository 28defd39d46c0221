//! Exports of the interview drill (`www/drill.html`): the few formulas it asks about that no
//! other export returns alone, each computed by the engine code the labs and golden tests use
//! (`ops::conv::conv2d_cost`, `nn::schedule`, `nn::init`, `nn::head`, the trainer's penalty
//! gradient, `drill::norm_stats`). Everything else the drill asks is answered by the existing
//! exports (interpolate, receptiveField, convStackPlan, softmax, losses, Optimizer, rocCurve...).

use serde::Serialize;
use wasm_bindgen::prelude::*;

use super::{to_js, JsResult};
use crate::nn::head::{Head, LossKind};
use crate::nn::init::Init;
use crate::nn::schedule::{clip_coef, global_norm, LrSchedule, Schedule};
use crate::ops::conv::conv2d_cost;
use crate::{Error, Result};

/// Most classes `drillHead` takes (a drill question has a handful).
const MAX_CLASSES: u32 = 1000;

#[derive(Serialize)]
struct Cost {
    params: f64,
    macs: f64,
}

/// Parameters and multiply-adds of a `k x k` conv `cIn -> cOut` with `groups` groups, with or
/// without bias, producing `outH x outW` (`conv2d_cost`, the conv lab's count).
#[wasm_bindgen(js_name = drillConvCost)]
#[allow(clippy::too_many_arguments)]
pub fn drill_conv_cost(
    c_in: u32,
    c_out: u32,
    k: u32,
    groups: u32,
    bias: bool,
    out_h: u32,
    out_w: u32,
) -> JsResult<JsValue> {
    if groups == 0 || c_in % groups != 0 || c_out % groups != 0 {
        return Err(Error::InvalidArg(format!(
            "groups must divide both channel counts ({c_in} and {c_out}), got {groups}"
        ))
        .into());
    }
    let (params, macs) = conv2d_cost(
        c_in as usize,
        c_out as usize,
        [k as usize, k as usize],
        groups as usize,
        bias,
        [out_h as usize, out_w as usize],
    )?;
    to_js(&Cost {
        params: params as f64,
        macs: macs as f64,
    })
}

/// How a norm layer groups an `[N, C, *]` input: `{stats, perStat, params}` (`kind` "batch",
/// "layer", "instance" or "group"; `groups` is GroupNorm's).
#[wasm_bindgen(js_name = drillNormStats)]
pub fn drill_norm_stats(kind: &str, shape: Vec<u32>, groups: u32) -> JsResult<JsValue> {
    let shape: Vec<usize> = shape.iter().map(|&d| d as usize).collect();
    to_js(&crate::drill::norm_stats(kind, &shape, groups as usize)?)
}

/// The learning rate of epoch (or step) `epoch`, 0-based, of the trainer's schedule: `schedule`
/// "constant", "step" (`every`, `gamma`) or "cosine" (`epochs` = T), with linear warmup over
/// `warmup` epochs.
#[wasm_bindgen(js_name = drillLr)]
pub fn drill_lr(
    schedule: &str,
    base: f64,
    epoch: u32,
    warmup: u32,
    every: u32,
    gamma: f64,
    epochs: u32,
) -> JsResult<f64> {
    let s = Schedule::parse(schedule, every as usize, gamma, epochs as usize)?;
    let lr = LrSchedule {
        base,
        schedule: s,
        warmup: warmup as usize,
    };
    Ok(lr.lr_at(epoch as usize))
}

#[derive(Serialize)]
struct InitBound {
    std: f64,
    /// The uniform version's bound `std * sqrt(3)`.
    bound: f64,
}

/// The std of the weights of init `name` ("xavier_uniform", "xavier_normal", "kaiming_uniform",
/// "kaiming_normal" or "lecun") for the fans, and the bound of its uniform version.
#[wasm_bindgen(js_name = drillInit)]
pub fn drill_init(name: &str, fan_in: u32, fan_out: u32) -> JsResult<JsValue> {
    const NAMES: [&str; 5] = [
        "xavier_uniform",
        "xavier_normal",
        "kaiming_uniform",
        "kaiming_normal",
        "lecun",
    ];
    if !NAMES.contains(&name) {
        return Err(Error::bad_choice("init", &NAMES, name).into());
    }
    let std = Init::parse(name, 1.0)?.std(fan_in as usize, fan_out as usize);
    to_js(&InitBound {
        std,
        bound: std * 3f64.sqrt(),
    })
}

#[derive(Serialize)]
struct HeadOut {
    loss: f32,
    grad: Vec<f32>,
}

fn head(loss: &str, classes: u32, alpha: f32, gamma: f32, smoothing: f32) -> Result<Head> {
    if !(2..=MAX_CLASSES).contains(&classes) {
        return Err(Error::InvalidArg(format!(
            "classes must be in [2, {MAX_CLASSES}], got {classes}"
        )));
    }
    Head::new(
        classes as usize,
        LossKind::parse(loss, alpha, gamma)?,
        smoothing,
    )
}

/// The training head's loss and its gradient with respect to the logits for one example:
/// `loss` "cross_entropy" (`classes` logits, softmax), or "bce", "focal", "mse" (one logit
/// through a sigmoid when `classes` is 2); `label` the class; label smoothing as the trainer
/// applies it. `{loss, grad}`.
#[wasm_bindgen(js_name = drillHead)]
#[allow(clippy::too_many_arguments)]
pub fn drill_head(
    loss: &str,
    classes: u32,
    logits: Vec<f32>,
    label: u32,
    label_smoothing: f32,
    focal_alpha: f32,
    focal_gamma: f32,
) -> JsResult<JsValue> {
    let h = head(loss, classes, focal_alpha, focal_gamma, label_smoothing)?;
    if label >= classes {
        return Err(Error::InvalidArg(format!(
            "label must be a class in [0, {}], got {label}",
            classes - 1
        ))
        .into());
    }
    let mut grad = Vec::new();
    let l = h.loss(&logits, &[label as f32], Some(&mut grad))?;
    to_js(&HeadOut { loss: l, grad })
}

/// The gradient the trainer's L1 and L2 penalties add to a weight `w`.
#[wasm_bindgen(js_name = drillPenaltyGrad)]
pub fn drill_penalty_grad(w: f32, l1: f32, l2: f32) -> f32 {
    crate::nn::train::penalty_grad(w, l1, l2)
}

/// Parameters of one `nn.RNN` / `nn.LSTM` / `nn.GRU` layer (`cell` "rnn", "lstm", "gru").
#[wasm_bindgen(js_name = drillRnnParams)]
pub fn drill_rnn_params(cell: &str, input: u32, hidden: u32) -> JsResult<f64> {
    Ok(crate::drill::rnn_params(cell, input as usize, hidden as usize)? as f64)
}

#[derive(Serialize)]
struct Clip {
    norm: f64,
    coef: f64,
}

/// `clip_grad_norm_` on gradients given as one list (the global norm does not care how they are
/// split into tensors): `{norm, coef}`, every gradient is multiplied by `coef` (1 = untouched).
#[wasm_bindgen(js_name = drillClip)]
pub fn drill_clip(grads: Vec<f32>, max_norm: f64) -> JsResult<JsValue> {
    if max_norm.is_nan() || max_norm <= 0.0 {
        return Err(Error::InvalidArg(format!("maxNorm must be > 0, got {max_norm}")).into());
    }
    let norm = global_norm([grads.as_slice()]);
    to_js(&Clip {
        norm,
        coef: clip_coef(norm, max_norm),
    })
}
