//! Exports for the architecture lab (arch.html, issue 14): the TCN's receptive-field tree
//! (`archTcnTree`), the `SeqTrainer` handle (RNN / LSTM / GRU / TCN on the sequence tasks, with
//! per-time-step input gradients and gate values), add vs concat (`archFuseCounts`, `archFuse`),
//! the plain vs residual deep MLP (`archResidual`), the feature pyramid's maps (`archSynth`,
//! `archPyramid`) and the FPN recall experiment (`archFpnExperiment`). Configs are options
//! objects (camelCase keys; a misspelt key is an error listing the valid ones).

use serde::{Deserialize, Serialize};
use wasm_bindgen::prelude::*;

use super::handles::Tensor;
use super::opts;
use super::{to_js, JsResult};
use crate::nn::arch::blocks::{concat_identity, fuse_counts, mlp_data, Mlp};
use crate::nn::arch::fpn::{self, Backbone, ExpConfig, Fpn, Map, Up, Variant};
use crate::nn::arch::seq::{Task, MAX_BATCH};
use crate::nn::arch::seqnet::{Kind, SeqConfig, SeqNet};
use crate::nn::arch::tcn_tree;
use crate::Error;

#[derive(Serialize)]
struct Tree {
    rf: u64,
    holes: usize,
    pad: usize,
    /// `levels[l][j]`: 1 when node j steps back at level l (0 = input) feeds the last output.
    levels: Vec<Vec<u8>>,
}

/// The receptive field over time of a causal dilated conv1d stack, drawn as a tree:
/// `{rf, holes, pad, levels}` (`nn::arch::tcn_tree`).
#[wasm_bindgen(js_name = archTcnTree)]
pub fn arch_tcn_tree(kernel: u32, dilations: Vec<u32>, length: u32) -> JsResult<JsValue> {
    let ds: Vec<usize> = dilations.iter().map(|&d| d as usize).collect();
    let t = tcn_tree(kernel as usize, &ds, length as usize)?;
    to_js(&Tree {
        rf: t.rf,
        holes: t.holes,
        pad: t.pad,
        levels: t
            .levels
            .into_iter()
            .map(|l| l.into_iter().map(u8::from).collect())
            .collect(),
    })
}

#[derive(Deserialize, Default)]
#[serde(deny_unknown_fields, rename_all = "camelCase")]
struct SeqOpts {
    model: Option<String>,
    task: Option<String>,
    lag: Option<u32>,
    length: Option<u32>,
    batch: Option<u32>,
    hidden: Option<u32>,
    kernel: Option<u32>,
    dilations: Option<Vec<u32>>,
    lr: Option<f64>,
    clip: Option<f64>,
    bptt: Option<u32>,
    seed: Option<u32>,
}

/// A sequence model in training (`nn::arch::seqnet`).
#[wasm_bindgen]
pub struct SeqTrainer {
    inner: SeqNet,
}

#[derive(Serialize)]
#[serde(rename_all = "camelCase")]
struct StepOut {
    steps: usize,
    losses: Vec<f64>,
    grad_norms: Vec<f64>,
    clipped: usize,
    /// `‖∂L/∂x_t‖` per time step at the last step of this call.
    input_grad: Vec<f64>,
}

#[derive(Serialize)]
#[serde(rename_all = "camelCase")]
struct SeqInfo {
    model: &'static str,
    params: usize,
    baseline: f64,
    length: usize,
    inputs: usize,
    hidden: usize,
    gates: usize,
    rf: Option<u64>,
}

#[derive(Serialize)]
#[serde(rename_all = "camelCase")]
struct ProbeOut {
    x: Vec<f32>,
    target: f32,
    pred: f32,
    gates: Vec<f32>,
    h: Vec<f32>,
    c: Vec<f32>,
}

#[wasm_bindgen]
impl SeqTrainer {
    /// `{model: 'rnn'|'lstm'|'gru'|'tcn', task: 'adding'|'recall'|'sine', lag, length, batch,
    /// hidden, kernel, dilations, lr, clip, bptt, seed}`, all optional.
    #[wasm_bindgen(constructor)]
    pub fn new(config: JsValue) -> JsResult<SeqTrainer> {
        let o: SeqOpts = opts::read("SeqTrainer", config)?;
        let lag = o.lag.unwrap_or(10) as usize;
        let batch = o.batch.unwrap_or(32) as usize;
        if !(1..=MAX_BATCH).contains(&batch) {
            return Err(Error::out_of_range("batch size", 1.0, MAX_BATCH as f64, batch).into());
        }
        let cfg = SeqConfig {
            kind: Kind::parse(o.model.as_deref().unwrap_or("lstm"))?,
            task: Task::parse(o.task.as_deref().unwrap_or("adding"), lag)?,
            t: o.length.unwrap_or(20) as usize,
            batch,
            hidden: o.hidden.unwrap_or(16) as usize,
            kernel: o.kernel.unwrap_or(2) as usize,
            dilations: o
                .dilations
                .unwrap_or_else(|| vec![1, 2, 4, 8, 16])
                .into_iter()
                .map(|d| d as usize)
                .collect(),
            lr: o.lr.unwrap_or(0.01),
            clip: o.clip.unwrap_or(1.0),
            bptt: o.bptt.unwrap_or(0) as usize,
            seed: o.seed.unwrap_or(1) as u64,
        };
        Ok(SeqTrainer {
            inner: SeqNet::new(cfg)?,
        })
    }

    /// Trains `n` steps (1..=500): `{steps, losses, gradNorms, clipped, inputGrad}`. A diverged
    /// run throws (the parameters stay as they were before that step).
    pub fn step(&mut self, n: u32) -> JsResult<JsValue> {
        if n == 0 || n > 500 {
            return Err(Error::out_of_range("steps per call", 1.0, 500.0, n).into());
        }
        let mut out = StepOut {
            steps: 0,
            losses: Vec::new(),
            grad_norms: Vec::new(),
            clipped: 0,
            input_grad: Vec::new(),
        };
        for _ in 0..n {
            let s = self.inner.train_step()?;
            out.losses.push(s.loss);
            out.grad_norms.push(s.grad_norm);
            out.clipped += usize::from(s.clipped);
            out.input_grad = s.input_grad;
        }
        out.steps = self.inner.steps;
        to_js(&out)
    }

    /// Mean loss on `batches` (1..=32) held-out batches, the same for every model of a seed.
    pub fn evaluate(&self, batches: u32) -> JsResult<f64> {
        if batches == 0 || batches > 32 {
            return Err(Error::out_of_range("batches", 1.0, 32.0, batches).into());
        }
        Ok(self.inner.eval(batches as usize)?)
    }

    /// `{model, params, baseline, length, inputs, hidden, gates, rf}`.
    pub fn info(&self) -> JsResult<JsValue> {
        let c = &self.inner.cfg;
        let (model, gates) = match c.kind {
            Kind::Rnn => ("rnn", 1),
            Kind::Lstm => ("lstm", 4),
            Kind::Gru => ("gru", 3),
            Kind::Tcn => ("tcn", 0),
        };
        let rf = (c.kind == Kind::Tcn).then(|| {
            1 + c
                .dilations
                .iter()
                .map(|d| (d * (c.kernel - 1)) as u64)
                .sum::<u64>()
        });
        to_js(&SeqInfo {
            model,
            params: self.inner.param_count(),
            baseline: c.task.baseline_mse(),
            length: c.t,
            inputs: self.inner.inputs,
            hidden: c.hidden,
            gates,
            rf,
        })
    }

    /// One held-out sequence through the cell: `{x [T*I], target, pred, gates [T*G*H], h, c}`
    /// (gates after their nonlinearity, torch's order: LSTM i f g o, GRU r z n).
    pub fn probe(&self) -> JsResult<JsValue> {
        let p = self.inner.probe()?;
        to_js(&ProbeOut {
            x: p.x,
            target: p.target,
            pred: p.pred,
            gates: p.gates,
            h: p.h,
            c: p.c,
        })
    }

    #[wasm_bindgen(getter)]
    pub fn steps(&self) -> usize {
        self.inner.steps
    }
}

#[derive(Serialize)]
#[serde(rename_all = "camelCase")]
struct CountsOut {
    add_adds: Option<u64>,
    add_conv: Option<[u64; 2]>,
    concat_conv: [u64; 2],
    concat_channels: usize,
}

/// Parameters and mult-adds of fusing `A [cA, h, w]` and `B [cB, h, w]` to `cOut` channels:
/// `{addAdds, addConv: [params, macs] | null, concatConv: [params, macs], concatChannels}`.
#[wasm_bindgen(js_name = archFuseCounts)]
pub fn arch_fuse_counts(c_a: u32, c_b: u32, c_out: u32, h: u32, w: u32) -> JsResult<JsValue> {
    let c = fuse_counts(
        c_a as usize,
        c_b as usize,
        c_out as usize,
        h as usize,
        w as usize,
    )?;
    to_js(&CountsOut {
        add_adds: c.add_adds,
        add_conv: c.add_conv.map(|(p, m)| [p, m]),
        concat_conv: [c.concat_conv.0, c.concat_conv.1],
        concat_channels: c.concat_channels,
    })
}

/// A grayscale `[H*W]` plane from an image tensor `[1, C, H, W]` (channel mean).
fn gray(image: &Tensor) -> crate::Result<(Vec<f32>, usize, usize)> {
    let [n, c, h, w] = image.shape4("image")?;
    if n != 1 || c == 0 || h == 0 || w == 0 {
        return Err(Error::Shape(format!(
            "the image must be [1, C, H, W] with C, H, W >= 1, got [{n}, {c}, {h}, {w}]"
        )));
    }
    let d = &image.inner.data;
    let hw = h * w;
    Ok((
        (0..hw)
            .map(|p| (0..c).map(|ch| d[ch * hw + p]).sum::<f32>() / c as f32)
            .collect(),
        h,
        w,
    ))
}

fn parse_up(s: &str) -> crate::Result<Up> {
    match s {
        "nearest" => Ok(Up::Nearest),
        "bilinear" => Ok(Up::Bilinear),
        _ => Err(Error::bad_choice("upsampling", &["nearest", "bilinear"], s)),
    }
}

/// Mean |value| over channels: `[H*W]`, what the lab draws of a map.
fn energy(m: &Map) -> Vec<f32> {
    let hw = m.h * m.w;
    (0..hw)
        .map(|p| (0..m.c).map(|c| m.data[c * hw + p].abs()).sum::<f32>() / m.c.max(1) as f32)
        .collect()
}

#[derive(Serialize)]
#[serde(rename_all = "camelCase")]
struct FuseOut {
    h: usize,
    w: usize,
    channels: usize,
    c_out: usize,
    a: Vec<f32>,
    b: Vec<f32>,
    add: Vec<f32>,
    concat_conv: Vec<f32>,
    separate: Vec<f32>,
    max_diff: f32,
}

/// Add vs concat on real feature maps: A = the lateral of C2 (stride 4) and B = the lateral of
/// C3 brought up x2 by `up` ('nearest' | 'bilinear'), both `channels` wide (the FPN's fusion);
/// then `conv1x1(concat(A, B))` to `cOut` channels and `W_A·A + W_B·B`. Returns channel 0 of A,
/// B, A + B, both sides of the identity, and the largest |difference| between them.
#[wasm_bindgen(js_name = archFuse)]
pub fn arch_fuse(
    image: &Tensor,
    channels: u32,
    c_out: u32,
    up: &str,
    seed: u32,
) -> JsResult<JsValue> {
    let (img, h, w) = gray(image)?;
    let d = channels as usize;
    let co = c_out as usize;
    if !(1..=32).contains(&co) {
        return Err(Error::out_of_range("output channels", 1.0, 32.0, co).into());
    }
    let bb = Backbone::new(8, 3, seed as u64)?;
    let cs = bb.forward(&img, h, w)?;
    let f = Fpn::new(Variant::Pyramid, parse_up(up)?, 8, d, 3, seed as u64 ^ 3)?;
    let run = f.forward(&cs)?;
    let a = &run.lat[0];
    let b = fpn::up2(&run.lat[1], f.up);
    let hw = a.h * a.w;
    let mut r = crate::rng::Rng::new(seed as u64 ^ 0xC0C0);
    let wt: Vec<f32> = (0..co * 2 * d)
        .map(|_| ((r.uniform() * 2.0 - 1.0) / (2.0 * d as f64).sqrt()) as f32)
        .collect();
    let (lhs, rhs) = concat_identity(&a.data, d, &b.data, d, hw, &wt, co)?;
    let max_diff = lhs
        .iter()
        .zip(&rhs)
        .map(|(x, y)| (x - y).abs())
        .fold(0.0f32, f32::max);
    to_js(&FuseOut {
        h: a.h,
        w: a.w,
        channels: d,
        c_out: co,
        a: a.data[..hw].to_vec(),
        b: b.data[..hw].to_vec(),
        add: a.data[..hw]
            .iter()
            .zip(&b.data[..hw])
            .map(|(x, y)| x + y)
            .collect(),
        concat_conv: lhs[..hw].to_vec(),
        separate: rhs[..hw].to_vec(),
        max_diff,
    })
}

#[derive(Deserialize, Default)]
#[serde(deny_unknown_fields, rename_all = "camelCase")]
struct ResOpts {
    depth: Option<u32>,
    width: Option<u32>,
    steps: Option<u32>,
    lr: Option<f64>,
    points: Option<u32>,
    seed: Option<u32>,
}

#[derive(Serialize)]
#[serde(rename_all = "camelCase")]
struct ResRun {
    residual: bool,
    losses: Vec<f64>,
    /// Per-layer gradient norms (input layer, hidden layers, head) at the first step and the last.
    first: Vec<f64>,
    last: Vec<f64>,
}

/// A plain and a residual deep tanh MLP trained side by side (full-batch Adam) on the same
/// data: `[{residual, losses, first, last}]` with per-layer gradient norms.
#[wasm_bindgen(js_name = archResidual)]
pub fn arch_residual(options: JsValue) -> JsResult<JsValue> {
    let o: ResOpts = opts::read("archResidual", options)?;
    // Small defaults (the page passes its own sizes): a call without options stays quick.
    let depth = o.depth.unwrap_or(8) as usize;
    let width = o.width.unwrap_or(8) as usize;
    let steps = o.steps.unwrap_or(10) as usize;
    let points = o.points.unwrap_or(32) as usize;
    let lr = o.lr.unwrap_or(0.01);
    if !(1..=1000).contains(&steps) {
        return Err(Error::out_of_range("steps", 1.0, 1000.0, steps).into());
    }
    if !(1..=512).contains(&points) {
        return Err(Error::out_of_range("points", 1.0, 512.0, points).into());
    }
    if !(lr.is_finite() && lr > 0.0 && lr <= 1.0) {
        return Err(Error::out_of_range("learning rate", 0.0, 1.0, lr).into());
    }
    // work: steps * points * depth * width^2 multiply-adds, about 3x for the backward
    let work = (steps * points * depth * width * width * 3) as u64;
    crate::tensor::check_work("archResidual", Some(work), || {
        format!("{steps} steps of a {depth}x{width} MLP on {points} points")
    })?;
    let seed = o.seed.unwrap_or(1) as u64;
    let (x, y) = mlp_data(points, seed);
    let mut out = Vec::new();
    for residual in [false, true] {
        let mut m = Mlp::new(residual, width, depth, seed ^ 0xBEEF)?;
        let mut run = ResRun {
            residual,
            losses: Vec::with_capacity(steps),
            first: Vec::new(),
            last: Vec::new(),
        };
        for s in 0..steps {
            let (loss, norms) = m.train_step(&x, &y, lr)?;
            run.losses.push(loss);
            if s == 0 {
                run.first = norms.clone();
            }
            run.last = norms;
        }
        out.push(run);
    }
    to_js(&out)
}

#[derive(Serialize)]
struct ObjOut {
    cx: f32,
    cy: f32,
    size: f32,
    disc: bool,
}

#[derive(Serialize)]
#[serde(rename_all = "camelCase")]
struct SynthOut {
    side: usize,
    image: Vec<f32>,
    objects: Vec<ObjOut>,
}

fn objs_out(o: &[fpn::Obj]) -> Vec<ObjOut> {
    o.iter()
        .map(|o| ObjOut {
            cx: o.cx,
            cy: o.cy,
            size: o.size,
            disc: o.disc,
        })
        .collect()
}

/// A seeded synthetic detection image: `{side, image [side*side] in 0..1, objects: [{cx, cy,
/// size, disc}]}` with `perClass` objects of each size class (4-12, 12-32, 32-64 px).
#[wasm_bindgen(js_name = archSynth)]
pub fn arch_synth(side: u32, per_class: u32, seed: u32) -> JsResult<JsValue> {
    let (image, objs) = fpn::synth(side as usize, per_class as usize, seed as u64)?;
    to_js(&SynthOut {
        side: side as usize,
        image,
        objects: objs_out(&objs),
    })
}

#[derive(Serialize)]
#[serde(rename_all = "camelCase")]
struct LevelOut {
    level: usize,
    stride: usize,
    rf: u64,
    h: usize,
    w: usize,
    /// Mean |.| over channels of C_l, L_l C_l, up2(P_{l+1}) (empty at the top) and P_l.
    c: Vec<f32>,
    lateral: Vec<f32>,
    up: Vec<f32>,
    p: Vec<f32>,
}

/// The pyramid of an image `[1, C, H, W]` (made gray) up to level `top` (3..=6, stride 8..64):
/// each level's stride, receptive field (`rf::receptive_field`), size and maps (bottom-up C,
/// lateral, upsampled top-down input, fused P) with untrained laterals.
#[wasm_bindgen(js_name = archPyramid)]
pub fn arch_pyramid(image: &Tensor, top: u32, up: &str, seed: u32) -> JsResult<JsValue> {
    let (img, h, w) = gray(image)?;
    let up = parse_up(up)?;
    let bb = Backbone::new(8, top as usize, seed as u64)?;
    let info = bb.levels(h, w)?;
    let cs = bb.forward(&img, h, w)?;
    let f = Fpn::new(Variant::Pyramid, up, 8, 8, top as usize, seed as u64 ^ 3)?;
    let run = f.forward(&cs)?;
    let n = cs.len();
    let out: Vec<LevelOut> = (0..n)
        .map(|l| LevelOut {
            level: info[l].level,
            stride: info[l].stride,
            rf: info[l].rf,
            h: cs[l].h,
            w: cs[l].w,
            c: energy(&cs[l]),
            lateral: energy(&run.lat[l]),
            up: if l + 1 < n {
                energy(&fpn::up2(&run.p[l + 1], up))
            } else {
                Vec::new()
            },
            p: energy(&run.p[l]),
        })
        .collect();
    to_js(&out)
}

#[derive(Deserialize, Default)]
#[serde(deny_unknown_fields, rename_all = "camelCase")]
struct FpnOpts {
    side: Option<u32>,
    per_class: Option<u32>,
    train_images: Option<u32>,
    test_images: Option<u32>,
    steps: Option<u32>,
    up: Option<String>,
    lr: Option<f64>,
    seed: Option<u32>,
}

#[derive(Serialize)]
#[serde(rename_all = "camelCase")]
struct RecallOut {
    variant: &'static str,
    losses: Vec<f64>,
    /// `[found, total]` for small, medium, large.
    small: [usize; 2],
    medium: [usize; 2],
    large: [usize; 2],
    detections: usize,
    true_detections: usize,
    example: Vec<f32>,
    /// Side of `example` (cells) and the stride (px) of one cell.
    grid: usize,
    stride: usize,
}

#[derive(Serialize)]
#[serde(rename_all = "camelCase")]
struct ExpOut {
    side: usize,
    grid: usize,
    image: Vec<f32>,
    objects: Vec<ObjOut>,
    runs: Vec<RecallOut>,
}

/// The FPN experiment (`nn::arch::fpn::experiment`): the per-pixel centre head trained on the
/// top level only and on P2, recall by object size on held-out images, plus both heat maps on
/// the first of them.
#[wasm_bindgen(js_name = archFpnExperiment)]
pub fn arch_fpn_experiment(options: JsValue) -> JsResult<JsValue> {
    let o: FpnOpts = opts::read("archFpnExperiment", options)?;
    // Small defaults (the page passes its own sizes): a call without options stays quick.
    let d = ExpConfig {
        side: 64,
        per_class: 2,
        train_images: 4,
        test_images: 4,
        steps: 50,
        ..ExpConfig::default()
    };
    let cfg = ExpConfig {
        side: o.side.map_or(d.side, |v| v as usize),
        per_class: o.per_class.map_or(d.per_class, |v| v as usize),
        train_images: o.train_images.map_or(d.train_images, |v| v as usize),
        test_images: o.test_images.map_or(d.test_images, |v| v as usize),
        steps: o.steps.map_or(d.steps, |v| v as usize),
        up: parse_up(o.up.as_deref().unwrap_or("nearest"))?,
        lr: o.lr.unwrap_or(d.lr),
        seed: o.seed.map_or(d.seed, |v| v as u64),
        ..d
    };
    let runs = fpn::experiment(&cfg)?;
    let (image, objs) = fpn::test_image(&cfg)?;
    let pair = |p: (usize, usize)| [p.0, p.1];
    to_js(&ExpOut {
        side: cfg.side,
        grid: cfg.side / 4,
        image,
        objects: objs_out(&objs),
        runs: runs
            .into_iter()
            .map(|r| RecallOut {
                variant: match r.variant {
                    Variant::TopOnly => "top",
                    Variant::TopGrid => "grid",
                    Variant::Pyramid => "fpn",
                },
                losses: r.losses,
                small: pair(r.recall.by_size[0]),
                medium: pair(r.recall.by_size[1]),
                large: pair(r.recall.by_size[2]),
                detections: r.recall.detections,
                true_detections: r.recall.true_detections,
                example: r.example,
                grid: r.grid,
                stride: r.stride,
            })
            .collect(),
    })
}
