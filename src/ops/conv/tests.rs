//! Tests of the conv family: the reference against a plain f64 loop, every fast path (`simd`'s
//! three kernels, `window`) against the reference on random shapes, the input gradients against
//! finite differences, and the messages of the checks.

use super::*;
use crate::rng::Rng;
use crate::testkit::{assert_close, dot, grad_check, uniform};

/// The textbook sum in f64, straight from the formula in the module header.
fn naive(x: &[f32], xs: [usize; 4], w: &[f32], ws: [usize; 4], p: &Conv2dParams) -> Vec<f32> {
    let ys = conv2d_out_shape(xs, ws, p).unwrap();
    let [n, c, h, wd] = xs;
    let [o, cg, kh, kw] = ws;
    let og = o / p.groups;
    let mut y = vec![0.0f64; ys.iter().product()];
    for ni in 0..n {
        for oi in 0..o {
            for i in 0..ys[2] {
                for j in 0..ys[3] {
                    let mut acc = 0.0;
                    for ci in 0..cg {
                        let cin = (oi / og) * cg + ci;
                        for u in 0..kh {
                            for v in 0..kw {
                                let r = (i * p.stride[0] + u * p.dilation[0]) as isize
                                    - p.padding[0] as isize;
                                let q = (j * p.stride[1] + v * p.dilation[1]) as isize
                                    - p.padding[1] as isize;
                                if r >= 0 && q >= 0 && (r as usize) < h && (q as usize) < wd {
                                    acc += w[((oi * cg + ci) * kh + u) * kw + v] as f64
                                        * x[((ni * c + cin) * h + r as usize) * wd + q as usize]
                                            as f64;
                                }
                            }
                        }
                    }
                    y[((ni * o + oi) * ys[2] + i) * ys[3] + j] = acc;
                }
            }
        }
    }
    y.into_iter().map(|v| v as f32).collect()
}

fn view(data: &[f32], shape: [usize; 4]) -> View<'_> {
    View::new("test", data, shape).unwrap()
}

/// Seeded data for a call: input, weight, bias in [-1, 1).
fn data(xs: [usize; 4], ws: [usize; 4], seed: u64) -> (Vec<f32>, Vec<f32>, Vec<f32>) {
    (
        uniform(xs.iter().product(), seed, -1.0, 1.0),
        uniform(ws.iter().product(), seed + 1, -1.0, 1.0),
        uniform(ws[0], seed + 2, -1.0, 1.0),
    )
}

#[test]
fn reference_matches_naive_on_random_shapes() {
    let mut tested = 0;
    for case in 0..200 {
        let g = [1, 2, 3][case % 3];
        let c = g * (1 + case % 3);
        let o = g * (1 + (case / 3) % 3);
        let kh = [1, 3, 5][case % 3];
        let kw = [3, 1, 2][(case / 2) % 3];
        let p = Conv2dParams {
            stride: [1 + case % 2, 1 + (case / 4) % 3],
            padding: [case % 3, (case / 3) % 2],
            dilation: [1 + (case / 5) % 3, 1 + (case / 7) % 2],
            groups: g,
        };
        let xs = [1 + case % 2, c, 6 + case % 9, 5 + case % 11];
        let ws = [o, c / g, kh, kw];
        let Ok(ys) = conv2d_out_shape(xs, ws, &p) else {
            continue;
        };
        tested += 1;
        let (x, w, b) = data(xs, ws, case as u64 * 3);
        let mut y = vec![f32::NAN; ys.iter().product()];
        conv2d_reference_into(view(&x, xs), view(&w, ws), Some(&b), &p, &mut y).unwrap();
        let mut want = naive(&x, xs, &w, ws, &p);
        for (k, v) in want.iter_mut().enumerate() {
            *v += b[(k / (ys[2] * ys[3])) % o];
        }
        assert_close(&format!("case {case}"), &y, &want, 1e-4, 1e-4);
    }
    assert!(tested > 100, "only {tested} shapes fit");
}

#[test]
fn backward_input_matches_finite_differences() {
    let p = Conv2dParams {
        stride: [2, 1],
        padding: [1, 2],
        dilation: [2, 1],
        groups: 2,
    };
    let xs = [1, 4, 7, 6];
    let ws = [2, 2, 3, 3];
    let ys = conv2d_out_shape(xs, ws, &p).unwrap();
    let (x, w, _) = data(xs, ws, 11);
    let gy = uniform(ys.iter().product(), 14, -1.0, 1.0);
    let gx = conv2d_backward_input(&gy, xs, view(&w, ws), &p).unwrap();
    // L = sum(gy * conv(x)); the tolerance keeps the old absolute bound of 1e-3 for every entry.
    let tol = 1e-3 / (1.0 + gx.iter().fold(0.0f64, |m, v| m.max(v.abs() as f64)));
    grad_check("dL/dx", &x, &gx, 8e-3, tol, &mut |xv| {
        let (y, _) = conv2d(view(xv, xs), view(&w, ws), None, &p).unwrap();
        dot(&y, &gy)
    });
}

/// The fast kernels against the reference on random shapes (`random_case`: every kernel family,
/// groups, per-axis stride/padding/dilation, widths around the vector block sizes, batch 2).
#[test]
fn fast_matches_reference_on_random_shapes() {
    let mut r = Rng::new(99);
    let mut seen = [0usize; 4];
    let mut worst_by_tol = [0.0f32; 2];
    let mut run = 0;
    while run < 500 {
        let (xs, ws, p) = random_case(&mut r, run % 4);
        let Ok(ys) = conv2d_out_shape(xs, ws, &p) else {
            continue;
        };
        run += 1;
        seen[kernel_for(ws, &p) as usize] += 1;
        let (x, w, b) = data(xs, ws, 1000 + run as u64 * 3);
        let bias = (run % 2 == 0).then_some(b.as_slice());
        let n: usize = ys.iter().product();
        let mut fast = vec![f32::NAN; n];
        let mut reference = vec![f32::NAN; n];
        conv2d_into(view(&x, xs), view(&w, ws), bias, &p, &mut fast).unwrap();
        conv2d_reference_into(view(&x, xs), view(&w, ws), bias, &p, &mut reference).unwrap();
        let what = format!("x {xs:?} w {ws:?} {p:?} ({:?})", kernel_for(ws, &p));
        let tol = fast_tolerance(ws, &p);
        let worst = fast
            .iter()
            .zip(&reference)
            .map(|(a, e)| (a - e).abs() / (1.0 + e.abs()))
            .fold(0.0f32, f32::max);
        let k = usize::from(tol > 1e-5);
        worst_by_tol[k] = worst_by_tol[k].max(worst);
        assert_close(&what, &fast, &reference, tol, tol);
    }
    eprintln!(
        "worst |y - ref| / (1 + |ref|): {worst_by_tol:?} (bound 1e-5, stride-2 Winograd 3e-5)"
    );
    assert!(
        seen.iter().all(|&k| k > 50),
        "each kernel must be exercised: {seen:?} (dense, depthwise, pointwise, Winograd)"
    );
    assert_eq!(Kernel::Dense as usize, 0);
}

/// The window kernels against `conv2d_reference_into` and `conv2d_backward_input`.
#[test]
fn window_kernels_match_the_reference() {
    for case in 0..60 {
        let g = [1, 2, 3][case % 3];
        let c = g * (1 + case % 4);
        let o = g * (1 + (case / 4) % 5);
        let k = [1, 3, 5, 2][case % 4];
        let p = Conv2dParams {
            stride: [1 + case % 3, 1 + (case / 3) % 2],
            padding: [0, 0],
            dilation: [1 + (case / 5) % 3, 1 + (case / 2) % 2],
            groups: g,
        };
        let xs = [1, c, 9 + case % 7, 8 + case % 11];
        let ws = [o, c / g, k, k];
        let Ok(ys) = conv2d_out_shape(xs, ws, &p) else {
            continue;
        };
        let (x, w, _) = data(xs, ws, 17 + case as u64 * 3);
        let gy = uniform(ys.iter().product(), 5000 + case as u64, -1.0, 1.0);
        let mut want = vec![0.0; ys.iter().product()];
        conv2d_reference_into(view(&x, xs), view(&w, ws), None, &p, &mut want).unwrap();
        let got = conv2d_window(view(&x, xs), view(&w, ws), &p).unwrap();
        assert_close(&format!("case {case} forward"), &got, &want, 1e-5, 1e-5);
        let want = conv2d_backward_input(&gy, xs, view(&w, ws), &p).unwrap();
        let got = conv2d_window_backward_input(&gy, xs, view(&w, ws), &p).unwrap();
        assert_close(&format!("case {case} backward"), &got, &want, 1e-5, 1e-5);
    }
    let e = conv2d_window(
        view(&[0.0; 8], [2, 1, 2, 2]),
        view(&[1.0], [1, 1, 1, 1]),
        &Default::default(),
    )
    .unwrap_err();
    assert!(e.to_string().contains("one unpadded crop (batch 1"), "{e}");
}

#[test]
fn bad_parameters_say_why() {
    let p = Conv2dParams {
        dilation: [0, 1],
        ..Default::default()
    };
    let e = conv2d_out_shape([1, 1, 5, 5], [1, 1, 3, 3], &p)
        .unwrap_err()
        .to_string();
    assert!(e.contains("dilation rows must be >= 1, got 0"), "{e}");
    let p = Conv2dParams {
        groups: 2,
        ..Default::default()
    };
    let e = conv2d_out_shape([1, 3, 5, 5], [2, 1, 3, 3], &p)
        .unwrap_err()
        .to_string();
    assert!(
        e.contains("groups=2 must divide the input channels 3"),
        "{e}"
    );
    let e = conv2d_out_shape([1, 1, 2, 5], [1, 1, 3, 3], &Default::default())
        .unwrap_err()
        .to_string();
    assert!(e.contains("padded input has only 2"), "{e}");
    let e = View::new("input", &[0.0; 3], [1, 1, 2, 2]).unwrap_err();
    assert!(e.to_string().contains("input has 3 values"), "{e}");
}

/// One entry point called with a weight, a bias and an output buffer.
type Call<'a> = dyn Fn(&[f32], Option<&[f32]>, &mut [f32]) -> Result<()> + 'a;

/// Every entry point rejects a non-finite weight or bias, and a bias of the wrong length, before
/// it runs (the reference path used to skip the bias check when it lived in the wasm door).
#[test]
fn every_entry_point_checks_weight_and_bias() {
    let xs = [1, 1, 3, 3];
    let x = [0.5f32; 9];
    let p = Conv2dParams::default();
    let mut y = [0.0f32; 4];
    let good_w = [1.0f32; 4];
    let nan_w = [1.0, f32::NAN, 1.0, 1.0];
    let ws = [1, 1, 2, 2];
    let calls: [&Call<'_>; 6] = [
        &|w, b, _| conv2d(view(&x, xs), view(w, ws), b, &p).map(drop),
        &|w, b, y| conv2d_into(view(&x, xs), view(w, ws), b, &p, y),
        &|w, b, y| conv2d_reference_into(view(&x, xs), view(w, ws), b, &p, y),
        &|w, _, _| conv2d_backward_input(&[1.0; 4], xs, view(w, ws), &p).map(drop),
        &|w, _, _| conv2d_window(view(&x, xs), view(w, ws), &p).map(drop),
        &|w, _, _| conv2d_window_backward_input(&[1.0; 4], xs, view(w, ws), &p).map(drop),
    ];
    for (k, call) in calls.iter().enumerate() {
        call(&good_w, None, &mut y).unwrap();
        let e = call(&nan_w, None, &mut y).unwrap_err().to_string();
        assert!(e.contains("weight[1] is NaN"), "call {k}: {e}");
        if k < 3 {
            let e = call(&good_w, Some(&[f32::INFINITY]), &mut y)
                .unwrap_err()
                .to_string();
            assert!(e.contains("bias[0] is inf"), "call {k}: {e}");
            let e = call(&good_w, Some(&[1.0, 2.0]), &mut y)
                .unwrap_err()
                .to_string();
            assert!(e.contains("bias has 2 values"), "call {k}: {e}");
        }
        if k == 1 || k == 2 {
            let e = call(&good_w, None, &mut [0.0; 3]).unwrap_err().to_string();
            assert!(e.contains("output buffer has 3 values"), "call {k}: {e}");
        }
    }
}

#[test]
fn cheat_sheet_parameter_counts() {
    // 4 filters of 3x3 on 3 channels: 108 weights; depthwise 3x3 (27) + pointwise 1x1 (12) = 39.
    assert_eq!(conv2d_cost(3, 4, [3, 3], 1, false, [1, 1]).unwrap().0, 108);
    assert_eq!(conv2d_cost(3, 3, [3, 3], 3, false, [1, 1]).unwrap().0, 27);
    assert_eq!(conv2d_cost(3, 4, [1, 1], 1, false, [1, 1]).unwrap().0, 12);
    assert_eq!(
        conv2d_cost(3, 4, [3, 3], 1, true, [5, 2]).unwrap(),
        (112, 1080)
    );
}

/// Winograd against the f64 sum on the bench's layer shape (32 -> 32 channels; stride 1 with
/// dilation 1, 2, 4 and padding = dilation; stride 2): its transforms round differently from the
/// direct kernels, so the bound is stated here: worst `|y - exact| / (1 + |exact|)` at most 1e-5
/// at stride 1 (measured: 3.8e-6 to 4.4e-6, where the direct kernel's own error is 3.2e-6 to
/// 5.3e-6), ten times inside the golden tolerance (1e-4), and 2e-5 at stride 2 (measured 1.1e-5,
/// direct 3.3e-6: F(4, 2)'s coefficients, up to 8 per axis, scale up the rounding of the sums
/// over input channels, which is most of the error), five times inside it.
#[test]
fn winograd_error_against_the_exact_sum_is_bounded() {
    for (stride, d) in [(1, 1), (1, 2), (1, 4), (2, 1)] {
        let p = Conv2dParams {
            stride: [stride; 2],
            padding: [d, d],
            dilation: [d, d],
            ..Default::default()
        };
        let (xs, ws) = ([1, 32, 20, 37], [32, 32, 3, 3]);
        assert_eq!(kernel_for(ws, &p), Kernel::Winograd);
        let (x, w, b) = data(xs, ws, 40 + d as u64);
        let (y, _) = conv2d(view(&x, xs), view(&w, ws), Some(&b), &p).unwrap();
        let mut direct = vec![0.0; y.len()];
        conv2d_reference_into(view(&x, xs), view(&w, ws), Some(&b), &p, &mut direct).unwrap();
        let mut exact = naive(&x, xs, &w, ws, &p);
        let per = exact.len() / ws[0];
        for (k, e) in exact.iter_mut().enumerate() {
            *e += b[k / per];
        }
        let worst = |got: &[f32]| {
            got.iter()
                .zip(&exact)
                .map(|(a, e)| (a - e).abs() / (1.0 + e.abs()))
                .fold(0.0f32, f32::max)
        };
        let (wino, dir) = (worst(&y), worst(&direct));
        eprintln!("stride {stride} dilation {d}: Winograd {wino:.2e}, direct {dir:.2e}");
        let bound = if stride == 2 { 2e-5 } else { 1e-5 };
        assert!(
            wino <= bound,
            "stride {stride} dilation {d}: worst error {wino}, bound {bound}"
        );
    }
}

/// Winograd keeps its packed weights for the next call with the same weights, transform and
/// shape: a repeated call gives the same bits, and a change of one weight, of the stride, or of
/// the shape under the same weight buffer (16x8 vs 8x16 kernels) is seen.
#[test]
fn winograd_repacks_when_weights_stride_or_shape_change() {
    let run = |xs: [usize; 4], w: &[f32], ws: [usize; 4], stride: usize| {
        let p = Conv2dParams {
            stride: [stride; 2],
            padding: [1, 1],
            ..Default::default()
        };
        assert_eq!(kernel_for(ws, &p), Kernel::Winograd);
        let x = uniform(xs.iter().product(), 5, -1.0, 1.0);
        let (got, _) = conv2d(view(&x, xs), view(w, ws), None, &p).unwrap();
        let mut want = vec![0.0; got.len()];
        conv2d_reference_into(view(&x, xs), view(w, ws), None, &p, &mut want).unwrap();
        assert_close(&format!("{ws:?} stride {stride}"), &got, &want, 3e-5, 3e-5);
        got
    };
    let (xs, ws) = ([1, 8, 12, 13], [16, 8, 3, 3]);
    let w1 = uniform(16 * 8 * 9, 9, -1.0, 1.0);
    let mut w2 = w1.clone();
    *w2.last_mut().unwrap() += 2.0;
    for stride in [1, 2] {
        let first = run(xs, &w1, ws, stride);
        let again = run(xs, &w1, ws, stride);
        assert!(first
            .iter()
            .zip(&again)
            .all(|(a, b)| a.to_bits() == b.to_bits()));
        let changed = run(xs, &w2, ws, stride);
        assert!(changed.iter().zip(&first).any(|(a, b)| (a - b).abs() > 0.1));
        run(xs, &w1, ws, stride);
        run(xs, &w1, ws, 3 - stride);
        // the same 1152 weights as 8 kernels of 16 channels
        run([1, 16, 12, 13], &w1, [8, 16, 3, 3], stride);
        run(xs, &w1, ws, stride);
    }
}

/// An input with Inf or NaN (or values near f32::MAX) takes the direct kernel: bit-equal to the
/// reference, so ±Inf stays ±Inf instead of turning into NaN through the transforms.
#[test]
fn winograd_falls_back_to_direct_on_wild_inputs() {
    let (xs, ws) = ([1, 8, 9, 11], [8, 8, 3, 3]);
    for stride in [1, 2] {
        let p = Conv2dParams {
            stride: [stride; 2],
            padding: [1, 1],
            ..Default::default()
        };
        assert_eq!(kernel_for(ws, &p), Kernel::Winograd);
        let n: usize = conv2d_out_shape(xs, ws, &p).unwrap().iter().product();
        for wild in [f32::INFINITY, f32::NEG_INFINITY, f32::NAN, 3e38] {
            let (mut x, w, _) = data(xs, ws, 77);
            x[5 * 11 + 4] = wild;
            let (mut fast, mut reference) = (vec![0.0; n], vec![0.0; n]);
            conv2d_into(view(&x, xs), view(&w, ws), None, &p, &mut fast).unwrap();
            conv2d_reference_into(view(&x, xs), view(&w, ws), None, &p, &mut reference).unwrap();
            for (a, e) in fast.iter().zip(&reference) {
                assert_eq!(
                    a.to_bits(),
                    e.to_bits(),
                    "stride {stride}, {wild}: {a} vs {e}"
                );
            }
            assert!(
                fast.iter().any(|v| !v.is_finite() || v.abs() > 1e37),
                "stride {stride}: {wild} did not reach the output"
            );
        }
    }
}

/// An empty input (0 rows or 0 columns) with padding is a valid conv of zeros plus bias: every
/// kernel (dense, Winograd at stride 1 and 2) fills its padded copy without reading the input.
#[test]
fn empty_input_with_padding_is_the_bias() {
    for (xs, ws, stride) in [
        ([1, 2, 0, 5], [3, 2, 3, 3], 1),
        ([2, 8, 0, 4], [8, 8, 3, 3], 1),
        ([1, 8, 3, 0], [9, 8, 3, 3], 1),
        ([1, 8, 0, 0], [8, 8, 3, 3], 2),
    ] {
        let p = Conv2dParams {
            stride: [stride; 2],
            padding: [2, 2],
            ..Default::default()
        };
        let ys = conv2d_out_shape(xs, ws, &p).unwrap();
        let (x, w, b) = data(xs, ws, 5);
        let (y, shape) = conv2d(view(&x, xs), view(&w, ws), Some(&b), &p).unwrap();
        assert_eq!(shape, ys);
        let per = ys[2] * ys[3];
        for (k, v) in y.iter().enumerate() {
            assert_eq!(
                *v,
                b[(k / per) % ws[0]],
                "{xs:?} {ws:?} stride {stride} at {k}"
            );
        }
    }
}
