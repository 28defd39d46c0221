//! A seeded, time-bounded native fuzz of the kernels the JS door reaches (issue 9): small
//! tensors (so no call can allocate much) with extreme sizes, dimensions and parameters
//! (0, 1, 2^16, 2^28, 2^31, 2^32 - 1, usize::MAX, NaN, infinities). Every call must return
//! `Ok` or an `Err`, never unwind; the test prints the calls and errors per kernel. The JS-level
//! fuzzer (wrong JS types, freed handles) is the facade's; this one finds panics in Rust without
//! a browser, in a second.
#![cfg(not(target_arch = "wasm32"))]

use std::collections::BTreeMap;
use std::panic::{catch_unwind, AssertUnwindSafe};
use std::time::{Duration, Instant};

use dlplay::ops::conv::{self, Conv2dParams};
use dlplay::ops::interp::{self, InterpMode, Probe, ResizeParams, Rgba, RgbaMethod, Target};
use dlplay::ops::loss::{self, CrossEntropyParams};
use dlplay::ops::norm::{self, Affine, BatchNormParams};
use dlplay::ops::pool::{self, PoolParams};
use dlplay::ops::{activation, metrics, Reduction};
use dlplay::rf::{self, LayerKind, RfLayer};
use dlplay::rng::Rng;
use dlplay::stack::{self, Layer, PoolKind};
use dlplay::tensor::{View, ViewD};

const EDGES: [usize; 9] = [
    0,
    1,
    2,
    3,
    1 << 16,
    1 << 28,
    1 << 31,
    u32::MAX as usize,
    usize::MAX,
];

struct Gen(Rng);

impl Gen {
    fn below(&mut self, n: usize) -> usize {
        (self.0.next_u64() % n as u64) as usize
    }
    /// A parameter: usually small, sometimes an edge value.
    fn param(&mut self) -> usize {
        if self.below(4) == 0 {
            EDGES[self.below(EDGES.len())]
        } else {
            self.below(5)
        }
    }
    /// A small dimension (0..=4), so tensors stay tiny.
    fn dim(&mut self) -> usize {
        self.below(5)
    }
    fn shape(&mut self, rank: usize) -> Vec<usize> {
        (0..rank).map(|_| self.dim()).collect()
    }
    fn real(&mut self) -> f64 {
        match self.below(8) {
            0 => f64::NAN,
            1 => f64::INFINITY,
            2 => -1.0,
            3 => 1e30,
            4 => 0.0,
            _ => self.below(1000) as f64 / 997.0,
        }
    }
    fn data(&mut self, shape: &[usize]) -> Vec<f32> {
        let n: usize = shape.iter().product();
        (0..n).map(|i| ((i * 7919) % 13) as f32 - 6.0).collect()
    }
    fn reduction(&mut self) -> Reduction {
        [Reduction::Mean, Reduction::Sum, Reduction::None][self.below(3)]
    }
}

type Outcome = std::result::Result<bool, ()>;

fn run(
    stats: &mut BTreeMap<&'static str, [usize; 3]>,
    name: &'static str,
    f: impl FnOnce() -> bool,
) {
    let r: Outcome = catch_unwind(AssertUnwindSafe(f)).map_err(|_| ());
    let s = stats.entry(name).or_default();
    s[0] += 1;
    match r {
        Ok(true) => {}
        Ok(false) => s[1] += 1,
        Err(()) => s[2] += 1,
    }
}

#[test]
fn kernels_never_panic_on_extreme_arguments() {
    std::panic::set_hook(Box::new(|info| {
        eprintln!("PANIC: {info}");
    }));
    let mut g = Gen(Rng::new(9));
    let mut stats: BTreeMap<&'static str, [usize; 3]> = BTreeMap::new();
    let start = Instant::now();
    let mut calls = 0;
    while start.elapsed() < Duration::from_secs(4) && calls < 40_000 {
        calls += 1;
        let pick = g.below(16);
        match pick {
            0 => {
                let xs = [g.dim(), g.dim(), g.dim(), g.dim()];
                let ws = [g.dim(), g.dim(), g.dim(), g.dim()];
                let (x, w) = (g.data(&xs), g.data(&ws));
                let p = Conv2dParams {
                    stride: [g.param(), g.param()],
                    padding: [g.param(), g.param()],
                    dilation: [g.param(), g.param()],
                    groups: g.param(),
                };
                let which = g.below(4);
                run(&mut stats, "conv2d", || {
                    let (Ok(xv), Ok(wv)) = (View::new("x", &x, xs), View::new("w", &w, ws)) else {
                        return false;
                    };
                    match which {
                        0 => conv::conv2d(xv, wv, None, &p).is_ok(),
                        1 => conv::conv2d_backward_input(&x, xs, wv, &p).is_ok(),
                        2 => conv::conv2d_window(xv, wv, &p).is_ok(),
                        _ => {
                            let mut y = vec![0.0; 64];
                            conv::conv2d_reference_into(xv, wv, None, &p, &mut y).is_ok()
                        }
                    }
                });
            }
            1 => {
                let xs = g.shape(4);
                let x = g.data(&xs);
                let p = PoolParams {
                    kernel: [g.param(), g.param()],
                    stride: [g.param(), g.param()],
                    padding: [g.param(), g.param()],
                    dilation: [g.param(), g.param()],
                    ceil_mode: g.below(2) == 0,
                    count_include_pad: g.below(2) == 0,
                };
                let max = g.below(2) == 0;
                run(&mut stats, "pool2d", || {
                    let Ok(v) = ViewD::new("x", &x, &xs) else {
                        return false;
                    };
                    if max {
                        match pool::max_pool2d(v, &p) {
                            Ok((y, _, arg)) => pool::max_pool2d_backward(&y, &arg, &xs, &p).is_ok(),
                            Err(_) => false,
                        }
                    } else {
                        pool::avg_pool2d(v, &p).is_ok()
                            && pool::avg_pool2d_backward(&x, &xs, &p).is_ok()
                    }
                });
            }
            2 => {
                let xs = [g.dim(), g.dim(), g.dim(), g.dim()];
                let x = g.data(&xs);
                let target = if g.below(2) == 0 {
                    Target::Size([g.param(), g.param()])
                } else {
                    Target::Scale([g.real() * 4.0, g.real() * 4.0])
                };
                let p = ResizeParams {
                    target,
                    mode: [InterpMode::Bilinear, InterpMode::Nearest][g.below(2)],
                    align_corners: g.below(2) == 0,
                    antialias: g.below(2) == 0,
                };
                run(&mut stats, "interpolate", || {
                    interp::resize(&x, xs, &p).is_ok()
                });
            }
            3 => {
                let (w, h) = (g.dim(), g.dim());
                let src = vec![100u8; w * h * 4];
                let (ow, oh) = (g.param(), g.param());
                let m = [
                    RgbaMethod::OpenCv,
                    RgbaMethod::Pillow,
                    RgbaMethod::Nearest,
                    RgbaMethod::Bilinear {
                        align_corners: true,
                    },
                ][g.below(4)];
                let at = [g.param(), g.param()];
                let inspect = g.below(2) == 0;
                run(&mut stats, "resize_rgba", || {
                    let img = Rgba { data: &src, w, h };
                    if inspect {
                        let probe = Probe { out: [ow, oh], at };
                        interp::inspect(img, probe, m).is_ok()
                    } else {
                        interp::resize_rgba(img, ow, oh, m).is_ok()
                    }
                });
            }
            4 => {
                let rank = g.below(5);
                let xs = g.shape(rank);
                let x = g.data(&xs);
                let ns: Vec<usize> = (0..g.below(3)).map(|_| g.dim()).collect();
                let groups = g.param();
                let eps = g.real();
                let wlen = g.dim();
                let wv = vec![1.0f32; wlen];
                let which = g.below(4);
                let (momentum, training) = (g.real(), g.below(2) == 0);
                run(&mut stats, "norms", || {
                    let Ok(v) = ViewD::new("x", &x, &xs) else {
                        return false;
                    };
                    let aff = Affine {
                        weight: Some(&wv),
                        bias: None,
                    };
                    match which {
                        0 => norm::layer_norm(v, &ns, aff, eps).is_ok(),
                        1 => norm::group_norm(v, groups, aff, eps).is_ok(),
                        2 => norm::instance_norm(v, aff, eps).is_ok(),
                        _ => {
                            let mut rm = vec![0.0f32; wlen];
                            let mut rv = vec![1.0f32; wlen];
                            let p = BatchNormParams {
                                training,
                                momentum,
                                eps,
                            };
                            norm::batch_norm(v, aff, Some(&mut rm), Some(&mut rv), &p).is_ok()
                        }
                    }
                });
            }
            5 => {
                let rank = g.below(4);
                let xs = g.shape(rank);
                let x = g.data(&xs);
                let dim = g.param();
                let log = g.below(2) == 0;
                run(&mut stats, "softmax", || {
                    if log {
                        activation::log_softmax(&x, &xs, dim).is_ok()
                    } else {
                        activation::softmax(&x, &xs, dim).is_ok()
                    }
                });
            }
            6 | 7 => {
                let rank = g.below(4);
                let xs = g.shape(rank);
                let x = g.data(&xs);
                let tlen = g.dim() * g.dim();
                let t: Vec<i64> = (0..tlen)
                    .map(|i| [0, 1, -100, 7, i64::MAX, i64::MIN, -1][(i * 3 + tlen) % 7])
                    .collect();
                let wlen = g.dim();
                let wv = vec![1.0f32; wlen];
                let probs = g.data(&xs);
                let p = CrossEntropyParams {
                    weight: if g.below(2) == 0 { Some(&wv) } else { None },
                    ignore_index: [-100, 0, i64::MAX][g.below(3)],
                    label_smoothing: g.real() as f32,
                    reduction: g.reduction(),
                };
                let which = g.below(2);
                run(&mut stats, "cross_entropy", || match which {
                    0 => loss::cross_entropy(&x, &xs, &t, &p).is_ok(),
                    _ => loss::cross_entropy_probs(&x, &xs, &probs, &p).is_ok(),
                });
            }
            8 => {
                let rank = g.below(4);
                let xs = g.shape(rank);
                let x = g.data(&xs);
                let t: Vec<f32> = x.iter().map(|v| (*v > 0.0) as u8 as f32).collect();
                let pwlen = g.dim();
                let pw = vec![2.0f32; pwlen];
                let dim = g.param();
                let (alpha, gamma) = (g.real() as f32, g.real() as f32);
                let red = g.reduction();
                let which = g.below(4);
                run(&mut stats, "binary_losses", || match which {
                    0 => loss::bce_with_logits(&x, &xs, &t, Some(&pw), dim, red).is_ok(),
                    1 => loss::sigmoid_focal_loss(&x, &xs, &t, alpha, gamma, red).is_ok(),
                    2 => loss::mse_loss(&x, &t, &xs, red).is_ok(),
                    _ => loss::kd_loss(&x, &t, &xs, alpha).is_ok(),
                });
            }
            9 => {
                let n = g.dim() * 3;
                let labels: Vec<u8> = (0..n).map(|i| (i % 3 == 0) as u8).collect();
                let slen = if g.below(4) == 0 { g.dim() } else { n };
                let scores: Vec<f32> = (0..slen).map(|i| (i % 5) as f32).collect();
                let drop = g.below(2) == 0;
                run(&mut stats, "roc_curve", || {
                    metrics::roc_curve(&labels, &scores, drop).is_ok()
                });
            }
            10 | 11 => {
                let ls: Vec<RfLayer> = (0..g.below(4))
                    .map(|_| RfLayer {
                        kind: [LayerKind::Conv, LayerKind::Pool][g.below(2)],
                        k: g.param(),
                        s: g.param(),
                        d: g.param(),
                        p: g.param(),
                    })
                    .collect();
                let (n, j) = (g.param(), g.param());
                run(&mut stats, "receptive", || {
                    let a = rf::receptive_field(&ls).is_ok();
                    let b = rf::feature_lengths(&ls, n).is_ok();
                    let c = rf::support_1d(&ls, n, j).is_ok();
                    a && b && c
                });
            }
            12 | 13 => {
                let ls: Vec<Layer> = (0..1 + g.below(3))
                    .map(|_| {
                        if g.below(3) == 0 {
                            Layer::Pool {
                                kind: [PoolKind::Max, PoolKind::Avg][g.below(2)],
                                k: g.param(),
                                s: g.param(),
                                p: g.param(),
                            }
                        } else {
                            Layer::Conv {
                                k: g.param(),
                                s: g.param(),
                                p: g.param(),
                                d: g.param(),
                                out: g.param(),
                                groups: g.param(),
                            }
                        }
                    })
                    .collect();
                let (c, h, w) = (g.param(), g.param(), g.param());
                let (ci, hi, wi) = (1 + g.below(3), 4 + g.below(9), 4 + g.below(9));
                let image = vec![0.5f32; ci * hi * wi];
                let cell = (g.param(), g.param());
                let draws = g.param();
                let which = g.below(3);
                let what = format!(
                    "{which} {ls:?} c{c} h{h} w{w} img {ci}x{hi}x{wi} cell {cell:?} draws {draws}"
                );
                run(&mut stats, "conv_stack", || match which {
                    0 => stack::plan(&ls, c, h, w).error.is_none(),
                    1 => stack::alternatives(c, h, w, [c, h]).is_ok(),
                    _ => {
                        let r = catch_unwind(AssertUnwindSafe(|| {
                            stack::cell_maps(&ls, &image, [ci, hi, wi], cell, 7, draws).is_ok()
                        }));
                        r.unwrap_or_else(|e| {
                            eprintln!("PANICKED CALL: {what}");
                            std::panic::resume_unwind(e)
                        })
                    }
                });
            }
            _ => {
                let n = g.param().min(1 << 12);
                let x = vec![1.0f32; n];
                let p = g.real() as f32;
                let training = g.below(2) == 0;
                run(&mut stats, "dropout", || {
                    dlplay::nn::dropout::dropout(&x, p, training, &mut Rng::new(3)).is_ok()
                });
            }
        }
    }
    let _ = std::panic::take_hook();
    let mut panics = 0;
    println!("kernel fuzz: {calls} calls in {:?}", start.elapsed());
    for (name, [n, errs, p]) in &stats {
        println!("  {name:14} {n:6} calls, {errs:6} errors, {p} panics");
        panics += p;
    }
    assert_eq!(panics, 0, "some kernels panicked (see PANIC lines above)");
}
