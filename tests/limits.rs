//! Issue 9, the Rust rows: every request that used to panic, abort, wrap or run for seconds is a
//! coded error, returned quickly. Natively `usize` is 64-bit, so where a wasm32 wrap (2^31 * 2 =
//! 0) cannot happen here the tests also pass values near `usize::MAX`, which wrap the same way;
//! the values of the issue itself are in `tests/door_limits.rs` too, run in the browser.
#![cfg(not(target_arch = "wasm32"))]

use std::time::{Duration, Instant};

use dlplay::nn::optim::OptimConfig;
use dlplay::ops::conv::{self, conv_out_len, Conv2dParams};
use dlplay::ops::interp::{self, InterpMode, Probe, ResizeParams, Rgba, RgbaMethod, Target};
use dlplay::ops::loss;
use dlplay::ops::pool::{self, PoolParams};
use dlplay::ops::Reduction;
use dlplay::rf::{self, LayerKind, RfLayer};
use dlplay::stack::{self, Layer};
use dlplay::tensor::{View, ViewD, MAX_WORK};
use dlplay::Error;

/// Runs `f`, which must fail with one of `codes` within a second (the checks run before any
/// work or allocation).
fn refused<T: std::fmt::Debug>(codes: &[&str], f: impl FnOnce() -> dlplay::Result<T>) -> Error {
    let t = Instant::now();
    let e = f().expect_err("this request must be refused");
    assert!(
        codes.contains(&e.code()),
        "code {} not in {codes:?}: {e}",
        e.code()
    );
    assert!(
        t.elapsed() < Duration::from_secs(1),
        "took {:?}",
        t.elapsed()
    );
    e
}

fn resize_params(target: Target, mode: InterpMode, antialias: bool) -> ResizeParams {
    ResizeParams {
        target,
        mode,
        align_corners: false,
        antialias,
    }
}

#[test]
fn interpolate_a_65536_tall_column_to_1x65536_is_refused_in_every_mode() {
    // The scratch plane of the horizontal pass is h x ow = 2^32 floats: 0 on wasm32 (an index
    // panic), 16 GiB and 2^32 steps natively.
    let x = vec![0.5f32; 65536];
    for (mode, aa) in [
        (InterpMode::Bilinear, false),
        (InterpMode::Bilinear, true),
        (InterpMode::Nearest, false),
    ] {
        let p = resize_params(Target::Size([1, 65536]), mode, aa);
        let e = refused(&["element_limit", "work_limit"], || {
            interp::resize(&x, [1, 1, 65536, 1], &p)
        });
        assert!(e.to_string().contains("65536"), "{e}");
        let mut y = vec![0.0f32; 65536];
        refused(&["element_limit", "work_limit"], || {
            interp::resize_into(&x, [1, 1, 65536, 1], &p, &mut y)
        });
    }
}

#[test]
fn nearest_8192_tall_to_1x65536_is_refused() {
    // 8192 x 65536 scratch floats = 2 GiB: a capacity overflow on wasm32.
    let x = vec![0.5f32; 8192];
    let p = resize_params(Target::Size([1, 65536]), InterpMode::Nearest, false);
    let e = refused(&["element_limit"], || {
        interp::resize(&x, [1, 1, 8192, 1], &p)
    });
    assert!(e.to_string().contains("[8192, 65536]"), "{e}");
}

#[test]
fn a_scale_factor_of_2_27_is_refused_at_once_naming_the_request() {
    // Took more than 6 s in the browser: 2^27 heap-allocated filter entries.
    let p = resize_params(
        Target::Scale([(1u64 << 27) as f64, 1.0]),
        InterpMode::Nearest,
        false,
    );
    let e = refused(&["work_limit"], || interp::resize(&[1.0], [1, 1, 1, 1], &p));
    let msg = e.to_string();
    assert!(msg.contains("[1, 1, 134217728, 1]"), "{msg}");
    assert!(msg.contains(&MAX_WORK.to_string()), "{msg}");
}

#[test]
fn ordinary_resizes_still_run() {
    let x: Vec<f32> = (0..16).map(|v| v as f32).collect();
    for mode in [InterpMode::Bilinear, InterpMode::Nearest] {
        let p = resize_params(Target::Size([64, 64]), mode, false);
        assert_eq!(
            interp::resize(&x, [1, 1, 4, 4], &p).unwrap().1,
            [1, 1, 64, 64]
        );
    }
    let p = resize_params(Target::Scale([0.5, 0.5]), InterpMode::Bilinear, true);
    assert_eq!(
        interp::resize(&x, [1, 1, 4, 4], &p).unwrap().1,
        [1, 1, 2, 2]
    );
}

#[test]
fn rgba_resize_whose_intermediate_image_explodes_is_refused() {
    // Both sides are within 64 MP, but a 1 x 2^24 column to a 2^24 x 1 row would make Pillow's
    // intermediate h x ow image 2^48 pixels, and every method 2^48 steps.
    let src = vec![7u8; 4 << 24];
    let img = Rgba {
        data: &src,
        w: 1,
        h: 1 << 24,
    };
    for m in [
        RgbaMethod::Pillow,
        RgbaMethod::OpenCv,
        RgbaMethod::Nearest,
        RgbaMethod::Bilinear {
            align_corners: false,
        },
    ] {
        refused(&["element_limit", "work_limit"], || {
            interp::resize_rgba(img, 1 << 24, 1, m)
        });
    }
    let small = vec![9u8; 4 * 4 * 4];
    let img = Rgba {
        data: &small,
        w: 4,
        h: 4,
    };
    assert_eq!(
        interp::resize_rgba(img, 8, 8, RgbaMethod::Pillow)
            .unwrap()
            .len(),
        256
    );
}

#[test]
fn inspecting_a_pixel_of_a_huge_axis_is_refused() {
    // The taps of one pixel came from the whole 2^26-long axis filter (Pillow: built twice),
    // seconds and gigabytes for one pixel.
    let src = [1u8, 2, 3, 255];
    let img = Rgba {
        data: &src,
        w: 1,
        h: 1,
    };
    let probe = Probe {
        out: [1 << 26, 1],
        at: [5, 0],
    };
    refused(&["work_limit"], || {
        interp::inspect(img, probe, RgbaMethod::Pillow)
    });
    let probe = Probe {
        out: [64, 64],
        at: [5, 7],
    };
    assert!(interp::inspect(img, probe, RgbaMethod::Pillow).is_ok());
}

fn pool_params(k: usize, s: usize, p: usize, d: usize) -> PoolParams {
    PoolParams {
        kernel: [k, k],
        stride: [s, s],
        padding: [p, p],
        dilation: [d, d],
        ceil_mode: false,
        count_include_pad: true,
    }
}

#[test]
fn pooling_with_huge_padding_kernel_stride_or_dilation_is_refused() {
    let x = [1.0f32, 2.0, 3.0, 4.0];
    let xs: &[usize] = &[1, 1, 2, 2];
    let v = ViewD::new("x", &x, xs).unwrap();
    // 2^31 is the value (2 * p wraps to 0 on wasm32); 2^63 wraps natively the same way.
    for big in [1usize << 31, 1 << 63, usize::MAX] {
        let cases = [
            pool_params(2, 2, big, 1),
            pool_params(big, 1, 0, 1),
            pool_params(2, big, 0, 1),
            pool_params(2, 1, 0, big),
            pool_params(big, big, big, big),
        ];
        for (i, p) in cases.iter().enumerate() {
            let e = refused(&["out_of_range"], || pool::max_pool2d(v, p));
            assert!(e.to_string().contains("268435456"), "case {i}: {e}");
            if p.dilation == [1, 1] {
                refused(&["out_of_range"], || pool::avg_pool2d(v, p));
            }
        }
    }
    // The ordinary case still runs.
    let (y, ys) = pool::avg_pool2d(v, &pool_params(2, 2, 1, 1)).unwrap();
    assert_eq!((ys, y.len()), ([1, 1, 2, 2], 4));
}

#[test]
fn pooling_beyond_the_work_budget_is_refused() {
    // A 4096x4096 plane pooled with a 2049x2049 window at stride 1: 2^22 outputs x 2^22 taps.
    let x = vec![0.0f32; 4096 * 4096];
    let xs: &[usize] = &[1, 1, 4096, 4096];
    let v = ViewD::new("x", &x, xs).unwrap();
    let e = refused(&["work_limit"], || {
        pool::max_pool2d(v, &pool_params(2049, 1, 0, 1))
    });
    assert!(e.to_string().contains("pooling"), "{e}");
}

fn conv_params(stride: [usize; 2], padding: [usize; 2], dilation: [usize; 2]) -> Conv2dParams {
    Conv2dParams {
        stride,
        padding,
        dilation,
        groups: 1,
    }
}

#[test]
fn conv_with_a_stride_of_2_31_is_refused_by_every_entry_point() {
    // The call: x [2,4,12,1], w [3,4,3,1], stride [1, 2^31] (a zero chunk size in the
    // SIMD path on wasm32).
    let x = vec![0.5f32; 2 * 4 * 12];
    let w = vec![0.25f32; 3 * 4 * 3];
    let bias = [0.0f32; 3];
    let xv = View::new("x", &x, [2, 4, 12, 1]).unwrap();
    let wv = View::new("w", &w, [3, 4, 3, 1]).unwrap();
    for big in [1usize << 31, usize::MAX] {
        let p = conv_params([1, big], [0, 0], [1, 1]);
        let e = refused(&["out_of_range"], || conv::conv2d(xv, wv, Some(&bias), &p));
        assert!(e.to_string().contains("stride cols"), "{e}");
        let mut y = vec![0.0f32; 2 * 3 * 10];
        refused(&["out_of_range"], || {
            conv::conv2d_into(xv, wv, Some(&bias), &p, &mut y)
        });
        refused(&["out_of_range"], || {
            conv::conv2d_reference_into(xv, wv, Some(&bias), &p, &mut y)
        });
        refused(&["out_of_range"], || {
            conv::conv2d_backward_input(&y, [2, 4, 12, 1], wv, &p)
        });
        for q in [
            conv_params([1, 1], [big, 0], [1, 1]),
            conv_params([1, 1], [0, 0], [big, 1]),
        ] {
            refused(&["out_of_range"], || conv::conv2d(xv, wv, Some(&bias), &q));
        }
    }
}

#[test]
fn a_stride_that_moves_no_window_gives_the_stride_1_answer() {
    // One output column: the column stride plays no part (torch computes it), at any bound.
    let x: Vec<f32> = (0..2 * 4 * 12 * 3).map(|v| (v % 7) as f32 - 3.0).collect();
    let w: Vec<f32> = (0..3 * 4 * 3 * 3).map(|v| (v % 5) as f32 * 0.25).collect();
    let xv = View::new("x", &x, [2, 4, 12, 3]).unwrap();
    let wv = View::new("w", &w, [3, 4, 3, 3]).unwrap();
    let one = conv::conv2d(xv, wv, None, &conv_params([1, 1], [0, 0], [1, 1])).unwrap();
    let big = conv::conv2d(xv, wv, None, &conv_params([1, 1 << 28], [0, 0], [1, 1])).unwrap();
    assert_eq!(one, big);
}

#[test]
fn conv_beyond_the_work_budget_is_refused() {
    // 64 -> 64 channels, 31x31 kernel on 256x256: 2.6e11 multiply-adds.
    let x = vec![0.0f32; 64 * 256 * 256];
    let w = vec![0.0f32; 64 * 64 * 31 * 31];
    let xv = View::new("x", &x, [1, 64, 256, 256]).unwrap();
    let wv = View::new("w", &w, [64, 64, 31, 31]).unwrap();
    let p = conv_params([1, 1], [15, 15], [1, 1]);
    let e = refused(&["work_limit"], || conv::conv2d(xv, wv, None, &p));
    assert!(e.to_string().contains("[64, 64, 31, 31]"), "{e}");
    let gy = vec![0.0f32; 64 * 256 * 256];
    refused(&["work_limit"], || {
        conv::conv2d_backward_input(&gy, [1, 64, 256, 256], wv, &p)
    });
}

#[test]
fn conv_out_len_never_shows_wrapped_arithmetic() {
    // n + 2p wrapped: usize::MAX + 2 read "the padded input has only 1".
    let e = conv_out_len("cols", usize::MAX, 3, 1, 1, 1).unwrap_err();
    assert_eq!(e.code(), "out_of_range", "{e}");
    assert!(e.to_string().contains(&usize::MAX.to_string()), "{e}");
    assert_eq!(conv_out_len("cols", 10, 3, 2, 1, 1).unwrap(), 5);
}

fn rf_conv(k: usize, s: usize, d: usize, p: usize) -> RfLayer {
    RfLayer {
        kind: LayerKind::Conv,
        k,
        s,
        d,
        p,
    }
}

#[test]
fn receptive_support_of_4294967295_inputs_is_refused() {
    // vec![false; 4294967295]: a capacity overflow on wasm32.
    let e = refused(&["out_of_range"], || {
        rf::support_1d(&[rf_conv(1, 1, 1, 0)], 4294967295, 0)
    });
    assert!(e.to_string().contains("4294967295"), "{e}");
    refused(&["out_of_range"], || rf::support_1d(&[], 4294967295, 0));
    // Huge kernels, strides and paddings: refused before the walk (it looped k times per cell).
    for l in [
        rf_conv(usize::MAX, 1, 1, 0),
        rf_conv(3, usize::MAX, 1, 0),
        rf_conv(3, 1, usize::MAX, 0),
        rf_conv(3, 1, 1, usize::MAX),
    ] {
        refused(&["out_of_range"], || rf::support_1d(&[l], 16, 0));
        refused(&["out_of_range"], || rf::receptive_field(&[l]));
    }
    assert_eq!(
        rf::support_1d(&[rf_conv(3, 1, 2, 0)], 8, 1)
            .unwrap()
            .iter()
            .filter(|&&b| b)
            .count(),
        3
    );
}

#[test]
fn receptive_field_offsets_that_overflow_are_errors() {
    // start -= p * jump overflowed i64 (a panic in debug, a wrapped offset in release): three
    // layers of stride 2^20 make the jump 2^60, then a padding of 2^20 shifts by 2^80.
    let mut ls = vec![rf_conv(2, 1 << 20, 1, 0); 3];
    ls.push(rf_conv(2, 1, 1, 1 << 20));
    let e = rf::receptive_field(&ls).unwrap_err();
    assert!(e.to_string().contains("overflows"), "{e}");
    // A jump of 2^54 fits u64 but not a JS number exactly: refused too.
    let e =
        rf::receptive_field(&[rf_conv(1, 1 << 27, 1, 0), rf_conv(1, 1 << 27, 1, 0)]).unwrap_err();
    assert!(e.to_string().contains("9007199254740992"), "{e}");
}

#[test]
fn conv_alternatives_never_wrap_to_zero_mult_adds() {
    // 65536 -> 65536 channels, 1024x1024 kernel, 1048576 x 1048576 output: 2^92 mult-adds, which
    // wrapped to 0 in u64.
    let e = stack::alternatives(65536, 65536, 1024, [1 << 20, 1 << 20]).unwrap_err();
    assert_eq!(e.code(), "count_limit", "{e}");
    assert!(e.to_string().contains("9007199254740992"), "{e}");
    let [std, ..] = stack::alternatives(3, 4, 3, [10, 10]).unwrap();
    assert_eq!(std.macs, 10800);
}

#[test]
fn conv_stack_plan_of_a_4294967295_wide_map_says_why_without_wrapping() {
    let layers = [Layer::Conv {
        k: 3,
        s: 1,
        p: 1,
        d: 1,
        out: 16,
        groups: 1,
    }];
    let plan = stack::plan(&layers, 3, 4294967295, 4294967295);
    let err = plan.error.expect("the plan must stop at layer 1");
    assert_eq!(err.layer, 1);
    assert!(err.message.contains("268435456"), "{}", err.message);
    // Many channels on a large allowed map: the counts stay exact or the plan says why.
    let plan = stack::plan(&layers, 1 << 27, 1 << 13, 1 << 13);
    match plan.error {
        Some(e) => assert!(e.message.contains("9007199254740992"), "{}", e.message),
        None => assert!(plan.rows[0].macs <= 1 << 53),
    }
}

#[test]
fn optimizer_options_must_be_finite() {
    let adam = |eps: f64, b1: f64, lr: f64, wd: f64| OptimConfig::Adam {
        lr,
        betas: (b1, 0.999),
        eps,
        weight_decay: wd,
        amsgrad: false,
        decoupled: false,
    };
    for (cfg, name) in [
        (adam(f64::NAN, 0.9, 1e-3, 0.0), "eps"),
        (adam(f64::INFINITY, 0.9, 1e-3, 0.0), "eps"),
        (adam(1e-8, f64::NAN, 1e-3, 0.0), "betas[0]"),
        (adam(1e-8, 0.9, 1e-3, f64::NAN), "weight_decay"),
        (adam(1e-8, 0.9, 1e-3, f64::INFINITY), "weight_decay"),
        (
            OptimConfig::Sgd {
                lr: 0.1,
                momentum: f64::NAN,
                dampening: 0.0,
                nesterov: false,
                weight_decay: 0.0,
            },
            "momentum",
        ),
        (
            OptimConfig::Sgd {
                lr: 0.1,
                momentum: 0.0,
                dampening: f64::NAN,
                nesterov: false,
                weight_decay: 0.0,
            },
            "dampening",
        ),
        (
            OptimConfig::RmsProp {
                lr: 0.1,
                alpha: 0.99,
                eps: f64::NAN,
                weight_decay: 0.0,
                momentum: 0.0,
                centered: false,
            },
            "eps",
        ),
        (
            OptimConfig::Adagrad {
                lr: 0.1,
                lr_decay: f64::INFINITY,
                weight_decay: 0.0,
                eps: 1e-10,
            },
            "lr_decay",
        ),
    ] {
        let e = cfg.validate().unwrap_err();
        assert_eq!(e.code(), "option_not_finite", "{name}: {e}");
        assert!(
            e.to_string()
                .starts_with(&format!("non-finite value: {name} must be")),
            "{e}"
        );
    }
    let e = adam(1e-8, 0.9, f64::NAN, 0.0).validate().unwrap_err();
    assert!(e.to_string().contains("learning rate"), "{e}");
    assert!(adam(1e-8, 0.9, 1e-3, 0.0).validate().is_ok());
}

#[test]
fn batch_norm_and_focal_options_must_be_finite() {
    use dlplay::ops::norm::check_batch_norm_options;
    assert!(check_batch_norm_options(f64::NAN, 1e-5).is_err());
    assert!(check_batch_norm_options(0.1, f64::NAN).is_err());
    assert!(check_batch_norm_options(0.1, f64::INFINITY).is_err());
    assert!(check_batch_norm_options(0.1, 1e-5).is_ok());
    let (x, t) = ([0.5f32, -0.5], [1.0f32, 0.0]);
    for (alpha, gamma) in [
        (f32::NEG_INFINITY, 2.0),
        (f32::NAN, 2.0),
        (0.25, f32::NAN),
        (0.25, f32::INFINITY),
    ] {
        let r = loss::sigmoid_focal_loss(&x, &[2], &t, alpha, gamma, Reduction::Mean);
        assert!(r.is_err(), "alpha {alpha}, gamma {gamma}");
    }
    assert!(loss::sigmoid_focal_loss(&x, &[2], &t, -1.0, 2.0, Reduction::Mean).is_ok());
}
