//! Runner for the engine's reference vectors (`cases_engine_seed1.json` and its other seeds; the
//! format and every op's semantics are in `shared/golden/README.md`, section "Engine ops"). It
//! reads the same JSON format as `golden`, runs each case through the convnet engine's kernels
//! (`nn::cnn`, `ops::conv`, `ops::norm`, `ops::loss`, `nn::distill`, `nn::rnn`) and compares
//! with the case's tolerance. An op of `ENGINE_OPS` missing from `IMPLEMENTED` would be reported
//! as not implemented yet, with its count, never as passed (today every op is implemented).

use serde_json::{Map, Value};

use crate::golden::{grade, CaseResult, Ctx, Out};
use crate::nn::cnn::conv1d::{conv1d, conv1d_backward, Conv1dParams};
use crate::nn::cnn::grads;
use crate::nn::cnn::spectral::{self, SpectralParams};
use crate::nn::distill::kd_loss_backward;
use crate::nn::rnn::{self, Cell};
use crate::ops::conv::Conv2dParams;
use crate::ops::loss::{cross_entropy, cross_entropy_backward, kd_loss, CrossEntropyParams};
use crate::ops::norm::{self, Affine, BatchNormParams};
use crate::ops::Reduction;
use crate::tensor::{expect_rank, View, ViewD};
use crate::{Error, Result};

/// Every op of the engine case files.
pub const ENGINE_OPS: [&str; 18] = [
    "conv2d_backward",
    "conv1d",
    "conv1d_backward",
    "batch_norm_train",
    "batch_norm_backward",
    "layer_norm_backward",
    "group_norm_backward",
    "instance_norm_backward",
    "spectral_norm",
    "sigma_exact",
    "rnn_forward",
    "lstm_forward",
    "gru_forward",
    "rnn_backward",
    "lstm_backward",
    "gru_backward",
    "cross_entropy_backward",
    "kd_loss_backward",
];

/// The engine ops this runner computes; any other op of `ENGINE_OPS` counts as not implemented.
pub const IMPLEMENTED: [&str; 18] = [
    "rnn_forward",
    "lstm_forward",
    "gru_forward",
    "rnn_backward",
    "lstm_backward",
    "gru_backward",
    "conv2d_backward",
    "conv1d",
    "conv1d_backward",
    "cross_entropy_backward",
    "kd_loss_backward",
    "batch_norm_train",
    "batch_norm_backward",
    "layer_norm_backward",
    "group_norm_backward",
    "instance_norm_backward",
    "spectral_norm",
    "sigma_exact",
];

/// True when a case file (its header, or failing that its cases) holds engine ops, so the
/// foundation runner leaves it to this one.
pub fn is_engine_suite(header: &Value, cases: &[Value]) -> bool {
    let ops: Vec<String> = match header.get("ops").and_then(Value::as_object) {
        Some(o) if !o.is_empty() => o.keys().cloned().collect(),
        _ => cases
            .iter()
            .filter_map(|c| c.get("op").and_then(Value::as_str).map(str::to_string))
            .collect(),
    };
    !ops.is_empty() && ops.iter().all(|o| ENGINE_OPS.contains(&o.as_str()))
}

fn out(data: &[f32], shape: &[usize]) -> Out {
    Out {
        shape: shape.to_vec(),
        data: data.iter().map(|&v| v as f64).collect(),
    }
}

type Outputs = (Out, Vec<(String, Out)>);

fn norm_grads((dx, dw, db): grads::NormGrads, xs: &[usize], ws: &[usize]) -> Outputs {
    (
        out(&dx, xs),
        vec![
            ("grad_weight".into(), out(&dw, ws)),
            ("grad_bias".into(), out(&db, ws)),
        ],
    )
}

fn compute(op: &str, c: &Ctx) -> Result<Outputs> {
    match op {
        "conv2d_backward" => {
            let (x, w, gy) = (c.input("x")?, c.input("weight")?, c.input("grad_output")?);
            let p = Conv2dParams {
                stride: c.pair("stride")?,
                padding: c.pair("padding")?,
                dilation: c.pair("dilation")?,
                groups: c.usize("groups")?,
            };
            let (xs, ws) = (
                expect_rank::<4>("x", &x.shape)?,
                expect_rank::<4>("weight", &w.shape)?,
            );
            let (xd, wd, gyd) = (x.f32(), w.f32(), gy.f32());
            let wv = View::new("weight", &wd, ws)?;
            // the im2col backward the Conv2d layer runs (tested against the scalar references)
            let (gx, gw, gb) = grads::conv2d_backward(View::new("x", &xd, xs)?, wv, &gyd, &p)?;
            Ok((
                out(&gx, &xs),
                vec![
                    ("grad_weight".into(), out(&gw, &ws)),
                    ("grad_bias".into(), out(&gb, &[ws[0]])),
                ],
            ))
        }
        "batch_norm_train" => {
            let x = c.input("x")?;
            let (w, b) = (c.opt("weight")?, c.opt("bias")?);
            let mut rm = c.input("running_mean")?.f32();
            let mut rv = c.input("running_var")?.f32();
            let p = BatchNormParams {
                training: c.bool_or("training", true),
                momentum: c.f64("momentum")?,
                eps: c.f64("eps")?,
            };
            let xd = x.f32();
            let affine = Affine {
                weight: w.as_deref(),
                bias: b.as_deref(),
            };
            let (y, mean, var) = norm::batch_norm(
                ViewD::new("input", &xd, &x.shape)?,
                affine,
                Some(&mut rm),
                Some(&mut rv),
                &p,
            )?;
            let inv: Vec<f32> = var
                .iter()
                .map(|&v| (1.0 / (v as f64 + p.eps).sqrt()) as f32)
                .collect();
            let cs = [mean.len()];
            Ok((
                out(&y, &x.shape),
                vec![
                    ("save_mean".into(), out(&mean, &cs)),
                    ("save_invstd".into(), out(&inv, &cs)),
                    ("running_mean_new".into(), out(&rm, &cs)),
                    ("running_var_new".into(), out(&rv, &cs)),
                ],
            ))
        }
        "batch_norm_backward" => {
            let (x, w, gy) = (c.input("x")?, c.input("weight")?, c.input("grad_output")?);
            let (xd, wd) = (x.f32(), w.f32());
            let p = BatchNormParams {
                training: c.bool_or("training", true),
                momentum: 0.1,
                eps: c.f64("eps")?,
            };
            let xv = ViewD::new("input", &xd, &x.shape)?;
            let (mean, var) = if p.training {
                let (_, m, v) = norm::batch_norm(xv, Affine::default(), None, None, &p)?;
                (m, v)
            } else {
                return Err(Error::InvalidArg(
                    "eval-mode batch_norm_backward case".into(),
                ));
            };
            let g = norm::batch_norm_backward(xv, &gy.f32(), Some(&wd), [&mean, &var], &p)?;
            Ok(norm_grads(g, &x.shape, &w.shape))
        }
        "layer_norm_backward" => {
            let (x, w, gy) = (c.input("x")?, c.input("weight")?, c.input("grad_output")?);
            let ns = c.usizes("normalized_shape")?;
            let xd = x.f32();
            let g = grads::layer_norm_backward(
                ViewD::new("input", &xd, &x.shape)?,
                &gy.f32(),
                &ns,
                Some(&w.f32()),
                c.f64("eps")?,
            )?;
            Ok(norm_grads(g, &x.shape, &w.shape))
        }
        "group_norm_backward" | "instance_norm_backward" => {
            let (x, w, gy) = (c.input("x")?, c.input("weight")?, c.input("grad_output")?);
            let xd = x.f32();
            let xv = ViewD::new("input", &xd, &x.shape)?;
            let eps = c.f64("eps")?;
            let g = if op == "group_norm_backward" {
                grads::group_norm_backward(
                    xv,
                    &gy.f32(),
                    c.usize("num_groups")?,
                    Some(&w.f32()),
                    eps,
                )?
            } else {
                grads::instance_norm_backward(xv, &gy.f32(), Some(&w.f32()), eps)?
            };
            Ok(norm_grads(g, &x.shape, &w.shape))
        }
        "spectral_norm" => {
            let w = c.input("weight")?;
            let mut u = c.input("u")?.data;
            let mut v = c.input("v")?.data;
            let p = SpectralParams {
                n_power_iterations: c.usize("n_power_iterations")?,
                eps: c.f64("eps")?,
                dim: c.usize("dim")?,
            };
            let training = c.bool_or("training", true);
            let (wsn, sigma) =
                spectral::spectral_norm(&w.f32(), &w.shape, &mut u, &mut v, &p, training)?;
            let vec_out = |d: Vec<f64>| Out {
                shape: vec![d.len()],
                data: d.iter().map(|&x| x as f32 as f64).collect(),
            };
            Ok((
                out(&wsn, &w.shape),
                vec![
                    (
                        "sigma".into(),
                        Out {
                            shape: vec![],
                            data: vec![sigma as f32 as f64],
                        },
                    ),
                    ("u_new".into(), vec_out(u)),
                    ("v_new".into(), vec_out(v)),
                ],
            ))
        }
        "sigma_exact" => {
            let w = c.input("weight")?;
            let s = spectral::sigma_exact(&w.f32(), &w.shape, c.usize("dim")?)?;
            Ok((
                Out {
                    shape: vec![],
                    data: vec![s as f32 as f64],
                },
                vec![],
            ))
        }
        "conv1d" | "conv1d_backward" => {
            let (x, w) = (c.input("x")?, c.input("weight")?);
            let p = Conv1dParams {
                stride: c.usize("stride")?,
                padding: c.usize("padding")?,
                dilation: c.usize("dilation")?,
                groups: c.usize("groups")?,
                causal: c.bool_or("causal", false),
            };
            let (xd, wd) = (x.f32(), w.f32());
            if op == "conv1d" {
                let b = c.opt("bias")?;
                let (y, ys) = conv1d(&xd, &x.shape, &wd, &w.shape, b.as_deref(), &p)?;
                return Ok((out(&y, &ys), vec![]));
            }
            let gy = c.input("grad_output")?.f32();
            let (gx, gw, gb) = conv1d_backward(&xd, &x.shape, &wd, &w.shape, &gy, &p)?;
            Ok((
                out(&gx, &x.shape),
                vec![
                    ("grad_weight".into(), out(&gw, &w.shape)),
                    ("grad_bias".into(), out(&gb, &w.shape[..1])),
                ],
            ))
        }
        "cross_entropy_backward" => {
            let (x, t) = (c.input("logits")?, c.input("target")?);
            let w = c.opt("weight")?;
            let red = c.p("reduction")?.as_str().unwrap_or("");
            let p = CrossEntropyParams {
                weight: w.as_deref(),
                ignore_index: c
                    .params
                    .get("ignore_index")
                    .and_then(Value::as_i64)
                    .unwrap_or(-100),
                label_smoothing: c.f64("label_smoothing")? as f32,
                reduction: Reduction::parse(red)?,
            };
            let up = c
                .params
                .get("upstream_grad")
                .and_then(Value::as_f64)
                .unwrap_or(1.0);
            let target: Vec<i64> = t.data.iter().map(|&v| v as i64).collect();
            let xd = x.f32();
            let g = cross_entropy_backward(&xd, &x.shape, &target, &p)?;
            let g: Vec<f32> = g.iter().map(|&v| (v as f64 * up) as f32).collect();
            let l = cross_entropy(&xd, &x.shape, &target, &p)?;
            Ok((
                out(&g, &x.shape),
                vec![("loss".into(), out(&l.data, &l.shape))],
            ))
        }
        "kd_loss_backward" => {
            let (s, t) = (c.input("student_logits")?, c.input("teacher_logits")?);
            let temp = c.f64("temperature")? as f32;
            let up = c
                .params
                .get("upstream_grad")
                .and_then(Value::as_f64)
                .unwrap_or(1.0);
            let (sd, td) = (s.f32(), t.f32());
            let g = kd_loss_backward(&sd, &td, &s.shape, temp)?;
            let g: Vec<f32> = g.iter().map(|&v| (v as f64 * up) as f32).collect();
            let l = kd_loss(&sd, &td, &s.shape, temp)?;
            Ok((out(&g, &s.shape), vec![("loss".into(), out(&[l], &[]))]))
        }
        "rnn_forward" | "lstm_forward" | "gru_forward" | "rnn_backward" | "lstm_backward"
        | "gru_backward" => recurrent(op, c),
        _ => Err(Error::InvalidArg(format!("unknown engine op {op:?}"))),
    }
}

/// The RNN/LSTM/GRU cases: the forward (output, h_n, c_n) or the backward (every gradient).
fn recurrent(op: &str, c: &Ctx) -> Result<Outputs> {
    let cell = match op.split('_').next() {
        Some("lstm") => Cell::Lstm,
        Some("gru") => Cell::Gru,
        _ => match c.params.get("nonlinearity").and_then(Value::as_str) {
            Some("relu") => Cell::RnnRelu,
            _ => Cell::RnnTanh,
        },
    };
    let x = c.input("x")?;
    let h0 = c.input("h0")?;
    let c0 = c.opt("c0")?;
    let (w_ih, w_hh) = (c.input("w_ih")?, c.input("w_hh")?);
    let (b_ih, b_hh) = (c.input("b_ih")?.f32(), c.input("b_hh")?.f32());
    let hidden = c.usize("hidden_size")?;
    let (wi, wh) = (w_ih.f32(), w_hh.f32());
    let wt = rnn::Weights {
        w_ih: &wi,
        w_hh: &wh,
        b_ih: &b_ih,
        b_hh: &b_hh,
    };
    let xd = x.f32();
    let run = rnn::forward(cell, &xd, &x.shape, &h0.f32(), c0.as_deref(), hidden, &wt)?;
    let state = [1, x.shape[1], hidden];
    if op.ends_with("_forward") {
        let mut aux = vec![("h_n".to_string(), out(&run.h_n(), &state))];
        if cell == Cell::Lstm {
            aux.push(("c_n".into(), out(&run.c_n(), &state)));
        }
        let ys = [x.shape[0], x.shape[1], hidden];
        return Ok((out(&run.output(), &ys), aux));
    }
    let gy = c.input("grad_output")?.f32();
    let (ghn, gcn) = (c.opt("grad_h_n")?, c.opt("grad_c_n")?);
    let g = rnn::backward(&run, &xd, &wt, &gy, ghn.as_deref(), gcn.as_deref())?;
    let mut aux = vec![("grad_h0".to_string(), out(&g.h0, &state))];
    if cell == Cell::Lstm {
        aux.push(("grad_c0".into(), out(&g.c0, &state)));
    }
    aux.push(("grad_w_ih".into(), out(&g.w_ih, &w_ih.shape)));
    aux.push(("grad_w_hh".into(), out(&g.w_hh, &w_hh.shape)));
    aux.push(("grad_b_ih".into(), out(&g.b_ih, &[b_ih.len()])));
    aux.push(("grad_b_hh".into(), out(&g.b_hh, &[b_hh.len()])));
    Ok((out(&g.x, &x.shape), aux))
}

/// Runs one engine case; `None` when its op is not implemented yet.
pub fn run_engine_case(case: &Value) -> Option<CaseResult> {
    let s = |k: &str| {
        case.get(k)
            .and_then(Value::as_str)
            .unwrap_or("")
            .to_string()
    };
    let (id, op, kind) = (s("id"), s("op"), s("kind"));
    if !IMPLEMENTED.contains(&op.as_str()) && ENGINE_OPS.contains(&op.as_str()) {
        return None;
    }
    let tol = case.get("tol").and_then(Value::as_f64).unwrap_or(0.0);
    let tol_mode = s("tol_mode");
    let mut res = CaseResult {
        id,
        op: op.clone(),
        kind,
        passed: false,
        max_err: f64::INFINITY,
        tol,
        tol_mode: tol_mode.clone(),
        message: String::new(),
    };
    let empty = Map::new();
    let null = Value::Null;
    let ctx = Ctx {
        params: case.get("params").unwrap_or(&null),
        inputs: case
            .get("inputs")
            .and_then(Value::as_object)
            .unwrap_or(&empty),
    };
    grade(&mut res, case, compute(&op, &ctx), true);
    Some(res)
}
