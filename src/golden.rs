//! Runner for the reference vectors (`shared/golden/README.md` describes the format): parses a
//! case file, runs each case through the crate's kernels and compares with the case's tolerance.
//! The same code runs natively (`tests/golden.rs`) and in the browser (the self-test page, through
//! `wasm::GoldenSuite`), so the page checks exactly the kernels it uses.

use serde::Serialize;
use serde_json::{Map, Value};

use crate::nn::{dropout::dropout, optim};
use crate::ops::conv::{conv2d, Conv2dParams};
use crate::ops::interp::{resize, resize_rgba, InterpMode, ResizeParams, Rgba, RgbaMethod, Target};
use crate::ops::loss::{self, CrossEntropyParams};
use crate::ops::norm::Affine;
use crate::ops::pool::{avg_pool2d, max_pool2d, PoolParams};
use crate::ops::{activation, metrics, norm, Reduction};
use crate::rf::{self, LayerKind, RfLayer};
use crate::rng::Rng;
use crate::tensor::{View, ViewD};
use crate::{Error, Result};

/// A parsed tensor: values as f64 (exact for f32, i64 below 2^53 and u8) plus its shape.
#[derive(Debug, Clone, PartialEq)]
pub struct GTensor {
    pub shape: Vec<usize>,
    pub dtype: String,
    pub data: Vec<f64>,
}

impl GTensor {
    pub(crate) fn parse(v: &Value, name: &str) -> Result<Self> {
        let bad = |what: &str| Error::Parse(format!("tensor {name:?}: {what}"));
        let shape = v
            .get("shape")
            .and_then(Value::as_array)
            .ok_or_else(|| bad("missing \"shape\""))?
            .iter()
            .map(|d| {
                d.as_u64()
                    .and_then(to_usize)
                    .ok_or_else(|| bad("shape entries must be integers"))
            })
            .collect::<Result<Vec<_>>>()?;
        let dtype = v
            .get("dtype")
            .and_then(Value::as_str)
            .unwrap_or("float32")
            .to_string();
        let data = v
            .get("data")
            .and_then(Value::as_array)
            .ok_or_else(|| bad("missing \"data\""))?
            .iter()
            .map(|x| x.as_f64().ok_or_else(|| bad("data must be numbers")))
            .collect::<Result<Vec<_>>>()?;
        // float32 values are written in shortest round-trip form: read them back as f32.
        let data = if dtype == "float32" {
            data.into_iter().map(|v| v as f32 as f64).collect()
        } else {
            data
        };
        let n = crate::tensor::numel(&shape)
            .map_err(|e| bad(&format!("shape {shape:?}: {}", e.detail())))?;
        if n != data.len() {
            return Err(bad(&format!(
                "shape {shape:?} needs {n} values, data has {}",
                data.len()
            )));
        }
        Ok(GTensor { shape, dtype, data })
    }
    pub(crate) fn f32(&self) -> Vec<f32> {
        self.data.iter().map(|&v| v as f32).collect()
    }
    fn i64(&self) -> Vec<i64> {
        self.data.iter().map(|&v| v as i64).collect()
    }
    fn u8(&self) -> Vec<u8> {
        self.data.iter().map(|&v| v as u8).collect()
    }
}

/// What one case produced: values and shape to compare with `expected` or an aux entry.
pub(crate) struct Out {
    pub(crate) shape: Vec<usize>,
    pub(crate) data: Vec<f64>,
}

fn out_f32(data: Vec<f32>, shape: Vec<usize>) -> Out {
    Out {
        shape,
        data: data.into_iter().map(|v| v as f64).collect(),
    }
}

fn scalar(v: f64) -> Out {
    Out {
        shape: vec![],
        data: vec![v],
    }
}

/// The verdict on one case.
#[derive(Debug, Clone, Serialize, PartialEq)]
pub struct CaseResult {
    pub id: String,
    pub op: String,
    pub kind: String,
    pub passed: bool,
    pub max_err: f64,
    pub tol: f64,
    pub tol_mode: String,
    pub message: String,
}

/// A case's params and inputs, read with messages that name the key (shared with the engine runner).
pub(crate) struct Ctx<'a> {
    pub(crate) params: &'a Value,
    pub(crate) inputs: &'a Map<String, Value>,
}

impl Ctx<'_> {
    pub(crate) fn input(&self, k: &str) -> Result<GTensor> {
        GTensor::parse(
            self.inputs
                .get(k)
                .ok_or_else(|| Error::Parse(format!("missing input {k:?}")))?,
            k,
        )
    }
    pub(crate) fn opt_input(&self, k: &str) -> Result<Option<GTensor>> {
        self.inputs.get(k).map(|v| GTensor::parse(v, k)).transpose()
    }
    /// An optional input as f32 values.
    pub(crate) fn opt(&self, k: &str) -> Result<Option<Vec<f32>>> {
        Ok(self.opt_input(k)?.map(|t| t.f32()))
    }
    pub(crate) fn p(&self, k: &str) -> Result<&Value> {
        self.params
            .get(k)
            .ok_or_else(|| Error::Parse(format!("missing param {k:?}")))
    }
    pub(crate) fn f64(&self, k: &str) -> Result<f64> {
        self.p(k)?
            .as_f64()
            .ok_or_else(|| Error::Parse(format!("param {k:?} must be a number")))
    }
    pub(crate) fn usize(&self, k: &str) -> Result<usize> {
        self.p(k)?
            .as_u64()
            .and_then(to_usize)
            .ok_or_else(|| Error::Parse(format!("param {k:?} must be an integer")))
    }
    fn bool(&self, k: &str) -> Result<bool> {
        self.p(k)?
            .as_bool()
            .ok_or_else(|| Error::Parse(format!("param {k:?} must be a boolean")))
    }
    fn str(&self, k: &str) -> Result<&str> {
        self.p(k)?
            .as_str()
            .ok_or_else(|| Error::Parse(format!("param {k:?} must be a string")))
    }
    /// A number or a list of numbers, as integers.
    pub(crate) fn usizes(&self, k: &str) -> Result<Vec<usize>> {
        let v = self.p(k)?;
        let int = |d: &Value| {
            d.as_u64()
                .and_then(to_usize)
                .ok_or_else(|| Error::Parse(format!("param {k:?} must hold integers that fit")))
        };
        match v.as_array() {
            Some(a) => a.iter().map(int).collect(),
            None => Ok(vec![int(v)?]),
        }
    }
    /// One number for both axes, or `[a]` / `[rows, cols]`.
    pub(crate) fn pair(&self, k: &str) -> Result<[usize; 2]> {
        match self.usizes(k)?[..] {
            [a] => Ok([a, a]),
            [a, b] => Ok([a, b]),
            _ => Err(Error::Parse(format!("param {k:?} must be a pair"))),
        }
    }
    pub(crate) fn bool_or(&self, k: &str, d: bool) -> bool {
        self.params.get(k).and_then(Value::as_bool).unwrap_or(d)
    }
    fn reduction(&self) -> Result<Reduction> {
        Reduction::parse(self.str("reduction")?)
    }
}

/// A u64 from the JSON as usize, None when it does not fit (wasm32), instead of truncating.
fn to_usize(v: u64) -> Option<usize> {
    usize::try_from(v).ok()
}

fn shape4(t: &GTensor) -> Result<[usize; 4]> {
    crate::tensor::expect_rank::<4>("x", &t.shape)
}

/// Runs one case's op: the main output plus named aux outputs.
fn compute(op: &str, c: &Ctx, case_id: &str) -> Result<(Out, Vec<(String, Out)>)> {
    let mut aux: Vec<(String, Out)> = Vec::new();
    let main = match op {
        "conv2d" => {
            let (x, w) = (c.input("x")?, c.input("weight")?);
            let b = c.opt_input("bias")?.map(|b| b.f32());
            let p = Conv2dParams {
                stride: c.pair("stride")?,
                padding: c.pair("padding")?,
                dilation: c.pair("dilation")?,
                groups: c.usize("groups")?,
            };
            let ws = crate::tensor::expect_rank::<4>("weight", &w.shape)?;
            let (xd, wd) = (x.f32(), w.f32());
            let xv = View::new("input", &xd, shape4(&x)?)?;
            let (y, ys) = conv2d(xv, View::new("weight", &wd, ws)?, b.as_deref(), &p)?;
            out_f32(y, ys.to_vec())
        }
        "resize_bilinear" => {
            let x = c.input("x")?;
            let target = match c.params.get("scale_factor").filter(|v| !v.is_null()) {
                Some(sf) => {
                    let a = sf
                        .as_array()
                        .ok_or_else(|| Error::Parse("scale_factor must be a pair".into()))?;
                    let g = |i: usize| {
                        a.get(i)
                            .and_then(Value::as_f64)
                            .ok_or_else(|| Error::Parse("bad scale_factor".into()))
                    };
                    Target::Scale([g(0)?, g(1)?])
                }
                None => Target::Size(c.pair("size")?),
            };
            let p = ResizeParams {
                target,
                mode: InterpMode::Bilinear,
                align_corners: c.bool("align_corners")?,
                antialias: c.bool("antialias")?,
            };
            let (y, ys) = resize(&x.f32(), shape4(&x)?, &p)?;
            out_f32(y, ys.to_vec())
        }
        "resize_rgba_cv2" | "resize_rgba_pil" => {
            let img = c.input("image")?;
            let [h, w, ch] = crate::tensor::expect_rank::<3>("image", &img.shape)?;
            if ch != 4 {
                return Err(Error::Shape(format!(
                    "image must be H x W x 4, got {:?}",
                    img.shape
                )));
            }
            let [oh, ow] = c.pair("output_size")?;
            let m = if op == "resize_rgba_cv2" {
                RgbaMethod::OpenCv
            } else {
                RgbaMethod::Pillow
            };
            let y = resize_rgba(
                Rgba {
                    data: &img.u8(),
                    w,
                    h,
                },
                ow,
                oh,
                m,
            )?;
            Out {
                shape: vec![oh, ow, 4],
                data: y.into_iter().map(f64::from).collect(),
            }
        }
        "batch_norm" => {
            let x = c.input("x")?;
            let mut rm = c.input("running_mean")?.f32();
            let mut rv = c.input("running_var")?.f32();
            let p = norm::BatchNormParams {
                training: c.bool("training")?,
                momentum: c.f64("momentum")?,
                eps: c.f64("eps")?,
            };
            let (xd, wd, bd) = (x.f32(), c.input("weight")?.f32(), c.input("bias")?.f32());
            let affine = Affine {
                weight: Some(&wd),
                bias: Some(&bd),
            };
            let (y, _, _) = norm::batch_norm(
                ViewD::new("input", &xd, &x.shape)?,
                affine,
                Some(&mut rm),
                Some(&mut rv),
                &p,
            )?;
            aux.push((
                "running_mean_new".into(),
                out_f32(rm.clone(), vec![rm.len()]),
            ));
            aux.push((
                "running_var_new".into(),
                out_f32(rv.clone(), vec![rv.len()]),
            ));
            out_f32(y, x.shape)
        }
        "layer_norm" => {
            let x = c.input("x")?;
            let ns: Vec<usize> = c
                .p("normalized_shape")?
                .as_array()
                .into_iter()
                .flatten()
                .map(|v| v.as_u64().and_then(to_usize))
                .collect::<Option<Vec<usize>>>()
                .ok_or_else(|| Error::Parse("normalized_shape must hold integers".into()))?;
            affine_norm(c, x, |xv, affine, eps| {
                norm::layer_norm(xv, &ns, affine, eps)
            })?
        }
        "instance_norm" => affine_norm(c, c.input("x")?, norm::instance_norm)?,
        "group_norm" => {
            let groups = c.usize("num_groups")?;
            affine_norm(c, c.input("x")?, |xv, affine, eps| {
                norm::group_norm(xv, groups, affine, eps)
            })?
        }
        "softmax" | "log_softmax" => {
            let x = c.input("x")?;
            let f = if op == "softmax" {
                activation::softmax
            } else {
                activation::log_softmax
            };
            out_f32(f(&x.f32(), &x.shape, c.usize("dim")?)?, x.shape)
        }
        "sigmoid" => {
            let x = c.input("x")?;
            out_f32(activation::sigmoid(&x.f32()), x.shape)
        }
        "cross_entropy" | "cross_entropy_probs" => {
            let (x, t) = (c.input("logits")?, c.input("target")?);
            let w = c.opt_input("weight")?.map(|t| t.f32());
            let p = CrossEntropyParams {
                weight: w.as_deref(),
                ignore_index: c
                    .params
                    .get("ignore_index")
                    .and_then(Value::as_i64)
                    .unwrap_or(-100),
                label_smoothing: c.f64("label_smoothing")? as f32,
                reduction: c.reduction()?,
            };
            let l = if op == "cross_entropy" {
                loss::cross_entropy(&x.f32(), &x.shape, &t.i64(), &p)?
            } else {
                loss::cross_entropy_probs(&x.f32(), &x.shape, &t.f32(), &p)?
            };
            out_f32(l.data, l.shape)
        }
        "bce_with_logits" => {
            let (x, t) = (c.input("logits")?, c.input("target")?);
            let pw = c.opt_input("pos_weight")?.map(|t| t.f32());
            let dim = c
                .params
                .get("pos_weight_dim")
                .map_or(Some(1), |v| v.as_u64().and_then(to_usize))
                .ok_or_else(|| Error::Parse("pos_weight_dim must be an integer".into()))?;
            let l = loss::bce_with_logits(
                &x.f32(),
                &x.shape,
                &t.f32(),
                pw.as_deref(),
                dim,
                c.reduction()?,
            )?;
            out_f32(l.data, l.shape)
        }
        "sigmoid_focal_loss" => {
            let (x, t) = (c.input("logits")?, c.input("target")?);
            let l = loss::sigmoid_focal_loss(
                &x.f32(),
                &x.shape,
                &t.f32(),
                c.f64("alpha")? as f32,
                c.f64("gamma")? as f32,
                c.reduction()?,
            )?;
            out_f32(l.data, l.shape)
        }
        "mse_loss" => {
            let (a, b) = (c.input("input")?, c.input("target")?);
            let l = loss::mse_loss(&a.f32(), &b.f32(), &a.shape, c.reduction()?)?;
            out_f32(l.data, l.shape)
        }
        "kd_loss" => {
            let (s, t) = (c.input("student_logits")?, c.input("teacher_logits")?);
            scalar(
                loss::kd_loss(&s.f32(), &t.f32(), &s.shape, c.f64("temperature")? as f32)? as f64,
            )
        }
        "max_pool2d" | "avg_pool2d" => {
            let x = c.input("x")?;
            let p = PoolParams {
                kernel: c.pair("kernel_size")?,
                stride: c.pair("stride")?,
                padding: c.pair("padding")?,
                dilation: if op == "max_pool2d" {
                    c.pair("dilation")?
                } else {
                    [1, 1]
                },
                ceil_mode: c.bool("ceil_mode")?,
                count_include_pad: c
                    .params
                    .get("count_include_pad")
                    .and_then(Value::as_bool)
                    .unwrap_or(true),
            };
            let xd = x.f32();
            let xv = ViewD::new("input", &xd, &x.shape)?;
            let (y, ys) = if op == "max_pool2d" {
                let (y, ys, _) = max_pool2d(xv, &p)?;
                (y, ys)
            } else {
                avg_pool2d(xv, &p)?
            };
            out_f32(y, ys.to_vec())
        }
        "roc_auc" => {
            let (y, s) = (c.input("y_true")?, c.input("y_score")?);
            let r = metrics::roc_curve(&y.u8(), &s.f32(), c.bool("drop_intermediate")?)?;
            let n = r.fpr.len();
            aux.push((
                "fpr".into(),
                Out {
                    shape: vec![n],
                    data: r.fpr,
                },
            ));
            aux.push((
                "tpr".into(),
                Out {
                    shape: vec![n],
                    data: r.tpr,
                },
            ));
            let finite = r.thresholds.get(1..).unwrap_or_default().to_vec();
            aux.push((
                "thresholds_finite".into(),
                Out {
                    shape: vec![finite.len()],
                    data: finite,
                },
            ));
            scalar(r.auc)
        }
        "average_precision" => {
            let (y, s) = (c.input("y_true")?, c.input("y_score")?);
            let (y, s) = (y.u8(), s.f32());
            let r = metrics::pr_curve(&y, &s)?;
            let roc = metrics::roc_curve(&y, &s, true)?;
            for (name, v) in [
                ("precision", r.precision),
                ("recall", r.recall),
                ("thresholds", r.thresholds),
                ("roc_auc", vec![roc.auc]),
            ] {
                let shape = if name == "roc_auc" {
                    vec![]
                } else {
                    vec![v.len()]
                };
                aux.push((name.into(), Out { shape, data: v }));
            }
            scalar(r.average_precision)
        }
        "receptive_field" => receptive_field(c, &mut aux)?,
        "sgd" | "adam" | "adamw" | "rmsprop" => optimizer(op, c, &mut aux)?,
        "dropout_eval" => {
            let x = c.input("x")?;
            let (y, _) = dropout(&x.f32(), c.f64("p")? as f32, false, &mut Rng::new(0))?;
            out_f32(y, x.shape)
        }
        "dropout_mean_property" | "dropout_zero_fraction_property" => {
            let x = c.input("x")?;
            let p = c.f64("p")? as f32;
            let seed = case_id.bytes().fold(0xcbf2_9ce4_8422_2325u64, |h, b| {
                (h ^ b as u64).wrapping_mul(0x100_0000_01b3)
            });
            let xf = x.f32();
            let (y, _) = dropout(&xf, p, true, &mut Rng::new(seed))?;
            let keep = 1.0 / (1.0 - p as f64);
            if let Some(i) = y.iter().zip(&xf).position(|(&yv, &xv)| {
                yv != 0.0
                    && ((yv as f64) - xv as f64 * keep).abs() > 1e-6 * (xv as f64 * keep).abs()
            }) {
                return Err(Error::InvalidArg(format!(
                    "output {i} is {} but must be 0 or x/(1-p) = {}",
                    y[i],
                    xf[i] as f64 * keep
                )));
            }
            if op == "dropout_mean_property" {
                scalar(y.iter().map(|&v| v as f64).sum::<f64>() / y.len() as f64)
            } else {
                scalar(y.iter().filter(|&&v| v == 0.0).count() as f64 / y.len() as f64)
            }
        }
        _ => return Err(Error::InvalidArg(format!("unknown op {op:?}"))),
    };
    Ok((main, aux))
}

/// The layer/instance/group-norm cases: input `x` with the optional affine `weight`/`bias` and
/// `eps` of the case, handed to the kernel `f`.
fn affine_norm(
    c: &Ctx,
    x: GTensor,
    f: impl FnOnce(ViewD<'_>, Affine<'_>, f64) -> Result<Vec<f32>>,
) -> Result<Out> {
    let (w, b) = (
        c.opt_input("weight")?.map(|t| t.f32()),
        c.opt_input("bias")?.map(|t| t.f32()),
    );
    let xd = x.f32();
    let affine = Affine {
        weight: w.as_deref(),
        bias: b.as_deref(),
    };
    let y = f(ViewD::new("input", &xd, &x.shape)?, affine, c.f64("eps")?)?;
    Ok(out_f32(y, x.shape))
}

fn receptive_field(c: &Ctx, aux: &mut Vec<(String, Out)>) -> Result<Out> {
    let layers = c
        .p("layers")?
        .as_array()
        .ok_or_else(|| Error::Parse("layers must be a list".into()))?
        .iter()
        .map(|l| {
            let g = |k: &str| {
                l.get(k)
                    .and_then(Value::as_u64)
                    .and_then(to_usize)
                    .ok_or_else(|| Error::Parse(format!("layer needs {k:?}")))
            };
            let kind = match l.get("type").and_then(Value::as_str) {
                Some("pool") => LayerKind::Pool,
                _ => LayerKind::Conv,
            };
            Ok(RfLayer {
                kind,
                k: g("k")?,
                s: g("s")?,
                d: g("d")?,
                p: g("p")?,
            })
        })
        .collect::<Result<Vec<_>>>()?;
    let info = *rf::receptive_field(&layers)?
        .last()
        .ok_or_else(|| Error::Parse("empty layer stack".into()))?;
    aux.push(("effective_stride".into(), scalar(info.jump as f64)));
    aux.push(("offset_u0".into(), scalar(info.start as f64)));
    // The exact support of the probe output (the question is j0; the answer is where it looks).
    if let Some(j0) = c.inputs.get("__probe").and_then(Value::as_u64) {
        // Checked: a malformed case may hold any numbers (support_1d bounds n itself).
        let n = i64::try_from(j0)
            .ok()
            .zip(i64::try_from(info.jump).ok())
            .and_then(|(j, jump)| j.checked_mul(jump))
            .and_then(|off| info.start.checked_add(off))
            .and_then(|start| (start.max(0) as u64).checked_add(info.r))
            .and_then(|v| v.checked_add(16))
            .and_then(|v| usize::try_from(v).ok())
            .ok_or_else(|| Error::Parse(format!("__probe {j0} is beyond any input")))?;
        let j0 = usize::try_from(j0)
            .map_err(|_| Error::Parse(format!("__probe {j0} is beyond any input")))?;
        let sup = rf::support_1d(&layers, n, j0)?;
        let first = sup.iter().position(|&b| b).unwrap_or(0);
        let last = sup.iter().rposition(|&b| b).unwrap_or(0);
        let size = (last - first + 1) as f64;
        aux.push((
            "empirical_rf".into(),
            Out {
                shape: vec![2],
                data: vec![size, size],
            },
        ));
        aux.push((
            "empirical_probe".into(),
            Out {
                shape: vec![2],
                data: vec![j0 as f64, first as f64],
            },
        ));
        aux.push((
            "empirical_nonzero_rows".into(),
            scalar(sup.iter().filter(|&&b| b).count() as f64),
        ));
    }
    Ok(scalar(info.r as f64))
}

fn optimizer(op: &str, c: &Ctx, aux: &mut Vec<(String, Out)>) -> Result<Out> {
    let lr = c.f64("lr")?;
    let wd = c.f64("weight_decay")?;
    let cfg = match op {
        "sgd" => optim::OptimConfig::Sgd {
            lr,
            momentum: c.f64("momentum")?,
            dampening: c.f64("dampening")?,
            nesterov: c.bool("nesterov")?,
            weight_decay: wd,
        },
        "adam" | "adamw" => {
            let b = c
                .p("betas")?
                .as_array()
                .ok_or_else(|| Error::Parse("betas must be a pair".into()))?;
            let g = |i: usize| {
                b.get(i)
                    .and_then(Value::as_f64)
                    .ok_or_else(|| Error::Parse("bad betas".into()))
            };
            optim::OptimConfig::Adam {
                lr,
                betas: (g(0)?, g(1)?),
                eps: c.f64("eps")?,
                weight_decay: wd,
                amsgrad: c.bool("amsgrad")?,
                decoupled: op == "adamw",
            }
        }
        _ => optim::OptimConfig::RmsProp {
            lr,
            alpha: c.f64("alpha")?,
            eps: c.f64("eps")?,
            weight_decay: wd,
            momentum: c.f64("momentum")?,
            centered: c.bool("centered")?,
        },
    };
    cfg.validate()?;
    let param = c.input("param")?;
    let mut p = param.f32();
    let vec_state = |k: &str| -> Result<Option<Vec<f32>>> {
        Ok(c.opt_input(&format!("state_{k}"))?.map(|t| t.f32()))
    };
    let mut st = optim::OptimState {
        step: match c.opt_input("state_step")? {
            None => 0.0,
            Some(t) => *t.data.first().ok_or_else(|| {
                Error::Parse("input \"state_step\" must hold one number, it is empty".into())
            })?,
        },
        momentum_buffer: vec_state("momentum_buffer")?,
        exp_avg: vec_state("exp_avg")?,
        exp_avg_sq: vec_state("exp_avg_sq")?,
        max_exp_avg_sq: vec_state("max_exp_avg_sq")?,
        square_avg: vec_state("square_avg")?,
        grad_avg: vec_state("grad_avg")?,
        sum: None,
    };
    let mut traj = Vec::new();
    let steps = c.params.get("steps").and_then(Value::as_u64).unwrap_or(3) as usize;
    for i in 1..=steps {
        let g = c.input(&format!("grad_{i}"))?.f32();
        optim::step(&cfg, &mut st, &mut p, &g)?;
        traj.extend(p.iter().map(|&v| v as f64));
    }
    let shape = &param.shape;
    let vec_out = |v: &Option<Vec<f32>>| v.as_ref().map(|v| out_f32(v.clone(), shape.clone()));
    aux.push(("final_state_step".into(), scalar(st.step)));
    for (k, v) in [
        ("momentum_buffer", &st.momentum_buffer),
        ("exp_avg", &st.exp_avg),
        ("exp_avg_sq", &st.exp_avg_sq),
        ("max_exp_avg_sq", &st.max_exp_avg_sq),
        ("square_avg", &st.square_avg),
        ("grad_avg", &st.grad_avg),
    ] {
        if let Some(o) = vec_out(v) {
            aux.push((format!("final_state_{k}"), o));
        }
    }
    let mut tshape = vec![steps];
    tshape.extend(shape);
    Ok(Out {
        shape: tshape,
        data: traj,
    })
}

/// Max error of `got` against `exp`, or a message when shapes differ or a value is out of tolerance.
pub(crate) fn compare(
    name: &str,
    got: &Out,
    exp: &GTensor,
    tol: f64,
    mixed: bool,
) -> (f64, Option<String>) {
    if got.shape != exp.shape {
        return (
            f64::INFINITY,
            Some(format!(
                "{name}: shape {:?}, expected {:?}",
                got.shape, exp.shape
            )),
        );
    }
    let mut max_err = 0.0f64;
    let mut first_bad = None;
    for (i, (&g, &e)) in got.data.iter().zip(&exp.data).enumerate() {
        let err = if g.is_nan() {
            f64::INFINITY
        } else {
            (g - e).abs()
        };
        max_err = max_err.max(err);
        let lim = if mixed { tol * (1.0 + e.abs()) } else { tol };
        if (err.is_nan() || err > lim) && first_bad.is_none() {
            first_bad = Some(format!(
                "{name}[{i}] = {g}, expected {e} (error {err:.3e} > {lim:.3e})"
            ));
        }
    }
    (max_err, first_bad)
}

/// Runs one case (a JSON object in the golden format).
pub fn run_case(case: &Value) -> CaseResult {
    let s = |k: &str| {
        case.get(k)
            .and_then(Value::as_str)
            .unwrap_or("")
            .to_string()
    };
    let (id, op, kind) = (s("id"), s("op"), s("kind"));
    let tol = case.get("tol").and_then(Value::as_f64).unwrap_or(0.0);
    let tol_mode = case
        .get("tol_mode")
        .and_then(Value::as_str)
        .unwrap_or("abs")
        .to_string();
    let mut res = CaseResult {
        id: id.clone(),
        op: op.clone(),
        kind,
        passed: false,
        max_err: f64::INFINITY,
        tol,
        tol_mode: tol_mode.clone(),
        message: String::new(),
    };
    let empty = Map::new();
    let mut inputs = case
        .get("inputs")
        .and_then(Value::as_object)
        .unwrap_or(&empty)
        .clone();
    // The receptive-field probe position is part of the question, stored with the answer.
    if let Some(j0) = case.pointer("/expected_aux/empirical_probe/data/0") {
        inputs.insert("__probe".into(), j0.clone());
    }
    let null = Value::Null;
    let ctx = Ctx {
        params: case.get("params").unwrap_or(&null),
        inputs: &inputs,
    };
    // Aux values are checked too, except dropout's, which are one torch sample for information.
    grade(
        &mut res,
        case,
        compute(&op, &ctx, &id),
        !op.starts_with("dropout"),
    );
    res
}

/// Fills `res` (tolerance already set) from one case's computed outputs: the compute error, or
/// the max error against `expected` and (when `check_aux`) every `expected_aux` entry, with the
/// first value out of tolerance as the message. Shared with the engine runner.
pub(crate) fn grade(
    res: &mut CaseResult,
    case: &Value,
    outputs: Result<(Out, Vec<(String, Out)>)>,
    check_aux: bool,
) {
    let (main, aux) = match outputs {
        Ok(v) => v,
        Err(e) => {
            res.message = e.to_string();
            return;
        }
    };
    let (tol, mixed) = (res.tol, res.tol_mode == "mixed");
    let expected = match case.get("expected").map(|v| GTensor::parse(v, "expected")) {
        Some(Ok(t)) => t,
        Some(Err(e)) => {
            res.message = e.to_string();
            return;
        }
        None => {
            res.message = "case has no \"expected\"".into();
            return;
        }
    };
    let (mut max_err, mut bad) = compare("expected", &main, &expected, tol, mixed);
    let exp_aux = case.get("expected_aux").and_then(Value::as_object);
    for (k, v) in exp_aux.filter(|_| check_aux).into_iter().flatten() {
        let exp = match GTensor::parse(v, k) {
            Ok(t) => t,
            Err(e) => {
                bad.get_or_insert(e.to_string());
                continue;
            }
        };
        match aux.iter().find(|(n, _)| n == k) {
            Some((_, got)) => {
                let (e, b) = compare(k, got, &exp, tol, mixed);
                max_err = max_err.max(e);
                if bad.is_none() {
                    bad = b;
                }
            }
            None => {
                bad.get_or_insert(format!("the runner does not produce {k:?}"));
            }
        }
    }
    res.max_err = max_err;
    res.passed = bad.is_none();
    res.message = bad.unwrap_or_default();
}

/// A parsed case file.
pub struct Suite {
    pub header: Value,
    pub cases: Vec<Value>,
}

impl Suite {
    pub fn parse(text: &str) -> Result<Suite> {
        let mut v: Value = serde_json::from_str(text)
            .map_err(|e| Error::Parse(format!("golden file is not valid JSON: {e}")))?;
        let cases = match v.get_mut("cases").map(Value::take) {
            Some(Value::Array(a)) => a,
            _ => return Err(Error::Parse("golden file has no \"cases\" list".into())),
        };
        let header = v.get("header").cloned().unwrap_or(Value::Null);
        Ok(Suite { header, cases })
    }
}

/// Per-op tally.
#[derive(Debug, Clone, Default, Serialize)]
pub struct OpStats {
    pub passed: usize,
    pub failed: usize,
    pub max_err: f64,
}
