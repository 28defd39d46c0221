//! Exports of the two explorers (topic 18, `www/activations.html`): the engine's activations
//! with their derivatives on any inputs (`activationCurve`), and the gradient that reaches the
//! first layer of a deep MLP built by the engine, as a function of depth (`depthGradients`).
//! The optimizer explorer (`www/optim.html`) needs no export of its own: it steps the
//! `Optimizer` handle of `ops.rs`.

use serde::{Deserialize, Serialize};
use wasm_bindgen::prelude::*;

use super::opts;
use super::{to_js, JsResult};
use crate::nn::init::Init;
use crate::nn::net::{Mlp, MlpSpec};
use crate::ops::activation::{check_activation, sigmoid1, Activation};
use crate::rng::Rng;
use crate::tensor::check_finite;
use crate::Error;

/// Most inputs `activationCurve` takes in one call.
const MAX_POINTS: usize = 1 << 20;
/// Most multiply-adds of one forward pass summed over every net `depthGradients` builds
/// (repeats * batch * width^2 * (1 + 2 + ... + maxDepth)); the defaults need 8.9M, so a call
/// stays well under a second even at the limit.
const MAX_WORK: f64 = 6e7;

#[derive(Deserialize, Default)]
#[serde(deny_unknown_fields, rename_all = "camelCase")]
struct ActOpts {
    /// Leaky ReLU's negative slope (torch default 0.01).
    negative_slope: Option<f32>,
    /// ELU's alpha (torch default 1).
    alpha: Option<f32>,
}

fn parse_activation(name: &str, o: &ActOpts) -> Result<Activation, Error> {
    let a = match Activation::parse(name) {
        Ok(Activation::LeakyRelu(s)) => Activation::LeakyRelu(o.negative_slope.unwrap_or(s)),
        Ok(Activation::Elu(al)) => Activation::Elu(o.alpha.unwrap_or(al)),
        Ok(a) => a,
        Err(_) => return Err(Error::bad_choice("activation", &Activation::NAMES, name)),
    };
    check_activation(&a)?;
    Ok(a)
}

#[derive(Serialize)]
struct Curve {
    y: Vec<f32>,
    dy: Vec<f32>,
}

/// `f(x)` and `f'(x)` of the engine's activation `name` (one of `linear`, `sigmoid`, `tanh`,
/// `relu`, `leaky_relu`, `elu`, `gelu`, `silu`) at every `xs`, computed by `Activation::f` and
/// `Activation::df` (the code the training engine runs). Options: `{negativeSlope, alpha}`.
/// Returns `{y, dy}` (arrays of xs.length numbers).
#[wasm_bindgen(js_name = activationCurve)]
pub fn activation_curve(name: &str, xs: Vec<f32>, options: JsValue) -> JsResult<JsValue> {
    let o: ActOpts = opts::read("activationCurve", options)?;
    let act = parse_activation(name, &o)?;
    if xs.len() > MAX_POINTS {
        return Err(Error::out_of_range("xs.length", 0.0, MAX_POINTS as f64, xs.len()).into());
    }
    check_finite("xs", &xs)?;
    let y: Vec<f32> = xs.iter().map(|&x| act.f(x)).collect();
    let dy: Vec<f32> = xs.iter().zip(&y).map(|(&x, &v)| act.df(x, v)).collect();
    to_js(&Curve { y, dy })
}

#[derive(Deserialize, Default)]
#[serde(deny_unknown_fields, rename_all = "camelCase")]
struct DepthOpts {
    max_depth: Option<u32>,
    width: Option<u32>,
    batch: Option<u32>,
    init: Option<String>,
    seed: Option<u32>,
    repeats: Option<u32>,
}

#[derive(Serialize)]
struct DepthGrads {
    depth: Vec<u32>,
    /// rms of the first hidden layer's weight gradient, mean over the repeats.
    first_rms: Vec<f64>,
    /// rms of the output layer's weight gradient, mean over the repeats.
    last_rms: Vec<f64>,
}

fn ranged(name: &str, v: Option<u32>, default: u32, min: u32, max: u32) -> Result<usize, Error> {
    let v = v.unwrap_or(default);
    if !(min..=max).contains(&v) {
        return Err(Error::out_of_range(name, min as f64, max as f64, v));
    }
    Ok(v as usize)
}

fn rms(v: &[f32]) -> f64 {
    (v.iter().map(|&x| x as f64 * x as f64).sum::<f64>() / v.len().max(1) as f64).sqrt()
}

/// For every depth d = 1..=maxDepth: an engine MLP (`nn::net::Mlp`) with d hidden layers of
/// `width` units of `activation`, 2 inputs and 1 logit, initialized by `init`; one forward and
/// backward of a batch of `batch` standard-normal points labelled by the sign of x1*x2, with the
/// binary cross-entropy's logit gradient `(sigmoid(z) - y)/n`; the rms of the first and of the
/// output layer's weight gradients, averaged over `repeats` seeds (`seed`, `seed+1`, ...).
/// Options (defaults): `{maxDepth: 16 (1..=32), width: 16 (1..=64), batch: 64 (1..=512),
/// init: "xavier_uniform", seed: 1, repeats: 4 (1..=16)}`, with at most `MAX_WORK` (6e7)
/// multiply-adds per forward summed over all the nets.
/// Returns `{depth, first_rms, last_rms}`.
#[wasm_bindgen(js_name = depthGradients)]
pub fn depth_gradients(activation: &str, options: JsValue) -> JsResult<JsValue> {
    let o: DepthOpts = opts::read("depthGradients", options)?;
    let act = parse_activation(activation, &ActOpts::default())?;
    let max_depth = ranged("maxDepth", o.max_depth, 16, 1, 32)?;
    let width = ranged("width", o.width, 16, 1, 64)?;
    let batch = ranged("batch", o.batch, 64, 1, 512)?;
    let repeats = ranged("repeats", o.repeats, 4, 1, 16)?;
    let work = (repeats * batch * width * width) as f64 * (max_depth * (max_depth + 1) / 2) as f64;
    if work > MAX_WORK {
        return Err(Error::out_of_range(
            "repeats * batch * width^2 * maxDepth * (maxDepth + 1) / 2",
            1.0,
            MAX_WORK,
            work,
        )
        .into());
    }
    let init = Init::parse(o.init.as_deref().unwrap_or("xavier_uniform"), 1.0)?;
    let seed = o.seed.unwrap_or(1) as u64;
    let mut out = DepthGrads {
        depth: Vec::with_capacity(max_depth),
        first_rms: Vec::with_capacity(max_depth),
        last_rms: Vec::with_capacity(max_depth),
    };
    for d in 1..=max_depth {
        let (mut first, mut last) = (0.0, 0.0);
        for r in 0..repeats {
            let mut rng = Rng::new(seed.wrapping_add(r as u64));
            let spec = MlpSpec {
                n_in: 2,
                hidden: vec![width; d],
                n_out: 1,
                act,
                batch_norm: false,
                dropout: 0.0,
                init,
            };
            let mut net = Mlp::new(&spec, &mut rng)?;
            let x: Vec<f32> = (0..batch * 2).map(|_| rng.normal() as f32).collect();
            let z = net.forward(&x, batch, true, &mut rng)?.to_vec();
            let dz: Vec<f32> = z
                .iter()
                .enumerate()
                .map(|(i, &zi)| {
                    let y = if x[2 * i] * x[2 * i + 1] > 0.0 {
                        1.0
                    } else {
                        0.0
                    };
                    (sigmoid1(zi) - y) / batch as f32
                })
                .collect();
            net.backward(&dz)?;
            let g = net.weight_grads();
            first += rms(g[0]);
            last += rms(g[g.len() - 1]);
        }
        out.depth.push(d as u32);
        out.first_rms.push(first / repeats as f64);
        out.last_rms.push(last / repeats as f64);
    }
    to_js(&out)
}
